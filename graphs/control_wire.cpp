#include "graphs/control_wire.hpp"

#include <cstring>

#include "graphs/catalog_io.hpp"
#include "graphs/graph_wire.hpp"
#include "graphs/wire_io.hpp"

namespace rivulet::graphs::control {
namespace {

using wire_convert::get_strings;
using wire_convert::set_strings;
using wire_convert::str;
using wire_convert::text;
using wire_convert::WireError;

static_assert(wire::CURRENT_CONTROL_VERSION == kCurrentControlVersion,
              "control.capnp and control_wire.hpp disagree about the current control version");

constexpr wire_io::DocumentKind kGraphKind{"graph", "Rivulet graph", kCurrentFormatVersion};

[[noreturn]] void unknown(const char* what, unsigned raw) {
  throw WireError(std::string("unknown ") + what + " " + std::to_string(raw) +
                  " (sent by a newer Rivulet, or corrupted)");
}

// Enums are declared in the same order on both sides; the range check catches a newer peer.
template <class Plain, class Wire>
Plain enum_from_wire(Wire value, unsigned last, const char* what) {
  auto raw = static_cast<unsigned>(value);
  if (raw > last) unknown(what, raw);
  return static_cast<Plain>(raw);
}

template <class Wire, class Plain>
Wire enum_to_wire(Plain value) {
  return static_cast<Wire>(static_cast<unsigned>(value));
}

void to_wire(const JobSummary& job, wire::JobSummary::Builder out) {
  out.setId(text(job.id));
  out.setName(text(job.name));
  out.setState(enum_to_wire<wire::JobState>(job.state));
  out.setStarted(job.started);
  out.setRestarts(job.restarts);
}

JobSummary from_wire(wire::JobSummary::Reader in) {
  JobSummary job;
  job.id = str(in.getId());
  job.name = str(in.getName());
  job.state = enum_from_wire<JobState>(in.getState(), static_cast<unsigned>(JobState::Cancelled),
                                       "job state");
  job.started = in.getStarted();
  job.restarts = in.getRestarts();
  return job;
}

void to_wire(const std::vector<RestartRecord>& restarts,
             capnp::List<wire::RestartRecord>::Builder out) {
  for (unsigned i = 0; i < restarts.size(); ++i) {
    out[i].setAt(restarts[i].at);
    out[i].setCause(text(restarts[i].cause));
  }
}

std::vector<RestartRecord> from_wire(capnp::List<wire::RestartRecord>::Reader in) {
  std::vector<RestartRecord> restarts;
  restarts.reserve(in.size());
  for (auto r : in) restarts.push_back({r.getAt(), str(r.getCause())});
  return restarts;
}

void to_wire(const CheckpointRecord& record, wire::CheckpointRecord::Builder out) {
  out.setId(record.id);
  out.setStarted(record.started);
  out.setDurationMs(record.duration_ms);
  out.setAlignmentMs(record.alignment_ms);
  out.setBytes(record.bytes);
  out.setStatus(enum_to_wire<wire::CheckpointStatus>(record.status));
  out.setFailure(text(record.failure));
  out.setSavepoint(record.savepoint);
}

CheckpointRecord from_wire(wire::CheckpointRecord::Reader in) {
  CheckpointRecord record;
  record.id = in.getId();
  record.started = in.getStarted();
  record.duration_ms = in.getDurationMs();
  record.alignment_ms = in.getAlignmentMs();
  record.bytes = in.getBytes();
  record.status = enum_from_wire<CheckpointStatus>(
      in.getStatus(), static_cast<unsigned>(CheckpointStatus::Failed), "checkpoint status");
  record.failure = str(in.getFailure());
  record.savepoint = in.getSavepoint();
  return record;
}

void to_wire(const std::vector<CheckpointRecord>& records,
             capnp::List<wire::CheckpointRecord>::Builder out) {
  for (unsigned i = 0; i < records.size(); ++i) to_wire(records[i], out[i]);
}

std::vector<CheckpointRecord> from_wire(capnp::List<wire::CheckpointRecord>::Reader in) {
  std::vector<CheckpointRecord> records;
  records.reserve(in.size());
  for (auto r : in) records.push_back(from_wire(r));
  return records;
}

void to_wire(const TaskSample& task, wire::TaskSample::Builder out) {
  out.setNodeId(text(task.node_id));
  out.setSubtask(task.subtask);
  out.setParallelism(task.parallelism);
  out.setState(text(task.state));
  out.setRecordsIn(task.records_in);
  out.setRecordsOut(task.records_out);
  out.setBytesIn(task.bytes_in);
  out.setBytesOut(task.bytes_out);
  out.setRecordsInPerSecond(task.records_in_per_second);
  out.setRecordsOutPerSecond(task.records_out_per_second);
  out.setBytesInPerSecond(task.bytes_in_per_second);
  out.setBytesOutPerSecond(task.bytes_out_per_second);
  out.setBusyMsPerSecond(task.busy_ms_per_second);
  out.setBackpressuredMsPerSecond(task.backpressured_ms_per_second);
  out.setIdleMsPerSecond(task.idle_ms_per_second);
  auto fill = out.initInputFill(task.input_fill.size());
  for (unsigned i = 0; i < task.input_fill.size(); ++i) fill.set(i, task.input_fill[i]);
  out.setWatermarkMs(task.watermark_ms);
  out.setWatermarkLagMs(task.watermark_lag_ms);
  auto lag = out.initKafkaLag(task.kafka_lag.size());
  for (unsigned i = 0; i < task.kafka_lag.size(); ++i) {
    lag[i].setTopic(text(task.kafka_lag[i].topic));
    lag[i].setPartition(task.kafka_lag[i].partition);
    lag[i].setLag(task.kafka_lag[i].lag);
  }
  out.setLateRecords(task.late_records);
  out.setDeadLetters(task.dead_letters);
  out.setSkippedRecords(task.skipped_records);
  out.setCommittedRecords(task.committed_records);
}

TaskSample from_wire(wire::TaskSample::Reader in) {
  TaskSample task;
  task.node_id = str(in.getNodeId());
  task.subtask = in.getSubtask();
  task.parallelism = in.getParallelism();
  task.state = str(in.getState());
  task.records_in = in.getRecordsIn();
  task.records_out = in.getRecordsOut();
  task.bytes_in = in.getBytesIn();
  task.bytes_out = in.getBytesOut();
  task.records_in_per_second = in.getRecordsInPerSecond();
  task.records_out_per_second = in.getRecordsOutPerSecond();
  task.bytes_in_per_second = in.getBytesInPerSecond();
  task.bytes_out_per_second = in.getBytesOutPerSecond();
  task.busy_ms_per_second = in.getBusyMsPerSecond();
  task.backpressured_ms_per_second = in.getBackpressuredMsPerSecond();
  task.idle_ms_per_second = in.getIdleMsPerSecond();
  for (double f : in.getInputFill()) task.input_fill.push_back(f);
  task.watermark_ms = in.getWatermarkMs();
  task.watermark_lag_ms = in.getWatermarkLagMs();
  for (auto l : in.getKafkaLag()) {
    task.kafka_lag.push_back({str(l.getTopic()), l.getPartition(), l.getLag()});
  }
  task.late_records = in.getLateRecords();
  task.dead_letters = in.getDeadLetters();
  task.skipped_records = in.getSkippedRecords();
  task.committed_records = in.getCommittedRecords();
  return task;
}

}  // namespace

Status check_client_version(std::uint32_t client_version) {
  if (client_version == 0) {
    return Error{"the client sent no control protocol version (not a Rivulet client?)"};
  }
  if (client_version > kCurrentControlVersion) {
    return Error{"the client speaks control protocol version " + std::to_string(client_version) +
                 ", newer than this node supports (" + std::to_string(kCurrentControlVersion) +
                 "); upgrade the node"};
  }
  return Ok{};
}

void to_wire(const NodeInfo& info, wire::NodeInfo::Builder out) {
  out.setVersion(text(info.version));
  out.setBootstrapServers(text(info.bootstrap_servers));
  out.setStarted(info.started);
  out.setDataDir(text(info.data_dir));
}

NodeInfo from_wire(wire::NodeInfo::Reader in) {
  return {str(in.getVersion()), str(in.getBootstrapServers()), in.getStarted(),
          str(in.getDataDir())};
}

void to_wire(const DeployOptions& options, wire::DeployOptions::Builder out) {
  out.setName(text(options.name));
  set_strings(options.overrides, out.initOverrides(options.overrides.size()));
  out.setFromSavepoint(text(options.from_savepoint));
  out.setAllowNonRestoredState(options.allow_non_restored_state);
}

DeployOptions from_wire(wire::DeployOptions::Reader in) {
  DeployOptions options;
  options.name = str(in.getName());
  options.overrides = get_strings(in.getOverrides());
  options.from_savepoint = str(in.getFromSavepoint());
  options.allow_non_restored_state = in.getAllowNonRestoredState();
  return options;
}

void to_wire(const std::vector<Problem>& problems, capnp::List<wire::Problem>::Builder out) {
  for (unsigned i = 0; i < problems.size(); ++i) {
    const Problem& p = problems[i];
    auto w = out[i];
    w.setSeverity(p.severity == Severity::Error ? wire::Severity::ERROR : wire::Severity::WARNING);
    w.setNodeId(text(p.node_id));
    if (p.edge) {
      w.setHasEdge(true);
      w.setEdge(static_cast<std::uint32_t>(*p.edge));
    }
    w.setField(text(p.field));
    w.setMessage(text(p.message));
    w.setEdgeText(text(p.edge_text));
  }
}

std::vector<Problem> from_wire(capnp::List<wire::Problem>::Reader in) {
  std::vector<Problem> problems;
  problems.reserve(in.size());
  for (auto w : in) {
    Problem p;
    p.severity = enum_from_wire<Severity>(w.getSeverity(), 1, "problem severity");
    p.node_id = str(w.getNodeId());
    if (w.getHasEdge()) p.edge = w.getEdge();
    p.field = str(w.getField());
    p.message = str(w.getMessage());
    p.edge_text = str(w.getEdgeText());
    problems.push_back(std::move(p));
  }
  return problems;
}

void to_wire(const std::vector<JobSummary>& jobs, capnp::List<wire::JobSummary>::Builder out) {
  for (unsigned i = 0; i < jobs.size(); ++i) to_wire(jobs[i], out[i]);
}

std::vector<JobSummary> from_wire(capnp::List<wire::JobSummary>::Reader in) {
  std::vector<JobSummary> jobs;
  jobs.reserve(in.size());
  for (auto j : in) jobs.push_back(from_wire(j));
  return jobs;
}

void to_wire(const JobDetail& detail, wire::JobDetail::Builder out) {
  to_wire(detail.summary, out.initSummary());
  out.setMessage(text(detail.message));
  to_wire(detail.restarts, out.initRestarts(detail.restarts.size()));
  if (detail.last_checkpoint) {
    out.setHasLastCheckpoint(true);
    to_wire(*detail.last_checkpoint, out.initLastCheckpoint());
  }
  to_wire(detail.graphs, out.initGraphs(detail.graphs.size()));
  to_wire(detail.options, out.initOptions());
  to_wire(detail.checkpoints, out.initCheckpoints(detail.checkpoints.size()));
}

Result<JobDetail> from_wire(wire::JobDetail::Reader in) {
  JobDetail detail;
  detail.summary = from_wire(in.getSummary());
  detail.message = str(in.getMessage());
  detail.restarts = from_wire(in.getRestarts());
  if (in.getHasLastCheckpoint()) detail.last_checkpoint = from_wire(in.getLastCheckpoint());
  auto graphs = from_wire(in.getGraphs());
  if (!graphs) return graphs.error();
  detail.graphs = std::move(graphs).value();
  detail.options = from_wire(in.getOptions());
  detail.checkpoints = from_wire(in.getCheckpoints());
  return detail;
}

void to_wire(const std::vector<JobEvent>& events, capnp::List<wire::JobEvent>::Builder out) {
  for (unsigned i = 0; i < events.size(); ++i) {
    const JobEvent& e = events[i];
    out[i].setSequence(e.sequence);
    out[i].setAt(e.at);
    out[i].setKind(enum_to_wire<wire::JobEventKind>(e.kind));
    out[i].setMessage(text(e.message));
    out[i].setCheckpointId(e.checkpoint_id);
  }
}

std::vector<JobEvent> from_wire(capnp::List<wire::JobEvent>::Reader in) {
  std::vector<JobEvent> events;
  events.reserve(in.size());
  for (auto w : in) {
    JobEvent e;
    e.sequence = w.getSequence();
    e.at = w.getAt();
    e.kind = enum_from_wire<JobEventKind>(
        w.getKind(), static_cast<unsigned>(JobEventKind::SavepointTaken), "job event kind");
    e.message = str(w.getMessage());
    e.checkpoint_id = w.getCheckpointId();
    events.push_back(std::move(e));
  }
  return events;
}

void to_wire(const JobMetrics& metrics, wire::JobMetrics::Builder out) {
  out.setJob(text(metrics.job));
  out.setAt(metrics.at);
  auto tasks = out.initTasks(metrics.tasks.size());
  for (unsigned i = 0; i < metrics.tasks.size(); ++i) to_wire(metrics.tasks[i], tasks[i]);
  to_wire(metrics.checkpoints, out.initCheckpoints(metrics.checkpoints.size()));
  to_wire(metrics.restarts, out.initRestarts(metrics.restarts.size()));
}

JobMetrics from_wire(wire::JobMetrics::Reader in) {
  JobMetrics metrics;
  metrics.job = str(in.getJob());
  metrics.at = in.getAt();
  metrics.tasks.reserve(in.getTasks().size());
  for (auto t : in.getTasks()) metrics.tasks.push_back(from_wire(t));
  metrics.checkpoints = from_wire(in.getCheckpoints());
  metrics.restarts = from_wire(in.getRestarts());
  return metrics;
}

void to_wire(const EdgeRef& edge, wire::EdgeRef::Builder out) {
  out.setFromNode(text(edge.from_node));
  out.setFromPort(text(edge.from_port));
  out.setToNode(text(edge.to_node));
  out.setToPort(text(edge.to_port));
}

EdgeRef from_wire(wire::EdgeRef::Reader in) {
  return {str(in.getFromNode()), str(in.getFromPort()), str(in.getToNode()), str(in.getToPort())};
}

void to_wire(const PreviewRecords& records, wire::PreviewRecords::Builder out) {
  wire_convert::to_wire(records.schema, out.initSchema(records.schema.size()));
  auto rows = out.initRows(records.rows.size());
  for (unsigned i = 0; i < records.rows.size(); ++i) {
    set_strings(records.rows[i], rows[i].initValues(records.rows[i].size()));
  }
  out.setSkipped(records.skipped);
}

PreviewRecords from_wire(wire::PreviewRecords::Reader in) {
  PreviewRecords records;
  records.schema = wire_convert::from_wire(in.getSchema());
  for (auto row : in.getRows()) records.rows.push_back(get_strings(row.getValues()));
  records.skipped = in.getSkipped();
  return records;
}

void to_wire(const std::vector<Graph>& graphs, capnp::List<wire::Graph>::Builder out) {
  for (unsigned i = 0; i < graphs.size(); ++i) wire_convert::to_wire(graphs[i], out[i]);
}

Result<std::vector<Graph>> from_wire(capnp::List<wire::Graph>::Reader in) {
  std::vector<Graph> graphs;
  graphs.reserve(in.size());
  for (unsigned i = 0; i < in.size(); ++i) {
    try {
      wire_io::check_version(kGraphKind, in[i].getFormatVersion());
      graphs.push_back(wire_convert::from_wire(in[i]));
    } catch (const std::exception& e) {
      return Error{"graph " + std::to_string(i + 1) + ": " + e.what()};
    }
  }
  return graphs;
}

Result<WireCatalog> WireCatalog::encode(const Catalog& catalog) {
  auto bytes = encode_catalog(catalog, GraphFormat::Binary);
  if (!bytes) return bytes.error();
  WireCatalog out;
  out.words_ = kj::heapArray<capnp::word>(bytes->size() / sizeof(capnp::word));
  std::memcpy(out.words_.begin(), bytes->data(), out.words_.size() * sizeof(capnp::word));
  out.reader_ = std::make_unique<capnp::FlatArrayMessageReader>(
      out.words_, wire_io::reader_options(out.words_.size()));
  return out;
}

Result<Catalog> from_wire(wire::Catalog::Reader in) {
  std::string bytes;
  try {
    capnp::MallocMessageBuilder message;
    message.setRoot(in);
    auto words = capnp::messageToFlatArray(message);
    auto chars = words.asChars();
    bytes.assign(chars.begin(), chars.size());
  } catch (const kj::Exception& e) {
    return Error{"the node's catalog is unreadable: " + wire_io::describe(e)};
  }
  return decode_catalog(bytes, GraphFormat::Binary);
}

}  // namespace rivulet::graphs::control

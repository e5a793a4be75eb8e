#include "runtime/metrics/prometheus_exporter.hpp"

#include <kj/async-io.h>
#include <kj/compat/http.h>

#include <future>
#include <optional>
#include <sstream>

namespace rivulet::runtime {
namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_number(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

class Writer {
 public:
  // One metric family: HELP and TYPE once, then every sample.
  template <class Each>
  void family(const char* name, const char* type, const char* help, Each each) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    name_ = name;
    each();
  }
  void sample(const std::string& labels, double value) {
    out_ << name_ << '{' << labels << "} " << format_number(value) << '\n';
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
  const char* name_ = "";
};

std::string task_labels(const node::JobMetrics& job, const node::TaskSample& t) {
  return "job=\"" + escape_label(job.job) + "\",node=\"" + escape_label(t.node_id) +
         "\",subtask=\"" + std::to_string(t.subtask) + "\"";
}

}  // namespace

std::string render_prometheus(const std::vector<node::JobMetrics>& jobs) {
  Writer w;
  auto per_task = [&](const char* name, const char* type, const char* help, auto value) {
    w.family(name, type, help, [&] {
      for (const auto& job : jobs) {
        for (const auto& t : job.tasks) w.sample(task_labels(job, t), value(t));
      }
    });
  };
  using T = node::TaskSample;
  per_task("rivulet_records_in_total", "counter", "Records received by the task.",
           [](const T& t) { return static_cast<double>(t.records_in); });
  per_task("rivulet_records_out_total", "counter", "Records emitted by the task.",
           [](const T& t) { return static_cast<double>(t.records_out); });
  per_task("rivulet_bytes_in_total", "counter", "Bytes of record batches received.",
           [](const T& t) { return static_cast<double>(t.bytes_in); });
  per_task("rivulet_bytes_out_total", "counter", "Bytes of record batches emitted.",
           [](const T& t) { return static_cast<double>(t.bytes_out); });
  per_task("rivulet_busy_seconds_per_second", "gauge", "Time neither idle nor backpressured.",
           [](const T& t) { return t.busy_ms_per_second / 1000; });
  per_task("rivulet_backpressured_seconds_per_second", "gauge", "Time waiting for output credit.",
           [](const T& t) { return t.backpressured_ms_per_second / 1000; });
  per_task("rivulet_idle_seconds_per_second", "gauge", "Time waiting for input.",
           [](const T& t) { return t.idle_ms_per_second / 1000; });
  per_task("rivulet_watermark_lag_seconds", "gauge", "Wall clock minus the task's watermark.",
           [](const T& t) { return static_cast<double>(t.watermark_lag_ms) / 1000; });
  per_task("rivulet_late_records_total", "counter", "Records behind the watermark.",
           [](const T& t) { return static_cast<double>(t.late_records); });
  per_task("rivulet_dead_letters_total", "counter", "Records sent to a dead-letter output.",
           [](const T& t) { return static_cast<double>(t.dead_letters); });
  per_task("rivulet_skipped_records_total", "counter", "Records skipped (on_parse_error=skip).",
           [](const T& t) { return static_cast<double>(t.skipped_records); });
  per_task("rivulet_dropped_records_total", "counter", "Records emitted on an unconnected output.",
           [](const T& t) { return static_cast<double>(t.dropped_records); });
  w.family("rivulet_input_channel_fill", "gauge", "Queued batches over the credit window.", [&] {
    for (const auto& job : jobs) {
      for (const auto& t : job.tasks) {
        for (std::size_t c = 0; c < t.input_fill.size(); ++c) {
          w.sample(task_labels(job, t) + ",channel=\"" + std::to_string(c) + "\"", t.input_fill[c]);
        }
      }
    }
  });
  w.family("rivulet_kafka_consumer_lag", "gauge", "High watermark minus the next offset.", [&] {
    for (const auto& job : jobs) {
      for (const auto& t : job.tasks) {
        for (const auto& lag : t.kafka_lag) {
          w.sample(task_labels(job, t) + ",topic=\"" + escape_label(lag.topic) + "\",partition=\"" +
                       std::to_string(lag.partition) + "\"",
                   static_cast<double>(lag.lag));
        }
      }
    }
  });
  auto per_job = [&](const char* name, const char* type, const char* help, auto value) {
    w.family(name, type, help, [&] {
      for (const auto& job : jobs) {
        if (auto v = value(job)) w.sample("job=\"" + escape_label(job.job) + "\"", *v);
      }
    });
  };
  using J = node::JobMetrics;
  // The newest completed checkpoint (the history also holds ones in progress and failed ones).
  auto last = [](const J& j) -> const node::CheckpointRecord* {
    for (auto it = j.checkpoints.rbegin(); it != j.checkpoints.rend(); ++it) {
      if (it->status == node::CheckpointStatus::Completed) return &*it;
    }
    return nullptr;
  };
  per_job("rivulet_restarts_total", "counter", "Restarts of the job after failures.",
          [](const J& j) { return std::optional<double>(static_cast<double>(j.restarts.size())); });
  per_job("rivulet_last_checkpoint_id", "gauge", "Id of the newest checkpoint.",
          [&](const J& j) -> std::optional<double> {
            if (auto* c = last(j)) return static_cast<double>(c->id);
            return std::nullopt;
          });
  per_job("rivulet_last_checkpoint_duration_seconds", "gauge", "Trigger to completion.",
          [&](const J& j) -> std::optional<double> {
            if (auto* c = last(j)) return static_cast<double>(c->duration_ms) / 1000;
            return std::nullopt;
          });
  per_job("rivulet_last_checkpoint_alignment_seconds", "gauge",
          "Longest barrier alignment of any task for it.",
          [&](const J& j) -> std::optional<double> {
            if (auto* c = last(j)) return static_cast<double>(c->alignment_ms) / 1000;
            return std::nullopt;
          });
  per_job("rivulet_last_checkpoint_size_bytes", "gauge", "State written for it.",
          [&](const J& j) -> std::optional<double> {
            if (auto* c = last(j)) return static_cast<double>(c->bytes);
            return std::nullopt;
          });
  return w.str();
}

struct PrometheusExporter::Server {
  Samples samples;
  const kj::Executor* executor = nullptr;
  kj::Own<kj::PromiseFulfiller<void>> stop;
};

namespace {

class MetricsService final : public kj::HttpService {
 public:
  MetricsService(const kj::HttpHeaderTable& table, PrometheusExporter::Samples& samples)
      : table_(table), samples_(samples) {}
  kj::Promise<void> request(kj::HttpMethod method, kj::StringPtr url,
                            const kj::HttpHeaders& /*headers*/, kj::AsyncInputStream& /*body*/,
                            Response& response) override {
    if (method != kj::HttpMethod::GET || (url != "/metrics" && !url.startsWith("/metrics?"))) {
      return response.sendError(404, "Not Found", table_);
    }
    auto text = kj::heapString(render_prometheus(samples_()));
    kj::HttpHeaders headers(table_);
    headers.set(kj::HttpHeaderId::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    auto stream = response.send(200, "OK", headers, text.size());
    auto write = stream->write(text.begin(), text.size());
    return write.attach(kj::mv(stream), kj::mv(text));
  }

 private:
  const kj::HttpHeaderTable& table_;
  PrometheusExporter::Samples& samples_;
};

}  // namespace

graphs::Result<std::unique_ptr<PrometheusExporter>> PrometheusExporter::start(
    const std::string& host_port, Samples samples) {
  std::unique_ptr<PrometheusExporter> exporter(new PrometheusExporter());
  exporter->server_ = std::make_unique<Server>();
  exporter->server_->samples = std::move(samples);
  // Shared: the thread may still report a late error after start() returned.
  auto listening = std::make_shared<std::promise<graphs::Result<std::uint16_t>>>();
  auto bound = listening->get_future();
  Server* server = exporter->server_.get();
  exporter->thread_ = std::thread([server, host_port, listening] {
    try {
      auto io = kj::setupAsyncIo();
      auto address = io.provider->getNetwork()
                         .parseAddress(kj::StringPtr(host_port.c_str()))
                         .wait(io.waitScope);
      auto listener = address->listen();
      kj::HttpHeaderTable table;
      MetricsService service(table, server->samples);
      // Slow or broken clients cannot hold the exporter: headers must arrive in time.
      kj::HttpServerSettings settings;
      settings.headerTimeout = 5 * kj::SECONDS;
      kj::HttpServer http(io.provider->getTimer(), table, service, settings);
      auto paf = kj::newPromiseAndFulfiller<void>();
      server->stop = kj::mv(paf.fulfiller);
      server->executor = &kj::getCurrentThreadExecutor();
      listening->set_value(static_cast<std::uint16_t>(listener->getPort()));
      paf.promise.exclusiveJoin(http.listenHttp(*listener)).wait(io.waitScope);
    } catch (const kj::Exception& e) {
      try {
        listening->set_value(graphs::Error{"metrics listener " + host_port + ": " +
                                           std::string(e.getDescription().cStr())});
      } catch (const std::future_error&) {
        // Already listening: the server stopped with an error; nothing is waiting for it.
      }
    }
  });
  auto port = bound.get();
  if (!port) {
    exporter->thread_.join();
    return port.error();
  }
  exporter->port_ = *port;
  return exporter;
}

PrometheusExporter::~PrometheusExporter() {
  if (!thread_.joinable()) return;
  if (server_->executor) {
    server_->executor->executeSync([this] { server_->stop->fulfill(); });
  }
  thread_.join();
}

}  // namespace rivulet::runtime

#include "graphs/graph_wire.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace rivulet::graphs::wire_convert {

void set_strings(const std::vector<std::string>& items, capnp::List<capnp::Text>::Builder out) {
  for (unsigned i = 0; i < items.size(); ++i) out.set(i, text(items[i]));
}

std::vector<std::string> get_strings(capnp::List<capnp::Text>::Reader in) {
  std::vector<std::string> items;
  items.reserve(in.size());
  for (auto t : in) items.push_back(str(t));
  return items;
}

namespace {

// The public overloads, so the file-local ones below do not hide them.
using wire_convert::from_wire;
using wire_convert::to_wire;

std::string unknown(const char* what, unsigned raw) {
  return std::string("unknown ") + what + " " + std::to_string(raw) +
         " (written by a newer Rivulet, or corrupted)";
}

// Bitwise, so -0.0 and NaN count as "set" and survive the round trip.
bool is_zero_bits(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits == 0;
}

wire::FieldType to_wire(FieldType type) {
  switch (type) {
    case FieldType::Int64:
      return wire::FieldType::INT64;
    case FieldType::Float64:
      return wire::FieldType::FLOAT64;
    case FieldType::Bool:
      return wire::FieldType::BOOL;
    case FieldType::String:
      return wire::FieldType::STRING;
    case FieldType::Timestamp:
      return wire::FieldType::TIMESTAMP;
  }
  throw WireError("field type out of range");
}

FieldType from_wire(wire::FieldType type) {
  switch (type) {
    case wire::FieldType::INT64:
      return FieldType::Int64;
    case wire::FieldType::FLOAT64:
      return FieldType::Float64;
    case wire::FieldType::BOOL:
      return FieldType::Bool;
    case wire::FieldType::STRING:
      return FieldType::String;
    case wire::FieldType::TIMESTAMP:
      return FieldType::Timestamp;
  }
  throw WireError(unknown("field type", static_cast<unsigned>(type)));
}

void to_wire(const Node& node, wire::Node::Builder out) {
  out.setId(text(node.id));
  out.setKind(text(node.kind));
  if (!node.label.empty()) out.setLabel(text(node.label));
  if (!node.parameters.empty()) {
    auto params = out.initParameters(node.parameters.size());
    for (unsigned i = 0; i < node.parameters.size(); ++i) {
      params[i].setName(text(node.parameters[i].name));
      to_wire(node.parameters[i].value, params[i].initValue());
    }
  }
  out.setParallelism(node.parallelism);
  if (!is_zero_bits(node.position.x) || !is_zero_bits(node.position.y)) {
    auto pos = out.initPosition();
    pos.setX(canonical(node.position.x));
    pos.setY(canonical(node.position.y));
  }
}

Node from_wire(wire::Node::Reader in) {
  Node node;
  node.id = str(in.getId());
  node.kind = str(in.getKind());
  node.label = str(in.getLabel());
  try {
    for (auto p : in.getParameters()) {
      node.parameters.push_back(Parameter{str(p.getName()), {}});
      node.parameters.back().value = from_wire(p.getValue());
    }
  } catch (const WireError& e) {
    std::string where = "node '" + node.id + "'";
    if (!node.parameters.empty()) where += ", parameter '" + node.parameters.back().name + "'";
    throw WireError(where + ": " + e.what());
  }
  node.parallelism = in.getParallelism();
  auto pos = in.getPosition();
  node.position = Position{pos.getX(), pos.getY()};
  return node;
}

void to_wire(const Endpoint& endpoint, wire::Endpoint::Builder out) {
  out.setNode(text(endpoint.node));
  out.setPort(text(endpoint.port));
}

Endpoint from_wire(wire::Endpoint::Reader in) { return {str(in.getNode()), str(in.getPort())}; }

void to_wire(const Edge& edge, wire::Edge::Builder out) {
  to_wire(edge.from, out.initFrom());
  to_wire(edge.to, out.initTo());
  // Forward is the union's default member: leaving the struct unset says the same thing.
  switch (edge.partitioning.kind) {
    case PartitioningKind::Forward:
      break;
    case PartitioningKind::Hash:
      set_strings(edge.partitioning.key_fields,
                  out.initPartitioning().initHash(edge.partitioning.key_fields.size()));
      break;
    case PartitioningKind::Broadcast:
      out.initPartitioning().setBroadcast();
      break;
    case PartitioningKind::Rebalance:
      out.initPartitioning().setRebalance();
      break;
  }
}

Edge from_wire(wire::Edge::Reader in, std::size_t index) {
  Edge edge;
  edge.from = from_wire(in.getFrom());
  edge.to = from_wire(in.getTo());
  auto part = in.getPartitioning();
  switch (part.which()) {
    case wire::Partitioning::FORWARD:
      edge.partitioning.kind = PartitioningKind::Forward;
      break;
    case wire::Partitioning::HASH:
      edge.partitioning.kind = PartitioningKind::Hash;
      edge.partitioning.key_fields = get_strings(part.getHash());
      break;
    case wire::Partitioning::BROADCAST:
      edge.partitioning.kind = PartitioningKind::Broadcast;
      break;
    case wire::Partitioning::REBALANCE:
      edge.partitioning.kind = PartitioningKind::Rebalance;
      break;
    default:
      throw WireError("edges[" + std::to_string(index) + "].partitioning: " +
                      unknown("partitioning", static_cast<unsigned>(part.which())));
  }
  return edge;
}

void to_wire(const RestartStrategy& restart, wire::RestartStrategy::Builder out) {
  switch (restart.kind) {
    case RestartKind::None:
      out.setNone();
      break;
    case RestartKind::FixedDelay: {
      auto fixed = out.initFixedDelay();
      fixed.setAttempts(restart.attempts);
      fixed.setDelayMs(restart.delay_ms);
      break;
    }
    case RestartKind::ExponentialBackoff: {
      auto backoff = out.initExponentialBackoff();
      backoff.setInitialDelayMs(restart.initial_delay_ms);
      backoff.setMaxDelayMs(restart.max_delay_ms);
      backoff.setMultiplier(canonical(restart.multiplier));
      backoff.setMaxAttempts(restart.attempts);
      break;
    }
  }
}

// Members that do not belong to the active kind keep the model's defaults.
RestartStrategy from_wire(wire::RestartStrategy::Reader in) {
  RestartStrategy restart;
  switch (in.which()) {
    case wire::RestartStrategy::NONE:
      break;
    case wire::RestartStrategy::FIXED_DELAY:
      restart.kind = RestartKind::FixedDelay;
      restart.attempts = in.getFixedDelay().getAttempts();
      restart.delay_ms = in.getFixedDelay().getDelayMs();
      break;
    case wire::RestartStrategy::EXPONENTIAL_BACKOFF: {
      auto backoff = in.getExponentialBackoff();
      restart.kind = RestartKind::ExponentialBackoff;
      restart.initial_delay_ms = backoff.getInitialDelayMs();
      restart.max_delay_ms = backoff.getMaxDelayMs();
      restart.multiplier = backoff.getMultiplier();
      restart.attempts = backoff.getMaxAttempts();
      break;
    }
    default:
      throw WireError("runtime.restartStrategy: " +
                      unknown("restart strategy", static_cast<unsigned>(in.which())));
  }
  return restart;
}

bool is_default(const RuntimeConfig& runtime) {
  RuntimeConfig defaults;
  return runtime.checkpoint_interval_ms == defaults.checkpoint_interval_ms &&
         runtime.state_backend == defaults.state_backend &&
         runtime.restart.kind == RestartKind::None && runtime.checkpoint_directory.empty() &&
         runtime.checkpoints_retained == defaults.checkpoints_retained &&
         runtime.tolerable_failed_checkpoints == defaults.tolerable_failed_checkpoints;
}

void to_wire(const RuntimeConfig& runtime, wire::RuntimeConfig::Builder out) {
  out.setCheckpointIntervalMs(runtime.checkpoint_interval_ms);
  switch (runtime.state_backend) {
    case StateBackend::Memory:
      out.setStateBackend(wire::StateBackend::MEMORY);
      break;
    case StateBackend::RocksDb:
      out.setStateBackend(wire::StateBackend::ROCKSDB);
      break;
  }
  if (runtime.restart.kind != RestartKind::None)
    to_wire(runtime.restart, out.initRestartStrategy());
  if (!runtime.checkpoint_directory.empty()) {
    out.setCheckpointDirectory(text(runtime.checkpoint_directory));
  }
  out.setCheckpointsRetained(runtime.checkpoints_retained);
  out.setTolerableFailedCheckpoints(runtime.tolerable_failed_checkpoints);
}

RuntimeConfig from_wire(wire::RuntimeConfig::Reader in) {
  RuntimeConfig runtime;
  runtime.checkpoint_interval_ms = in.getCheckpointIntervalMs();
  switch (in.getStateBackend()) {
    case wire::StateBackend::MEMORY:
      runtime.state_backend = StateBackend::Memory;
      break;
    case wire::StateBackend::ROCKSDB:
      runtime.state_backend = StateBackend::RocksDb;
      break;
    default:
      throw WireError("runtime.stateBackend: " +
                      unknown("state backend", static_cast<unsigned>(in.getStateBackend())));
  }
  runtime.restart = from_wire(in.getRestartStrategy());
  runtime.checkpoint_directory = str(in.getCheckpointDirectory());
  runtime.checkpoints_retained = in.getCheckpointsRetained();
  runtime.tolerable_failed_checkpoints = in.getTolerableFailedCheckpoints();
  return runtime;
}

}  // namespace

double canonical(double d) { return std::isnan(d) ? std::numeric_limits<double>::quiet_NaN() : d; }

void to_wire(const Value& value, wire::Value::Builder out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out.setBoolValue(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.setIntValue(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out.setFloatValue(canonical(v));
        } else if constexpr (std::is_same_v<T, std::string>) {
          out.setStringValue(text(v));
        } else if constexpr (std::is_same_v<T, Duration>) {
          out.setDurationMs(v.ms);
        } else if constexpr (std::is_same_v<T, StringList>) {
          set_strings(v, out.initStringList(v.size()));
        } else if constexpr (std::is_same_v<T, Expression>) {
          out.setExpression(text(v.text));
        } else {
          static_assert(std::is_same_v<T, Schema>);
          to_wire(v, out.initSchema(v.size()));
        }
      },
      value);
}

Value from_wire(wire::Value::Reader in) {
  switch (in.which()) {
    case wire::Value::BOOL_VALUE:
      return in.getBoolValue();
    case wire::Value::INT_VALUE:
      return in.getIntValue();
    case wire::Value::FLOAT_VALUE:
      return in.getFloatValue();
    case wire::Value::STRING_VALUE:
      return str(in.getStringValue());
    case wire::Value::DURATION_MS:
      return Duration{in.getDurationMs()};
    case wire::Value::STRING_LIST:
      return get_strings(in.getStringList());
    case wire::Value::EXPRESSION:
      return Expression{str(in.getExpression())};
    case wire::Value::SCHEMA:
      return from_wire(in.getSchema());
  }
  throw WireError(unknown("value kind", static_cast<unsigned>(in.which())));
}

void to_wire(const Field& field, wire::Field::Builder out) {
  out.setName(text(field.name));
  out.setType(to_wire(field.type));
  out.setNullable(field.nullable);
}

Field from_wire(wire::Field::Reader in) {
  Field field;
  field.name = str(in.getName());
  try {
    field.type = from_wire(in.getType());
  } catch (const WireError& e) {
    throw WireError("field '" + field.name + "': " + e.what());
  }
  field.nullable = in.getNullable();
  return field;
}

void to_wire(const Schema& schema, capnp::List<wire::Field>::Builder out) {
  for (unsigned i = 0; i < schema.size(); ++i) to_wire(schema[i], out[i]);
}

Schema from_wire(capnp::List<wire::Field>::Reader in) {
  Schema schema;
  schema.reserve(in.size());
  for (auto f : in) schema.push_back(from_wire(f));
  return schema;
}

void to_wire(const Graph& graph, wire::Graph::Builder out) {
  // Always the version this code writes, whatever the model says it was read from.
  out.setFormatVersion(kCurrentFormatVersion);
  if (!graph.name.empty()) out.setName(text(graph.name));
  if (!graph.description.empty()) out.setDescription(text(graph.description));
  if (!graph.nodes.empty()) {
    auto nodes = out.initNodes(graph.nodes.size());
    for (unsigned i = 0; i < graph.nodes.size(); ++i) to_wire(graph.nodes[i], nodes[i]);
  }
  if (!graph.edges.empty()) {
    auto edges = out.initEdges(graph.edges.size());
    for (unsigned i = 0; i < graph.edges.size(); ++i) to_wire(graph.edges[i], edges[i]);
  }
  if (!is_default(graph.runtime)) to_wire(graph.runtime, out.initRuntime());
}

Graph from_wire(wire::Graph::Reader in) {
  Graph graph;
  graph.format_version = in.getFormatVersion();
  graph.name = str(in.getName());
  graph.description = str(in.getDescription());
  auto nodes = in.getNodes();
  graph.nodes.reserve(nodes.size());
  for (auto n : nodes) graph.nodes.push_back(from_wire(n));
  auto edges = in.getEdges();
  graph.edges.reserve(edges.size());
  for (auto e : edges) graph.edges.push_back(from_wire(e, graph.edges.size()));
  graph.runtime = from_wire(in.getRuntime());
  return graph;
}

JsonCodecs::JsonCodecs() {
  explicit_.setMaxNestingDepth(kMaxJsonNesting);
  main_.setMaxNestingDepth(kMaxJsonNesting);
  main_.setPrettyPrint(true);
  main_.setHasMode(capnp::HasMode::NON_DEFAULT);
  main_.addTypeHandler(value_handler_);
  main_.addTypeHandler(field_handler_);
}

}  // namespace rivulet::graphs::wire_convert

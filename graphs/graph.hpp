#pragma once
// The in-memory graph model: plain values that the editor edits and the runtime plans from.
// graph_io converts it to and from the Cap'n Proto wire form (graph.capnp).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rivulet::graphs {

inline constexpr std::uint32_t kCurrentFormatVersion = 1;

enum class FieldType { Int64, Float64, Bool, String, Timestamp };

struct Field {
  std::string name;
  FieldType type = FieldType::Int64;
  bool nullable = false;
  bool operator==(const Field&) const = default;
};

using Schema = std::vector<Field>;

struct Duration {
  std::int64_t ms = 0;
  bool operator==(const Duration&) const = default;
};
struct Expression {
  std::string text;
  bool operator==(const Expression&) const = default;
};
using StringList = std::vector<std::string>;

// Order matches the members of wire::Value's union.
using Value =
    std::variant<bool, std::int64_t, double, std::string, Duration, StringList, Expression, Schema>;

struct Parameter {
  std::string name;
  Value value;
  bool operator==(const Parameter&) const = default;
};

struct Position {
  double x = 0;
  double y = 0;
  bool operator==(const Position&) const = default;
};

struct Node {
  std::string id;
  std::string kind;
  std::string label;
  std::vector<Parameter> parameters;
  std::uint32_t parallelism = 1;
  Position position;

  const Value* parameter(const std::string& name) const;
  void set_parameter(const std::string& name, Value value);
  bool operator==(const Node&) const = default;
};

struct Endpoint {
  std::string node;
  std::string port;
  bool operator==(const Endpoint&) const = default;
};

enum class PartitioningKind { Forward, Hash, Broadcast, Rebalance };

struct Partitioning {
  PartitioningKind kind = PartitioningKind::Forward;
  std::vector<std::string> key_fields;  // Hash only
  bool operator==(const Partitioning&) const = default;
};

struct Edge {
  Endpoint from;
  Endpoint to;
  Partitioning partitioning;
  bool operator==(const Edge&) const = default;
};

enum class StateBackend { Memory, RocksDb };
enum class RestartKind { None, FixedDelay, ExponentialBackoff };

struct RestartStrategy {
  RestartKind kind = RestartKind::None;
  std::uint32_t attempts = 0;         // FixedDelay: attempts; ExponentialBackoff: max attempts
  std::int64_t delay_ms = 0;          // FixedDelay
  std::int64_t initial_delay_ms = 0;  // ExponentialBackoff
  std::int64_t max_delay_ms = 0;      // ExponentialBackoff
  double multiplier = 2.0;            // ExponentialBackoff
  bool operator==(const RestartStrategy&) const = default;
};

struct RuntimeConfig {
  std::int64_t checkpoint_interval_ms = 0;
  StateBackend state_backend = StateBackend::Memory;
  RestartStrategy restart;
  std::string checkpoint_directory;
  std::uint32_t checkpoints_retained = 3;
  // Consecutive failed periodic checkpoints tolerated; one more fails the job (graph.capnp).
  std::uint32_t tolerable_failed_checkpoints = 3;
  bool operator==(const RuntimeConfig&) const = default;
};

struct Graph {
  std::uint32_t format_version = kCurrentFormatVersion;
  std::string name;
  std::string description;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  RuntimeConfig runtime;

  const Node* node(const std::string& id) const;
  Node* node(const std::string& id);
  bool operator==(const Graph&) const = default;
};

const char* to_string(FieldType type);
bool parse_field_type(const std::string& text, FieldType& out);
const char* to_string(PartitioningKind kind);

}  // namespace rivulet::graphs

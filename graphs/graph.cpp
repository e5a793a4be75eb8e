#include "graphs/graph.hpp"

#include <algorithm>
#include <utility>

namespace rivulet::graphs {

const Value* Node::parameter(const std::string& name) const {
  for (const auto& p : parameters) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

void Node::set_parameter(const std::string& name, Value value) {
  for (auto& p : parameters) {
    if (p.name == name) {
      p.value = std::move(value);
      return;
    }
  }
  // Appending keeps the order the user added parameters in, so saved files diff cleanly.
  parameters.push_back(Parameter{name, std::move(value)});
}

const Node* Graph::node(const std::string& id) const {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.id == id; });
  return it == nodes.end() ? nullptr : &*it;
}

Node* Graph::node(const std::string& id) {
  return const_cast<Node*>(std::as_const(*this).node(id));
}

const char* to_string(FieldType type) {
  switch (type) {
    case FieldType::Int64:
      return "int64";
    case FieldType::Float64:
      return "float64";
    case FieldType::Bool:
      return "bool";
    case FieldType::String:
      return "string";
    case FieldType::Timestamp:
      return "timestamp";
  }
  return "unknown";
}

bool parse_field_type(const std::string& text, FieldType& out) {
  for (auto type : {FieldType::Int64, FieldType::Float64, FieldType::Bool, FieldType::String,
                    FieldType::Timestamp}) {
    if (text == to_string(type)) {
      out = type;
      return true;
    }
  }
  return false;
}

const char* to_string(PartitioningKind kind) {
  switch (kind) {
    case PartitioningKind::Forward:
      return "forward";
    case PartitioningKind::Hash:
      return "hash";
    case PartitioningKind::Broadcast:
      return "broadcast";
    case PartitioningKind::Rebalance:
      return "rebalance";
  }
  return "unknown";
}

}  // namespace rivulet::graphs

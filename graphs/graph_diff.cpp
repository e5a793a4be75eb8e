#include "graphs/graph_diff.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "graphs/printable.hpp"

namespace rivulet::graphs {
namespace {

std::string duration_text(std::int64_t ms) {
  // The largest unit that divides it evenly, as the editor's duration field shows it.
  struct Unit {
    std::int64_t factor;
    const char* suffix;
  };
  for (const Unit& unit : {Unit{3600000, "h"}, Unit{60000, "min"}, Unit{1000, "s"}}) {
    if (ms != 0 && ms % unit.factor == 0) return std::to_string(ms / unit.factor) + unit.suffix;
  }
  return std::to_string(ms) + "ms";
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

struct ValueText {
  std::string operator()(bool v) const { return v ? "true" : "false"; }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
  std::string operator()(double v) const {
    std::ostringstream out;
    out << v;
    return out.str();
  }
  std::string operator()(const std::string& v) const { return v; }
  std::string operator()(const Duration& v) const { return duration_text(v.ms); }
  std::string operator()(const StringList& v) const { return list_text(v); }
  std::string operator()(const Expression& v) const { return v.text; }
  std::string operator()(const Schema& v) const {
    std::vector<std::string> fields;
    for (const Field& f : v) {
      fields.push_back(f.name + ": " + to_string(f.type) + (f.nullable ? "?" : ""));
    }
    return list_text(fields);
  }
};

std::vector<ParameterChange> parameter_changes(const Node& old_node, const Node& new_node) {
  std::vector<ParameterChange> out;
  std::set<std::string> names;
  for (const auto& p : old_node.parameters) names.insert(p.name);
  for (const auto& p : new_node.parameters) names.insert(p.name);
  for (const auto& name : names) {
    const Value* before = old_node.parameter(name);
    const Value* after = new_node.parameter(name);
    if (before && after && *before == *after) continue;
    ParameterChange change;
    change.name = name;
    if (before) change.old_value = printable(value_text(*before));
    if (after) change.new_value = printable(value_text(*after));
    change.added = before == nullptr;
    change.removed = after == nullptr;
    out.push_back(std::move(change));
  }
  return out;
}

bool stateful(const Catalog& catalog, const std::string& kind) {
  const OperatorSpec* spec = catalog.find(kind);
  return spec == nullptr || spec->stateful;
}

bool rescalable(const Catalog& catalog, const std::string& kind) {
  const OperatorSpec* spec = catalog.find(kind);
  return spec != nullptr && spec->partition_state;
}

bool contains(const std::vector<Edge>& edges, const Edge& edge) {
  return std::find(edges.begin(), edges.end(), edge) != edges.end();
}

}  // namespace

std::string value_text(const Value& value) { return std::visit(ValueText{}, value); }

bool GraphDiff::empty() const {
  const bool nodes_unchanged = std::none_of(changed.begin(), changed.end(),
                                            [](const NodeChange& c) { return c.affects_job(); });
  return added.empty() && removed.empty() && nodes_unchanged && edges_added.empty() &&
         edges_removed.empty() && !settings_changed;
}

bool GraphDiff::drops_state() const {
  return std::any_of(state.begin(), state.end(),
                     [](const StateChange& s) { return s.fate == StateFate::Dropped; });
}

bool GraphDiff::blocks_restore() const {
  return std::any_of(state.begin(), state.end(),
                     [](const StateChange& s) { return s.fate == StateFate::Blocked; });
}

GraphDiff diff_graphs(const Graph& deployed, const Graph& edited, const Catalog& catalog) {
  GraphDiff diff;
  for (const Node& old_node : deployed.nodes) {
    const Node* new_node = edited.node(old_node.id);
    if (new_node == nullptr) {
      diff.removed.push_back(old_node);
      if (stateful(catalog, old_node.kind)) {
        diff.state.push_back({old_node.id, old_node.kind, StateFate::Dropped, "removed"});
      }
      continue;
    }
    NodeChange change;
    change.id = old_node.id;
    change.old_kind = old_node.kind;
    change.new_kind = new_node->kind;
    change.parameters = parameter_changes(old_node, *new_node);
    change.old_parallelism = old_node.parallelism;
    change.new_parallelism = new_node->parallelism;
    change.label_changed = old_node.label != new_node->label;
    change.moved = !(old_node.position == new_node->position);
    if (change.affects_job() || change.label_changed || change.moved) {
      diff.changed.push_back(change);
    }
    if (change.kind_changed()) {
      if (stateful(catalog, old_node.kind)) {
        diff.state.push_back({old_node.id, old_node.kind, StateFate::Dropped,
                              "kind changed from " + old_node.kind + " to " + new_node->kind});
      }
      if (stateful(catalog, new_node->kind)) {
        diff.state.push_back({new_node->id, new_node->kind, StateFate::Fresh,
                              "new kind " + new_node->kind + " starts empty"});
      }
    } else if (stateful(catalog, old_node.kind)) {
      if (!change.parallelism_changed()) {
        diff.state.push_back({old_node.id, old_node.kind, StateFate::Kept, "kept"});
      } else if (rescalable(catalog, old_node.kind)) {
        diff.state.push_back({old_node.id, old_node.kind, StateFate::Kept,
                              "kept (per-partition state follows the new parallelism)"});
      } else {
        diff.state.push_back(
            {old_node.id, old_node.kind, StateFate::Blocked,
             "parallelism " + std::to_string(old_node.parallelism) + " -> " +
                 std::to_string(new_node->parallelism) +
                 ": the node cannot rescale this state (set it back, or give the node a new id)"});
      }
    }
  }
  for (const Node& new_node : edited.nodes) {
    if (deployed.node(new_node.id) != nullptr) continue;
    diff.added.push_back(new_node);
    if (stateful(catalog, new_node.kind)) {
      diff.state.push_back({new_node.id, new_node.kind, StateFate::Fresh, "new node starts empty"});
    }
  }
  for (const Edge& e : deployed.edges) {
    if (!contains(edited.edges, e)) diff.edges_removed.push_back(e);
  }
  for (const Edge& e : edited.edges) {
    if (!contains(deployed.edges, e)) diff.edges_added.push_back(e);
  }
  diff.settings_changed = deployed.name != edited.name ||
                          deployed.description != edited.description ||
                          !(deployed.runtime == edited.runtime);
  return diff;
}

}  // namespace rivulet::graphs

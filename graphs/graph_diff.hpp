#pragma once
// The structural difference between a deployed graph and an edited one, matched by node id, as
// shown before a redeploy: what was added, removed or changed, and what happens to each stateful
// operator's state when the edited graph starts from a savepoint of the deployed one.
//
// State follows the runtime's restore rule (README, "Savepoints"): a node keeps its state when the
// same id exists with the same kind; a removed node, or one whose kind changed, drops it, and the
// node refuses such a start unless the deploy sets allow_non_restored_state. Whether a kind has
// state is the catalog's `stateful` flag (graphs/catalog.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::graphs {

struct ParameterChange {
  std::string name;
  std::string old_value;  // "" with `added`: the parameter was not set (catalog default)
  std::string new_value;  // "" with `removed`
  bool added = false;
  bool removed = false;
  bool operator==(const ParameterChange&) const = default;
};

struct NodeChange {
  std::string id;
  std::string old_kind, new_kind;  // differ when the kind changed
  std::vector<ParameterChange> parameters;
  std::uint32_t old_parallelism = 1, new_parallelism = 1;
  bool label_changed = false;
  bool moved = false;  // layout position only; no effect on the running job

  bool kind_changed() const { return old_kind != new_kind; }
  bool parallelism_changed() const { return old_parallelism != new_parallelism; }
  // Anything but the position (and the label, which is only shown) changed.
  bool affects_job() const {
    return kind_changed() || parallelism_changed() || !parameters.empty();
  }
};

enum class StateFate {
  Kept,     // same id, same kind: restored from the savepoint
  Dropped,  // removed, or kind changed: needs allow_non_restored_state
  Fresh,    // a new stateful node: starts empty
  // Same id and kind but another parallelism, and the state is not per input partition: the
  // node refuses to restore it (rescaling keyed state is not supported; savepoint_restore.hpp).
  Blocked,
};

struct StateChange {
  std::string id;
  std::string kind;  // the deployed kind (the new one for Fresh)
  StateFate fate = StateFate::Kept;
  std::string reason;  // "removed", "kind changed from A to B", ...
};

struct GraphDiff {
  std::vector<Node> added;          // in the edited graph only
  std::vector<Node> removed;        // in the deployed graph only
  std::vector<NodeChange> changed;  // in both, with some difference (moved only included)
  std::vector<Edge> edges_added, edges_removed;  // compared by endpoints and partitioning
  std::vector<StateChange> state;                // every stateful node of either graph
  bool settings_changed = false;                 // name, description or runtime settings

  // No structural difference at all (positions and labels aside).
  bool empty() const;
  // Some stateful node loses its state: the redeploy needs allow_non_restored_state.
  bool drops_state() const;
  // Some stateful node changed parallelism: the node will refuse to start from the savepoint.
  bool blocks_restore() const;
};

// `catalog` says which kinds are stateful; a kind it does not know counts as stateful, so that
// a dropped state is never hidden.
GraphDiff diff_graphs(const Graph& deployed, const Graph& edited, const Catalog& catalog);

// A value as shown in a diff: "5s", "[a, b]", "amount > 100", ...
std::string value_text(const Value& value);

}  // namespace rivulet::graphs

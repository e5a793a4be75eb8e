#include "runtime/savepoint_restore.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

namespace rivulet::runtime {
namespace {

// "<node>#<subtask>" -> (node, subtask + 1); a name without a subtask counts as its own node
// with width 0 (matched by its exact name only).
std::pair<std::string, std::size_t> split_task_name(const std::string& task) {
  const std::size_t hash = task.rfind('#');
  if (hash == std::string::npos || hash + 1 == task.size()) return {task, 0};
  std::size_t subtask = 0;
  const char* first = task.data() + hash + 1;
  const char* last = task.data() + task.size();
  const auto [end, ec] = std::from_chars(first, last, subtask);
  if (ec != std::errc{} || end != last) return {task, 0};
  return {task.substr(0, hash), subtask + 1};
}

struct KindChange {
  std::string node;
  std::string saved_kind;
  std::string planned_kind;
};

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

class EmptyStateReader final : public StateReader {
 public:
  bool has_blob(std::string_view) const override { return false; }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    return graphs::Error{"no blob '" + std::string(name) + "': this node's state was dropped"};
  }
};

// Forwards to a checkpoint shared by every latest() of a PinnedStore, hiding the state of the
// nodes whose state is dropped although they are in the plan (their kind changed): their
// tasks start empty.
class SharedCheckpoint final : public CompletedCheckpoint {
 public:
  SharedCheckpoint(std::shared_ptr<CompletedCheckpoint> checkpoint, std::set<std::string> hidden)
      : checkpoint_(std::move(checkpoint)), hidden_(std::move(hidden)) {}
  CheckpointId id() const override { return checkpoint_->id(); }
  graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
    if (is_hidden(task)) return std::unique_ptr<StateReader>(std::make_unique<EmptyStateReader>());
    return checkpoint_->reader(task);
  }
  std::vector<std::string> tasks_with_state() const override {
    return without_hidden(checkpoint_->tasks_with_state());
  }
  std::vector<std::string> tasks() const override { return without_hidden(checkpoint_->tasks()); }
  std::map<std::string, std::string> operator_kinds() const override {
    return checkpoint_->operator_kinds();
  }

 private:
  bool is_hidden(const std::string& task) const {
    return hidden_.contains(split_task_name(task).first);
  }
  std::vector<std::string> without_hidden(std::vector<std::string> tasks) const {
    std::erase_if(tasks, [&](const std::string& task) { return is_hidden(task); });
    return tasks;
  }

  std::shared_ptr<CompletedCheckpoint> checkpoint_;
  std::set<std::string> hidden_;
};

class PinnedStore final : public CheckpointStore {
 public:
  PinnedStore(std::shared_ptr<CompletedCheckpoint> checkpoint, std::set<std::string> hidden,
              std::string origin)
      : checkpoint_(std::move(checkpoint)),
        hidden_(std::move(hidden)),
        origin_(std::move(origin)) {}

  graphs::Status begin(CheckpointId) override { return read_only(); }
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId, const std::string&) override {
    return read_only();
  }
  graphs::Status complete(CheckpointId) override { return read_only(); }
  void abort(CheckpointId) override {}
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override {
    return std::unique_ptr<CompletedCheckpoint>(
        std::make_unique<SharedCheckpoint>(checkpoint_, hidden_));
  }

 private:
  graphs::Error read_only() const {
    return graphs::Error{origin_ + ": is only restored from, never written"};
  }

  std::shared_ptr<CompletedCheckpoint> checkpoint_;
  std::set<std::string> hidden_;
  std::string origin_;
};

// "node 'a' was a window_aggregate ..., node 'b' was ..." for the error of a kind change.
std::string kind_changes_text(const std::vector<KindChange>& changes) {
  std::string out;
  for (const KindChange& change : changes) {
    out += (out.empty() ? "" : "; ") + std::string("node '") + change.node + "' was a " +
           change.saved_kind + " when it was taken and is a " + change.planned_kind +
           " in the graph";
  }
  return out;
}

}  // namespace

graphs::Result<std::vector<std::string>> check_restore_compatibility(
    const CompletedCheckpoint& checkpoint, const PhysicalPlan& plan, bool allow_non_restored_state,
    const std::string& origin) {
  std::map<std::string, std::size_t> planned;  // node name -> parallelism
  std::set<std::string> planned_tasks;
  std::set<std::string> rescalable;  // spec.partition_state: see restore_union_of
  std::map<std::string, const PlannedNode*> planned_nodes;
  for (const PlannedNode& node : plan.nodes) {
    planned[node.name] = node.tasks.size();
    planned_nodes[node.name] = &node;
    if (node.spec.partition_state) rescalable.insert(node.name);
  }
  const std::map<std::string, std::string> saved_kinds = checkpoint.operator_kinds();
  for (const PlannedTask& task : plan.tasks) planned_tasks.insert(task.spec.name);

  // The savepoint's parallelism of a node: every task that took part counts, with or without
  // state (a subtask whose window happened to be empty still owned its share of the keys).
  std::map<std::string, std::size_t> saved;  // node name -> parallelism
  std::set<std::string> stateful;            // node names
  std::set<std::string> stateful_tasks_missing;
  auto count = [&](const std::string& task) {
    auto [node, width] = split_task_name(task);
    std::size_t& parallelism = saved[node];
    parallelism = std::max(parallelism, width);
    return node;
  };
  for (const std::string& task : checkpoint.tasks()) count(task);
  for (const std::string& task : checkpoint.tasks_with_state()) {
    stateful.insert(count(task));
    if (!planned_tasks.contains(task)) stateful_tasks_missing.insert(task);
  }

  std::vector<std::string> missing;
  std::vector<KindChange> kind_changes;
  for (const std::string& node : stateful) {
    const auto it = planned.find(node);
    if (it == planned.end()) {
      missing.push_back(node);
      continue;
    }
    // State belongs to the operator kind that wrote it; another kind under the same id would
    // misread it (or fail on it), so it is dropped with consent or refused, like a removed node.
    const PlannedNode& planned_node = *planned_nodes.at(node);
    const auto saved_kind = saved_kinds.find(plan.node_of(planned_node).id);
    if (saved_kind != saved_kinds.end() && saved_kind->second != planned_node.spec.kind) {
      kind_changes.push_back(KindChange{node, saved_kind->second, planned_node.spec.kind});
      continue;
    }
    const std::size_t was = saved[node];
    if (was != 0 && was != it->second && !rescalable.contains(node)) {
      return graphs::Error{origin + ": node '" + node + "' has state for parallelism " +
                           std::to_string(was) + " in the savepoint but parallelism " +
                           std::to_string(it->second) +
                           " in the graph; rescaling stateful nodes is not supported yet (set "
                           "its parallelism back to " +
                           std::to_string(was) + ", or give it a new id to start it empty)"};
    }
    if (was == 0 && stateful_tasks_missing.contains(node)) missing.push_back(node);
    // A rescaled partition-state node: every new task restores every saved task's state.
  }
  if (!kind_changes.empty() && !allow_non_restored_state) {
    return graphs::Error{origin + ": " + kind_changes_text(kind_changes) +
                         "; state cannot carry over to another operator kind (give the node a "
                         "new id to start it empty, or pass --allow-non-restored-state to drop "
                         "its state)"};
  }
  if (!missing.empty() && !allow_non_restored_state) {
    if (missing.size() == 1) {
      return graphs::Error{origin + ": node '" + missing.front() +
                           "' has state in the savepoint but is not in the graph (pass "
                           "--allow-non-restored-state to drop it)"};
    }
    return graphs::Error{origin + ": nodes " + quoted_list(missing) +
                         " have state in the savepoint but are not in the graph (pass "
                         "--allow-non-restored-state to drop their state)"};
  }
  for (KindChange& change : kind_changes) missing.push_back(std::move(change.node));
  std::sort(missing.begin(), missing.end());
  return missing;
}

std::vector<std::string> saved_tasks_of(const CompletedCheckpoint& checkpoint,
                                        const std::string& node) {
  std::vector<std::string> tasks;
  for (const std::string& task : checkpoint.tasks()) {
    if (split_task_name(task).first == node) tasks.push_back(task);
  }
  return tasks;
}

graphs::Result<PreparedRestore> prepare_restore(CheckpointStore& source, const PhysicalPlan& plan,
                                                bool allow_non_restored_state,
                                                const std::string& origin) {
  auto latest = source.latest();
  if (!latest) return graphs::Error{origin + ": " + latest.error().message};
  if (!*latest) return graphs::Error{origin + ": holds no complete savepoint or checkpoint"};
  std::shared_ptr<CompletedCheckpoint> checkpoint = std::move(*latest);
  auto dropped = check_restore_compatibility(*checkpoint, plan, allow_non_restored_state, origin);
  if (!dropped) return dropped.error();
  PreparedRestore prepared;
  prepared.id = checkpoint->id();
  prepared.dropped_nodes = std::move(*dropped);
  // Dropped nodes that are still planned (a changed kind) must not find their old state.
  std::set<std::string> hidden;
  for (const std::string& node : prepared.dropped_nodes) {
    const bool planned = std::any_of(plan.nodes.begin(), plan.nodes.end(),
                                     [&](const PlannedNode& n) { return n.name == node; });
    if (planned) hidden.insert(node);
  }
  prepared.store = std::make_shared<PinnedStore>(std::move(checkpoint), std::move(hidden), origin);
  return prepared;
}

}  // namespace rivulet::runtime

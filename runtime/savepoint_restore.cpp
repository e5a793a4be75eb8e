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

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

// Forwards to a checkpoint shared by every latest() of a PinnedStore.
class SharedCheckpoint final : public CompletedCheckpoint {
 public:
  explicit SharedCheckpoint(std::shared_ptr<CompletedCheckpoint> checkpoint)
      : checkpoint_(std::move(checkpoint)) {}
  CheckpointId id() const override { return checkpoint_->id(); }
  graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
    return checkpoint_->reader(task);
  }
  std::vector<std::string> tasks_with_state() const override {
    return checkpoint_->tasks_with_state();
  }
  std::vector<std::string> tasks() const override { return checkpoint_->tasks(); }

 private:
  std::shared_ptr<CompletedCheckpoint> checkpoint_;
};

class PinnedStore final : public CheckpointStore {
 public:
  PinnedStore(std::shared_ptr<CompletedCheckpoint> checkpoint, std::string origin)
      : checkpoint_(std::move(checkpoint)), origin_(std::move(origin)) {}

  graphs::Status begin(CheckpointId) override { return read_only(); }
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId, const std::string&) override {
    return read_only();
  }
  graphs::Status complete(CheckpointId) override { return read_only(); }
  void abort(CheckpointId) override {}
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override {
    return std::unique_ptr<CompletedCheckpoint>(std::make_unique<SharedCheckpoint>(checkpoint_));
  }

 private:
  graphs::Error read_only() const {
    return graphs::Error{origin_ + ": is only restored from, never written"};
  }

  std::shared_ptr<CompletedCheckpoint> checkpoint_;
  std::string origin_;
};

}  // namespace

graphs::Result<std::vector<std::string>> check_restore_compatibility(
    const CompletedCheckpoint& checkpoint, const PhysicalPlan& plan, bool allow_non_restored_state,
    const std::string& origin) {
  std::map<std::string, std::size_t> planned;  // node name -> parallelism
  std::set<std::string> planned_tasks;
  std::set<std::string> rescalable;  // spec.partition_state: see restore_union_of
  for (const PlannedNode& node : plan.nodes) {
    planned[node.name] = node.tasks.size();
    if (node.spec.partition_state) rescalable.insert(node.name);
  }
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
  for (const std::string& node : stateful) {
    const auto it = planned.find(node);
    if (it == planned.end()) {
      missing.push_back(node);
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
  prepared.store = std::make_shared<PinnedStore>(std::move(checkpoint), origin);
  return prepared;
}

}  // namespace rivulet::runtime

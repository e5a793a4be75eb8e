// The job's state backend reaches the operator factories (runtime/job_supervisor.cpp,
// build_operators): memory unless a graph's runtime section asks for RocksDB (the first graph
// that sets it); with RocksDB every instance of the attempt shares one temporary working
// directory that lives exactly as long as the instances holding it.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "../job_test_support.hpp"
#include "runtime/job_supervisor.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime {
namespace {

using jobtest::edge;
using jobtest::node;

// A sink that keeps the state backend options its factory got, as a stateful operator does.
struct Seen {
  std::vector<state::StateBackendOptions> options;
};

class Holder final : public Operator {
 public:
  explicit Holder(state::StateBackendOptions options) : options_(std::move(options)) {}
  void process(std::size_t, const BatchPtr&, Collector&) override {}

 private:
  state::StateBackendOptions options_;
};

runtime::OperatorRegistry registry(std::shared_ptr<Seen> seen) {
  auto r = jobtest::make_registry(std::make_shared<jobtest::Collected>());
  using namespace operators::spec;  // NOLINT(google-build-using-namespace)
  auto status =
      r.add(operators::spec::Operator("holder", "sink", "Holds.").inputs({input("in", "Records.")}),
            runtime::TransformFactory([seen](const runtime::OperatorBuildContext& c)
                                          -> graphs::Result<std::unique_ptr<Operator>> {
              seen->options.push_back(c.state_backend);
              return std::unique_ptr<Operator>(std::make_unique<Holder>(c.state_backend));
            }));
  EXPECT_TRUE(status);
  return r;
}

graphs::Graph graph(std::string name, graphs::StateBackend backend) {
  graphs::Graph g;
  g.name = std::move(name);
  g.nodes = {node("src", "count_source"), node("sink", "holder", 2)};
  g.edges = {edge("src", "sink", graphs::PartitioningKind::Rebalance)};
  g.runtime.state_backend = backend;
  return g;
}

TEST(StateBackendPlumbingTest, MemoryByDefault) {
  auto seen = std::make_shared<Seen>();
  auto reg = registry(seen);
  auto plan = plan_job({graph("a", graphs::StateBackend::Memory)}, reg);
  ASSERT_TRUE(plan) << plan.error().message;
  auto instances = build_operators(*plan, "");
  ASSERT_TRUE(instances) << instances.error().message;
  ASSERT_EQ(seen->options.size(), 2u);
  for (const auto& o : seen->options) {
    EXPECT_EQ(o.kind, graphs::StateBackend::Memory);
    EXPECT_EQ(o.directory, nullptr);
  }
}

TEST(StateBackendPlumbingTest, TheFirstGraphAskingForRocksDbGetsItAndOneDirectoryPerAttempt) {
  auto seen = std::make_shared<Seen>();
  auto reg = registry(seen);
  graphs::Graph second = graph("b", graphs::StateBackend::RocksDb);
  for (auto& n : second.nodes) n.id += "2";
  second.edges = {edge("src2", "sink2", graphs::PartitioningKind::Rebalance)};
  auto plan = plan_job({graph("a", graphs::StateBackend::Memory), second}, reg);
  ASSERT_TRUE(plan) << plan.error().message;
  std::filesystem::path dir;
  {
    auto instances = build_operators(*plan, "");
    ASSERT_TRUE(instances) << instances.error().message;
    ASSERT_EQ(seen->options.size(), 4u);
    for (const auto& o : seen->options) {
      EXPECT_EQ(o.kind, graphs::StateBackend::RocksDb);
      ASSERT_NE(o.directory, nullptr);
      EXPECT_EQ(o.directory, seen->options[0].directory) << "one directory for the attempt";
    }
    dir = seen->options[0].directory->path();
    seen->options.clear();
    EXPECT_TRUE(std::filesystem::is_directory(dir));
    auto again = build_operators(*plan, "");  // a restart: a fresh directory
    ASSERT_TRUE(again);
    EXPECT_NE(seen->options[0].directory->path(), dir);
    seen->options.clear();
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << "removed with the last instance";
}

}  // namespace
}  // namespace rivulet::runtime

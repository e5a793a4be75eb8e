// window_join on both keyed state backends (operators/window_join.cpp): the same pairs from
// memory and RocksDB in the same order (inner and left joins, NULL keys, allowed lateness with
// late records joined at once); a mid-stream snapshot restored (before open) into a fresh
// instance continues exactly like an uninterrupted run; a checkpoint of one backend is refused
// by the other, naming the node.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/window_join.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::StateBackend;
using testing::CollectingCollector;

graphs::Schema left_schema() {
  return {{"user", FieldType::String, true}, {"click", FieldType::String, false}};
}
graphs::Schema right_schema() {
  return {{"user", FieldType::String, true}, {"amount", FieldType::Int64, false}};
}
graphs::Schema output_schema() {
  return {{"user", FieldType::String, true},
          {"click", FieldType::String, false},
          {"right_user", FieldType::String, true},
          {"amount", FieldType::Int64, false}};
}

struct Step {
  std::size_t input;
  runtime::BatchPtr batch;
  std::int64_t watermark;
};

std::vector<Step> workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto ls = std::make_shared<const graphs::Schema>(left_schema());
  auto rs = std::make_shared<const graphs::Schema>(right_schema());
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    const std::size_t input = b % 2;
    runtime::BatchBuilder builder(input == 0 ? ls : rs);
    for (int r = 0; r < 30; ++r) {
      t += 1;
      const std::uint32_t user = rng() % 12;
      if (user == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "u" + std::to_string(user));
      }
      if (input == 0) {
        builder.append_string(1, "c" + std::to_string(rng() % 100));
      } else {
        builder.append_int64(1, static_cast<std::int64_t>(rng() % 1000));
      }
      builder.end_row(t - static_cast<std::int64_t>(rng() % 40));
    }
    steps.push_back(Step{input, builder.finish(false), t - 30});
  }
  return steps;
}

class WindowJoinBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<runtime::Operator> make(StateBackend kind, bool open = true) {
    runtime::state::StateBackendOptions backend;
    backend.kind = kind;
    node_.set_parameter("join_type", GetParam());
    auto built =
        testing::build(window_join_factory(), spec_, node_, {left_schema(), right_schema()},
                       {output_schema()}, {{"user"}, {"user"}}, backend, open);
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }

  static void run(runtime::Operator& op, const std::vector<Step>& steps, std::size_t from,
                  std::size_t to, CollectingCollector& out) {
    for (std::size_t i = from; i < to; ++i) {
      op.process(steps[i].input, steps[i].batch, out);
      op.on_watermark(steps[i].watermark, out);
    }
  }

  static std::vector<std::string> all_rows(const CollectingCollector& out) {
    auto rows = out.rows(0);
    for (std::size_t port : {1, 2}) {
      for (auto& r : out.rows(port)) rows.push_back("late" + std::to_string(port) + " " + r);
    }
    return rows;
  }

  static graphs::Node node() {
    graphs::Node n;
    n.id = "j1";
    n.kind = "window_join";
    n.set_parameter("size", graphs::Duration{25});
    n.set_parameter("allowed_lateness", graphs::Duration{10});
    return n;
  }

  graphs::OperatorSpec spec_ = window_join_spec();
  graphs::Node node_ = node();
};

TEST_P(WindowJoinBackendTest, BothBackendsJoinTheSameAndRestoreMidStreamIdentically) {
  const auto steps = workload(8, 40);
  std::vector<std::string> memory_rows;
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    SCOPED_TRACE(kind == StateBackend::Memory ? "memory" : "rocksdb");
    auto whole = make(kind);
    CollectingCollector expected;
    run(*whole, steps, 0, steps.size(), expected);
    whole->on_end_of_input(expected);

    const testing::InterruptedRun cut = testing::run_interrupted(
        [&](bool open) { return make(kind, open); },
        [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
          run(op, steps, from, to, out);
        },
        [&](runtime::Operator& op) {
          return testing::open_operator(op, node_, {left_schema(), right_schema()});
        },
        19, steps.size(), 3, "j1#0");
    ASSERT_EQ(cut.error, "");
    for (std::size_t port = 0; port < 3; ++port) {
      EXPECT_EQ(expected.rows(port), cut.ports[port]) << "port " << port;
    }
    EXPECT_GT(expected.rows(0).size(), 50u);
    if (kind == StateBackend::Memory) {
      memory_rows = all_rows(expected);
    } else {
      EXPECT_EQ(memory_rows, all_rows(expected)) << "the same pairs in the same order";
    }
  }
}

TEST_P(WindowJoinBackendTest, ACheckpointOfOneBackendIsRefusedByTheOther) {
  const auto steps = workload(2, 4);
  const std::string refused = testing::refused_by_the_other_backend(
      [&](StateBackend kind, bool open) { return make(kind, open); },
      [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
        run(op, steps, from, to, out);
      },
      steps.size(), "j1#0", "j1");
  EXPECT_EQ(refused, "");
}

INSTANTIATE_TEST_SUITE_P(JoinTypes, WindowJoinBackendTest, ::testing::Values("inner", "left"));

}  // namespace
}  // namespace rivulet::operators

// top_n on both keyed state backends (operators/top_n.cpp): the same ranks from memory and
// RocksDB, in the same order; a mid-stream snapshot restored (before open) into a fresh
// instance continues exactly like an uninterrupted run; a checkpoint of one backend is refused
// by the other with a message naming the node.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/top_n.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::StateBackend;
using testing::CollectingCollector;

graphs::Schema schema() {
  return {{"page", FieldType::String, true},
          {"score", FieldType::Float64, true},
          {"user", FieldType::String, false}};
}
graphs::Schema output_schema() {
  graphs::Schema s = schema();
  s.push_back({"rank", FieldType::Int64, false});
  return s;
}

struct Step {
  runtime::BatchPtr batch;
  std::int64_t watermark;
};

std::vector<Step> workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(schema());
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 40; ++r) {
      t += 1;
      const std::uint32_t page = rng() % 9;
      if (page == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "p" + std::to_string(page));
      }
      if (rng() % 12 == 0) {
        builder.append_null(1);
      } else {
        builder.append_float64(1, static_cast<double>(rng() % 50));
      }
      builder.append_string(2, "u" + std::to_string(rng() % 1000));
      builder.end_row(t - static_cast<std::int64_t>(rng() % 25));
    }
    steps.push_back(Step{builder.finish(false), t - 20});
  }
  return steps;
}

class TopNBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(StateBackend kind, bool open = true) {
    runtime::state::StateBackendOptions backend;
    backend.kind = kind;
    auto built = testing::build(top_n_factory(), spec_, node_, {schema()}, {output_schema()},
                                {{"page"}}, backend, open);
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }

  static void run(runtime::Operator& op, const std::vector<Step>& steps, std::size_t from,
                  std::size_t to, CollectingCollector& out) {
    for (std::size_t i = from; i < to; ++i) {
      op.process(0, steps[i].batch, out);
      op.on_watermark(steps[i].watermark, out);
    }
  }

  static std::vector<std::string> all_rows(const CollectingCollector& out) {
    auto rows = out.rows(0);
    for (auto& r : out.rows(1)) rows.push_back("late " + r);
    return rows;
  }

  static graphs::Node node() {
    graphs::Node n;
    n.id = "t1";
    n.kind = "top_n";
    n.set_parameter("n", std::int64_t{3});
    n.set_parameter("order_by", graphs::StringList{"score"});
    n.set_parameter("descending", true);
    n.set_parameter("size", graphs::Duration{30});
    return n;
  }

  graphs::OperatorSpec spec_ = top_n_spec();
  graphs::Node node_ = node();
};

TEST_F(TopNBackendTest, BothBackendsRankTheSameAndRestoreMidStreamIdentically) {
  const auto steps = workload(4, 40);
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
        [&](runtime::Operator& op) { return testing::open_operator(op, node_, {schema()}); },
        17, steps.size(), 2, "t1#0");
    ASSERT_EQ(cut.error, "");
    auto rows = cut.ports[0];
    for (auto& r : cut.ports[1]) rows.push_back("late " + r);

    EXPECT_EQ(all_rows(expected), rows);
    EXPECT_GT(rows.size(), 100u);
    if (kind == StateBackend::Memory) {
      memory_rows = rows;
    } else {
      EXPECT_EQ(memory_rows, rows);
    }
  }
}

TEST_F(TopNBackendTest, ACheckpointOfOneBackendIsRefusedByTheOther) {
  const auto steps = workload(2, 3);
  const std::string refused = testing::refused_by_the_other_backend(
      [&](StateBackend kind, bool open) { return make(kind, open); },
      [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
        run(op, steps, from, to, out);
      },
      steps.size(), "t1#0", "t1");
  EXPECT_EQ(refused, "");
}

}  // namespace
}  // namespace rivulet::operators

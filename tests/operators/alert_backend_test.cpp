// alert on both keyed state backends (operators/alert.cpp): the same alerts from memory and
// RocksDB (count in window with suppression, keys expiring as the watermark moves); a
// mid-stream snapshot restored (before open) into a fresh instance continues exactly like an
// uninterrupted run; a checkpoint of one backend is refused by the other, naming the node.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/alert.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::StateBackend;
using testing::CollectingCollector;

graphs::Schema input_schema() {
  return {{"card", FieldType::String, true}, {"amount", FieldType::Float64, true}};
}
graphs::Schema output_schema() {
  graphs::Schema s = input_schema();
  s.push_back({"alert_rule", FieldType::String, false});
  s.push_back({"alert_count", FieldType::Int64, false});
  s.push_back({"alert_message", FieldType::String, false});
  s.push_back({"alert_time", FieldType::Timestamp, false});
  return s;
}

struct Step {
  runtime::BatchPtr batch;
  std::int64_t watermark;
};

std::vector<Step> workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(input_schema());
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 40; ++r) {
      t += 2;
      const std::uint32_t card = rng() % 15;
      if (card == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "c" + std::to_string(card));
      }
      builder.append_float64(1, static_cast<double>(rng() % 500));
      builder.end_row(t - static_cast<std::int64_t>(rng() % 30));
    }
    steps.push_back(Step{builder.finish(false), t - 20});
  }
  return steps;
}

class AlertBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(StateBackend kind, bool open = true) {
    runtime::state::StateBackendOptions backend;
    backend.kind = kind;
    auto built = testing::build(alert_factory(), spec_, node_, {input_schema()}, {output_schema()},
                                {{"card"}}, backend, open);
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

  static graphs::Node node() {
    graphs::Node n;
    n.id = "a1";
    n.kind = "alert";
    n.set_parameter("count", std::int64_t{3});
    n.set_parameter("within", graphs::Duration{40});
    n.set_parameter("suppress_for", graphs::Duration{25});
    return n;
  }

  graphs::OperatorSpec spec_ = alert_spec();
  graphs::Node node_ = node();
};

TEST_F(AlertBackendTest, BothBackendsAlertTheSameAndRestoreMidStreamIdentically) {
  const auto steps = workload(6, 50);
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
        [&](runtime::Operator& op) { return testing::open_operator(op, node_, {input_schema()}); },
        21, steps.size(), 2, "a1#0");
    ASSERT_EQ(cut.error, "");
    auto rows = cut.ports[0];
    for (auto& r : cut.ports[1]) rows.push_back("late " + r);

    auto all = expected.rows(0);
    for (auto& r : expected.rows(1)) all.push_back("late " + r);
    EXPECT_EQ(all, rows);
    EXPECT_GT(expected.rows(0).size(), 20u);
    if (kind == StateBackend::Memory) {
      memory_rows = rows;
    } else {
      EXPECT_EQ(memory_rows, rows);
    }
  }
}

TEST_F(AlertBackendTest, ACheckpointOfOneBackendIsRefusedByTheOther) {
  const auto steps = workload(2, 3);
  const std::string refused = testing::refused_by_the_other_backend(
      [&](StateBackend kind, bool open) { return make(kind, open); },
      [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
        run(op, steps, from, to, out);
      },
      steps.size(), "a1#0", "a1");
  EXPECT_EQ(refused, "");
}

}  // namespace
}  // namespace rivulet::operators

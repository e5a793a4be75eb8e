// The shell every use-case generator shares (operators/scenarios/scenario_source.cpp), driven
// with a small model whose events are known: counts and their split over instances, disorder
// within the bound, late events behind the watermark, malformed messages that no JSON decoder
// accepts, pacing in simulated time and exact replay after a restore.
#include "operators/scenarios/scenario_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "operators/codecs/record_decoder.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "scenario_test_support.hpp"

namespace rivulet::operators::scenarios {
namespace {

using testing::CapturingCollector;
using testing::events_of;
using testing::MemoryState;
using testing::payloads_of;

constexpr std::int64_t kStart = 1'700'000'000'000;

const graphs::Schema& ticks_schema() {
  static const graphs::Schema schema = {spec::field("key", graphs::FieldType::String),
                                        spec::field("n", graphs::FieldType::Int64),
                                        spec::field("ts", graphs::FieldType::Timestamp)};
  return schema;
}

// Event n of an instance at start + n * 1000 / rate ms, key "k<n % 3>".
class TickModel final : public ScenarioModel {
 public:
  explicit TickModel(const ScenarioConfig& config) : config_(config) {}
  const graphs::Schema& schema() const override { return ticks_schema(); }
  std::size_t time_field() const override { return 2; }
  std::size_t key_field() const override { return 0; }
  std::int64_t advance() override {
    ++n_;
    return config_.start_time_ms +
           static_cast<std::int64_t>(static_cast<double>(n_) * 1000.0 / config_.rate);
  }
  void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const override {
    out.append_string(0, "k" + std::to_string(n_ % 3));
    out.append_int64(1, n_);
    out.append_int64(2, event_time_ms);
  }

 private:
  ScenarioConfig config_;
  std::int64_t n_ = -1;
};

ModelFactory tick_models() {
  return [](const runtime::OperatorBuildContext&,
            const ScenarioConfig& config) -> graphs::Result<ModelBuilder> {
    return ModelBuilder([config] { return std::make_unique<TickModel>(config); });
  };
}

struct Ticks {
  graphs::OperatorSpec spec = scenario_spec("ticks", "test", ticks_schema(), {}, 100);
  graphs::Node node;
  std::shared_ptr<testing::ManualClock> clock = std::make_shared<testing::ManualClock>();

  Ticks() {
    node.id = "ticks";
    node.kind = "ticks";
    set("start_time", kStart).set("speedup", 0.0).set("late_probability", 0.0);
    set("max_out_of_orderness", graphs::Duration{0});
  }
  Ticks& set(const std::string& name, graphs::Value value) {
    node.set_parameter(name, std::move(value));
    return *this;
  }
  std::unique_ptr<runtime::SourceOperator> build(std::uint32_t subtask = 0,
                                                 std::uint32_t parallelism = 1) {
    runtime::OperatorBuildContext context{node, spec, {}, {}, {}, subtask, parallelism, ""};
    auto source = make_scenario_source(context, tick_models(), clock);
    EXPECT_TRUE(source) << (source ? "" : source.error().message);
    return source ? std::move(*source) : nullptr;
  }
  CapturingCollector run(std::uint32_t subtask = 0, std::uint32_t parallelism = 1) {
    CapturingCollector out;
    auto source = build(subtask, parallelism);
    for (int i = 0; source && i < 100'000 && source->has_more(); ++i) source->poll(out, 4);
    return out;
  }
};

TEST(ScenarioSource, ABoundedCountIsSplitOverTheInstances) {
  Ticks ticks;
  ticks.set("count", std::int64_t{1001});
  std::size_t total = 0;
  std::vector<std::size_t> shares;
  for (std::uint32_t i = 0; i < 3; ++i) {
    const CapturingCollector out = ticks.run(i, 3);
    shares.push_back(out.rows());
    total += out.rows();
  }
  EXPECT_EQ(shares, (std::vector<std::size_t>{334, 334, 333}));
  EXPECT_EQ(total, 1001u);
}

TEST(ScenarioSource, DisorderStaysWithinItsBoundAndLateEventsFallBehindTheWatermark) {
  Ticks ticks;
  // At 10,000 events/s a batch spans ~0.1 s of event time, far less than a late event's shift.
  ticks.set("count", std::int64_t{20'000}).set("rate", 10'000.0);
  ticks.set("max_out_of_orderness", graphs::Duration{2'000}).set("late_probability", 0.01);
  auto source = ticks.build();
  CapturingCollector out;
  std::int64_t watermark = INT64_MIN;
  std::size_t late = 0, events = 0, max_shift = 0;
  while (source->has_more()) {
    source->poll(out, 1);
    for (const auto& batch : out.batches[0]) {
      for (std::size_t r = 0; r < batch->num_rows(); ++r) {
        const std::int64_t true_time = kStart + batch->column(1).int64s()[r] * 1000 / 10'000;
        const std::int64_t shift = true_time - batch->event_times()[r];
        ASSERT_GE(shift, 0);
        ++events;
        if (watermark == INT64_MIN) continue;  // the first batch: no watermark to be behind yet
        if (batch->event_times()[r] <= watermark) {
          ++late;
          EXPECT_GT(shift, 2'000);  // only the injected late ones
        } else {
          max_shift = std::max<std::size_t>(max_shift, static_cast<std::size_t>(shift));
        }
      }
    }
    out.batches[0].clear();
    if (!out.watermarks.empty()) watermark = std::max(watermark, out.watermarks.back());
  }
  EXPECT_EQ(events, 20'000u);
  EXPECT_LE(max_shift, 2'000u);
  EXPECT_GT(max_shift, 1'500u);  // the disorder uses its range
  EXPECT_GT(late, 120u);         // about 1 % of 20,000
  EXPECT_LT(late, 280u);
}

TEST(ScenarioSource, MalformedMessagesReplaceEventsAndNoJsonDecoderAcceptsThem) {
  Ticks ticks;
  ticks.set("count", std::int64_t{5'000}).set("malformed_probability", 0.1);
  const CapturingCollector out = ticks.run();
  const std::vector<std::string> payloads = payloads_of(out);
  EXPECT_EQ(out.rows(0) + payloads.size(), 5'000u);
  EXPECT_GT(payloads.size(), 420u);
  EXPECT_LT(payloads.size(), 580u);
  codecs::DecoderOptions options;
  options.schema = std::make_shared<const graphs::Schema>(ticks_schema());
  options.event_time_field = "ts";
  auto decoder = codecs::make_decoder(options);
  ASSERT_TRUE(decoder) << decoder.error().message;
  runtime::BatchBuilder sink(options.schema);
  std::size_t accepted = 0;
  for (const std::string& payload : payloads) {
    if ((*decoder)->decode(payload, sink, 0)) ++accepted;
  }
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(sink.num_rows(), 0u);
}

TEST(ScenarioSource, AtSpeedupOneEventsComeWhenTheirTimeComes) {
  Ticks ticks;
  ticks.set("rate", 200.0).set("speedup", 1.0);
  auto source = ticks.build();
  CapturingCollector out;
  const std::int64_t begin = ticks.clock->now;
  while (ticks.clock->now - begin < 10'000'000'000) source->poll(out, 4);  // 10 s simulated
  EXPECT_GE(out.rows(), 1'990u);
  EXPECT_LE(out.rows(), 2'010u);
  // Ten times faster: ten times the events in the same simulated time.
  Ticks fast;
  fast.set("rate", 200.0).set("speedup", 10.0);
  auto quick = fast.build();
  CapturingCollector more;
  while (fast.clock->now < 10'000'000'000) quick->poll(more, 4);
  EXPECT_GE(more.rows(), 19'900u);
  EXPECT_LE(more.rows(), 20'100u);
}

TEST(ScenarioSource, ARestoreReplaysExactlyFromTheCheckpointedPosition) {
  Ticks ticks;
  ticks.set("count", std::int64_t{3'000}).set("malformed_probability", 0.05);
  ticks.set("max_out_of_orderness", graphs::Duration{500}).set("late_probability", 0.01);
  const std::vector<testing::Event> whole = events_of(ticks.run());

  auto first = ticks.build();
  CapturingCollector before;
  first->poll(before, 1);  // 1024 events
  MemoryState state;
  ASSERT_TRUE(first->snapshot(1, state));
  auto second = ticks.build();
  ASSERT_TRUE(second->restore(state));
  CapturingCollector after;
  while (second->has_more()) second->poll(after, 4);
  std::vector<testing::Event> replayed = events_of(before);
  for (testing::Event& e : events_of(after)) replayed.push_back(std::move(e));
  ASSERT_EQ(replayed.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(replayed[i].fields, whole[i].fields) << i;
    EXPECT_EQ(replayed[i].time_ms, whole[i].time_ms) << i;
  }
  EXPECT_EQ(payloads_of(before).size() + payloads_of(after).size(),
            payloads_of(ticks.run()).size());
}

}  // namespace
}  // namespace rivulet::operators::scenarios

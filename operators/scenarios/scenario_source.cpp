#include "operators/scenarios/scenario_source.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "operators/codecs/json_encoder.hpp"
#include "operators/generators/counter_rng.hpp"
#include "operators/parameter_reader.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::scenarios {
namespace {

constexpr std::size_t kBatchRows = 1024;
// A paced source emits at most this many batches per second, so slow streams keep a low
// latency without a batch per event.
constexpr std::int64_t kPacingSliceNs = 10'000'000;
// A poll never sleeps longer than this, so barriers and stop requests are handled promptly.
constexpr std::int64_t kMaxSleepNs = 50'000'000;
constexpr std::int64_t kMinLateByMs = 1'000;
constexpr std::int64_t kMaxLateByMs = 60'000;

// Salts of the per-event draws (counter-based on the event's position: a restore needs to
// replay only the model, not these).
constexpr std::uint64_t kDisorderSalt = 0x6469736f72646572ULL;
constexpr std::uint64_t kMalformedSalt = 0x6d616c666f726d64ULL;

graphs::Schema malformed_schema() { return {spec::field("payload", graphs::FieldType::String)}; }

struct SourceSettings {
  double speedup = 1.0;  // 0: as fast as downstream accepts
  bool bounded = false;
  std::uint64_t count = 0;  // this instance's events when bounded
  std::int64_t max_out_of_orderness_ms = 0;
  double late_probability = 0;
  double malformed_probability = 0;
  std::uint64_t seed = 1;
};

class ScenarioSource final : public runtime::SourceOperator {
 public:
  ScenarioSource(ModelBuilder rebuild, SourceSettings settings, std::int64_t start_time_ms,
                 std::shared_ptr<generators::Clock> clock)
      : rebuild_(std::move(rebuild)),
        model_(rebuild_()),
        settings_(settings),
        start_time_ms_(start_time_ms),
        clock_(std::move(clock)),
        schema_(std::make_shared<const graphs::Schema>(model_->schema())),
        malformed_schema_(std::make_shared<const graphs::Schema>(malformed_schema())),
        events_(schema_, 64),
        malformed_(malformed_schema_, 8),
        scratch_(schema_, 1),
        encoder_(*schema_),
        disorder_seed_(generators::derive_seed(settings.seed, kDisorderSalt)),
        malformed_seed_(generators::derive_seed(settings.seed, kMalformedSalt)) {
    next_time_ms_ = model_->advance();
  }

  void poll(runtime::SourceCollector& out, std::size_t max_batches) override {
    if (wall_origin_ns_ < 0) wall_origin_ns_ = clock_->now_ns() - paced_offset_ns(next_time_ms_);
    for (std::size_t b = 0; b < max_batches && has_more(); ++b) {
      const std::size_t rows = fill(/*may_sleep=*/b == 0);
      if (rows == 0) return;
      if (!events_.empty()) out.emit(0, events_.finish());
      if (!malformed_.empty()) out.emit(1, malformed_.finish());
      out.emit_watermark(max_true_time_ms_ - settings_.max_out_of_orderness_ms - 1);
    }
  }

  bool has_more() const override { return !settings_.bounded || position_ < settings_.count; }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    std::byte bytes[sizeof position_];
    std::memcpy(bytes, &position_, sizeof position_);
    return writer.write_blob("position", bytes);
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (!reader.has_blob("position")) return graphs::Ok{};
    auto bytes = reader.read_blob("position");
    if (!bytes) return bytes.error();
    std::uint64_t position = 0;
    if (bytes->size() != sizeof position) {
      return graphs::Error{"checkpointed position has " + std::to_string(bytes->size()) +
                           " bytes, expected 8"};
    }
    std::memcpy(&position, bytes->data(), sizeof position);
    // The model is deterministic: rebuilt and advanced, it is where it was.
    model_ = rebuild_();
    next_time_ms_ = model_->advance();
    max_true_time_ms_ = next_time_ms_;
    for (std::uint64_t i = 0; i < position; ++i) {
      max_true_time_ms_ = std::max(max_true_time_ms_, next_time_ms_);
      next_time_ms_ = model_->advance();
    }
    position_ = position;
    wall_origin_ns_ = -1;  // pace from here on
    return graphs::Ok{};
  }

 private:
  std::int64_t paced_offset_ns(std::int64_t event_time_ms) const {
    if (settings_.speedup <= 0) return 0;
    return static_cast<std::int64_t>(static_cast<double>(event_time_ms - start_time_ms_) * 1e6 /
                                     settings_.speedup);
  }
  std::int64_t due_ns(std::int64_t event_time_ms) const {
    return wall_origin_ns_ + paced_offset_ns(event_time_ms);
  }

  // Moves the events that are due (all of them at speedup 0) into the builders, up to a batch.
  std::size_t fill(bool may_sleep) {
    std::int64_t now = clock_->now_ns();
    if (settings_.speedup > 0 && due_ns(next_time_ms_) > now) {
      if (!may_sleep) return 0;
      clock_->sleep_ns(std::min(due_ns(next_time_ms_) - now, kMaxSleepNs));
      now = clock_->now_ns();
    }
    std::size_t rows = 0;
    // Paced: what is due now plus a slice ahead, so a slow stream is not one batch per event.
    const std::int64_t horizon = now + kPacingSliceNs;
    while (rows < kBatchRows && has_more() &&
           (settings_.speedup <= 0 || due_ns(next_time_ms_) <= horizon)) {
      emit_current();
      ++rows;
      next_time_ms_ = model_->advance();
    }
    return rows;
  }

  void emit_current() {
    const std::int64_t true_time = next_time_ms_;
    max_true_time_ms_ = std::max(max_true_time_ms_, true_time);
    generators::DrawStream disorder(disorder_seed_, position_);
    std::int64_t event_time = true_time;
    if (settings_.late_probability > 0 && disorder.bernoulli(settings_.late_probability)) {
      event_time -=
          settings_.max_out_of_orderness_ms + disorder.uniform_int(kMinLateByMs, kMaxLateByMs);
    } else if (settings_.max_out_of_orderness_ms > 0) {
      event_time -= disorder.uniform_int(0, settings_.max_out_of_orderness_ms);
    }
    generators::DrawStream malformed(malformed_seed_, position_);
    if (settings_.malformed_probability > 0 &&
        malformed.bernoulli(settings_.malformed_probability)) {
      emit_malformed(malformed, event_time);
    } else {
      model_->write(events_, event_time);
      events_.end_row(event_time);
    }
    ++position_;
  }

  // The event as a message someone broke: cut short, a wrong type in the time field, or text
  // that is not JSON at all.
  void emit_malformed(generators::DrawStream& draws, std::int64_t event_time) {
    model_->write(scratch_, event_time);
    scratch_.end_row(event_time);
    const runtime::BatchPtr row = scratch_.finish();
    std::string json;
    encoder_.encode(*row, 0, json);
    std::string payload;
    switch (draws.uniform_int(0, 2)) {
      case 0:  // truncated: at least the opening brace, never the closing one
        payload = json.substr(0, static_cast<std::size_t>(draws.uniform_int(
                                     1, static_cast<std::int64_t>(json.size()) - 2)));
        break;
      case 1: {  // the time field holds text no timestamp parser reads
        const std::string& name = (*schema_)[model_->time_field()].name;
        const std::string member = "\"" + name + "\":";
        const std::size_t at = json.find(member);
        const std::size_t value = at + member.size();
        const std::size_t end = json.find_first_of(",}", value);
        payload = json.substr(0, value) + "\"the day before yesterday\"" + json.substr(end);
        break;
      }
      default:  // a line of some other format
        payload = "event;" + std::to_string(event_time) + ";" + json.substr(1, json.size() / 3);
        break;
    }
    malformed_.append_string(0, payload);
    malformed_.end_row(event_time);
  }

  ModelBuilder rebuild_;
  std::unique_ptr<ScenarioModel> model_;
  SourceSettings settings_;
  std::int64_t start_time_ms_;
  std::shared_ptr<generators::Clock> clock_;
  runtime::SchemaPtr schema_;
  runtime::SchemaPtr malformed_schema_;
  runtime::BatchBuilder events_;
  runtime::BatchBuilder malformed_;
  runtime::BatchBuilder scratch_;
  codecs::JsonEncoder encoder_;
  std::uint64_t disorder_seed_;
  std::uint64_t malformed_seed_;
  std::uint64_t position_ = 0;     // events emitted (malformed ones included)
  std::int64_t next_time_ms_ = 0;  // true time of the model's current event
  std::int64_t max_true_time_ms_ = 0;
  std::int64_t wall_origin_ns_ = -1;  // wall clock of event time start_time (paced)
};

}  // namespace

graphs::OperatorSpec scenario_spec(std::string kind, std::string description, graphs::Schema schema,
                                   std::vector<spec::Param> model_parameters, double default_rate) {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  graphs::OperatorSpec built =
      Operator(std::move(kind), "source", std::move(description))
          .stateful()
          .outputs({output("out", fixed(std::move(schema)),
                           "The events, each labelled with the pattern it belongs to "
                           "(field 'pattern', empty for ordinary events)."),
                    output("malformed", fixed(malformed_schema()),
                           "Malformed messages in place of some events (malformed_probability), "
                           "for a kafka_sink with format raw writing to the same topic.")})
          .parameters({
              floating("rate", default_rate, "Events per second of event time, over all instances.")
                  .min(0.001),
              floating("speedup", 1.0,
                       "How fast event time runs against the wall clock: 1 emits events when "
                       "their time comes (rate events per second), 10 ten times faster, 0 as "
                       "fast as downstream accepts.")
                  .min(0),
              integer("count", 0,
                      "Events to generate in total (malformed ones included), then the source "
                      "ends. 0: unbounded.")
                  .min(0),
              integer("seed", 1,
                      "Random seed: the same seed, parameters and parallelism give the same "
                      "events."),
              integer("start_time", 0,
                      "Event time of the simulation's start, milliseconds since the Unix epoch. "
                      "0: the wall clock when the job starts, rounded down to the second.")
                  .min(0),
              duration("max_out_of_orderness", seconds(2),
                       "Bounded disorder: each event's time is moved back by up to this; the "
                       "watermark trails the latest event by this plus 1 ms.")
                  .min(0),
              floating("late_probability", 0.001,
                       "Probability that an event arrives late: its time is moved back by 1 to "
                       "60 s more than max_out_of_orderness, behind the watermark.")
                  .min(0)
                  .max(1),
              floating("malformed_probability", 0.0,
                       "Probability that an event is replaced by a malformed message on the "
                       "'malformed' output.")
                  .min(0)
                  .max(1),
              floating("pattern_scale", 1.0,
                       "Multiplies how often the injected patterns occur (0: none).")
                  .min(0),
          });
  for (spec::Param& param : model_parameters) built.parameters.push_back(param);
  return built;
}

graphs::Result<std::unique_ptr<runtime::SourceOperator>> make_scenario_source(
    const runtime::OperatorBuildContext& context, const ModelFactory& model,
    std::shared_ptr<generators::Clock> clock) {
  const ParameterReader params(context);
  auto rate = params.floating("rate");
  if (!rate) return rate.error();
  auto speedup = params.floating("speedup");
  if (!speedup) return speedup.error();
  auto count = params.integer("count");
  if (!count) return count.error();
  auto seed = params.integer("seed");
  if (!seed) return seed.error();
  auto start_time = params.integer("start_time");
  if (!start_time) return start_time.error();
  auto disorder = params.duration_ms("max_out_of_orderness");
  if (!disorder) return disorder.error();
  auto late = params.floating("late_probability");
  if (!late) return late.error();
  auto malformed = params.floating("malformed_probability");
  if (!malformed) return malformed.error();
  auto pattern_scale = params.floating("pattern_scale");
  if (!pattern_scale) return pattern_scale.error();
  if (*rate <= 0) return params.error("rate", "must be above 0");

  const std::uint32_t parallelism = std::max<std::uint32_t>(context.parallelism, 1);
  ScenarioConfig config;
  config.seed = generators::derive_seed(static_cast<std::uint64_t>(*seed), context.subtask_index);
  config.rate = *rate / parallelism;
  // Rounded to the second: instances opened a few ms apart then (almost always) agree.
  config.start_time_ms = *start_time > 0 ? *start_time : clock->epoch_ms() / 1000 * 1000;
  config.subtask_index = context.subtask_index;
  config.parallelism = parallelism;
  config.pattern_scale = std::max(*pattern_scale, 0.0);

  auto builder = model(context, config);
  if (!builder) return builder.error();
  SourceSettings settings;
  settings.speedup = std::max(*speedup, 0.0);
  if (*count > 0) {  // each instance takes its share (instance i one more while i < remainder)
    const auto total = static_cast<std::uint64_t>(*count);
    settings.bounded = true;
    settings.count = total / parallelism + (context.subtask_index < total % parallelism ? 1 : 0);
  }
  settings.max_out_of_orderness_ms = std::max<std::int64_t>(*disorder, 0);
  settings.late_probability = std::clamp(*late, 0.0, 1.0);
  settings.malformed_probability = std::clamp(*malformed, 0.0, 1.0);
  settings.seed = config.seed;
  return std::unique_ptr<runtime::SourceOperator>(std::make_unique<ScenarioSource>(
      std::move(*builder), settings, config.start_time_ms, std::move(clock)));
}

runtime::OperatorFactory scenario_factory(ModelFactory model) {
  return runtime::SourceFactory(
      [model = std::move(model)](const runtime::OperatorBuildContext& context) {
        return make_scenario_source(context, model, std::make_shared<generators::SystemClock>());
      });
}

}  // namespace rivulet::operators::scenarios

#include "scenario_test_support.hpp"

#include <variant>

namespace rivulet::operators::testing {

graphs::Result<std::unique_ptr<runtime::SourceOperator>> Scenario::build(
    std::uint32_t subtask, std::uint32_t parallelism) const {
  runtime::OperatorBuildContext context{node, spec_, {}, {}, {}, subtask, parallelism, ""};
  const auto* source = std::get_if<runtime::SourceFactory>(&factory_);
  if (!source) return graphs::Error{spec_.kind + " has no source factory"};
  return (*source)(context);
}

CapturingCollector Scenario::run(std::uint32_t subtask, std::uint32_t parallelism) const {
  CapturingCollector out;
  auto source = build(subtask, parallelism);
  EXPECT_TRUE(source) << (source ? "" : source.error().message);
  if (!source) return out;
  // speedup 0 (the tests' default) never waits: a bounded run ends after its batches.
  for (int i = 0; i < 1'000'000 && (*source)->has_more(); ++i) (*source)->poll(out, 4);
  EXPECT_FALSE((*source)->has_more()) << "the generator did not end";
  return out;
}

std::vector<Event> events_of(const CapturingCollector& out, std::size_t port) {
  std::vector<Event> events;
  const auto it = out.batches.find(port);
  if (it == out.batches.end()) return events;
  for (const auto& batch : it->second) {
    for (std::size_t row = 0; row < batch->num_rows(); ++row) {
      Event event;
      event.time_ms = batch->event_times()[row];
      for (std::size_t c = 0; c < batch->num_columns(); ++c) {
        const runtime::Column& column = batch->column(c);
        std::string text;
        switch (column.type()) {
          case graphs::FieldType::Int64:
          case graphs::FieldType::Timestamp:
            text = std::to_string(column.int64s()[row]);
            break;
          case graphs::FieldType::Float64:
            text = std::to_string(column.float64s()[row]);
            break;
          case graphs::FieldType::Bool:
            text = column.bools()[row] ? "true" : "false";
            break;
          default:
            text = std::string(column.string_at(row));
        }
        event.fields[(*batch->schema())[c].name] = std::move(text);
      }
      events.push_back(std::move(event));
    }
  }
  return events;
}

std::vector<std::string> payloads_of(const CapturingCollector& out) {
  std::vector<std::string> payloads;
  for (const Event& event : events_of(out, 1)) payloads.push_back(event["payload"]);
  return payloads;
}

}  // namespace rivulet::operators::testing

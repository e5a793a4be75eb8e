#pragma once
// Shared by the Kafka operator tests: a recording SourceCollector, node builders, and a
// poll loop with a safety deadline (timeouts only keep a broken test from hanging).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graphs/graph.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators::testing {

struct RecordingCollector : runtime::SourceCollector {
  std::vector<runtime::BatchPtr> records;
  std::vector<runtime::BatchPtr> dead_letters;
  std::vector<std::string> events;  // "data", "dead", "wm <ms>", "idle", "active", in order
  std::vector<std::int64_t> watermarks;

  void emit(std::size_t port, runtime::BatchPtr batch) override {
    (port == 0 ? records : dead_letters).push_back(std::move(batch));
    events.push_back(port == 0 ? "data" : "dead");
  }
  bool has_capacity() const override { return true; }
  void emit_watermark(std::int64_t ms) override {
    watermarks.push_back(ms);
    events.push_back("wm " + std::to_string(ms));
  }
  void mark_idle(bool idle) override { events.push_back(idle ? "idle" : "active"); }

  std::size_t record_count() const {
    std::size_t n = 0;
    for (const auto& b : records) n += b->num_rows();
    return n;
  }
  std::size_t dead_letter_count() const {
    std::size_t n = 0;
    for (const auto& b : dead_letters) n += b->num_rows();
    return n;
  }
};

// Polls until `done()` or 30 s passed.
template <class Done>
void poll_until(runtime::SourceOperator& source, RecordingCollector& out, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline) source.poll(out, 4);
}

inline graphs::Node node(std::string id, std::string kind,
                         std::vector<graphs::Parameter> parameters) {
  graphs::Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parameters = std::move(parameters);
  return n;
}

}  // namespace rivulet::operators::testing

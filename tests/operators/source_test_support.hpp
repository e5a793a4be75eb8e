#pragma once
// Helpers for source operator tests (datagen, file_source): a collector that keeps what a
// source emits, a hand-driven clock, in-memory state I/O, and rows rendered as text so that
// whole outputs compare with one EXPECT_EQ.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "operators/generators/clock.hpp"
#include "runtime/operator.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::operators::testing {

class CapturingCollector : public runtime::SourceCollector {
 public:
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    batches[port].push_back(std::move(batch));
  }
  bool has_capacity() const override { return true; }
  void emit_watermark(std::int64_t watermark_ms) override { watermarks.push_back(watermark_ms); }
  void mark_idle(bool idle) override { idle_marks.push_back(idle); }

  std::size_t rows(std::size_t port = 0) const {
    std::size_t n = 0;
    auto it = batches.find(port);
    if (it == batches.end()) return 0;
    for (const auto& b : it->second) n += b->num_rows();
    return n;
  }

  std::map<std::size_t, std::vector<runtime::BatchPtr>> batches;
  std::vector<std::int64_t> watermarks;
  std::vector<bool> idle_marks;
};

// Simulated time: sleeping advances it, so a rate-limited source runs at full speed in tests.
class ManualClock : public generators::Clock {
 public:
  std::int64_t now_ns() const override { return now; }
  void sleep_ns(std::int64_t ns) override {
    ++sleeps;
    if (ns > 0) now += ns;
  }
  std::int64_t epoch_ms() const override { return 1'700'000'000'123; }

  std::int64_t now = 0;
  int sleeps = 0;
};

class MemoryState : public runtime::StateWriter, public runtime::StateReader {
 public:
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    blobs[std::string(name)] = std::vector<std::byte>(bytes.begin(), bytes.end());
    return graphs::Ok{};
  }
  bool has_blob(std::string_view name) const override { return blobs.contains(std::string(name)); }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    return blobs.at(std::string(name));
  }
  std::map<std::string, std::vector<std::byte>> blobs;
};

// "field=value|field=value|@event_time" — nulls as "null".
inline std::string render_row(const runtime::RecordBatch& batch, std::size_t row) {
  std::string out;
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    const runtime::Column& col = batch.column(c);
    out += (*batch.schema())[c].name + "=";
    if (col.is_null(row)) {
      out += "null";
    } else {
      switch (col.type()) {
        case graphs::FieldType::Int64:
        case graphs::FieldType::Timestamp:
          out += std::to_string(col.int64s()[row]);
          break;
        case graphs::FieldType::Float64:
          out += std::to_string(col.float64s()[row]);
          break;
        case graphs::FieldType::Bool:
          out += col.bools()[row] ? "true" : "false";
          break;
        case graphs::FieldType::String:
          out += std::string(col.string_at(row));
          break;
      }
    }
    out += "|";
  }
  out += "@" + std::to_string(batch.event_times()[row]);
  return out;
}

inline std::vector<std::string> render_rows(const std::vector<runtime::BatchPtr>& batches) {
  std::vector<std::string> rows;
  for (const auto& b : batches) {
    for (std::size_t r = 0; r < b->num_rows(); ++r) rows.push_back(render_row(*b, r));
  }
  return rows;
}

}  // namespace rivulet::operators::testing

#pragma once
// Test operators (generator source, pass-through, recording sink) and wiring helpers for the
// task actor tests.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime::testing {

inline SchemaPtr seq_schema() {
  return std::make_shared<const graphs::Schema>(graphs::Schema{
      {"seq", graphs::FieldType::Int64, false}, {"key", graphs::FieldType::String, false}});
}

inline BatchPtr seq_batch(const SchemaPtr& schema, std::int64_t first, std::size_t rows) {
  BatchBuilder b(schema, rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t seq = first + static_cast<std::int64_t>(i);
    b.append_int64(0, seq);
    std::string key = "key-";  // not "key-" + ...: GCC 12 raises a false -Wrestrict on that
    key += std::to_string(seq % 100);
    b.append_string(1, key);
    b.end_row(seq);
  }
  return b.finish();
}

// Emits batches of consecutive sequence numbers (event time = seq), each followed by a
// watermark at its last event time. `total_batches` < 0: unbounded until stopped.
class GeneratorSource final : public SourceOperator {
 public:
  GeneratorSource(std::int64_t total_batches, std::size_t rows_per_batch,
                  std::shared_ptr<std::atomic<int>> capacity_changes = nullptr)
      : total_(total_batches),
        rows_(rows_per_batch),
        capacity_changes_(std::move(capacity_changes)) {}

  void poll(SourceCollector& out, std::size_t max_batches) override {
    for (std::size_t i = 0; i < max_batches && has_more(); ++i) {
      out.emit(seq_batch(schema_, next_seq_, rows_));
      next_seq_ += static_cast<std::int64_t>(rows_);
      out.emit_watermark(next_seq_ - 1);
      ++emitted_;
    }
  }
  bool has_more() const override { return total_ < 0 || emitted_ < total_; }
  void on_capacity(bool) override {
    if (capacity_changes_) capacity_changes_->fetch_add(1);
  }

 private:
  SchemaPtr schema_ = seq_schema();
  std::int64_t total_;
  std::size_t rows_;
  std::shared_ptr<std::atomic<int>> capacity_changes_;
  std::int64_t next_seq_ = 0;
  std::int64_t emitted_ = 0;
};

class PassThrough final : public Operator {
 public:
  void process(std::size_t, const BatchPtr& batch, Collector& out) override { out.emit(batch); }
};

// What a sink saw, in order.
struct SinkLog {
  struct Event {
    enum Kind { Data, Watermark, Snapshot, End } kind;
    std::int64_t value = 0;  // Data: first seq; Watermark: ms; Snapshot: checkpoint id
    std::size_t rows = 0;
    std::size_t input = 0;
  };
  std::mutex mutex;
  std::vector<Event> events;
  std::atomic<std::uint64_t> batches{0};

  void add(Event e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
  }
  std::vector<Event> snapshot() {
    std::lock_guard lock(mutex);
    return events;
  }
};

class RecordingSink final : public Operator {
 public:
  RecordingSink(std::shared_ptr<SinkLog> log, std::chrono::microseconds delay_per_batch = {},
                bool log_data = true)
      : log_(std::move(log)), delay_(delay_per_batch), log_data_(log_data) {}

  void process(std::size_t input, const BatchPtr& batch, Collector&) override {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);  // a deliberately slow sink
    if (log_data_) {
      log_->add({SinkLog::Event::Data, batch->column(0).int64s()[0], batch->num_rows(), input});
    }
    log_->batches.fetch_add(1);
  }
  void on_watermark(std::int64_t wm, Collector&) override {
    log_->add({SinkLog::Event::Watermark, wm, 0, 0});
  }
  void on_end_of_input(Collector&) override { log_->add({SinkLog::Event::End, 0, 0, 0}); }
  graphs::Status snapshot(std::uint64_t id, StateWriter&) override {
    log_->add({SinkLog::Event::Snapshot, static_cast<std::int64_t>(id), 0, 0});
    return graphs::Ok{};
  }

 private:
  std::shared_ptr<SinkLog> log_;
  std::chrono::microseconds delay_;
  bool log_data_;
};

// Specs for a straight line of tasks: task `from` output port 0 -> task `to` input port.
inline OutputEdgeSpec forward_to(TaskId from, TaskId to, std::uint32_t target_channel = 0,
                                 std::uint32_t input_port = 0) {
  OutputEdgeSpec edge;
  edge.partitioning = graphs::PartitioningKind::Forward;
  edge.channels.push_back(OutputChannelSpec{ChannelId{from, 0, to, input_port}, target_channel});
  return edge;
}

inline InputChannelSpec input_from(TaskId from, TaskId to, std::uint32_t input_port = 0) {
  return InputChannelSpec{ChannelId{from, 0, to, input_port}};
}

}  // namespace rivulet::runtime::testing

#pragma once
// Records held until the watermark passes them, then handed out in event-time order (ties in
// arrival order): what an operator needs that must see each key's records in event-time order
// although they arrive out of order (absence, previous; alert keeps its own copy of this for now).
//
// Rows stay in their batches, which are retained while any of their rows waits; each batch may
// carry a companion batch with the same rows (values computed at arrival, e.g. expressions), so
// no row is copied until it is released.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/row_codec.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::keyed {

class EventTimeBuffer {
 public:
  // Holds `rows` of `batch` (and of `companion`, which may be null).
  void add(runtime::BatchPtr batch, runtime::BatchPtr companion,
           const std::vector<std::uint32_t>& rows) {
    if (rows.empty()) return;
    const std::uint64_t id = base_ + retained_.size();
    const auto times = batch->event_times();
    for (std::uint32_t row : rows) pending_.push_back(Pending{times[row], next_seq_++, id, row});
    retained_.push_back(
        Retained{std::move(batch), std::move(companion), static_cast<std::uint32_t>(rows.size())});
  }

  // Holds the rows of `batch` at or after `watermark` (their companion made by
  // `companion(batch)`, called only when some row is held); the rows behind it are late: they
  // go to `late_port` of `out` unchanged and are counted in `counters` (when given).
  template <class Companion>
  void hold(const runtime::BatchPtr& batch, std::int64_t watermark, Companion&& companion,
            std::size_t late_port, runtime::RecordCounters* counters, runtime::Collector& out) {
    const auto times = batch->event_times();
    held_rows_.clear();
    late_rows_.clear();
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      (times[r] < watermark ? late_rows_ : held_rows_).push_back(static_cast<std::uint32_t>(r));
    }
    if (!held_rows_.empty()) add(batch, companion(*batch), held_rows_);
    if (late_rows_.empty()) return;
    if (counters) counters->count_late(late_rows_.size());
    runtime::BatchBuilder late(batch->schema(), late_rows_.size());
    late.append_rows(*batch, late_rows_);
    out.emit(late_port, late.finish(false));
  }

  // The held rows into a snapshot (count, then each row encoded), in arrival order.
  void write_held(ByteWriter& w) const {
    w.u64(size());
    for_each(
        [&](const runtime::RecordBatch& batch, const runtime::RecordBatch*, std::uint32_t row) {
          std::string encoded;
          encode_row(batch, row, encoded);
          w.bytes(encoded);
        });
  }

  // Holds the rows write_held() wrote (rows of `schema`), their companion made again by
  // `companion`. False on a malformed snapshot (then nothing is held).
  template <class Companion>
  bool read_held(ByteReader& in, const runtime::SchemaPtr& schema, Companion&& companion) {
    clear();
    const std::size_t rows = in.count(12);
    runtime::BatchBuilder builder(schema, rows);
    for (std::size_t i = 0; i < rows && in.ok(); ++i) {
      ByteReader row(in.bytes());
      const std::int64_t ts = decode_row(row, *schema, builder);
      if (!row.ok()) in.fail();
      if (in.ok()) builder.end_row(ts);
    }
    if (!in.ok()) return false;
    if (rows == 0) return true;
    runtime::BatchPtr batch = builder.finish(false);
    std::vector<std::uint32_t> all(rows);
    for (std::size_t i = 0; i < rows; ++i) all[i] = static_cast<std::uint32_t>(i);
    runtime::BatchPtr made = companion(*batch);
    add(std::move(batch), std::move(made), all);
    return true;
  }

  // Hands out every held row with event time < `limit` (all of them with `all`), in (event
  // time, arrival) order: visit(batch, companion, row, time).
  template <class Visit>
  void release_before(std::int64_t limit, bool all, Visit&& visit) {
    ready_.clear();
    std::size_t keep = 0;
    for (const Pending& p : pending_) {
      if (all || p.time < limit) {
        ready_.push_back(p);
      } else {
        pending_[keep++] = p;
      }
    }
    pending_.resize(keep);
    std::sort(ready_.begin(), ready_.end(), [](const Pending& a, const Pending& b) {
      return a.time != b.time ? a.time < b.time : a.seq < b.seq;
    });
    for (const Pending& p : ready_) {
      Retained& r = retained_[p.batch - base_];
      visit(*r.batch, r.companion.get(), p.row, p.time);
      --r.waiting;
    }
    while (!retained_.empty() && retained_.front().waiting == 0) {
      retained_.pop_front();
      ++base_;
    }
  }

  // The held rows in arrival order: visit(batch, companion, row) (for snapshots).
  template <class Visit>
  void for_each(Visit&& visit) const {
    std::vector<Pending> ordered = pending_;
    std::sort(ordered.begin(), ordered.end(),
              [](const Pending& a, const Pending& b) { return a.seq < b.seq; });
    for (const Pending& p : ordered) {
      const Retained& r = retained_[p.batch - base_];
      visit(*r.batch, r.companion.get(), p.row);
    }
  }

  std::size_t size() const { return pending_.size(); }
  void clear() {
    pending_.clear();
    retained_.clear();
    base_ = 0;
    next_seq_ = 0;
  }

 private:
  struct Pending {
    std::int64_t time;
    std::uint64_t seq;    // arrival order
    std::uint64_t batch;  // index into retained_ plus base_
    std::uint32_t row;
  };
  struct Retained {
    runtime::BatchPtr batch;
    runtime::BatchPtr companion;
    std::uint32_t waiting = 0;
  };

  std::vector<Pending> pending_;
  std::vector<Pending> ready_;
  std::vector<std::uint32_t> held_rows_;  // hold()'s scratch
  std::vector<std::uint32_t> late_rows_;
  std::deque<Retained> retained_;
  std::uint64_t base_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace rivulet::operators::keyed

#pragma once
// Records held until the watermark passes them, then handed out in event-time order (ties in
// arrival order): what an operator needs that must see each key's records in event-time order
// although they arrive out of order (previous; alert keeps its own copy of this for now).
//
// Rows stay in their batches, which are retained while any of their rows waits; each batch may
// carry a companion batch with the same rows (values computed at arrival, e.g. expressions), so
// no row is copied until it is released.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

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
  std::deque<Retained> retained_;
  std::uint64_t base_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace rivulet::operators::keyed

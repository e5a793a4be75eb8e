#pragma once
// The windows of one window_aggregate instance: each live (key, window) pair owns a slot, and
// every per-window value (bounds, flags, and the accumulators outside this class) lives in flat
// arrays indexed by slot. Slots of purged windows are recycled through a free list.
//
// Lookup: tumbling and sliding windows are found by (key id, start) in a FlatIndex; session
// windows, whose bounds change as they grow and merge, hang off their key in a singly linked
// list (a key rarely has more than one or two open sessions).
//
// Timers: a min-heap of (time, slot, generation) ordered by time says which window needs
// attention next as the watermark advances (fire at end - 1, purge at end - 1 + lateness).
// Each slot has at most one live heap entry, the one whose generation matches the slot's;
// stale entries (the slot was rescheduled earlier, purged, or reused) are skipped when popped.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "operators/windows/flat_index.hpp"

namespace rivulet::operators::windows {

class WindowStore {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  // Window state flags.
  static constexpr std::uint8_t kLive = 1;     // the slot holds a window
  static constexpr std::uint8_t kFired = 2;    // its current result has been emitted
  static constexpr std::uint8_t kEmitted = 4;  // some result was emitted (later ones are updates)
  static constexpr std::uint8_t kTouched = 8;  // a late record changed it in the current batch

  // ---- tumbling / sliding ----
  std::uint32_t find(std::uint32_t key, std::int64_t start) const {
    return index_.find(window_hash(key, start),
                       [&](std::uint32_t s) { return key_[s] == key && start_[s] == start; });
  }
  // A new indexed window; the caller resets its accumulators (slot may be reused).
  std::uint32_t add_indexed(std::uint32_t key, std::int64_t start, std::int64_t end);

  // ---- sessions ----
  std::uint32_t first_session(std::uint32_t key) const {
    return key < session_head_.size() ? session_head_[key] : kNone;
  }
  std::uint32_t next_session(std::uint32_t slot) const { return next_[slot]; }
  std::uint32_t add_session(std::uint32_t key, std::int64_t start, std::int64_t end);
  void set_bounds(std::uint32_t slot, std::int64_t start, std::int64_t end) {
    start_[slot] = start;
    end_[slot] = end;
  }

  // Frees a slot (indexed or session); its heap entry goes stale.
  void remove(std::uint32_t slot);

  // ---- timers ----
  // Ensures the slot is looked at once the watermark reaches `time` (an earlier pending time
  // stays: when it pops, the owner re-evaluates and schedules again).
  void schedule(std::uint32_t slot, std::int64_t time);
  // Pops the next slot whose timer is <= watermark (kNone when there is none) and its timer's
  // time; the timer is cleared, so the owner must schedule it again if it keeps the window.
  std::uint32_t pop_due(std::int64_t watermark, std::int64_t& time);

  // ---- slot data ----
  std::uint32_t key(std::uint32_t slot) const { return key_[slot]; }
  std::int64_t start(std::uint32_t slot) const { return start_[slot]; }
  std::int64_t end(std::uint32_t slot) const { return end_[slot]; }
  std::uint8_t flags(std::uint32_t slot) const { return flags_[slot]; }
  void set_flags(std::uint32_t slot, std::uint8_t f) { flags_[slot] = f; }
  bool live(std::uint32_t slot) const { return (flags_[slot] & kLive) != 0; }
  // The time of the slot's pending timer (kNever: none).
  std::int64_t timer(std::uint32_t slot) const { return due_[slot]; }

  // Slots are < capacity(); accumulators size themselves by it.
  std::size_t capacity() const { return key_.size(); }
  std::size_t live_windows() const { return live_; }
  std::size_t pending_timers() const { return heap_.size(); }

 private:
  struct Timer {
    std::int64_t time;
    std::uint32_t slot;
    std::uint32_t generation;
  };

  static std::uint64_t window_hash(std::uint32_t key, std::int64_t start) {
    return mix64(static_cast<std::uint64_t>(start) * 0x9E3779B97F4A7C15ULL ^ key);
  }
  std::uint32_t allocate(std::uint32_t key, std::int64_t start, std::int64_t end);

  FlatIndex index_;
  std::vector<std::uint32_t> key_;
  std::vector<std::int64_t> start_;
  std::vector<std::int64_t> end_;
  std::vector<std::uint8_t> flags_;
  std::vector<std::uint8_t> indexed_;
  std::vector<std::uint32_t> next_;          // session chain
  std::vector<std::uint32_t> generation_;    // bumped whenever a slot's timer is replaced
  std::vector<std::int64_t> due_;            // time of the slot's live timer, kNever if none
  std::vector<std::uint32_t> session_head_;  // by key id
  std::vector<std::uint32_t> free_;
  std::vector<Timer> heap_;
  std::size_t live_ = 0;
};

}  // namespace rivulet::operators::windows

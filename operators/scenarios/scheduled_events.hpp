#pragma once
// Events a model has scheduled ahead (the rest of a burst, a pattern's second half), in time
// order; ties keep the order they were scheduled in, so a model stays deterministic.

#include <cstdint>
#include <queue>
#include <vector>

namespace rivulet::operators::scenarios {

template <typename Event>
class ScheduledEvents {
 public:
  void schedule(std::int64_t time_ms, Event event) {
    queue_.push(Entry{time_ms, next_sequence_++, std::move(event)});
  }
  bool empty() const { return queue_.empty(); }
  std::int64_t next_time() const { return queue_.top().time_ms; }
  // Removes the earliest event and returns it.
  Event pop() {
    Event event = queue_.top().event;
    queue_.pop();
    return event;
  }

 private:
  struct Entry {
    std::int64_t time_ms;
    std::uint64_t sequence;
    Event event;
    bool operator>(const Entry& other) const {
      return time_ms != other.time_ms ? time_ms > other.time_ms : sequence > other.sequence;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace rivulet::operators::scenarios

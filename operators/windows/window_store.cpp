#include "operators/windows/window_store.hpp"

#include <algorithm>

namespace rivulet::operators::windows {

namespace {

// Min-heap on (time, slot): equal times pop in slot order, so output order is deterministic.
struct Later {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a.time != b.time ? a.time > b.time : a.slot > b.slot;
  }
};

}  // namespace

std::uint32_t WindowStore::allocate(std::uint32_t key, std::int64_t start, std::int64_t end) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(key_.size());
    key_.push_back(0);
    start_.push_back(0);
    end_.push_back(0);
    flags_.push_back(0);
    indexed_.push_back(0);
    next_.push_back(kNone);
    generation_.push_back(0);
    due_.push_back(kNever);
  }
  key_[slot] = key;
  start_[slot] = start;
  end_[slot] = end;
  flags_[slot] = kLive;
  indexed_[slot] = 0;
  next_[slot] = kNone;
  due_[slot] = kNever;
  ++live_;
  return slot;
}

std::uint32_t WindowStore::add_indexed(std::uint32_t key, std::int64_t start, std::int64_t end) {
  const std::uint32_t slot = allocate(key, start, end);
  indexed_[slot] = 1;
  index_.insert(window_hash(key, start), slot);
  return slot;
}

std::uint32_t WindowStore::add_session(std::uint32_t key, std::int64_t start, std::int64_t end) {
  const std::uint32_t slot = allocate(key, start, end);
  if (session_head_.size() <= key) session_head_.resize(key + 1, kNone);
  next_[slot] = session_head_[key];
  session_head_[key] = slot;
  return slot;
}

void WindowStore::remove(std::uint32_t slot) {
  if (indexed_[slot]) {
    index_.erase(window_hash(key_[slot], start_[slot]), slot);
  } else {
    // Unlink from the key's session chain.
    std::uint32_t* link = &session_head_[key_[slot]];
    while (*link != slot) link = &next_[*link];
    *link = next_[slot];
  }
  flags_[slot] = 0;
  ++generation_[slot];
  due_[slot] = kNever;
  free_.push_back(slot);
  --live_;
}

void WindowStore::schedule(std::uint32_t slot, std::int64_t time) {
  if (time >= due_[slot]) return;
  ++generation_[slot];
  due_[slot] = time;
  heap_.push_back(Timer{time, slot, generation_[slot]});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

std::uint32_t WindowStore::pop_due(std::int64_t watermark, std::int64_t& time) {
  while (!heap_.empty() && heap_.front().time <= watermark) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Timer t = heap_.back();
    heap_.pop_back();
    if (t.generation != generation_[t.slot] || !live(t.slot)) continue;
    due_[t.slot] = kNever;
    time = t.time;
    return t.slot;
  }
  return kNone;
}

}  // namespace rivulet::operators::windows

#pragma once
// Session windows with merging. A record at t opens the window [t, t + gap); it joins every
// session of its key that it overlaps, and those sessions merge into one spanning all of them.
// Two sessions overlap when each starts before the other ends — records exactly `gap` apart
// stay in separate sessions, which is what "records closer than gap" in the catalog promises
// (Flink's intersects() also merges windows that merely touch; we deliberately do not).
//
// A record that bridges two sessions merges them: their accumulators are folded into the
// surviving slot through the caller's merge callback, before the record itself is added.

#include <cstdint>

#include "operators/windows/window_assigner.hpp"
#include "operators/windows/window_store.hpp"

namespace rivulet::operators::windows {

struct SessionAssignment {
  std::uint32_t slot = WindowStore::kNone;  // kNone: the merged window is already late
  bool created = false;                     // a new slot (its accumulators need a reset)
  bool merged = false;                      // other sessions were folded into `slot`
  bool grew = false;                        // the slot's bounds changed
};

// `is_late(end)` says whether a window ending at `end` is past its allowed lateness;
// `merge(into, from)` folds accumulators, called before `from` is removed from the store.
template <class IsLate, class Merge>
SessionAssignment assign_session(WindowStore& store, std::uint32_t key, std::int64_t t,
                                 std::int64_t gap, IsLate&& is_late, Merge&& merge) {
  std::int64_t start = t;
  std::int64_t end = saturating_add(t, gap);
  // First pass: the merged bounds (a record may bridge several sessions).
  std::uint32_t first = WindowStore::kNone;
  int overlapping = 0;
  for (std::uint32_t s = store.first_session(key); s != WindowStore::kNone;
       s = store.next_session(s)) {
    if (store.start(s) < saturating_add(t, gap) && t < store.end(s)) {
      if (first == WindowStore::kNone) first = s;
      ++overlapping;
      if (store.start(s) < start) start = store.start(s);
      if (store.end(s) > end) end = store.end(s);
    }
  }
  SessionAssignment out;
  if (is_late(end)) return out;
  if (first == WindowStore::kNone) {
    out.slot = store.add_session(key, start, end);
    out.created = true;
    return out;
  }
  // Second pass: fold the other overlapping sessions into `first`.
  if (overlapping > 1) {
    std::uint32_t s = store.first_session(key);
    while (s != WindowStore::kNone) {
      const std::uint32_t next = store.next_session(s);
      if (s != first && store.start(s) < saturating_add(t, gap) && t < store.end(s)) {
        merge(first, s);
        store.remove(s);
      }
      s = next;
    }
    out.merged = true;
  }
  out.grew = start != store.start(first) || end != store.end(first);
  store.set_bounds(first, start, end);
  out.slot = first;
  return out;
}

}  // namespace rivulet::operators::windows

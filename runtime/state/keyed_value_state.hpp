#pragma once
// Typed keyed state with event-time timers (Flink's value state and timer service in one):
// entries (namespace, key) -> V, each with at most one timer, for operators whose per-key state
// is one value (dedup: the first time of a key; alert: a key's recent times; top_n: a (window,
// key)'s candidates). The operator is written once against it; the backend is the EntryStore
// underneath (entry_store.hpp), chosen by the job.
//
// Resident entries are typed V in slots found through a hash index, so the memory backend, which
// keeps everything resident, never serialises on the hot path; with RocksDB the same slots are a
// cache of hot keys across calls, and end_call() evicts the least recently used beyond the
// store's resident limit (encoded with Codec) and commits the call's writes as one batch.
// Timers fire in (time, namespace, key) order on both backends, resident and stored alike, so
// the output does not depend on the backend or on what was evicted.
//
// Codec: void encode(const V&, ByteWriter&) and bool decode(std::string_view, V&) (false:
// corrupt), static or on a codec object the state keeps (e.g. one that knows a schema). State
// errors on the hot path throw (state_errors.hpp): the task fails with the message.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/state/entry_store.hpp"
#include "runtime/state/state_blob.hpp"
#include "runtime/state/state_errors.hpp"

namespace rivulet::runtime::state {

template <class V, class Codec>
class KeyedValueState {
 public:
  using Handle = std::uint32_t;
  static constexpr Handle kNone = 0xFFFFFFFFu;
  static constexpr std::int64_t kNoTimer = EntryStore::kNoTimer;

  // `options` names the node, task and state (its blobs); `backend` outlives this object.
  KeyedValueState(OperatorStateBackend& backend, EntryStoreOptions options, Codec codec = {})
      : backend_(backend),
        options_(std::move(options)),
        context_(options_.task_name + ": " + options_.name + " state"),
        codec_(std::move(codec)) {}

  // The index refers to this object's slots.
  KeyedValueState(const KeyedValueState&) = delete;
  KeyedValueState& operator=(const KeyedValueState&) = delete;

  // Creates the store (idempotent); open() and restore() call it, whichever comes first.
  [[nodiscard]] graphs::Status ready() {
    if (store_) return graphs::Ok{};
    auto store = make_entry_store(backend_, options_);
    if (!store) return store.error();
    store_ = std::move(*store);
    return graphs::Ok{};
  }
  // Drops the store before its backend closes.
  void close() {
    store_.reset();
    clear_resident();
  }

  // The entry (ns, key), resident afterwards (taken from the store if it holds it); kNone when
  // there is none.
  Handle find(std::int64_t ns, std::string_view key) {
    compose(ns, key);
    if (auto it = index_.find(std::string_view(scratch_)); it != index_.end()) return used(*it);
    std::int64_t timer = kNoTimer;
    auto found = store()->take(ns, key, value_, timer);
    if (!found) throw_if_error(found.error(), context_);
    if (!*found) return kNone;
    return load(ns, key, value_, timer);
  }
  // A new entry (the caller found none) holding `value`, without a timer.
  Handle insert(std::int64_t ns, std::string_view key, V value) {
    compose(ns, key);
    const Handle h = allocate();
    Slot& s = slots_[h];
    s.composite = scratch_;
    s.ns = ns;
    s.value = std::move(value);
    s.dirty = true;
    index_.insert(h);
    return h;
  }
  // Removes the entry (the store forgets any copy of it).
  void erase(Handle h) {
    throw_if_error(store()->drop(slots_[h].ns, key(h)), context_);
    forget(h);
  }

  // Reading a value; modify() for changing it (a changed value is written back when evicted,
  // an unchanged one is not).
  const V& value(Handle h) const { return slots_[h].value; }
  V& modify(Handle h) {
    slots_[h].dirty = true;
    return slots_[h].value;
  }
  std::int64_t ns(Handle h) const { return slots_[h].ns; }
  std::string_view key(Handle h) const { return std::string_view(slots_[h].composite).substr(8); }
  std::int64_t timer(Handle h) const { return slots_[h].timer; }
  // Replaces the entry's timer (kNoTimer: none).
  void set_timer(Handle h, std::int64_t time) {
    Slot& s = slots_[h];
    if (s.timer == time) return;
    s.dirty = true;
    ++s.generation;
    s.timer = time;
    if (time == kNoTimer) return;
    heap_.push_back(Timer{time, s.ns, prefix_of(key(h)), h, s.generation});
    ++s.heap_entries;
    std::push_heap(heap_.begin(), heap_.end(), later());
  }

  // Fires every entry whose timer is <= `time`, in (time, ns, key) order: `fire(handle, due)`
  // finds the timer cleared and may set a new one, erase the entry, or leave it.
  template <class Fire>
  void advance(std::int64_t time, Fire&& fire) {
    constexpr std::size_t kRound = 4096;
    for (;;) {
      auto reached =
          store()->take_due(time, kRound,
                            [&](std::int64_t ns, std::string_view key, std::string_view value,
                                std::int64_t due) { load(ns, key, value, due); });
      if (!reached) throw_if_error(reached.error(), context_);
      while (!heap_.empty() && heap_.front().time <= *reached) {
        std::pop_heap(heap_.begin(), heap_.end(), later());
        const Timer t = heap_.back();
        heap_.pop_back();
        Slot& s = slots_[t.handle];
        --s.heap_entries;
        if (!s.live) {
          release(t.handle);
          continue;
        }
        if (s.generation != t.generation) continue;  // replaced since
        s.timer = kNoTimer;
        s.dirty = true;
        ++s.generation;
        used(t.handle);
        fire(t.handle, t.time);
      }
      if (*reached >= time) break;
      evict();  // memory stays bounded across rounds
    }
  }

  // After each call (batch, watermark): evicts beyond the resident limit, commits the writes.
  void end_call() {
    evict();
    throw_if_error(store()->commit(), context_);
    ++call_;
  }

  std::size_t resident() const { return resident_; }
  // Resident plus stored entries.
  std::uint64_t size() const { return resident_ + (store_ ? store_->stored_entries() : 0); }
  KeyedStateBackend* keyed_backend() const { return store_ ? store_->keyed_backend() : nullptr; }

  // Visits the resident entries (`visit(handle)`), e.g. to count or inspect them.
  template <class Visit>
  void for_each_resident(Visit&& visit) {
    for (Handle h = 0; h < slots_.size(); ++h) {
      if (slots_[h].live) visit(h);
    }
  }

  [[nodiscard]] graphs::Status snapshot(StateWriter& writer, std::string_view header) {
    if (auto st = ready(); !st) return st;
    auto st = store_->snapshot(writer, header, [&](const EntryStore::Visitor& emit) {
      for (Handle h = 0; h < slots_.size(); ++h) {
        const Slot& s = slots_[h];
        if (!s.live) continue;
        writer_.buffer().clear();
        codec_.encode(s.value, writer_);
        emit(s.ns, key(h), writer_.buffer(), s.timer);
      }
    });
    if (st && store_->resident_limit() != EntryStore::kUnlimited) {
      for (Slot& s : slots_) s.dirty = false;  // written back
    }
    return st;
  }

  // Replaces every entry with the checkpoint's; `found`: it held this state; `header`: what
  // snapshot() was given. On error the state is empty.
  [[nodiscard]] graphs::Status restore(StateReader& reader, bool& found, std::string& header) {
    if (auto st = ready(); !st) return st;
    clear_resident();
    bool corrupt = false;
    auto st = store_->restore(
        reader, found, header,
        [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
          if (corrupt) return;
          V v{};
          if (!codec_.decode(value, v)) {
            corrupt = true;
            return;
          }
          const Handle h = insert(ns, key, std::move(v));
          set_timer(h, timer);
        });
    if (st && corrupt) {
      st = graphs::Error{options_.name + " state cannot be restored: an entry is corrupt"};
    }
    if (!st) {
      clear_resident();
      found = false;
      header.clear();
    }
    return st;
  }

 private:
  struct Slot {
    std::string composite;  // 8 bytes of namespace, then the key: the index's key
    std::int64_t ns = 0;
    V value{};
    std::int64_t timer = kNoTimer;
    std::uint32_t generation = 0;
    std::uint64_t last_use = 0;
    std::uint32_t heap_entries = 0;  // timers in the heap that name this slot
    bool dirty = true;               // changed since taken from the store (or new)
    bool live = false;
  };
  struct Timer {
    std::int64_t time;
    std::int64_t ns;
    std::uint64_t prefix;  // the key's first 8 bytes, big-endian: decides most ties alone
    Handle handle;
    std::uint32_t generation;
  };
  struct SlotHash {
    using is_transparent = void;
    const std::vector<Slot>* slots;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    std::size_t operator()(Handle h) const {
      return (*this)(std::string_view((*slots)[h].composite));
    }
  };
  struct SlotEqual {
    using is_transparent = void;
    const std::vector<Slot>* slots;
    std::string_view of(Handle h) const { return (*slots)[h].composite; }
    bool operator()(Handle a, Handle b) const { return a == b; }
    bool operator()(std::string_view a, Handle b) const { return a == of(b); }
    bool operator()(Handle a, std::string_view b) const { return of(a) == b; }
  };

  static std::uint64_t prefix_of(std::string_view key) {
    std::uint64_t p = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      p = (p << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
    }
    return p;
  }

  EntryStore* store() {
    throw_if_error(ready(), context_);
    return store_.get();
  }

  // Min-heap on (time, ns, key): equal times fire in namespace and key order on every backend.
  // It reads the slots' namespace and key, so a slot is not reused while a heap entry names it
  // (release), or the heap's order would change under it.
  auto later() const {
    return [this](const Timer& a, const Timer& b) {
      if (a.time != b.time) return a.time > b.time;
      if (a.ns != b.ns) return a.ns > b.ns;
      if (a.prefix != b.prefix) return a.prefix > b.prefix;
      return std::string_view(slots_[a.handle].composite).substr(8) >
             std::string_view(slots_[b.handle].composite).substr(8);
    };
  }

  void compose(std::int64_t ns, std::string_view key) {
    scratch_.resize(8);
    std::memcpy(scratch_.data(), &ns, 8);
    scratch_.append(key);
  }

  Handle used(Handle h) {
    slots_[h].last_use = call_;
    return h;
  }

  // Drops the resident entry (evicted, or erased).
  void forget(Handle h) {
    Slot& s = slots_[h];
    index_.erase(h);
    s.live = false;
    s.timer = kNoTimer;
    ++s.generation;
    s.value = V{};
    release(h);
    --resident_;
  }

  // A dead slot goes back to the free list once no heap entry names it.
  void release(Handle h) {
    if (slots_[h].heap_entries == 0 && !slots_[h].live) free_.push_back(h);
  }

  Handle allocate() {
    Handle h;
    if (!free_.empty()) {
      h = free_.back();
      free_.pop_back();
    } else {
      h = static_cast<Handle>(slots_.size());
      slots_.emplace_back();
    }
    Slot& s = slots_[h];
    s.live = true;
    s.timer = kNoTimer;
    ++s.generation;
    s.last_use = call_;
    ++resident_;
    return h;
  }

  Handle load(std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
    V v{};
    if (!codec_.decode(value, v)) {
      throw_if_error(graphs::Error{"an entry stored in the state backend is corrupt"}, context_);
    }
    const Handle h = insert(ns, key, std::move(v));
    set_timer(h, timer);
    slots_[h].dirty = false;  // the store's copy is current
    return h;
  }

  void evict() {
    const std::size_t limit = store()->resident_limit();
    if (resident_ <= limit) return;
    // Down to 7/8 of the limit, so that eviction runs once per many calls.
    const std::size_t target = limit - limit / 8;
    std::vector<std::pair<std::uint64_t, Handle>> candidates;
    candidates.reserve(resident_);
    for (Handle h = 0; h < slots_.size(); ++h) {
      if (slots_[h].live) candidates.emplace_back(slots_[h].last_use, h);
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& [use, h] : candidates) {
      if (resident_ <= target) break;
      const Slot& s = slots_[h];
      if (s.dirty) {
        writer_.buffer().clear();
        codec_.encode(s.value, writer_);
        throw_if_error(store_->put(s.ns, key(h), writer_.buffer(), s.timer), context_);
      } else {
        throw_if_error(store_->release(s.ns, key(h)), context_);
      }
      forget(h);
    }
  }

  void clear_resident() {
    slots_.clear();
    free_.clear();
    heap_.clear();
    index_.clear();
    resident_ = 0;
  }

  OperatorStateBackend& backend_;
  EntryStoreOptions options_;
  std::string context_;
  Codec codec_;
  std::unique_ptr<EntryStore> store_;
  std::vector<Slot> slots_;
  std::vector<Handle> free_;
  std::vector<Timer> heap_;
  // Handles, hashed and compared by their slot's composite key (no second copy of it), looked
  // up by a composite key.
  std::unordered_set<Handle, SlotHash, SlotEqual> index_{16, SlotHash{&slots_}, SlotEqual{&slots_}};
  std::size_t resident_ = 0;
  std::uint64_t call_ = 0;
  std::string scratch_;
  std::string value_;
  ByteWriter writer_;
};

}  // namespace rivulet::runtime::state

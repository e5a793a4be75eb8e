#include "operators/window_aggregate_operator.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "operators/keyed/byte_io.hpp"
#include "operators/windows/session_assigner.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/state_errors.hpp"

namespace rivulet::operators {

using graphs::FieldType;
using windows::WindowKind;
using windows::WindowStore;

namespace {

constexpr std::uint32_t kStateVersion = 1;

// The output schema the catalog's WindowAggregate rule derives: keys, window_start,
// window_end, aggregates. Used when the context carries none, and to check the one it carries.
graphs::Schema expected_output(const graphs::Schema& input, const std::vector<std::string>& keys,
                               const std::vector<graphs::expr::Aggregate>& aggregates) {
  graphs::Schema out;
  for (const auto& key : keys) {
    for (const auto& field : input) {
      if (field.name == key) out.push_back(field);
    }
  }
  out.push_back(graphs::Field{"window_start", FieldType::Timestamp, false});
  out.push_back(graphs::Field{"window_end", FieldType::Timestamp, false});
  for (const auto& a : aggregates) {
    out.push_back(graphs::Field{a.name, a.result.type, a.result.nullable});
  }
  return out;
}

// Throws: the task turns it into a task failure with the message.
void check(const graphs::Status& status, const std::string& task) {
  runtime::state::throw_if_error(status, task + ": window state");
}

}  // namespace

WindowAggregateOperator::WindowAggregateOperator(WindowAggregateOptions options)
    : options_(std::move(options)), backend_(options_.state_backend) {}

graphs::Status WindowAggregateOperator::open(const runtime::OperatorContext& context) {
  if (context.input_schemas.empty() || !context.input_schemas[0]) {
    return graphs::Error{context.task_name + ": window_aggregate has no input schema"};
  }
  input_schema_ = context.input_schemas[0];
  counters_ = context.counters;
  if (auto bound = keys_.bind(*input_schema_, options_.key_fields); !bound) {
    return graphs::Error{context.task_name + ": key fields: " + bound.error().message};
  }
  graphs::Schema expected =
      expected_output(*input_schema_, options_.key_fields, options_.aggregates);
  if (!context.output_schemas.empty() && context.output_schemas[0]) {
    const graphs::Schema& given = *context.output_schemas[0];
    bool same = given.size() == expected.size();
    for (std::size_t i = 0; same && i < given.size(); ++i) {
      same = given[i].type == expected[i].type;
    }
    if (!same) {
      return graphs::Error{context.task_name +
                           ": output schema does not match keys, window_start, window_end, "
                           "aggregates"};
    }
    output_schema_ = context.output_schemas[0];
  } else {
    output_schema_ = std::make_shared<const graphs::Schema>(std::move(expected));
  }
  first_aggregate_column_ = options_.key_fields.size() + 2;

  accumulators_.clear();
  arguments_.clear();
  for (const auto& a : options_.aggregates) {
    auto argument = aggregates::ArgumentSource::bind(a.argument);
    if (!argument) {
      return graphs::Error{context.task_name + ": aggregate '" + a.name +
                           "': " + argument.error().message};
    }
    aggregates::AggregateKind kind{a.function, !(*argument)->empty(), (*argument)->type(),
                                   a.fraction};
    auto accumulator = aggregates::make_accumulator(kind);
    if (!accumulator) {
      return graphs::Error{context.task_name + ": aggregate '" + a.name +
                           "': " + accumulator.error().message};
    }
    arguments_.push_back(std::move(*argument));
    accumulators_.push_back(std::move(*accumulator));
  }
  views_.resize(accumulators_.size());
  output_ = std::make_unique<runtime::BatchBuilder>(output_schema_, options_.output_batch_rows);
  if (auto st = store_ready(); !st) return st;
  if (restore_pending_) {
    // The supervisor restores before the task opens the operator: apply it now that keys and
    // accumulators are bound.
    restore_pending_ = false;
    std::vector<PendingEntry> entries = std::move(pending_restore_);
    pending_restore_.clear();
    keyed::ByteReader r{pending_header_};
    if (auto st = check_header(r); !st) return st;
    watermark_ = r.i64();
    for (const PendingEntry& e : entries) {
      if (!keys_.well_formed(e.key)) {
        reset_state();  // no half-restored state
        return graphs::Error{context.task_name +
                             ": window_aggregate state cannot be restored: a window key does not "
                             "match the key fields"};
      }
      if (load_entry(keys_.intern_bytes(e.key), e.value) == WindowStore::kNone) {
        reset_state();
        return graphs::Error{context.task_name +
                             ": window_aggregate state cannot be restored: a window is corrupt"};
      }
    }
  }
  return graphs::Ok{};
}

void WindowAggregateOperator::close() {
  entries_.reset();  // refers to the backend
  backend_.close();
}

graphs::Status WindowAggregateOperator::store_ready() {
  if (entries_) return graphs::Ok{};
  auto store = runtime::state::make_entry_store(backend_,
                                                {options_.node_id, options_.task_name, kStateName});
  if (!store) return store.error();
  entries_ = std::move(*store);
  // Recency matters only to a store that evicts; the memory store's rows skip the stamp.
  evicts_ = entries_->resident_limit() != runtime::state::EntryStore::kUnlimited;
  return graphs::Ok{};
}

// ---- windows -------------------------------------------------------------------------------

std::uint32_t WindowAggregateOperator::create_window(std::uint32_t key, std::int64_t start,
                                                     std::int64_t end, bool session) {
  const std::uint32_t slot =
      session ? store_.add_session(key, start, end) : store_.add_indexed(key, start, end);
  adopt_window(slot);
  return slot;
}

// Sizes the accumulators for a slot the store just allocated and references its key.
void WindowAggregateOperator::adopt_window(std::uint32_t slot) {
  if (store_.capacity() > accumulator_capacity_) {
    // Grow geometrically so that resizing stays amortised O(1) per window.
    accumulator_capacity_ = std::max(store_.capacity(), accumulator_capacity_ * 2);
    for (auto& a : accumulators_) a->resize(accumulator_capacity_);
  }
  keys_.retain(store_.key(slot));
  if (last_use_.size() < store_.capacity()) last_use_.resize(store_.capacity(), 0);
  last_use_[slot] = call_;
}

void WindowAggregateOperator::remove_window(std::uint32_t slot) {
  for (auto& a : accumulators_) a->reset(slot);
  keys_.release(store_.key(slot));
  store_.remove(slot);
}

// Sessions: `from` is folded into `into` and removed by the assigner right after.
void WindowAggregateOperator::merge_windows(std::uint32_t into, std::uint32_t from) {
  flush_pending();  // pending pairs may point at `from`
  for (auto& a : accumulators_) {
    a->merge(into, from);
    a->reset(from);
  }
  const std::uint8_t from_flags = store_.flags(from);
  std::uint8_t flags = store_.flags(into) | (from_flags & WindowStore::kEmitted);
  // The merged window differs from what either emitted, so it has to fire (again).
  flags = static_cast<std::uint8_t>(flags & ~WindowStore::kFired);
  store_.set_flags(into, flags);
  if (from_flags & WindowStore::kTouched) touch(into);
  keys_.release(store_.key(from));
}

void WindowAggregateOperator::flush_pending() {
  if (pending_rows_.empty()) return;
  for (std::size_t i = 0; i < accumulators_.size(); ++i) {
    accumulators_[i]->add(pending_rows_, pending_slots_, views_[i]);
  }
  pending_rows_.clear();
  pending_slots_.clear();
}

// A window changed after the watermark passed its end: it is emitted again after the batch.
void WindowAggregateOperator::touch(std::uint32_t slot) {
  const std::uint8_t flags = store_.flags(slot);
  if (flags & WindowStore::kTouched) return;
  store_.set_flags(slot, flags | WindowStore::kTouched);
  touched_.push_back(slot);
}

// ---- input ---------------------------------------------------------------------------------

void WindowAggregateOperator::process(std::size_t /*input*/, const runtime::BatchPtr& batch,
                                      runtime::Collector& out) {
  const std::size_t n = batch->num_rows();
  if (n == 0) return;
  keys_.intern_rows(*batch, key_ids_);
  for (std::size_t i = 0; i < arguments_.size(); ++i) views_[i] = arguments_[i]->view(*batch);

  const std::int64_t* times = batch->event_times().data();
  const windows::WindowSpec& spec = options_.window;
  late_rows_.clear();

  ++call_;
  check(store_ready(), options_.task_name);
  if (spec.kind == WindowKind::Session) {
    for (std::size_t row = 0; row < n; ++row) {
      const std::uint32_t key = key_ids_[row];
      // A key's sessions are resident together or stored together.
      if (store_.first_session(key) == WindowStore::kNone) take_sessions(key);
      auto assigned = windows::assign_session(
          store_, key, times[row], spec.gap, [&](std::int64_t end) { return is_late(end); },
          [&](std::uint32_t into, std::uint32_t from) { merge_windows(into, from); });
      if (assigned.slot == WindowStore::kNone) {
        late_rows_.push_back(static_cast<std::uint32_t>(row));
        continue;
      }
      const std::uint32_t slot = assigned.slot;
      if (assigned.created) adopt_window(slot);
      if (evicts_) last_use_[slot] = call_;
      pending_rows_.push_back(static_cast<std::uint32_t>(row));
      pending_slots_.push_back(slot);
      const std::int64_t end = store_.end(slot);
      if (windows::max_timestamp(end) <= watermark_) {
        touch(slot);
      } else {
        if (assigned.grew) {
          store_.set_flags(slot, store_.flags(slot) & ~WindowStore::kFired);
        }
        store_.schedule(slot, windows::max_timestamp(end));
      }
    }
  } else {
    for (std::size_t row = 0; row < n; ++row) {
      const std::uint32_t key = key_ids_[row];
      bool used = false;
      windows::for_each_window(spec, times[row], [&](std::int64_t start, std::int64_t end) {
        if (is_late(end)) return;
        std::uint32_t slot = store_.find(key, start);
        if (slot == WindowStore::kNone) [[unlikely]]
          slot = open_window(key, start, end);
        if (evicts_) last_use_[slot] = call_;
        pending_rows_.push_back(static_cast<std::uint32_t>(row));
        pending_slots_.push_back(slot);
        used = true;
        if (windows::max_timestamp(end) <= watermark_) touch(slot);
      });
      if (!used) late_rows_.push_back(static_cast<std::uint32_t>(row));
    }
  }
  flush_pending();
  keys_.release_unused_new_keys();
  emit_touched(out);
  flush_output(out, true);
  emit_late(batch, out);
  end_call();
}

void WindowAggregateOperator::emit_touched(runtime::Collector& out) {
  for (std::uint32_t slot : touched_) {
    const std::uint8_t flags = store_.flags(slot);
    if (!(flags & WindowStore::kLive) || !(flags & WindowStore::kTouched)) continue;
    append_result(slot);
    store_.set_flags(slot, store_.flags(slot) & ~WindowStore::kTouched);
    // Its timer (fire time, already due) pops at the next watermark and schedules the purge.
    flush_output(out, false);
  }
  touched_.clear();
}

void WindowAggregateOperator::emit_late(const runtime::BatchPtr& batch, runtime::Collector& out) {
  if (late_rows_.empty()) return;
  stats_.late_records += late_rows_.size();
  if (counters_) counters_->count_late(late_rows_.size());
  if (late_rows_.size() == batch->num_rows()) {
    out.emit(1, batch);  // the whole batch is late: pass the same pointer on
  } else {
    runtime::BatchBuilder late(batch->schema(), late_rows_.size());
    late.append_rows(*batch, late_rows_);
    out.emit(1, late.finish(false));
  }
  late_rows_.clear();
}

// ---- firing --------------------------------------------------------------------------------

void WindowAggregateOperator::on_watermark(std::int64_t watermark_ms, runtime::Collector& out) {
  if (watermark_ms <= watermark_) return;
  watermark_ = watermark_ms;
  ++call_;
  check(store_ready(), options_.task_name);
  // Stored windows whose timer is due come back in rounds, each fired together with the
  // resident ones up to the round's time, so the output stays in timer order.
  constexpr std::size_t kRound = 4096;
  for (;;) {
    auto reached = entries_->take_due(
        watermark_, kRound,
        [&](std::int64_t /*ns*/, std::string_view key, std::string_view value, std::int64_t) {
          if (!keys_.well_formed(key) ||
              load_entry(keys_.intern_bytes(key), value) == WindowStore::kNone) {
            check(graphs::Error{"a stored window is corrupt"}, options_.task_name);
          }
        });
    if (!reached) check(reached.error(), options_.task_name);
    fire_due(*reached, out);
    if (*reached >= watermark_) break;
    end_call();  // memory stays bounded across rounds
  }
  flush_output(out, true);
  end_call();
}

// The timer loop: pops due timers up to `until`, fires, purges or reschedules each window.
void WindowAggregateOperator::fire_due(std::int64_t until, runtime::Collector& out) {
  const std::int64_t lateness = options_.window.allowed_lateness;
  std::int64_t due = 0;
  for (std::uint32_t slot = store_.pop_due(until, due); slot != WindowStore::kNone;
       slot = store_.pop_due(until, due)) {
    const std::int64_t end = store_.end(slot);
    const bool fired = (store_.flags(slot) & WindowStore::kFired) != 0;
    const std::int64_t needed =
        fired ? windows::purge_time(end, lateness) : windows::max_timestamp(end);
    if (needed > due) {
      // A session that grew since its timer was set: look again at its own time, which keeps
      // the output in window-end order even when that time has passed too.
      store_.schedule(slot, needed);
      continue;
    }
    last_use_[slot] = call_;
    if (!fired) {
      append_result(slot);
      flush_output(out, false);
    }
    const std::int64_t purge = windows::purge_time(end, lateness);
    if (purge <= watermark_) {
      drop_entry_of(slot);
      remove_window(slot);
    } else {
      store_.schedule(slot, purge);
    }
  }
}

// A window about to be purged: the store forgets its entry (sessions: once the key's last
// session goes).
void WindowAggregateOperator::drop_entry_of(std::uint32_t slot) {
  const std::uint32_t key = store_.key(slot);
  if (!session()) {
    check(entries_->drop(store_.start(slot), keys_.bytes(key)), options_.task_name);
  } else if (store_.first_session(key) == slot && store_.next_session(slot) == WindowStore::kNone) {
    check(entries_->drop(0, keys_.bytes(key)), options_.task_name);
  }
}

void WindowAggregateOperator::on_end_of_input(runtime::Collector& out) {
  on_watermark(windows::kMaxTime, out);
}

// Appends the window's current result and marks it fired (and emitted, so that any later
// result for it counts as an update).
void WindowAggregateOperator::append_result(std::uint32_t slot) {
  const std::uint8_t flags = store_.flags(slot);
  if (flags & WindowStore::kEmitted) ++stats_.updates_emitted;
  store_.set_flags(slot, flags | WindowStore::kEmitted | WindowStore::kFired);
  ++stats_.rows_emitted;

  runtime::BatchBuilder& b = *output_;
  keys_.append_key(store_.key(slot), b);
  const std::size_t k = options_.key_fields.size();
  const std::int64_t end = store_.end(slot);
  b.append_int64(k, store_.start(slot));
  b.append_int64(k + 1, end);
  for (std::size_t i = 0; i < accumulators_.size(); ++i) {
    accumulators_[i]->append_result(slot, b, first_aggregate_column_ + i);
  }
  b.end_row(windows::max_timestamp(end));
}

void WindowAggregateOperator::flush_output(runtime::Collector& out, bool force) {
  if (output_->empty()) return;
  if (force || output_->num_rows() >= options_.output_batch_rows) out.emit(0, output_->finish());
}

// ---- snapshot / restore --------------------------------------------------------------------
//
// Through the entry store (entry_store_blobs.hpp names the blobs). Header: u32 version, u8 window
// kind, i64 size, slide, gap, lateness, u64 aggregate count + each function name, i64
// watermark. Entries: see encode_window; keys are keyed::KeyEncoder's canonical bytes.

std::string WindowAggregateOperator::header() const {
  const windows::WindowSpec& spec = options_.window;
  keyed::ByteWriter w;
  runtime::state::write_version(w, kStateVersion);
  w.u8(static_cast<std::uint8_t>(spec.kind));
  w.i64(spec.size);
  w.i64(spec.slide);
  w.i64(spec.gap);
  w.i64(spec.allowed_lateness);
  w.u64(options_.aggregates.size());
  for (const auto& a : options_.aggregates) w.bytes(a.function);
  w.i64(watermark_);
  return std::move(w.buffer());
}

graphs::Status WindowAggregateOperator::check_header(keyed::ByteReader& r) const {
  auto fail = [](const std::string& why) {
    return graphs::Error{"window_aggregate state cannot be restored: " + why};
  };
  if (auto st = runtime::state::check_version(r, kStateVersion, "window_aggregate state"); !st) {
    return st;
  }
  const windows::WindowSpec& spec = options_.window;
  const auto kind = static_cast<WindowKind>(r.u8());
  const std::int64_t size = r.i64();
  const std::int64_t slide = r.i64();
  const std::int64_t gap = r.i64();
  r.i64();  // allowed_lateness: a changed value simply applies from now on
  if (!r.ok() || kind != spec.kind || size != spec.size || slide != spec.slide || gap != spec.gap) {
    return fail("it was written for different window parameters");
  }
  const std::size_t aggregate_count = r.count(4);
  if (aggregate_count != options_.aggregates.size()) return fail("the aggregates differ");
  for (const auto& a : options_.aggregates) {
    if (r.bytes() != a.function) return fail("the aggregates differ");
  }
  return graphs::Ok{};
}

void WindowAggregateOperator::visit_resident(const runtime::state::EntryStore::Visitor& emit) {
  if (session()) {
    for (std::uint32_t key = 0; key < keys_.id_limit(); ++key) {
      if (store_.first_session(key) == WindowStore::kNone) continue;
      const std::int64_t timer = encode_sessions(key);
      emit(0, keys_.bytes(key), value_writer_.buffer(), timer);
    }
    return;
  }
  for (std::uint32_t slot = 0; slot < store_.capacity(); ++slot) {
    if (!store_.live(slot)) continue;
    const std::int64_t timer = encode_window(slot);
    emit(store_.start(slot), keys_.bytes(store_.key(slot)), value_writer_.buffer(), timer);
  }
}

graphs::Status WindowAggregateOperator::snapshot(std::uint64_t /*checkpoint_id*/,
                                                 runtime::StateWriter& writer) {
  if (auto st = store_ready(); !st) return st;
  return entries_->snapshot(writer, header(), [&](const auto& emit) { visit_resident(emit); });
}

graphs::Result<std::uint64_t> WindowAggregateOperator::windows_in_checkpoint(
    runtime::StateReader& reader) {
  return runtime::state::entries_in_checkpoint(reader, kStateName);
}

void WindowAggregateOperator::reset_state() {
  keys_.clear();  // keeps the key binding made in open()
  store_ = WindowStore{};
  accumulator_capacity_ = 0;
  for (auto& a : accumulators_) a->resize(0);
  last_use_.clear();
  watermark_ = windows::kMinTime;
}

graphs::Status WindowAggregateOperator::restore(runtime::StateReader& reader) {
  if (auto st = store_ready(); !st) return st;
  bool found = false;
  std::string restored_header;
  std::vector<PendingEntry> resident;
  if (auto st = entries_->restore(
          reader, found, restored_header,
          [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
            resident.push_back(PendingEntry{ns, timer, std::string(key), std::string(value)});
          });
      !st) {
    return st;
  }
  reset_state();
  restore_pending_ = false;
  if (!found) return graphs::Ok{};  // nothing was snapshotted
  keyed::ByteReader r{restored_header};
  if (auto st = check_header(r); !st) return st;
  const std::int64_t watermark = r.i64();
  if (!r.ok() || !r.at_end()) {
    return graphs::Error{"window_aggregate state cannot be restored: the header is corrupt"};
  }
  // Windows load into slots once open() has bound keys and accumulators.
  pending_header_ = std::move(restored_header);
  pending_restore_ = std::move(resident);
  restore_pending_ = true;
  if (!output_) return graphs::Ok{};
  watermark_ = watermark;
  restore_pending_ = false;
  for (const PendingEntry& e : pending_restore_) {
    if (!keys_.well_formed(e.key) ||
        load_entry(keys_.intern_bytes(e.key), e.value) == WindowStore::kNone) {
      reset_state();
      pending_restore_.clear();
      return graphs::Error{
          "window_aggregate state cannot be restored: the state blob is truncated or corrupt"};
    }
  }
  pending_restore_.clear();
  return graphs::Ok{};
}

// ---- the entry store -----------------------------------------------------------------------

std::int64_t WindowAggregateOperator::encode_window(std::uint32_t slot) {
  value_writer_.buffer().clear();
  value_writer_.u32(1);
  value_writer_.i64(store_.start(slot));
  value_writer_.i64(store_.end(slot));
  value_writer_.u8(store_.flags(slot) & (WindowStore::kFired | WindowStore::kEmitted));
  value_writer_.i64(store_.timer(slot));
  for (const auto& a : accumulators_) a->save(slot, value_writer_);
  return store_.timer(slot);
}

std::int64_t WindowAggregateOperator::encode_sessions(std::uint32_t key) {
  value_writer_.buffer().clear();
  value_writer_.u32(0);  // patched below
  std::uint32_t count = 0;
  std::int64_t earliest = WindowStore::kNever;
  for (std::uint32_t s = store_.first_session(key); s != WindowStore::kNone;
       s = store_.next_session(s)) {
    value_writer_.i64(store_.start(s));
    value_writer_.i64(store_.end(s));
    value_writer_.u8(store_.flags(s) & (WindowStore::kFired | WindowStore::kEmitted));
    value_writer_.i64(store_.timer(s));
    for (const auto& a : accumulators_) a->save(s, value_writer_);
    earliest = std::min(earliest, store_.timer(s));
    ++count;
  }
  std::memcpy(value_writer_.buffer().data(), &count, sizeof count);
  return earliest;
}

std::uint32_t WindowAggregateOperator::load_entry(std::uint32_t key, std::string_view value) {
  keyed::ByteReader r{value};
  const std::uint32_t count = r.u32();
  std::uint32_t slot = WindowStore::kNone;
  // A corrupt entry still leaves consistent slots (each is complete before the next is read).
  for (std::uint32_t i = 0; i < count && r.ok(); ++i) {
    const std::int64_t start = r.i64();
    const std::int64_t end = r.i64();
    const std::uint8_t flags = r.u8();
    const std::int64_t timer = r.i64();
    if (!r.ok()) break;
    slot = create_window(key, start, end, session());
    store_.set_flags(slot, WindowStore::kLive | flags);
    for (auto& a : accumulators_) a->load(slot, r);
    if (timer != WindowStore::kNever) store_.schedule(slot, timer);
  }
  if (!r.ok() || !r.at_end() || count == 0) return WindowStore::kNone;
  return slot;
}

// Out of line, so that the per-row lookup around it stays small enough to inline.
std::uint32_t WindowAggregateOperator::open_window(std::uint32_t key, std::int64_t start,
                                                   std::int64_t end) {
  std::uint32_t slot = take_window(key, start);
  if (slot == WindowStore::kNone) {
    slot = create_window(key, start, end, false);
    store_.schedule(slot, windows::max_timestamp(end));
  }
  return slot;
}

std::uint32_t WindowAggregateOperator::take_window(std::uint32_t key, std::int64_t start) {
  std::int64_t timer = 0;
  auto found = entries_->take(start, keys_.bytes(key), value_buffer_, timer);
  if (!found) check(found.error(), options_.task_name);
  if (!*found) return WindowStore::kNone;
  const std::uint32_t slot = load_entry(key, value_buffer_);
  if (slot == WindowStore::kNone) {
    check(graphs::Error{"a stored window is corrupt"}, options_.task_name);
  }
  return slot;
}

void WindowAggregateOperator::take_sessions(std::uint32_t key) {
  std::int64_t timer = 0;
  auto found = entries_->take(0, keys_.bytes(key), value_buffer_, timer);
  if (!found) check(found.error(), options_.task_name);
  if (*found && load_entry(key, value_buffer_) == WindowStore::kNone) {
    check(graphs::Error{"stored sessions are corrupt"}, options_.task_name);
  }
}

void WindowAggregateOperator::end_call() {
  const std::size_t limit = entries_->resident_limit();
  if (store_.live_windows() > limit) {
    // Down to 7/8 of the limit, so that eviction runs once per many calls, not every call.
    const std::size_t target = limit - limit / 8;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates;  // (last use, slot or key)
    if (session()) {
      std::vector<std::uint64_t> key_use(keys_.id_limit(), 0);
      std::vector<std::uint8_t> has(keys_.id_limit(), 0);
      for (std::uint32_t slot = 0; slot < store_.capacity(); ++slot) {
        if (!store_.live(slot)) continue;
        const std::uint32_t key = store_.key(slot);
        key_use[key] = std::max(key_use[key], last_use_[slot]);
        has[key] = 1;
      }
      for (std::uint32_t key = 0; key < has.size(); ++key) {
        if (has[key]) candidates.emplace_back(key_use[key], key);
      }
    } else {
      for (std::uint32_t slot = 0; slot < store_.capacity(); ++slot) {
        if (store_.live(slot)) candidates.emplace_back(last_use_[slot], slot);
      }
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& [use, id] : candidates) {
      if (store_.live_windows() <= target) break;
      if (session()) {
        const std::int64_t timer = encode_sessions(id);
        check(entries_->put(0, keys_.bytes(id), value_writer_.buffer(), timer), options_.task_name);
        // Removing the last session releases the key id: take the bytes first.
        while (store_.first_session(id) != WindowStore::kNone) {
          remove_window(store_.first_session(id));
        }
      } else {
        const std::int64_t timer = encode_window(id);
        check(entries_->put(store_.start(id), keys_.bytes(store_.key(id)), value_writer_.buffer(),
                            timer),
              options_.task_name);
        remove_window(id);
      }
    }
  }
  check(entries_->commit(), options_.task_name);
}

}  // namespace rivulet::operators

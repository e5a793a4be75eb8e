#include "operators/window_aggregate_operator.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "operators/keyed/byte_io.hpp"
#include "operators/windows/session_assigner.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/state_errors.hpp"
#include "runtime/state/state_keys.hpp"

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
  if (rocks()) return rocks_ready();
  if (!pending_restore_.empty()) {
    // The supervisor restores before the task opens the operator: apply it now.
    const std::vector<std::byte> blob = std::move(pending_restore_);
    pending_restore_.clear();
    if (auto st = restore_blob(blob); !st) {
      return graphs::Error{context.task_name + ": " + st.error().message};
    }
  }
  return graphs::Ok{};
}

void WindowAggregateOperator::close() {
  db_ = nullptr;
  backend_.close();
}

void WindowAggregateOperator::schedule(std::uint32_t slot, std::int64_t time) {
  if (rocks()) {
    slot_due_[slot] = std::min(slot_due_[slot], time);
  } else {
    store_.schedule(slot, time);
  }
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
  if (rocks()) rocks_slot_info(slot);
}

void WindowAggregateOperator::remove_window(std::uint32_t slot) {
  for (auto& a : accumulators_) a->reset(slot);
  keys_.release(store_.key(slot));
  store_.remove(slot);
}

// Sessions: `from` is folded into `into` and removed by the assigner right after.
void WindowAggregateOperator::merge_windows(std::uint32_t into, std::uint32_t from) {
  flush_pending();  // pending pairs may point at `from`
  if (rocks() && slot_stored_[from]) {
    // `from` goes away: so do its stored entry and timer.
    const std::string_view key_bytes = keys_.bytes(store_.key(from));
    deletions_.push_back(window_key(key_bytes, slot_stored_start_[from]));
    if (slot_stored_due_[from] != WindowStore::kNever) {
      timer_deletions_.push_back(
          timer_key(slot_stored_due_[from], key_bytes, slot_stored_start_[from]));
    }
    slot_stored_[from] = 0;
  }
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

  if (rocks()) check(rocks_ready(), options_.task_name);
  if (spec.kind == WindowKind::Session) {
    for (std::size_t row = 0; row < n; ++row) {
      const std::uint32_t key = key_ids_[row];
      if (rocks()) rocks_load_sessions(key);
      auto assigned = windows::assign_session(
          store_, key, times[row], spec.gap, [&](std::int64_t end) { return is_late(end); },
          [&](std::uint32_t into, std::uint32_t from) { merge_windows(into, from); });
      if (assigned.slot == WindowStore::kNone) {
        late_rows_.push_back(static_cast<std::uint32_t>(row));
        continue;
      }
      const std::uint32_t slot = assigned.slot;
      if (assigned.created) adopt_window(slot);
      pending_rows_.push_back(static_cast<std::uint32_t>(row));
      pending_slots_.push_back(slot);
      const std::int64_t end = store_.end(slot);
      if (windows::max_timestamp(end) <= watermark_) {
        touch(slot);
      } else {
        if (assigned.grew) {
          store_.set_flags(slot, store_.flags(slot) & ~WindowStore::kFired);
        }
        schedule(slot, windows::max_timestamp(end));
      }
    }
  } else {
    for (std::size_t row = 0; row < n; ++row) {
      const std::uint32_t key = key_ids_[row];
      bool used = false;
      windows::for_each_window(spec, times[row], [&](std::int64_t start, std::int64_t end) {
        if (is_late(end)) return;
        std::uint32_t slot = store_.find(key, start);
        if (slot == WindowStore::kNone && rocks()) slot = rocks_lookup(key, start);
        if (slot == WindowStore::kNone) {
          slot = create_window(key, start, end, false);
          schedule(slot, windows::max_timestamp(end));
        }
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
  if (rocks()) rocks_write_back_all();
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
  if (rocks()) return rocks_on_watermark(out);
  const std::int64_t lateness = options_.window.allowed_lateness;
  std::int64_t due = 0;
  for (std::uint32_t slot = store_.pop_due(watermark_, due); slot != WindowStore::kNone;
       slot = store_.pop_due(watermark_, due)) {
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
    if (!fired) {
      append_result(slot);
      flush_output(out, false);
    }
    const std::int64_t purge = windows::purge_time(end, lateness);
    if (purge <= watermark_) {
      remove_window(slot);
    } else {
      store_.schedule(slot, purge);
    }
  }
  flush_output(out, true);
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
// Memory backend, blob kStateBlob (little-endian): u32 version, u8 window kind, i64 size,
// slide, gap, lateness, u64 aggregate count + each function name, i64 watermark, u64 live
// windows, then per window: key bytes (keyed::KeyEncoder canonical form), i64 start, i64 end,
// u8 flags (fired, emitted), each accumulator's slot state. Windows restore into fresh slots;
// timers are rebuilt.
// RocksDB backend, blob kRocksDbStateBlob: the same header up to the watermark, then i64 timer
// floor, u64 stored windows; the windows themselves are in RocksDB's checkpoint.

void WindowAggregateOperator::write_header(keyed::ByteWriter& w) const {
  const windows::WindowSpec& spec = options_.window;
  runtime::state::write_version(w, kStateVersion);
  w.u8(static_cast<std::uint8_t>(spec.kind));
  w.i64(spec.size);
  w.i64(spec.slide);
  w.i64(spec.gap);
  w.i64(spec.allowed_lateness);
  w.u64(options_.aggregates.size());
  for (const auto& a : options_.aggregates) w.bytes(a.function);
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

graphs::Status WindowAggregateOperator::snapshot(std::uint64_t /*checkpoint_id*/,
                                                 runtime::StateWriter& writer) {
  keyed::ByteWriter w;
  write_header(w);
  w.i64(watermark_);
  if (rocks()) {
    if (auto st = rocks_ready(); !st) return st;
    w.i64(timer_floor_);
    w.u64(stored_windows_);
    if (auto st = writer.write_blob(kRocksDbStateBlob, w.view()); !st) return st;
    return db_->snapshot(writer);  // the working set is empty between calls
  }
  w.u64(store_.live_windows());
  for (std::uint32_t slot = 0; slot < store_.capacity(); ++slot) {
    if (!store_.live(slot)) continue;
    w.bytes(keys_.bytes(store_.key(slot)));
    w.i64(store_.start(slot));
    w.i64(store_.end(slot));
    w.u8(store_.flags(slot) & (WindowStore::kFired | WindowStore::kEmitted));
    for (const auto& a : accumulators_) a->save(slot, w);
  }
  return writer.write_blob(kStateBlob, w.view());
}

graphs::Result<std::uint64_t> WindowAggregateOperator::windows_in_checkpoint(
    runtime::StateReader& reader) {
  const bool rocksdb = reader.has_blob(kRocksDbStateBlob);
  if (!rocksdb && !reader.has_blob(kStateBlob)) return std::uint64_t{0};
  auto blob = reader.read_blob(rocksdb ? kRocksDbStateBlob : kStateBlob);
  if (!blob) return blob.error();
  // The header (write_header) up to the watermark; RocksDB then has the timer floor.
  keyed::ByteReader r{std::span<const std::byte>(*blob)};
  if (auto st = runtime::state::check_version(r, kStateVersion, "window_aggregate state"); !st) {
    return st.error();
  }
  r.u8();
  for (int i = 0; i < 4; ++i) r.i64();  // size, slide, gap, lateness
  const std::size_t aggregates = r.count(4);
  for (std::size_t i = 0; i < aggregates; ++i) r.bytes();
  r.i64();               // watermark
  if (rocksdb) r.i64();  // timer floor
  const std::uint64_t windows = r.u64();
  if (!r.ok()) return graphs::Error{"window_aggregate state: the state blob is truncated"};
  return windows;
}

void WindowAggregateOperator::reset_state() {
  keys_.clear();  // keeps the key binding made in open()
  store_ = WindowStore{};
  accumulator_capacity_ = 0;
  for (auto& a : accumulators_) a->resize(0);
  watermark_ = windows::kMinTime;
}

graphs::Status WindowAggregateOperator::restore(runtime::StateReader& reader) {
  if (auto st = runtime::state::check_backend_of_state(
          reader, options_.node_id, options_.state_backend.kind, kStateBlob, kRocksDbStateBlob);
      !st) {
    return st;
  }
  if (rocks()) {
    if (auto st = rocks_ready(); !st) return st;
    watermark_ = windows::kMinTime;
    timer_floor_ = windows::kMinTime;
    stored_windows_ = 0;
    if (auto st = db_->restore(reader); !st) return st;
    if (!reader.has_blob(kRocksDbStateBlob)) return graphs::Ok{};
    auto blob = reader.read_blob(kRocksDbStateBlob);
    if (!blob) return blob.error();
    keyed::ByteReader r{std::span<const std::byte>(*blob)};
    if (auto st = check_header(r); !st) return st;
    watermark_ = r.i64();
    timer_floor_ = r.i64();
    stored_windows_ = r.u64();
    if (!r.ok() || !r.at_end()) {
      watermark_ = windows::kMinTime;
      return graphs::Error{
          "window_aggregate state cannot be restored: the state blob is "
          "truncated or corrupt"};
    }
    return graphs::Ok{};
  }
  if (!reader.has_blob(kStateBlob)) return graphs::Ok{};  // nothing was snapshotted
  auto blob = reader.read_blob(kStateBlob);
  if (!blob) return blob.error();
  if (!output_) {
    // Not opened yet (the supervisor restores before the task opens operators): check what
    // can be checked now, apply in open() once keys and accumulators are bound.
    keyed::ByteReader r{std::span<const std::byte>(*blob)};
    if (auto st = check_header(r); !st) return st;
    pending_restore_ = std::move(*blob);
    return graphs::Ok{};
  }
  return restore_blob(*blob);
}

graphs::Status WindowAggregateOperator::restore_blob(std::span<const std::byte> blob) {
  keyed::ByteReader r{blob};
  auto fail = [](const std::string& why) {
    return graphs::Error{"window_aggregate state cannot be restored: " + why};
  };
  if (auto st = check_header(r); !st) return st;
  const windows::WindowSpec& spec = options_.window;

  reset_state();
  watermark_ = r.i64();
  const std::size_t windows_count = r.count(8 + 8 + 8 + 1);
  const bool session = spec.kind == WindowKind::Session;
  for (std::size_t i = 0; i < windows_count && r.ok(); ++i) {
    const std::string_view key_bytes = r.bytes();
    if (!keys_.well_formed(key_bytes)) {
      reset_state();  // no half-restored state
      return fail("a window key does not match the key fields");
    }
    const std::uint32_t key = keys_.intern_bytes(key_bytes);
    const std::int64_t start = r.i64();
    const std::int64_t end = r.i64();
    const std::uint8_t flags = r.u8();
    if (!r.ok()) break;
    const std::uint32_t slot = create_window(key, start, end, session);
    store_.set_flags(slot, WindowStore::kLive | flags);
    for (auto& a : accumulators_) a->load(slot, r);
    store_.schedule(slot, (flags & WindowStore::kFired)
                              ? windows::purge_time(end, options_.window.allowed_lateness)
                              : windows::max_timestamp(end));
  }
  keys_.release_unused_new_keys();
  if (!r.ok() || !r.at_end()) {
    reset_state();
    return fail("the state blob is truncated or corrupt");
  }
  return graphs::Ok{};
}

// ---- RocksDB backend -----------------------------------------------------------------------

graphs::Status WindowAggregateOperator::rocks_ready() {
  if (db_ != nullptr) return graphs::Ok{};
  auto db =
      backend_.get(options_.task_name, {{"windows", &windows_state_}, {"timers", &timers_state_}});
  if (!db) return db.error();
  db_ = *db;
  return graphs::Ok{};
}

std::string& WindowAggregateOperator::window_key(std::string_view key_bytes, std::int64_t start) {
  key_buffer_.clear();
  runtime::state::append_length_prefixed(key_buffer_, key_bytes);
  runtime::state::append_sortable_i64(key_buffer_, start);
  return key_buffer_;
}

std::string& WindowAggregateOperator::timer_key(std::int64_t due, std::string_view key_bytes,
                                                std::int64_t start) {
  timer_buffer_.clear();
  runtime::state::append_sortable_i64(timer_buffer_, due);
  runtime::state::append_length_prefixed(timer_buffer_, key_bytes);
  runtime::state::append_sortable_i64(timer_buffer_, start);
  return timer_buffer_;
}

// A slot just allocated: nothing stored for it yet, no timer.
void WindowAggregateOperator::rocks_slot_info(std::uint32_t slot) {
  if (slot_stored_.size() < store_.capacity()) {
    const std::size_t n = store_.capacity();
    slot_stored_.resize(n, 0);
    slot_stored_start_.resize(n, 0);
    slot_stored_due_.resize(n, WindowStore::kNever);
    slot_due_.resize(n, WindowStore::kNever);
  }
  slot_stored_[slot] = 0;
  slot_stored_due_[slot] = WindowStore::kNever;
  slot_due_[slot] = WindowStore::kNever;
}

// Loads a stored window into a fresh slot. Value: u8 flags, i64 end, i64 timer, accumulators.
std::uint32_t WindowAggregateOperator::rocks_load(std::uint32_t key, std::int64_t start,
                                                  std::string_view value, bool session) {
  keyed::ByteReader r{value};
  const std::uint8_t flags = r.u8();
  const std::int64_t end = r.i64();
  const std::int64_t due = r.i64();
  if (!r.ok()) check(graphs::Error{"a stored window is corrupt"}, options_.task_name);
  const std::uint32_t slot = create_window(key, start, end, session);
  store_.set_flags(slot, WindowStore::kLive | flags);
  for (auto& a : accumulators_) a->load(slot, r);
  if (!r.ok() || !r.at_end()) {
    check(graphs::Error{"a stored window is corrupt"}, options_.task_name);
  }
  slot_stored_[slot] = 1;
  slot_stored_start_[slot] = start;
  slot_stored_due_[slot] = due;
  slot_due_[slot] = due;
  return slot;
}

std::uint32_t WindowAggregateOperator::rocks_lookup(std::uint32_t key, std::int64_t start) {
  auto found = db_->get(windows_state_, window_key(keys_.bytes(key), start), value_buffer_);
  if (!found) check(found.error(), options_.task_name);
  if (!*found) return WindowStore::kNone;
  return rocks_load(key, start, value_buffer_, false);
}

// All stored sessions of `key` into the working set (once per call), so the assigner sees them.
void WindowAggregateOperator::rocks_load_sessions(std::uint32_t key) {
  if (key_loaded_.size() <= key) key_loaded_.resize(keys_.id_limit(), 0);
  if (key_loaded_[key]) return;
  key_loaded_[key] = 1;
  loaded_keys_.push_back(key);
  std::string prefix;
  runtime::state::append_length_prefixed(prefix, keys_.bytes(key));
  std::vector<std::pair<std::int64_t, std::string>> found;
  check(db_->scan_prefix(windows_state_, prefix,
                         [&](std::string_view k, std::string_view v) {
                           if (k.size() != prefix.size() + 8) return true;
                           found.emplace_back(runtime::state::read_sortable_i64(k, prefix.size()),
                                              std::string(v));
                           return true;
                         }),
        options_.task_name);
  for (const auto& [start, value] : found) rocks_load(key, start, value, true);
}

// Stores one working-set window (and its timer) and frees its slot.
void WindowAggregateOperator::rocks_write_back(std::uint32_t slot) {
  const std::string_view key_bytes = keys_.bytes(store_.key(slot));
  const std::int64_t start = store_.start(slot);
  std::int64_t stored_due = slot_stored_due_[slot];
  if (slot_stored_[slot] && slot_stored_start_[slot] != start) {
    // A session that grew to an earlier start: its entry and timer move.
    check(db_->remove(windows_state_, window_key(key_bytes, slot_stored_start_[slot])),
          options_.task_name);
    if (stored_due != WindowStore::kNever) {
      check(db_->remove(timers_state_, timer_key(stored_due, key_bytes, slot_stored_start_[slot])),
            options_.task_name);
      stored_due = WindowStore::kNever;
    }
  }
  const std::int64_t due = slot_due_[slot];
  std::string& value = value_writer_.buffer();
  value.clear();
  value_writer_.u8(store_.flags(slot) & (WindowStore::kFired | WindowStore::kEmitted));
  value_writer_.i64(store_.end(slot));
  value_writer_.i64(due);
  for (const auto& a : accumulators_) a->save(slot, value_writer_);
  check(db_->put(windows_state_, window_key(key_bytes, start), value), options_.task_name);
  if (due != stored_due) {
    if (stored_due != WindowStore::kNever) {
      check(db_->remove(timers_state_, timer_key(stored_due, key_bytes, start)),
            options_.task_name);
    }
    if (due != WindowStore::kNever) {
      check(db_->put(timers_state_, timer_key(due, key_bytes, start), {}), options_.task_name);
      timer_floor_ = std::min(timer_floor_, due);
      timers_added_min_ = std::min(timers_added_min_, due);
    }
  }
  if (!slot_stored_[slot]) ++stored_windows_;
  slot_stored_[slot] = 0;
  remove_window(slot);
}

void WindowAggregateOperator::rocks_write_back_all() {
  db_->begin_writes();  // nothing reads these before the commit below
  for (const std::string& k : deletions_) {
    check(db_->remove(windows_state_, k), options_.task_name);
    --stored_windows_;
  }
  for (const std::string& k : timer_deletions_) {
    check(db_->remove(timers_state_, k), options_.task_name);
  }
  deletions_.clear();
  timer_deletions_.clear();
  for (std::uint32_t slot = 0; slot < store_.capacity(); ++slot) {
    if (store_.live(slot)) rocks_write_back(slot);
  }
  for (std::uint32_t key : loaded_keys_) {
    if (key < key_loaded_.size()) key_loaded_[key] = 0;
  }
  loaded_keys_.clear();
  check(db_->commit_writes(), options_.task_name);
}

// The memory path's timer loop over stored timers: pops due timers in rounds (a scan must not
// modify what it scans), loads each window, fires or purges or reschedules it like the heap
// loop does, and writes it back.
void WindowAggregateOperator::rocks_on_watermark(runtime::Collector& out) {
  check(rocks_ready(), options_.task_name);
  const std::int64_t lateness = options_.window.allowed_lateness;
  constexpr std::size_t kRound = 256;
  std::vector<std::string> due_timers;
  std::string from;
  for (;;) {
    due_timers.clear();
    timers_added_min_ = WindowStore::kNever;
    from.clear();
    runtime::state::append_sortable_i64(from, timer_floor_);
    check(db_->scan_from(timers_state_, from,
                         [&](std::string_view k, std::string_view) {
                           if (k.size() < 8 || runtime::state::read_sortable_i64(k) > watermark_) {
                             return false;
                           }
                           due_timers.emplace_back(k);
                           return due_timers.size() < kRound;
                         }),
          options_.task_name);
    if (due_timers.empty()) break;
    // A round's writes touch each window once (a window has one timer), and the next round's
    // scan comes after the commit.
    db_->begin_writes();
    for (const std::string& timer : due_timers) {
      const std::int64_t due = runtime::state::read_sortable_i64(timer);
      check(db_->remove(timers_state_, timer), options_.task_name);
      std::size_t pos = 8;
      std::string_view key_bytes;
      if (!runtime::state::read_length_prefixed(timer, pos, key_bytes) || timer.size() - pos != 8 ||
          !keys_.well_formed(key_bytes)) {
        check(graphs::Error{"a stored timer is corrupt"}, options_.task_name);
      }
      const std::int64_t start = runtime::state::read_sortable_i64(timer, pos);
      auto found = db_->get(windows_state_, window_key(key_bytes, start), value_buffer_);
      if (!found) check(found.error(), options_.task_name);
      if (!*found) continue;  // the window is gone (merged away)
      const std::uint32_t key = keys_.intern_bytes(key_bytes);
      const std::uint32_t slot =
          rocks_load(key, start, value_buffer_, options_.window.kind == WindowKind::Session);
      if (slot_stored_due_[slot] != due) {  // not the window's current timer
        rocks_write_back(slot);
        continue;
      }
      slot_stored_due_[slot] = WindowStore::kNever;  // removed above
      slot_due_[slot] = WindowStore::kNever;
      const std::int64_t end = store_.end(slot);
      const bool fired = (store_.flags(slot) & WindowStore::kFired) != 0;
      const std::int64_t needed =
          fired ? windows::purge_time(end, lateness) : windows::max_timestamp(end);
      if (needed > due) {
        schedule(slot, needed);
        rocks_write_back(slot);
        continue;
      }
      if (!fired) {
        append_result(slot);
        flush_output(out, false);
      }
      const std::int64_t purge = windows::purge_time(end, lateness);
      if (purge <= watermark_) {
        check(db_->remove(windows_state_, window_key(key_bytes, start)), options_.task_name);
        --stored_windows_;
        slot_stored_[slot] = 0;
        remove_window(slot);
      } else {
        schedule(slot, purge);
        rocks_write_back(slot);
      }
    }
    // Everything before the last timer of the round is gone, except timers added meanwhile
    // (rescheduled windows, possibly due already: the next round finds them).
    timer_floor_ =
        std::min(runtime::state::read_sortable_i64(due_timers.back()), timers_added_min_);
    check(db_->commit_writes(), options_.task_name);
  }
  flush_output(out, true);
}

}  // namespace rivulet::operators

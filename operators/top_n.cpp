#include "operators/top_n.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/key_table.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/keyed/sort_key.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/operator_state.hpp"
#include "runtime/state/state_errors.hpp"
#include "runtime/state/state_keys.hpp"

namespace rivulet::operators {

graphs::OperatorSpec top_n_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("top_n", "window",
                  "Ranks records per key and tumbling event-time window and keeps the first N. "
                  "Like Flink SQL's window Top-N, it emits them ordered by 'order_by' with their "
                  "rank when the watermark passes the window's end. For a global ranking of window "
                  "results (top pages per minute), key the window_aggregate output by window_end "
                  "first.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; each key is ranked separately.")})
      .outputs({
          keyed_output("out", append_fixed("in", {field("rank", FieldType::Int64)}),
                       "Up to n records per key and window, the input fields followed by rank "
                       "(1 = first); keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          integer("n", 10, "How many records to keep per key and window.").min(1).max(10000),
          required_list("order_by", ParameterType::FieldList,
                        "Fields to order by: the first decides, later ones break ties; records "
                        "still tied keep their arrival order. NULL values rank last.")
              .over("in"),
          boolean("descending", true, "true: largest values first; false: smallest first."),
          required_duration("size", "Length of the tumbling windows.").min(1),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Per tumbling window and key, a bounded max-heap of the n best candidates so far (the worst on
// top, so a record that does not beat it is rejected with one memcmp and no allocation). A
// candidate owns its sort key (keyed::SortKeyEncoder: memcmp order = requested order, NULLs
// last) and a copy of its row (keyed::encode_row), so the window pins no input batch; a record
// that displaces the worst reuses that slot's string buffers. Ties keep arrival order (seq).
// When the watermark reaches the window's end, each key's candidates are sorted and emitted
// with rank 1..k (ROW_NUMBER semantics: tied records get consecutive ranks) and event time
// window_end - 1; keys come out in encoded-key order, so output is deterministic. Records whose
// window already fired go unchanged to 'late' (top_n has no allowed lateness). End of input:
// the runtime advances the watermark to +inf, firing every window; on_end_of_input does too.
//
// State backends (runtime::OperatorBuildContext::state_backend): memory keeps the windows above
// (blob "top_n"). RocksDB keeps each (window, key) heap in the instance's KeyedStateBackend, state
// "tops": <sortable window start><key bytes> -> u64 count, per candidate: sort key, seq, row.
// A batch loads the heaps it touches into the same in-memory structure, offers its rows and
// writes them back; firing scans the stored heaps in (start, key) order — the order the memory
// path emits in. Snapshot: blob "top_n.rocksdb" (watermark, sequence) plus RocksDB's checkpoint.
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;
constexpr std::size_t kOutputBatchRows = 1024;

struct Candidate {
  std::string sort_key;
  std::uint64_t seq = 0;
  std::string row;
};

// "a ranks before b": smaller sort key, then earlier arrival.
bool ranks_before(const Candidate& a, const Candidate& b) {
  const int c = a.sort_key.compare(b.sort_key);
  return c != 0 ? c < 0 : a.seq < b.seq;
}

using KeyTops =
    std::unordered_map<std::string, std::vector<Candidate>, keyed::KeyBytesHash, std::equal_to<>>;

constexpr const char* kBlob = "top_n";
constexpr const char* kRocksDbBlob = "top_n.rocksdb";

void check(const graphs::Status& status) { runtime::state::throw_if_error(status, "top_n state"); }

class TopNOperator final : public runtime::Operator {
 public:
  TopNOperator(std::vector<std::size_t> key_columns, std::vector<keyed::SortField> order,
               std::size_t n, std::int64_t size, runtime::SchemaPtr input,
               runtime::SchemaPtr output, std::string node_id, std::string task_name,
               runtime::state::StateBackendOptions backend)
      : keys_(std::move(key_columns)),
        order_(std::move(order)),
        n_(n),
        size_(size),
        input_(std::move(input)),
        out_(std::move(output), kOutputBatchRows),
        node_id_(std::move(node_id)),
        task_name_(std::move(task_name)),
        backend_(std::move(backend)) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;  // late records are counted where they are routed
    return backend_.uses_rocksdb() ? rocks_ready() : graphs::Status{graphs::Ok{}};
  }

  void close() override {
    db_ = nullptr;
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    if (backend_.uses_rocksdb()) check(rocks_ready());
    const auto times = batch->event_times();
    late_rows_.clear();
    KeyTops* window = nullptr;
    std::int64_t window_start = 0;
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      const std::int64_t start = keyed::tumbling_start(times[r], size_);
      if (keyed::saturating_add(start, size_) <= watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      if (window == nullptr || window_start != start) {
        window = &windows_[start];
        window_start = start;
      }
      offer(*window, window_start, *batch, r);
    }
    if (db_ != nullptr) rocks_write_back();
    if (!late_rows_.empty()) {
      if (counters_) counters_->count_late(late_rows_.size());
      runtime::BatchBuilder late(batch->schema(), late_rows_.size());
      late.append_rows(*batch, late_rows_);
      out.emit(1, late.finish(false));
    }
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    if (backend_.uses_rocksdb()) return rocks_fire(out);
    while (!windows_.empty()) {
      auto it = windows_.begin();
      const std::int64_t end = keyed::saturating_add(it->first, size_);
      if (end > watermark_) break;
      fire(it->second, end, out);
      windows_.erase(it);
    }
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  void on_end_of_input(runtime::Collector& out) override { on_watermark(kMaxTime, out); }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    w.u64(next_seq_);
    if (backend_.uses_rocksdb()) {
      if (auto st = rocks_ready(); !st) return st;
      w.i64(floor_);
      if (auto st = writer.write_blob(kRocksDbBlob, w.view()); !st) return st;
      return db_->snapshot(writer);  // windows_ is empty between calls
    }
    w.u64(windows_.size());
    for (const auto& [start, tops] : windows_) {
      w.i64(start);
      w.u64(tops.size());
      for (const auto& [key, candidates] : tops) {
        w.bytes(key);
        w.u64(candidates.size());
        for (const Candidate& c : candidates) {
          w.bytes(c.sort_key);
          w.u64(c.seq);
          w.bytes(c.row);
        }
      }
    }
    return writer.write_blob(kBlob, w.view());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (auto st = runtime::state::check_backend_of_state(reader, node_id_, backend_.kind(), kBlob,
                                                         kRocksDbBlob);
        !st) {
      return st;
    }
    if (backend_.uses_rocksdb()) {
      if (auto st = rocks_ready(); !st) return st;
      watermark_ = kMinTime;
      next_seq_ = 0;
      floor_ = kMinTime;
      if (auto st = db_->restore(reader); !st) return st;
      if (!reader.has_blob(kRocksDbBlob)) return graphs::Ok{};
      auto blob = reader.read_blob(kRocksDbBlob);
      if (!blob) return blob.error();
      keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
      if (auto st = runtime::state::check_version(in, kStateVersion, "top_n state"); !st) return st;
      watermark_ = in.i64();
      next_seq_ = in.u64();
      floor_ = in.i64();
      if (!in.ok() || !in.at_end()) return graphs::Error{"top_n: corrupt state blob"};
      return graphs::Ok{};
    }
    if (!reader.has_blob(kBlob)) return graphs::Ok{};
    auto blob = reader.read_blob(kBlob);
    if (!blob) return blob.error();
    keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
    if (auto st = runtime::state::check_version(in, kStateVersion, "top_n state"); !st) return st;
    windows_.clear();
    watermark_ = in.i64();
    next_seq_ = in.u64();
    const std::size_t nwindows = in.count(16);
    for (std::size_t i = 0; i < nwindows && in.ok(); ++i) {
      KeyTops& tops = windows_[in.i64()];
      const std::size_t nkeys = in.count(12);
      for (std::size_t k = 0; k < nkeys && in.ok(); ++k) {
        auto& candidates = tops[std::string(in.bytes())];
        const std::size_t count = in.count(16);
        for (std::size_t c = 0; c < count && in.ok(); ++c) {
          Candidate& cand = candidates.emplace_back();
          cand.sort_key = in.bytes();
          cand.seq = in.u64();
          cand.row = in.bytes();
        }
        // Written in heap order, which is still a valid heap.
      }
    }
    if (!in.ok() || !in.at_end()) return graphs::Error{"top_n: corrupt state blob"};
    return graphs::Ok{};
  }

 private:
  void offer(KeyTops& window, std::int64_t start, const runtime::RecordBatch& batch,
             std::size_t row) {
    const std::string_view key = keys_.encode(batch, row);
    auto it = window.find(key);
    if (it == window.end()) {
      it = window.emplace(std::string(key), std::vector<Candidate>{}).first;
      if (db_ != nullptr) rocks_load(start, it->first, it->second);
    }
    std::vector<Candidate>& heap = it->second;
    order_.encode(batch, row, scratch_.sort_key);
    scratch_.seq = next_seq_++;
    if (heap.size() < n_) {
      Candidate& c = heap.emplace_back();
      c.sort_key = scratch_.sort_key;
      c.seq = scratch_.seq;
      keyed::encode_row(batch, row, c.row);
      std::push_heap(heap.begin(), heap.end(), ranks_before);
      return;
    }
    if (!ranks_before(scratch_, heap.front())) return;  // the common case: rejected, no copy
    std::pop_heap(heap.begin(), heap.end(), ranks_before);
    Candidate& slot = heap.back();  // reuse the evicted candidate's buffers
    slot.sort_key.assign(scratch_.sort_key);
    slot.seq = scratch_.seq;
    slot.row.clear();
    keyed::encode_row(batch, row, slot.row);
    std::push_heap(heap.begin(), heap.end(), ranks_before);
  }

  void fire(KeyTops& window, std::int64_t end, runtime::Collector& out) {
    ordered_keys_.clear();
    for (auto& entry : window) ordered_keys_.push_back(&entry);
    std::sort(ordered_keys_.begin(), ordered_keys_.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    const std::size_t rank_column = input_->size();
    for (auto* entry : ordered_keys_) {
      std::vector<Candidate>& candidates = entry->second;
      std::sort_heap(candidates.begin(), candidates.end(), ranks_before);
      std::int64_t rank = 0;
      for (const Candidate& c : candidates) {
        keyed::ByteReader row(c.row);
        keyed::decode_row(row, *input_, out_);
        out_.append_int64(rank_column, ++rank);
        out_.end_row(end - 1);
        if (out_.num_rows() >= kOutputBatchRows) out.emit(0, out_.finish());
      }
    }
  }

  // ---- RocksDB ----

  graphs::Status rocks_ready() {
    if (db_ != nullptr) return graphs::Ok{};
    auto db = backend_.get(task_name_, {{"tops", &tops_state_}});
    if (!db) return db.error();
    db_ = *db;
    return graphs::Ok{};
  }

  std::string& stored_key(std::int64_t start, std::string_view key) {
    key_buffer_.clear();
    runtime::state::append_sortable_i64(key_buffer_, start);
    key_buffer_.append(key);
    return key_buffer_;
  }

  static void decode(std::string_view value, std::vector<Candidate>& heap) {
    keyed::ByteReader in(value);
    const std::size_t count = in.count(16);
    for (std::size_t c = 0; c < count && in.ok(); ++c) {
      Candidate& cand = heap.emplace_back();
      cand.sort_key = in.bytes();
      cand.seq = in.u64();
      cand.row = in.bytes();
    }
    if (!in.ok() || !in.at_end()) check(graphs::Error{"a stored heap is corrupt"});
  }

  void rocks_load(std::int64_t start, std::string_view key, std::vector<Candidate>& heap) {
    auto found = db_->get(tops_state_, stored_key(start, key), value_buffer_);
    if (!found) check(found.error());
    if (*found) decode(value_buffer_, heap);  // stored in heap order, still a valid heap
  }

  // Stores every heap this batch touched; windows_ is the working set of one call.
  void rocks_write_back() {
    db_->begin_writes();  // puts only, read again in a later call
    for (const auto& [start, tops] : windows_) {
      for (const auto& [key, candidates] : tops) {
        keyed::ByteWriter& w = value_writer_;
        w.buffer().clear();
        w.u64(candidates.size());
        for (const Candidate& c : candidates) {
          w.bytes(c.sort_key);
          w.u64(c.seq);
          w.bytes(c.row);
        }
        check(db_->put(tops_state_, stored_key(start, key), w.buffer()));
      }
      floor_ = std::min(floor_, start);
    }
    windows_.clear();
    check(db_->commit_writes());
  }

  // Fires the stored windows the watermark closed, in (start, key) order, one window at a
  // time (a scan must not modify what it scans).
  void rocks_fire(runtime::Collector& out) {
    check(rocks_ready());
    std::string from;
    std::vector<std::pair<std::string, std::string>> entries;
    for (;;) {
      from.clear();
      runtime::state::append_sortable_i64(from, floor_);
      entries.clear();
      std::int64_t window = kMinTime;
      check(db_->scan_from(tops_state_, from, [&](std::string_view k, std::string_view v) {
        if (k.size() < 8) return true;
        const std::int64_t start = runtime::state::read_sortable_i64(k);
        if (keyed::saturating_add(start, size_) > watermark_) return false;
        if (!entries.empty() && start != window) return false;
        window = start;
        entries.emplace_back(k, v);
        return true;
      }));
      if (entries.empty()) break;
      KeyTops& tops = windows_[window];
      for (const auto& [k, v] : entries) {
        decode(v, tops[k.substr(8)]);
        check(db_->remove(tops_state_, k));
      }
      fire(tops, keyed::saturating_add(window, size_), out);
      windows_.clear();
      floor_ = window;
    }
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  keyed::KeyEncoder keys_;
  keyed::SortKeyEncoder order_;
  std::size_t n_;
  std::int64_t size_;
  runtime::SchemaPtr input_;
  runtime::BatchBuilder out_;
  std::int64_t watermark_ = kMinTime;
  std::uint64_t next_seq_ = 0;
  std::map<std::int64_t, KeyTops> windows_;  // by window start
  Candidate scratch_;
  runtime::RecordCounters* counters_ = nullptr;  // the task's (OperatorContext)
  std::vector<std::uint32_t> late_rows_;
  std::vector<KeyTops::value_type*> ordered_keys_;

  std::string node_id_;
  std::string task_name_;
  runtime::state::OperatorStateBackend backend_;
  runtime::state::KeyedStateBackend* db_ = nullptr;
  runtime::state::StateId tops_state_ = 0;
  std::int64_t floor_ = kMinTime;  // no stored window starts earlier
  std::string key_buffer_;
  std::string value_buffer_;
  keyed::ByteWriter value_writer_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_top_n(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  const std::string& id = context.node.id;
  if (context.input_schemas.size() != 1 || context.output_schemas.empty()) {
    return graphs::Error{"node '" + id + "': top_n needs one input and its outputs"};
  }
  const graphs::Schema& input = context.input_schemas[0];
  auto n = params.integer("n");
  auto order_by = params.string_list("order_by");
  auto descending = params.boolean("descending");
  auto size = params.duration_ms("size");
  if (!n) return n.error();
  if (!order_by) return order_by.error();
  if (!descending) return descending.error();
  if (!size) return size.error();
  if (*n < 1 || *n > 10000) return params.error("n", "must be between 1 and 10000");
  if (*size < 1) return params.error("size", "must be at least 1 ms");
  if (order_by->empty()) return params.error("order_by", "needs at least one field");
  std::vector<keyed::SortField> order;
  for (const std::string& name : *order_by) {
    auto ref = runtime::resolve_field(input, name);
    if (!ref) return params.error("order_by", ref.error().message);
    order.push_back(keyed::SortField{ref->index, *descending});
  }
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto key_columns = runtime::resolve_fields(input, keys);
  if (!key_columns) {
    return graphs::Error{"node '" + id + "', input 'in': " + key_columns.error().message};
  }
  const graphs::Schema& output = context.output_schemas[0];
  if (output.size() != input.size() + 1 || output.back().type != graphs::FieldType::Int64) {
    return graphs::Error{"node '" + id + "': output 'out' must be the input fields plus rank"};
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<TopNOperator>(
      std::move(*key_columns), std::move(order), static_cast<std::size_t>(*n), *size,
      std::make_shared<const graphs::Schema>(input), std::make_shared<const graphs::Schema>(output),
      id, id + "#" + std::to_string(context.subtask_index), context.state_backend));
}

}  // namespace

runtime::OperatorFactory top_n_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_top_n(context); });
}

}  // namespace rivulet::operators

#include "operators/top_n.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/keyed/sort_key.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

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
// State: a runtime::state::KeyedValueState of (window start, key) -> candidates, with a timer at
// the window's end, on whichever backend the job chose; timers fire in (end, start, key) order,
// so the output is the same on both.
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 2;
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

// A (window, key)'s candidates in the store: u64 count, per candidate: sort key, seq, row. Written
// in heap order, which reads back as a valid heap.
struct CandidatesCodec {
  static void encode(const std::vector<Candidate>& heap, runtime::state::ByteWriter& w) {
    w.u64(heap.size());
    for (const Candidate& c : heap) {
      w.bytes(c.sort_key);
      w.u64(c.seq);
      w.bytes(c.row);
    }
  }
  static bool decode(std::string_view bytes, std::vector<Candidate>& heap) {
    runtime::state::ByteReader in(bytes);
    heap.clear();
    const std::size_t count = in.count(16);
    for (std::size_t c = 0; c < count && in.ok(); ++c) {
      Candidate& cand = heap.emplace_back();
      cand.sort_key = in.bytes();
      cand.seq = in.u64();
      cand.row = in.bytes();
    }
    return in.ok() && in.at_end();
  }
};

constexpr const char* kStateName = "top_n";

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
        backend_(std::move(backend)),
        tops_(backend_, {std::move(node_id), std::move(task_name), kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;  // late records are counted where they are routed
    return tops_.ready();
  }

  void close() override {
    tops_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto times = batch->event_times();
    late_rows_.clear();
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      const std::int64_t start = keyed::tumbling_start(times[r], size_);
      const std::int64_t end = keyed::saturating_add(start, size_);
      if (end <= watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      const std::string_view key = keys_.encode(*batch, r);
      Tops::Handle h = tops_.find(start, key);
      if (h == Tops::kNone) {
        h = tops_.insert(start, key, {});
        tops_.set_timer(h, end);  // fires when the watermark reaches the window's end
      }
      offer(tops_.modify(h), *batch, r);
    }
    tops_.end_call();
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
    // (end, start, key) order: windows in order, each window's keys in encoded-key order.
    tops_.advance(watermark_, [&](Tops::Handle h, std::int64_t end) {
      fire(tops_.modify(h), end, out);
      tops_.erase(h);
    });
    tops_.end_call();
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  void on_end_of_input(runtime::Collector& out) override { on_watermark(kMaxTime, out); }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    w.u64(next_seq_);
    return tops_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    watermark_ = kMinTime;
    next_seq_ = 0;
    bool found = false;
    std::string header;
    if (auto st = tops_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "top_n state"); !st) return st;
    watermark_ = in.i64();
    next_seq_ = in.u64();
    if (!in.ok() || !in.at_end()) return graphs::Error{"top_n: corrupt state blob"};
    return graphs::Ok{};
  }

 private:
  using Tops = runtime::state::KeyedValueState<std::vector<Candidate>, CandidatesCodec>;

  void offer(std::vector<Candidate>& heap, const runtime::RecordBatch& batch, std::size_t row) {
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

  // Emits one key's candidates of the window ending at `end`, ranked.
  void fire(std::vector<Candidate>& candidates, std::int64_t end, runtime::Collector& out) {
    const std::size_t rank_column = input_->size();
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

  keyed::KeyEncoder keys_;
  keyed::SortKeyEncoder order_;
  std::size_t n_;
  std::int64_t size_;
  runtime::SchemaPtr input_;
  runtime::BatchBuilder out_;
  std::int64_t watermark_ = kMinTime;
  std::uint64_t next_seq_ = 0;
  Candidate scratch_;
  runtime::RecordCounters* counters_ = nullptr;  // the task's (OperatorContext)
  std::vector<std::uint32_t> late_rows_;
  runtime::state::OperatorStateBackend backend_;
  Tops tops_;
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

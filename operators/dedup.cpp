#include "operators/dedup.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("dedup", "transform",
                  "Drops records whose key was already seen within a time horizon. The first "
                  "record of each key passes; later ones within 'horizon' of event time are "
                  "dropped (key by the record id to drop redelivered events). A key is forgotten "
                  "once the watermark is 'horizon' past its first record; a duplicate arriving "
                  "later passes as new.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; the key identifies duplicates.")})
      // Still partitioned by the same key: an alert or window may follow without re-keying.
      .outputs(
          {keyed_output("out", same_as_input("in"), "First occurrences, unchanged, still keyed.")})
      .parameters({
          duration("horizon", hours(1),
                   "How long, in event time, a key is remembered; state grows with the number "
                   "of distinct keys per horizon.")
              .min(1),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Per key: the event time of the record that passed. A record is a duplicate when its key is
// known and its event time is less than 'horizon' away from that first record (in either
// direction: a redelivered older copy is a duplicate too). A record of a known key that is
// 'horizon' or more after the first passes and becomes the new first; one 'horizon' or more
// before it passes and leaves the state alone. NULL key fields are a key value like any other.
// Expiry: each key has an event-time timer at first + horizon; the watermark fires it and the key
// is forgotten. Emission is immediate (no buffering): a batch whose rows all pass is forwarded as
// the same pointer, otherwise the passing rows are gathered column by column. End of input:
// nothing is pending, so nothing to flush.
//
// State: a runtime::state::KeyedValueState (namespace 0, canonical key bytes -> first time) on
// whichever backend the job chose; the snapshot header holds the version and the watermark.
namespace {

using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 2;
constexpr const char* kStateName = "dedup";

// A key's first time, 8 bytes in the store.
struct FirstTimeCodec {
  static void encode(std::int64_t first, runtime::state::ByteWriter& w) { w.i64(first); }
  static bool decode(std::string_view bytes, std::int64_t& first) {
    runtime::state::ByteReader r{bytes};
    first = r.i64();
    return r.ok() && r.at_end();
  }
};

class DedupOperator final : public runtime::Operator {
 public:
  DedupOperator(std::vector<std::size_t> key_columns, std::int64_t horizon, std::string node_id,
                std::string task_name, runtime::state::StateBackendOptions backend)
      : keys_(std::move(key_columns)),
        horizon_(horizon),
        backend_(std::move(backend)),
        firsts_(backend_, {std::move(node_id), std::move(task_name), kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& /*context*/) override {
    return firsts_.ready();
  }

  void close() override {
    firsts_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto times = batch->event_times();
    const std::size_t n = batch->num_rows();
    kept_.clear();
    for (std::size_t r = 0; r < n; ++r) {
      if (admit(keys_.encode(*batch, r), times[r])) kept_.push_back(static_cast<std::uint32_t>(r));
    }
    firsts_.end_call();
    if (kept_.size() == n) {
      if (n > 0) out.emit(0, batch);
      return;
    }
    if (kept_.empty()) return;
    runtime::BatchBuilder builder(batch->schema(), kept_.size());
    builder.append_rows(*batch, kept_);
    out.emit(0, builder.finish(false));
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& /*out*/) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    firsts_.advance(watermark_, [&](Firsts::Handle h, std::int64_t) { firsts_.erase(h); });
    firsts_.end_call();
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    return firsts_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    watermark_ = kMinTime;
    bool found = false;
    std::string header;
    if (auto st = firsts_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "dedup state"); !st) return st;
    watermark_ = in.i64();
    if (!in.ok() || !in.at_end()) return graphs::Error{"dedup: corrupt state blob"};
    return graphs::Ok{};
  }

 private:
  using Firsts = runtime::state::KeyedValueState<std::int64_t, FirstTimeCodec>;

  bool admit(std::string_view key, std::int64_t ts) {
    const Firsts::Handle h = firsts_.find(0, key);
    if (h == Firsts::kNone) {
      remember(firsts_.insert(0, key, ts), ts);
      return true;
    }
    const std::int64_t first = firsts_.value(h);
    if (ts >= keyed::saturating_add(first, horizon_)) {
      remember(h, ts);
      return true;
    }
    // 'horizon' or more before the first passes; the guard keeps first - horizon in range.
    return first > keyed::kMinTime + horizon_ && ts <= first - horizon_;
  }

  void remember(Firsts::Handle h, std::int64_t ts) {
    firsts_.modify(h) = ts;
    firsts_.set_timer(h, keyed::saturating_add(ts, horizon_));
  }

  keyed::KeyEncoder keys_;
  std::int64_t horizon_;
  std::int64_t watermark_ = kMinTime;
  std::vector<std::uint32_t> kept_;
  runtime::state::OperatorStateBackend backend_;
  Firsts firsts_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_dedup(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1) {
    return graphs::Error{"node '" + context.node.id + "': dedup needs one input"};
  }
  auto horizon = params.duration_ms("horizon");
  if (!horizon) return horizon.error();
  if (*horizon < 1) return params.error("horizon", "must be at least 1 ms");
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto columns = runtime::resolve_fields(context.input_schemas[0], keys);
  if (!columns) {
    return graphs::Error{"node '" + context.node.id + "', input 'in': " + columns.error().message};
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<DedupOperator>(
      std::move(*columns), *horizon, context.node.id,
      context.node.id + "#" + std::to_string(context.subtask_index), context.state_backend));
}

}  // namespace

graphs::Result<std::uint64_t> dedup_keys_in_checkpoint(runtime::StateReader& reader) {
  return runtime::state::entries_in_checkpoint(reader, kStateName);
}

runtime::OperatorFactory dedup_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_dedup(context); });
}

}  // namespace rivulet::operators

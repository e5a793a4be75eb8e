#include "operators/dedup.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/key_table.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"

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
// Per key (KeyTable id): the event time of the record that passed. A record is a duplicate when
// its key is known and its event time is less than 'horizon' away from that first record (in
// either direction: a redelivered older copy is a duplicate too). A record of a known key that
// is 'horizon' or more after the first passes and becomes the new first; one 'horizon' or more
// before it passes and leaves the state alone. NULL key fields are a key value like any other.
// Expiry: each pass pushes (first + horizon, id) on a min-heap; the watermark pops entries it
// reached and forgets the key unless it passed again since (then a later entry is queued).
// Emission is immediate (no buffering): a batch whose rows all pass is forwarded as the same
// pointer, otherwise the passing rows are gathered column by column. End of input: nothing is
// pending, so nothing to flush.
namespace {

using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;

struct Expiry {
  std::int64_t at;
  std::uint32_t id;
  bool operator>(const Expiry& other) const { return at > other.at; }
};

class DedupOperator final : public runtime::Operator {
 public:
  DedupOperator(std::vector<std::size_t> key_columns, std::int64_t horizon)
      : keys_(std::move(key_columns)), horizon_(horizon) {}

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto times = batch->event_times();
    const std::size_t n = batch->num_rows();
    kept_.clear();
    for (std::size_t r = 0; r < n; ++r) {
      if (admit(keys_.encode(*batch, r), times[r])) kept_.push_back(static_cast<std::uint32_t>(r));
    }
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
    watermark_ = std::max(watermark_, watermark_ms);
    while (!expiry_.empty() && expiry_.front().at <= watermark_) {
      std::pop_heap(expiry_.begin(), expiry_.end(), std::greater<>{});
      const Expiry e = expiry_.back();
      expiry_.pop_back();
      if (table_.is_live(e.id) && keyed::saturating_add(first_[e.id], horizon_) == e.at) {
        table_.release(e.id);
      }
    }
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    w.u32(kStateVersion);
    w.i64(watermark_);
    w.u64(table_.size());
    for (std::uint32_t id = 0; id < table_.id_limit(); ++id) {
      if (!table_.is_live(id)) continue;
      w.bytes(table_.key(id));
      w.i64(first_[id]);
    }
    return writer.write_blob("dedup", w.view());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (!reader.has_blob("dedup")) return graphs::Ok{};
    auto blob = reader.read_blob("dedup");
    if (!blob) return blob.error();
    keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
    if (in.u32() != kStateVersion) return graphs::Error{"dedup: unknown state version"};
    table_.clear();
    first_.clear();
    expiry_.clear();
    watermark_ = in.i64();
    const std::size_t n = in.count(4 + 8);
    for (std::size_t i = 0; i < n && in.ok(); ++i) {
      const std::string_view key = in.bytes();
      remember(table_.intern(key).id, in.i64());
    }
    if (!in.ok() || !in.at_end()) return graphs::Error{"dedup: corrupt state blob"};
    return graphs::Ok{};
  }

  std::size_t key_count() const { return table_.size(); }

 private:
  bool admit(std::string_view key, std::int64_t ts) {
    const auto [id, inserted] = table_.intern(key);
    if (!inserted) {
      const std::int64_t first = first_[id];
      if (ts >= keyed::saturating_add(first, horizon_)) {
        remember(id, ts);
        return true;
      }
      // 'horizon' or more before the first passes; the guard keeps first - horizon in range.
      return first > keyed::kMinTime + horizon_ && ts <= first - horizon_;
    }
    remember(id, ts);
    return true;
  }

  void remember(std::uint32_t id, std::int64_t ts) {
    if (first_.size() <= id) first_.resize(id + 1);
    first_[id] = ts;
    expiry_.push_back(Expiry{keyed::saturating_add(ts, horizon_), id});
    std::push_heap(expiry_.begin(), expiry_.end(), std::greater<>{});
  }

  keyed::KeyEncoder keys_;
  std::int64_t horizon_;
  std::int64_t watermark_ = kMinTime;
  keyed::KeyTable table_;
  std::vector<std::int64_t> first_;  // by key id
  std::vector<Expiry> expiry_;       // min-heap on `at`
  std::vector<std::uint32_t> kept_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_dedup(const OperatorBuildContext& context) {
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
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<DedupOperator>(std::move(*columns), *horizon));
}

}  // namespace

OperatorFactory dedup_factory() {
  return TransformFactory([](const OperatorBuildContext& context) { return make_dedup(context); });
}

}  // namespace rivulet::operators

#include "operators/alert.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

graphs::OperatorSpec alert_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("alert", "alert",
                  "Raises an alert per key when a rule fires: a count within a window, or a "
                  "threshold. The rule is evaluated on every record in event-time order; when it "
                  "fires, the triggering record is emitted with the alert fields appended. "
                  "count_in_window: at least 'count' records of the key within 'within' (a sliding "
                  "window ending at the triggering record). threshold: the record's 'field' is "
                  "above 'threshold'.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; rules are evaluated per key.")})
      .outputs({
          keyed_output(
              "out",
              append_fixed("in", {field("alert_rule", FieldType::String),
                                  field("alert_count", FieldType::Int64),
                                  field("alert_message", FieldType::String),
                                  field("alert_time", FieldType::Timestamp)}),
              "The triggering record followed by alert_rule (the rule name), alert_count "
              "(records in the window; 1 for threshold), alert_message and alert_time (event "
              "time of the triggering record); keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          enumeration("rule", {"count_in_window", "threshold"}, "count_in_window",
                      "Which rule to evaluate; see the operator description."),
          integer("count", 5, "count_in_window: records needed to fire.")
              .min(1)
              .when("rule", {"count_in_window"}),
          duration("within", minutes(1), "count_in_window: length of the sliding window.")
              .min(1)
              .when("rule", {"count_in_window"}),
          list("field", ParameterType::FieldList,
               "threshold: the one numeric (int64 or float64) field to compare.")
              .over("in")
              .when("rule", {"threshold"}),
          floating("threshold", 0.0, "threshold: fire when 'field' is greater than this.")
              .when("rule", {"threshold"}),
          text("message", "",
               "Text for alert_message; {name} is replaced by the triggering record's field "
               "'name', e.g. \"{tx_count} transactions on card {card_id}\". Empty: a message "
               "describing the rule."),
          duration("suppress_for", milliseconds(0),
                   "After an alert for a key, no further alert for that key until this much "
                   "event time has passed. 0: alert on every record that fires the rule.")
              .min(0),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Event-time order: records wait in `pending_` until the watermark passes them, then are
// evaluated sorted by (event time, arrival); a record is late — sent unchanged to 'late' — when
// it arrives with event time below the watermark, because records after it in event time have
// already been evaluated. Alerts are therefore emitted when the watermark moves (latency = the
// sources' out-of-orderness), and precede that watermark downstream. End of input: the runtime
// advances the watermark to +inf first, so every pending record is evaluated; on_end_of_input
// evaluates whatever is left (none in a normal run) and emits.
//
// Per-key state: the event times inside the sliding window, oldest first, and the time of the
// last alert (suppress_for), in a runtime::state::KeyedValueState (namespace 0, canonical key
// bytes) on whichever backend the job chose. A key's state is dropped once no future (non-late)
// record could see it: its newest time is `within` behind the watermark and its suppression
// ended — an event-time timer per key at that time (re-armed when it finds the key used since).
// Pending rows point into their input batches, which stay retained (counted per batch) until
// all their pending rows are evaluated; they wait in memory (bounded by the watermark's lag)
// and go into the snapshot's header with the scalars.
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

enum class Rule { CountInWindow, Threshold };

constexpr std::uint32_t kStateVersion = 2;
constexpr std::size_t kOutputBatchRows = 1024;

// The message template, split once at build time into literal text and field references.
struct MessagePart {
  std::string literal;
  std::size_t field = 0;
  bool is_field = false;
};

// ISO-8601 UTC with milliseconds, the form people read in alert texts.
void append_timestamp(std::string& out, std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{ms}};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[40];
  const int n = std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  out.append(buf, static_cast<std::size_t>(n));
}

void append_value(std::string& out, const runtime::Column& c, std::size_t row) {
  if (c.is_null(row)) {
    out += "NULL";
    return;
  }
  char buf[64];
  switch (c.type()) {
    case graphs::FieldType::Int64: {
      auto r = std::to_chars(buf, buf + sizeof buf, c.int64s()[row]);
      out.append(buf, r.ptr);
      break;
    }
    case graphs::FieldType::Float64: {
      auto r = std::to_chars(buf, buf + sizeof buf, c.float64s()[row]);
      out.append(buf, r.ptr);
      break;
    }
    case graphs::FieldType::Bool:
      out += c.bools()[row] ? "true" : "false";
      break;
    case graphs::FieldType::String:
      out += c.string_at(row);
      break;
    case graphs::FieldType::Timestamp:
      append_timestamp(out, c.int64s()[row]);
      break;
  }
}

struct KeyState {
  std::vector<std::int64_t> times;  // event times in the window; live ones from `head`
  std::size_t head = 0;
  std::int64_t last_alert = kMinTime;
  bool alerted = false;

  std::size_t count() const { return times.size() - head; }
  void push(std::int64_t ts, std::int64_t within) {
    // Drop times outside (ts - within, ts]; compact lazily so the vector is reused.
    while (head < times.size() && times[head] <= ts - within) ++head;
    if (head > 32 && head * 2 > times.size()) {
      times.erase(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
    times.push_back(ts);
  }
  void reset() {
    times.clear();
    head = 0;
    last_alert = kMinTime;
    alerted = false;
  }
};

// A key's state in the store: u8 alerted, i64 last alert, u64 count, the window's times.
struct KeyStateCodec {
  static void encode(const KeyState& s, runtime::state::ByteWriter& w) {
    w.u8(s.alerted ? 1 : 0);
    w.i64(s.last_alert);
    w.u64(s.count());
    for (std::size_t i = s.head; i < s.times.size(); ++i) w.i64(s.times[i]);
  }
  static bool decode(std::string_view bytes, KeyState& s) {
    runtime::state::ByteReader in(bytes);
    s.reset();
    s.alerted = in.u8() != 0;
    s.last_alert = in.i64();
    const std::size_t n = in.count(8);
    for (std::size_t i = 0; i < n && in.ok(); ++i) s.times.push_back(in.i64());
    return in.ok() && in.at_end();
  }
};

struct PendingRow {
  std::int64_t ts;
  std::uint64_t seq;       // arrival order: ties in event time keep it
  std::uint64_t batch_id;  // index into retained_ (minus retained_base_)
  std::uint32_t row;
};

struct RetainedBatch {
  runtime::BatchPtr batch;
  std::uint32_t pending = 0;
};

struct AlertConfig {
  Rule rule = Rule::CountInWindow;
  std::int64_t count = 5;
  std::int64_t within = 60'000;
  std::size_t field = 0;  // threshold
  double threshold = 0;
  std::int64_t suppress_for = 0;
  std::vector<MessagePart> message;  // empty: the default message
  std::vector<std::size_t> key_columns;
  runtime::SchemaPtr input_schema;
  runtime::SchemaPtr output_schema;
  std::string field_name;
  std::string node_id;
  std::string task_name;
  runtime::state::StateBackendOptions state_backend;
};

constexpr const char* kStateName = "alert";

class AlertOperator final : public runtime::Operator {
 public:
  explicit AlertOperator(AlertConfig config)
      : config_(std::move(config)),
        keys_(config_.key_columns),
        out_(config_.output_schema, kOutputBatchRows),
        rule_name_(config_.rule == Rule::CountInWindow ? "count_in_window" : "threshold"),
        // Threshold alerts without suppression need no per-key memory at all.
        keyed_state_(config_.rule == Rule::CountInWindow || config_.suppress_for > 0),
        backend_(config_.state_backend),
        states_(backend_, {config_.node_id, config_.task_name, kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;  // late records are counted where they are routed
    return states_.ready();
  }

  void close() override {
    states_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto times = batch->event_times();
    late_rows_.clear();
    const std::uint64_t batch_id = retained_base_ + retained_.size();
    std::uint32_t kept = 0;
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      if (times[r] < watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      pending_.push_back(
          PendingRow{times[r], next_seq_++, batch_id, static_cast<std::uint32_t>(r)});
      ++kept;
    }
    if (kept > 0) retained_.push_back(RetainedBatch{batch, kept});
    emit_late(*batch, out);
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    evaluate_before(watermark_ms, out);
    expire_keys();
  }

  void on_end_of_input(runtime::Collector& out) override { evaluate_before(kMaxTime, out, true); }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    w.u64(next_seq_);
    w.u64(pending_.size());
    for (const PendingRow& p : pending_) {
      w.u64(p.seq);
      row_scratch_.clear();
      keyed::encode_row(*batch_of(p), p.row, row_scratch_);
      w.bytes(row_scratch_);
    }
    return states_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    pending_.clear();
    retained_.clear();
    retained_base_ = 0;
    watermark_ = kMinTime;
    next_seq_ = 0;
    bool found = false;
    std::string header;
    if (auto st = states_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "alert state"); !st) return st;
    watermark_ = in.i64();
    next_seq_ = in.u64();
    const std::size_t rows = in.count(12);
    runtime::BatchBuilder builder(config_.input_schema, rows);
    std::vector<std::uint64_t> seqs;
    seqs.reserve(rows);
    for (std::size_t i = 0; i < rows && in.ok(); ++i) {
      seqs.push_back(in.u64());
      keyed::ByteReader row(in.bytes());
      const std::int64_t ts = keyed::decode_row(row, *config_.input_schema, builder);
      if (!row.ok()) in.fail();
      if (in.ok()) builder.end_row(ts);
    }
    if (!in.ok() || !in.at_end()) return graphs::Error{"alert: corrupt state blob (pending rows)"};
    if (rows > 0) {
      runtime::BatchPtr batch = builder.finish(false);
      for (std::size_t i = 0; i < rows; ++i) {
        pending_.push_back(
            PendingRow{batch->event_times()[i], seqs[i], 0, static_cast<std::uint32_t>(i)});
      }
      retained_.push_back(RetainedBatch{std::move(batch), static_cast<std::uint32_t>(rows)});
    }
    return graphs::Ok{};
  }

 private:
  const runtime::RecordBatch* batch_of(const PendingRow& p) const {
    return retained_[p.batch_id - retained_base_].batch.get();
  }

  void emit_late(const runtime::RecordBatch& batch, runtime::Collector& out) {
    if (late_rows_.empty()) return;
    if (counters_) counters_->count_late(late_rows_.size());
    runtime::BatchBuilder late(batch.schema(), late_rows_.size());
    late.append_rows(batch, late_rows_);
    out.emit(1, late.finish(false));
  }

  // Evaluates, in event-time order, every pending record with ts < limit (all with `all`).
  void evaluate_before(std::int64_t limit, runtime::Collector& out, bool all = false) {
    ready_.clear();
    std::size_t keep = 0;
    for (const PendingRow& p : pending_) {
      if (all || p.ts < limit) {
        ready_.push_back(p);
      } else {
        pending_[keep++] = p;
      }
    }
    pending_.resize(keep);
    if (ready_.empty()) return;
    std::sort(ready_.begin(), ready_.end(), [](const PendingRow& a, const PendingRow& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq;
    });
    for (const PendingRow& p : ready_) {
      evaluate(*batch_of(p), p.row, p.ts, out);
      --retained_[p.batch_id - retained_base_].pending;
    }
    if (keyed_state_) states_.end_call();
    // Batches are released in arrival order once none of their rows waits any more.
    while (!retained_.empty() && retained_.front().pending == 0) {
      retained_.pop_front();
      ++retained_base_;
    }
    flush(out);
  }

  void evaluate(const runtime::RecordBatch& batch, std::size_t row, std::int64_t ts,
                runtime::Collector& out) {
    KeyState* state = nullptr;
    if (keyed_state_) {
      const std::string_view key = keys_.encode(batch, row);
      States::Handle h = states_.find(0, key);
      if (h == States::kNone) h = states_.insert(0, key, KeyState{});
      // Armed once, due at the next watermark, which looks at the key (expire_keys) and arms it
      // at the key's expiry.
      if (states_.timer(h) == States::kNoTimer) states_.set_timer(h, keyed::kMinTime);
      state = &states_.modify(h);
    }
    std::int64_t count = 1;
    bool fires = false;
    if (config_.rule == Rule::CountInWindow) {
      state->push(ts, config_.within);
      count = static_cast<std::int64_t>(state->count());
      fires = count >= config_.count;
    } else {
      const runtime::Column& c = batch.column(config_.field);
      if (!c.is_null(row)) {
        const double v = c.type() == graphs::FieldType::Float64
                             ? c.float64s()[row]
                             : static_cast<double>(c.int64s()[row]);
        fires = v > config_.threshold;
      }
    }
    if (!fires) return;
    if (state) {
      if (state->alerted && ts < keyed::saturating_add(state->last_alert, config_.suppress_for)) {
        return;
      }
      state->alerted = true;
      state->last_alert = ts;
    }
    emit_alert(batch, row, ts, count);
    if (out_.num_rows() >= kOutputBatchRows) flush(out);
  }

  void emit_alert(const runtime::RecordBatch& batch, std::size_t row, std::int64_t ts,
                  std::int64_t count) {
    const std::size_t n = batch.num_columns();
    for (std::size_t c = 0; c < n; ++c) keyed::append_cell(out_, c, batch.column(c), row);
    out_.append_string(n, rule_name_);
    out_.append_int64(n + 1, count);
    render_message(batch, row, count);
    out_.append_string(n + 2, message_);
    out_.append_int64(n + 3, ts);
    out_.end_row(ts);
  }

  void render_message(const runtime::RecordBatch& batch, std::size_t row, std::int64_t count) {
    message_.clear();
    if (config_.message.empty()) {
      char buf[64];
      if (config_.rule == Rule::CountInWindow) {
        message_ += "count_in_window: ";
        message_.append(buf, std::to_chars(buf, buf + sizeof buf, count).ptr);
        message_ += " records within ";
        message_.append(buf, std::to_chars(buf, buf + sizeof buf, config_.within).ptr);
        message_ += " ms";
      } else {
        message_ += "threshold: ";
        message_ += config_.field_name;
        message_ += " = ";
        append_value(message_, batch.column(config_.field), row);
        message_ += " > ";
        message_.append(buf, std::to_chars(buf, buf + sizeof buf, config_.threshold).ptr);
      }
      return;
    }
    for (const MessagePart& part : config_.message) {
      if (part.is_field) {
        append_value(message_, batch.column(part.field), row);
      } else {
        message_ += part.literal;
      }
    }
  }

  void flush(runtime::Collector& out) {
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  // The time from which no future (non-late) record can see the key's state: its newest time
  // is `within` behind and its suppression has ended.
  std::int64_t expiry(const KeyState& s) const {
    std::int64_t at = kMinTime;
    if (s.count() > 0) at = keyed::saturating_add(s.times.back(), config_.within);
    if (s.alerted) at = std::max(at, keyed::saturating_add(s.last_alert, config_.suppress_for));
    return at;
  }

  // Drops the keys whose expiry the watermark reached; a key used since its timer was armed
  // gets its timer again at its current expiry.
  void expire_keys() {
    if (!keyed_state_) return;
    states_.advance(watermark_, [&](States::Handle h, std::int64_t) {
      const std::int64_t at = expiry(states_.value(h));
      if (at <= watermark_) {
        states_.erase(h);
      } else {
        states_.set_timer(h, at);
      }
    });
    states_.end_call();
  }

  AlertConfig config_;
  keyed::KeyEncoder keys_;
  runtime::BatchBuilder out_;
  std::string rule_name_;
  bool keyed_state_;
  std::int64_t watermark_ = kMinTime;
  std::uint64_t next_seq_ = 0;
  std::vector<PendingRow> pending_;
  std::vector<PendingRow> ready_;
  std::deque<RetainedBatch> retained_;
  std::uint64_t retained_base_ = 0;
  runtime::RecordCounters* counters_ = nullptr;  // the task's (OperatorContext)
  std::vector<std::uint32_t> late_rows_;
  std::string message_;
  std::string row_scratch_;

  using States = runtime::state::KeyedValueState<KeyState, KeyStateCodec>;
  runtime::state::OperatorStateBackend backend_;
  States states_;
};

graphs::Result<std::vector<MessagePart>> parse_message(const ParameterReader& params,
                                                       const std::string& text,
                                                       const graphs::Schema& input) {
  std::vector<MessagePart> parts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) {
      parts.push_back(MessagePart{text.substr(pos), 0, false});
      break;
    }
    if (open > pos) parts.push_back(MessagePart{text.substr(pos, open - pos), 0, false});
    const std::string name = text.substr(open + 1, close - open - 1);
    auto field = runtime::resolve_field(input, name);
    if (!field) {
      return params.error("message", "{" + name + "} at column " + std::to_string(open + 1) +
                                         " names no input field");
    }
    parts.push_back(MessagePart{{}, field->index, true});
    pos = close + 1;
  }
  return parts;
}

graphs::Result<std::unique_ptr<runtime::Operator>> make_alert(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1 || context.output_schemas.empty()) {
    return graphs::Error{"node '" + context.node.id + "': alert needs one input and its outputs"};
  }
  const graphs::Schema& input = context.input_schemas[0];
  AlertConfig config;
  auto rule = params.string("rule");
  auto count = params.integer("count");
  auto within = params.duration_ms("within");
  auto threshold = params.floating("threshold");
  auto message = params.string("message");
  auto suppress = params.duration_ms("suppress_for");
  auto field = params.string_list("field");
  if (!rule) return rule.error();
  if (!count) return count.error();
  if (!within) return within.error();
  if (!threshold) return threshold.error();
  if (!message) return message.error();
  if (!suppress) return suppress.error();
  if (!field) return field.error();
  config.rule = *rule == "threshold" ? Rule::Threshold : Rule::CountInWindow;
  config.count = *count;
  config.within = *within;
  config.threshold = *threshold;
  config.suppress_for = *suppress;
  if (config.count < 1) return params.error("count", "must be at least 1");
  if (config.within < 1) return params.error("within", "must be at least 1 ms");
  if (config.suppress_for < 0) return params.error("suppress_for", "must not be negative");
  if (config.rule == Rule::Threshold) {
    if (field->size() != 1) {
      return params.error("field", "rule 'threshold' needs exactly one field to compare");
    }
    auto ref = runtime::resolve_field(input, field->front());
    if (!ref) return params.error("field", ref.error().message);
    if (ref->type != graphs::FieldType::Int64 && ref->type != graphs::FieldType::Float64) {
      return params.error("field", "'" + field->front() + "' is " + graphs::to_string(ref->type) +
                                       "; the threshold rule compares int64 or float64 fields");
    }
    config.field = ref->index;
    config.field_name = field->front();
  }
  auto parts = parse_message(params, *message, input);
  if (!parts) return parts.error();
  config.message = std::move(*parts);
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto key_columns = runtime::resolve_fields(input, keys);
  if (!key_columns) {
    return graphs::Error{"node '" + context.node.id +
                         "', input 'in': " + key_columns.error().message};
  }
  config.key_columns = std::move(*key_columns);
  const graphs::Schema& output = context.output_schemas[0];
  if (output.size() != input.size() + 4) {
    return graphs::Error{"node '" + context.node.id +
                         "': output 'out' must be the input fields plus the four alert fields"};
  }
  config.input_schema = std::make_shared<const graphs::Schema>(input);
  config.output_schema = std::make_shared<const graphs::Schema>(output);
  config.node_id = context.node.id;
  config.task_name = context.node.id + "#" + std::to_string(context.subtask_index);
  config.state_backend = context.state_backend;
  return std::unique_ptr<runtime::Operator>(std::make_unique<AlertOperator>(std::move(config)));
}

}  // namespace

runtime::OperatorFactory alert_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_alert(context); });
}

}  // namespace rivulet::operators

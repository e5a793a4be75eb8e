// Timestamp functions, all in UTC on int64 epoch milliseconds.
//   now() is processing time, read once per batch (every row of a batch sees the same value).
//   from_unixtime(s) is s * 1000 (wrapping on overflow like other int64 arithmetic).
//   year()..second() are calendar fields of the proleptic Gregorian calendar.
//   date_trunc(unit, ts) floors to the unit ('second', 'minute', 'hour', 'day'), so times
//   before 1970 truncate towards the past.
#include <chrono>
#include <string>

#include "operators/expression/kernel.hpp"
#include "operators/expression/rowwise_kernel.hpp"
#include "operators/expression/timestamp_text.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::FunctionId;
using Args = std::vector<View>;

class NowKernel final : public Kernel {
 public:
  NowKernel() : Kernel(FieldType::Timestamp) { buffer_.prepare(FieldType::Timestamp, 1, false); }

  View evaluate(const runtime::RecordBatch& batch) override {
    buffer_.ints[0] = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    return buffer_.view(FieldType::Timestamp, batch.num_rows(), true, false);
  }

 private:
  Buffer buffer_;
};

// The operand's values under another type (int64 <-> timestamp need no conversion).
class RetypeKernel final : public Kernel {
 public:
  RetypeKernel(FieldType type, KernelPtr operand) : Kernel(type), operand_(std::move(operand)) {}
  View evaluate(const runtime::RecordBatch& batch) override {
    View v = operand_->evaluate(batch);
    v.type = type();
    return v;
  }

 private:
  KernelPtr operand_;
};

template <class Field>
KernelPtr calendar_field(std::vector<KernelPtr> args, Field field) {
  return make_rowwise(FieldType::Int64, std::move(args),
                      [field](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                        out.ints[r] = field(to_civil(a[0].ints[a[0].at(i)]));
                        return true;
                      });
}

std::int64_t unit_ms(const std::string& unit) {
  if (unit == "second") return 1000;
  if (unit == "minute") return 60'000;
  if (unit == "hour") return 3'600'000;
  return 86'400'000;  // "day"; the checker admits nothing else
}

}  // namespace

KernelPtr make_time_call(NodeRef node, std::vector<KernelPtr> args) {
  switch (node.function) {
    case FunctionId::Now:
      return std::make_unique<NowKernel>();
    case FunctionId::ToTimestamp:
      return std::make_unique<RetypeKernel>(FieldType::Timestamp, std::move(args[0]));
    case FunctionId::EpochMs:
      return std::make_unique<RetypeKernel>(FieldType::Int64, std::move(args[0]));
    case FunctionId::FromUnixtime:
      return make_rowwise(FieldType::Timestamp, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            const auto s = static_cast<std::uint64_t>(a[0].ints[a[0].at(i)]);
                            out.ints[r] = static_cast<std::int64_t>(s * 1000u);
                            return true;
                          });
    case FunctionId::Year:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.year; });
    case FunctionId::Month:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.month; });
    case FunctionId::Day:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.day; });
    case FunctionId::Hour:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.hour; });
    case FunctionId::Minute:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.minute; });
    case FunctionId::Second:
      return calendar_field(std::move(args), [](const CivilTime& t) { return t.second; });
    case FunctionId::DateTrunc: {
      // The binder turns the unit into a lower-case string literal.
      const Scalar* unit = args[0]->literal();
      const std::int64_t ms =
          unit && !unit->is_null() ? unit_ms(std::get<std::string>(unit->value)) : 86'400'000;
      return make_rowwise(FieldType::Timestamp, std::move(args),
                          [ms](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            // t - (t mod ms), in wrapping arithmetic: for the first
                            // instants of the int64 range the floor is not representable.
                            const std::int64_t t = a[1].ints[a[1].at(i)];
                            std::int64_t rest = t % ms;
                            if (rest < 0) rest += ms;
                            out.ints[r] = static_cast<std::int64_t>(
                                static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(rest));
                            return true;
                          });
    }
    case FunctionId::ParseTimestamp:
      return make_rowwise(FieldType::Timestamp, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            const auto t = parse_timestamp(a[0].string_at(i));
                            if (!t) return false;
                            out.ints[r] = *t;
                            return true;
                          });
    default:
      return nullptr;
  }
}

}  // namespace rivulet::operators::expression

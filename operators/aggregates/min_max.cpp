// min(x) / max(x) over any field type, with the argument's type; NULL for a window without
// non-NULL values. Floats order NaN above every number (as PostgreSQL does), so the result does
// not depend on arrival order; strings compare bytewise; false < true.
#include <cmath>
#include <string>
#include <vector>

#include "operators/aggregates/accumulator.hpp"

namespace rivulet::operators::aggregates {
namespace {

// Total order on doubles with NaN largest.
inline bool less(double a, double b) { return a < b || (std::isnan(b) && !std::isnan(a)); }
inline bool less(std::int64_t a, std::int64_t b) { return a < b; }
inline bool less(const std::string& a, std::string_view b) { return std::string_view(a) < b; }
inline bool less(std::string_view a, const std::string& b) { return a < std::string_view(b); }
inline bool less(const std::string& a, const std::string& b) { return a < b; }

// Value storage and reading per physical type. Bools are kept as int64 0/1.
template <class T>
struct Traits;

template <>
struct Traits<std::int64_t> {
  static std::int64_t read(const ArgumentView& a, std::size_t row) {
    return a.type == FieldType::Bool ? a.bools[row] : a.ints[row];
  }
  static void append(runtime::BatchBuilder& out, std::size_t column, FieldType type,
                     std::int64_t v) {
    if (type == FieldType::Bool) {
      out.append_bool(column, v != 0);
    } else {
      out.append_int64(column, v);
    }
  }
  static void save(keyed::ByteWriter& w, std::int64_t v) { w.i64(v); }
  static std::int64_t load(keyed::ByteReader& r) { return r.i64(); }
};

template <>
struct Traits<double> {
  static double read(const ArgumentView& a, std::size_t row) { return a.floats[row]; }
  static void append(runtime::BatchBuilder& out, std::size_t column, FieldType, double v) {
    out.append_float64(column, v);
  }
  static void save(keyed::ByteWriter& w, double v) { w.f64(v); }
  static double load(keyed::ByteReader& r) { return r.f64(); }
};

template <>
struct Traits<std::string> {
  static std::string_view read(const ArgumentView& a, std::size_t row) { return a.string_at(row); }
  static void append(runtime::BatchBuilder& out, std::size_t column, FieldType,
                     const std::string& v) {
    out.append_string(column, v);
  }
  static void save(keyed::ByteWriter& w, const std::string& v) { w.bytes(v); }
  static std::string load(keyed::ByteReader& r) { return std::string(r.bytes()); }
};

template <class T>
class MinMax final : public Accumulator {
 public:
  MinMax(FieldType type, bool is_max) : type_(type), is_max_(is_max) {}

  void resize(std::size_t slots) override {
    values_.resize(slots);
    present_.resize(slots, 0);
  }
  void reset(std::uint32_t slot) override {
    values_[slot] = T{};  // strings give their memory back when a window is purged
    present_[slot] = 0;
  }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      if (arg.is_null(row)) continue;
      offer(slots[i], Traits<T>::read(arg, row));
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override {
    if (present_[from]) offer(into, values_[from]);
  }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    if (!present_[slot]) {
      out.append_null(column);
    } else {
      Traits<T>::append(out, column, type_, values_[slot]);
    }
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override {
    out.u8(present_[slot]);
    if (present_[slot]) Traits<T>::save(out, values_[slot]);
  }
  void load(std::uint32_t slot, keyed::ByteReader& in) override {
    present_[slot] = in.u8();
    if (present_[slot]) values_[slot] = Traits<T>::load(in);
  }

 private:
  template <class V>
  void offer(std::uint32_t slot, const V& v) {
    if (!present_[slot]) {
      values_[slot] = T(v);
      present_[slot] = 1;
      return;
    }
    const bool better = is_max_ ? less(values_[slot], v) : less(v, values_[slot]);
    if (better) values_[slot] = T(v);
  }

  FieldType type_;
  bool is_max_;
  std::vector<T> values_;
  std::vector<std::uint8_t> present_;
};

}  // namespace

std::unique_ptr<Accumulator> make_min_max(FieldType type, bool is_max) {
  switch (type) {
    case FieldType::Float64:
      return std::make_unique<MinMax<double>>(type, is_max);
    case FieldType::String:
      return std::make_unique<MinMax<std::string>>(type, is_max);
    case FieldType::Int64:
    case FieldType::Timestamp:
    case FieldType::Bool:
      break;
  }
  return std::make_unique<MinMax<std::int64_t>>(type, is_max);
}

}  // namespace rivulet::operators::aggregates

// sum(x) over int64 or float64, keeping the argument's type; NULL when the window has no
// non-NULL value. Int64 sums wrap around on overflow (two's complement, as Flink's Long sum
// does) rather than invoking undefined behaviour.
#include <type_traits>
#include <vector>

#include "operators/aggregates/accumulator.hpp"

namespace rivulet::operators::aggregates {
namespace {

template <class T>
class Sum final : public Accumulator {
 public:
  void resize(std::size_t slots) override {
    sums_.resize(slots, T{});
    present_.resize(slots, 0);
  }
  void reset(std::uint32_t slot) override {
    sums_[slot] = T{};
    present_[slot] = 0;
  }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    const T* values = values_of(arg);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      if (arg.is_null(row)) continue;
      const std::uint32_t slot = slots[i];
      sums_[slot] = plus(sums_[slot], values[row]);
      present_[slot] = 1;
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override {
    if (!present_[from]) return;
    sums_[into] = plus(sums_[into], sums_[from]);
    present_[into] = 1;
  }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    if (!present_[slot]) {
      out.append_null(column);
    } else if constexpr (std::is_same_v<T, double>) {
      out.append_float64(column, sums_[slot]);
    } else {
      out.append_int64(column, sums_[slot]);
    }
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override {
    out.u8(present_[slot]);
    if constexpr (std::is_same_v<T, double>) {
      out.f64(sums_[slot]);
    } else {
      out.i64(sums_[slot]);
    }
  }
  void load(std::uint32_t slot, keyed::ByteReader& in) override {
    present_[slot] = in.u8();
    if constexpr (std::is_same_v<T, double>) {
      sums_[slot] = in.f64();
    } else {
      sums_[slot] = in.i64();
    }
  }

 private:
  static const T* values_of(const ArgumentView& arg) {
    if constexpr (std::is_same_v<T, double>) {
      return arg.floats;
    } else {
      return arg.ints;
    }
  }
  static T plus(T a, T b) {
    if constexpr (std::is_same_v<T, double>) {
      return a + b;
    } else {
      return static_cast<T>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
    }
  }

  std::vector<T> sums_;
  std::vector<std::uint8_t> present_;
};

}  // namespace

std::unique_ptr<Accumulator> make_sum(FieldType type) {
  if (type == FieldType::Float64) return std::make_unique<Sum<double>>();
  return std::make_unique<Sum<std::int64_t>>();
}

}  // namespace rivulet::operators::aggregates

// avg(x) over int64 or float64, as float64: a running sum and count, merged exactly for
// sessions. NULL when the window has no non-NULL value.
#include <vector>

#include "operators/aggregates/accumulator.hpp"

namespace rivulet::operators::aggregates {
namespace {

class Avg final : public Accumulator {
 public:
  void resize(std::size_t slots) override {
    sums_.resize(slots, 0.0);
    counts_.resize(slots, 0);
  }
  void reset(std::uint32_t slot) override {
    sums_[slot] = 0.0;
    counts_[slot] = 0;
  }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      if (arg.is_null(row)) continue;
      sums_[slots[i]] += numeric_at(arg, row);
      ++counts_[slots[i]];
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override {
    sums_[into] += sums_[from];
    counts_[into] += counts_[from];
  }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    if (counts_[slot] == 0) {
      out.append_null(column);
    } else {
      out.append_float64(column, sums_[slot] / static_cast<double>(counts_[slot]));
    }
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override {
    out.f64(sums_[slot]);
    out.i64(counts_[slot]);
  }
  void load(std::uint32_t slot, keyed::ByteReader& in) override {
    sums_[slot] = in.f64();
    counts_[slot] = in.i64();
  }

 private:
  std::vector<double> sums_;
  std::vector<std::int64_t> counts_;
};

}  // namespace

std::unique_ptr<Accumulator> make_avg() { return std::make_unique<Avg>(); }

}  // namespace rivulet::operators::aggregates

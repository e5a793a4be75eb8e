// percentile(x, q): an approximate q-quantile per window from a LogBucketSketch (1% relative
// error, see log_bucket_sketch.hpp), as float64; NULL when the window has no non-NULL value.
#include <memory>
#include <vector>

#include "operators/aggregates/accumulator.hpp"
#include "operators/aggregates/log_bucket_sketch.hpp"

namespace rivulet::operators::aggregates {
namespace {

class Percentile final : public Accumulator {
 public:
  explicit Percentile(double fraction) : fraction_(fraction) {}

  void resize(std::size_t slots) override { sketches_.resize(slots); }
  void reset(std::uint32_t slot) override { sketches_[slot].reset(); }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      if (arg.is_null(row)) continue;
      sketch_of(slots[i]).add(numeric_at(arg, row));
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override {
    if (sketches_[from]) sketch_of(into).merge(*sketches_[from]);
  }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    const LogBucketSketch* s = sketches_[slot].get();
    if (s == nullptr || s->count() == 0) {
      out.append_null(column);
    } else {
      out.append_float64(column, s->quantile(fraction_));
    }
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override {
    const LogBucketSketch* s = sketches_[slot].get();
    out.u8(s != nullptr ? 1 : 0);
    if (s != nullptr) s->save(out);
  }
  void load(std::uint32_t slot, keyed::ByteReader& in) override {
    if (in.u8() == 0) return;
    if (!sketch_of(slot).load(in)) in.fail();
  }

 private:
  LogBucketSketch& sketch_of(std::uint32_t slot) {
    if (!sketches_[slot]) sketches_[slot] = std::make_unique<LogBucketSketch>();
    return *sketches_[slot];
  }

  double fraction_;
  std::vector<std::unique_ptr<LogBucketSketch>> sketches_;
};

}  // namespace

std::unique_ptr<Accumulator> make_percentile(double fraction) {
  return std::make_unique<Percentile>(fraction);
}

}  // namespace rivulet::operators::aggregates

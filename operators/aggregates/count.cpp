// count(*) counts rows; count(x) counts rows where x is not NULL. Never NULL itself.
#include <vector>

#include "operators/aggregates/accumulator.hpp"

namespace rivulet::operators::aggregates {
namespace {

class Count final : public Accumulator {
 public:
  explicit Count(bool count_rows) : count_rows_(count_rows) {}

  void resize(std::size_t slots) override { counts_.resize(slots, 0); }
  void reset(std::uint32_t slot) override { counts_[slot] = 0; }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    if (count_rows_ || !arg.may_have_nulls()) {
      for (std::uint32_t slot : slots) ++counts_[slot];
      return;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      counts_[slots[i]] += arg.is_null(rows[i]) ? 0 : 1;
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override { counts_[into] += counts_[from]; }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    out.append_int64(column, counts_[slot]);
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override { out.i64(counts_[slot]); }
  void load(std::uint32_t slot, keyed::ByteReader& in) override { counts_[slot] = in.i64(); }

 private:
  bool count_rows_;
  std::vector<std::int64_t> counts_;
};

}  // namespace

std::unique_ptr<Accumulator> make_count(bool count_rows) {
  return std::make_unique<Count>(count_rows);
}

}  // namespace rivulet::operators::aggregates

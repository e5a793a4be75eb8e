// count_distinct(x): the exact number of distinct non-NULL values per window. Each window owns
// a set (allocated on its first value, released when the window is purged): fixed-width values
// are kept as their 64-bit pattern (float64 with -0.0 folded into 0.0 and one NaN, so equal
// numbers count once), strings as owned copies. Memory grows with the distinct values of each
// open window — the price of exactness; use percentile-style sketches for unbounded domains.
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "operators/aggregates/accumulator.hpp"
#include "operators/windows/flat_index.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rivulet::operators::aggregates {
namespace {

using windows::FlatIndex;
using windows::mix64;

class DistinctSet {
 public:
  void insert_bits(std::uint64_t bits) {
    const std::uint64_t h = mix64(bits);
    if (index_.find(h, [&](std::uint32_t i) { return fixed_[i] == bits; }) != FlatIndex::kNone) {
      return;
    }
    index_.insert(h, static_cast<std::uint32_t>(fixed_.size()));
    fixed_.push_back(bits);
  }
  void insert_string(std::string_view s) {
    const std::uint64_t h = XXH3_64bits(s.data(), s.size());
    if (index_.find(h, [&](std::uint32_t i) { return strings_[i] == s; }) != FlatIndex::kNone) {
      return;
    }
    index_.insert(h, static_cast<std::uint32_t>(strings_.size()));
    strings_.emplace_back(s);
  }
  std::size_t size() const { return fixed_.size() + strings_.size(); }
  const std::vector<std::uint64_t>& fixed() const { return fixed_; }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  FlatIndex index_;
  std::vector<std::uint64_t> fixed_;
  std::vector<std::string> strings_;
};

std::uint64_t canonical_bits(double v) {
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  if (v == 0.0) v = 0.0;
  return std::bit_cast<std::uint64_t>(v);
}

class CountDistinct final : public Accumulator {
 public:
  explicit CountDistinct(FieldType type) : type_(type) {}

  void resize(std::size_t slots) override { sets_.resize(slots); }
  void reset(std::uint32_t slot) override { sets_[slot].reset(); }

  void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
           const ArgumentView& arg) override {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      if (arg.is_null(row)) continue;
      DistinctSet& set = set_of(slots[i]);
      switch (type_) {
        case FieldType::String:
          set.insert_string(arg.string_at(row));
          break;
        case FieldType::Float64:
          set.insert_bits(canonical_bits(arg.floats[row]));
          break;
        case FieldType::Bool:
          set.insert_bits(arg.bools[row]);
          break;
        case FieldType::Int64:
        case FieldType::Timestamp:
          set.insert_bits(static_cast<std::uint64_t>(arg.ints[row]));
          break;
      }
    }
  }

  void merge(std::uint32_t into, std::uint32_t from) override {
    if (!sets_[from]) return;
    DistinctSet& target = set_of(into);
    for (std::uint64_t bits : sets_[from]->fixed()) target.insert_bits(bits);
    for (const std::string& s : sets_[from]->strings()) target.insert_string(s);
  }

  void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                     std::size_t column) const override {
    out.append_int64(column, sets_[slot] ? static_cast<std::int64_t>(sets_[slot]->size()) : 0);
  }

  void save(std::uint32_t slot, keyed::ByteWriter& out) const override {
    const DistinctSet* set = sets_[slot].get();
    if (type_ == FieldType::String) {
      out.u64(set ? set->strings().size() : 0);
      if (set) {
        for (const std::string& s : set->strings()) out.bytes(s);
      }
    } else {
      out.u64(set ? set->fixed().size() : 0);
      if (set) {
        for (std::uint64_t bits : set->fixed()) out.u64(bits);
      }
    }
  }
  void load(std::uint32_t slot, keyed::ByteReader& in) override {
    const bool strings = type_ == FieldType::String;
    const std::size_t n = in.count(strings ? 4 : 8);
    for (std::size_t i = 0; i < n && in.ok(); ++i) {
      if (strings) {
        set_of(slot).insert_string(in.bytes());
      } else {
        set_of(slot).insert_bits(in.u64());
      }
    }
  }

 private:
  DistinctSet& set_of(std::uint32_t slot) {
    if (!sets_[slot]) sets_[slot] = std::make_unique<DistinctSet>();
    return *sets_[slot];
  }

  FieldType type_;
  std::vector<std::unique_ptr<DistinctSet>> sets_;
};

}  // namespace

std::unique_ptr<Accumulator> make_count_distinct(FieldType type) {
  return std::make_unique<CountDistinct>(type);
}

}  // namespace rivulet::operators::aggregates

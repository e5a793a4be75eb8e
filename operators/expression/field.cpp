// Field references: a view straight into the batch's column, no copy. Only a nullable column
// that actually holds NULLs in this batch costs a pass (bitmap -> one byte per row), so batches
// without NULLs skip validity work in every kernel above.
#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

class FieldKernel final : public Kernel {
 public:
  FieldKernel(FieldType type, std::size_t index) : Kernel(type), index_(index) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const runtime::Column& column = batch.column(index_);
    const std::size_t n = batch.num_rows();
    View v;
    v.type = type();
    v.size = n;
    switch (type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        v.ints = column.int64s().data();
        break;
      case FieldType::Float64:
        v.floats = column.float64s().data();
        break;
      case FieldType::Bool:
        v.bools = column.bools().data();
        break;
      case FieldType::String:
        v.offsets = column.string_offsets().data();
        v.arena = column.string_arena().data();
        break;
    }
    v.nulls = expand_validity(column.validity(), n);
    return v;
  }

 private:
  const std::uint8_t* expand_validity(std::span<const std::uint64_t> words, std::size_t n) {
    if (words.empty()) return nullptr;
    const std::size_t full = n / 64;
    bool all_valid = true;
    for (std::size_t w = 0; w < full && all_valid; ++w) all_valid = words[w] == ~std::uint64_t{0};
    if (all_valid && (n & 63) != 0) {
      const std::uint64_t mask = (std::uint64_t{1} << (n & 63)) - 1;
      all_valid = (words[full] & mask) == mask;
    }
    if (all_valid) return nullptr;
    nulls_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      nulls_[i] = static_cast<std::uint8_t>(((words[i >> 6] >> (i & 63)) & 1u) ^ 1u);
    }
    return nulls_.data();
  }

  std::size_t index_;
  std::vector<std::uint8_t> nulls_;
};

}  // namespace

KernelPtr make_field(NodeRef node) {
  return std::make_unique<FieldKernel>(node.type.type, node.field_index);
}

}  // namespace rivulet::operators::expression

#pragma once
// "Pick one input per row": CASE, if, coalesce, nullif, least and greatest all reduce to a
// per-row index into their evaluated inputs, then one typed gather builds the result.

#include <cstdint>
#include <vector>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {

inline constexpr std::int32_t kChooseNull = -1;

// out[i] = sources[choice[i]] at row i, or NULL where choice[i] == kChooseNull.
View gather_choice(FieldType type, const Shape& shape, const std::vector<View>& sources,
                   const std::vector<std::int32_t>& choice, Buffer& buffer);

}  // namespace rivulet::operators::expression

#pragma once
// Internal to the validator: the wording helpers its messages share (quoted lists, numbers,
// schemas, "did you mean" suggestions).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::graphs::validation {

// "'a', 'b', 'c'"
std::string quoted_list(const std::vector<std::string>& items);

// Integral values without a fraction ("1", "2500"), others in their shortest form ("0.25").
std::string format_number(double value);

// "(id: int64, amount: float64?)"; a trailing '?' marks a nullable field.
std::string describe_schema(const Schema& schema);

// The candidate closest to `word` by edit distance, when it is close enough to be a plausible
// typo; ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// "; did you mean 'filter'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::vector<std::string> field_names(const Schema& schema);

}  // namespace rivulet::graphs::validation

#pragma once
// "Did you mean" support: the candidate closest to a misspelt name, if it is close enough to be
// a plausible typo. Shared by unknown fields, functions and aggregates.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rivulet::graphs::expr {

// Compares case-insensitively (so "Amount" is suggested for "amount") and accepts at most a
// third of the word's length in edits (at least one). Ties go to the earliest candidate.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

// "; did you mean 'amount'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace rivulet::graphs::expr

// Edit-distance suggestions for misspelt names (see suggest.hpp).

#include "graphs/expr/suggest.hpp"

#include <algorithm>

#include "graphs/expr/lexer.hpp"

namespace rivulet::graphs::expr {

namespace {

// Levenshtein distance with adjacent transpositions counted as one edit ("amuont").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  // Names longer than this are not worth the quadratic cost (and are not typos of each other).
  constexpr std::size_t kLongest = 128;
  if (word.size() > kLongest) return std::nullopt;
  std::string lower_word = to_lower(word);
  std::size_t budget = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = budget + 1;
  for (std::string_view candidate : candidates) {
    if (candidate.size() > kLongest || candidate == word) continue;
    std::size_t distance = edit_distance(lower_word, to_lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto best = closest_name(word, candidates);
  return best ? "; did you mean '" + *best + "'?" : "";
}

}  // namespace rivulet::graphs::expr

// String functions. Strings are UTF-8: length() and substr() count code points; lower() and
// upper() map ASCII letters only (other characters are kept), trim() strips ASCII whitespace.
//   substr(s, start [, len]): the characters at positions [start, start + len) that exist,
//     1-based, as in SQL: substr('hello', 0, 2) = 'h', a negative len gives ''.
//   replace(s, from, to): every non-overlapping occurrence, left to right; from = '' keeps s.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>

#include "operators/expression/kernel.hpp"
#include "operators/expression/rowwise_kernel.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::FunctionId;
using Args = std::vector<View>;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::int64_t code_points(std::string_view s) {
  std::int64_t n = 0;
  for (char c : s) n += !is_continuation(c);
  return n;
}

// Byte offset of code point `index` (0-based), or s.size() when past the end.
std::size_t byte_offset(std::string_view s, std::int64_t index) {
  std::size_t pos = 0;
  for (std::int64_t k = 0; k < index && pos < s.size(); ++k) {
    ++pos;
    while (pos < s.size() && is_continuation(s[pos])) ++pos;
  }
  return pos;
}

std::string_view substr(std::string_view s, std::int64_t start, std::int64_t length) {
  if (length <= 0) return {};
  // [start, start + length) clipped to [1, ∞); saturate instead of overflowing.
  const std::int64_t end = start > std::numeric_limits<std::int64_t>::max() - length
                               ? std::numeric_limits<std::int64_t>::max()
                               : start + length;
  const std::int64_t first = std::max<std::int64_t>(start, 1);
  if (end <= first) return {};
  const std::size_t from = byte_offset(s, first - 1);
  const std::size_t to = from + byte_offset(s.substr(from), end - first);
  return s.substr(from, to - from);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

KernelPtr case_mapping(std::vector<KernelPtr> args, bool upper) {
  return make_rowwise(FieldType::String, std::move(args),
                      [upper](const Args& a, std::size_t i, Buffer& out, std::size_t) {
                        const std::string_view s = a[0].string_at(i);
                        const std::size_t start = out.arena.size();
                        out.append_string(s);
                        for (std::size_t k = start; k < out.arena.size(); ++k) {
                          char& c = out.arena[k];
                          if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
                          if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
                        }
                        return true;
                      });
}

}  // namespace

KernelPtr make_string_call(NodeRef node, std::vector<KernelPtr> args) {
  switch (node.function) {
    case FunctionId::Lower:
      return case_mapping(std::move(args), false);
    case FunctionId::Upper:
      return case_mapping(std::move(args), true);
    case FunctionId::Length:
      return make_rowwise(FieldType::Int64, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            out.ints[r] = code_points(a[0].string_at(i));
                            return true;
                          });
    case FunctionId::Trim:
      return make_rowwise(FieldType::String, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t) {
                            std::string_view s = a[0].string_at(i);
                            while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
                            while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
                            out.append_string(s);
                            return true;
                          });
    case FunctionId::Substr:
      return make_rowwise(FieldType::String, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t) {
                            const std::int64_t start = a[1].ints[a[1].at(i)];
                            const std::int64_t length =
                                a.size() > 2 ? a[2].ints[a[2].at(i)]
                                             : std::numeric_limits<std::int64_t>::max();
                            out.append_string(substr(a[0].string_at(i), start, length));
                            return true;
                          });
    case FunctionId::Concat:
      return make_rowwise(FieldType::String, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t) {
                            for (std::size_t k = 0; k + 1 < a.size(); ++k) {
                              const std::string_view s = a[k].string_at(i);
                              out.arena.insert(out.arena.end(), s.begin(), s.end());
                            }
                            out.append_string(a.back().string_at(i));
                            return true;
                          });
    case FunctionId::StartsWith:
      return make_rowwise(FieldType::Bool, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            const std::string_view s = a[0].string_at(i);
                            const std::string_view p = a[1].string_at(i);
                            out.bools[r] = s.substr(0, p.size()) == p;
                            return true;
                          });
    case FunctionId::EndsWith:
      return make_rowwise(FieldType::Bool, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            const std::string_view s = a[0].string_at(i);
                            const std::string_view p = a[1].string_at(i);
                            out.bools[r] =
                                s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
                            return true;
                          });
    case FunctionId::Contains:
      return make_rowwise(FieldType::Bool, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            out.bools[r] =
                                a[0].string_at(i).find(a[1].string_at(i)) != std::string_view::npos;
                            return true;
                          });
    case FunctionId::Replace:
      return make_rowwise(FieldType::String, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t) {
                            std::string_view s = a[0].string_at(i);
                            const std::string_view from = a[1].string_at(i);
                            const std::string_view to = a[2].string_at(i);
                            if (!from.empty()) {
                              for (std::size_t hit = s.find(from); hit != std::string_view::npos;
                                   hit = s.find(from)) {
                                out.arena.insert(out.arena.end(), s.begin(), s.begin() + hit);
                                out.arena.insert(out.arena.end(), to.begin(), to.end());
                                s.remove_prefix(hit + from.size());
                              }
                            }
                            out.append_string(s);
                            return true;
                          });
    default:
      return nullptr;
  }
}

}  // namespace rivulet::operators::expression

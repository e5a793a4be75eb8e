#pragma once
// Internal error plumbing for the front end. Lexer, parser and checker are deeply recursive;
// rather than threading a result through every call they throw a Failure, which the public
// entry points (check.cpp, aggregates.cpp) turn into a CheckResult. Nothing escapes the module.

#include <cstddef>
#include <string>
#include <utility>

#include "graphs/expr/check.hpp"

namespace rivulet::graphs::expr {

struct Failure {
  CheckError error;
};

[[noreturn]] inline void fail(std::size_t column, std::string message) {
  throw Failure{CheckError{column, std::move(message)}};
}

// Hostile input must not exhaust the stack: parser recursion and tree depth are both capped.
inline constexpr int kMaxDepth = 256;

}  // namespace rivulet::graphs::expr

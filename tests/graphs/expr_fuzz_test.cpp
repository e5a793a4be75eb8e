// Robustness: thousands of random and mutated expressions must never crash or hang, and every
// result is either a well-formed tree or an error whose column lies within the text (+1 for
// "end of expression"). The seed is fixed so a failure reproduces.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "expr_test_support.hpp"

namespace rivulet::graphs::expr::testing {
namespace {

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// Structural invariants the runtime relies on.
void expect_well_formed(const Node& node, std::size_t max_column, const std::string& text) {
  ASSERT_GE(node.column, 1u) << text;
  ASSERT_LE(node.column, max_column) << text;
  std::size_t n = node.children.size();
  switch (node.kind) {
    case NodeKind::Literal:
      ASSERT_EQ(n, 0u) << text;
      break;
    case NodeKind::Field:
      ASSERT_EQ(n, 0u) << text;
      ASSERT_LT(node.field_index, schema().size()) << text;
      ASSERT_EQ(node.type.type, schema()[node.field_index].type) << text;
      break;
    case NodeKind::Unary:
    case NodeKind::Cast:
    case NodeKind::IsNull:
      ASSERT_EQ(n, 1u) << text;
      break;
    case NodeKind::Binary:
    case NodeKind::Like:
      ASSERT_EQ(n, 2u) << text;
      break;
    case NodeKind::Between:
      ASSERT_EQ(n, 3u) << text;
      break;
    case NodeKind::In:
      ASSERT_GE(n, 2u) << text;
      break;
    case NodeKind::Case:
      ASSERT_GE(n, 2u) << text;
      break;
    case NodeKind::Call:
      break;
  }
  for (const auto& child : node.children) {
    ASSERT_NE(child, nullptr) << text;
    ASSERT_FALSE(child->type.is_null_literal) << "untyped NULL inside: " << text;
    expect_well_formed(*child, max_column, text);
  }
}

template <class Result>
void expect_sane_error(const Result& result, const std::string& text) {
  std::size_t limit = code_points(text) + 1;
  ASSERT_GE(result.error.column, 1u) << text;
  ASSERT_LE(result.error.column, limit) << text << " -> " << result.error.to_string();
  ASSERT_FALSE(result.error.message.empty()) << text;
  ASSERT_NE(result.error.message.rfind("column ", 0), 0u) << "position repeated: " << text;
}

void check_everything(const std::string& text) {
  std::size_t limit = code_points(text) + 1;
  auto expression = check_expression(text, schema());
  if (expression.ok()) {
    ASSERT_NE(expression.value->tree, nullptr) << text;
    expect_well_formed(*expression.value->tree, limit, text);
  } else {
    expect_sane_error(expression, text);
  }
  auto named = check_named_expression(text, schema());
  if (named.ok()) {
    ASSERT_FALSE(named.value->name.empty()) << text;
  } else {
    expect_sane_error(named, text);
  }
  auto aggregate = check_aggregate(text, schema());
  if (!aggregate.ok()) expect_sane_error(aggregate, text);
}

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> seeds = {
      "amount * qty + 1 AS total",
      "CASE WHEN qty > 10 THEN 'big' WHEN qty > 5 THEN 'mid' ELSE NULL END",
      "CASE qty WHEN 1 THEN 1.5 ELSE 2 END AS c",
      "name LIKE 'a%' AND NOT flag OR name IS NOT NULL",
      "qty NOT IN (1, 2, 3) AND amount BETWEEN 1.5 AND 10",
      "CAST(Country AS BIGINT) + coalesce(n, 0)",
      "date_trunc('minute', ts) - INTERVAL '5' SECOND",
      "substr(lower(name), 1, 3) || 'x' AS s",
      "if(flag, greatest(qty, 2), least(amount, 3.5))",
      "percentile(amount, 0.99) AS p99",
      "count(*) AS n",
      "sum(amount * qty) AS total",
      "\"odd name\" % 7 = 0",
      "now() - ts > 60000",
      "round(sqrt(pow(amount, 2)), 2)",
  };
  return seeds;
}

std::string mutate(std::string text, std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "(",      ")",       ",",          "'",
      "\"",     "+",       "-",          "*",
      "/",      "%",       "||",         "=",
      "<>",     "<",       ">=",         "!",
      " AND ",  " OR ",    " NOT ",      " IS ",
      " NULL ", " IN ",    " BETWEEN ",  " LIKE ",
      " CASE ", " WHEN ",  " THEN ",     " ELSE ",
      " END ",  " CAST(",  " AS ",       " INTERVAL ",
      "qty",    "amount",  "name",       "ts",
      "flag",   "zz",      "count(*)",   "sum(",
      "1",      "2.5",     "1e309",      "99999999999999999999",
      "'str'",  "é",       "\x01",       "\xff",
      "\xc3",   " ",       "\t",         "TRUE",
      "lower(", "substr(", "date_trunc("};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    std::size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
    switch (rng() % 5) {
      case 0:  // insert a piece
        text.insert(at, pieces[rng() % pieces.size()]);
        break;
      case 1:  // delete a span
        if (!text.empty() && at < text.size()) text.erase(at, 1 + rng() % 4);
        break;
      case 2:  // truncate
        text.resize(at);
        break;
      case 3:  // random byte
        text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng() % 256));
        break;
      case 4:  // duplicate a span
        if (at < text.size()) text.insert(at, text.substr(at, 1 + rng() % 8));
        break;
    }
  }
  return text;
}

std::string random_tokens(std::mt19937& rng) {
  static const std::vector<std::string> tokens = {
      "qty",          "amount",  "name",  "ts",     "flag",       "n",    "score",    "seen",
      "\"odd name\"", "Country", "1",     "0",      "2.5",        "'a'",  "''",       "NULL",
      "TRUE",         "+",       "-",     "*",      "/",          "%",    "||",       "=",
      "<>",           "<",       "<=",    ">",      "AND",        "OR",   "NOT",      "IS",
      "IN",           "BETWEEN", "LIKE",  "CASE",   "WHEN",       "THEN", "ELSE",     "END",
      "CAST",         "AS",      "int64", "string", "(",          ")",    ",",        "lower",
      "coalesce",     "if",      "count", "sum",    "percentile", "*",    "INTERVAL", "'5'",
      "SECOND",       "now",     "()"};
  std::string text;
  std::size_t length = rng() % 20;
  for (std::size_t i = 0; i < length; ++i) {
    if (i) text += ' ';
    text += tokens[rng() % tokens.size()];
  }
  return text;
}

TEST(ExprFuzz, MutatedCorpusNeverCrashes) {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 4000; ++i) {
    const std::string& seed = corpus()[static_cast<std::size_t>(i) % corpus().size()];
    std::string text = mutate(seed, rng);
    ASSERT_NO_FATAL_FAILURE(check_everything(text));
  }
}

TEST(ExprFuzz, RandomTokenSoupNeverCrashes) {
  std::mt19937 rng(7);
  int ok = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string text = random_tokens(rng);
    ASSERT_NO_FATAL_FAILURE(check_everything(text));
    ok += check_expression(text, schema()).ok();
  }
  EXPECT_GT(ok, 0);  // the generator does produce some valid expressions
}

TEST(ExprFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(99);
  for (int i = 0; i < 3000; ++i) {
    std::string text(rng() % 40, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    ASSERT_NO_FATAL_FAILURE(check_everything(text));
  }
}

TEST(ExprFuzz, HostileShapesAreRejectedQuickly) {
  for (const std::string& text :
       {std::string(1000000, '('), std::string(1000000, '-') + "1",
        std::string(200001, '\'') /* odd: unterminated */, "CASE " + std::string(100000, '('),
        "lower(" + std::string(50000, '(') + "qty", "qty" + std::string(100000, ')')}) {
    ASSERT_NO_FATAL_FAILURE(check_everything(text));
    EXPECT_FALSE(check_expression(text, schema()).ok());
  }
  std::string wide = "qty IN (";
  for (int i = 0; i < 100000; ++i) wide += (i ? ",1" : "1");
  wide += ")";
  EXPECT_TRUE(check_expression(wide, schema()).ok());
}

}  // namespace
}  // namespace rivulet::graphs::expr::testing

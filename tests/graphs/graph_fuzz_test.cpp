// Seeded random damage to valid graph files: decoding must never crash, hang or fail silently,
// and whatever it does accept must encode again canonically.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "graphs/catalog_io.hpp"
#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "tests/graphs/sample_graphs.hpp"

namespace rivulet::graphs {
namespace {

using Clock = std::chrono::steady_clock;

// Fragments that are each valid JSON, spliced in to reach the typed decoder, not just the parser.
const char* const kJsonFragments[] = {"null",
                                      "true",
                                      "false",
                                      "0",
                                      "-1",
                                      "1.5",
                                      "1e999",
                                      "-0",
                                      "18446744073709551616",
                                      "\"\"",
                                      "\"NaN\"",
                                      "\"x\"",
                                      "[]",
                                      "{}",
                                      "[{}]",
                                      "{\"formatVersion\": 1}",
                                      ",",
                                      ":",
                                      "\"\\u0000\"",
                                      "\"\\ud800\"",
                                      "[[[[[[[[",
                                      "]]]]",
                                      "{\"hash\": []}",
                                      "{\"schema\": [{}]}",
                                      "99999999999"};

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutate(std::string s, bool json) {
    int rounds = 1 + static_cast<int>(below(3));
    // Half the time keep the size, so damage reaches pointers and data behind a valid framing.
    bool in_place = below(2) == 0;
    for (int i = 0; i < rounds; ++i)
      s = in_place ? damage_in_place(std::move(s)) : mutate_once(std::move(s), json);
    return s;
  }

 private:
  std::size_t below(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  char byte() { return static_cast<char>(below(256)); }
  std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = byte();
    return out;
  }

  std::string damage_in_place(std::string s) {
    if (s.empty()) return s;
    if (below(2)) {
      s[below(s.size())] ^= static_cast<char>(1u << below(8));  // one bit
    } else {
      s[below(s.size())] = byte();
    }
    return s;
  }

  std::string mutate_once(std::string s, bool json) {
    switch (below(json ? 9 : 8)) {
      case 0:  // flip a few bits
        for (std::size_t k = 0, n = 1 + below(8); k < n && !s.empty(); ++k) {
          s[below(s.size())] ^= static_cast<char>(1u << below(8));
        }
        return s;
      case 1:  // truncate
        return s.substr(0, below(s.size() + 1));
      case 2:  // insert random bytes
        return s.insert(below(s.size() + 1), random_bytes(1 + below(16)));
      case 3:  // overwrite a run with random bytes
        if (!s.empty()) {
          std::size_t at = below(s.size());
          std::size_t n = std::min(s.size() - at, 1 + below(16));
          s.replace(at, n, random_bytes(n));
        }
        return s;
      case 4: {  // duplicate a segment in place
        if (s.empty()) return s;
        std::size_t at = below(s.size());
        std::string piece = s.substr(at, 1 + below(64));
        return s.insert(below(s.size() + 1), piece);
      }
      case 5:  // delete a run
        if (!s.empty()) s.erase(below(s.size()), 1 + below(32));
        return s;
      case 6:  // set one byte to an extreme value: sizes, counts, offsets
        if (!s.empty()) s[below(s.size())] = below(2) ? '\xff' : '\0';
        return s;
      case 7:  // all random
        return random_bytes(below(256));
      default: {  // JSON only: a valid fragment in a random place
        std::string fragment = kJsonFragments[below(std::size(kJsonFragments))];
        std::size_t at = below(s.size() + 1);
        std::size_t cut = below(2) ? std::min(s.size() - at, below(24)) : 0;
        return s.replace(at, cut, fragment);
      }
    }
  }

  std::mt19937_64 rng_;
};

// Just enough of a catalog for the sample graph's kinds that validation goes past "unknown
// kind" into parameters, expressions and schema propagation.
const Catalog& fuzz_catalog() {
  static const Catalog catalog = [] {
    auto port = [](const char* name, PortKind kind, SchemaRule rule = {}) {
      return PortSpec{name, kind, true, "", std::move(rule)};
    };
    auto param = [](const char* name, ParameterType type, const char* input = "") {
      return ParameterSpec{name,         type,         false, std::nullopt, {},
                           std::nullopt, std::nullopt, "",    input,        ""};
    };
    Catalog c;
    c.operators = {
        {"kafka_source",
         "source",
         "",
         {},
         {port("out", PortKind::Records,
               {SchemaRuleKind::FromParameter, "", "", "schema", "", {}, "", ""})},
         {param("topic", ParameterType::String), param("schema", ParameterType::Schema),
          param("batch", ParameterType::Int)},
         false,
         0},
        {"filter",
         "transform",
         "",
         {port("in", PortKind::Records)},
         {port("out", PortKind::Records,
               {SchemaRuleKind::SameAsInput, "in", "", "", "", {}, "", ""})},
         {param("predicate", ParameterType::Expression, "in"),
          param("ratio", ParameterType::Float)},
         false,
         0},
        {"tumbling_window",
         "window",
         "",
         {port("in", PortKind::Records)},
         {port("out", PortKind::Records,
               {SchemaRuleKind::WindowAggregate, "in", "", "aggregates", "", {}, "", ""})},
         {param("size", ParameterType::Duration),
          param("aggregates", ParameterType::AggregateList, "in")},
         true,
         0},
        {"alert",
         "alert",
         "",
         {port("in", PortKind::Records)},
         {port("out", PortKind::Records,
               {SchemaRuleKind::SameAsInput, "in", "", "", "", {}, "", ""})},
         {param("threshold", ParameterType::Int)},
         false,
         1},
        {"file_sink", "sink", "", {port("in", PortKind::Records)}, {}, {}, false, 0},
    };
    return c;
  }();
  return catalog;
}

// A rejection must say where: a node, a field (a path such as "nodes[2].parameters[0].value"),
// a line and column, or a byte offset. "Value out-of-range for requested type" alone is not enough.
bool names_a_place(const std::string& message) {
  static const std::regex place(
      R"((line \d+, column \d+)|(node ')|(field ')|(at byte \d+)|)"
      R"((: [A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*( \(node '.*'\))?: )|)"
      R"((: \S+( \(node '.*'\))?: unknown member ')|(format version \d+ is newer))");
  return std::regex_search(message, place);
}

struct Tally {
  int accepted = 0;
  int rejected = 0;
};

void feed(const std::string& bytes, GraphFormat format, Tally& tally) {
  auto start = Clock::now();
  // The catalog reader shares the framing code; graph bytes are hostile input to it too.
  auto catalog = decode_catalog(bytes, format);
  ASSERT_TRUE(catalog.ok() || !catalog.error().message.empty());
  auto result = decode_graph(bytes, format);
  auto elapsed = Clock::now() - start;
  ASSERT_LT(elapsed, std::chrono::seconds(1)) << "decoding one mutant took too long";
  if (!result.ok()) {
    ++tally.rejected;
    ASSERT_FALSE(result.error().message.empty());
    ASSERT_EQ(result.error().message.find('\n'), std::string::npos) << result.error().message;
    EXPECT_TRUE(names_a_place(result.error().message)) << result.error().message;
    return;
  }
  ++tally.accepted;
  // Whatever decodes must also be safe to validate.
  auto report = validate(*result, fuzz_catalog());
  for (const auto& problem : report.problems) ASSERT_FALSE(problem.to_string().empty());
  // Anything accepted is a model we can write again, and canonically.
  auto binary = encode_graph(*result, GraphFormat::Binary);
  ASSERT_TRUE(binary.ok()) << binary.error().message;
  auto again = decode_graph(*binary, GraphFormat::Binary);
  ASSERT_TRUE(again.ok()) << again.error().message;
  auto json = encode_graph(*again, GraphFormat::Json);
  ASSERT_TRUE(json.ok()) << json.error().message;
  auto from_json = decode_graph(*json, GraphFormat::Json);
  ASSERT_TRUE(from_json.ok()) << from_json.error().message << "\n" << *json;
  auto binary2 = encode_graph(*from_json, GraphFormat::Binary);
  ASSERT_TRUE(binary2.ok());
  ASSERT_EQ(*binary2, *binary);
}

// RIVULET_FUZZ_SCALE=100 runs a long campaign (with other seeds) when hunting a bug locally.
int scale() {
  const char* env = std::getenv("RIVULET_FUZZ_SCALE");
  int n = env ? std::atoi(env) : 1;
  return n > 0 ? n : 1;
}

void fuzz(GraphFormat format, int iterations, std::uint64_t seed) {
  iterations *= scale();
  seed += static_cast<std::uint64_t>(scale() - 1) << 32;
  auto original = encode_graph(testing::rich_graph(), format);
  ASSERT_TRUE(original.ok());
  Mutator mutator(seed);
  Tally tally;
  for (int i = 0; i < iterations; ++i) {
    std::string mutant = mutator.mutate(*original, format == GraphFormat::Json);
    SCOPED_TRACE("iteration " + std::to_string(i) + " (seed " + std::to_string(seed) + ")");
    feed(mutant, format, tally);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Both outcomes happen, or the mutations are not reaching anything interesting.
  EXPECT_GT(tally.rejected, iterations / 10);
  EXPECT_GT(tally.accepted, 0);
  ::testing::Test::RecordProperty("accepted", tally.accepted);
  ::testing::Test::RecordProperty("rejected", tally.rejected);
}

TEST(GraphFuzz, Binary) { fuzz(GraphFormat::Binary, 4000, 0x5eed0001); }
TEST(GraphFuzz, Packed) { fuzz(GraphFormat::Packed, 4000, 0x5eed0002); }
TEST(GraphFuzz, Json) { fuzz(GraphFormat::Json, 4000, 0x5eed0003); }

// Random bytes with no valid start at all.
TEST(GraphFuzz, PureNoise) {
  std::mt19937_64 rng(0x5eed0004);
  Tally tally;
  for (int i = 0; i < 1000; ++i) {
    std::string bytes(std::uniform_int_distribution<std::size_t>(0, 512)(rng), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    for (auto format : {GraphFormat::Binary, GraphFormat::Packed, GraphFormat::Json}) {
      feed(bytes, format, tally);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace rivulet::graphs

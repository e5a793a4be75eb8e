#pragma once
// Parses datagen's per-field hints ("amount=uniform(1,500)", "card_id=key(zipf=1.2)",
// "note=null(0.1) word(6)") into field generators, checking each against its field's type so
// a bad hint is reported when the job is built, naming the item, not when records flow.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "operators/generators/field_generator.hpp"

namespace rivulet::operators::generators {

struct FieldHint {
  std::string field;
  std::string generator;
};

// "field=generator" -> its two halves (whitespace around them trimmed).
graphs::Result<FieldHint> split_field_hint(std::string_view item);

// One generator expression for `field`; `key_cardinality` is the default for key().
graphs::Result<std::unique_ptr<FieldGenerator>> parse_generator(std::string_view text,
                                                                const graphs::Field& field,
                                                                std::uint64_t key_cardinality);

// The generator of a field without a hint: int64 uniform(0,1000), float64 uniform(0,1), bool
// bool(0.5), string word(8), timestamp the event time.
std::unique_ptr<FieldGenerator> default_generator(const graphs::Field& field);

}  // namespace rivulet::operators::generators

#pragma once
// JSON objects → schema rows with simdjson's On-Demand parser (no DOM is built: members are
// matched to columns by name and converted straight into the BatchBuilder).
//
// Rules (docs/operators.md, "Record formats"): unknown members are ignored; a missing or null
// member is null for a nullable field and an error otherwise; a member given twice is an error
// (which one wins would be a guess). Conversions: int64 ← integers (and floats with an integral
// value, e.g. 3.0), float64 ← any number, bool ← true/false, string ← strings, timestamp ←
// integers (epoch ms) or strings (ISO-8601 or epoch ms, see timestamp_text.hpp). Everything else,
// numbers out of range included, is an error naming the field.

#include <memory>
#include <string>
#include <vector>

#include "operators/codecs/record_decoder.hpp"

namespace rivulet::operators::codecs {

// Which simdjson kernels decoding uses, for benchmarks and diagnostics, e.g.
// "stage 1: icelake (runtime dispatch), stage 2: fallback (compile-time builtin)".
// On-Demand splits parsing in two: stage 1 (structural indexing and UTF-8 validation, the
// SIMD-heavy part) is picked at run time from the CPU, so it uses AVX2/AVX-512 when present
// even though we compile for baseline x86-64; stage 2 (walking values, numbers, string
// unescaping) is inlined into json_decoder.cpp for the implementation the compile flags
// guarantee, i.e. "fallback" without -mavx2/-msse4.2. Measured on ~110-byte records, building
// stage 2 for haswell changed decode speed by <5% (within noise), so the binaries stay
// portable and no -march flag is needed (docs/benchmarks.md, Kafka end to end).
std::string json_parser_implementation();

class JsonDecoder final : public RecordDecoder {
 public:
  JsonDecoder(runtime::SchemaPtr schema, EventTimeColumn event_time);
  ~JsonDecoder() override;

  graphs::Status decode(std::string_view record, runtime::BatchBuilder& out,
                        std::int64_t fallback_event_time_ms) override;

 private:
  // Index of the schema field named `key`, or npos. Tries the field after the previous match
  // first: producers usually write members in schema order, so this is one comparison.
  std::size_t find_column(std::string_view key);
  graphs::Status decode_object(runtime::BatchBuilder& out, std::int64_t fallback_event_time_ms);

  // simdjson stays out of this header: its class layouts depend on compile definitions that
  // only this library's translation units are built with.
  struct Parser;

  runtime::SchemaPtr schema_;
  EventTimeColumn event_time_;
  std::unique_ptr<Parser> parser_;
  std::string padded_;                 // the record plus SIMDJSON_PADDING spare bytes
  std::vector<std::uint8_t> seen_;     // per column: set for the current record
  std::size_t next_guess_ = 0;
  std::int64_t event_time_value_ = 0;  // the event-time column's value in the current record
};

}  // namespace rivulet::operators::codecs

#pragma once
// Small helpers shared by the runtime tests: a fixed test schema and batch factories.

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/batch_builder.hpp"

namespace rivulet::runtime::testing {

// seq: int64, key: string, value: float64 (nullable), flag: bool, ts: timestamp
inline SchemaPtr test_schema() {
  using graphs::FieldType;
  return std::make_shared<const graphs::Schema>(graphs::Schema{
      {"seq", FieldType::Int64, false},
      {"key", FieldType::String, false},
      {"value", FieldType::Float64, true},
      {"flag", FieldType::Bool, false},
      {"ts", FieldType::Timestamp, false},
  });
}

// Rows first_seq .. first_seq+rows-1; event time = seq; key = "k<seq % keys>"; every 7th value
// is null.
inline BatchPtr make_batch(const SchemaPtr& schema, std::int64_t first_seq, std::size_t rows,
                           std::int64_t keys = 10) {
  BatchBuilder b(schema, rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t seq = first_seq + static_cast<std::int64_t>(i);
    b.append_int64(0, seq);
    std::string key = "k";  // not "k" + ...: GCC 12 raises a false -Wrestrict on that
    key += std::to_string(seq % keys);
    b.append_string(1, key);
    if (seq % 7 == 0) {
      b.append_null(2);
    } else {
      b.append_float64(2, static_cast<double>(seq) * 0.5);
    }
    b.append_bool(3, seq % 2 == 0);
    b.append_int64(4, 1'700'000'000'000 + seq);
    b.end_row(seq);
  }
  return b.finish();
}

}  // namespace rivulet::runtime::testing

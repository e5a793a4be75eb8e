#include "operators/keyed/row_codec.hpp"

#include <cstring>

namespace rivulet::operators::keyed {
namespace {

using graphs::FieldType;

void put(std::string& out, const void* data, std::size_t size) {
  out.append(static_cast<const char*>(data), size);
}

}  // namespace

void append_cell(runtime::BatchBuilder& builder, std::size_t dst, const runtime::Column& src,
                 std::size_t row) {
  if (src.is_null(row)) {
    append_null_or_default(builder, dst);
    return;
  }
  switch (src.type()) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      builder.append_int64(dst, src.int64s()[row]);
      break;
    case FieldType::Float64:
      builder.append_float64(dst, src.float64s()[row]);
      break;
    case FieldType::Bool:
      builder.append_bool(dst, src.bools()[row] != 0);
      break;
    case FieldType::String:
      builder.append_string(dst, src.string_at(row));
      break;
  }
}

void append_null_or_default(runtime::BatchBuilder& builder, std::size_t dst) {
  if (builder.append_null(dst)) return;
  switch ((*builder.schema())[dst].type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      builder.append_int64(dst, 0);
      break;
    case FieldType::Float64:
      builder.append_float64(dst, 0.0);
      break;
    case FieldType::Bool:
      builder.append_bool(dst, false);
      break;
    case FieldType::String:
      builder.append_string(dst, {});
      break;
  }
}

void encode_row(const runtime::RecordBatch& batch, std::size_t row, std::string& out) {
  const std::int64_t ts = batch.event_times()[row];
  put(out, &ts, sizeof ts);
  for (std::size_t ci = 0; ci < batch.num_columns(); ++ci) {
    const runtime::Column& c = batch.column(ci);
    if (c.nullable()) {
      const bool null = c.is_null(row);
      out.push_back(null ? 1 : 0);
      if (null) continue;
    }
    switch (c.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        put(out, &c.int64s()[row], sizeof(std::int64_t));
        break;
      case FieldType::Float64:
        put(out, &c.float64s()[row], sizeof(double));
        break;
      case FieldType::Bool:
        out.push_back(static_cast<char>(c.bools()[row]));
        break;
      case FieldType::String: {
        const std::string_view s = c.string_at(row);
        const auto n = static_cast<std::uint32_t>(s.size());
        put(out, &n, sizeof n);
        out.append(s);
        break;
      }
    }
  }
}

std::int64_t decode_row(ByteReader& in, const graphs::Schema& schema,
                        runtime::BatchBuilder& builder, std::size_t first_column) {
  const std::int64_t ts = in.i64();
  for (std::size_t ci = 0; ci < schema.size(); ++ci) {
    const graphs::Field& f = schema[ci];
    const std::size_t dst = first_column + ci;
    if (f.nullable && in.u8() != 0) {
      append_null_or_default(builder, dst);
      continue;
    }
    switch (f.type) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        builder.append_int64(dst, in.i64());
        break;
      case FieldType::Float64:
        builder.append_float64(dst, in.f64());
        break;
      case FieldType::Bool:
        builder.append_bool(dst, in.u8() != 0);
        break;
      case FieldType::String:
        builder.append_string(dst, in.bytes());
        break;
    }
  }
  return ts;
}

}  // namespace rivulet::operators::keyed

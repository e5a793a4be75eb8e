#include "runtime/batch_builder.hpp"

#include <cassert>
#include <cstring>

namespace rivulet::runtime {
namespace {

std::size_t column_length(const Column& c) {
  switch (c.type()) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return c.int64s().size();
    case FieldType::Float64:
      return c.float64s().size();
    case FieldType::Bool:
      return c.bools().size();
    case FieldType::String:
      return c.string_offsets().size() - 1;
  }
  return 0;
}

}  // namespace

BatchBuilder::BatchBuilder(SchemaPtr schema, std::size_t expected_rows)
    : schema_(std::move(schema)), expected_rows_(expected_rows) {
  reset(expected_rows_);
}

void BatchBuilder::reset(std::size_t reserve_rows) {
  num_rows_ = 0;
  columns_.clear();
  columns_.reserve(schema_->size());
  for (const graphs::Field& f : *schema_) {
    Column& c = columns_.emplace_back(f.type, f.nullable);
    switch (f.type) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        c.i64_.reserve(reserve_rows);
        break;
      case FieldType::Float64:
        c.f64_.reserve(reserve_rows);
        break;
      case FieldType::Bool:
        c.u8_.reserve(reserve_rows);
        break;
      case FieldType::String:
        c.offsets_.reserve(reserve_rows + 1);
        c.offsets_.push_back(0);
        break;
    }
    if (f.nullable) c.validity_.reserve((reserve_rows + 63) / 64);
  }
  event_times_.clear();
  event_times_.reserve(reserve_rows);
}

void BatchBuilder::mark_valid(Column& c, std::size_t row, bool valid) {
  if (!c.nullable_) return;
  if ((row >> 6) >= c.validity_.size()) c.validity_.push_back(0);
  if (valid) c.validity_[row >> 6] |= std::uint64_t{1} << (row & 63);
}

void BatchBuilder::append_int64(std::size_t column, std::int64_t value) {
  Column& c = columns_[column];
  assert(c.type_ == FieldType::Int64 || c.type_ == FieldType::Timestamp);
  mark_valid(c, c.i64_.size(), true);
  c.i64_.push_back(value);
}

void BatchBuilder::append_float64(std::size_t column, double value) {
  Column& c = columns_[column];
  assert(c.type_ == FieldType::Float64);
  mark_valid(c, c.f64_.size(), true);
  c.f64_.push_back(value);
}

void BatchBuilder::append_bool(std::size_t column, bool value) {
  Column& c = columns_[column];
  assert(c.type_ == FieldType::Bool);
  mark_valid(c, c.u8_.size(), true);
  c.u8_.push_back(value ? 1 : 0);
}

void BatchBuilder::append_string(std::size_t column, std::string_view value) {
  Column& c = columns_[column];
  assert(c.type_ == FieldType::String);
  mark_valid(c, c.offsets_.size() - 1, true);
  c.arena_.insert(c.arena_.end(), value.begin(), value.end());
  c.offsets_.push_back(static_cast<std::uint32_t>(c.arena_.size()));
}

bool BatchBuilder::append_null(std::size_t column) {
  Column& c = columns_[column];
  if (!c.nullable_) return false;
  const std::size_t row = column_length(c);
  mark_valid(c, row, false);
  switch (c.type_) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      c.i64_.push_back(0);
      break;
    case FieldType::Float64:
      c.f64_.push_back(0.0);
      break;
    case FieldType::Bool:
      c.u8_.push_back(0);
      break;
    case FieldType::String:
      c.offsets_.push_back(static_cast<std::uint32_t>(c.arena_.size()));
      break;
  }
  return true;
}

bool BatchBuilder::row_complete() const {
  for (const Column& c : columns_) {
    if (column_length(c) != num_rows_ + 1) return false;
  }
  return true;
}

void BatchBuilder::end_row(std::int64_t event_time_ms) {
  assert(row_complete());
  event_times_.push_back(event_time_ms);
  ++num_rows_;
}

void BatchBuilder::discard_row() {
  const std::size_t n = num_rows_;
  for (Column& c : columns_) {
    if (column_length(c) == n) continue;
    switch (c.type_) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        c.i64_.resize(n);
        break;
      case FieldType::Float64:
        c.f64_.resize(n);
        break;
      case FieldType::Bool:
        c.u8_.resize(n);
        break;
      case FieldType::String:
        c.offsets_.resize(n + 1);
        c.arena_.resize(c.offsets_.back());
        break;
    }
    if (c.nullable_) {
      c.validity_.resize((n + 63) / 64);
      if (n & 63) c.validity_.back() &= (std::uint64_t{1} << (n & 63)) - 1;
    }
  }
}

void BatchBuilder::append_rows(const RecordBatch& source, std::span<const std::uint32_t> rows) {
  assert(source.num_columns() == columns_.size());
  const std::size_t base = num_rows_;
  for (std::size_t ci = 0; ci < columns_.size(); ++ci) {
    Column& dst = columns_[ci];
    const Column& src = source.column(ci);
    assert(dst.type_ == src.type());
    switch (dst.type_) {
      case FieldType::Int64:
      case FieldType::Timestamp: {
        const std::size_t old = dst.i64_.size();
        dst.i64_.resize(old + rows.size());
        const std::int64_t* in = src.int64s().data();
        std::int64_t* out = dst.i64_.data() + old;
        for (std::size_t i = 0; i < rows.size(); ++i) out[i] = in[rows[i]];
        break;
      }
      case FieldType::Float64: {
        const std::size_t old = dst.f64_.size();
        dst.f64_.resize(old + rows.size());
        const double* in = src.float64s().data();
        double* out = dst.f64_.data() + old;
        for (std::size_t i = 0; i < rows.size(); ++i) out[i] = in[rows[i]];
        break;
      }
      case FieldType::Bool: {
        const std::size_t old = dst.u8_.size();
        dst.u8_.resize(old + rows.size());
        const std::uint8_t* in = src.bools().data();
        std::uint8_t* out = dst.u8_.data() + old;
        for (std::size_t i = 0; i < rows.size(); ++i) out[i] = in[rows[i]];
        break;
      }
      case FieldType::String: {
        // Two passes: size the arena once, then copy, so the arena grows at most once.
        const std::uint32_t* off = src.string_offsets().data();
        std::size_t bytes = 0;
        for (std::uint32_t r : rows) bytes += off[r + 1] - off[r];
        const std::size_t arena_old = dst.arena_.size();
        dst.arena_.resize(arena_old + bytes);
        const std::size_t offsets_old = dst.offsets_.size();
        dst.offsets_.resize(offsets_old + rows.size());
        const char* in = src.string_arena().data();
        char* out = dst.arena_.data();
        std::uint32_t pos = static_cast<std::uint32_t>(arena_old);
        for (std::size_t i = 0; i < rows.size(); ++i) {
          const std::uint32_t len = off[rows[i] + 1] - off[rows[i]];
          std::memcpy(out + pos, in + off[rows[i]], len);
          pos += len;
          dst.offsets_[offsets_old + i] = pos;
        }
        break;
      }
    }
    if (dst.nullable_) {
      dst.validity_.resize((base + rows.size() + 63) / 64, 0);
      const bool src_has_nulls = !src.validity().empty();
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const bool valid = !src_has_nulls || !src.is_null(rows[i]);
        const std::size_t row = base + i;
        if (valid) dst.validity_[row >> 6] |= std::uint64_t{1} << (row & 63);
      }
    }
  }
  const std::int64_t* times = source.event_times().data();
  event_times_.reserve(event_times_.size() + rows.size());
  for (std::uint32_t r : rows) event_times_.push_back(times[r]);
  num_rows_ += rows.size();
}

BatchPtr BatchBuilder::finish(bool reuse) {
  discard_row();  // an unfinished row never leaks into a batch
  auto batch = std::shared_ptr<RecordBatch>(new RecordBatch());
  batch->schema_ = schema_;
  batch->num_rows_ = num_rows_;
  batch->columns_ = std::move(columns_);
  batch->event_times_ = std::move(event_times_);
  reset(reuse ? expected_rows_ : 0);
  return batch;
}

}  // namespace rivulet::runtime

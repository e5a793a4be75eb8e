#pragma once
// The concrete field generators behind datagen's "field=generator" hints. Constructed by
// generator_parser.cpp, which has already checked arguments against the field's type.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "graphs/graph.hpp"
#include "operators/generators/field_generator.hpp"
#include "operators/generators/zipf_sampler.hpp"

namespace rivulet::operators::generators {

// A literal value of one field type (const and choice arguments).
using Scalar = std::variant<std::int64_t, double, bool, std::string>;
void append_scalar(runtime::BatchBuilder& out, std::size_t column, const Scalar& value);

class UniformInt final : public FieldGenerator {
 public:
  UniformInt(std::int64_t lo, std::int64_t hi) : lo_(lo), hi_(hi) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  std::int64_t lo_, hi_;
};

class UniformReal final : public FieldGenerator {
 public:
  UniformReal(double lo, double hi) : lo_(lo), hi_(hi) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  double lo_, hi_;
};

// normal(mean, stddev) and lognormal(mu, sigma) (exp of a normal: skewed positive amounts).
// Integer fields get the value rounded to the nearest integer.
class Gaussian final : public FieldGenerator {
 public:
  Gaussian(double mean, double stddev, bool log_normal, bool integral)
      : mean_(mean), stddev_(stddev), log_normal_(log_normal), integral_(integral) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  double mean_, stddev_;
  bool log_normal_, integral_;
};

// One of `cardinality` key values: 0..n-1 for int64 fields, prefix + index for strings.
// Uniform, or Zipf-skewed so that a few hot keys carry most records (rank 1 is index 0).
class KeyGenerator final : public FieldGenerator {
 public:
  KeyGenerator(std::uint64_t cardinality, std::optional<double> zipf_exponent, std::string prefix,
               bool as_string);
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;
  bool is_key() const override { return true; }

 private:
  std::uint64_t cardinality_;
  std::optional<ZipfSampler> zipf_;
  std::string prefix_;
  bool as_string_;
};

// The record's global index plus `start`; strings get its decimal text.
class Sequence final : public FieldGenerator {
 public:
  Sequence(graphs::FieldType type, std::int64_t start) : type_(type), start_(start) {}
  void append(const RecordInfo& record, DrawStream&, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  graphs::FieldType type_;
  std::int64_t start_;
};

class Choice final : public FieldGenerator {
 public:
  explicit Choice(std::vector<Scalar> values) : values_(std::move(values)) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  std::vector<Scalar> values_;
};

class Constant final : public FieldGenerator {
 public:
  explicit Constant(Scalar value) : value_(std::move(value)) {}
  void append(const RecordInfo&, DrawStream&, runtime::BatchBuilder& out,
              std::size_t column) const override {
    append_scalar(out, column, value_);
  }

 private:
  Scalar value_;
};

class BoolGenerator final : public FieldGenerator {
 public:
  explicit BoolGenerator(double p_true) : p_true_(p_true) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override {
    out.append_bool(column, draws.bernoulli(p_true_));
  }

 private:
  double p_true_;
};

// A random lowercase word of `length` letters.
class Word final : public FieldGenerator {
 public:
  explicit Word(std::size_t length) : length_(length) {}
  void append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;

 private:
  std::size_t length_;
};

// The record's event time (timestamp or int64 milliseconds).
class EventTime final : public FieldGenerator {
 public:
  void append(const RecordInfo& record, DrawStream&, runtime::BatchBuilder& out,
              std::size_t column) const override {
    out.append_int64(column, record.event_time_ms);
  }
};

// null(p) in front of another generator, for nullable fields.
class Nullable final : public FieldGenerator {
 public:
  Nullable(double p_null, std::unique_ptr<FieldGenerator> inner)
      : p_null_(p_null), inner_(std::move(inner)) {}
  void append(const RecordInfo& record, DrawStream& draws, runtime::BatchBuilder& out,
              std::size_t column) const override;
  bool is_key() const override { return inner_->is_key(); }

 private:
  double p_null_;
  std::unique_ptr<FieldGenerator> inner_;
};

}  // namespace rivulet::operators::generators

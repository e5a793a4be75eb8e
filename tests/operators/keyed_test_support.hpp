#pragma once
// Helpers for the keyed-operator tests (alert, dedup, top_n, window_join): build an operator
// through its registered factory from a node and schemas, collect what it emits per port, keep
// snapshot blobs in memory, and print rows as text so expectations read like tables.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_factory.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::operators::testing {

class CollectingCollector final : public runtime::Collector {
 public:
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    batches[port].push_back(std::move(batch));
  }
  bool has_capacity() const override { return true; }

  // Every row emitted on `port` as "v1|v2|...@event_time" (NULL for nulls), in emit order.
  std::vector<std::string> rows(std::size_t port = 0) const;
  std::vector<std::string> sorted_rows(std::size_t port = 0) const;
  void clear() { batches.clear(); }

  std::map<std::size_t, std::vector<runtime::BatchPtr>> batches;
};

class MemoryState final : public runtime::StateWriter, public runtime::StateReader {
 public:
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    blobs[std::string(name)].assign(bytes.begin(), bytes.end());
    return graphs::Ok{};
  }
  bool has_blob(std::string_view name) const override { return blobs.count(std::string(name)) > 0; }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    auto it = blobs.find(std::string(name));
    if (it == blobs.end()) return graphs::Error{"no blob " + std::string(name)};
    return it->second;
  }
  std::map<std::string, std::vector<std::byte>> blobs;
};

std::string row_text(const runtime::RecordBatch& batch, std::size_t row);

// Builds an operator with `factory` for `node` of `spec`; fails the test on a factory error.
struct Built {
  std::unique_ptr<runtime::Operator> op;
  std::string error;  // non-empty when the factory refused
};
Built build(const runtime::OperatorFactory& factory, const graphs::OperatorSpec& spec,
            const graphs::Node& node, std::vector<graphs::Schema> inputs,
            std::vector<graphs::Schema> outputs, std::vector<std::vector<std::string>> keys);
// The same with a state backend; `open` false leaves open() to the caller (a restore first,
// as the job supervisor does it).
Built build(const runtime::OperatorFactory& factory, const graphs::OperatorSpec& spec,
            const graphs::Node& node, std::vector<graphs::Schema> inputs,
            std::vector<graphs::Schema> outputs, std::vector<std::vector<std::string>> keys,
            runtime::state::StateBackendOptions backend, bool open = true);
// Opens an operator built with open = false, as its task would.
graphs::Status open_operator(runtime::Operator& op, const graphs::Node& node,
                             std::vector<graphs::Schema> inputs);

// A batch of `schema` from rows of text cells ("NULL" for null; int64/timestamp/float64 parsed;
// bool as true/false), with the given event times.
runtime::BatchPtr make_rows(const runtime::SchemaPtr& schema,
                            const std::vector<std::vector<std::string>>& rows,
                            const std::vector<std::int64_t>& times);

}  // namespace rivulet::operators::testing

#pragma once
// Tiny operators with their own specs, registered in a test runtime::OperatorRegistry, so the
// planner and job tests do not depend on the real operators (which are written in parallel):
//   count_source  — a bounded (or, with count = 0, unbounded) source of {seq, key} records
//   pass          — emits its input unchanged
//   fail_after    — throws once it has seen `after` records (only in the first `fail_builds`
//                   instances built, so a restarted job can succeed)
//   keyer         — a "keying" operator (like key_by): pass-through with a keyed output
//   collect       — a sink remembering every record it saw, and its build context's input keys
//   keyed_collect — the same with a keyed input (like window_aggregate)
//   spec_only     — registered without a factory

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::runtime::jobtest {

using graphs::FieldType;

inline graphs::Schema record_schema() {
  return {{"seq", FieldType::Int64, false}, {"key", FieldType::String, false}};
}

// What the sinks saw, shared by every sink instance of a test.
struct Collected {
  struct Row {
    std::string node;
    std::uint32_t subtask = 0;
    std::int64_t seq = 0;
    std::string key;
  };
  std::mutex mutex;
  std::vector<Row> rows;
  std::vector<std::vector<std::string>> input_keys;  // as given to each sink's factory
  std::atomic<std::uint64_t> count{0};
  std::atomic<int> builds_of_failing{0};

  std::vector<Row> snapshot() {
    std::lock_guard lock(mutex);
    return rows;
  }
};

class CountingSource final : public SourceOperator {
 public:
  CountingSource(std::int64_t count, std::int64_t batch_rows, std::uint32_t subtask,
                 std::int64_t keys)
      : count_(count), batch_rows_(batch_rows), keys_(keys), next_(0), first_(subtask * 1000000) {}

  graphs::Status open(const OperatorContext& context) override {
    schema_ = context.output_schemas.at(0);
    return graphs::Ok{};
  }
  void poll(SourceCollector& out, std::size_t max_batches) override {
    for (std::size_t b = 0; b < max_batches && has_more(); ++b) {
      BatchBuilder builder(schema_, static_cast<std::size_t>(batch_rows_));
      for (std::int64_t i = 0; i < batch_rows_ && has_more(); ++i, ++next_) {
        const std::int64_t seq = first_ + next_;
        builder.append_int64(0, seq);
        std::string key = "k";
        key += std::to_string(next_ % keys_);
        builder.append_string(1, key);
        builder.end_row(next_);
      }
      out.emit(builder.finish());
      out.emit_watermark(next_ - 1);
    }
  }
  bool has_more() const override { return count_ == 0 || next_ < count_; }

 private:
  std::int64_t count_;
  std::int64_t batch_rows_;
  std::int64_t keys_;
  std::int64_t next_;
  std::int64_t first_;
  SchemaPtr schema_;
};

class Pass final : public Operator {
 public:
  void process(std::size_t, const BatchPtr& batch, Collector& out) override { out.emit(batch); }
};

class FailAfter final : public Operator {
 public:
  explicit FailAfter(std::int64_t after) : after_(after) {}
  void process(std::size_t, const BatchPtr& batch, Collector& out) override {
    seen_ += static_cast<std::int64_t>(batch->num_rows());
    if (seen_ >= after_)
      throw std::runtime_error("boom after " + std::to_string(seen_) + " records");
    out.emit(batch);
  }

 private:
  std::int64_t after_;
  std::int64_t seen_ = 0;
};

class Collect final : public Operator {
 public:
  Collect(std::shared_ptr<Collected> log, std::string node, std::uint32_t subtask)
      : log_(std::move(log)), node_(std::move(node)), subtask_(subtask) {}
  void process(std::size_t, const BatchPtr& batch, Collector&) override {
    std::lock_guard lock(log_->mutex);
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      log_->rows.push_back({node_, subtask_, batch->column(0).int64s()[r],
                            std::string(batch->column(1).string_at(r))});
    }
    log_->count.fetch_add(batch->num_rows());
  }

 private:
  std::shared_ptr<Collected> log_;
  std::string node_;
  std::uint32_t subtask_;
};

inline std::int64_t int_parameter(const graphs::Node& node, const std::string& name,
                                  std::int64_t fallback) {
  const graphs::Value* value = node.parameter(name);
  return value ? std::get<std::int64_t>(*value) : fallback;
}

// The test registry; every sink writes into `log`. `fail_builds`: how many fail_after instances
// (counted over the whole job, restarts included) fail; later ones pass records through.
inline runtime::OperatorRegistry make_registry(std::shared_ptr<Collected> log,
                                               int fail_builds = 1 << 30) {
  using namespace operators::spec;  // NOLINT(google-build-using-namespace): spec declarations
  using SpecOf = operators::spec::Operator;  // runtime::Operator would hide it here
  using runtime::OperatorBuildContext;
  runtime::OperatorRegistry registry;
  auto must = [](graphs::Status status) {
    if (!status) throw std::logic_error(status.error().message);
  };

  must(registry.add(SpecOf("count_source", "source", "Counts.")
                        .outputs({output("out", fixed(record_schema()), "Records.")})
                        .parameters({integer("count", 100, "Records per instance; 0: unbounded."),
                                     integer("batch", 10, "Rows per batch."),
                                     integer("keys", 10, "Distinct keys.")}),
                    runtime::SourceFactory([](const runtime::OperatorBuildContext& c)
                                               -> graphs::Result<std::unique_ptr<SourceOperator>> {
                      return std::unique_ptr<SourceOperator>(std::make_unique<CountingSource>(
                          int_parameter(c.node, "count", 100), int_parameter(c.node, "batch", 10),
                          c.subtask_index, int_parameter(c.node, "keys", 10)));
                    })));

  auto transform = [](auto make) {
    return runtime::TransformFactory(
        [make](const runtime::OperatorBuildContext& c)
            -> graphs::Result<std::unique_ptr<Operator>> { return make(c); });
  };

  must(
      registry.add(SpecOf("pass", "transform", "Passes.")
                       .inputs({input("in", "Records.")})
                       .outputs({output("out", same_as_input("in"), "Records.")}),
                   transform([](const runtime::OperatorBuildContext&) -> std::unique_ptr<Operator> {
                     return std::make_unique<Pass>();
                   })));

  must(registry.add(
      SpecOf("fail_after", "transform", "Fails.")
          .inputs({input("in", "Records.")})
          .outputs({output("out", same_as_input("in"), "Records.")})
          .parameters({integer("after", 100, "Records before failing.")}),
      transform(
          [log, fail_builds](const runtime::OperatorBuildContext& c) -> std::unique_ptr<Operator> {
            if (log->builds_of_failing.fetch_add(1) >= fail_builds) return std::make_unique<Pass>();
            return std::make_unique<FailAfter>(int_parameter(c.node, "after", 100));
          })));

  must(registry.add(
      SpecOf("keyer", "keying", "Keys.")
          .inputs({input("in", "Records.")})
          .outputs({keying_output("out", same_as_input("in"), "Keyed records.", "keys")})
          .parameters({required_list("keys", ParameterType::FieldList, "Key fields.").over("in")}),
      transform([](const runtime::OperatorBuildContext&) -> std::unique_ptr<Operator> {
        return std::make_unique<Pass>();
      })));

  auto sink = [log](const runtime::OperatorBuildContext& c) -> std::unique_ptr<Operator> {
    {
      std::lock_guard lock(log->mutex);
      log->input_keys.push_back(c.input_keys.at(0));
    }
    return std::make_unique<Collect>(log, c.node.id, c.subtask_index);
  };
  must(registry.add(SpecOf("collect", "sink", "Collects.").inputs({input("in", "Records.")}),
                    transform(sink)));
  must(registry.add(
      SpecOf("keyed_collect", "sink", "Collects keyed.").inputs({keyed_input("in", "Keyed.")}),
      transform(sink)));

  must(registry.add(SpecOf("spec_only", "transform", "No implementation.")
                        .inputs({input("in", "Records.")})
                        .outputs({output("out", same_as_input("in"), "Records.")})));
  return registry;
}

// Graph building shorthand.
inline graphs::Node node(std::string id, std::string kind, std::uint32_t parallelism = 1,
                         std::vector<graphs::Parameter> parameters = {}) {
  graphs::Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parallelism = parallelism;
  n.parameters = std::move(parameters);
  return n;
}

inline graphs::Edge edge(std::string from, std::string to,
                         graphs::PartitioningKind kind = graphs::PartitioningKind::Forward,
                         std::vector<std::string> keys = {}) {
  return graphs::Edge{{std::move(from), "out"}, {std::move(to), "in"}, {kind, std::move(keys)}};
}

}  // namespace rivulet::runtime::jobtest

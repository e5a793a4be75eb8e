#include "backend_cases.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>

#include "operators/absence.hpp"
#include "operators/alert.hpp"
#include "operators/dedup.hpp"
#include "operators/join.hpp"
#include "operators/previous.hpp"
#include "operators/running_stats.hpp"
#include "operators/top_n.hpp"
#include "operators/window_aggregate.hpp"
#include "operators/window_join.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::testing {

namespace {

using graphs::FieldType;

graphs::Parameter param(std::string name, graphs::Value v) {
  return graphs::Parameter{std::move(name), std::move(v)};
}
graphs::Parameter ms(std::string name, std::int64_t v) {
  return param(std::move(name), graphs::Duration{v});
}

std::shared_ptr<const graphs::Node> node(std::string id, std::string kind,
                                         std::vector<graphs::Parameter> parameters) {
  auto n = std::make_shared<graphs::Node>();
  n->id = std::move(id);
  n->kind = std::move(kind);
  n->parameters = std::move(parameters);
  return n;
}

// ---- window_aggregate: 64 records a batch, event times ~1 per record with jitter ----------

const graphs::Schema kWindowInput = {
    {"k", FieldType::Int64, false}, {"v", FieldType::Int64, true}, {"s", FieldType::String, true}};

std::vector<Step> window_workload(std::uint32_t seed, int batches, int keys) {
  std::mt19937 rng(seed);
  auto schema = std::make_shared<const graphs::Schema>(kWindowInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(schema);
    std::int64_t max_t = 0;
    for (int r = 0; r < 64; ++r) {
      t += 1;
      const std::int64_t at = t - static_cast<std::int64_t>(rng() % 40);
      max_t = std::max(max_t, at);
      builder.append_int64(0, static_cast<std::int64_t>(rng() % keys));
      if (rng() % 10 == 0) {
        builder.append_null(1);
      } else {
        builder.append_int64(1, static_cast<std::int64_t>(rng() % 100) - 20);
      }
      builder.append_string(2, "s" + std::to_string(rng() % 7));
      builder.end_row(at);
    }
    steps.push_back(Step{0, builder.finish(false), max_t - 25});
  }
  return steps;
}

BackendCase window_case(std::string name, std::vector<graphs::Parameter> window, std::string key) {
  const graphs::StringList aggregates = {"count(*)",
                                         "sum(v)",
                                         "min(s)",
                                         "max(v)",
                                         "avg(v)",
                                         "count_distinct(s)",
                                         "percentile(v, 0.5) AS p50"};
  window.push_back(param("aggregates", aggregates));
  BackendCase c;
  c.name = std::move(name);
  c.node = node("w", "window_aggregate", std::move(window));
  c.spec = window_aggregate_spec();
  c.factory = window_aggregate_factory();
  c.inputs = {kWindowInput};
  c.keys = {{std::move(key)}};
  c.ports = 2;  // results, late records
  c.cut = 23;
  c.min_rows = 100;
  c.ordered = false;
  c.workload = [](std::uint32_t seed) { return window_workload(seed, 40, 23); };
  return c;
}

// ---- dedup: 50 records a batch over 120 ids (id 0 is NULL) ---------------------------------

const graphs::Schema kDedupInput = {{"id", FieldType::String, true},
                                    {"v", FieldType::Int64, false}};

std::vector<Step> dedup_workload(std::uint32_t seed, int batches, int keys) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kDedupInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 50; ++r) {
      t += 1;
      const std::uint32_t k = rng() % keys;
      if (k == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "id-" + std::to_string(k));
      }
      builder.append_int64(1, r);
      builder.end_row(t - static_cast<std::int64_t>(rng() % 30));
    }
    steps.push_back(Step{0, builder.finish(false), t - 30});
  }
  return steps;
}

BackendCase dedup_case() {
  BackendCase c;
  c.name = "Dedup";
  c.node = node("d1", "dedup", {ms("horizon", 100)});
  c.spec = dedup_spec();
  c.factory = dedup_factory();
  c.inputs = {kDedupInput};
  c.outputs = {kDedupInput};
  c.keys = {{"id"}};
  c.cut = 25;
  c.min_rows = 200;
  c.workload = [](std::uint32_t seed) { return dedup_workload(seed, 60, 120); };
  return c;
}

// ---- top_n: 40 records a batch over 8 pages (and NULL), scores with NULLs -------------------

const graphs::Schema kTopNInput = {{"page", FieldType::String, true},
                                   {"score", FieldType::Float64, true},
                                   {"user", FieldType::String, false}};

std::vector<Step> top_n_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kTopNInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 40; ++r) {
      t += 1;
      const std::uint32_t page = rng() % 9;
      if (page == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "p" + std::to_string(page));
      }
      if (rng() % 12 == 0) {
        builder.append_null(1);
      } else {
        builder.append_float64(1, static_cast<double>(rng() % 50));
      }
      builder.append_string(2, "u" + std::to_string(rng() % 1000));
      builder.end_row(t - static_cast<std::int64_t>(rng() % 25));
    }
    steps.push_back(Step{0, builder.finish(false), t - 20});
  }
  return steps;
}

BackendCase top_n_case() {
  graphs::Schema output = kTopNInput;
  output.push_back({"rank", FieldType::Int64, false});
  BackendCase c;
  c.name = "TopN";
  c.node = node("t1", "top_n",
                {param("n", std::int64_t{3}), param("order_by", graphs::StringList{"score"}),
                 param("descending", true), ms("size", 30)});
  c.spec = top_n_spec();
  c.factory = top_n_factory();
  c.inputs = {kTopNInput};
  c.outputs = {output};
  c.keys = {{"page"}};
  c.ports = 2;
  c.cut = 17;
  c.min_rows = 100;
  c.workload = [](std::uint32_t seed) { return top_n_workload(seed, 40); };
  return c;
}

// ---- alert: 40 records a batch over 14 cards (and NULL) -------------------------------------

const graphs::Schema kAlertInput = {{"card", FieldType::String, true},
                                    {"amount", FieldType::Float64, true}};

std::vector<Step> alert_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kAlertInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 40; ++r) {
      t += 2;
      const std::uint32_t card = rng() % 15;
      if (card == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "c" + std::to_string(card));
      }
      builder.append_float64(1, static_cast<double>(rng() % 500));
      builder.end_row(t - static_cast<std::int64_t>(rng() % 30));
    }
    steps.push_back(Step{0, builder.finish(false), t - 20});
  }
  return steps;
}

BackendCase alert_case() {
  graphs::Schema output = kAlertInput;
  output.push_back({"alert_rule", FieldType::String, false});
  output.push_back({"alert_count", FieldType::Int64, false});
  output.push_back({"alert_message", FieldType::String, false});
  output.push_back({"alert_time", FieldType::Timestamp, false});
  BackendCase c;
  c.name = "Alert";
  c.node = node("a1", "alert",
                {param("count", std::int64_t{3}), ms("within", 40), ms("suppress_for", 25)});
  c.spec = alert_spec();
  c.factory = alert_factory();
  c.inputs = {kAlertInput};
  c.outputs = {output};
  c.keys = {{"card"}};
  c.ports = 2;
  c.cut = 21;
  c.min_rows = 20;
  c.workload = [](std::uint32_t seed) { return alert_workload(seed, 50); };
  return c;
}

// ---- window_join: batches alternate between the inputs, 30 records over 11 users (and NULL) -

const graphs::Schema kJoinLeft = {{"user", FieldType::String, true},
                                  {"click", FieldType::String, false}};
const graphs::Schema kJoinRight = {{"user", FieldType::String, true},
                                   {"amount", FieldType::Int64, false}};

std::vector<Step> join_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto ls = std::make_shared<const graphs::Schema>(kJoinLeft);
  auto rs = std::make_shared<const graphs::Schema>(kJoinRight);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    const std::size_t input = b % 2;
    runtime::BatchBuilder builder(input == 0 ? ls : rs);
    for (int r = 0; r < 30; ++r) {
      t += 1;
      const std::uint32_t user = rng() % 12;
      if (user == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "u" + std::to_string(user));
      }
      if (input == 0) {
        builder.append_string(1, "c" + std::to_string(rng() % 100));
      } else {
        builder.append_int64(1, static_cast<std::int64_t>(rng() % 1000));
      }
      builder.end_row(t - static_cast<std::int64_t>(rng() % 40));
    }
    steps.push_back(Step{input, builder.finish(false), t - 30});
  }
  return steps;
}

BackendCase join_case(std::string name, std::string join_type) {
  BackendCase c;
  c.name = std::move(name);
  c.node = node("j1", "window_join",
                {ms("size", 25), ms("allowed_lateness", 10), param("join_type", join_type)});
  c.spec = window_join_spec();
  c.factory = window_join_factory();
  c.inputs = {kJoinLeft, kJoinRight};
  c.outputs = {{{"user", FieldType::String, true},
                {"click", FieldType::String, false},
                {"right_user", FieldType::String, true},
                {"amount", FieldType::Int64, false}}};
  c.keys = {{"user"}, {"user"}};
  c.ports = 3;  // pairs, late left, late right
  c.cut = 19;
  c.min_rows = 50;
  c.workload = [](std::uint32_t seed) { return join_workload(seed, 40); };
  return c;
}

// join (regular and interval), on the window_join workload.
BackendCase regular_join_case(std::string name, std::vector<graphs::Parameter> params,
                              bool left_join) {
  BackendCase c = join_case(std::move(name), "inner");
  c.node = node("j2", "join", std::move(params));
  c.spec = join_spec();
  c.factory = join_factory();
  if (left_join) {
    for (std::size_t f = 2; f < c.outputs[0].size(); ++f) c.outputs[0][f].nullable = true;
  }
  c.min_rows = 500;
  return c;
}

// ---- absence: 30 records a batch over 40 devices, a quarter of them falling silent ------------

const graphs::Schema kAbsenceInput = {{"device", FieldType::String, true},
                                      {"reading", FieldType::Int64, false}};

std::vector<Step> absence_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kAbsenceInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 30; ++r) {
      t += 1;
      // Devices 30..39 report only in some stretches of batches: they go silent and return.
      std::uint32_t k = rng() % 40;
      if (k >= 30 && (b / 7) % 2 == 1) k = rng() % 30;
      if (k == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "dev-" + std::to_string(k));
      }
      builder.append_int64(1, r);
      builder.end_row(t - static_cast<std::int64_t>(rng() % 20));
    }
    steps.push_back(Step{0, builder.finish(false), t - 25});
  }
  return steps;
}

BackendCase absence_case() {
  graphs::Schema output = kAbsenceInput;
  output.push_back({"last_seen", FieldType::Timestamp, false});
  BackendCase c;
  c.name = "Absence";
  c.node = node("silent", "absence", {ms("timeout", 60)});
  c.spec = absence_spec();
  c.factory = absence_factory();
  c.inputs = {kAbsenceInput};
  c.outputs = {output};
  c.keys = {{"device"}};
  c.ports = 2;
  c.cut = 23;
  c.min_rows = 20;
  c.workload = [](std::uint32_t seed) { return absence_workload(seed, 50); };
  return c;
}

// ---- previous: 32 records a batch over 25 cards (NULL among them), out of order ---------------

const graphs::Schema kPreviousInput = {{"card", FieldType::String, true},
                                       {"amount", FieldType::Int64, false}};

std::vector<Step> previous_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kPreviousInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 32; ++r) {
      t += 1;
      const std::uint32_t k = rng() % 25;
      if (k == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "card-" + std::to_string(k));
      }
      builder.append_int64(1, static_cast<std::int64_t>(rng() % 500));
      builder.end_row(t - static_cast<std::int64_t>(rng() % 40));  // some arrive behind
    }
    steps.push_back(Step{0, builder.finish(false), t - 30});
  }
  return steps;
}

BackendCase previous_case() {
  graphs::Schema output = kPreviousInput;
  output.push_back({"prev_amount", FieldType::Int64, false});
  output.push_back({"prev_bigger", FieldType::Bool, false});
  BackendCase c;
  c.name = "Previous";
  c.node = node(
      "pairs", "previous",
      {param("carry", graphs::StringList{"amount AS prev_amount", "amount > 250 AS prev_bigger"}),
       ms("max_gap", 80)});
  c.spec = previous_spec();
  c.factory = previous_factory();
  c.inputs = {kPreviousInput};
  c.outputs = {output};
  c.keys = {{"card"}};
  c.ports = 2;
  c.cut = 19;
  c.min_rows = 500;
  c.workload = [](std::uint32_t seed) { return previous_workload(seed, 40); };
  return c;
}

// ---- running_stats: 40 records a batch over 15 sensors, values with NULLs ---------------------

const graphs::Schema kStatsInput = {{"sensor", FieldType::Int64, false},
                                    {"value", FieldType::Float64, true}};

std::vector<Step> stats_workload(std::uint32_t seed, int batches) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(kStatsInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 40; ++r) {
      t += 1;
      const auto sensor = static_cast<std::int64_t>(rng() % 15);
      builder.append_int64(0, sensor);
      if (rng() % 11 == 0) {
        builder.append_null(1);
      } else {
        builder.append_float64(
            1, static_cast<double>(sensor * 10) + static_cast<double>(rng() % 1000) / 100.0);
      }
      builder.end_row(t);
    }
    steps.push_back(Step{0, builder.finish(false), t});
  }
  return steps;
}

BackendCase running_stats_case() {
  graphs::Schema output = kStatsInput;
  output.push_back({"mean", FieldType::Float64, true});
  output.push_back({"stddev", FieldType::Float64, true});
  output.push_back({"zscore", FieldType::Float64, true});
  output.push_back({"samples", FieldType::Int64, false});
  BackendCase c;
  c.name = "RunningStats";
  c.node = node("score", "running_stats",
                {param("field", graphs::StringList{"value"}), param("window", std::int64_t{12}),
                 param("min_samples", std::int64_t{4})});
  c.spec = running_stats_spec();
  c.factory = running_stats_factory();
  c.inputs = {kStatsInput};
  c.outputs = {output};
  c.keys = {{"sensor"}};
  c.cut = 17;
  c.min_rows = 1000;
  c.workload = [](std::uint32_t seed) { return stats_workload(seed, 40); };
  return c;
}

}  // namespace

std::unique_ptr<runtime::Operator> BackendCase::make(graphs::StateBackend kind, bool open,
                                                     runtime::state::RocksDbBudget budget) const {
  runtime::state::StateBackendOptions backend;
  backend.kind = kind;
  backend.budget = budget;
  auto built = build(factory, spec, *node, inputs, outputs, keys, backend, open);
  EXPECT_EQ(built.error, "");
  return std::move(built.op);
}

graphs::Status BackendCase::open(runtime::Operator& op) const {
  return open_operator(op, *node, inputs);
}

void feed(runtime::Operator& op, const std::vector<Step>& steps, std::size_t from, std::size_t to,
          CollectingCollector& out) {
  for (std::size_t i = from; i < to; ++i) {
    op.process(steps[i].input, steps[i].batch, out);
    op.on_watermark(steps[i].watermark, out);
  }
}

std::vector<BackendCase> backend_cases() {
  return {
      window_case(
          "WindowTumbling",
          {param("window", std::string("tumbling")), ms("size", 50), ms("allowed_lateness", 20)},
          "k"),
      window_case("WindowSliding",
                  {param("window", std::string("sliding")), ms("size", 60), ms("slide", 20)}, "k"),
      window_case(
          "WindowSessionStringKey",
          {param("window", std::string("session")), ms("gap", 15), ms("allowed_lateness", 10)},
          "s"),
      dedup_case(),
      top_n_case(),
      alert_case(),
      join_case("JoinInner", "inner"),
      join_case("JoinLeft", "left"),
      regular_join_case("RegularJoin", {}, false),
      regular_join_case(
          "IntervalJoin",
          {param("mode", std::string("interval")), ms("lower_bound", 12), ms("upper_bound", 20)},
          false),
      regular_join_case("IntervalLeftJoin",
                        {param("mode", std::string("interval")), ms("lower_bound", 5),
                         ms("upper_bound", 9), param("join_type", std::string("left"))},
                        true),
      absence_case(),
      running_stats_case(),
      previous_case(),
  };
}

BackendCase backend_case(const std::string& name) {
  for (BackendCase& c : backend_cases()) {
    if (c.name == name) return std::move(c);
  }
  throw std::logic_error("no backend case " + name);
}

}  // namespace rivulet::operators::testing

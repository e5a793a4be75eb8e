// validate(): one fixture per rule, each compared against the full list of problem strings.

#include "graphs/validator.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::graphs {
namespace {

using Strings = std::vector<std::string>;

// ---- a small catalog covering every schema rule ----------------------------------------------

SchemaRule rule(SchemaRuleKind kind, std::string port = "", std::string parameter = "") {
  SchemaRule r;
  r.kind = kind;
  r.port = std::move(port);
  r.parameter = std::move(parameter);
  return r;
}

PortSpec input(std::string name, PortKind kind = PortKind::Records) {
  PortSpec p;
  p.name = std::move(name);
  p.kind = kind;
  return p;
}

PortSpec output(std::string name, SchemaRule schema, PortKind kind = PortKind::Records) {
  PortSpec p = input(std::move(name), kind);
  p.schema = std::move(schema);
  return p;
}

ParameterSpec param(std::string name, ParameterType type, bool required = false) {
  ParameterSpec p;
  p.name = std::move(name);
  p.type = type;
  p.required = required;
  return p;
}

ParameterSpec ranged(ParameterSpec p, std::optional<Value> fallback, std::optional<double> min,
                     std::optional<double> max) {
  p.default_value = std::move(fallback);
  p.minimum = min;
  p.maximum = max;
  return p;
}

ParameterSpec over(ParameterSpec p, std::string port, std::string result_type = "") {
  p.input_port = std::move(port);
  p.result_type = std::move(result_type);
  return p;
}

ParameterSpec enumeration(std::string name, std::vector<std::string> allowed,
                          std::string fallback) {
  ParameterSpec p = param(std::move(name), ParameterType::Enum);
  p.allowed_values = std::move(allowed);
  p.default_value = Value(std::move(fallback));
  return p;
}

// Applies only while `controller` has one of `values`.
ParameterSpec when(ParameterSpec p, std::string controller, std::vector<std::string> values) {
  p.applies_when = ParameterCondition{std::move(controller), std::move(values)};
  return p;
}

OperatorSpec op(std::string kind, std::string category, std::vector<PortSpec> inputs,
                std::vector<PortSpec> outputs, std::vector<ParameterSpec> parameters,
                std::uint32_t max_parallelism = 0) {
  OperatorSpec spec;
  spec.kind = std::move(kind);
  spec.category = std::move(category);
  spec.inputs = std::move(inputs);
  spec.outputs = std::move(outputs);
  spec.parameters = std::move(parameters);
  spec.max_parallelism = max_parallelism;
  return spec;
}

// source (FromParameter), clock (Fixed), filter (SameAsInput + bool expression), map
// (ExtendInput), project (Projection), key_by (keying), window_aggregate (keyed input,
// WindowAggregate), join (Join), alert (AppendFixed), sink (no outputs).
const Catalog& catalog() {
  static const Catalog catalog = [] {
    Catalog c;
    auto& ops = c.operators;
    ops.push_back(op("source", "source", {},
                     {output("out", rule(SchemaRuleKind::FromParameter, "", "schema"))},
                     {param("schema", ParameterType::Schema, true),
                      ranged(param("rate", ParameterType::Int), std::int64_t{100}, 1, 10000),
                      ranged(param("poll", ParameterType::Duration), Duration{1000}, 100, 60000)},
                     4));
    SchemaRule ticks = rule(SchemaRuleKind::Fixed);
    ticks.fields = {Field{"tick", FieldType::Timestamp}};
    ops.push_back(op("clock", "source", {}, {output("out", ticks)}, {}));
    ops.push_back(op("filter", "transform", {input("in")},
                     {output("out", rule(SchemaRuleKind::SameAsInput, "in"))},
                     {over(param("condition", ParameterType::Expression, true), "in", "bool"),
                      ranged(param("sample", ParameterType::Float), 1.0, 0, 1)}));
    ops.push_back(op("map", "transform", {input("in")},
                     {output("out", rule(SchemaRuleKind::ExtendInput, "in", "expressions"))},
                     {param("expressions", ParameterType::ExpressionList, true)}));
    ops.push_back(op("project", "transform", {input("in")},
                     {output("out", rule(SchemaRuleKind::Projection, "in", "columns"))},
                     {param("columns", ParameterType::ExpressionList, true)}));
    PortSpec keyed = output("out", rule(SchemaRuleKind::SameAsInput, "in"), PortKind::Keyed);
    keyed.keyed_by = "keys";
    ops.push_back(op("key_by", "keying", {input("in")}, {keyed},
                     {over(param("keys", ParameterType::FieldList, true), "in")}));
    SchemaRule window = rule(SchemaRuleKind::WindowAggregate, "in", "aggregates");
    window.keys_parameter = "group_by";
    ops.push_back(
        op("window_aggregate", "window", {input("in", PortKind::Keyed)},
           {output("out", window), output("late", rule(SchemaRuleKind::SameAsInput, "in"))},
           {enumeration("window", {"tumbling", "sliding"}, "tumbling"),
            ranged(param("size", ParameterType::Duration, true), std::nullopt, 1000, {}),
            // Required, but only for sliding windows.
            when(ranged(param("slide", ParameterType::Duration, true), std::nullopt, 1000, {}),
                 "window", {"sliding"}),
            param("group_by", ParameterType::FieldList),
            over(param("aggregates", ParameterType::AggregateList, true), "in")}));
    SchemaRule join = rule(SchemaRuleKind::Join, "left");
    join.right_port = "right";
    join.right_nullable_parameter = "join_type";
    join.right_nullable_value = "left";
    ops.push_back(op("join", "join", {input("left"), input("right")}, {output("out", join)},
                     {ranged(param("within", ParameterType::Duration), Duration{60000}, 1, {}),
                      enumeration("join_type", {"inner", "left"}, "inner")}));
    SchemaRule stamped = rule(SchemaRuleKind::AppendFixed, "in");
    stamped.fields = {Field{"alert_time", FieldType::Timestamp}};
    ops.push_back(op("alert", "alert", {input("in")}, {output("out", stamped)},
                     {ranged(param("threshold", ParameterType::Int, true), std::nullopt, 1, {}),
                      param("enabled", ParameterType::Bool)}));
    ops.push_back(op("sink", "sink", {input("in")}, {},
                     {param("topic", ParameterType::String, true),
                      param("brokers", ParameterType::StringList, true),
                      enumeration("format", {"json", "csv"}, "json"),
                      when(param("delimiter", ParameterType::String), "format", {"csv"})}));
    return c;
  }();
  return catalog;
}

// ---- graph building ------------------------------------------------------------------------

const Schema kPayments = {{"id", FieldType::Int64},
                          {"card", FieldType::String},
                          {"amount", FieldType::Float64},
                          {"ts", FieldType::Timestamp}};

Node node(std::string id, std::string kind, std::vector<Parameter> parameters = {}) {
  Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parameters = std::move(parameters);
  return n;
}

Endpoint endpoint(const std::string& text) {
  auto dot = text.find('.');
  return Endpoint{text.substr(0, dot), text.substr(dot + 1)};
}

Edge edge(const std::string& from, const std::string& to,
          PartitioningKind kind = PartitioningKind::Forward, std::vector<std::string> keys = {}) {
  return Edge{endpoint(from), endpoint(to), Partitioning{kind, std::move(keys)}};
}

Node source(std::string id, Schema schema) {
  return node(std::move(id), "source", {{"schema", std::move(schema)}});
}

Node sink(std::string id) {
  return node(std::move(id), "sink",
              {{"topic", std::string("alerts")}, {"brokers", StringList{"localhost:9092"}}});
}

// src -> big (filter) -> dbl (map) -> keyed (key_by) =hash(card)=> win (window) -> out (sink)
Graph pipeline() {
  Graph g;
  g.name = "payments";
  g.nodes = {
      source("src", kPayments),
      node("big", "filter", {{"condition", Expression{"amount > 100"}}}),
      node("dbl", "map", {{"expressions", StringList{"amount * 2 AS doubled"}}}),
      node("keyed", "key_by", {{"keys", StringList{"card"}}}),
      node("win", "window_aggregate",
           {{"size", Duration{60000}},
            {"aggregates", StringList{"count(*) AS n", "sum(amount) AS total"}}}),
      sink("out"),
  };
  g.edges = {
      edge("src.out", "big.in"),   edge("big.out", "dbl.in"),
      edge("dbl.out", "keyed.in"), edge("keyed.out", "win.in", PartitioningKind::Hash, {"card"}),
      edge("win.out", "out.in"),
  };
  return g;
}

Strings problems(const ValidationReport& report) {
  Strings out;
  for (const auto& p : report.problems) out.push_back(p.to_string());
  return out;
}

Strings problems(const Graph& graph) { return problems(validate(graph, catalog())); }

Strings names(const Schema& schema) {
  Strings out;
  for (const auto& f : schema) out.push_back(f.name);
  return out;
}

Schema output_schema(const Graph& graph, const std::string& node, const std::string& port = "out") {
  auto report = validate(graph, catalog());
  auto it = report.output_schemas.find({node, port});
  EXPECT_NE(it, report.output_schemas.end()) << node << "." << port;
  return it == report.output_schemas.end() ? Schema{} : it->second;
}

void set(Graph& g, const std::string& id, const std::string& name, Value value) {
  g.node(id)->set_parameter(name, std::move(value));
}

// ---- the valid pipeline ----------------------------------------------------------------------

TEST(Validator, ValidPipelineHasNoProblemsAndSchemasOnEveryEdge) {
  Graph g = pipeline();
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report), Strings{});
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.error_count(), 0u);
  ASSERT_EQ(report.edge_schemas.size(), 5u);
  EXPECT_EQ(report.edge_schemas.at(0), kPayments);
  EXPECT_EQ(names(report.edge_schemas.at(2)), (Strings{"id", "card", "amount", "ts", "doubled"}));
  EXPECT_EQ(report.edge_schemas.at(2).back(), (Field{"doubled", FieldType::Float64, false}));
  EXPECT_EQ(names(report.output_schemas.at({"win", "out"})),
            (Strings{"card", "window_start", "window_end", "n", "total"}));
  const Schema& window = report.output_schemas.at({"win", "out"});
  EXPECT_EQ(window[0], (Field{"card", FieldType::String, false}));
  EXPECT_EQ(window[1], (Field{"window_start", FieldType::Timestamp, false}));
  EXPECT_EQ(window[3].type, FieldType::Int64);
  EXPECT_EQ(window[4].type, FieldType::Float64);
  EXPECT_EQ(report.output_schemas.at({"win", "late"}), report.edge_schemas.at(3));
}

// ---- Problem::to_string ------------------------------------------------------------------------

Problem make_problem(Severity severity, std::string node, std::optional<std::size_t> edge,
                     std::string edge_text, std::string field, std::string message) {
  Problem p;
  p.severity = severity;
  p.node_id = std::move(node);
  p.edge = edge;
  p.edge_text = std::move(edge_text);
  p.field = std::move(field);
  p.message = std::move(message);
  return p;
}

TEST(ValidatorProblem, ToStringNamesNodeEdgeOrGraph) {
  EXPECT_EQ(make_problem(Severity::Error, "alerts", std::nullopt, "", "parameters.threshold",
                         "value 0 is below the minimum 1")
                .to_string(),
            "node 'alerts', field 'parameters.threshold': value 0 is below the minimum 1");
  EXPECT_EQ(
      make_problem(Severity::Error, "", 2, "source.out -> filter.in", "to.port", "bad").to_string(),
      "edge 2 (source.out -> filter.in), field 'to.port': bad");
  EXPECT_EQ(
      make_problem(Severity::Error, "", std::nullopt, "", "", "the graph has no nodes").to_string(),
      "graph: the graph has no nodes");
  EXPECT_EQ(
      make_problem(Severity::Warning, "win", std::nullopt, "", "outputs", "unused").to_string(),
      "warning: node 'win', field 'outputs': unused");
}

TEST(ValidatorProblem, WarningsDoNotCountAsErrors) {
  Graph g = pipeline();
  g.edges.pop_back();
  g.nodes.pop_back();
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report),
            Strings{"warning: node 'win', field 'outputs': none of the output ports 'out', "
                    "'late' is connected to anything"});
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.error_count(), 0u);
}

TEST(ValidatorNodes, RequiredParameterWithoutDefault) {
  Graph g = pipeline();
  g.nodes.push_back(node("alerts", "alert"));
  g.nodes.push_back(sink("alert_out"));
  g.edges.push_back(edge("dbl.out", "alerts.in"));
  g.edges.push_back(edge("alerts.out", "alert_out.in"));
  EXPECT_EQ(problems(g), Strings{"node 'alerts', field 'parameters.threshold': required parameter "
                                 "'threshold' is missing"});
}

// ---- nodes -----------------------------------------------------------------------------------

TEST(ValidatorNodes, EmptyGraph) {
  EXPECT_EQ(problems(Graph{}), Strings{"graph: the graph has no nodes"});
}

TEST(ValidatorNodes, DuplicateId) {
  Graph g = pipeline();
  g.nodes.push_back(node("big", "filter", {{"condition", Expression{"amount > 1"}}}));
  EXPECT_EQ(problems(g),
            Strings{"node 'big', field 'id': node 6 reuses the id of node 1; node ids must be "
                    "unique"});
}

TEST(ValidatorNodes, EmptyId) {
  Graph g = pipeline();
  g.nodes.push_back(node("", "filter"));
  EXPECT_EQ(problems(g), Strings{"graph, field 'nodes[6].id': node 6 (kind 'filter') has an "
                                 "empty id"});
}

TEST(ValidatorNodes, UnknownKindSuggestsTheClosestKnownKind) {
  Graph g = pipeline();
  g.node("big")->kind = "filtr";
  g.nodes.push_back(node("tp", "teleport"));
  EXPECT_EQ(problems(g),
            (Strings{"node 'big', field 'kind': unknown operator kind 'filtr'; did you mean "
                     "'filter'?",
                     "node 'tp', field 'kind': unknown operator kind 'teleport'"}));
}

TEST(ValidatorNodes, Parallelism) {
  Graph g = pipeline();
  g.node("src")->parallelism = 8;
  g.node("big")->parallelism = 0;
  g.edges[0].partitioning.kind = PartitioningKind::Rebalance;
  EXPECT_EQ(problems(g),
            (Strings{"node 'src', field 'parallelism': parallelism 8 is above the maximum 4 of "
                     "'source'",
                     "node 'big', field 'parallelism': parallelism must be at least 1, got 0"}));
}

// 4294967295 instances used to validate and then exhaust memory.
TEST(ValidatorNodes, ParallelismAboveTheRunnersMaximum) {
  Graph g = pipeline();
  g.node("big")->parallelism = 4294967295u;
  g.node("dbl")->parallelism = 4294967295u;
  g.edges[0].partitioning.kind = PartitioningKind::Rebalance;
  g.edges[2].partitioning.kind = PartitioningKind::Rebalance;
  EXPECT_EQ(problems(g),
            (Strings{"node 'big', field 'parallelism': parallelism 4294967295 is above the "
                     "maximum 1024 this runner allows",
                     "node 'dbl', field 'parallelism': parallelism 4294967295 is above the "
                     "maximum 1024 this runner allows"}));
  g.node("big")->parallelism = 64;
  g.node("dbl")->parallelism = 64;
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(problems(validate(g, catalog(), ValidationLimits{32})).size(), 2u);
}

// A newline in an id used to print a forged "rivulet: error:" line.
TEST(ValidatorNodes, ControlCharactersInIdsAreRejectedAndNeverPrintedRaw) {
  Graph g = pipeline();
  g.nodes.push_back(node("x\nrivulet: error: \x1b[31mforged", "clock"));
  g.nodes.push_back(sink("x_out"));
  Edge e;
  e.from = {g.nodes[6].id, "out"};
  e.to = {"x_out", "in"};
  g.edges.push_back(e);
  auto found = problems(g);
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(found);
  EXPECT_EQ(found[0],
            "node 'x\\nrivulet: error: \\x1b[31mforged', field 'id': the id contains control "
            "characters (newlines, escapes); ids are names shown in logs and metrics, use "
            "printable characters");
}

// ---- runtime section -------------------------------------------------------------------------

TEST(ValidatorRuntime, NegativeDurationsZeroRetentionAndSmallMultipliers) {
  Graph g = pipeline();
  g.runtime.checkpoint_interval_ms = -1000;
  g.runtime.checkpoints_retained = 0;
  g.runtime.restart.kind = RestartKind::ExponentialBackoff;
  g.runtime.restart.initial_delay_ms = -5;
  g.runtime.restart.max_delay_ms = 10;
  g.runtime.restart.multiplier = -2;
  EXPECT_EQ(problems(g),
            (Strings{"graph, field 'runtime.checkpointIntervalMs': must not be negative, got "
                     "-1000 ms",
                     "graph, field 'runtime.checkpointsRetained': must be at least 1 (0 would keep "
                     "no checkpoint to restore from)",
                     "graph, field 'runtime.restartStrategy.exponentialBackoff.initialDelayMs': "
                     "must not be negative, got -5 ms",
                     "graph, field 'runtime.restartStrategy.exponentialBackoff.multiplier': must "
                     "be a number of at least 1, got -2"}));
  g.runtime = RuntimeConfig{};
  g.runtime.restart.kind = RestartKind::FixedDelay;
  g.runtime.restart.delay_ms = -1;
  EXPECT_EQ(problems(g), Strings{"graph, field 'runtime.restartStrategy.fixedDelay.delayMs': "
                                 "must not be negative, got -1 ms"});
  g.runtime = RuntimeConfig{};
  g.runtime.tolerable_failed_checkpoints = 4294967295u;  // a typo that would disable the limit
  EXPECT_EQ(problems(g), Strings{"graph, field 'runtime.tolerableFailedCheckpoints': must be at "
                                 "most 10000, got 4294967295"});
  g.runtime.tolerable_failed_checkpoints = 0;  // fail at the first failed checkpoint: fine
  EXPECT_EQ(problems(g), Strings{});
}

TEST(ValidatorParameters, NegativeDuration) {
  Graph g = pipeline();
  set(g, "win", "size", Duration{-60000});
  EXPECT_EQ(problems(g), Strings{"node 'win', field 'parameters.size': duration -60000 ms must "
                                 "not be negative"});
}

// ---- parameters ------------------------------------------------------------------------------

TEST(ValidatorParameters, UnknownAndMissing) {
  Graph g = pipeline();
  g.node("big")->parameters = {{"conditon", Expression{"amount > 100"}}};
  set(g, "out", "colour", std::string("red"));
  g.nodes.push_back(node("tick", "clock", {{"rate", std::int64_t{5}}}));
  g.edges.push_back(edge("tick.out", "out.in", PartitioningKind::Rebalance));
  EXPECT_EQ(problems(g),
            (Strings{"node 'big', field 'parameters.conditon': unknown parameter 'conditon'; did "
                     "you mean 'condition'?",
                     "node 'big', field 'parameters.condition': required parameter 'condition' is "
                     "missing",
                     "node 'out', field 'parameters.colour': unknown parameter 'colour'; 'sink' "
                     "takes 'topic', 'brokers', 'format', 'delimiter'",
                     "node 'tick', field 'parameters.rate': unknown parameter 'rate'; 'clock' "
                     "takes no parameters",
                     "edge 5 (tick.out -> out.in), field 'to.port': input port 'in' is also fed "
                     "by edge 4, with different records: (tick: timestamp) here, (card: string, "
                     "window_start: timestamp, window_end: timestamp, n: int64, total: float64?) "
                     "there"}));
}

TEST(ValidatorParameters, Duplicate) {
  Graph g = pipeline();
  g.node("big")->parameters.push_back({"condition", Expression{"amount > 5"}});
  EXPECT_EQ(problems(g), Strings{"node 'big', field 'parameters.condition': parameter 'condition' "
                                 "is set more than once"});
}

TEST(ValidatorParameters, WrongValueType) {
  Graph g = pipeline();
  set(g, "win", "size", std::string("1m"));
  set(g, "big", "condition", std::string("amount > 100"));
  set(g, "big", "sample", std::int64_t{1});  // an integer is fine for a float
  set(g, "out", "brokers", std::string("localhost:9092"));
  set(g, "keyed", "keys", std::string("card"));
  EXPECT_EQ(problems(g),
            (Strings{"node 'big', field 'parameters.condition': expected an expression, got a "
                     "string",
                     "node 'keyed', field 'parameters.keys': expected a list of field names, got "
                     "a string",
                     "node 'win', field 'parameters.size': expected a duration, got a string",
                     "node 'out', field 'parameters.brokers': expected a string list, got a "
                     "string"}));
}

TEST(ValidatorParameters, Ranges) {
  Graph g = pipeline();
  set(g, "src", "rate", std::int64_t{20000});
  set(g, "src", "poll", Duration{50});
  set(g, "big", "sample", 1.5);
  set(g, "win", "size", Duration{500});
  g.nodes.push_back(node("alerts", "alert", {{"threshold", std::int64_t{0}}}));
  g.nodes.push_back(sink("alert_out"));
  g.edges.push_back(edge("dbl.out", "alerts.in"));
  g.edges.push_back(edge("alerts.out", "alert_out.in"));
  EXPECT_EQ(problems(g),
            (Strings{"node 'src', field 'parameters.rate': value 20000 is above the maximum 10000",
                     "node 'src', field 'parameters.poll': duration 50 ms is below the minimum "
                     "100 ms",
                     "node 'big', field 'parameters.sample': value 1.5 is above the maximum 1",
                     "node 'win', field 'parameters.size': duration 500 ms is below the minimum "
                     "1000 ms",
                     "node 'alerts', field 'parameters.threshold': value 0 is below the minimum "
                     "1"}));
}

TEST(ValidatorParameters, EnumValueNotAllowed) {
  Graph g = pipeline();
  set(g, "win", "window", std::string("hopping"));
  EXPECT_EQ(problems(g), Strings{"node 'win', field 'parameters.window': value 'hopping' is not "
                                 "one of the allowed values 'tumbling', 'sliding'"});
}

// ---- conditional parameters (applies_when) ----------------------------------------------------

TEST(ValidatorParameters, AParameterThatDoesNotApplyIsNeitherRequiredNorChecked) {
  Graph g = pipeline();  // a tumbling window: its required 'slide' is not asked for
  EXPECT_EQ(problems(g), Strings{});
  set(g, "win", "slide", std::string("ten seconds"));  // wrong type, but ignored: says so
  set(g, "out", "delimiter", std::int64_t{9});
  EXPECT_EQ(problems(g),
            (Strings{"warning: node 'win', field 'parameters.slide': parameter 'slide' is "
                     "ignored: it applies only when window is 'sliding' (window is 'tumbling')",
                     "warning: node 'out', field 'parameters.delimiter': parameter 'delimiter' "
                     "is ignored: it applies only when format is 'csv' (format is 'json')"}));
}

TEST(ValidatorParameters, AParameterThatAppliesIsRequiredAndChecked) {
  Graph g = pipeline();
  set(g, "win", "window", std::string("sliding"));
  set(g, "out", "format", std::string("csv"));
  set(g, "out", "delimiter", std::int64_t{9});
  EXPECT_EQ(problems(g),
            (Strings{"node 'win', field 'parameters.slide': required parameter 'slide' is "
                     "missing",
                     "node 'out', field 'parameters.delimiter': expected a string, got an "
                     "integer"}));
  set(g, "win", "slide", Duration{500});
  set(g, "out", "delimiter", std::string(";"));
  EXPECT_EQ(problems(g), Strings{"node 'win', field 'parameters.slide': duration 500 ms is below "
                                 "the minimum 1000 ms"});
}

TEST(ValidatorParameters, RequiredListEmpty) {
  Graph g = pipeline();
  set(g, "out", "brokers", StringList{});
  set(g, "keyed", "keys", StringList{});  // the hash edge still keys the window by card
  EXPECT_EQ(problems(g),
            (Strings{"node 'keyed', field 'parameters.keys': the list is empty, but the "
                     "parameter is required",
                     "node 'out', field 'parameters.brokers': the list is empty, but the "
                     "parameter is required"}));
  EXPECT_EQ(output_schema(g, "win")[0].name, "card");
}

TEST(ValidatorParameters, BadSchemaDoesNotCascadeDownstream) {
  Graph g = pipeline();
  Schema schema = kPayments;
  schema.push_back({"", FieldType::Bool});
  schema.push_back({"id", FieldType::String});
  set(g, "src", "schema", schema);
  set(g, "big", "condition", Expression{"no_such_field > 1"});
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report),
            (Strings{"node 'src', field 'parameters.schema': the field at index 4 has an empty "
                     "name",
                     "node 'src', field 'parameters.schema': duplicate field name 'id'"}));
  EXPECT_TRUE(report.output_schemas.empty());
  EXPECT_TRUE(report.edge_schemas.empty());
}

TEST(ValidatorParameters, EmptySchema) {
  Graph g = pipeline();
  set(g, "src", "schema", Schema{});
  EXPECT_EQ(problems(g),
            Strings{"node 'src', field 'parameters.schema': the schema has no fields"});
}

// ---- edges -----------------------------------------------------------------------------------

TEST(ValidatorEdges, DanglingNodes) {
  Graph g = pipeline();
  g.edges[0].from.node = "scr";
  g.edges.push_back(edge("win.late", "nowhere.in"));
  EXPECT_EQ(problems(g),
            (Strings{"edge 0 (scr.out -> big.in), field 'from.node': node 'scr' does not exist; "
                     "did you mean 'src'?",
                     "edge 5 (win.late -> nowhere.in), field 'to.node': node 'nowhere' does not "
                     "exist",
                     "warning: node 'src', field 'outputs.out': output port 'out' is not "
                     "connected to anything"}));
}

TEST(ValidatorEdges, UnknownPortsListTheExistingOnes) {
  Graph g = pipeline();
  g.edges[1].from.port = "output";
  g.edges[4].to.port = "input";
  g.nodes.push_back(sink("out2"));
  g.edges.push_back(edge("out.out", "out2.in"));
  EXPECT_EQ(problems(g),
            (Strings{"edge 1 (big.output -> dbl.in), field 'from.port': 'filter' has no output "
                     "port 'output'; its output ports are 'out'",
                     "edge 4 (win.out -> out.input), field 'to.port': 'sink' has no input port "
                     "'input'; its input ports are 'in'",
                     "edge 5 (out.out -> out2.in), field 'from.port': 'sink' has no output port "
                     "'out'; it has no output ports"}));
}

TEST(ValidatorEdges, DuplicateEdge) {
  Graph g = pipeline();
  g.edges.push_back(edge("big.out", "dbl.in", PartitioningKind::Rebalance));
  EXPECT_EQ(problems(g), Strings{"edge 5 (big.out -> dbl.in), field 'to': duplicate of edge 1 "
                                 "(same from and to endpoints)"});
}

TEST(ValidatorEdges, SeveralEdgesIntoOnePortNeedIdenticalSchemas) {
  Graph g = pipeline();
  g.nodes.push_back(source("src2", kPayments));
  g.edges.push_back(edge("src2.out", "big.in"));
  EXPECT_EQ(problems(g), Strings{});

  g.node("src2")->set_parameter("schema", Schema{{"id", FieldType::Int64}});
  EXPECT_EQ(problems(g),
            Strings{"edge 5 (src2.out -> big.in), field 'to.port': input port 'in' is also fed "
                    "by edge 0, with different records: (id: int64) here, (id: int64, card: "
                    "string, amount: float64, ts: timestamp) there"});
}

TEST(ValidatorEdges, KeyedInputFedFromRecords) {
  Graph g = pipeline();
  g.edges[3] = edge("dbl.out", "win.in");
  EXPECT_EQ(problems(g),
            (Strings{"edge 3 (dbl.out -> win.in), field 'to.port': input port 'in' needs a keyed "
                     "stream, but output port 'out' gives unkeyed records; key them first "
                     "(key_by) or use hash partitioning",
                     "warning: node 'keyed', field 'outputs.out': output port 'out' is not "
                     "connected to anything"}));
}

TEST(ValidatorEdges, HashPartitioningKeysRecordsForAKeyedInput) {
  Graph g = pipeline();
  g.edges[3] = edge("dbl.out", "win.in", PartitioningKind::Hash, {"id"});
  g.nodes.erase(g.nodes.begin() + 3);  // key_by
  g.edges.erase(g.edges.begin() + 2);
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(names(output_schema(g, "win")),
            (Strings{"id", "window_start", "window_end", "n", "total"}));
}

TEST(ValidatorEdges, ForwardFromKeyByKeepsItsKeys) {
  Graph g = pipeline();
  g.edges[3].partitioning = Partitioning{};
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(names(output_schema(g, "win")),
            (Strings{"card", "window_start", "window_end", "n", "total"}));
}

TEST(ValidatorEdges, RebalanceLosesTheKeying) {
  Graph g = pipeline();
  g.edges[3].partitioning = Partitioning{PartitioningKind::Rebalance, {}};
  EXPECT_EQ(problems(g),
            Strings{"edge 3 (keyed.out -> win.in), field 'partitioning': rebalance partitioning "
                    "loses the keying that input port 'in' needs; use forward or hash"});
}

TEST(ValidatorEdges, ForwardNeedsEqualParallelism) {
  Graph g = pipeline();
  g.node("big")->parallelism = 2;
  EXPECT_EQ(problems(g),
            (Strings{"edge 0 (src.out -> big.in), field 'partitioning': forward partitioning "
                     "needs equal parallelism, but 'src' has 1 and 'big' has 2; use rebalance or "
                     "hash partitioning",
                     "edge 1 (big.out -> dbl.in), field 'partitioning': forward partitioning "
                     "needs equal parallelism, but 'big' has 2 and 'dbl' has 1; use rebalance or "
                     "hash partitioning"}));
}

TEST(ValidatorEdges, HashWithoutKeys) {
  Graph g = pipeline();
  g.edges[3].partitioning.key_fields.clear();
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report), Strings{"edge 3 (keyed.out -> win.in), field 'partitioning': hash "
                                      "partitioning needs at least one key field"});
  EXPECT_FALSE(report.output_schemas.count({"win", "out"}));  // keys unknown: no guess
}

TEST(ValidatorEdges, HashKeyNotInSchema) {
  Graph g = pipeline();
  g.edges[3].partitioning.key_fields = {"crad"};
  EXPECT_EQ(problems(g),
            Strings{"edge 3 (keyed.out -> win.in), field 'partitioning': hash key field 'crad' "
                    "is not in the records (id: int64, card: string, amount: float64, ts: "
                    "timestamp, doubled: float64)"});
}

// ---- graph -----------------------------------------------------------------------------------

TEST(ValidatorGraph, CycleNamesItsNodes) {
  Graph g = pipeline();
  g.edges.push_back(edge("dbl.out", "big.in"));
  EXPECT_EQ(problems(g), Strings{"graph: the edges form a cycle: 'big' -> 'dbl' -> 'big'"});
}

TEST(ValidatorGraph, SelfLoop) {
  Graph g = pipeline();
  g.edges.push_back(edge("big.out", "big.in"));
  EXPECT_EQ(problems(g), Strings{"graph: the edges form a cycle: 'big' -> 'big'"});
}

TEST(ValidatorGraph, RequiredInputNotConnected) {
  Graph g = pipeline();
  g.edges.erase(g.edges.begin());
  EXPECT_EQ(problems(g),
            (Strings{"warning: node 'src', field 'outputs.out': output port 'out' is not "
                     "connected to anything",
                     "node 'big', field 'inputs.in': required input port 'in' is not connected"}));
}

TEST(ValidatorGraph, ReportsEveryProblemNotJustTheFirst) {
  Graph g = pipeline();
  g.node("dbl")->kind = "mapp";
  set(g, "win", "window", std::string("hopping"));
  g.edges.push_back(edge("ghost.out", "out.in"));
  set(g, "big", "condition", Expression{"amout > 100"});
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report),
            (Strings{"node 'dbl', field 'kind': unknown operator kind 'mapp'; did you mean "
                     "'map'?",
                     "node 'win', field 'parameters.window': value 'hopping' is not one of the "
                     "allowed values 'tumbling', 'sliding'",
                     "edge 5 (ghost.out -> out.in), field 'from.node': node 'ghost' does not "
                     "exist",
                     "node 'big', field 'parameters.condition': column 1: unknown field 'amout'; "
                     "did you mean 'amount'?"}));
  EXPECT_EQ(report.error_count(), 4u);
}

// ---- schema propagation and schema-dependent checks ------------------------------------------

TEST(ValidatorSchemas, ExpressionErrorsCarryTheColumn) {
  Graph g = pipeline();
  set(g, "big", "condition", Expression{"amount > 100 AND amout < 5"});
  EXPECT_EQ(problems(g), Strings{"node 'big', field 'parameters.condition': column 18: unknown "
                                 "field 'amout'; did you mean 'amount'?"});
}

TEST(ValidatorSchemas, BoolResultRequired) {
  Graph g = pipeline();
  set(g, "big", "condition", Expression{"amount * 2"});
  EXPECT_EQ(problems(g), Strings{"node 'big', field 'parameters.condition': the expression has "
                                 "type float64, but bool is required"});
}

TEST(ValidatorSchemas, ExpressionListErrors) {
  Graph g = pipeline();
  set(g, "dbl", "expressions", StringList{"amount * 2 AS doubled", "fee + 1 AS x"});
  auto report = validate(g, catalog());
  EXPECT_EQ(problems(report), Strings{"node 'dbl', field 'parameters.expressions': in 'fee + 1 AS "
                                      "x': column 1: unknown field 'fee'"});
  EXPECT_FALSE(report.output_schemas.count({"dbl", "out"}));
  EXPECT_FALSE(report.output_schemas.count({"win", "out"}));
}

TEST(ValidatorSchemas, DuplicateOutputNames) {
  Graph g = pipeline();
  set(g, "dbl", "expressions", StringList{"amount AS a", "id AS a"});
  EXPECT_EQ(problems(g),
            Strings{"node 'dbl', field 'parameters.expressions': duplicate output name 'a'"});
}

TEST(ValidatorSchemas, ExtendInputReplacesInPlaceAndAppends) {
  Graph g = pipeline();
  set(g, "dbl", "expressions", StringList{"id * 2 AS id", "amount > 1000 AS large"});
  EXPECT_EQ(problems(g), Strings{});
  Schema schema = output_schema(g, "dbl");
  EXPECT_EQ(names(schema), (Strings{"id", "card", "amount", "ts", "large"}));
  EXPECT_EQ(schema.back().type, FieldType::Bool);
}

TEST(ValidatorSchemas, ProjectionKeepsOnlyTheListedFields) {
  Graph g;
  g.nodes = {source("src", kPayments),
             node("proj", "project", {{"columns", StringList{"card", "amount * 2 AS twice"}}}),
             sink("out")};
  g.edges = {edge("src.out", "proj.in"), edge("proj.out", "out.in")};
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(output_schema(g, "proj"),
            (Schema{{"card", FieldType::String}, {"twice", FieldType::Float64}}));
}

TEST(ValidatorSchemas, FieldListNamesInputFields) {
  Graph g = pipeline();
  set(g, "keyed", "keys", StringList{"crad", "zzzzzz", "card", "card"});
  EXPECT_EQ(problems(g),
            (Strings{"node 'keyed', field 'parameters.keys': unknown field 'crad'; did you mean "
                     "'card'?",
                     "node 'keyed', field 'parameters.keys': unknown field 'zzzzzz'; the input "
                     "has 'id', 'card', 'amount', 'ts', 'doubled'",
                     "node 'keyed', field 'parameters.keys': field 'card' is listed twice"}));
}

TEST(ValidatorSchemas, WindowKeysFromTheKeysParameter) {
  Graph g = pipeline();
  set(g, "win", "group_by", StringList{"id", "card"});
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(names(output_schema(g, "win")),
            (Strings{"id", "card", "window_start", "window_end", "n", "total"}));
}

TEST(ValidatorSchemas, AggregateErrors) {
  Graph g = pipeline();
  set(g, "win", "aggregates", StringList{"sum(amout) AS total"});
  EXPECT_EQ(problems(g), Strings{"node 'win', field 'parameters.aggregates': in 'sum(amout) AS "
                                 "total': column 5: unknown field 'amout'; did you mean "
                                 "'amount'?"});
}

TEST(ValidatorSchemas, AggregateClashingWithAWindowField) {
  Graph g = pipeline();
  set(g, "win", "aggregates", StringList{"count(*) AS window_start"});
  EXPECT_EQ(problems(g), Strings{"node 'win', field 'parameters.aggregates': output port 'out' "
                                 "would have two fields named 'window_start'"});
}

Graph join_graph(Schema left, Schema right) {
  Graph g;
  g.nodes = {source("payments", std::move(left)), source("users", std::move(right)),
             node("j", "join"), sink("out")};
  g.edges = {edge("payments.out", "j.left"), edge("users.out", "j.right"), edge("j.out", "out.in")};
  return g;
}

TEST(ValidatorSchemas, JoinRenamesClashingRightFields) {
  Graph g = join_graph(kPayments, {{"id", FieldType::Int64}, {"name", FieldType::String, true}});
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(names(output_schema(g, "j")),
            (Strings{"id", "card", "amount", "ts", "right_id", "name"}));
  EXPECT_TRUE(output_schema(g, "j").back().nullable);
}

TEST(ValidatorSchemas, LeftJoinMakesTheRightFieldsNullable) {
  Graph g = join_graph(kPayments, {{"id", FieldType::Int64}, {"name", FieldType::String}});
  EXPECT_FALSE(output_schema(g, "j").back().nullable);  // inner by default
  set(g, "j", "join_type", std::string("left"));
  EXPECT_EQ(problems(g), Strings{});
  const Schema joined = output_schema(g, "j");
  EXPECT_FALSE(joined.front().nullable);  // left fields keep their nullability
  EXPECT_TRUE(joined[joined.size() - 2].nullable);
  EXPECT_TRUE(joined.back().nullable);
}

TEST(ValidatorSchemas, JoinRenameThatStillClashes) {
  Graph g = join_graph({{"id", FieldType::Int64}, {"right_id", FieldType::Int64}},
                       {{"id", FieldType::Int64}});
  EXPECT_EQ(problems(g), Strings{"node 'j', field 'outputs.out': output port 'out' would have two "
                                 "fields named 'right_id'"});
}

TEST(ValidatorSchemas, FixedAndAppendFixed) {
  Graph g;
  g.nodes = {node("tick", "clock"), node("alerts", "alert", {{"threshold", std::int64_t{3}}}),
             sink("out")};
  g.edges = {edge("tick.out", "alerts.in"), edge("alerts.out", "out.in")};
  EXPECT_EQ(problems(g), Strings{});
  EXPECT_EQ(output_schema(g, "alerts"),
            (Schema{{"tick", FieldType::Timestamp}, {"alert_time", FieldType::Timestamp}}));
}

TEST(ValidatorSchemas, AppendFixedClash) {
  Graph g;
  g.nodes = {source("src", {{"alert_time", FieldType::Int64}}),
             node("alerts", "alert", {{"threshold", std::int64_t{3}}}), sink("out")};
  g.edges = {edge("src.out", "alerts.in"), edge("alerts.out", "out.in")};
  EXPECT_EQ(problems(g), Strings{"node 'alerts', field 'outputs.out': output port 'out' would "
                                 "have two fields named 'alert_time'"});
}

// ---- fixtures kept as graph files -------------------------------------------------------------

Graph load_fixture(const std::string& name) {
  auto graph =
      load_graph(std::string(RIVULET_SOURCE_DIR) + "/tests/graphs/fixtures/validator/" + name);
  EXPECT_TRUE(graph.ok()) << (graph.ok() ? "" : graph.error().message);
  return graph.ok() ? *graph : Graph{};
}

TEST(ValidatorFixtures, PipelineFileIsValidAndMatchesTheBuiltGraph) {
  Graph g = load_fixture("pipeline.json");
  EXPECT_EQ(g, pipeline());
  EXPECT_EQ(problems(g), Strings{});
}

TEST(ValidatorFixtures, ManyMistakes) {
  EXPECT_EQ(problems(load_fixture("many_mistakes.json")),
            (Strings{"node 'win', field 'kind': unknown operator kind 'window_agregate'; did "
                     "you mean 'window_aggregate'?",
                     "node 'src', field 'parameters.rate': value 0 is below the minimum 1",
                     "node 'out', field 'parameters.brokers': the list is empty, but the "
                     "parameter is required",
                     "edge 0 (src.out -> big.in), field 'partitioning': forward partitioning "
                     "needs equal parallelism, but 'src' has 2 and 'big' has 1; use rebalance or "
                     "hash partitioning",
                     "edge 1 (big.out -> keyed.input), field 'to.port': 'key_by' has no input "
                     "port 'input'; its input ports are 'in'",
                     "node 'big', field 'parameters.condition': column 1: unknown field 'amout'; "
                     "did you mean 'amount'?"}));
}

TEST(ValidatorFixtures, Cycle) {
  EXPECT_EQ(problems(load_fixture("cycle.json")),
            Strings{"graph: the edges form a cycle: 'a' -> 'b' -> 'c' -> 'a'"});
}

}  // namespace
}  // namespace rivulet::graphs

#pragma once
// Synthetic metrics for the monitor-mode tests: a five-operator pipeline over the test catalog
// (editor_test_support.hpp) and TaskSample builders, so each test states only the numbers it is
// about.

#include <string>

#include "graphs/control_types.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor::test {

// source → filter → key_by → window → sink (kinds from testCatalog()), laid out left to right,
// the source declaring "user: string, amount: float64" so every edge has a schema.
graphs::Graph pipelineGraph();
inline const char* const kPipeline[] = {"source", "filter", "key_by", "window", "sink"};

// A running instance with the given rates and busy / back-pressured ms per second (idle is the
// rest of the second).
graphs::control::TaskSample task(const std::string& node, std::uint32_t subtask, double in_rate,
                                 double out_rate, double busy_ms = 0, double backpressured_ms = 0,
                                 std::uint32_t parallelism = 1);

// Every pipeline operator running with a non-zero rate, at wall-clock time `at`.
graphs::control::JobMetrics busyPipeline(std::int64_t at, const std::string& job = "job-1");

}  // namespace rivulet::editor::test

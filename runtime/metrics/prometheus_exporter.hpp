#pragma once
// Job metrics in Prometheus's text exposition format (version 0.0.4), served over HTTP with
// Cap'n Proto's kj-http on HOST:PORT at /metrics. Names follow Prometheus's conventions:
// counters end in _total, base units are in the name (rivulet_records_out_total{job,node,
// subtask}, rivulet_kafka_consumer_lag{...,topic,partition}, ...). Times are in seconds, as
// promtool's lint demands (no "_ms"): node::TaskSample's busy_ms_per_second becomes
// rivulet_busy_seconds_per_second (0..1; busy + backpressured + idle add up to about 1).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/node/node_service.hpp"

namespace rivulet::runtime {

std::string render_prometheus(const std::vector<node::JobMetrics>& jobs);

class PrometheusExporter {
 public:
  using Samples = std::function<std::vector<node::JobMetrics>()>;

  // Listens on `host_port` ("127.0.0.1:9400"; port 0 picks a free one, see port()) and answers
  // GET /metrics with render_prometheus(samples()), called on the exporter's thread.
  [[nodiscard]] static graphs::Result<std::unique_ptr<PrometheusExporter>> start(
      const std::string& host_port, Samples samples);
  ~PrometheusExporter();
  PrometheusExporter(const PrometheusExporter&) = delete;
  PrometheusExporter& operator=(const PrometheusExporter&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  struct Server;
  PrometheusExporter() = default;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace rivulet::runtime

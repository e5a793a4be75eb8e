// `rivulet top [JOB] [--once]`: a live per-operator table of a running job, redrawn from the
// node's metrics push (records/s in and out, busy / backpressured / idle, watermark lag, Kafka
// lag, last checkpoint). Without JOB: the node's only running job.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/cli/command.hpp"
#include "runtime/cli/live_table.hpp"
#include "runtime/cli/node_options.hpp"

namespace rivulet::cli {
namespace {

namespace control = graphs::control;

constexpr std::uint32_t kIntervalMs = 1000;

struct TopArgs {
  NodeOptions node;
  std::string job;
  bool once = false;
};

// One graph node's instances summed (rates, lags) or averaged (time shares).
struct OperatorRow {
  std::string node_id;
  std::uint32_t instances = 0;
  double in = 0, out = 0, busy = 0, backpressured = 0, idle = 0;
  std::int64_t watermark_lag_ms = 0;
  std::int64_t kafka_lag = 0;
  bool has_kafka = false;
  std::string state;
};

std::vector<OperatorRow> rows_of(const control::JobMetrics& metrics) {
  std::vector<OperatorRow> rows;
  std::map<std::string, std::size_t> index;
  for (const auto& t : metrics.tasks) {
    auto [it, added] = index.emplace(t.node_id, rows.size());
    if (added) {
      rows.emplace_back();
      rows.back().node_id = t.node_id;
    }
    OperatorRow& row = rows[it->second];
    row.instances++;
    row.in += t.records_in_per_second;
    row.out += t.records_out_per_second;
    row.busy += t.busy_ms_per_second;
    row.backpressured += t.backpressured_ms_per_second;
    row.idle += t.idle_ms_per_second;
    row.watermark_lag_ms = std::max(row.watermark_lag_ms, t.watermark_lag_ms);
    for (const auto& lag : t.kafka_lag) {
      row.kafka_lag += lag.lag;
      row.has_kafka = true;
    }
    if (row.state.empty() || t.state != "running") row.state = t.state;
  }
  for (auto& row : rows) {
    row.busy /= row.instances;
    row.backpressured /= row.instances;
    row.idle /= row.instances;
  }
  return rows;
}

std::string share(double ms_per_second) { return fmt::format("{:.0f}%", ms_per_second / 10); }

std::vector<std::string> render(const control::JobMetrics& metrics, std::uint32_t skipped) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("job {}   {}{}", metrics.job, format_wall_time(metrics.at),
                              skipped > 0 ? fmt::format("   ({} samples skipped)", skipped) : ""));
  lines.push_back(fmt::format("{:<20} {:>4} {:>9} {:>9} {:>6} {:>7} {:>6} {:>9} {:>10}  {}",
                              "OPERATOR", "PAR", "IN/s", "OUT/s", "BUSY", "BACKPR", "IDLE",
                              "WM LAG", "KAFKA LAG", "STATE"));
  for (const auto& row : rows_of(metrics)) {
    lines.push_back(fmt::format(
        "{:<20} {:>4} {:>9} {:>9} {:>6} {:>7} {:>6} {:>9} {:>10}  {}", row.node_id, row.instances,
        human_count(row.in), human_count(row.out), share(row.busy), share(row.backpressured),
        share(row.idle),
        row.watermark_lag_ms > 0 ? fmt::format("{:.1f}s", row.watermark_lag_ms / 1000.0) : "-",
        row.has_kafka ? human_count(static_cast<double>(row.kafka_lag)) : "-", row.state));
  }
  // The newest checkpoint that is over (completed or failed, with its cause).
  const control::CheckpointRecord* last = nullptr;
  for (auto it = metrics.checkpoints.rbegin(); it != metrics.checkpoints.rend() && !last; ++it) {
    if (it->status != control::CheckpointStatus::InProgress) last = &*it;
  }
  if (last == nullptr) {
    lines.push_back("last checkpoint: none");
  } else {
    const auto& c = *last;
    lines.push_back(fmt::format("last {}: {} {}, {} ms (alignment {} ms), {} bytes, at {}{}",
                                c.savepoint ? "savepoint" : "checkpoint", c.id, to_string(c.status),
                                c.duration_ms, c.alignment_ms, c.bytes, format_wall_time(c.started),
                                c.failure.empty() ? "" : ": " + c.failure));
  }
  if (!metrics.restarts.empty()) {
    lines.push_back(fmt::format("restarts: {}, last: {}", metrics.restarts.size(),
                                metrics.restarts.back().cause));
  }
  return lines;
}

std::string json_of(const control::JobMetrics& metrics) {
  std::string items;
  for (const auto& row : rows_of(metrics)) {
    items +=
        (items.empty() ? "" : ",") +
        fmt::format(
            "{{\"operator\":{},\"instances\":{},\"recordsInPerSecond\":{},"
            "\"recordsOutPerSecond\":{},\"busyMsPerSecond\":{},"
            "\"backpressuredMsPerSecond\":{},\"idleMsPerSecond\":{},"
            "\"watermarkLagMs\":{},\"kafkaLag\":{},\"state\":{}}}",
            json_string(row.node_id), row.instances, row.in, row.out, row.busy, row.backpressured,
            row.idle, row.watermark_lag_ms, row.kafka_lag, json_string(row.state));
  }
  return fmt::format("{{\"job\":{},\"at\":{},\"operators\":[{}]}}", json_string(metrics.job),
                     metrics.at, items);
}

std::string only_running_job(client::NodeClient& client) {
  auto jobs = value_or_throw(client.jobs(), "");
  std::vector<std::string> running;
  for (const auto& j : jobs) {
    if (j.state == control::JobState::Running || j.state == control::JobState::Restarting) {
      running.push_back(j.id);
    }
  }
  if (running.empty()) throw UserError("no job is running on node " + client.address());
  if (running.size() > 1) {
    std::string list;
    for (const auto& id : running) list += (list.empty() ? "" : ", ") + id;
    throw UserError("several jobs are running (" + list + "); name one: rivulet top JOB");
  }
  return running.front();
}

int top(const TopArgs& args) {
  auto client = connect_to_node(args.node);
  std::string job = args.job.empty() ? only_running_job(*client) : args.job;
  if (args.once) {
    // Rates are over the time between two samples: take one to start from, then the one shown.
    value_or_throw(client->metrics(job), "");
    std::this_thread::sleep_for(std::chrono::milliseconds(kIntervalMs));
    auto metrics = value_or_throw(client->metrics(job), "");
    if (args.node.json) {
      std::cout << json_of(metrics) << '\n';
    } else {
      for (const auto& line : render(metrics, 0)) std::cout << line << '\n';
    }
    return 0;
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::optional<std::pair<control::JobMetrics, std::uint32_t>> latest;
  std::optional<std::string> end;
  auto handle = value_or_throw(client->subscribe(
                                   job, kIntervalMs,
                                   [&](control::JobMetrics metrics, std::uint32_t skipped) {
                                     std::lock_guard lock(mutex);
                                     latest.emplace(std::move(metrics), skipped);
                                     changed.notify_all();
                                   },
                                   [&](const std::string& reason) {
                                     std::lock_guard lock(mutex);
                                     end = reason;
                                     changed.notify_all();
                                   }),
                               "");
  bool terminal = ::isatty(STDOUT_FILENO) == 1 && !args.node.json;
  TerminalBlock block;
  std::unique_lock lock(mutex);
  for (;;) {
    changed.wait_for(lock, std::chrono::seconds(5), [&] { return latest || end; });
    if (latest) {
      auto [metrics, skipped] = std::move(*latest);
      latest.reset();
      lock.unlock();
      if (args.node.json) {
        std::cout << json_of(metrics) << std::endl;
      } else if (terminal) {
        block.redraw(render(metrics, skipped));
      } else {
        for (const auto& line : render(metrics, skipped)) std::cout << line << '\n';
        std::cout << std::endl;
      }
      lock.lock();
    }
    if (end) {
      std::cerr << "rivulet: " << *end << '\n';
      return 0;
    }
    if (!client->connected()) throw UserError("lost the connection to node " + client->address());
  }
}

void add_top(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<TopArgs>();
  CLI::App* command =
      app.add_subcommand("top", "Live per-operator table of a job running on a node");
  command->add_option("JOB", args->job, "Job id (default: the node's only running job)");
  command->add_flag("--once", args->once, "Print one table (rates over one second) and exit");
  add_node_options(command, args->node);
  on_selected(command, invocation, [args] { return top(*args); });
}

const CommandRegistration registration{"top", &add_top};

}  // namespace
}  // namespace rivulet::cli

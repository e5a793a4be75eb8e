#include "runtime/cli/live_table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

// fmt is used header-only: it is a dependency of this one file, and nothing else in the build
// links the library.
#define FMT_HEADER_ONLY
#include <fmt/format.h>

namespace rivulet::cli {
namespace {

using runtime::TaskState;

// An operator's state over its instances: the most telling one wins (a failure shows even if
// the other instances still run; "finished" only once all are).
std::string combined_state(const std::vector<TaskState>& states) {
  auto any = [&](TaskState s) {
    return std::find(states.begin(), states.end(), s) != states.end();
  };
  if (any(TaskState::Failed)) return "FAILED";
  if (any(TaskState::Running)) return "running";
  if (any(TaskState::Finishing)) return "finishing";
  if (any(TaskState::Created)) return "starting";
  return "finished";
}

std::string percent(double share) { return fmt::format("{:.0f}%", share * 100.0); }

}  // namespace

std::string human_count(double value) {
  if (value >= 1e9) return fmt::format("{:.2f}G", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.2f}M", value / 1e6);
  if (value >= 1e4) return fmt::format("{:.1f}k", value / 1e3);
  return fmt::format("{:.0f}", value);
}

std::string format_watermark(std::int64_t ms) {
  if (ms == runtime::kMinWatermark) return "-";
  if (ms == runtime::kMaxWatermark) return "end";
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", utc.tm_hour, utc.tm_min, utc.tm_sec,
                     static_cast<int>(((ms % 1000) + 1000) % 1000));
}

LiveTable::LiveTable(const runtime::PhysicalPlan& plan,
                     std::vector<std::shared_ptr<runtime::TaskMetrics>> metrics,
                     Clock::time_point start)
    : plan_(plan), metrics_(std::move(metrics)), start_(start), last_(start) {
  for (const runtime::PlannedNode& node : plan_.nodes) {
    Row row;
    row.name = node.name;
    row.kind = node.spec.kind;
    row.parallelism = static_cast<std::uint32_t>(node.tasks.size());
    row.source = node.source;
    row.watermark = runtime::kMinWatermark;
    row.state = "starting";
    rows_.push_back(std::move(row));
  }
}

void LiveTable::sample(Clock::time_point now) {
  const double seconds = std::chrono::duration<double>(now - last_).count();
  const auto interval_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count());
  last_ = now;
  const std::int64_t now_ns = runtime::TaskMetrics::steady_clock_ns(now);
  for (std::size_t n = 0; n < plan_.nodes.size(); ++n) {
    Row& row = rows_[n];
    std::uint64_t in = 0;
    std::uint64_t out = 0;
    std::uint64_t bp = 0;
    std::int64_t watermark = runtime::kMaxWatermark;
    std::vector<TaskState> states;
    row.late = row.dead_letters = row.skipped = row.dropped = 0;
    for (runtime::TaskId id : plan_.nodes[n].tasks) {
      const runtime::TaskMetrics& m = *metrics_[id];
      row.late += m.counters.late();
      row.dead_letters += m.counters.dead_letters();
      row.skipped += m.counters.skipped();
      row.dropped += m.dropped_records.load(std::memory_order_relaxed);
      in += m.records_in.load(std::memory_order_relaxed);
      out += m.records_out.load(std::memory_order_relaxed);
      bp += m.backpressured_ns_at(now_ns);  // including a wait still in progress
      watermark = std::min(watermark, m.watermark_ms.load(std::memory_order_relaxed));
      states.push_back(m.state.load(std::memory_order_relaxed));
    }
    if (seconds > 0) {
      row.in_rate = static_cast<double>(in - row.records_in) / seconds;
      row.out_rate = static_cast<double>(out - row.records_out) / seconds;
      // The ongoing wait is counted up to `now`, so a task stuck for long shows 100% while it
      // is stuck, not only once credit returns. Clamped only against clock rounding.
      const double share = static_cast<double>(bp - row.backpressured_ns) /
                           (interval_ns * static_cast<double>(row.parallelism));
      row.backpressure = std::clamp(share, 0.0, 1.0);
    }
    row.records_in = in;
    row.records_out = out;
    row.backpressured_ns = bp;
    row.watermark = watermark;
    row.state = combined_state(states);
  }
}

std::vector<std::string> LiveTable::table() const {
  std::size_t width = 8;
  for (const Row& row : rows_) width = std::max(width, row.name.size());
  std::vector<std::string> lines;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(last_ - start_).count();
  lines.push_back(fmt::format("rivulet run: {} s", elapsed));
  lines.push_back(fmt::format(
      "{:<{}}  {:<16} {:>3}  {:>9}  {:>9}  {:>5}  {:>12}  {:<9}  {:>9}  {:>9}  {:>6}  {:>6}  "
      "{:>6}  {:>6}",
      "OPERATOR", width, "KIND", "PAR", "IN/s", "OUT/s", "BP", "WATERMARK", "STATE", "IN", "OUT",
      "LATE", "DEAD", "SKIP", "DROP"));
  for (const Row& row : rows_) {
    lines.push_back(fmt::format(
        "{:<{}}  {:<16} {:>3}  {:>9}  {:>9}  {:>5}  {:>12}  {:<9}  {:>9}  {:>9}  {:>6}  {:>6}  "
        "{:>6}  {:>6}",
        row.name, width, row.kind, row.parallelism, row.source ? "-" : human_count(row.in_rate),
        human_count(row.out_rate), percent(row.backpressure), format_watermark(row.watermark),
        row.state, row.source ? "-" : human_count(static_cast<double>(row.records_in)),
        human_count(static_cast<double>(row.records_out)),
        human_count(static_cast<double>(row.late)),
        human_count(static_cast<double>(row.dead_letters)),
        human_count(static_cast<double>(row.skipped)),
        human_count(static_cast<double>(row.dropped))));
  }
  return lines;
}

std::vector<std::string> LiveTable::log_lines() const {
  std::vector<std::string> lines;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(last_ - start_).count();
  for (const Row& row : rows_) {
    lines.push_back(fmt::format(
        "[{}s] {}: in {}/s out {}/s, {} in {} out, backpressure {} watermark {} {}", elapsed,
        row.name, human_count(row.in_rate), human_count(row.out_rate), row.records_in,
        row.records_out, percent(row.backpressure), format_watermark(row.watermark), row.state));
  }
  return lines;
}

std::vector<std::string> LiveTable::summary() const {
  std::size_t width = 8;
  for (const Row& row : rows_) width = std::max(width, row.name.size());
  const double seconds = std::chrono::duration<double>(last_ - start_).count();
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<{}}  {:<16} {:>12}  {:>12}  {:<9}", "OPERATOR", width, "KIND",
                              "RECORDS IN", "RECORDS OUT", "STATE"));
  for (const Row& row : rows_) {
    lines.push_back(fmt::format("{:<{}}  {:<16} {:>12}  {:>12}  {:<9}", row.name, width, row.kind,
                                row.source ? "-" : std::to_string(row.records_in),
                                std::to_string(row.records_out), row.state));
  }
  lines.push_back(fmt::format("duration {:.1f} s", seconds));
  for (const Row& row : rows_) {
    if (row.late + row.dead_letters + row.skipped + row.dropped == 0) continue;
    lines.push_back(fmt::format(
        "{}: {} late, {} dead letters, {} skipped, {} dropped (emitted on an unconnected output)",
        row.name, row.late, row.dead_letters, row.skipped, row.dropped));
  }
  return lines;
}

void TerminalBlock::redraw(const std::vector<std::string>& lines) {
  winsize size{};
  std::size_t columns = 0;
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) columns = size.ws_col;
  std::string out;
  // Back to the first line of the previous drawing, then clear everything below.
  if (drawn_ > 0) out += fmt::format("\x1b[{}F", drawn_);
  out += "\x1b[J";
  for (const std::string& line : lines) {
    // Cut at the terminal width (counting bytes: the table is ASCII apart from record text,
    // where cutting a little early is harmless).
    out += columns > 0 && line.size() >= columns ? line.substr(0, columns - 1) : line;
    out += '\n';
  }
  drawn_ = lines.size();
  std::cout << out << std::flush;
}

}  // namespace rivulet::cli

#pragma once
// The per-operator table `rivulet run` shows while a job runs: records in/out per second,
// backpressure (share of time without output credit), watermark and state per operator, summed
// (or, for watermarks, the minimum) over its parallel instances. Rates come from the difference
// between two samples of the tasks' counters, so rendering never touches the tasks.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/physical_plan.hpp"
#include "runtime/task_metrics.hpp"

namespace rivulet::cli {

class LiveTable {
 public:
  using Clock = std::chrono::steady_clock;

  LiveTable(const runtime::PhysicalPlan& plan,
            std::vector<std::shared_ptr<runtime::TaskMetrics>> metrics, Clock::time_point start);

  // Reads every task's counters; rates are per second since the previous sample.
  void sample(Clock::time_point now);

  // Header plus one line per operator (rates from the last two samples).
  std::vector<std::string> table() const;
  // Compact single line per operator for logs (stdout not a terminal).
  std::vector<std::string> log_lines() const;
  // Totals per operator and the run's duration, for the end of the run; then one line per
  // operator that lost or diverted records (late, dead letters, skipped, dropped).
  std::vector<std::string> summary() const;

 private:
  struct Row {
    std::string name;
    std::string kind;
    std::uint32_t parallelism = 1;
    std::uint64_t records_in = 0;
    std::uint64_t records_out = 0;
    std::uint64_t backpressured_ns = 0;  // completed + ongoing waits, at the last sample
    double in_rate = 0;
    double out_rate = 0;
    double backpressure = 0;  // 0..1 over the last interval, averaged over instances
    std::int64_t watermark = 0;
    std::string state;
    bool source = false;
    // Records not passed on the normal way (issue 12: nothing disappears unseen): late
    // records, dead letters, skipped by on_parse_error = skip, and emitted on an unconnected
    // output (dropped), summed over instances.
    std::uint64_t late = 0, dead_letters = 0, skipped = 0, dropped = 0;
  };

  const runtime::PhysicalPlan& plan_;
  std::vector<std::shared_ptr<runtime::TaskMetrics>> metrics_;
  Clock::time_point start_;
  Clock::time_point last_;
  std::vector<Row> rows_;
};

// "1.23M", "45.6k", "789"
std::string human_count(double value);
// Event time as UTC "HH:MM:SS.mmm"; "-" before the first watermark, "end" at end of stream.
std::string format_watermark(std::int64_t ms);

// Redraws a block of lines in place on an ANSI terminal (cursor up + clear), trimming each line
// to the terminal width so wrapped lines never break the cursor arithmetic.
class TerminalBlock {
 public:
  void redraw(const std::vector<std::string>& lines);

 private:
  std::size_t drawn_ = 0;
};

}  // namespace rivulet::cli

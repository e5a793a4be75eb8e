#pragma once
// Edge preview taps: a rate-limited sample of the records crossing one edge, for a user
// watching a running job (`Job::tap`, the node's `preview`). Every edge leaving an output port
// carries all of that port's records, so a tap sits on the port of every instance of the
// upstream node (TaskMetrics::taps) and sees all channels of the edge.
//
// Cost: an untapped port costs the task one relaxed load per emitted batch. A tapped one takes
// the tap's lock per batch and keeps a reference to the (immutable) batch plus row indices; the
// rows are formatted as text on the tap's own delivery thread, never on the task's.
//
// Rate limit: the delivery thread runs every `kTapPeriod` and grants the tasks a budget of
// ceil(max_records_per_second * period) rows for the next period; rows beyond it are counted as
// skipped. So one delivery never holds more than that budget, whatever the clock does.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/node/node_service.hpp"
#include "runtime/record_batch.hpp"
#include "runtime/task_metrics.hpp"

namespace rivulet::runtime {

inline constexpr std::chrono::milliseconds kTapPeriod{500};

// Rows allowed per tap period for a limit of `max_records_per_second` (at least 1).
std::uint64_t tap_budget(std::uint32_t max_records_per_second);

class EdgeTap {
 public:
  struct Sampled {
    std::vector<std::pair<BatchPtr, std::vector<std::uint32_t>>> parts;
    std::uint64_t rows = 0;
    std::uint64_t skipped = 0;
  };

  EdgeTap(std::uint32_t port, std::uint64_t budget) : port_(port), budget_(budget) {}
  std::uint32_t port() const { return port_; }

  // Task thread: keeps rows of `batch` while the period's budget lasts, counts the rest.
  void offer(const BatchPtr& batch);
  // Delivery thread: what was kept since the last call; the next period gets `budget` rows.
  Sampled take(std::uint64_t budget);

 private:
  const std::uint32_t port_;
  std::mutex mutex_;
  std::uint64_t budget_;
  Sampled sampled_;
};

// Called by the output gate for a batch on a tapped port (the bit in tapped_ports is set).
void offer_to_taps(TaskMetrics& metrics, std::uint32_t port, const BatchPtr& batch);

// Rows of a batch as text by its schema: integers and floats in their shortest form, booleans
// as true/false, timestamps as UTC ISO-8601 with milliseconds, null as "null".
std::vector<std::vector<std::string>> format_rows(const RecordBatch& batch,
                                                  const std::vector<std::uint32_t>& rows);

// Installs `tap` on `port` of every task in `tasks` and delivers what it samples every
// kTapPeriod on a thread of its own (only periods in which something crossed the edge).
// Destroying the handle removes the tap from every task, then stops and joins the thread.
std::unique_ptr<node::Handle> install_tap(std::vector<std::shared_ptr<TaskMetrics>> tasks,
                                          std::uint32_t port, graphs::Schema schema,
                                          std::uint32_t max_records_per_second,
                                          std::function<void(node::PreviewRecords)> deliver);

}  // namespace rivulet::runtime

#include "runtime/metrics/edge_tap.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <thread>

namespace rivulet::runtime {

std::uint64_t tap_budget(std::uint32_t max_records_per_second) {
  const auto per_period =
      (static_cast<std::uint64_t>(max_records_per_second) * kTapPeriod.count() + 999) / 1000;
  return std::max<std::uint64_t>(per_period, 1);
}

void EdgeTap::offer(const BatchPtr& batch) {
  const std::size_t n = batch->num_rows();
  std::lock_guard lock(mutex_);
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(budget_, n));
  if (take > 0) {
    std::vector<std::uint32_t> rows(take);
    // Spread over the batch rather than its head, so a preview shows a cross-section.
    for (std::size_t i = 0; i < take; ++i) rows[i] = static_cast<std::uint32_t>(i * n / take);
    sampled_.parts.emplace_back(batch, std::move(rows));
    sampled_.rows += take;
    budget_ -= take;
  }
  sampled_.skipped += n - take;
}

EdgeTap::Sampled EdgeTap::take(std::uint64_t budget) {
  std::lock_guard lock(mutex_);
  Sampled out = std::move(sampled_);
  sampled_ = Sampled{};
  budget_ = budget;
  return out;
}

void offer_to_taps(TaskMetrics& metrics, std::uint32_t port, const BatchPtr& batch) {
  std::lock_guard lock(metrics.taps_mutex);
  for (const auto& tap : metrics.taps) {
    if (tap->port() == port) tap->offer(batch);
  }
}

namespace {

std::string format_double(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

std::string format_timestamp(std::int64_t ms) {
  const std::int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto millis = static_cast<int>(ms - seconds * 1000);
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string format_value(const Column& c, std::size_t row) {
  if (c.is_null(row)) return "null";
  switch (c.type()) {
    case FieldType::Int64:
      return std::to_string(c.int64s()[row]);
    case FieldType::Timestamp:
      return format_timestamp(c.int64s()[row]);
    case FieldType::Float64:
      return format_double(c.float64s()[row]);
    case FieldType::Bool:
      return c.bools()[row] ? "true" : "false";
    case FieldType::String:
      return std::string(c.string_at(row));
  }
  return {};
}

class TapHandle final : public node::Handle {
 public:
  TapHandle(std::vector<std::shared_ptr<TaskMetrics>> tasks, std::shared_ptr<EdgeTap> tap,
            graphs::Schema schema, std::uint64_t budget,
            std::function<void(node::PreviewRecords)> deliver)
      : tasks_(std::move(tasks)), tap_(std::move(tap)) {
    for (const auto& m : tasks_) {
      std::lock_guard lock(m->taps_mutex);
      m->taps.push_back(tap_);
      m->tapped_ports.fetch_or(1u << tap_->port(), std::memory_order_relaxed);
    }
    thread_ = std::thread([this, schema = std::move(schema), budget, deliver = std::move(deliver)] {
      run(schema, budget, deliver);
    });
  }

  ~TapHandle() override {
    for (const auto& m : tasks_) {
      std::lock_guard lock(m->taps_mutex);
      std::erase(m->taps, tap_);
      const bool port_still_tapped = std::any_of(
          m->taps.begin(), m->taps.end(), [&](const auto& t) { return t->port() == tap_->port(); });
      if (!port_still_tapped) {
        m->tapped_ports.fetch_and(~(1u << tap_->port()), std::memory_order_relaxed);
      }
    }
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void run(const graphs::Schema& schema, std::uint64_t budget,
           const std::function<void(node::PreviewRecords)>& deliver) {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, kTapPeriod, [&] { return stopping_; })) {
      EdgeTap::Sampled sampled = tap_->take(budget);
      if (sampled.rows == 0 && sampled.skipped == 0) continue;
      node::PreviewRecords records;
      records.schema = schema;
      records.skipped = sampled.skipped;
      records.rows.reserve(sampled.rows);
      for (const auto& [batch, rows] : sampled.parts) {
        auto formatted = format_rows(*batch, rows);
        std::move(formatted.begin(), formatted.end(), std::back_inserter(records.rows));
      }
      lock.unlock();  // the callback may take its time; destruction waits for it
      deliver(std::move(records));
      lock.lock();
    }
  }

  std::vector<std::shared_ptr<TaskMetrics>> tasks_;
  std::shared_ptr<EdgeTap> tap_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::vector<std::vector<std::string>> format_rows(const RecordBatch& batch,
                                                  const std::vector<std::uint32_t>& rows) {
  std::vector<std::vector<std::string>> out;
  out.reserve(rows.size());
  for (std::uint32_t r : rows) {
    std::vector<std::string>& row = out.emplace_back();
    row.reserve(batch.num_columns());
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      row.push_back(format_value(batch.column(c), r));
    }
  }
  return out;
}

std::unique_ptr<node::Handle> install_tap(std::vector<std::shared_ptr<TaskMetrics>> tasks,
                                          std::uint32_t port, graphs::Schema schema,
                                          std::uint32_t max_records_per_second,
                                          std::function<void(node::PreviewRecords)> deliver) {
  const std::uint64_t budget = tap_budget(max_records_per_second);
  auto tap = std::make_shared<EdgeTap>(port, budget);
  return std::make_unique<TapHandle>(std::move(tasks), std::move(tap), std::move(schema), budget,
                                     std::move(deliver));
}

}  // namespace rivulet::runtime

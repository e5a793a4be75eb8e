#pragma once
// The chart dock (Qt Charts) for the operator selected on the canvas: records in/out per second,
// busy and back-pressured time, and Kafka / watermark lag over the history window. The x axis is
// seconds before the newest sample.

#include <QDockWidget>
#include <string>

#include "editor/monitor/metric_history.hpp"

class QLabel;
class QChart;
class QLineSeries;
class QValueAxis;

namespace rivulet::editor::monitor {

class MetricsChart : public QDockWidget {
  Q_OBJECT
 public:
  explicit MetricsChart(QWidget* parent = nullptr);

  // The operator whose history is plotted; "" shows a hint to select one.
  void setNode(const std::string& node_id);
  const std::string& node() const { return node_id_; }
  void update(const MetricHistory* history);

  QLineSeries& recordsIn() { return *in_; }
  QLineSeries& recordsOut() { return *out_; }
  QLineSeries& busy() { return *busy_; }
  QLineSeries& backpressured() { return *backpressured_; }
  QLineSeries& kafkaLag() { return *kafka_lag_; }
  QLineSeries& watermarkLag() { return *watermark_lag_; }

 private:
  std::string node_id_;
  QLabel* title_ = nullptr;
  QLineSeries* in_ = nullptr;
  QLineSeries* out_ = nullptr;
  QLineSeries* busy_ = nullptr;
  QLineSeries* backpressured_ = nullptr;
  QLineSeries* kafka_lag_ = nullptr;
  QLineSeries* watermark_lag_ = nullptr;
  QValueAxis* rate_axis_ = nullptr;
  QValueAxis* lag_axis_ = nullptr;
  QValueAxis* wm_axis_ = nullptr;
  QValueAxis* time_axes_[3] = {};
};

}  // namespace rivulet::editor::monitor

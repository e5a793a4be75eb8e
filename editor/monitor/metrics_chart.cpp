#include "editor/monitor/metrics_chart.hpp"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace rivulet::editor::monitor {
namespace {

QChartView* makeChart(const QString& title, QWidget* parent) {
  auto* chart = new QChart;
  chart->setTitle(title);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->setMargins(QMargins(2, 2, 2, 2));
  chart->setAnimationOptions(QChart::NoAnimation);  // updates twice a second: no tweening
  auto* view = new QChartView(chart, parent);       // takes ownership of the chart
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(140);
  return view;
}

QLineSeries* addSeries(QChart& chart, const QString& name, QValueAxis& x, QValueAxis& y) {
  auto* s = new QLineSeries;
  s->setName(name);
  chart.addSeries(s);
  s->attachAxis(&x);
  s->attachAxis(&y);
  return s;
}

// No axis titles and small labels: the dock is narrow and Qt Charts elides what does not fit
// (the units are in the chart titles and series names instead).
QValueAxis* axis(QChart& chart, Qt::Alignment where) {
  auto* a = new QValueAxis;
  a->setLabelFormat(QStringLiteral("%.0f"));
  a->setTickCount(4);
  QFont font = a->labelsFont();
  font.setPointSizeF(font.pointSizeF() * 0.8);
  a->setLabelsFont(font);
  chart.addAxis(a, where);
  return a;
}

}  // namespace

MetricsChart::MetricsChart(QWidget* parent) : QDockWidget(tr("Operator metrics"), parent) {
  setObjectName(QStringLiteral("metricsChart"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(2, 2, 2, 2);
  title_ = new QLabel(body);
  title_->setObjectName(QStringLiteral("metricsChartTitle"));
  layout->addWidget(title_);

  QChartView* rates = makeChart(tr("Throughput (records/s)"), body);
  QChartView* times = makeChart(tr("Busy / back-pressured (%)"), body);
  QChartView* lags = makeChart(tr("Lag (x: seconds ago)"), body);
  QChart* charts[3] = {rates->chart(), times->chart(), lags->chart()};
  for (int i = 0; i < 3; ++i) {
    time_axes_[i] = axis(*charts[i], Qt::AlignBottom);
    time_axes_[i]->setRange(-300, 0);
  }
  rate_axis_ = axis(*charts[0], Qt::AlignLeft);
  in_ = addSeries(*charts[0], tr("in"), *time_axes_[0], *rate_axis_);
  out_ = addSeries(*charts[0], tr("out"), *time_axes_[0], *rate_axis_);
  QValueAxis* percent = axis(*charts[1], Qt::AlignLeft);
  percent->setRange(0, 100);
  busy_ = addSeries(*charts[1], tr("busy"), *time_axes_[1], *percent);
  backpressured_ = addSeries(*charts[1], tr("back-pressured"), *time_axes_[1], *percent);
  lag_axis_ = axis(*charts[2], Qt::AlignLeft);
  wm_axis_ = axis(*charts[2], Qt::AlignRight);
  kafka_lag_ = addSeries(*charts[2], tr("Kafka lag (records, left)"), *time_axes_[2], *lag_axis_);
  watermark_lag_ =
      addSeries(*charts[2], tr("watermark lag (ms, right)"), *time_axes_[2], *wm_axis_);
  for (QChartView* v : {rates, times, lags}) layout->addWidget(v);
  body->setMinimumWidth(340);  // narrower and the axis labels collapse to "..."
  setWidget(body);
  setNode({});
}

void MetricsChart::setNode(const std::string& node_id) {
  node_id_ = node_id;
  title_->setText(node_id.empty() ? tr("Select an operator to plot its metrics")
                                  : QString::fromStdString(node_id));
  update(nullptr);
}

void MetricsChart::update(const MetricHistory* history) {
  QList<QPointF> in, out, busy, bp, lag, wm;
  double top_rate = 1, top_lag = 1, top_wm = 1;
  if (history && !history->points().empty()) {
    const std::int64_t newest = history->points().back().at_ms;
    for (const auto& p : history->points()) {
      const double x = static_cast<double>(p.at_ms - newest) / 1000.0;
      in.append({x, p.records_in_per_second});
      out.append({x, p.records_out_per_second});
      busy.append({x, p.busy * 100});
      bp.append({x, p.backpressured * 100});
      lag.append({x, static_cast<double>(p.kafka_lag)});
      wm.append({x, static_cast<double>(p.watermark_lag_ms)});
      top_rate = std::max({top_rate, p.records_in_per_second, p.records_out_per_second});
      top_lag = std::max(top_lag, static_cast<double>(p.kafka_lag));
      top_wm = std::max(top_wm, static_cast<double>(p.watermark_lag_ms));
    }
    for (QValueAxis* a : time_axes_) a->setRange(-history->windowMs() / 1000.0, 0);
  }
  // replace() swaps the whole list in one go: one repaint per series, not one per point.
  in_->replace(in);
  out_->replace(out);
  busy_->replace(busy);
  backpressured_->replace(bp);
  kafka_lag_->replace(lag);
  watermark_lag_->replace(wm);
  rate_axis_->setRange(0, top_rate * 1.1);
  lag_axis_->setRange(0, top_lag * 1.1);
  wm_axis_->setRange(0, top_wm * 1.1);
}

}  // namespace rivulet::editor::monitor

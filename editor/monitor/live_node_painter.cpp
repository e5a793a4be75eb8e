#include "editor/monitor/live_node_painter.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

#include "editor/monitor/metric_format.hpp"

namespace rivulet::editor::monitor {
namespace {

constexpr double kRow = 16;
constexpr double kSparkline = 24;
constexpr std::size_t kPartitionRows = 3;  // more partitions: "+N more" (all in the tooltip)

QColor mix(const QColor& a, const QColor& b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                          a.greenF() + (b.greenF() - a.greenF()) * t,
                          a.blueF() + (b.blueF() - a.blueF()) * t);
}

QColor readableOn(const QColor& fill) {
  return fill.lightnessF() > 0.55 ? QColor(0x21, 0x21, 0x21) : QColor(Qt::white);
}

bool hasPort(const NodeLiveView& view, const char* port) {
  // The counters go next to these ports when the operator has them (painted by NodeItem).
  return std::find(view.output_ports.begin(), view.output_ports.end(), port) !=
         view.output_ports.end();
}

}  // namespace

std::vector<LiveRow> liveRows(const NodeLiveView& view, bool expanded) {
  const NodeStats& s = view.stats;
  std::vector<LiveRow> rows;
  auto text = [&rows](QString t) { rows.push_back({LiveRow::Kind::Text, std::move(t), kRow}); };
  if (s.failed)
    rows.push_back(
        {LiveRow::Kind::Failure, QStringLiteral("⚠ ") + QString::fromStdString(s.failure), kRow});
  text(QStringLiteral("in %1 · out %2")
           .arg(formatRate(s.records_in_per_second), formatRate(s.records_out_per_second)));
  const bool many = s.instances.size() > 1;
  text(QStringLiteral("busy %1 · bp %2%3")
           .arg(formatPercent(s.busy.max), formatPercent(s.backpressured.max),
                many ? QStringLiteral(" (max)") : QString()));
  rows.push_back({LiveRow::Kind::Sparkline, {}, kSparkline});
  if (view.is_source || !s.kafka_lag.empty() || s.watermark_lag_ms > 0) {
    QStringList parts;
    if (!s.kafka_lag.empty()) parts << QStringLiteral("lag %1").arg(formatCount(s.kafka_lag_total));
    if (s.watermark_lag_ms > 0) {
      parts << QStringLiteral("wm lag %1").arg(formatDurationMs(s.watermark_lag_ms));
    }
    if (!parts.isEmpty()) text(parts.join(QStringLiteral(" · ")));
    for (std::size_t i = 0; i < s.kafka_lag.size() && i < kPartitionRows; ++i) {
      const auto& p = s.kafka_lag[i];
      text(QStringLiteral("  %1[%2] %3")
               .arg(QString::fromStdString(p.topic))
               .arg(p.partition)
               .arg(formatCount(static_cast<double>(p.lag))));
    }
    if (s.kafka_lag.size() > kPartitionRows) {
      text(QStringLiteral("  +%1 more partitions").arg(s.kafka_lag.size() - kPartitionRows));
    }
  }
  if (view.is_sink || s.committed_records > 0) {
    text(QStringLiteral("committed %1").arg(formatCount(static_cast<double>(s.committed_records))));
  }
  QStringList counters;
  if (s.late_records && !hasPort(view, "late")) {
    counters << QStringLiteral("late %1").arg(formatCount(static_cast<double>(s.late_records)));
  }
  if (s.dead_letters && !hasPort(view, "dead_letters")) {
    counters << QStringLiteral("dead %1").arg(formatCount(static_cast<double>(s.dead_letters)));
  }
  if (s.dropped_records) {
    counters
        << QStringLiteral("dropped %1").arg(formatCount(static_cast<double>(s.dropped_records)));
  }
  if (s.skipped_records) {
    counters
        << QStringLiteral("skipped %1").arg(formatCount(static_cast<double>(s.skipped_records)));
  }
  if (!counters.isEmpty()) text(counters.join(QStringLiteral(" · ")));
  if (many) {
    rows.push_back({LiveRow::Kind::Toggle,
                    QStringLiteral("%1 %2 instances")
                        .arg(expanded ? QStringLiteral("▾") : QStringLiteral("▸"))
                        .arg(s.instances.size()),
                    kRow});
    if (expanded) {
      for (const auto& i : s.instances) {
        rows.push_back(
            {LiveRow::Kind::Instance,
             QStringLiteral("#%1 %2 → %3 · busy %4 · bp %5")
                 .arg(i.subtask)
                 .arg(formatRate(i.records_in_per_second), formatRate(i.records_out_per_second),
                      formatPercent(i.busy), formatPercent(i.backpressured)),
             kRow});
      }
    }
  }
  return rows;
}

double liveSectionHeight(const NodeLiveView& view, bool expanded) {
  double h = 4;
  for (const auto& r : liveRows(view, expanded)) h += r.height;
  return h;
}

QRectF instancesToggleRect(const QRectF& area, const NodeLiveView& view) {
  double y = area.top() + 2;
  for (const auto& r : liveRows(view, false)) {
    if (r.kind == LiveRow::Kind::Toggle) return QRectF(area.left(), y, area.width(), r.height);
    y += r.height;
  }
  return {};
}

QColor liveFill(const NodeLiveView& view) {
  if (view.stale) return QColor(0xbd, 0xbd, 0xbd);
  if (view.stats.failed) return QColor(0xef, 0x9a, 0x9a);
  const QColor idle(0xe3, 0xf2, 0xfd), busy(0xff, 0x8a, 0x3d), backpressured(0x42, 0x42, 0x42);
  const double b = view.stats.busy.mean, p = view.stats.backpressured.mean;
  // Busy pulls from idle towards orange; back-pressure then pulls towards dark grey.
  const QColor working = mix(idle, busy, b / std::max(1e-9, 1.0 - p));
  return mix(working, backpressured, p);
}

void paintLiveSection(QPainter& painter, const QRectF& area, const NodeLiveView& view,
                      bool expanded, double lod) {
  const QColor fill = liveFill(view);
  painter.save();
  painter.setPen(Qt::NoPen);
  painter.setBrush(fill);
  QPainterPath body;
  body.addRoundedRect(area, 6, 6);
  body.addRect(QRectF(area.left(), area.top(), area.width(), 6));  // square top corners
  painter.drawPath(body.simplified());
  if (lod <= 0.35) {  // unreadable this far out: the fill alone carries the state
    painter.restore();
    return;
  }
  QFont font = painter.font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  painter.setFont(font);
  const QFontMetricsF fm(font);
  const QColor ink = readableOn(fill);
  double y = area.top() + 2;
  const double x = area.left() + 8, w = area.width() - 16;
  for (const auto& row : liveRows(view, expanded)) {
    const QRectF r(x, y, w, row.height);
    switch (row.kind) {
      case LiveRow::Kind::Sparkline: {
        const auto& v = view.sparkline;
        painter.setPen(QPen(ink, 0.5, Qt::DotLine));
        painter.drawLine(QPointF(r.left(), r.bottom() - 2), QPointF(r.right(), r.bottom() - 2));
        if (v.size() >= 2) {
          const double top = std::max(1e-9, *std::max_element(v.begin(), v.end()));
          QPainterPath line;
          for (std::size_t i = 0; i < v.size(); ++i) {
            const QPointF p(r.left() + r.width() * i / (v.size() - 1),
                            r.bottom() - 2 - (r.height() - 4) * v[i] / top);
            i == 0 ? line.moveTo(p) : line.lineTo(p);
          }
          painter.setPen(
              QPen(view.stale ? QColor(0x75, 0x75, 0x75) : QColor(0x15, 0x65, 0xc0), 1.5));
          painter.setBrush(Qt::NoBrush);
          painter.drawPath(line);
        }
        break;
      }
      case LiveRow::Kind::Failure:
        painter.setPen(QColor(0xb7, 0x1c, 0x1c));
        painter.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(row.text, Qt::ElideRight, w));
        break;
      default:
        painter.setPen(ink);
        painter.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(row.text, Qt::ElideRight, w));
    }
    y += row.height;
  }
  painter.restore();
}

bool looksSame(const NodeLiveView& a, const NodeLiveView& b, bool expanded) {
  if (a.stale != b.stale || a.sparkline != b.sparkline || liveFill(a) != liveFill(b) ||
      portCounterText(a, "late") != portCounterText(b, "late") ||
      portCounterText(a, "dead_letters") != portCounterText(b, "dead_letters")) {
    return false;
  }
  const auto ra = liveRows(a, expanded), rb = liveRows(b, expanded);
  return std::equal(ra.begin(), ra.end(), rb.begin(), rb.end(), [](const auto& x, const auto& y) {
    return x.kind == y.kind && x.text == y.text;
  });
}

QString portCounterText(const NodeLiveView& view, const std::string& port) {
  if (port == "late" && view.stats.late_records) {
    return formatCount(static_cast<double>(view.stats.late_records));
  }
  if (port == "dead_letters" && view.stats.dead_letters) {
    return formatCount(static_cast<double>(view.stats.dead_letters));
  }
  return {};
}

QString liveToolTip(const NodeLiveView& view, const QString& title) {
  const NodeStats& s = view.stats;
  QString html = QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped());
  if (view.stale) html += QStringLiteral("<br><i>connection lost — last known numbers</i>");
  if (s.failed) {
    html += QStringLiteral("<br><font color='#b71c1c'>%1</font>")
                .arg(QString::fromStdString(s.failure).toHtmlEscaped());
  }
  html += QStringLiteral("<br>in %1, out %2; busy %3 (mean %4), back-pressured %5 (mean %6)")
              .arg(formatRate(s.records_in_per_second), formatRate(s.records_out_per_second),
                   formatPercent(s.busy.max), formatPercent(s.busy.mean),
                   formatPercent(s.backpressured.max), formatPercent(s.backpressured.mean));
  for (const auto& p : s.kafka_lag) {
    html += QStringLiteral("<br>%1[%2] lag %3")
                .arg(QString::fromStdString(p.topic).toHtmlEscaped())
                .arg(p.partition)
                .arg(p.lag);
  }
  html += QStringLiteral(
      "<table border='1' cellspacing='0' cellpadding='2'><tr><th>#</th><th>state</th>"
      "<th>in/s</th><th>out/s</th><th>busy</th><th>bp</th><th>idle</th><th>input</th>"
      "<th>wm lag</th></tr>");
  for (const auto& i : s.instances) {
    html += QStringLiteral(
                "<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td>"
                "<td>%6</td><td>%7</td><td>%8</td><td>%9</td></tr>")
                .arg(i.subtask)
                .arg(QString::fromStdString(i.state).toHtmlEscaped(),
                     formatRate(i.records_in_per_second), formatRate(i.records_out_per_second),
                     formatPercent(i.busy), formatPercent(i.backpressured), formatPercent(i.idle),
                     formatPercent(i.input_fill), formatDurationMs(i.watermark_lag_ms));
  }
  html += QStringLiteral("</table>");
  return html;
}

}  // namespace rivulet::editor::monitor

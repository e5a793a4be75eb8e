#pragma once
// Paints the monitor-mode part of an operator box (below its ports): rates, busy and
// back-pressured time, a sparkline, source lags, sink commits, the failure and the per-instance
// rows; and the fill that blends idle → busy → back-pressured like Flink's job graph. Kept out of
// NodeItem so that the authoring look has no monitor code in its path.

#include <QColor>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "editor/monitor/live_view.hpp"

class QPainter;
class QPalette;

namespace rivulet::editor::monitor {

struct LiveRow {
  enum class Kind { Text, Sparkline, Failure, Toggle, Instance };
  Kind kind = Kind::Text;
  QString text;
  double height = 16;
};

// The rows shown for a node, top to bottom; the instance rows only when `expanded`.
std::vector<LiveRow> liveRows(const NodeLiveView& view, bool expanded);
double liveSectionHeight(const NodeLiveView& view, bool expanded);
// The "▸ N instances" row inside `area` (the live section's rectangle), or an empty rect.
QRectF instancesToggleRect(const QRectF& area, const NodeLiveView& view);

// Idle (pale blue) → busy (orange) → back-pressured (dark grey), weighted by the instances' mean
// shares; red-tinted when failed; grey when stale.
QColor liveFill(const NodeLiveView& view);
void paintLiveSection(QPainter& painter, const QRectF& area, const NodeLiveView& view,
                      bool expanded, double lod);
// Whether two views draw the same pixels (rows, fill, sparkline): unchanged items skip repaints.
bool looksSame(const NodeLiveView& a, const NodeLiveView& b, bool expanded);
// Count shown next to an output port in monitor mode ("12 late", "3 dead"), or "".
QString portCounterText(const NodeLiveView& view, const std::string& port);
// Rich-text tooltip: the numbers and a table with one row per instance.
QString liveToolTip(const NodeLiveView& view, const QString& title);

}  // namespace rivulet::editor::monitor

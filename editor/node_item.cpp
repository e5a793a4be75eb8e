#include "editor/node_item.hpp"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>
#include <algorithm>
#include <cmath>

#include "editor/graph_scene.hpp"
#include "editor/monitor/live_node_painter.hpp"
#include "editor/node_summary.hpp"

namespace rivulet::editor {
namespace {

// Header colours by catalog category, muted enough to stay readable in light and dark themes.
QColor categoryColor(const std::string& category) {
  if (category == "source") return QColor(0x2e, 0x7d, 0x32);
  if (category == "sink") return QColor(0x6a, 0x1b, 0x9a);
  if (category == "transform") return QColor(0x15, 0x65, 0xc0);
  if (category == "keying") return QColor(0x00, 0x83, 0x8f);
  if (category == "window") return QColor(0xef, 0x6c, 0x00);
  if (category == "join") return QColor(0x8d, 0x6e, 0x63);
  if (category == "alert") return QColor(0xc6, 0x28, 0x28);
  return QColor(0x54, 0x6e, 0x7a);
}

}  // namespace

NodeItem::NodeItem(const graphs::Node& node, const graphs::OperatorSpec* spec) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(true);
  setZValue(1);  // above edges
  id_ = node.id;
  if (spec) {
    spec_ = *spec;
    category_ = spec->category;
    for (const auto& p : spec->inputs) {
      inputs_.push_back(p.name);
      keyed_inputs_.push_back(p.kind == graphs::PortKind::Keyed);
    }
    for (const auto& p : spec->outputs) outputs_.push_back(p.name);
    base_tooltip_ = QString::fromStdString(spec->description);
  } else {
    base_tooltip_ = QObject::tr("Operator kind '%1' is not in the catalog")
                        .arg(QString::fromStdString(node.kind));
  }
  setNode(node);
}

namespace {
constexpr double kSummaryWidth = NodeItem::kWidth - 16;
}

bool NodeItem::setNode(const graphs::Node& node) {
  kind_ = node.kind;
  label_ = node.label;
  QStringList items = editor::summaryItems(node, spec_ ? &*spec_ : nullptr);
  QStringList lines = editor::summaryLines(items, summaryFont(), kSummaryWidth, kMaxSummaryLines);
  const bool resized = lines.size() != summary_lines_.size();
  if (resized) prepareGeometryChange();
  summary_items_ = std::move(items);
  summary_lines_ = std::move(lines);
  refreshToolTip();
  update();
  return resized;
}

double NodeItem::summaryHeight(int lines) { return lines > 0 ? lines * kSummaryLineHeight + 4 : 0; }

QSizeF NodeItem::boxSize(const graphs::OperatorSpec* spec, const graphs::Node* node) {
  const std::size_t rows =
      spec ? std::max<std::size_t>({spec->inputs.size(), spec->outputs.size(), 1}) : 1;
  const int lines =
      node ? static_cast<int>(editor::summaryLines(editor::summaryItems(*node, spec), summaryFont(),
                                                   kSummaryWidth, kMaxSummaryLines)
                                  .size())
           : 0;
  return QSizeF(kWidth, kHeaderHeight + summaryHeight(lines) + rows * kPortSpacing + 6);
}

double NodeItem::portsTop() const {
  return kHeaderHeight + summaryHeight(static_cast<int>(summary_lines_.size()));
}

double NodeItem::height() const {
  const std::size_t rows = std::max<std::size_t>({inputs_.size(), outputs_.size(), 1});
  return portsTop() + rows * kPortSpacing + 6;
}

QRectF NodeItem::summaryRect() const {
  if (summary_lines_.isEmpty()) return {};
  return QRectF(8, kHeaderHeight + 2, kSummaryWidth, summary_lines_.size() * kSummaryLineHeight);
}

double NodeItem::totalHeight() const {
  return live_ ? height() + monitor::liveSectionHeight(*live_, instances_expanded_) : height();
}

QRectF NodeItem::liveSectionRect() const {
  if (!live_) return {};
  return QRectF(0, height(), kWidth, totalHeight() - height());
}

QRectF NodeItem::boundingRect() const {
  // Ports and the badge stick out of the box; in monitor mode, counters beside the outputs.
  const double right = live_ ? 60 : 0;
  return QRectF(-kPortRadius - 2, -10, kWidth + 2 * kPortRadius + 14 + right, totalHeight() + 12);
}

QPainterPath NodeItem::shape() const {
  QPainterPath path;
  path.addRect(QRectF(-kPortRadius - 2, -10, kWidth + 2 * kPortRadius + 14, totalHeight() + 12));
  return path;
}

QPointF NodeItem::portPos(std::size_t index, bool output) const {
  return QPointF(output ? kWidth : 0, portsTop() + (index + 0.5) * kPortSpacing);
}

QPointF NodeItem::portScenePos(const std::string& port, bool output) const {
  const auto& ports = output ? outputs_ : inputs_;
  auto it = std::find(ports.begin(), ports.end(), port);
  const std::size_t index = it == ports.end() ? 0 : static_cast<std::size_t>(it - ports.begin());
  return mapToScene(portPos(index, output));
}

std::optional<PortRef> NodeItem::portAt(const QPointF& scene_pos) const {
  const QPointF local = mapFromScene(scene_pos);
  const double grab = kPortRadius + 5;  // a little larger than drawn: easier to hit
  for (int side = 0; side < 2; ++side) {
    const bool output = side == 1;
    const auto& ports = output ? outputs_ : inputs_;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const QPointF d = local - portPos(i, output);
      if (std::hypot(d.x(), d.y()) <= grab) return PortRef{id_, ports[i], output};
    }
  }
  return std::nullopt;
}

void NodeItem::setBadge(Badge badge, const QString& tooltip) {
  badge_ = badge;
  badge_tooltip_ = tooltip;
  refreshToolTip();
  update();
}

void NodeItem::refreshToolTip() {
  if (live_) {
    setToolTip(monitor::liveToolTip(*live_, title()));
  } else if (badge_ != Badge::None) {
    setToolTip(badge_tooltip_);
  } else if (summary_items_.isEmpty()) {
    setToolTip(base_tooltip_);
  } else {  // the summary in full (the box may elide it), then what the operator does
    setToolTip(summary_items_.join(QLatin1Char('\n')) + QStringLiteral("\n\n") + base_tooltip_);
  }
}

void NodeItem::setLiveView(std::optional<monitor::NodeLiveView> view) {
  if (!view && !live_) return;
  const bool same_look = view && live_ && monitor::looksSame(*live_, *view, instances_expanded_);
  const bool same_size = view && live_ &&
                         monitor::liveSectionHeight(*live_, instances_expanded_) ==
                             monitor::liveSectionHeight(*view, instances_expanded_);
  if (!same_size) prepareGeometryChange();
  live_ = std::move(view);
  if (!live_) instances_expanded_ = false;
  refreshToolTip();
  if (!same_look) update();
}

void NodeItem::setInstancesExpanded(bool expanded) {
  if (expanded == instances_expanded_) return;
  prepareGeometryChange();
  instances_expanded_ = expanded;
  update();
}

void NodeItem::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (live_ && event->button() == Qt::LeftButton &&
      monitor::instancesToggleRect(liveSectionRect(), *live_).contains(event->pos())) {
    setInstancesExpanded(!instances_expanded_);
  }
  QGraphicsItem::mousePressEvent(event);  // still selects (and may move) the node
}

void NodeItem::setHighlightedPort(const std::string& port, bool output, bool ok) {
  highlight_port_ = port;
  highlight_output_ = output;
  highlight_ok_ = ok;
  update();
}

void NodeItem::clearHighlight() {
  if (highlight_port_.empty()) return;
  highlight_port_.clear();
  update();
}

QString NodeItem::title() const { return QString::fromStdString(label_.empty() ? id_ : label_); }

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  const QPalette pal = QApplication::palette();
  const QRectF box(0, 0, kWidth, totalHeight());
  const bool selected = isSelected();
  const bool failed = live_ && live_->stats.failed && !live_->stale;
  painter->setRenderHint(QPainter::Antialiasing);
  const double lod = option->levelOfDetailFromTransform(painter->worldTransform());

  // Body and header.
  QPen outline(selected ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid),
               selected ? 2.5 : 1);
  if (failed && !selected) outline = QPen(QColor(0xc6, 0x28, 0x28), 3);
  painter->setPen(outline);
  painter->setBrush(pal.color(QPalette::Base));
  painter->drawRoundedRect(box, 6, 6);
  if (live_) {
    monitor::paintLiveSection(*painter, liveSectionRect(), *live_, instances_expanded_, lod);
    painter->setPen(outline);  // the live fill covered the lower outline
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(box, 6, 6);
  }
  QPainterPath header;
  header.addRoundedRect(QRectF(0, 0, kWidth, kHeaderHeight), 6, 6);
  header.addRect(QRectF(0, kHeaderHeight - 6, kWidth, 6));  // square bottom corners
  painter->fillPath(header.simplified(),
                    failed ? QColor(0xc6, 0x28, 0x28) : categoryColor(category_));

  if (lod > 0.35) {  // text is unreadable when zoomed far out; skip it (large graphs stay fast)
    QFont font = painter->font();
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(Qt::white);
    const QFontMetricsF fm(font);
    painter->drawText(QRectF(8, 3, kWidth - 16, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      fm.elidedText(title(), Qt::ElideRight, kWidth - 16));
    font.setBold(false);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    painter->drawText(QRectF(8, 20, kWidth - 16, 16), Qt::AlignLeft | Qt::AlignVCenter,
                      QString::fromStdString(kind_));
    // The configuration summary, in the box's text colour under the header.
    painter->setFont(summaryFont());
    painter->setPen(pal.color(QPalette::Text));
    const QRectF band = summaryRect();
    for (qsizetype i = 0; i < summary_lines_.size(); ++i) {
      painter->drawText(QRectF(band.x(), band.y() + static_cast<double>(i) * kSummaryLineHeight,
                               band.width(), kSummaryLineHeight),
                        Qt::AlignLeft | Qt::AlignVCenter, summary_lines_[i]);
    }
  }

  // Ports.
  for (int side = 0; side < 2; ++side) {
    const bool output = side == 1;
    const auto& ports = output ? outputs_ : inputs_;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const QPointF c = portPos(i, output);
      QColor fill = pal.color(QPalette::Button);
      if (!output && keyed_inputs_[i]) fill = QColor(0x00, 0x83, 0x8f);  // keyed: teal
      if (!highlight_port_.empty() && highlight_port_ == ports[i] && highlight_output_ == output) {
        fill = highlight_ok_ ? QColor(0x43, 0xa0, 0x47) : QColor(0xe5, 0x39, 0x35);
      }
      painter->setPen(QPen(pal.color(QPalette::Text), 1));
      painter->setBrush(fill);
      painter->drawEllipse(c, kPortRadius, kPortRadius);
      if (lod > 0.5) {
        painter->setPen(pal.color(QPalette::Text));
        const QRectF text = output ? QRectF(c.x() - kWidth / 2 - 10, c.y() - 9, kWidth / 2, 18)
                                   : QRectF(c.x() + 10, c.y() - 9, kWidth / 2, 18);
        painter->drawText(text, (output ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                          QString::fromStdString(ports[i]));
      }
      if (live_ && output && lod > 0.35) {  // late / dead-letter counts beside their port
        const QString count = monitor::portCounterText(*live_, ports[i]);
        if (!count.isEmpty()) {
          const QRectF pill(c.x() + kPortRadius + 3, c.y() - 8, 50, 16);
          painter->setPen(Qt::NoPen);
          painter->setBrush(QColor(0xf9, 0xa8, 0x25));
          painter->drawRoundedRect(pill, 8, 8);
          painter->setPen(QColor(0x21, 0x21, 0x21));
          painter->drawText(pill, Qt::AlignCenter, count);
        }
      }
    }
  }

  // Validation badge in the top-right corner.
  if (badge_ != Badge::None) {
    const QRectF b(kWidth - 4, -8, 16, 16);
    painter->setPen(QPen(Qt::white, 1.5));
    painter->setBrush(badge_ == Badge::Error ? QColor(0xd3, 0x2f, 0x2f) : QColor(0xf9, 0xa8, 0x25));
    painter->drawEllipse(b);
    QFont font = painter->font();
    font.setBold(true);
    painter->setFont(font);
    painter->drawText(b, Qt::AlignCenter, QStringLiteral("!"));
  }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  auto* graph_scene = dynamic_cast<GraphScene*>(scene());
  if (change == ItemPositionChange && graph_scene && graph_scene->snapToGrid() &&
      !graph_scene->syncing()) {
    const double g = GraphScene::kGridSize;
    const QPointF p = value.toPointF();
    return QPointF(std::round(p.x() / g) * g, std::round(p.y() / g) * g);
  }
  if (change == ItemPositionHasChanged && graph_scene) graph_scene->nodeItemMoved(*this);
  return QGraphicsItem::itemChange(change, value);
}

}  // namespace rivulet::editor

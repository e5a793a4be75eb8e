#pragma once
// How one operator node looks on the canvas: a rounded box with its label and kind, a short
// summary of its configuration (node_summary.hpp) under them, input ports as circles on the left
// edge, output ports on the right, and a validation badge. It only
// renders; position changes are reported to the GraphScene, which turns them into commands.
// In monitor mode it also carries a live view (editor/monitor/) drawn below the ports; clearing
// it restores the authoring look exactly.

#include <QGraphicsItem>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <vector>

#include "editor/monitor/live_view.hpp"
#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

struct PortRef {
  std::string node;
  std::string port;
  bool output = false;
};

enum class Badge { None, Warning, Error };

class NodeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 1 };
  static constexpr double kWidth = 180;
  static constexpr double kHeaderHeight = 40;
  static constexpr double kPortSpacing = 22;
  static constexpr double kPortRadius = 6;
  static constexpr double kSummaryLineHeight = 15;
  static constexpr int kMaxSummaryLines = 3;

  NodeItem(const graphs::Node& node, const graphs::OperatorSpec* spec);
  // The box size for a node (without ports sticking out); auto-layout needs it up front. The
  // summary's lines count, so the node is needed too (null: no summary).
  static QSizeF boxSize(const graphs::OperatorSpec* spec, const graphs::Node* node = nullptr);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  // The box with its ports and badge: the live counters beside the outputs take no clicks, so
  // an edge leaving the node can still be hovered and right-clicked.
  QPainterPath shape() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  const std::string& id() const { return id_; }
  // Refreshes label, summary and tooltip after the node's data changed. True when the box's
  // height changed (the ports moved: the scene re-routes the node's edges).
  bool setNode(const graphs::Node& node);
  // The configuration summary as drawn (elided lines) and in full (its items).
  const QStringList& summaryLines() const { return summary_lines_; }
  const QStringList& summaryItems() const { return summary_items_; }
  // The summary band under the header, in item coordinates (empty when there is no summary).
  QRectF summaryRect() const;
  QPointF portScenePos(const std::string& port, bool output) const;
  std::optional<PortRef> portAt(const QPointF& scene_pos) const;
  void setBadge(Badge badge, const QString& tooltip);
  Badge badge() const { return badge_; }
  // Ports drawn highlighted while a connection is dragged (compatible ones) — or none.
  void setHighlightedPort(const std::string& port, bool output, bool ok);
  void clearHighlight();

  // Monitor mode: the live numbers; nullopt leaves monitor mode (size, fill and tooltip back to
  // the authoring ones). Repaints only when what is drawn changed.
  void setLiveView(std::optional<monitor::NodeLiveView> view);
  const std::optional<monitor::NodeLiveView>& liveView() const { return live_; }
  // The per-instance rows in the box (also toggled by clicking the "▸ N instances" row).
  void setInstancesExpanded(bool expanded);
  bool instancesExpanded() const { return instances_expanded_; }
  // The live section's rectangle in item coordinates (empty outside monitor mode).
  QRectF liveSectionRect() const;

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

 private:
  static double summaryHeight(int lines);
  double portsTop() const;     // below the header and the summary
  double height() const;       // the authoring box: header, summary and ports
  double totalHeight() const;  // plus the live section in monitor mode
  void refreshToolTip();
  QPointF portPos(std::size_t index, bool output) const;
  QString title() const;

  std::string id_;
  std::string kind_;
  std::string label_;
  std::string category_;
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
  std::vector<bool> keyed_inputs_;
  std::optional<graphs::OperatorSpec> spec_;
  QStringList summary_items_;
  QStringList summary_lines_;
  QString base_tooltip_;
  QString badge_tooltip_;
  Badge badge_ = Badge::None;
  std::string highlight_port_;
  bool highlight_output_ = false;
  bool highlight_ok_ = false;
  std::optional<monitor::NodeLiveView> live_;
  bool instances_expanded_ = false;
};

}  // namespace rivulet::editor

#pragma once
// How one operator node looks on the canvas: a rounded box with its label and kind, input ports
// as circles on the left edge, output ports on the right, and a validation badge. It only
// renders; position changes are reported to the GraphScene, which turns them into commands.

#include <QGraphicsItem>
#include <QString>
#include <optional>
#include <string>
#include <vector>

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

  NodeItem(const graphs::Node& node, const graphs::OperatorSpec* spec);
  // The box size for an operator (without ports sticking out); auto-layout needs it up front.
  static QSizeF boxSize(const graphs::OperatorSpec* spec);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
             QWidget* widget) override;

  const std::string& id() const { return id_; }
  // Refreshes label and tooltip after the node's data changed.
  void setNode(const graphs::Node& node);
  QPointF portScenePos(const std::string& port, bool output) const;
  std::optional<PortRef> portAt(const QPointF& scene_pos) const;
  void setBadge(Badge badge, const QString& tooltip);
  Badge badge() const { return badge_; }
  // Ports drawn highlighted while a connection is dragged (compatible ones) — or none.
  void setHighlightedPort(const std::string& port, bool output, bool ok);
  void clearHighlight();

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

 private:
  double height() const;
  QPointF portPos(std::size_t index, bool output) const;
  QString title() const;

  std::string id_;
  std::string kind_;
  std::string label_;
  std::string category_;
  std::vector<std::string> inputs_;
  std::vector<std::string> outputs_;
  std::vector<bool> keyed_inputs_;
  QString base_tooltip_;
  Badge badge_ = Badge::None;
  std::string highlight_port_;
  bool highlight_output_ = false;
  bool highlight_ok_ = false;
};

}  // namespace rivulet::editor

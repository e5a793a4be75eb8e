// Looks that follow the system and the catalog: the canvas, the nodes and the overview take
// their colours from the application palette (so a light or dark system theme, and a switch
// between them while running, is followed), and tooltips show the catalog's documentation.
#include <QAbstractItemModel>
#include <QHelpEvent>
#include <QScreen>
#include <QTest>
#include <QToolTip>
#include <QTreeView>
#include <gtest/gtest.h>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/minimap.hpp"
#include "editor/palette.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

QPalette darkPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x30));
  p.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
  p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
  p.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3d));
  p.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
  p.setColor(QPalette::Mid, QColor(0x55, 0x55, 0x58));
  p.setColor(QPalette::Highlight, QColor(0x26, 0x4f, 0x78));
  p.setColor(QPalette::HighlightedText, Qt::white);
  return p;
}

QPalette lightPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
  p.setColor(QPalette::Base, Qt::white);
  p.setColor(QPalette::Text, Qt::black);
  p.setColor(QPalette::Mid, QColor(0xb8, 0xb8, 0xb8));
  p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
  return p;
}

// Restores the application palette however the test ends.
struct PaletteGuard {
  QPalette saved = QApplication::palette();
  ~PaletteGuard() { QApplication::setPalette(saved); }
};

TEST(Appearance, CanvasNodesAndOverviewFollowTheApplicationPalette) {
  PaletteGuard guard;
  test::Window w;
  auto& doc = w->document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("filter", {0, 0})));
  GraphView& view = w->view();
  view.resetTransform();
  view.centerOn(90, 40);
  // Scene points: empty canvas off the grid dots (every 40 units), and the inside of the node's
  // body, clear of its border, ports and port labels.
  const QPoint background = view.mapFromScene(QPointF(-130, 10));
  const QPoint body = view.mapFromScene(QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight + 11));

  // Switch while running, as when the system theme changes: light → dark → light.
  for (const QPalette& palette : {lightPalette(), darkPalette(), lightPalette()}) {
    QApplication::setPalette(palette);
    QApplication::processEvents();
    // Compared as 8-bit RGB: what a pixel can hold (QColor keeps 16 bits per channel).
    const QRgb window = palette.color(QPalette::Window).darker(104).rgb();
    const QRgb base = palette.color(QPalette::Base).rgb();
    SCOPED_TRACE(QColor(window).name().toStdString());
    // What is painted now (a fresh render of the canvas) …
    const QImage rendered = view.viewport()->grab().toImage();
    EXPECT_EQ(QColor(rendered.pixel(background)).name(), QColor(window).name());
    EXPECT_EQ(QColor(rendered.pixel(body)).name(), QColor(base).name());
    // … and what is on screen: the canvas was repainted on the switch, not only on demand.
    ASSERT_TRUE(test::waitFor([&] {
      const QPoint origin = view.viewport()->mapTo(w.window, QPoint(0, 0));
      const QImage shown = w->screen()
                               ->grabWindow(w->winId(), origin.x(), origin.y(),
                                            view.viewport()->width(), view.viewport()->height())
                               .toImage();
      return shown.pixel(background) == window && shown.pixel(body) == base;
    })) << "the visible canvas kept the old palette";
    EXPECT_EQ(w->minimap().backgroundBrush().color().rgb(), base);
  }
}

TEST(Appearance, PaletteTooltipsAreTheCatalogDescriptions) {
  test::Window w;
  const graphs::Catalog catalog = test::testCatalog();
  QTreeView* tree = w->palette().tree();
  QAbstractItemModel* model = tree->model();
  int leaves = 0;
  for (int i = 0; i < model->rowCount(); ++i) {
    const QModelIndex group = model->index(i, 0);
    for (int j = 0; j < model->rowCount(group); ++j) {
      const QModelIndex leaf = model->index(j, 0, group);
      const std::string kind = leaf.data().toString().toStdString();
      const graphs::OperatorSpec* spec = catalog.find(kind);
      ASSERT_TRUE(spec) << kind;
      EXPECT_EQ(leaf.data(Qt::ToolTipRole).toString().toStdString(), spec->description);
      ++leaves;
    }
  }
  EXPECT_EQ(leaves, static_cast<int>(catalog.operators.size()));

  // Hovering shows it: the tooltip event on the tree's viewport pops the description up.
  const QModelIndexList found =
      model->match(model->index(0, 0), Qt::DisplayRole, "filter", 1, Qt::MatchExactly | Qt::MatchRecursive);
  ASSERT_EQ(found.size(), 1);
  const QModelIndex filter = found.first();
  const QPoint at = tree->visualRect(filter).center();
  QHelpEvent help(QEvent::ToolTip, at, tree->viewport()->mapToGlobal(at));
  QApplication::sendEvent(tree->viewport(), &help);
  EXPECT_EQ(QToolTip::text().toStdString(), catalog.find("filter")->description);
  QToolTip::hideText();
}

TEST(Appearance, NodeAndParameterTooltipsComeFromTheCatalog) {
  test::Window w;
  const graphs::Catalog catalog = test::testCatalog();
  // A valid two-node pipeline, so no problem badge replaces the description.
  auto& doc = w->document();
  graphs::Node source = doc.makeNode("events_source", {0, 0});
  source.set_parameter("schema", graphs::Schema{{"user", graphs::FieldType::String, false}});
  doc.undoStack()->push(new AddNodeCommand(doc, source));
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("print_sink", {400, 0})));
  graphs::Edge e;
  e.from = {"events_source_1", "out"};
  e.to = {"print_sink_1", "in"};
  doc.undoStack()->push(new ConnectCommand(doc, e));
  w->validation().validateNow();
  w->view().resetTransform();
  w->view().centerOn(290, 50);
  QWidget* vp = w->view().viewport();
  for (const char* id : {"events_source_1", "print_sink_1"}) {
    NodeItem* item = w->scene().nodeItem(id);
    ASSERT_EQ(item->badge(), Badge::None) << id << ": " << item->toolTip().toStdString();
    const std::string description = catalog.find(doc.graph().node(id)->kind)->description;
    EXPECT_EQ(item->toolTip().toStdString(), description);
    // Hovering the node pops it up.
    const QPoint at = w->view().mapFromScene(item->mapToScene(QPointF(NodeItem::kWidth / 2, 12)));
    QHelpEvent help(QEvent::ToolTip, at, vp->mapToGlobal(at));
    QApplication::sendEvent(vp, &help);
    EXPECT_EQ(QToolTip::text().toStdString(), description) << id;
    QToolTip::hideText();
  }

  // The inspector's parameter editors carry each parameter's documentation.
  test::clickNode(*w, "events_source_1");
  ASSERT_EQ(w->inspector().nodeId(), "events_source_1");
  for (const auto& p : catalog.find("events_source")->parameters) {
    ParameterEditor* editor = w->inspector().parameterEditor(p.name);
    ASSERT_TRUE(editor) << p.name;
    EXPECT_EQ(editor->toolTip().toStdString(), p.documentation) << p.name;
  }
  EXPECT_EQ(w->inspector().parameterEditor("rate")->toolTip(), "Events generated per second.");
}

}  // namespace
}  // namespace rivulet::editor

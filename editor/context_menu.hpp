#pragma once
// The canvas context menu. What a right-click offers depends on what is under the cursor:
//   node         → cut, copy, duplicate, delete (acting on the selection, which the scene has
//                  made include the clicked node);
//   edge         → delete, its partitioning as a checkable sub-menu, and "Preview records"
//                  (enabled only in monitor mode, when `preview_edge` is set);
//   empty canvas → paste here, add operator (by catalog category, with the catalog's
//                  descriptions as tooltips), select all, zoom to fit, auto layout.
// Built as a QMenu the caller shows (MainWindow execs it), so tests can read and trigger the
// actions without a blocking exec().

#include <QPointF>
#include <functional>
#include <memory>

class QAction;
class QMenu;
class QWidget;

namespace rivulet::editor {

class GraphScene;

// The main window's shared actions (same text and shortcuts as in the menus) and the one
// thing only the window knows how to do: paste the clipboard at a point.
struct CanvasMenuActions {
  QAction* cut = nullptr;
  QAction* copy = nullptr;
  QAction* duplicate = nullptr;
  QAction* remove = nullptr;
  QAction* select_all = nullptr;
  QAction* fit = nullptr;
  QAction* layout = nullptr;
  std::function<void(const QPointF&)> paste_at;
  bool can_paste = false;
  // Monitor mode only: opens a live preview of the records crossing an edge (by edge index).
  std::function<void(int)> preview_edge;
};

std::unique_ptr<QMenu> buildCanvasMenu(GraphScene& scene, const CanvasMenuActions& actions,
                                       const QPointF& scene_pos, QWidget* parent);

}  // namespace rivulet::editor

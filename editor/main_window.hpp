#pragma once
// The editor's main window: wires the document, canvas, palette, inspector, validation and
// Problems panel together, and owns the file workflow (new, open, save, save as, recent files,
// revert, export as JSON), the menus, shortcuts, the canvas context menu and the remembered
// window state. Every dialog goes through a replaceable hook (below), and every action has an
// object name ("actionSave", …), so the whole desktop workflow can be driven from tests.

#include <QMainWindow>
#include <QMessageBox>
#include <functional>
#include <memory>

#include "graphs/catalog.hpp"

class QAction;
class QMenu;

namespace rivulet::editor {

class DeployController;
class LiveMonitor;
class GraphDocument;
class GraphScene;
class GraphView;
class Inspector;
class Minimap;
class NodesPanel;
class Palette;
class ProblemsPanel;
class ValidationController;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(graphs::Catalog catalog = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  // File workflow; each returns false (after telling the user) when it did not happen.
  bool openFile(const QString& path);
  bool saveTo(const QString& path);
  bool save();
  bool exportJson(const QString& path);
  // Pastes the clipboard's graph with its top-left node at a scene point (context menu).
  void pasteAt(const QPointF& scene_pos);
  void newDocument();
  bool revert();
  void autoLayout();
  void deleteSelection();
  void copySelection();
  void paste();
  void duplicateSelection();
  void centerOnNode(const std::string& node_id);

  GraphDocument& document() { return *document_; }
  GraphScene& scene() { return *scene_; }
  GraphView& view() { return *view_; }
  Palette& palette() { return *palette_; }
  Inspector& inspector() { return *inspector_; }
  ProblemsPanel& problems() { return *problems_; }
  ValidationController& validation() { return *validation_; }
  Minimap& minimap() { return *minimap_; }
  NodesPanel& nodes() { return *nodes_; }
  DeployController& deployer() { return *deployer_; }
  LiveMonitor& liveMonitor() { return *live_; }

  // Replaces the operator catalog (palette, canvas, inspector, validation): "Use node's catalog".
  void setCatalog(graphs::Catalog catalog);

  // Dialog hooks, so tests (and headless runs) can answer what a user would; the defaults show
  // the standard dialogs. A file chooser returns "" when the user cancels.
  enum class FileDialogKind { Open, Save, Export };
  using ErrorReporter = std::function<void(const QString& title, const QString& message)>;
  using SavePrompt = std::function<QMessageBox::StandardButton()>;
  using FileChooser = std::function<QString(FileDialogKind kind, const QString& start_path)>;
  using Confirmation = std::function<bool(const QString& title, const QString& question)>;
  using MenuPresenter = std::function<void(QMenu& menu, const QPoint& screen_pos)>;
  void setErrorReporter(ErrorReporter reporter) { report_error_ = std::move(reporter); }
  void setSavePrompt(SavePrompt prompt) { ask_to_save_ = std::move(prompt); }
  void setFileChooser(FileChooser chooser) { choose_file_ = std::move(chooser); }
  void setConfirmation(Confirmation confirm) { confirm_ = std::move(confirm); }
  void setMenuPresenter(MenuPresenter presenter) { present_menu_ = std::move(presenter); }
  // Monitor mode sets this to offer "Preview records" on edges (by edge index); unset: the entry
  // is disabled.
  void setEdgePreviewHandler(std::function<void(int)> handler) {
    preview_edge_ = std::move(handler);
  }
  // Shown in the status bar at start-up (where the catalog came from, or why there is none).
  void setCatalogStatus(const QString& text);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createActions();
  void createMenus();
  void updateTitle();
  void updateActions();
  void onSelectionChanged();
  void showContextMenu(const QPoint& screen_pos, const QPointF& scene_pos);
  bool maybeSave();  // false: the user cancelled
  bool saveAsDialog();
  void openDialog();
  void exportDialog();
  void openRecent(const QString& path);
  void rebuildRecentMenu();
  void pasteFragment(graphs::Graph fragment, double dx, double dy, const QString& text);

  std::unique_ptr<GraphDocument> document_;
  ValidationController* validation_ = nullptr;
  GraphScene* scene_ = nullptr;
  GraphView* view_ = nullptr;
  Minimap* minimap_ = nullptr;
  Palette* palette_ = nullptr;
  Inspector* inspector_ = nullptr;
  ProblemsPanel* problems_ = nullptr;
  NodesPanel* nodes_ = nullptr;           // editor/nodes/: runtime nodes and their jobs
  DeployController* deployer_ = nullptr;  // the Node menu's actions
  LiveMonitor* live_ = nullptr;           // monitor mode fed by a node (live_monitor.hpp)
  QMenu* recent_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  ErrorReporter report_error_;
  SavePrompt ask_to_save_;
  FileChooser choose_file_;
  Confirmation confirm_;
  MenuPresenter present_menu_;
  std::function<void(int)> preview_edge_;

  QAction* new_ = nullptr;
  QAction* open_ = nullptr;
  QAction* save_ = nullptr;
  QAction* save_as_ = nullptr;
  QAction* revert_ = nullptr;
  QAction* export_json_ = nullptr;
  QAction* quit_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* cut_ = nullptr;
  QAction* copy_ = nullptr;
  QAction* paste_ = nullptr;
  QAction* duplicate_ = nullptr;
  QAction* delete_ = nullptr;
  QAction* select_all_ = nullptr;
  QAction* find_ = nullptr;
  QAction* zoom_in_ = nullptr;
  QAction* zoom_out_ = nullptr;
  QAction* zoom_fit_ = nullptr;
  QAction* layout_ = nullptr;
  QAction* snap_ = nullptr;
  QAction* minimap_action_ = nullptr;
};

}  // namespace rivulet::editor

#include "editor/main_window.hpp"

#include <QAction>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <algorithm>

#include "editor/auto_layout.hpp"
#include "editor/commands.hpp"
#include "editor/context_menu.hpp"
#include "editor/edge_item.hpp"
#include "editor/graph_clipboard.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/live_monitor.hpp"
#include "editor/minimap.hpp"
#include "editor/node_summary.hpp"
#include "editor/nodes/deploy_controller.hpp"
#include "editor/nodes/nodes_panel.hpp"
#include "editor/palette.hpp"
#include "editor/problems_panel.hpp"
#include "editor/recent_files.hpp"
#include "editor/shortcut_clashes.hpp"
#include "editor/validation_controller.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {
constexpr double kPasteOffset = 40;

// Our binding first (what the menus show and the issue promises on every platform), then what
// the platform binds to the same standard key as well (e.g. Ctrl+Shift+Z for redo on Linux).
QList<QKeySequence> keys(const QKeySequence& ours, QKeySequence::StandardKey standard) {
  QList<QKeySequence> out{ours};
  for (const QKeySequence& k : QKeySequence::keyBindings(standard)) {
    if (!out.contains(k)) out << k;
  }
  return out;
}
}  // namespace

MainWindow::MainWindow(graphs::Catalog catalog, QWidget* parent)
    : QMainWindow(parent), document_(std::make_unique<GraphDocument>(std::move(catalog))) {
  resize(1280, 800);
  validation_ = new ValidationController(*document_, this);
  scene_ = new GraphScene(*document_, this);
  view_ = new GraphView(scene_, this);
  setCentralWidget(view_);
  minimap_ = new Minimap(*view_);

  palette_ = new Palette(document_->catalog(), this);
  addDockWidget(Qt::LeftDockWidgetArea, palette_);
  inspector_ = new Inspector(*document_, *validation_, this);
  addDockWidget(Qt::RightDockWidgetArea, inspector_);
  problems_ = new ProblemsPanel(this);
  addDockWidget(Qt::BottomDockWidgetArea, problems_);
  nodes_ = new NodesPanel(this);
  addDockWidget(Qt::RightDockWidgetArea, nodes_);
  tabifyDockWidget(inspector_, nodes_);
  inspector_->raise();
  deployer_ = new DeployController(*this, *nodes_);
  // Monitor mode follows a job from the Nodes panel, or the one just deployed or redeployed.
  live_ = new LiveMonitor(*this);
  connect(nodes_, &NodesPanel::monitorRequested, live_, &LiveMonitor::start);
  connect(deployer_, &DeployController::deployed, live_, &LiveMonitor::start);
  connect(deployer_, &DeployController::redeployed, live_,
          [this](NodeConnection* node, const QString&, const QString& job, const QString&) {
            live_->start(node, job);
          });
  connect(nodes_, &NodesPanel::statusMessage, this,
          [this](const QString& text) { statusBar()->showMessage(text, 10000); });

  report_error_ = [this](const QString& title, const QString& message) {
    QMessageBox::warning(this, title, message);
  };
  ask_to_save_ = [this] {
    return QMessageBox::question(this, tr("Unsaved changes"),
                                 tr("The graph has unsaved changes. Save them before continuing?"),
                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                 QMessageBox::Save);
  };
  choose_file_ = [this](FileDialogKind kind, const QString& start) {
    switch (kind) {
      case FileDialogKind::Open:
        return QFileDialog::getOpenFileName(
            this, tr("Open Graph"), start,
            tr("Rivulet graphs (*.rgraph *.rgraphp *.json);;All files (*)"));
      case FileDialogKind::Save:
        return QFileDialog::getSaveFileName(
            this, tr("Save Graph"), start,
            tr("Rivulet graphs (*.rgraph);;Packed graphs (*.rgraphp);;JSON text (*.json)"));
      case FileDialogKind::Export:
        return QFileDialog::getSaveFileName(this, tr("Export as JSON"), start,
                                            tr("JSON text (*.json)"));
    }
    return QString();
  };
  confirm_ = [this](const QString& title, const QString& question) {
    return QMessageBox::warning(this, title, question, QMessageBox::Discard | QMessageBox::Cancel,
                                QMessageBox::Cancel) == QMessageBox::Discard;
  };
  present_menu_ = [](QMenu& menu, const QPoint& screen_pos) { menu.exec(screen_pos); };

  createActions();
  createMenus();

  connect(validation_, &ValidationController::reportChanged, scene_, &GraphScene::applyReport);
  connect(validation_, &ValidationController::reportChanged, problems_, &ProblemsPanel::setReport);
  connect(problems_, &ProblemsPanel::nodeRequested, this, &MainWindow::centerOnNode);
  connect(inspector_, &Inspector::nodeRequested, this, &MainWindow::centerOnNode);
  connect(problems_, &ProblemsPanel::edgeRequested, this, [this](int index) {
    scene_->selectEdge(index);
    if (EdgeItem* item = scene_->edgeItem(index)) view_->centerOn(item);
  });
  connect(scene_, &QGraphicsScene::selectionChanged, this, &MainWindow::onSelectionChanged);
  connect(scene_, &GraphScene::connectionRefused, this, [this](const QString& reason) {
    statusBar()->showMessage(tr("Cannot connect: %1").arg(reason), 6000);
  });
  connect(scene_, &GraphScene::contextMenuRequested, this, &MainWindow::showContextMenu);
  connect(palette_, &Palette::operatorActivated, this, [this](const std::string& kind) {
    scene_->addOperator(kind, view_->mapToScene(view_->viewport()->rect().center()));
  });
  connect(document_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  connect(document_.get(), &GraphDocument::filePathChanged, this, &MainWindow::updateTitle);
  connect(document_.get(), &GraphDocument::changed, this, &MainWindow::updateActions);

  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
    // First run: give the canvas most of the room once the window has its real size.
    QTimer::singleShot(0, this, [this] {
      resizeDocks({palette_, inspector_}, {220, 380}, Qt::Horizontal);
      resizeDocks({problems_}, {130}, Qt::Vertical);
    });
  }
  snap_->setChecked(settings.value(QStringLiteral("canvas/snapToGrid"), false).toBool());

  updateTitle();
  updateActions();
  validation_->validateNow();
  statusBar()->showMessage(tr("Ready"));
  nodes_->restoreRemembered();
}

MainWindow::~MainWindow() {
  // Monitor mode leaves (restoring items and docks) while the scene and docks still exist.
  delete live_;
  live_ = nullptr;
  // The scene and inspector observe the document (a member, destroyed before child widgets);
  // let them go first, and silence the scene so its teardown does not reach the inspector.
  disconnect(scene_, nullptr, this, nullptr);
  delete scene_;
  delete inspector_;
}

void MainWindow::setCatalogStatus(const QString& text) { statusBar()->showMessage(text, 10000); }

void MainWindow::setCatalog(graphs::Catalog catalog) {
  inspector_->showNothing();  // its editors were built from the old catalog's specs
  document_->setCatalog(std::move(catalog));
  palette_->setCatalog(document_->catalog());
  validation_->validateNow();
}

void MainWindow::createActions() {
  // Object names let tests (and QSettings-saved toolbars) find each action.
  auto make = [this](const char* name, const QString& text, const QList<QKeySequence>& shortcuts,
                     auto slot) {
    auto* action = new QAction(text, this);
    action->setObjectName(QString::fromLatin1(name));
    action->setShortcuts(shortcuts);
    connect(action, &QAction::triggered, this, slot);
    addAction(action);  // shortcuts work even with the menu bar hidden
    return action;
  };
  using Key = QKeySequence;
  new_ = make("actionNew", tr("&New"), keys(Key(tr("Ctrl+N")), Key::New), [this] {
    if (maybeSave()) newDocument();
  });
  open_ = make("actionOpen", tr("&Open…"), keys(Key(tr("Ctrl+O")), Key::Open),
               [this] { openDialog(); });
  save_ = make("actionSave", tr("&Save"), keys(Key(tr("Ctrl+S")), Key::Save), [this] { save(); });
  save_as_ = make("actionSaveAs", tr("Save &As…"), keys(Key(tr("Ctrl+Shift+S")), Key::SaveAs),
                  [this] { saveAsDialog(); });
  revert_ = make("actionRevert", tr("&Revert"), {}, [this] {
    // Revert throws away every unsaved edit, and the undo history with them: ask first.
    const QString name = QFileInfo(document_->filePath()).fileName();
    if (confirm_(
            tr("Revert"),
            tr("Discard all changes and reload %1 from disk? This cannot be undone.").arg(name))) {
      revert();
    }
  });
  export_json_ = make("actionExportJson", tr("&Export as JSON…"), {Key(tr("Ctrl+E"))},
                      [this] { exportDialog(); });
  quit_ = make("actionQuit", tr("&Quit"), keys(Key(tr("Ctrl+Q")), Key::Quit), [this] { close(); });

  undo_ = document_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo_->setObjectName(QStringLiteral("actionUndo"));
  undo_->setShortcuts(keys(Key(tr("Ctrl+Z")), Key::Undo));
  redo_ = document_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo_->setObjectName(QStringLiteral("actionRedo"));
  QList<QKeySequence> redo_keys = keys(Key(tr("Ctrl+Y")), Key::Redo);
  if (!redo_keys.contains(Key(tr("Ctrl+Shift+Z")))) redo_keys << Key(tr("Ctrl+Shift+Z"));
  redo_->setShortcuts(redo_keys);
  addAction(undo_);
  addAction(redo_);
  cut_ = make("actionCut", tr("Cu&t"), keys(Key(tr("Ctrl+X")), Key::Cut), [this] {
    copySelection();
    deleteSelection();
  });
  copy_ = make("actionCopy", tr("&Copy"), keys(Key(tr("Ctrl+C")), Key::Copy),
               [this] { copySelection(); });
  paste_ =
      make("actionPaste", tr("&Paste"), keys(Key(tr("Ctrl+V")), Key::Paste), [this] { paste(); });
  duplicate_ = make("actionDuplicate", tr("&Duplicate"), {Key(tr("Ctrl+D"))},
                    [this] { duplicateSelection(); });
  QList<QKeySequence> delete_keys = keys(Key(Qt::Key_Delete), Key::Delete);
  if (!delete_keys.contains(Key(Qt::Key_Backspace))) delete_keys << Key(Qt::Key_Backspace);
  delete_ = make("actionDelete", tr("De&lete"), delete_keys, [this] { deleteSelection(); });
  select_all_ =
      make("actionSelectAll", tr("Select &All"), keys(Key(tr("Ctrl+A")), Key::SelectAll), [this] {
        for (QGraphicsItem* item : scene_->items()) item->setSelected(true);
      });
  find_ = make("actionFind", tr("&Find Operator"), keys(Key(tr("Ctrl+F")), Key::Find),
               [this] { palette_->focusSearch(); });

  zoom_in_ = make("actionZoomIn", tr("Zoom &In"), keys(Key(tr("Ctrl++")), Key::ZoomIn),
                  [this] { view_->zoomBy(1.25); });
  zoom_out_ = make("actionZoomOut", tr("Zoom &Out"), keys(Key(tr("Ctrl+-")), Key::ZoomOut),
                   [this] { view_->zoomBy(0.8); });
  zoom_fit_ =
      make("actionZoomFit", tr("Zoom to &Fit"), {Key(Qt::Key_F)}, [this] { view_->zoomToFit(); });
  layout_ =
      make("actionAutoLayout", tr("&Auto Layout"), {Key(tr("Ctrl+L"))}, [this] { autoLayout(); });
  snap_ = make("actionSnapToGrid", tr("&Snap to Grid"), {Key(tr("Ctrl+G"))}, [](bool) {});
  snap_->setCheckable(true);
  minimap_action_ =
      make("actionOverviewMap", tr("&Overview Map"), {Key(tr("Ctrl+M"))}, [](bool) {});
  minimap_action_->setCheckable(true);
  minimap_action_->setChecked(true);
  connect(minimap_action_, &QAction::toggled, this, [this](bool on) {
    minimap_->setEnabled(on);
    minimap_->updateVisibility();
  });
  connect(snap_, &QAction::toggled, this, [this](bool on) {
    scene_->setSnapToGrid(on);
    QSettings().setValue(QStringLiteral("canvas/snapToGrid"), on);
  });
  // Platform bindings that collide with ours (X11: Ctrl+D = Delete) would make both dead.
  dropClashingShortcuts(actions());
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->setObjectName(QStringLiteral("fileMenu"));
  file->addAction(new_);
  file->addAction(open_);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  recent_menu_->setObjectName(QStringLiteral("recentMenu"));
  recent_menu_->setToolTipsVisible(true);  // the full path, when two files share a name
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(save_);
  file->addAction(save_as_);
  file->addAction(export_json_);
  file->addAction(revert_);
  file->addSeparator();
  file->addAction(quit_);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(undo_);
  edit->addAction(redo_);
  edit->addSeparator();
  edit->addAction(cut_);
  edit->addAction(copy_);
  edit->addAction(paste_);
  edit->addAction(duplicate_);
  edit->addAction(delete_);
  edit->addSeparator();
  edit->addAction(select_all_);
  edit->addAction(find_);

  view_menu_ = menuBar()->addMenu(tr("&View"));
  view_menu_->addAction(zoom_in_);
  view_menu_->addAction(zoom_out_);
  view_menu_->addAction(zoom_fit_);
  view_menu_->addSeparator();
  view_menu_->addAction(layout_);
  view_menu_->addAction(snap_);
  view_menu_->addAction(minimap_action_);
  view_menu_->addSeparator();
  view_menu_->addAction(palette_->toggleViewAction());
  view_menu_->addAction(inspector_->toggleViewAction());
  view_menu_->addAction(problems_->toggleViewAction());
  view_menu_->addAction(nodes_->toggleViewAction());

  QMenu* node = menuBar()->addMenu(tr("&Node"));
  node->setObjectName(QStringLiteral("nodeMenu"));
  deployer_->populateMenu(*node);
  node->addSeparator();
  live_->populateMenu(*node);

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("mainToolbar"));
  for (QAction* a : {new_, open_, save_}) bar->addAction(a);
  bar->addSeparator();
  for (QAction* a : {undo_, redo_}) bar->addAction(a);
  bar->addSeparator();
  for (QAction* a : {zoom_fit_, layout_}) bar->addAction(a);
}

void MainWindow::updateTitle() {
  const QString path = document_->filePath();
  const QString name = path.isEmpty() ? tr("untitled") : QFileInfo(path).fileName();
  setWindowTitle(tr("%1[*] — Rivulet Editor").arg(name));
  setWindowModified(document_->isModified());
  revert_->setEnabled(!path.isEmpty() && document_->isModified());
}

void MainWindow::updateActions() {
  revert_->setEnabled(!document_->filePath().isEmpty() && document_->isModified());
}

void MainWindow::onSelectionChanged() {
  const auto nodes = scene_->selectedNodeIds();
  const auto edges = scene_->selectedEdgeIndices();
  if (nodes.size() == 1 && edges.empty()) {
    if (inspector_->nodeId() != *nodes.begin()) inspector_->showNode(*nodes.begin());
  } else if (nodes.empty() && edges.size() == 1) {
    inspector_->showEdge(edges.front());
  } else {
    inspector_->showNothing();
  }
}

void MainWindow::showContextMenu(const QPoint& screen_pos, const QPointF& scene_pos) {
  CanvasMenuActions actions;
  actions.cut = cut_;
  actions.copy = copy_;
  actions.duplicate = duplicate_;
  actions.remove = delete_;
  actions.select_all = select_all_;
  actions.fit = zoom_fit_;
  actions.layout = layout_;
  actions.paste_at = [this](const QPointF& p) { pasteAt(p); };
  actions.preview_edge = preview_edge_;
  graphs::Graph clipboard;
  actions.can_paste = pasteFromClipboard(clipboard) && !clipboard.nodes.empty();
  const std::unique_ptr<QMenu> menu = buildCanvasMenu(*scene_, actions, scene_pos, this);
  present_menu_(*menu, screen_pos);
}

void MainWindow::deleteSelection() {
  const auto nodes = scene_->selectedNodeIds();
  const auto edges = scene_->selectedEdgeIndices();
  if (nodes.empty() && edges.empty()) return;
  auto* command = new RemoveItemsCommand(*document_, nodes, edges);
  document_->undoStack()->push(command);
}

void MainWindow::copySelection() {
  const auto ids = scene_->selectedNodeIds();
  if (ids.empty()) return;
  copyToClipboard(extractFragment(document_->graph(), ids));
}

void MainWindow::paste() {
  graphs::Graph fragment;
  if (!pasteFromClipboard(fragment) || fragment.nodes.empty()) return;
  pasteFragment(std::move(fragment), kPasteOffset, kPasteOffset, tr("Paste"));
}

void MainWindow::pasteAt(const QPointF& scene_pos) {
  graphs::Graph fragment;
  if (!pasteFromClipboard(fragment) || fragment.nodes.empty()) return;
  double left = fragment.nodes.front().position.x;
  double top = fragment.nodes.front().position.y;
  for (const auto& n : fragment.nodes) {
    left = std::min(left, n.position.x);
    top = std::min(top, n.position.y);
  }
  pasteFragment(std::move(fragment), scene_pos.x() - left, scene_pos.y() - top, tr("Paste"));
}

void MainWindow::duplicateSelection() {
  const auto ids = scene_->selectedNodeIds();
  if (ids.empty()) return;
  pasteFragment(extractFragment(document_->graph(), ids), kPasteOffset, kPasteOffset,
                tr("Duplicate"));
}

void MainWindow::pasteFragment(graphs::Graph fragment, double dx, double dy, const QString& text) {
  prepareForPaste(fragment, *document_, dx, dy);
  std::set<std::string> ids;
  for (const auto& n : fragment.nodes) ids.insert(n.id);
  auto* command =
      new PasteCommand(*document_, std::move(fragment.nodes), std::move(fragment.edges));
  command->setText(text);
  document_->undoStack()->push(command);
  // The pasted copy is selected, ready to be dragged into place.
  scene_->clearSelection();
  for (const auto& id : ids) {
    if (NodeItem* item = scene_->nodeItem(id)) item->setSelected(true);
  }
}

void MainWindow::centerOnNode(const std::string& node_id) {
  scene_->selectOnly(node_id);
  if (NodeItem* item = scene_->nodeItem(node_id)) view_->centerOn(item);
}

void MainWindow::autoLayout() {
  const auto positions = computeLayout(document_->graph(), document_->catalog());
  MoveNodesCommand::Moves from;
  MoveNodesCommand::Moves to;
  for (const auto& n : document_->graph().nodes) {
    auto it = positions.find(n.id);
    if (it == positions.end() || it->second == n.position) continue;
    from.emplace_back(n.id, n.position);
    to.emplace_back(n.id, it->second);
  }
  if (!to.empty()) {
    document_->undoStack()->push(
        new MoveNodesCommand(*document_, std::move(from), std::move(to), /*mergeable=*/false));
  }
  view_->zoomToFit();
}

// --- files -----------------------------------------------------------------------------------

bool MainWindow::maybeSave() {
  if (!document_->isModified()) return true;
  switch (ask_to_save_()) {
    case QMessageBox::Save:
      return save();
    case QMessageBox::Discard:
      return true;
    default:
      return false;
  }
}

void MainWindow::newDocument() {
  document_->reset(graphs::Graph{});
  document_->setFilePath({});
  view_->resetTransform();
  view_->centerOn(0, 0);
}

bool MainWindow::openFile(const QString& path) {
  auto graph = graphs::load_graph(path.toStdString());
  if (!graph) {
    // The open document stays exactly as it was.
    report_error_(tr("Cannot open graph"), tr("%1 could not be opened:\n%2")
                                               .arg(QFileInfo(path).fileName(),
                                                    QString::fromStdString(graph.error().message)));
    return false;
  }
  if (needsLayout(*graph)) {
    // A graph that was never laid out (written by hand or a tool): lay it out as it opens,
    // without an undo step or a modified mark — the file's meaning does not change.
    for (const auto& [id, position] : computeLayout(*graph, document_->catalog())) {
      graph->node(id)->position = position;
    }
  }
  document_->reset(std::move(*graph));
  document_->setFilePath(QFileInfo(path).absoluteFilePath());
  addRecentFile(QFileInfo(path).absoluteFilePath());
  rebuildRecentMenu();
  view_->zoomToFitReadable(readableZoom());  // opens readable, even when large
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
}

bool MainWindow::saveTo(const QString& path) {
  const auto status = graphs::save_graph(document_->graph(), path.toStdString());
  if (!status) {
    report_error_(tr("Cannot save graph"), QString::fromStdString(status.error().message));
    return false;
  }
  document_->setFilePath(QFileInfo(path).absoluteFilePath());
  document_->undoStack()->setClean();
  addRecentFile(QFileInfo(path).absoluteFilePath());
  rebuildRecentMenu();
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
  return true;
}

bool MainWindow::save() {
  if (document_->filePath().isEmpty()) return saveAsDialog();
  return saveTo(document_->filePath());
}

bool MainWindow::exportJson(const QString& path) {
  auto bytes = graphs::encode_graph(document_->graph(), graphs::GraphFormat::Json);
  if (!bytes) {
    report_error_(tr("Cannot export"), QString::fromStdString(bytes.error().message));
    return false;
  }
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
      file.write(bytes->data(), static_cast<qint64>(bytes->size())) !=
          static_cast<qint64>(bytes->size())) {
    report_error_(tr("Cannot export"), tr("%1: %2").arg(path, file.errorString()));
    return false;
  }
  statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
  return true;
}

bool MainWindow::revert() {
  if (document_->filePath().isEmpty()) return false;
  const QString path = document_->filePath();
  auto graph = graphs::load_graph(path.toStdString());
  if (!graph) {
    report_error_(tr("Cannot revert"), QString::fromStdString(graph.error().message));
    return false;
  }
  document_->reset(std::move(*graph));
  document_->setFilePath(path);
  return true;
}

bool MainWindow::saveAsDialog() {
  QString path = choose_file_(FileDialogKind::Save, document_->filePath());
  if (path.isEmpty()) return false;
  if (!graphs::format_for_path(path.toStdString())) path += QStringLiteral(".rgraph");
  return saveTo(path);
}

void MainWindow::openDialog() {
  if (!maybeSave()) return;
  const QString start =
      document_->filePath().isEmpty() ? QString() : QFileInfo(document_->filePath()).absolutePath();
  const QString path = choose_file_(FileDialogKind::Open, start);
  if (!path.isEmpty()) openFile(path);
}

void MainWindow::exportDialog() {
  QString base = document_->filePath();
  if (!base.isEmpty())
    base = QFileInfo(base).path() + QLatin1Char('/') + QFileInfo(base).completeBaseName() +
           QStringLiteral(".json");
  QString path = choose_file_(FileDialogKind::Export, base);
  if (path.isEmpty()) return;
  if (!path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)) path += QStringLiteral(".json");
  exportJson(path);
}

void MainWindow::openRecent(const QString& path) {
  if (!QFileInfo::exists(path)) {
    // Moved or deleted since: say so, and stop offering it.
    report_error_(tr("Cannot open graph"), tr("%1 no longer exists.").arg(path));
    removeRecentFile(path);
    rebuildRecentMenu();
    return;
  }
  if (maybeSave()) openFile(path);
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList files = recentFiles();
  for (const QString& path : files) {
    QAction* a = recent_menu_->addAction(QFileInfo(path).fileName());
    a->setToolTip(path);
    a->setData(path);
    connect(a, &QAction::triggered, this, [this, path] { openRecent(path); });
  }
  recent_menu_->setEnabled(!files.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

}  // namespace rivulet::editor

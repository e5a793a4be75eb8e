#include "editor/main_window.hpp"

#include <QLabel>
#include <QStatusBar>

namespace rivulet::editor {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("Rivulet Editor"));
  resize(1200, 800);
  auto* placeholder = new QLabel(tr("Open or create a pipeline graph."), this);
  placeholder->setAlignment(Qt::AlignCenter);
  setCentralWidget(placeholder);
  statusBar()->showMessage(tr("Ready"));
}

}  // namespace rivulet::editor

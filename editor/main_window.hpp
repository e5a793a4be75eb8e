#pragma once
// The editor's main window. Part 1 of the editor (palette, canvas, inspector) grows here.

#include <QMainWindow>

namespace rivulet::editor {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace rivulet::editor

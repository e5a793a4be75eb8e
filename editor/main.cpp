#include <QApplication>

#include "editor/main_window.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("rivulet-editor");
  QApplication::setOrganizationName("Rivulet");
  rivulet::editor::MainWindow window;
  window.show();
  return QApplication::exec();
}

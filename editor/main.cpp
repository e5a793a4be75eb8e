// rivulet-editor [FILE] [--catalog FILE] [--screenshot PNG [--select NODE]]
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include "editor/catalog_locator.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/validation_controller.hpp"
#include "graphs/catalog_io.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("rivulet-editor");
  QApplication::setOrganizationName("Rivulet");

  QCommandLineParser parser;
  parser.setApplicationDescription("Rivulet pipeline editor");
  parser.addHelpOption();
  parser.addPositionalArgument("file", "Graph file to open (.rgraph, .rgraphp or .json).");
  QCommandLineOption catalog_option("catalog", "Operator catalog file (rivulet catalog export).",
                                    "file");
  QCommandLineOption screenshot_option(
      "screenshot", "Render the window into a PNG file and exit (documentation, CI).", "png");
  QCommandLineOption select_option("select", "Select this node after opening (screenshots).",
                                   "node-id");
  parser.addOption(catalog_option);
  parser.addOption(select_option);
  parser.addOption(screenshot_option);
  parser.process(app);

  using namespace rivulet;
  graphs::Catalog catalog;
  QString catalog_status;
  const QString catalog_path = editor::locateCatalog(parser.value(catalog_option),
                                                     QApplication::applicationDirPath());
  if (catalog_path.isEmpty()) {
    catalog_status = QObject::tr("No operator catalog found: use --catalog FILE or set "
                                 "RIVULET_CATALOG (rivulet catalog export FILE writes one).");
  } else if (auto loaded = graphs::load_catalog(catalog_path.toStdString())) {
    catalog = std::move(*loaded);
    catalog_status = QObject::tr("Catalog: %1 (%2 operators)")
                         .arg(catalog_path)
                         .arg(catalog.operators.size());
  } else {
    catalog_status = QObject::tr("Cannot read the catalog %1: %2")
                         .arg(catalog_path, QString::fromStdString(loaded.error().message));
  }

  editor::MainWindow window(std::move(catalog));
  const bool screenshot = parser.isSet(screenshot_option);
  if (screenshot) {
    // Never block a headless run on a dialog.
    window.setErrorReporter([](const QString& title, const QString& message) {
      qWarning("%s: %s", qPrintable(title), qPrintable(message));
    });
    window.resize(1400, 860);
  }
  window.show();
  window.setCatalogStatus(catalog_status);
  if (catalog_path.isEmpty() && !screenshot) {
    QMessageBox::information(&window, QObject::tr("No operator catalog"), catalog_status);
  }
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty()) window.openFile(files.first());
  if (parser.isSet(select_option)) {
    window.scene().selectOnly(parser.value(select_option).toStdString());
  }

  if (screenshot) {
    const QString out = parser.value(screenshot_option);
    QTimer::singleShot(500, &window, [&window, out] {
      window.validation().validateNow();
      window.view().zoomToFit();
      QApplication::processEvents();
      const bool ok = window.grab().save(out);
      if (!ok) qWarning("cannot write %s", qPrintable(out));
      QApplication::exit(ok ? 0 : 1);
    });
  }
  return QApplication::exec();
}

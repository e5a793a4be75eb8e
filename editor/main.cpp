// rivulet-editor [FILE] [--catalog FILE] [--screenshot PNG [--select NODE]]
//                [--node ADDR [--token-file F] [--monitor JOB]]
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>
#include <algorithm>

#include "editor/catalog_locator.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/nodes/deploy_controller.hpp"
#include "editor/nodes/nodes_panel.hpp"
#include "editor/validation_controller.hpp"
#include "graphs/catalog_io.hpp"
#include "graphs/control_token.hpp"

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
  QCommandLineOption delay_option(
      "screenshot-delay",
      "Milliseconds to wait before the --screenshot (default 500; longer for monitor mode, so "
      "that metrics have arrived).",
      "ms", "500");
  QCommandLineOption select_option("select", "Select this node after opening (screenshots).",
                                   "node-id");
  QCommandLineOption node_option("node", "Connect to this runtime node (HOST:PORT) at start.",
                                 "address");
  QCommandLineOption token_option("token-file", "File holding the node's token.", "file");
  QCommandLineOption monitor_option(
      "monitor", "Monitor this job of the --node once connected (e.g. job-1).", "job");
  parser.addOption(catalog_option);
  parser.addOption(node_option);
  parser.addOption(token_option);
  parser.addOption(monitor_option);
  parser.addOption(select_option);
  parser.addOption(screenshot_option);
  parser.addOption(delay_option);
  parser.process(app);
  if (!parser.isSet(node_option) && (parser.isSet(token_option) || parser.isSet(monitor_option))) {
    qCritical("--token-file and --monitor need --node ADDR");
    return 2;
  }

  using namespace rivulet;
  graphs::Catalog catalog;
  QString catalog_status;
  const QString catalog_path =
      editor::locateCatalog(parser.value(catalog_option), QApplication::applicationDirPath());
  if (catalog_path.isEmpty()) {
    catalog_status = QObject::tr(
        "No operator catalog found: use --catalog FILE or set "
        "RIVULET_CATALOG (rivulet catalog export FILE writes one).");
  } else if (auto loaded = graphs::load_catalog(catalog_path.toStdString())) {
    catalog = std::move(*loaded);
    catalog_status =
        QObject::tr("Catalog: %1 (%2 operators)").arg(catalog_path).arg(catalog.operators.size());
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
  // Without a catalog file, a --node's catalog will do (below).
  if (catalog_path.isEmpty() && !screenshot && !parser.isSet(node_option)) {
    QMessageBox::information(&window, QObject::tr("No operator catalog"), catalog_status);
  }
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty()) window.openFile(files.first());
  if (parser.isSet(node_option)) {
    std::string token;
    if (parser.isSet(token_option)) {
      auto read = graphs::control::read_token_file(parser.value(token_option).toStdString());
      if (!read) {
        qCritical("%s", read.error().message.c_str());
        return 2;
      }
      token = std::move(*read);
    }
    // Not remembered: a command line's node is for this run (the Nodes panel's Add remembers).
    editor::NodeConnection* node =
        window.nodes().addNode({QString(), parser.value(node_option), token}, /*remember=*/false);
    if (node != nullptr && parser.isSet(monitor_option)) {
      window.nodes().monitorWhenListed(node, parser.value(monitor_option));
    }
    if (node != nullptr && catalog_path.isEmpty()) {
      QObject::connect(node, &editor::NodeConnection::connected, &window,
                       [&window] { window.deployer().useNodeCatalog(); });
    }
    window.nodes().show();
    window.nodes().raise();
  }
  if (parser.isSet(select_option)) {
    window.scene().selectOnly(parser.value(select_option).toStdString());
  }

  if (screenshot) {
    const QString out = parser.value(screenshot_option);
    const int delay_ms = std::max(0, parser.value(delay_option).toInt());
    QTimer::singleShot(delay_ms, &window, [&window, out] {
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

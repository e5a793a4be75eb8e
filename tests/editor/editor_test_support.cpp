#include "editor_test_support.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModel>
#include <QAction>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <memory>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/node_item.hpp"
#include "editor/palette.hpp"
#include "editor/parameter_editors.hpp"
#include "graphs/catalog_io.hpp"

namespace rivulet::editor::test {

namespace {

QApplication* the_app = nullptr;

// Destroys the application after the last test, before static destructors run: a QApplication
// that outlives main() crashes while tearing down its input devices.
class AppEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete the_app;
    the_app = nullptr;
  }
};
[[maybe_unused]] ::testing::Environment* const app_environment =
    ::testing::AddGlobalTestEnvironment(new AppEnvironment);

}  // namespace

QApplication& app() {
  static int argc = 1;
  static char name[] = "editor_test";
  static char* argv[] = {name, nullptr};
  if (!the_app) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    // QSettings (recent files, window state) go to a directory of this run alone: never the
    // user's settings, and nothing left over from an earlier run.
    static QTemporaryDir settings_dir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
    the_app = new QApplication(argc, argv);
    QApplication::setOrganizationName("RivuletTest");
    QApplication::setApplicationName("editor_test");
  }
  return *the_app;
}

namespace {

graphs::ParameterSpec param(std::string name, graphs::ParameterType type, bool required = false) {
  graphs::ParameterSpec p;
  p.name = std::move(name);
  p.type = type;
  p.required = required;
  return p;
}

graphs::PortSpec port(std::string name, graphs::PortKind kind = graphs::PortKind::Records) {
  graphs::PortSpec p;
  p.name = std::move(name);
  p.kind = kind;
  return p;
}

}  // namespace

graphs::Catalog testCatalog() {
  using PT = graphs::ParameterType;
  graphs::Catalog catalog;

  graphs::OperatorSpec source;
  source.kind = "events_source";
  source.category = "source";
  source.description = "Generates events with a declared schema.";
  source.parameters.push_back(param("schema", PT::Schema, true));
  auto rate = param("rate", PT::Int);
  rate.minimum = 1;
  rate.maximum = 100000;
  rate.default_value = graphs::Value(std::int64_t{100});
  rate.documentation = "Events generated per second.";
  source.parameters.push_back(rate);
  auto interval = param("interval", PT::Duration);
  interval.default_value = graphs::Value(graphs::Duration{1000});
  source.parameters.push_back(interval);
  auto out = port("out");
  out.schema.kind = graphs::SchemaRuleKind::FromParameter;
  out.schema.parameter = "schema";
  source.outputs.push_back(out);
  catalog.operators.push_back(source);

  graphs::OperatorSpec filter;
  filter.kind = "filter";
  filter.category = "transform";
  filter.description = "Keeps the records for which the condition holds.";
  filter.inputs.push_back(port("in"));
  auto condition = param("condition", PT::Expression, true);
  condition.input_port = "in";
  condition.result_type = "bool";
  filter.parameters.push_back(condition);
  auto filter_out = port("out");
  filter_out.schema.kind = graphs::SchemaRuleKind::SameAsInput;
  filter_out.schema.port = "in";
  filter.outputs.push_back(filter_out);
  catalog.operators.push_back(filter);

  graphs::OperatorSpec key_by;
  key_by.kind = "key_by";
  key_by.category = "keying";
  key_by.description = "Partitions the stream by key fields.";
  key_by.inputs.push_back(port("in"));
  auto keys = param("keys", PT::FieldList, true);
  keys.input_port = "in";
  key_by.parameters.push_back(keys);
  auto keyed_out = port("out", graphs::PortKind::Keyed);
  keyed_out.keyed_by = "keys";
  keyed_out.schema.kind = graphs::SchemaRuleKind::SameAsInput;
  keyed_out.schema.port = "in";
  key_by.outputs.push_back(keyed_out);
  catalog.operators.push_back(key_by);

  graphs::OperatorSpec window;
  window.kind = "window_count";
  window.category = "window";
  window.description = "Counts records per key and window.";
  window.stateful = true;
  window.inputs.push_back(port("in", graphs::PortKind::Keyed));
  auto size = param("size", PT::Duration, true);
  window.parameters.push_back(size);
  auto mode = param("mode", PT::Enum);
  mode.allowed_values = {"tumbling", "sliding"};
  mode.default_value = graphs::Value(std::string("tumbling"));
  mode.documentation = "Tumbling windows do not overlap; sliding windows do.";
  window.parameters.push_back(mode);
  auto slide = param("slide", PT::Duration);  // only for sliding windows (applies_when)
  slide.default_value = graphs::Value(graphs::Duration{10000});
  slide.documentation = "Distance between window starts.";
  slide.applies_when = graphs::ParameterCondition{"mode", {"sliding"}};
  window.parameters.push_back(slide);
  auto window_out = port("out");
  window_out.schema.kind = graphs::SchemaRuleKind::Fixed;
  window_out.schema.fields = {{"key", graphs::FieldType::String, false},
                              {"count", graphs::FieldType::Int64, false}};
  window.outputs.push_back(window_out);
  catalog.operators.push_back(window);

  graphs::OperatorSpec sink;
  sink.kind = "print_sink";
  sink.category = "sink";
  sink.description = "Prints records.";
  sink.inputs.push_back(port("in"));
  catalog.operators.push_back(sink);
  return catalog;
}

const std::optional<graphs::Catalog>& realCatalog() {
  static const std::optional<graphs::Catalog> catalog = [] {
    app();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("catalog.json"));
    const int rc = QProcess::execute(QStringLiteral(RIVULET_CLI), {"catalog", "export", path});
    if (rc != 0) {
      ADD_FAILURE() << RIVULET_CLI << " catalog export exited with " << rc;
      return std::optional<graphs::Catalog>();
    }
    auto loaded = graphs::load_catalog(path.toStdString());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().message;
      return std::optional<graphs::Catalog>();
    }
    return std::optional<graphs::Catalog>(std::move(*loaded));
  }();
  return catalog;
}

Window::Window(bool keep_settings) : Window(testCatalog(), keep_settings) {}

Window::Window(const graphs::Catalog& catalog, bool keep_settings) {
  app();
  if (!keep_settings) QSettings().clear();
  window = new MainWindow(catalog);
  window->setErrorReporter([this](const QString&, const QString&) { ++errors_reported; });
  window->setSavePrompt([this] {
    ++save_prompts;
    return QMessageBox::Discard;
  });
  window->resize(1400, 900);
  window->show();
  EXPECT_TRUE(QTest::qWaitForWindowExposed(window));
  QApplication::setActiveWindow(window);
}

Window::~Window() {
  window->document().undoStack()->setClean();  // no prompt on close
  delete window;
}

std::string dropFromPalette(MainWindow& window, const std::string& kind, QPoint viewport_pos) {
  QTreeView* tree = window.palette().tree();
  QAbstractItemModel* model = tree->model();
  QModelIndex found;
  for (int i = 0; i < model->rowCount() && !found.isValid(); ++i) {
    const QModelIndex group = model->index(i, 0);
    for (int j = 0; j < model->rowCount(group); ++j) {
      if (model->index(j, 0, group).data().toString().toStdString() == kind) {
        found = model->index(j, 0, group);
      }
    }
  }
  if (!found.isValid()) return {};
  std::unique_ptr<QMimeData> mime(model->mimeData({found}));
  if (!mime) return {};
  const auto before = window.document().graph().nodes.size();
  QWidget* target = window.view().viewport();
  QDragEnterEvent enter(viewport_pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  QDragMoveEvent move(viewport_pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &move);
  QDropEvent drop(QPointF(viewport_pos), Qt::CopyAction, mime.get(), Qt::LeftButton,
                  Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  const auto& nodes = window.document().graph().nodes;
  return nodes.size() > before ? nodes.back().id : std::string();
}

void dragBetweenPorts(MainWindow& window, const std::string& from_node,
                      const std::string& from_port, const std::string& to_node,
                      const std::string& to_port) {
  NodeItem* a = window.scene().nodeItem(from_node);
  NodeItem* b = window.scene().nodeItem(to_node);
  ASSERT_TRUE(a && b);
  const QPoint start = window.view().mapFromScene(a->portScenePos(from_port, true));
  const QPoint end = window.view().mapFromScene(b->portScenePos(to_port, false));
  QWidget* vp = window.view().viewport();
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, start);
  QTest::mouseMove(vp, (start + end) / 2);
  QTest::mouseMove(vp, end);
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, end);
}

void clickNode(MainWindow& window, const std::string& node_id) {
  NodeItem* item = window.scene().nodeItem(node_id);
  ASSERT_TRUE(item);
  const QPoint p = window.view().mapFromScene(item->mapToScene(QPointF(NodeItem::kWidth / 2, 12)));
  QTest::mouseClick(window.view().viewport(), Qt::LeftButton, Qt::NoModifier, p);
}

void typeIntoParameter(MainWindow& window, const std::string& parameter, const QString& text) {
  ParameterEditor* editor = window.inspector().parameterEditor(parameter);
  ASSERT_TRUE(editor) << parameter;
  QWidget* input = editor->input();
  input->setFocus();
  if (auto* lines = qobject_cast<QPlainTextEdit*>(input)) {
    lines->selectAll();
    const QStringList rows = text.split(QLatin1Char('\n'));
    for (int i = 0; i < rows.size(); ++i) {
      if (i > 0) QTest::keyClick(lines, Qt::Key_Return);  // keyClicks cannot type '\n'
      QTest::keyClicks(lines, rows[i]);
    }
    // Lists commit when focus leaves, as when the user clicks elsewhere.
    window.view().setFocus();
    QApplication::processEvents();
    if (lines->hasFocus()) ADD_FAILURE() << "focus did not leave " << parameter;
    return;
  }
  QTest::keyClick(input, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(input, text);
  QTest::keyClick(input, Qt::Key_Return);
}

}  // namespace rivulet::editor::test

namespace rivulet::editor::test {

bool waitFor(const std::function<bool()>& done, int timeout_ms) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > timeout_ms) return false;
    QTest::qWait(10);
  }
  return true;
}

QAction* action(MainWindow& window, const char* object_name) {
  auto* found = window.findChild<QAction*>(QString::fromLatin1(object_name));
  EXPECT_TRUE(found) << "no action named " << object_name;
  return found;
}

}  // namespace rivulet::editor::test

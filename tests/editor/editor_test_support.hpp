#pragma once
// Shared fixtures for the editor tests: one offscreen QApplication for the whole binary, a small
// operator catalog built in C++ (the tests never depend on the CLI), and helpers that act like a
// user — dropping palette items, dragging between ports, typing into fields.

#include <QApplication>
#include <QPoint>
#include <functional>
#include <optional>
#include <string>

#include "graphs/catalog.hpp"

class QAction;

namespace rivulet::editor {
class MainWindow;
}

namespace rivulet::editor::test {

QApplication& app();

// source (schema, rate, interval) → filter (condition) → key_by (keys, keyed output)
// → window_count (keyed input, size, mode, slide only when mode = sliding) → print_sink.
graphs::Catalog testCatalog();

// The real operator catalog, exported once per test binary by the CLI (RIVULET_CLI) — the
// editor itself never links the operators. nullopt (and a test failure) if the export fails.
const std::optional<graphs::Catalog>& realCatalog();

// A fresh, shown main window with the test catalog; dialogs answer "Discard"/log errors.
// Settings (recent files, window state) are wiped first unless `keep_settings`, so tests do not
// leak into each other; the persistence tests keep them to see what an earlier window wrote.
struct Window {
  explicit Window(bool keep_settings = false);
  // The same with another catalog (realCatalog() for the shipped operators and examples).
  explicit Window(const graphs::Catalog& catalog, bool keep_settings = false);
  ~Window();
  MainWindow& operator*() { return *window; }
  MainWindow* operator->() { return window; }
  MainWindow* window;
  int errors_reported = 0;
  int save_prompts = 0;
};

// Drags `kind` from the palette (its model's own MIME data) and drops it at a viewport point.
// Returns the new node's id, or "" when nothing was added.
std::string dropFromPalette(MainWindow& window, const std::string& kind, QPoint viewport_pos);

// Presses on one port and releases on another with the mouse, as a user wires two nodes.
void dragBetweenPorts(MainWindow& window, const std::string& from_node,
                      const std::string& from_port, const std::string& to_node,
                      const std::string& to_port);

// Clicks a node's header so that it becomes the (only) selection and the inspector shows it.
void clickNode(MainWindow& window, const std::string& node_id);

// Types text into a parameter's editor and finishes the edit (Return or focus out).
void typeIntoParameter(MainWindow& window, const std::string& parameter, const QString& text);

// Processes events until `done` holds or `timeout_ms` passes; returns whether it holds.
bool waitFor(const std::function<bool()>& done, int timeout_ms = 2000);

// The window's action with this object name ("actionSave", …); fails the test when missing.
QAction* action(MainWindow& window, const char* object_name);

}  // namespace rivulet::editor::test

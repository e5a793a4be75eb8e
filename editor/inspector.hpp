#pragma once
// The Inspector dock: edits what is selected. For a node: label, parallelism and one editor per
// catalog parameter that applies (parameter_editors.hpp; graphs/parameter_conditions.hpp); for an
// edge: partitioning and hash key fields. Every commit is an undo command; document changes
// (undo, redo) flow back into the fields.
// Nothing typed is lost: text a field refuses (out of range, unparsable) stays there as a draft,
// per node and field, across selection changes, and the Problems panel names why; the mouse
// wheel scrolls the form and never changes a value (wheel_scroll_guard.hpp). Parameters the
// catalog does not know can be renamed or removed, and an unknown kind changed to a catalog one.

#include <QDockWidget>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QScrollArea;
class QSpinBox;

namespace rivulet::editor {

class GraphDocument;
class GraphSettingsPage;
class ParameterEditor;
class ValidationController;
class WheelScrollGuard;

class Inspector : public QDockWidget {
  Q_OBJECT
 public:
  Inspector(GraphDocument& document, ValidationController& validation, QWidget* parent = nullptr);

  void showNode(const std::string& id);
  void showEdge(int index);
  void showNothing();

  // For tests and for focusing from menus; null when not shown.
  ParameterEditor* parameterEditor(const std::string& name) const;
  // Whether the parameter's row is in the form (false for a parameter that does not apply).
  bool parameterRowShown(const std::string& name) const;
  QLineEdit* labelField() const { return label_; }
  QSpinBox* parallelismField() const { return parallelism_; }
  QComboBox* partitioningField() const { return partitioning_; }
  QLineEdit* keyFieldsField() const { return keys_; }
  // The graph's settings, shown when nothing is selected; null otherwise.
  GraphSettingsPage* graphSettings() const { return graph_page_; }
  const std::string& nodeId() const { return node_id_; }

 signals:
  // The window should select (and centre) this node: after its kind changed, it is a new item.
  void nodeRequested(const std::string& node_id);

 private:
  void clearForm();
  void refreshNode();
  void showApplicableRows(const graphs::Node& node);
  void keepDrafts();
  void addUnknownParameterRows(const graphs::Node& node, const graphs::OperatorSpec& spec);
  void addKindRow(const graphs::Node& node);
  void replaceParameter(const std::string& name, const std::string& new_name);
  // Names of the shown node's parameters that its kind does not take (form rows).
  std::vector<std::string> unknownParameters(const graphs::Node& node) const;
  void refreshEdge();
  void refreshSchemas();
  const graphs::Schema* schemaFor(const graphs::ParameterSpec& parameter) const;
  int currentEdgeIndex() const;
  void commitPartitioning();
  void addKeyField(int index);

  GraphDocument& document_;
  ValidationController& validation_;
  QScrollArea* scroll_ = nullptr;
  WheelScrollGuard* wheel_guard_ = nullptr;
  QWidget* body_ = nullptr;
  QFormLayout* form_ = nullptr;
  std::string node_id_;
  std::optional<graphs::Edge> edge_;  // endpoints identify the edge while indices shift
  QLineEdit* label_ = nullptr;
  QSpinBox* parallelism_ = nullptr;
  QComboBox* partitioning_ = nullptr;
  QLineEdit* keys_ = nullptr;
  QComboBox* key_picker_ = nullptr;
  QLabel* schema_label_ = nullptr;
  GraphSettingsPage* graph_page_ = nullptr;
  std::map<std::string, ParameterEditor*> editors_;
  std::vector<std::string> unknown_shown_;  // the unknown parameters the form has rows for
  // Text the fields refused, by node id and parameter, while the node is not shown.
  std::map<std::string, std::map<std::string, QString>> drafts_;
};

}  // namespace rivulet::editor

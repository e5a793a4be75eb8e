#pragma once
// The inspector's page when nothing is selected: the graph's own settings — name, description,
// checkpoint interval, state backend and restart strategy. Each edit is one undo command
// (SetGraphSettingsCommand); undo and redo flow back into the fields.

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace rivulet::editor {

class GraphDocument;
struct GraphSettings;

class GraphSettingsPage : public QWidget {
  Q_OBJECT
 public:
  GraphSettingsPage(GraphDocument& document, QWidget* parent);

  // The fields, by what they edit (tests drive them; object names match).
  QLineEdit* nameField() const { return name_; }
  QPlainTextEdit* descriptionField() const { return description_; }
  QSpinBox* checkpointIntervalField() const { return checkpoint_; }
  QComboBox* stateBackendField() const { return backend_; }
  QComboBox* restartField() const { return restart_; }
  QSpinBox* restartAttemptsField() const { return attempts_; }
  QSpinBox* restartDelayField() const { return delay_; }
  // Whether the field's row is shown (restart details depend on the strategy).
  bool rowShown(QWidget* field) const;

 private:
  void load();
  void commit();
  void showRestartRows();
  GraphSettings fromFields() const;

  GraphDocument& document_;
  QFormLayout* form_;
  QLineEdit* name_;
  QPlainTextEdit* description_;
  QSpinBox* checkpoint_;
  QComboBox* backend_;
  QComboBox* restart_;
  QSpinBox* attempts_;
  QSpinBox* delay_;
  QSpinBox* initial_delay_;
  QSpinBox* max_delay_;
  QDoubleSpinBox* multiplier_;
  bool loading_ = false;
};

}  // namespace rivulet::editor

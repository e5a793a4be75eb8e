#pragma once
// One editor widget per catalog ParameterType: spin boxes with the catalog's ranges, enum
// drop-downs, durations with units, one-item-per-line lists, expression fields type-checked as
// the user types, and record schemas. An editor commits a typed graphs::Value (or nullopt: "not
// set, use the catalog default"); the inspector turns that into an undo command. Input that
// cannot be committed (out of range, unparsable) is never dropped silently: the editor shows why.

#include <QLabel>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

class ParameterEditor : public QWidget {
  Q_OBJECT
 public:
  ParameterEditor(const graphs::ParameterSpec& spec, QWidget* parent);

  const graphs::ParameterSpec& spec() const { return spec_; }
  // Shows the node's current value; nullptr means unset (the default is shown).
  virtual void load(const graphs::Value* value) = 0;
  // The record schema arriving at spec().input_port, for expression and field checks (for an
  // event-time field of a source, which has no input: the records it produces).
  virtual void setInputSchema(const graphs::Schema* schema);
  // The widget the user types into (tests drive it; the inspector focuses it).
  virtual QWidget* input() const = 0;
  // The error currently shown under the field, empty when the input is fine.
  QString errorText() const;
  // Text the user typed that could not be committed (out of range, unparsable); empty when the
  // field shows what the graph holds. The inspector keeps it across selection changes.
  virtual QString draftText() const { return {}; }
  // Puts a kept draft back into the field, its error shown again.
  virtual void restoreDraft(const QString& text) { Q_UNUSED(text); }

  // Called with each committed value. A callback, not a signal: moc's meta-type machinery
  // cannot handle std::variant members without an ordering.
  std::function<void(const std::optional<graphs::Value>&)> on_commit;
  // Called when typed input is refused (it stays in the field as a draft).
  std::function<void()> on_refused;

 protected:
  void committed(const std::optional<graphs::Value>& value) {
    if (on_commit) on_commit(value);
  }
  void refused() {
    if (on_refused) on_refused();
  }
  void showError(const QString& message);  // empty hides
  void setMonospaceError(bool on);
  const graphs::Schema* inputSchema() const { return has_schema_ ? &schema_ : nullptr; }

 private:
  graphs::ParameterSpec spec_;
  QLabel* error_;
  graphs::Schema schema_;
  bool has_schema_ = false;
};

// A source's event-time field: the String parameter every source spells "event_time_field"
// (operators/common_parameters.hpp). Its editor picks from the records the source produces.
bool isEventTimeField(const graphs::ParameterSpec& spec);

// The editor for spec.type; never null (unknown types get a plain text field).
ParameterEditor* createParameterEditor(const graphs::ParameterSpec& spec, QWidget* parent);

}  // namespace rivulet::editor

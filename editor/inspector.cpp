#include "editor/inspector.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QStringList>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/schema_text.hpp"
#include "editor/validation_controller.hpp"
#include "editor/wheel_scroll_guard.hpp"
#include "graphs/parameter_conditions.hpp"

namespace rivulet::editor {

Inspector::Inspector(GraphDocument& document, ValidationController& validation, QWidget* parent)
    : QDockWidget(tr("Inspector"), parent), document_(document), validation_(validation) {
  setObjectName(QStringLiteral("inspector"));
  scroll_ = new QScrollArea(this);
  scroll_->setObjectName(QStringLiteral("inspectorScroll"));
  scroll_->setWidgetResizable(true);
  // Fields wrap or shrink to the dock's width; sideways scrolling in a form is never wanted.
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  wheel_guard_ = new WheelScrollGuard(*scroll_, this);
  setMinimumWidth(320);
  setWidget(scroll_);
  showNothing();

  connect(&document_, &GraphDocument::nodeChanged, this, [this](const QString& id) {
    if (id.toStdString() == node_id_) refreshNode();
  });
  connect(&document_, &GraphDocument::nodeAboutToBeRemoved, this, [this](const QString& id) {
    if (id.toStdString() == node_id_) showNothing();
    drafts_.erase(id.toStdString());  // the node's drafts go with it
    validation_.setDrafts(id.toStdString(), {});
  });
  connect(&document_, &GraphDocument::edgeChanged, this, [this] { refreshEdge(); });
  connect(&document_, &GraphDocument::edgeAboutToBeRemoved, this, [this](int index) {
    if (edge_ && currentEdgeIndex() == index) showNothing();
  });
  connect(&document_, &GraphDocument::graphReset, this, [this] {
    node_id_.clear();  // another graph: nothing typed for the old one applies to it
    drafts_.clear();
    validation_.clearDrafts();
    showNothing();
  });
  connect(&validation_, &ValidationController::reportChanged, this, &Inspector::refreshSchemas);
}

void Inspector::clearForm() {
  keepDrafts();
  editors_.clear();
  label_ = nullptr;
  parallelism_ = nullptr;
  partitioning_ = nullptr;
  keys_ = nullptr;
  schema_label_ = nullptr;
  node_id_.clear();
  edge_.reset();
  body_ = new QWidget();
  form_ = new QFormLayout(body_);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  scroll_->setWidget(body_);  // deletes the previous form
  body_->show();              // a widget added to a visible scroll area starts hidden
}

void Inspector::showNothing() {
  clearForm();
  auto* hint = new QLabel(tr("Select an operator or a connection to edit it."), body_);
  hint->setWordWrap(true);
  form_->addRow(hint);
}

void Inspector::showNode(const std::string& id) {
  const graphs::Node* node = document_.graph().node(id);
  if (!node) {
    showNothing();
    return;
  }
  clearForm();
  node_id_ = id;
  const graphs::OperatorSpec* spec = document_.catalog().find(node->kind);

  auto* title = new QLabel(QStringLiteral("<b>%1</b> — %2")
                               .arg(QString::fromStdString(node->kind).toHtmlEscaped(),
                                    QString::fromStdString(id).toHtmlEscaped()),
                           body_);
  title->setWordWrap(true);
  form_->addRow(title);
  if (spec && !spec->description.empty()) {
    auto* description = new QLabel(QString::fromStdString(spec->description), body_);
    description->setWordWrap(true);
    form_->addRow(description);
  }

  label_ = new QLineEdit(body_);
  label_->setObjectName(QStringLiteral("label"));
  label_->setPlaceholderText(QString::fromStdString(id));
  form_->addRow(tr("Label"), label_);
  connect(label_, &QLineEdit::editingFinished, this, [this] {
    const graphs::Node* n = document_.graph().node(node_id_);
    const std::string text = label_->text().toStdString();
    if (n && n->label != text) {
      document_.undoStack()->push(new SetLabelCommand(document_, node_id_, text));
    }
  });

  parallelism_ = new QSpinBox(body_);
  parallelism_->setObjectName(QStringLiteral("parallelism"));
  parallelism_->setKeyboardTracking(false);
  parallelism_->setRange(
      1, spec && spec->max_parallelism ? static_cast<int>(spec->max_parallelism) : 1024);
  form_->addRow(tr("Parallelism"), parallelism_);
  connect(parallelism_, &QSpinBox::valueChanged, this, [this](int value) {
    const graphs::Node* n = document_.graph().node(node_id_);
    if (n && n->parallelism != static_cast<std::uint32_t>(value)) {
      document_.undoStack()->push(new SetParallelismCommand(document_, node_id_, value));
    }
  });

  if (spec) {
    for (const auto& p : spec->parameters) {
      ParameterEditor* editor = createParameterEditor(p, body_);
      editors_[p.name] = editor;
      QString name = QString::fromStdString(p.name);
      if (p.required) name += QStringLiteral(" *");
      auto* label = new QLabel(name, body_);
      label->setToolTip(QString::fromStdString(p.documentation));
      form_->addRow(label, editor);
      editor->on_refused = [this] { keepDrafts(); };
      editor->on_commit = [this, name = p.name](const std::optional<graphs::Value>& value) {
        keepDrafts();  // the field's draft, if it had one, is now committed
        const graphs::Node* n = document_.graph().node(node_id_);
        if (!n) return;
        const graphs::Value* current = n->parameter(name);
        if ((!current && !value) || (current && value && *current == *value)) return;
        document_.undoStack()->push(new SetParameterCommand(document_, node_id_, name, value));
      };
    }
  } else {
    form_->addRow(new QLabel(tr("This operator kind is not in the catalog."), body_));
  }
  refreshNode();
  refreshSchemas();
  wheel_guard_->guard(*body_);
}

// Refused text of the shown node's fields, remembered for when it is shown again and handed to
// the validation report (in place of what the graph alone would say about those fields).
void Inspector::keepDrafts() {
  if (node_id_.empty()) return;
  auto& kept = drafts_[node_id_];
  std::map<std::string, QString> errors;
  for (const auto& [name, editor] : editors_) {
    const QString text = editor->draftText();
    if (text.isEmpty()) {
      kept.erase(name);
      continue;
    }
    kept[name] = text;
    const QString error = editor->errorText();
    errors[name] = error.isEmpty() ? tr("it was not committed") : error;
  }
  if (kept.empty()) drafts_.erase(node_id_);
  validation_.setDrafts(node_id_, std::move(errors));
}

void Inspector::refreshNode() {
  const graphs::Node* node = document_.graph().node(node_id_);
  if (!node) return;
  if (label_->text().toStdString() != node->label) {
    label_->setText(QString::fromStdString(node->label));
  }
  {
    const QSignalBlocker block(parallelism_);
    parallelism_->setValue(static_cast<int>(node->parallelism));
  }
  // A change elsewhere in the node (undo, another field) reloads every field: what the user is
  // typing, or typed on an earlier visit, is put back over the graph's value.
  std::map<std::string, QString> typed;
  for (const auto& [name, editor] : editors_) {
    if (QString text = editor->draftText(); !text.isEmpty()) typed[name] = text;
  }
  auto kept = drafts_.find(node_id_);
  for (auto& [name, editor] : editors_) {
    editor->load(node->parameter(name));
    if (auto it = typed.find(name); it != typed.end()) {
      editor->restoreDraft(it->second);
    } else if (kept != drafts_.end()) {
      if (auto k = kept->second.find(name); k != kept->second.end())
        editor->restoreDraft(k->second);
    }
  }
  showApplicableRows(*node);
}

// A parameter whose catalog condition does not hold (slide for a tumbling window) has no row:
// the operator would ignore it. Re-run on every change of the node, so switching the controlling
// parameter shows or hides the rows at once.
void Inspector::showApplicableRows(const graphs::Node& node) {
  const graphs::OperatorSpec* spec = document_.catalog().find(node.kind);
  if (!spec) return;
  for (auto& [name, editor] : editors_) {
    const graphs::ParameterSpec* parameter = spec->parameter(name);
    form_->setRowVisible(
        editor, !parameter || graphs::parameter_applies(*spec, *parameter, node.parameters));
  }
}

bool Inspector::parameterRowShown(const std::string& name) const {
  auto it = editors_.find(name);
  return it != editors_.end() && form_->isRowVisible(it->second);
}

void Inspector::refreshSchemas() {
  if (!node_id_.empty()) {
    for (auto& [name, editor] : editors_) {
      editor->setInputSchema(validation_.inputSchema(node_id_, editor->spec().input_port));
    }
  }
  if (edge_ && schema_label_) {
    const int index = currentEdgeIndex();
    auto it = validation_.report().edge_schemas.find(static_cast<std::size_t>(index));
    schema_label_->setText(it == validation_.report().edge_schemas.end()
                               ? tr("(unknown until the upstream operators are valid)")
                               : schemaToText(it->second));
  }
}

int Inspector::currentEdgeIndex() const {
  return edge_ ? document_.edgeIndex(edge_->from, edge_->to) : -1;
}

void Inspector::showEdge(int index) {
  if (index < 0 || index >= static_cast<int>(document_.graph().edges.size())) {
    showNothing();
    return;
  }
  clearForm();
  edge_ = document_.graph().edges[index];
  form_->addRow(new QLabel(QStringLiteral("<b>%1</b>.%2 → <b>%3</b>.%4")
                               .arg(QString::fromStdString(edge_->from.node).toHtmlEscaped(),
                                    QString::fromStdString(edge_->from.port).toHtmlEscaped(),
                                    QString::fromStdString(edge_->to.node).toHtmlEscaped(),
                                    QString::fromStdString(edge_->to.port).toHtmlEscaped()),
                           body_));
  partitioning_ = new QComboBox(body_);
  partitioning_->setObjectName(QStringLiteral("partitioning"));
  for (auto kind : {graphs::PartitioningKind::Forward, graphs::PartitioningKind::Hash,
                    graphs::PartitioningKind::Broadcast, graphs::PartitioningKind::Rebalance}) {
    partitioning_->addItem(QString::fromLatin1(graphs::to_string(kind)), static_cast<int>(kind));
  }
  form_->addRow(tr("Partitioning"), partitioning_);
  keys_ = new QLineEdit(body_);
  keys_->setObjectName(QStringLiteral("keyFields"));
  keys_->setPlaceholderText(tr("key fields, comma separated"));
  form_->addRow(tr("Key fields"), keys_);
  schema_label_ = new QLabel(body_);
  schema_label_->setTextFormat(Qt::PlainText);
  schema_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form_->addRow(tr("Records"), schema_label_);
  connect(partitioning_, &QComboBox::activated, this, &Inspector::commitPartitioning);
  connect(keys_, &QLineEdit::editingFinished, this, &Inspector::commitPartitioning);
  refreshEdge();
  refreshSchemas();
  wheel_guard_->guard(*body_);
}

void Inspector::refreshEdge() {
  const int index = currentEdgeIndex();
  if (index < 0 || !partitioning_) return;
  const graphs::Partitioning& p = document_.graph().edges[index].partitioning;
  partitioning_->setCurrentIndex(partitioning_->findData(static_cast<int>(p.kind)));
  QStringList keys;
  for (const auto& k : p.key_fields) keys << QString::fromStdString(k);
  keys_->setText(keys.join(QStringLiteral(", ")));
  keys_->setEnabled(p.kind == graphs::PartitioningKind::Hash);
}

void Inspector::commitPartitioning() {
  const int index = currentEdgeIndex();
  if (index < 0) return;
  graphs::Partitioning p;
  p.kind = static_cast<graphs::PartitioningKind>(partitioning_->currentData().toInt());
  if (p.kind == graphs::PartitioningKind::Hash) {
    for (const QString& k : keys_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
      if (!k.trimmed().isEmpty()) p.key_fields.push_back(k.trimmed().toStdString());
    }
  }
  keys_->setEnabled(p.kind == graphs::PartitioningKind::Hash);
  if (document_.graph().edges[index].partitioning == p) return;
  document_.undoStack()->push(new SetPartitioningCommand(document_, index, std::move(p)));
}

ParameterEditor* Inspector::parameterEditor(const std::string& name) const {
  auto it = editors_.find(name);
  return it == editors_.end() ? nullptr : it->second;
}

}  // namespace rivulet::editor

#include "editor/inspector.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStringList>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_settings_page.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/schema_text.hpp"
#include "editor/validation_controller.hpp"
#include "editor/wheel_scroll_guard.hpp"
#include "graphs/parameter_conditions.hpp"
#include "graphs/validation_text.hpp"

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
    if (id.toStdString() != node_id_) return;
    const graphs::Node* node = document_.graph().node(node_id_);
    if (node && unknownParameters(*node) != unknown_shown_) {
      // Rows come and go (a rename, a removal, their undo): rebuild the form once control is
      // back in the event loop, never under the button that asked for it.
      QMetaObject::invokeMethod(
          this,
          [this, shown = node_id_] {
            if (node_id_ == shown) showNode(shown);
          },
          Qt::QueuedConnection);
      return;
    }
    refreshNode();
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
  unknown_shown_.clear();
  graph_page_ = nullptr;
  label_ = nullptr;
  parallelism_ = nullptr;
  partitioning_ = nullptr;
  keys_ = nullptr;
  key_picker_ = nullptr;
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
  // Nothing selected: the graph's own settings.
  graph_page_ = new GraphSettingsPage(document_, body_);
  form_->addRow(graph_page_);
  wheel_guard_->guard(*body_);
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
    addUnknownParameterRows(*node, *spec);
  } else {
    addKindRow(*node);
  }
  refreshNode();
  refreshSchemas();
  wheel_guard_->guard(*body_);
}

std::vector<std::string> Inspector::unknownParameters(const graphs::Node& node) const {
  std::vector<std::string> names;
  const graphs::OperatorSpec* spec = document_.catalog().find(node.kind);
  if (!spec) return names;  // an unknown kind: its parameters wait for a kind
  for (const auto& p : node.parameters) {
    if (!spec->parameter(p.name)) names.push_back(p.name);
  }
  return names;
}

// One row per parameter the kind does not take (a typo, a renamed or removed parameter): rename
// it to one the kind takes — the likeliest first — or remove it. Its value is kept on rename.
void Inspector::addUnknownParameterRows(const graphs::Node& node,
                                        const graphs::OperatorSpec& spec) {
  unknown_shown_ = unknownParameters(node);
  if (unknown_shown_.empty()) return;
  std::vector<std::string> free_names;  // the kind's parameters the node does not set yet
  for (const auto& p : spec.parameters) {
    if (!node.parameter(p.name)) free_names.push_back(p.name);
  }
  auto* header = new QLabel(tr("<b>Unknown parameters</b>: '%1' does not take these. Rename "
                               "them to one it takes, or remove them.")
                                .arg(QString::fromStdString(spec.kind).toHtmlEscaped()),
                            body_);
  header->setWordWrap(true);
  form_->addRow(header);
  for (const std::string& name : unknown_shown_) {
    auto* row = new QWidget(body_);
    row->setObjectName(QStringLiteral("unknown_") + QString::fromStdString(name));
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* target = new QComboBox(row);
    target->setObjectName(QStringLiteral("renameTo"));
    const auto closest = graphs::validation::closest_match(name, free_names);
    if (closest) target->addItem(QString::fromStdString(*closest));
    for (const auto& candidate : free_names) {
      if (candidate != closest) target->addItem(QString::fromStdString(candidate));
    }
    auto* rename = new QPushButton(tr("Rename"), row);
    rename->setObjectName(QStringLiteral("rename"));
    rename->setEnabled(target->count() > 0);
    auto* remove = new QPushButton(tr("Remove"), row);
    remove->setObjectName(QStringLiteral("remove"));
    layout->addWidget(target, 1);
    layout->addWidget(rename);
    layout->addWidget(remove);
    auto* label = new QLabel(QString::fromStdString(name), body_);
    label->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    label->setToolTip(tr("Not a parameter of '%1'").arg(QString::fromStdString(spec.kind)));
    form_->addRow(label, row);
    connect(rename, &QPushButton::clicked, this,
            [this, name, target] { replaceParameter(name, target->currentText().toStdString()); });
    connect(remove, &QPushButton::clicked, this, [this, name] { replaceParameter(name, {}); });
  }
}

// Renames (new_name set) or removes (empty) one of the node's parameters, in one undo step.
void Inspector::replaceParameter(const std::string& name, const std::string& new_name) {
  const graphs::Node* node = document_.graph().node(node_id_);
  if (!node) return;
  std::vector<graphs::Parameter> parameters = node->parameters;
  for (auto it = parameters.begin(); it != parameters.end(); ++it) {
    if (it->name != name) continue;
    if (new_name.empty()) {
      parameters.erase(it);
    } else {
      it->name = new_name;
    }
    break;
  }
  const QString text =
      new_name.empty() ? tr("Remove %1").arg(QString::fromStdString(name))
                       : tr("Rename %1 to %2")
                             .arg(QString::fromStdString(name), QString::fromStdString(new_name));
  document_.undoStack()->push(
      new SetParametersCommand(document_, node_id_, std::move(parameters), text));
}

// An unknown kind (a typo, a plugin this catalog lacks): pick a catalog kind, the likeliest
// first. Every parameter is kept; those the new kind does not take are then listed as unknown.
void Inspector::addKindRow(const graphs::Node& node) {
  auto* note = new QLabel(tr("Operator kind '%1' is not in the catalog. Change it to one that "
                             "is; its parameters are kept.")
                              .arg(QString::fromStdString(node.kind).toHtmlEscaped()),
                          body_);
  note->setWordWrap(true);
  form_->addRow(note);
  std::vector<std::string> kinds;
  for (const auto& op : document_.catalog().operators) kinds.push_back(op.kind);
  auto* row = new QWidget(body_);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* kind = new QComboBox(row);
  kind->setObjectName(QStringLiteral("changeKind"));
  const auto closest = graphs::validation::closest_match(node.kind, kinds);
  if (closest) kind->addItem(QString::fromStdString(*closest));
  for (const auto& k : kinds) {
    if (k != closest) kind->addItem(QString::fromStdString(k));
  }
  auto* apply = new QPushButton(tr("Change kind"), row);
  apply->setObjectName(QStringLiteral("applyKind"));
  apply->setEnabled(kind->count() > 0);
  layout->addWidget(kind, 1);
  layout->addWidget(apply);
  form_->addRow(tr("Kind"), row);
  if (!node.parameters.empty()) {
    QStringList names;
    for (const auto& p : node.parameters) names << QString::fromStdString(p.name);
    auto* kept = new QLabel(names.join(QStringLiteral(", ")), body_);
    kept->setWordWrap(true);
    form_->addRow(tr("Parameters"), kept);
  }
  connect(apply, &QPushButton::clicked, this, [this, kind] {
    const std::string id = node_id_;
    const std::string new_kind = kind->currentText().toStdString();
    // The node is re-added (new ports): this form goes with it, so act after the click.
    QMetaObject::invokeMethod(
        this,
        [this, id, new_kind] {
          document_.undoStack()->push(new ChangeKindCommand(document_, id, new_kind));
          emit nodeRequested(id);
        },
        Qt::QueuedConnection);
  });
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
      editor->setInputSchema(schemaFor(editor->spec()));
    }
  }
  if (edge_ && schema_label_) {
    const int index = currentEdgeIndex();
    auto it = validation_.report().edge_schemas.find(static_cast<std::size_t>(index));
    const bool known = it != validation_.report().edge_schemas.end();
    schema_label_->setText(known ? schemaToText(it->second)
                                 : tr("(unknown until the upstream operators are valid)"));
    // Hash keys are picked from the records crossing the edge.
    const QSignalBlocker block(key_picker_);
    key_picker_->clear();
    key_picker_->addItem(known ? tr("add a key field…") : tr("no fields known yet"));
    if (known) {
      for (const auto& field : it->second) {
        key_picker_->addItem(QString::fromStdString(field.name),
                             QString::fromStdString(field.name));
      }
    }
    key_picker_->setEnabled(known);
  }
}

// The records a parameter is checked against: those arriving at its input port; for a source's
// event-time field, which names a field of what the source itself produces, its output's.
const graphs::Schema* Inspector::schemaFor(const graphs::ParameterSpec& parameter) const {
  if (!isEventTimeField(parameter) || !parameter.input_port.empty()) {
    return validation_.inputSchema(node_id_, parameter.input_port);
  }
  const graphs::Node* node = document_.graph().node(node_id_);
  const graphs::OperatorSpec* spec = node ? document_.catalog().find(node->kind) : nullptr;
  if (!spec || spec->outputs.empty()) return nullptr;
  const auto& schemas = validation_.report().output_schemas;
  auto it = schemas.find({node_id_, spec->outputs.front().name});
  return it == schemas.end() ? nullptr : &it->second;
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
  key_picker_ = new QComboBox(body_);
  key_picker_->setObjectName(QStringLiteral("keyFieldPicker"));
  form_->addRow(QString(), key_picker_);
  connect(key_picker_, &QComboBox::activated, this, &Inspector::addKeyField);
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

// A picked key field is appended (once) and the edge becomes hash-partitioned on the keys.
void Inspector::addKeyField(int index) {
  const QString name = key_picker_->itemData(index).toString();
  key_picker_->setCurrentIndex(0);
  if (name.isEmpty()) return;
  QStringList keys;
  for (const QString& k : keys_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    if (!k.trimmed().isEmpty()) keys << k.trimmed();
  }
  if (!keys.contains(name)) keys << name;
  keys_->setText(keys.join(QStringLiteral(", ")));
  partitioning_->setCurrentIndex(
      partitioning_->findData(static_cast<int>(graphs::PartitioningKind::Hash)));
  commitPartitioning();
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

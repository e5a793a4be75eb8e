#include "editor/parameter_editors.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <cmath>
#include <functional>
#include <type_traits>

#include "editor/schema_text.hpp"
#include "graphs/expr/check.hpp"

namespace rivulet::editor {

ParameterEditor::ParameterEditor(const graphs::ParameterSpec& spec, QWidget* parent)
    : QWidget(parent), spec_(spec) {
  setObjectName(QStringLiteral("param_") + QString::fromStdString(spec.name));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("error"));
  error_->setStyleSheet(QStringLiteral("color: #d32f2f;"));
  error_->setTextFormat(Qt::PlainText);  // expression text may contain '<'
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();
  layout->addWidget(error_);  // subclasses insert their input above it
  setToolTip(QString::fromStdString(spec.documentation));
}

void ParameterEditor::setInputSchema(const graphs::Schema* schema) {
  has_schema_ = schema != nullptr;
  schema_ = schema ? *schema : graphs::Schema{};
}

QString ParameterEditor::errorText() const {
  return error_->isHidden() ? QString() : error_->text();
}

void ParameterEditor::showError(const QString& message) {
  error_->setText(message);
  error_->setVisible(!message.isEmpty());
}

void ParameterEditor::setMonospaceError(bool on) {
  error_->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : font());
}

namespace {

void addInput(ParameterEditor* editor, QWidget* input) {
  static_cast<QVBoxLayout*>(editor->layout())->insertWidget(0, input);
}

QString rangeText(const graphs::ParameterSpec& spec) {
  if (spec.minimum && spec.maximum) {
    return QObject::tr("must be between %1 and %2").arg(*spec.minimum).arg(*spec.maximum);
  }
  if (spec.minimum) return QObject::tr("must be at least %1").arg(*spec.minimum);
  if (spec.maximum) return QObject::tr("must be at most %1").arg(*spec.maximum);
  return {};
}

// --- bool ---------------------------------------------------------------------------------------
class BoolEditor : public ParameterEditor {
 public:
  BoolEditor(const graphs::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent) {
    box_ = new QCheckBox(this);
    addInput(this, box_);
    connect(box_, &QCheckBox::clicked, this, [this](bool on) { committed(graphs::Value(on)); });
  }
  void load(const graphs::Value* value) override {
    const graphs::Value* v =
        value ? value : (spec().default_value ? &*spec().default_value : nullptr);
    box_->setChecked(v && std::holds_alternative<bool>(*v) && std::get<bool>(*v));
  }
  QWidget* input() const override { return box_; }

 private:
  QCheckBox* box_;
};

// --- int / float
// ---------------------------------------------------------------------------------- Keyboard
// tracking is off so a value commits on Enter, focus loss or the arrows, not per digit. The spin
// boxes accept any number and check the catalog's range themselves: a value outside it is shown
// with the reason and a red frame, and is not committed (a spin box clamping or refusing keystrokes
// would lose the user's input without saying why).
template <class Spin, class Number>
class NumberEditor : public ParameterEditor {
 public:
  NumberEditor(const graphs::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent) {
    spin_ = new Spin(this);
    spin_->setKeyboardTracking(false);
    if constexpr (std::is_same_v<Number, std::int64_t>) {
      spin_->setRange(INT_MIN, INT_MAX);
    } else {
      spin_->setDecimals(4);
      spin_->setRange(-1e15, 1e15);
    }
    addInput(this, spin_);
    connect(spin_, &Spin::valueChanged, this, [this](auto v) {
      if (loading_) return;
      if (!inRange(static_cast<double>(v))) {  // the error is already shown
        refused();
        return;
      }
      shown_ = static_cast<double>(v);
      committed(graphs::Value(static_cast<Number>(v)));
    });
    // The spin box only reports text at commit time without keyboard tracking; its line edit
    // reports every keystroke.
    connect(spin_->template findChild<QLineEdit*>(), &QLineEdit::textEdited, this, [this] {
      bool ok = false;
      const double v = spin_->locale().toDouble(spin_->cleanText().trimmed(), &ok);
      inRange(ok ? v : spin_->value());
    });
  }
  void load(const graphs::Value* value) override {
    const graphs::Value* v =
        value ? value : (spec().default_value ? &*spec().default_value : nullptr);
    loading_ = true;
    if (v && std::holds_alternative<std::int64_t>(*v)) {
      spin_->setValue(static_cast<double>(std::get<std::int64_t>(*v)));
    } else if (v && std::holds_alternative<double>(*v)) {
      spin_->setValue(std::get<double>(*v));
    }
    loading_ = false;
    shown_ = spin_->value();
    inRange(spin_->value());
  }
  QWidget* input() const override { return spin_; }
  // Out-of-range numbers are shown but not committed: those are drafts.
  QString draftText() const override {
    return spin_->value() != shown_ && !fits(spin_->value()) ? spin_->cleanText() : QString();
  }
  void restoreDraft(const QString& text) override {
    bool ok = false;
    const double v = spin_->locale().toDouble(text, &ok);
    if (!ok) return;
    loading_ = true;
    spin_->setValue(v);
    loading_ = false;
    inRange(spin_->value());
  }

 private:
  bool fits(double v) const {
    return (!spec().minimum || v >= *spec().minimum) && (!spec().maximum || v <= *spec().maximum);
  }
  bool inRange(double v) {
    const bool ok = fits(v);
    showError(ok ? QString() : rangeText(spec()));
    spin_->setStyleSheet(ok ? QString() : QStringLiteral("border: 1px solid #d32f2f;"));
    return ok;
  }
  Spin* spin_;
  bool loading_ = false;
  double shown_ = 0;  // the value the graph holds (loaded or last committed)
};

using IntEditor = NumberEditor<QSpinBox, std::int64_t>;
using FloatEditor = NumberEditor<QDoubleSpinBox, double>;

// --- string, expression -----------------------------------------------------------------------
class LineEditor : public ParameterEditor {
 public:
  LineEditor(const graphs::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent) {
    edit_ = new QLineEdit(this);
    addInput(this, edit_);
    if (spec.default_value && std::holds_alternative<std::string>(*spec.default_value)) {
      edit_->setPlaceholderText(QString::fromStdString(std::get<std::string>(*spec.default_value)));
    }
    connect(edit_, &QLineEdit::editingFinished, this, [this] {
      if (edit_->text() == committed_text_) return;
      committed_text_ = edit_->text();
      if (committed_text_.isEmpty()) {
        committed(std::nullopt);
      } else {
        committed(makeValue(committed_text_.toStdString()));
      }
    });
  }
  void load(const graphs::Value* value) override {
    QString text;
    if (value && std::holds_alternative<std::string>(*value)) {
      text = QString::fromStdString(std::get<std::string>(*value));
    }
    if (value && std::holds_alternative<graphs::Expression>(*value)) {
      text = QString::fromStdString(std::get<graphs::Expression>(*value).text);
    }
    committed_text_ = text;
    if (edit_->text() != text) edit_->setText(text);
  }
  QWidget* input() const override { return edit_; }

 protected:
  virtual graphs::Value makeValue(std::string text) const { return graphs::Value(std::move(text)); }
  QLineEdit* edit_;
  QString committed_text_;
};

// A source's event-time field (event_time_field): typed, or picked from the timestamp and int64
// fields of the records it produces — the only types it accepts. An empty value keeps the
// source's own fallback (the Kafka timestamp, the read time, the generated time).
class EventTimeFieldEditor : public LineEditor {
 public:
  EventTimeFieldEditor(const graphs::ParameterSpec& spec, QWidget* parent)
      : LineEditor(spec, parent) {
    edit_->setPlaceholderText(tr("empty: the source's own time"));
    picker_ = new QComboBox(this);
    picker_->setObjectName(QStringLiteral("eventTimePicker"));
    static_cast<QVBoxLayout*>(layout())->insertWidget(1, picker_);
    connect(picker_, &QComboBox::activated, this, [this](int index) { pick(index); });
    connect(edit_, &QLineEdit::textChanged, this, [this] { showError(check()); });
    fillPicker();
  }
  void load(const graphs::Value* value) override {
    LineEditor::load(value);
    showError(check());
  }
  void setInputSchema(const graphs::Schema* schema) override {
    ParameterEditor::setInputSchema(schema);
    fillPicker();
    showError(check());
  }

 private:
  static bool usable(const graphs::Field& f) {
    return f.type == graphs::FieldType::Timestamp || f.type == graphs::FieldType::Int64;
  }
  // Said, not refused: the field may be about to be added to the schema.
  QString check() const {
    const graphs::Schema* schema = inputSchema();
    const std::string name = edit_->text().trimmed().toStdString();
    if (!schema || name.empty()) return {};
    for (const auto& f : *schema) {
      if (f.name != name) continue;
      return usable(f) ? QString()
                       : tr("'%1' is %2; the event time must be a timestamp or int64 field")
                             .arg(edit_->text().trimmed(), QString::fromLatin1(to_string(f.type)));
    }
    return tr("the records have no field '%1'").arg(edit_->text().trimmed());
  }
  void fillPicker() {
    const QSignalBlocker block(picker_);
    picker_->clear();
    const graphs::Schema* schema = inputSchema();
    int usable_fields = 0;
    picker_->addItem(schema ? tr("pick the event-time field…") : tr("declare the schema first"));
    if (schema) {
      for (const auto& f : *schema) {
        if (!usable(f)) continue;
        ++usable_fields;
        picker_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(f.name),
                                                       QString::fromLatin1(to_string(f.type))),
                         QString::fromStdString(f.name));
      }
      if (usable_fields == 0) picker_->setItemText(0, tr("no timestamp or int64 field"));
      picker_->addItem(tr("(none: the source's own time)"), QString());
    }
    picker_->setEnabled(schema != nullptr && usable_fields > 0);
    picker_->setCurrentIndex(0);
  }
  void pick(int index) {
    if (index <= 0) return;
    const QString name = picker_->itemData(index).toString();
    picker_->setCurrentIndex(0);
    edit_->setText(name);
    emit edit_->editingFinished();  // commits as finishing the text would
  }
  QComboBox* picker_;
};

// Checks on every keystroke against the propagated input schema. The error names the column and
// a caret line under a copy of the text marks the position.
class ExpressionEditor : public LineEditor {
 public:
  ExpressionEditor(const graphs::ParameterSpec& spec, QWidget* parent) : LineEditor(spec, parent) {
    edit_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit_->setPlaceholderText(tr("expression, e.g. amount > 1000"));
    setMonospaceError(true);
    connect(edit_, &QLineEdit::textChanged, this, [this] { check(); });
  }
  void load(const graphs::Value* value) override {
    LineEditor::load(value);
    check();
  }
  void setInputSchema(const graphs::Schema* schema) override {
    ParameterEditor::setInputSchema(schema);
    check();
  }

 protected:
  graphs::Value makeValue(std::string text) const override {
    return graphs::Value(graphs::Expression{std::move(text)});
  }

 private:
  void check() {
    const QString text = edit_->text();
    if (text.trimmed().isEmpty() || !inputSchema()) {
      // Without an input schema (not connected yet) every field would be "unknown": wait.
      showError({});
      edit_->setStyleSheet({});
      return;
    }
    const auto result = graphs::expr::check_expression(text.toStdString(), *inputSchema());
    QString message;
    std::size_t column = 0;
    if (!result.ok()) {
      message = QString::fromStdString(result.error.to_string());
      column = result.error.column;
    } else if (spec().result_type == "bool" && result.value->type.type != graphs::FieldType::Bool) {
      message = tr("the expression must be a condition (bool), not %1")
                    .arg(QString::fromLatin1(graphs::to_string(result.value->type.type)));
    }
    if (message.isEmpty()) {
      showError({});
      edit_->setStyleSheet({});
      return;
    }
    edit_->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #d32f2f; }"));
    if (column > 0) {
      const QString caret =
          QString(static_cast<int>(column) - 1, QLatin1Char(' ')) + QLatin1Char('^');
      showError(text + QLatin1Char('\n') + caret + QLatin1Char('\n') + message);
    } else {
      showError(message);
    }
  }
};

// --- enum ----------------------------------------------------------------------------------------
class EnumEditor : public ParameterEditor {
 public:
  EnumEditor(const graphs::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent) {
    combo_ = new QComboBox(this);
    for (const auto& v : spec.allowed_values) combo_->addItem(QString::fromStdString(v));
    addInput(this, combo_);
    connect(combo_, &QComboBox::activated, this,
            [this](int index) { committed(graphs::Value(combo_->itemText(index).toStdString())); });
  }
  void load(const graphs::Value* value) override {
    const graphs::Value* v =
        value ? value : (spec().default_value ? &*spec().default_value : nullptr);
    combo_->setCurrentIndex(
        v && std::holds_alternative<std::string>(*v)
            ? combo_->findText(QString::fromStdString(std::get<std::string>(*v)))
            : -1);
  }
  QWidget* input() const override { return combo_; }

 private:
  QComboBox* combo_;
};

// --- duration
// --------------------------------------------------------------------------------------
class DurationEditor : public ParameterEditor {
 public:
  DurationEditor(const graphs::ParameterSpec& spec, QWidget* parent)
      : ParameterEditor(spec, parent) {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    spin_ = new QSpinBox(row);
    spin_->setKeyboardTracking(false);
    spin_->setRange(0, INT_MAX);
    units_ = new QComboBox(row);
    units_->addItem(tr("ms"), 1);
    units_->addItem(tr("s"), 1000);
    units_->addItem(tr("min"), 60000);
    units_->addItem(tr("h"), 3600000);
    layout->addWidget(spin_, 1);
    layout->addWidget(units_);
    addInput(this, row);
    connect(spin_, &QSpinBox::valueChanged, this, [this] { commit(); });
    connect(units_, &QComboBox::activated, this, [this] { commit(); });
  }
  void load(const graphs::Value* value) override {
    const graphs::Value* v =
        value ? value : (spec().default_value ? &*spec().default_value : nullptr);
    const std::int64_t ms =
        v && std::holds_alternative<graphs::Duration>(*v) ? std::get<graphs::Duration>(*v).ms : 0;
    // Show it in the largest unit that divides it evenly: "5 min", not "300000 ms".
    int unit = 0;
    for (int i = units_->count() - 1; i > 0; --i) {
      const std::int64_t factor = units_->itemData(i).toLongLong();
      if (ms != 0 && ms % factor == 0) {
        unit = i;
        break;
      }
    }
    loading_ = true;
    units_->setCurrentIndex(unit);
    spin_->setValue(static_cast<int>(ms / units_->itemData(unit).toLongLong()));
    loading_ = false;
  }
  QWidget* input() const override { return spin_; }
  QComboBox* units() const { return units_; }

 private:
  void commit() {
    if (loading_) return;
    const std::int64_t ms =
        static_cast<std::int64_t>(spin_->value()) * units_->currentData().toLongLong();
    committed(graphs::Value(graphs::Duration{ms}));
  }
  QSpinBox* spin_;
  QComboBox* units_;
  bool loading_ = false;
};

// --- lists and schemas: one item per line
// ------------------------------------------------------------ A plain-text field that reports when
// the user is done (focus out), like QLineEdit does.
class LinesEdit : public QPlainTextEdit {
 public:
  std::function<void()> on_finished;
  explicit LinesEdit(QWidget* parent) : QPlainTextEdit(parent) {
    setTabChangesFocus(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // A fixed height: an expanding text box would swallow all the spare room of the form.
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(fontMetrics().lineSpacing() * 5 + 12);
  }

 protected:
  void focusOutEvent(QFocusEvent* event) override {
    QPlainTextEdit::focusOutEvent(event);
    if (on_finished) on_finished();
  }
};

class LinesEditor : public ParameterEditor {
 public:
  LinesEditor(const graphs::ParameterSpec& spec, QWidget* parent) : ParameterEditor(spec, parent) {
    edit_ = new LinesEdit(this);
    addInput(this, edit_);
    setMonospaceError(true);
    edit_->on_finished = [this] { finish(); };
    connect(edit_, &QPlainTextEdit::textChanged, this, [this] { showError(check()); });
    switch (spec.type) {
      case graphs::ParameterType::Schema:
        edit_->setPlaceholderText(tr("one field per line: name: type"));
        break;
      case graphs::ParameterType::ExpressionList:
        edit_->setPlaceholderText(tr("one per line: expression AS name"));
        break;
      case graphs::ParameterType::AggregateList:
        edit_->setPlaceholderText(tr("one per line: count(*) AS n"));
        break;
      default:
        edit_->setPlaceholderText(tr("one per line"));
    }
    if (spec.type == graphs::ParameterType::FieldList) {
      // Field names are picked from the records arriving at the input, not typed from memory.
      picker_ = new QComboBox(this);
      picker_->setObjectName(QStringLiteral("fieldPicker"));
      static_cast<QVBoxLayout*>(layout())->insertWidget(1, picker_);
      connect(picker_, &QComboBox::activated, this, [this](int index) { addField(index); });
      fillPicker();
    }
  }
  void load(const graphs::Value* value) override {
    QString text;
    if (value && std::holds_alternative<graphs::StringList>(*value)) {
      QStringList lines;
      for (const auto& s : std::get<graphs::StringList>(*value)) lines << QString::fromStdString(s);
      text = lines.join(QLatin1Char('\n'));
    } else if (value && std::holds_alternative<graphs::Schema>(*value)) {
      text = schemaToText(std::get<graphs::Schema>(*value));
    }
    committed_text_ = text;
    if (edit_->toPlainText() != text) edit_->setPlainText(text);
  }
  // A schema that does not parse is not committed; other lists commit when focus leaves.
  QString draftText() const override {
    const QString text = edit_->toPlainText();
    return text != committed_text_ ? text : QString();
  }
  void restoreDraft(const QString& text) override {
    if (edit_->toPlainText() != text) edit_->setPlainText(text);  // shows the error again
  }
  void setInputSchema(const graphs::Schema* schema) override {
    ParameterEditor::setInputSchema(schema);
    showError(check());
    fillPicker();
  }
  QWidget* input() const override { return edit_; }

 private:
  QStringList items() const {
    QStringList out;
    for (const QString& line : edit_->toPlainText().split(QLatin1Char('\n'))) {
      if (!line.trimmed().isEmpty()) out << line.trimmed();
    }
    return out;
  }

  // The first problem of the current text, or empty.
  QString check() const {
    const auto type = spec().type;
    if (type == graphs::ParameterType::Schema) {
      graphs::Schema schema;
      QString error;
      return parseSchemaText(edit_->toPlainText(), schema, error) ? QString() : error;
    }
    if (!inputSchema() || type == graphs::ParameterType::StringList) return {};
    const QStringList list = items();
    for (int i = 0; i < list.size(); ++i) {
      const std::string text = list[i].toStdString();
      QString message;
      if (type == graphs::ParameterType::FieldList) {
        bool found = false;
        for (const auto& f : *inputSchema()) found = found || f.name == text;
        if (!found) message = tr("unknown field '%1'").arg(list[i]);
      } else if (type == graphs::ParameterType::ExpressionList) {
        auto r = graphs::expr::check_named_expression(text, *inputSchema());
        if (!r.ok()) message = QString::fromStdString(r.error.to_string());
      } else if (type == graphs::ParameterType::AggregateList) {
        auto r = graphs::expr::check_aggregate(text, *inputSchema());
        if (!r.ok()) message = QString::fromStdString(r.error.to_string());
      }
      if (!message.isEmpty()) return tr("line %1, %2").arg(i + 1).arg(message);
    }
    return {};
  }

  void finish() {
    const QString text = edit_->toPlainText();
    if (text == committed_text_) return;
    if (spec().type == graphs::ParameterType::Schema) {
      graphs::Schema schema;
      QString error;
      if (!parseSchemaText(text, schema, error)) {  // error already shown; not committed
        refused();
        return;
      }
      committed_text_ = text;
      committed(graphs::Value(std::move(schema)));
      return;
    }
    committed_text_ = text;
    graphs::StringList list;
    for (const QString& item : items()) list.push_back(item.toStdString());
    if (list.empty()) {
      committed(std::nullopt);
    } else {
      committed(graphs::Value(std::move(list)));
    }
  }

  // "add a field…" then one entry per input field; disabled until the input's schema is known.
  void fillPicker() {
    if (!picker_) return;
    const QSignalBlocker block(picker_);
    picker_->clear();
    const graphs::Schema* schema = inputSchema();
    picker_->addItem(schema ? tr("add a field…") : tr("connect an input to pick its fields"));
    if (schema) {
      for (const auto& field : *schema) {
        picker_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(field.name),
                                                       QString::fromLatin1(to_string(field.type))),
                         QString::fromStdString(field.name));
      }
    }
    picker_->setEnabled(schema != nullptr);
    picker_->setCurrentIndex(0);
  }

  // Appends the picked field (once) and commits, as finishing the text would.
  void addField(int index) {
    const QString name = picker_->itemData(index).toString();
    picker_->setCurrentIndex(0);
    if (name.isEmpty() || items().contains(name)) return;
    QString text = edit_->toPlainText();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('\n'))) text += QLatin1Char('\n');
    edit_->setPlainText(text + name);
    finish();
  }

  LinesEdit* edit_;
  QComboBox* picker_ = nullptr;
  QString committed_text_;
};

}  // namespace

bool isEventTimeField(const graphs::ParameterSpec& spec) {
  return spec.type == graphs::ParameterType::String && spec.name == "event_time_field";
}

ParameterEditor* createParameterEditor(const graphs::ParameterSpec& spec, QWidget* parent) {
  using T = graphs::ParameterType;
  switch (spec.type) {
    case T::Bool:
      return new BoolEditor(spec, parent);
    case T::Int:
      return new IntEditor(spec, parent);
    case T::Float:
      return new FloatEditor(spec, parent);
    case T::Enum:
      return new EnumEditor(spec, parent);
    case T::Duration:
      return new DurationEditor(spec, parent);
    case T::Expression:
      return new ExpressionEditor(spec, parent);
    case T::StringList:
    case T::FieldList:
    case T::ExpressionList:
    case T::AggregateList:
    case T::Schema:
      return new LinesEditor(spec, parent);
    case T::String:
      if (isEventTimeField(spec)) return new EventTimeFieldEditor(spec, parent);
      break;
  }
  return new LineEditor(spec, parent);
}

}  // namespace rivulet::editor

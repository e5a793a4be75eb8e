#include "editor/graph_settings_page.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFocusEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QUndoStack>
#include <algorithm>
#include <climits>
#include <functional>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"

namespace rivulet::editor {

namespace {

// A description box that commits when the user is done (focus out), like a QLineEdit.
class DescriptionEdit : public QPlainTextEdit {
 public:
  std::function<void()> on_finished;
  explicit DescriptionEdit(QWidget* parent) : QPlainTextEdit(parent) {
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(fontMetrics().lineSpacing() * 3 + 12);
  }

 protected:
  void focusOutEvent(QFocusEvent* event) override {
    QPlainTextEdit::focusOutEvent(event);
    if (on_finished) on_finished();
  }
};

QSpinBox* millisecondsField(QWidget* parent, const char* name, const QString& zero_text = {}) {
  auto* spin = new QSpinBox(parent);
  spin->setObjectName(QString::fromLatin1(name));
  spin->setRange(0, INT_MAX);
  spin->setSingleStep(1000);
  spin->setSuffix(QStringLiteral(" ms"));
  spin->setKeyboardTracking(false);  // commit on Enter or focus out, not per digit
  if (!zero_text.isEmpty()) spin->setSpecialValueText(zero_text);
  return spin;
}

}  // namespace

GraphSettingsPage::GraphSettingsPage(GraphDocument& document, QWidget* parent)
    : QWidget(parent), document_(document) {
  setObjectName(QStringLiteral("graphSettings"));
  form_ = new QFormLayout(this);
  form_->setContentsMargins(0, 0, 0, 0);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form_->addRow(new QLabel(tr("<b>Graph</b>"), this));

  name_ = new QLineEdit(this);
  name_->setObjectName(QStringLiteral("graphName"));
  form_->addRow(tr("Name"), name_);
  auto* description = new DescriptionEdit(this);
  description->setObjectName(QStringLiteral("graphDescription"));
  description->on_finished = [this] { commit(); };
  description_ = description;
  form_->addRow(tr("Description"), description_);

  checkpoint_ = millisecondsField(this, "checkpointInterval", tr("off"));
  checkpoint_->setToolTip(
      tr("How often the job takes a checkpoint; off: never (no exactly-once "
         "recovery)."));
  form_->addRow(tr("Checkpoint interval"), checkpoint_);
  backend_ = new QComboBox(this);
  backend_->setObjectName(QStringLiteral("stateBackend"));
  backend_->addItem(QStringLiteral("memory"), static_cast<int>(graphs::StateBackend::Memory));
  backend_->addItem(QStringLiteral("rocksdb"), static_cast<int>(graphs::StateBackend::RocksDb));
  form_->addRow(tr("State backend"), backend_);

  restart_ = new QComboBox(this);
  restart_->setObjectName(QStringLiteral("restartStrategy"));
  restart_->addItem(QStringLiteral("none"), static_cast<int>(graphs::RestartKind::None));
  restart_->addItem(QStringLiteral("fixed_delay"),
                    static_cast<int>(graphs::RestartKind::FixedDelay));
  restart_->addItem(QStringLiteral("exponential_backoff"),
                    static_cast<int>(graphs::RestartKind::ExponentialBackoff));
  form_->addRow(tr("Restart strategy"), restart_);
  attempts_ = new QSpinBox(this);
  attempts_->setObjectName(QStringLiteral("restartAttempts"));
  attempts_->setRange(0, 1000000);
  attempts_->setKeyboardTracking(false);
  form_->addRow(tr("Restart attempts"), attempts_);
  delay_ = millisecondsField(this, "restartDelay");
  form_->addRow(tr("Restart delay"), delay_);
  initial_delay_ = millisecondsField(this, "restartInitialDelay");
  form_->addRow(tr("Initial delay"), initial_delay_);
  max_delay_ = millisecondsField(this, "restartMaxDelay");
  form_->addRow(tr("Maximum delay"), max_delay_);
  multiplier_ = new QDoubleSpinBox(this);
  multiplier_->setObjectName(QStringLiteral("restartMultiplier"));
  multiplier_->setRange(1.0, 100.0);
  multiplier_->setDecimals(2);
  multiplier_->setKeyboardTracking(false);
  form_->addRow(tr("Delay multiplier"), multiplier_);

  connect(name_, &QLineEdit::editingFinished, this, &GraphSettingsPage::commit);
  for (QSpinBox* spin : {checkpoint_, attempts_, delay_, initial_delay_, max_delay_}) {
    connect(spin, &QSpinBox::valueChanged, this, &GraphSettingsPage::commit);
  }
  connect(multiplier_, &QDoubleSpinBox::valueChanged, this, &GraphSettingsPage::commit);
  connect(backend_, &QComboBox::activated, this, &GraphSettingsPage::commit);
  connect(restart_, &QComboBox::activated, this, &GraphSettingsPage::commit);
  connect(&document_, &GraphDocument::settingsChanged, this, &GraphSettingsPage::load);
  load();
}

bool GraphSettingsPage::rowShown(QWidget* field) const { return form_->isRowVisible(field); }

void GraphSettingsPage::load() {
  const graphs::Graph& g = document_.graph();
  loading_ = true;
  if (name_->text().toStdString() != g.name) name_->setText(QString::fromStdString(g.name));
  if (description_->toPlainText().toStdString() != g.description) {
    description_->setPlainText(QString::fromStdString(g.description));
  }
  checkpoint_->setValue(
      static_cast<int>(std::min<std::int64_t>(g.runtime.checkpoint_interval_ms, INT_MAX)));
  backend_->setCurrentIndex(backend_->findData(static_cast<int>(g.runtime.state_backend)));
  const graphs::RestartStrategy& r = g.runtime.restart;
  restart_->setCurrentIndex(restart_->findData(static_cast<int>(r.kind)));
  attempts_->setValue(static_cast<int>(r.attempts));
  delay_->setValue(static_cast<int>(std::min<std::int64_t>(r.delay_ms, INT_MAX)));
  initial_delay_->setValue(static_cast<int>(std::min<std::int64_t>(r.initial_delay_ms, INT_MAX)));
  max_delay_->setValue(static_cast<int>(std::min<std::int64_t>(r.max_delay_ms, INT_MAX)));
  multiplier_->setValue(r.multiplier);
  loading_ = false;
  showRestartRows();
}

// Only the numbers the chosen strategy uses.
void GraphSettingsPage::showRestartRows() {
  const auto kind = static_cast<graphs::RestartKind>(restart_->currentData().toInt());
  const bool fixed = kind == graphs::RestartKind::FixedDelay;
  const bool backoff = kind == graphs::RestartKind::ExponentialBackoff;
  form_->setRowVisible(attempts_, fixed || backoff);
  form_->setRowVisible(delay_, fixed);
  form_->setRowVisible(initial_delay_, backoff);
  form_->setRowVisible(max_delay_, backoff);
  form_->setRowVisible(multiplier_, backoff);
}

GraphSettings GraphSettingsPage::fromFields() const {
  // Fields not shown keep the graph's values: switching strategies back and forth loses nothing.
  GraphSettings s{name_->text().toStdString(), description_->toPlainText().toStdString(),
                  document_.graph().runtime};
  s.runtime.checkpoint_interval_ms = checkpoint_->value();
  s.runtime.state_backend = static_cast<graphs::StateBackend>(backend_->currentData().toInt());
  graphs::RestartStrategy& r = s.runtime.restart;
  r.kind = static_cast<graphs::RestartKind>(restart_->currentData().toInt());
  r.attempts = static_cast<std::uint32_t>(attempts_->value());
  r.delay_ms = delay_->value();
  r.initial_delay_ms = initial_delay_->value();
  r.max_delay_ms = max_delay_->value();
  r.multiplier = multiplier_->value();
  return s;
}

void GraphSettingsPage::commit() {
  if (loading_) return;
  showRestartRows();
  const graphs::Graph& g = document_.graph();
  GraphSettings settings = fromFields();
  if (settings == GraphSettings{g.name, g.description, g.runtime}) return;
  document_.undoStack()->push(new SetGraphSettingsCommand(document_, std::move(settings)));
}

}  // namespace rivulet::editor

#include "editor/nodes/redeploy_dialog.hpp"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace rivulet::editor {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

QString endpoint_text(const graphs::Edge& e) {
  QString text = QStringLiteral("%1.%2 → %3.%4")
                     .arg(qs(e.from.node), qs(e.from.port), qs(e.to.node), qs(e.to.port));
  text += QStringLiteral(" (%1)").arg(QString::fromLatin1(to_string(e.partitioning.kind)));
  return text;
}

QTreeWidgetItem* section(QTreeWidget& tree, const QString& title, int count) {
  auto* item = new QTreeWidgetItem(&tree);
  item->setText(0, QStringLiteral("%1 (%2)").arg(title).arg(count));
  item->setExpanded(true);
  item->setFirstColumnSpanned(true);
  return item;
}

void row(QTreeWidgetItem* parent, const QString& what, const QString& detail) {
  auto* item = new QTreeWidgetItem(parent);
  item->setText(0, what);
  item->setText(1, detail);
  item->setToolTip(1, detail);
}

QString fate_text(graphs::StateFate fate) {
  switch (fate) {
    case graphs::StateFate::Kept:
      return QObject::tr("kept");
    case graphs::StateFate::Dropped:
      return QObject::tr("dropped");
    case graphs::StateFate::Fresh:
      return QObject::tr("starts empty");
    case graphs::StateFate::Blocked:
      return QObject::tr("cannot be restored");
  }
  return {};
}

}  // namespace

void fillDiffTree(QTreeWidget& tree, const graphs::GraphDiff& diff) {
  tree.clear();
  tree.setColumnCount(2);
  tree.setHeaderLabels({QObject::tr("Operator"), QObject::tr("Change")});
  if (diff.empty()) {
    auto* item = new QTreeWidgetItem(&tree);
    item->setText(0, QObject::tr("No structural change (positions and labels aside)"));
    item->setFirstColumnSpanned(true);
  }
  if (!diff.added.empty()) {
    QTreeWidgetItem* s = section(tree, QObject::tr("Added"), static_cast<int>(diff.added.size()));
    for (const auto& n : diff.added) row(s, qs(n.id), qs(n.kind));
  }
  if (!diff.removed.empty()) {
    QTreeWidgetItem* s =
        section(tree, QObject::tr("Removed"), static_cast<int>(diff.removed.size()));
    for (const auto& n : diff.removed) row(s, qs(n.id), qs(n.kind));
  }
  if (!diff.changed.empty()) {
    QTreeWidgetItem* s =
        section(tree, QObject::tr("Changed"), static_cast<int>(diff.changed.size()));
    for (const auto& c : diff.changed) {
      auto* node = new QTreeWidgetItem(s);
      node->setText(0, qs(c.id));
      node->setExpanded(true);
      QStringList summary;
      if (c.kind_changed()) {
        row(node, QObject::tr("kind"),
            QStringLiteral("%1 → %2").arg(qs(c.old_kind), qs(c.new_kind)));
        summary << QObject::tr("kind changed");
      }
      if (c.parallelism_changed()) {
        row(node, QObject::tr("parallelism"),
            QStringLiteral("%1 → %2").arg(c.old_parallelism).arg(c.new_parallelism));
        summary << QObject::tr("parallelism changed");
      }
      for (const auto& p : c.parameters) {
        const QString old_value = p.added ? QObject::tr("(default)") : qs(p.old_value);
        const QString new_value = p.removed ? QObject::tr("(default)") : qs(p.new_value);
        row(node, qs(p.name), QStringLiteral("%1 → %2").arg(old_value, new_value));
      }
      if (!c.parameters.empty()) summary << QObject::tr("parameters changed");
      if (c.label_changed) summary << QObject::tr("label changed");
      if (!c.affects_job() && c.moved) summary << QObject::tr("moved only");
      node->setText(1, summary.join(QStringLiteral(", ")));
    }
  }
  if (!diff.edges_added.empty() || !diff.edges_removed.empty()) {
    QTreeWidgetItem* s =
        section(tree, QObject::tr("Edges"),
                static_cast<int>(diff.edges_added.size() + diff.edges_removed.size()));
    for (const auto& e : diff.edges_added) row(s, QObject::tr("added"), endpoint_text(e));
    for (const auto& e : diff.edges_removed) row(s, QObject::tr("removed"), endpoint_text(e));
  }
  if (diff.settings_changed) {
    section(tree, QObject::tr("Graph settings changed"), 1);
  }
  if (!diff.state.empty()) {
    QTreeWidgetItem* s =
        section(tree, QObject::tr("State in the savepoint"), static_cast<int>(diff.state.size()));
    for (const auto& st : diff.state) {
      row(s, qs(st.id),
          QStringLiteral("%1: %2 (%3)").arg(fate_text(st.fate), qs(st.reason), qs(st.kind)));
      if (st.fate == graphs::StateFate::Dropped || st.fate == graphs::StateFate::Blocked) {
        s->child(s->childCount() - 1)->setForeground(1, QBrush(Qt::red));
      }
    }
  }
}

RedeployDialog::RedeployDialog(const graphs::GraphDiff& diff, const QString& job, QWidget* parent)
    : QDialog(parent), diff_(diff) {
  setObjectName(QStringLiteral("redeployDialog"));
  setWindowTitle(tr("Redeploy %1").arg(job));
  resize(640, 480);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(
      tr("Redeploying stops %1 with a savepoint and starts the edited graph from it.").arg(job),
      this));
  tree_ = new QTreeWidget(this);
  tree_->setObjectName(QStringLiteral("redeployDiffTree"));
  fillDiffTree(*tree_, diff_);
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  layout->addWidget(tree_);
  drop_state_ = new QCheckBox(tr("Drop the state the edited graph does not take "
                                 "(allow non-restored state)"),
                              this);
  drop_state_->setObjectName(QStringLiteral("allowNonRestoredState"));
  drop_state_->setEnabled(diff_.drops_state());
  layout->addWidget(drop_state_);
  if (diff_.blocks_restore()) {
    auto* blocked = new QLabel(tr("The node cannot restore an operator whose parallelism "
                                  "changed (see State): change it back or give it a new id."),
                               this);
    blocked->setWordWrap(true);
    layout->addWidget(blocked);
  }
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  QPushButton* ok = buttons_->addButton(tr("Redeploy"), QDialogButtonBox::AcceptRole);
  ok->setObjectName(QStringLiteral("redeployButton"));
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(drop_state_, &QCheckBox::toggled, this, &RedeployDialog::updateButtons);
  updateButtons();
}

bool RedeployDialog::canRedeploy() const {
  if (diff_.blocks_restore()) return false;
  return !diff_.drops_state() || drop_state_->isChecked();
}

RedeployChoice RedeployDialog::choice() const {
  return RedeployChoice{diff_.drops_state() && drop_state_->isChecked()};
}

void RedeployDialog::updateButtons() {
  for (QAbstractButton* b : buttons_->buttons()) {
    if (buttons_->buttonRole(b) == QDialogButtonBox::AcceptRole) b->setEnabled(canRedeploy());
  }
}

std::optional<RedeployChoice> askToRedeploy(const graphs::GraphDiff& diff, const QString& job,
                                            QWidget* parent) {
  RedeployDialog dialog(diff, job, parent);
  if (dialog.exec() != QDialog::Accepted || !dialog.canRedeploy()) return std::nullopt;
  return dialog.choice();
}

}  // namespace rivulet::editor

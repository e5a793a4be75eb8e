#include "editor/nodes/nodes_panel.hpp"

#include <QAction>
#include <QBrush>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "editor/nodes/add_node_dialog.hpp"

namespace rivulet::editor {
namespace {

constexpr int kAddressRole = Qt::UserRole + 1;
constexpr int kJobRole = Qt::UserRole + 2;
enum Column { kName = 0, kState = 1, kRestarts = 2 };

QString qs(const std::string& text) { return QString::fromStdString(text); }

QString seconds(int ms) { return QString::number(ms / 1000.0, 'f', 1); }

}  // namespace

NodesPanel::NodesPanel(QWidget* parent, NodeStore store, NodeConnection::Timing timing)
    : QDockWidget(tr("Nodes"), parent), store_(std::move(store)), timing_(timing) {
  setObjectName(QStringLiteral("nodesPanel"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QToolBar(body);
  bar->setObjectName(QStringLiteral("nodesToolbar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  layout->addWidget(bar);
  tree_ = new QTreeWidget(body);
  tree_->setObjectName(QStringLiteral("nodesTree"));
  tree_->setColumnCount(3);
  tree_->setHeaderLabels({tr("Node / job"), tr("State"), tr("Restarts")});
  tree_->header()->setSectionResizeMode(kName, QHeaderView::ResizeToContents);
  tree_->header()->setSectionResizeMode(kState, QHeaderView::Stretch);
  tree_->header()->setStretchLastSection(false);
  layout->addWidget(tree_);
  message_ = new QLabel(body);
  message_->setObjectName(QStringLiteral("nodesMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(message_);
  setWidget(body);

  add_ = makeAction("actionAddNode", tr("Add…"), &NodesPanel::addNodeDialog);
  remove_ = makeAction("actionRemoveNode", tr("Remove"), &NodesPanel::removeCurrentNode);
  reconnect_ =
      makeAction("actionReconnectNode", tr("Reconnect"), &NodesPanel::reconnectCurrentNode);
  monitor_ = makeAction("actionMonitorJob", tr("Monitor"), &NodesPanel::monitorCurrentJob);
  stop_ = makeAction("actionStopJob", tr("Stop with savepoint…"), &NodesPanel::stopCurrentJob);
  cancel_ = makeAction("actionCancelJob", tr("Cancel"), &NodesPanel::cancelCurrentJob);
  savepoint_ =
      makeAction("actionSavepointJob", tr("Take savepoint"), &NodesPanel::savepointCurrentJob);
  for (QAction* a : {add_, remove_, reconnect_}) bar->addAction(a);
  bar->addSeparator();
  for (QAction* a : {monitor_, stop_, cancel_, savepoint_}) bar->addAction(a);
  tree_->setContextMenuPolicy(Qt::ActionsContextMenu);
  for (QAction* a : {monitor_, stop_, cancel_, savepoint_, reconnect_, remove_}) {
    tree_->addAction(a);
  }
  connect(tree_, &QTreeWidget::currentItemChanged, this, &NodesPanel::updateActions);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    if (item && !item->data(0, kJobRole).toString().isEmpty()) monitorCurrentJob();
  });

  ask_node_ = [this] { return askForNode(this); };
  ask_savepoint_ = [this](const QString& job) -> std::optional<QString> {
    bool ok = false;
    const QString dir = QInputDialog::getText(
        this, tr("Stop with savepoint"),
        tr("Savepoint directory on the node for %1 (empty: under its data dir):").arg(job),
        QLineEdit::Normal, QString(), &ok);
    if (!ok) return std::nullopt;
    return dir.trimmed();
  };
  confirm_ = [this](const QString& title, const QString& question) {
    return QMessageBox::question(this, title, question) == QMessageBox::Yes;
  };
  report_ = [this](const QString& title, const QString& message) {
    QMessageBox::information(this, title, message);
  };
  report_error_ = [this](const QString& title, const QString& message) {
    QMessageBox::warning(this, title, message);
  };
  updateActions();
}

NodesPanel::~NodesPanel() = default;

QAction* NodesPanel::makeAction(const char* name, const QString& text, void (NodesPanel::*slot)()) {
  auto* action = new QAction(text, this);
  action->setObjectName(QString::fromLatin1(name));
  connect(action, &QAction::triggered, this, slot);
  addAction(action);
  return action;
}

NodeConnection* NodesPanel::addNode(const NodeEntry& entry, bool remember) {
  const QString address = entry.address.trimmed();
  if (address.isEmpty()) return nullptr;
  dropConnection(address);  // replaced, still remembered
  if (remember) {
    store_.remember(entry.name, address);
    QPointer<NodesPanel> self(this);
    store_.storeToken(address, entry.token, [self](const graphs::Result<TokenPlace>& stored) {
      // The connection does not wait for this; the user learns why the token will be missing.
      if (self && !stored) {
        self->report_error_(tr("Cannot remember the node's token"), qs(stored.error().message));
      }
    });
  }
  Entry& node = nodes_[address];
  node.name = entry.name.isEmpty() ? address : entry.name;
  node.connection = std::make_unique<NodeConnection>(address, entry.token, timing_);
  node.item = new QTreeWidgetItem(tree_);
  node.item->setText(kName, node.name);
  node.item->setToolTip(kName, address);
  node.item->setData(0, kAddressRole, address);
  node.item->setExpanded(true);
  NodeConnection* connection = node.connection.get();
  connect(connection, &NodeConnection::stateChanged, this, [this, address, connection] {
    refreshNode(address);
    if (connection->state() == NodeConnection::State::Refused) {
      emit statusMessage(
          tr("Node %1 refused the connection: %2").arg(address, connection->stateMessage()));
    }
  });
  connect(connection, &NodeConnection::retrying, this, [this, address, connection](int delay) {
    refreshNode(address);
    emit statusMessage(tr("Lost node %1 (%2); retrying in %3 s")
                           .arg(address, connection->stateMessage(), seconds(delay)));
  });
  connect(connection, &NodeConnection::connected, this,
          [this, address] { emit statusMessage(tr("Connected to node %1").arg(address)); });
  connect(connection, &NodeConnection::jobsChanged, this,
          [this, address] { refreshNode(address); });
  connect(connection, &NodeConnection::savepointTaken, this,
          [this](const QString& job, const QString& path) {
            showMessage(tr("Savepoint of %1: %2").arg(job, path));
          });
  connect(connection, &NodeConnection::stopped, this,
          [this](const QString& job, const QString& path) {
            showMessage(path.isEmpty() ? tr("Stopped %1").arg(job)
                                       : tr("Stopped %1 with savepoint %2").arg(job, path));
          });
  connect(connection, &NodeConnection::cancelled, this,
          [this](const QString& job) { showMessage(tr("Cancelled %1").arg(job)); });
  refreshNode(address);
  connection->open();
  emit nodeAdded(connection);
  return connection;
}

bool NodesPanel::dropConnection(const QString& address) {
  auto it = nodes_.find(address);
  if (it == nodes_.end()) return false;
  delete it->second.item;
  nodes_.erase(it);
  updateActions();
  return true;
}

void NodesPanel::removeNode(const QString& address) {
  store_.remove(address);  // and its token
  if (dropConnection(address)) emit nodeRemoved(address);
}

void NodesPanel::restoreRemembered() {
  QPointer<NodesPanel> self(this);
  for (const RememberedNode& node : store_.nodes()) {
    if (nodes_.count(node.address) != 0) continue;
    store_.loadToken(node.address, [self, node](const graphs::Result<std::string>& token) {
      if (!self || self->nodes_.count(node.address) != 0) return;
      if (!token) {
        // Still shown: the user sees the node and why it cannot log in.
        self->showMessage(tr("Node %1: %2").arg(node.address, qs(token.error().message)));
      }
      self->addNode({node.name, node.address, token ? *token : std::string()},
                    /*remember=*/false);
    });
  }
}

void NodesPanel::monitorWhenListed(NodeConnection* node, const QString& job) {
  auto listed = [node, job] {
    const auto& jobs = node->jobs();
    return std::any_of(jobs.begin(), jobs.end(), [&](const auto& j) { return qs(j.id) == job; });
  };
  if (node->state() == NodeConnection::State::Connected && listed()) {
    selectJob(node->address(), job);
    emit monitorRequested(node, job);
    return;
  }
  // Once: the connection disconnects this helper after the first match.
  auto* once = new QObject(node);
  connect(node, &NodeConnection::jobsChanged, once, [this, node, job, listed, once] {
    if (!listed() || once->property("fired").toBool()) return;
    once->setProperty("fired", true);
    once->deleteLater();
    selectJob(node->address(), job);
    emit monitorRequested(node, job);
  });
}

std::vector<NodeConnection*> NodesPanel::connections() const {
  std::vector<NodeConnection*> out;
  for (const auto& [address, node] : nodes_) out.push_back(node.connection.get());
  return out;
}

NodeConnection* NodesPanel::connection(const QString& address) const {
  auto it = nodes_.find(address);
  return it == nodes_.end() ? nullptr : it->second.connection.get();
}

NodeConnection* NodesPanel::currentConnection() const {
  if (QTreeWidgetItem* item = tree_->currentItem()) {
    return connection(item->data(0, kAddressRole).toString());
  }
  return nodes_.size() == 1 ? nodes_.begin()->second.connection.get() : nullptr;
}

QString NodesPanel::currentJob() const {
  QTreeWidgetItem* item = tree_->currentItem();
  return item ? item->data(0, kJobRole).toString() : QString();
}

bool NodesPanel::selectJob(const QString& address, const QString& job) {
  auto it = nodes_.find(address);
  if (it == nodes_.end()) return false;
  for (int i = 0; i < it->second.item->childCount(); ++i) {
    QTreeWidgetItem* child = it->second.item->child(i);
    if (child->data(0, kJobRole).toString() == job) {
      tree_->setCurrentItem(child);
      return true;
    }
  }
  return false;
}

QString NodesPanel::healthText(const QString& address) const {
  auto it = nodes_.find(address);
  return it == nodes_.end() ? QString() : it->second.item->text(kState);
}

QString NodesPanel::health(const NodeConnection& connection) const {
  switch (connection.state()) {
    case NodeConnection::State::Idle:
      return tr("not connected");
    case NodeConnection::State::Connecting:
      return tr("connecting…");
    case NodeConnection::State::Connected:
      return tr("connected");
    case NodeConnection::State::Lost: {
      QString text = tr("lost: %1").arg(connection.stateMessage());
      if (const int delay = connection.retryDelayMs(); delay > 0) {
        text += tr(" — retrying in %1 s").arg(seconds(delay));
      }
      return text;
    }
    case NodeConnection::State::Refused:
      return tr("refused: %1").arg(connection.stateMessage());
  }
  return {};
}

void NodesPanel::refreshNode(const QString& address) {
  auto it = nodes_.find(address);
  if (it == nodes_.end()) return;
  const NodeConnection& connection = *it->second.connection;
  QTreeWidgetItem* item = it->second.item;
  item->setText(kState, health(connection));
  item->setToolTip(kState, health(connection));
  const bool bad = connection.state() == NodeConnection::State::Lost ||
                   connection.state() == NodeConnection::State::Refused;
  item->setForeground(kState, bad ? QBrush(Qt::red) : palette().brush(QPalette::Text));

  // Job rows, updated in place so the selection survives a poll.
  const auto& jobs = connection.jobs();
  for (int i = item->childCount() - 1; i >= 0; --i) {
    const QString id = item->child(i)->data(0, kJobRole).toString();
    const bool present =
        std::any_of(jobs.begin(), jobs.end(), [&](const auto& j) { return qs(j.id) == id; });
    if (!present) delete item->takeChild(i);
  }
  for (const control::JobSummary& job : jobs) {
    QTreeWidgetItem* row = nullptr;
    for (int i = 0; i < item->childCount() && row == nullptr; ++i) {
      if (item->child(i)->data(0, kJobRole).toString() == qs(job.id)) row = item->child(i);
    }
    if (row == nullptr) {
      row = new QTreeWidgetItem(item);
      row->setData(0, kAddressRole, address);
      row->setData(0, kJobRole, qs(job.id));
    }
    row->setText(kName,
                 job.name.empty() ? qs(job.id) : tr("%1 (%2)").arg(qs(job.id), qs(job.name)));
    row->setText(kState, qs(control::to_string(job.state)));
    const bool trouble =
        job.state == control::JobState::Failed || job.state == control::JobState::Restarting;
    row->setForeground(kState, trouble ? QBrush(Qt::red) : palette().brush(QPalette::Text));
    row->setText(kRestarts, QString::number(job.restarts));
  }
  item->setExpanded(true);
  updateActions();
}

void NodesPanel::updateActions() {
  NodeConnection* node = currentConnection();
  const bool job = !currentJob().isEmpty();
  const bool up = node != nullptr && node->state() == NodeConnection::State::Connected;
  remove_->setEnabled(node != nullptr);
  reconnect_->setEnabled(node != nullptr && node->state() != NodeConnection::State::Connected);
  for (QAction* a : {monitor_, stop_, cancel_, savepoint_}) a->setEnabled(up && job);
}

void NodesPanel::showMessage(const QString& text) {
  message_->setText(text);
  emit statusMessage(text);
}

// --- actions --------------------------------------------------------------------------------

void NodesPanel::addNodeDialog() {
  if (auto entry = ask_node_()) {
    if (NodeConnection* node = addNode(*entry)) {
      tree_->setCurrentItem(nodes_[node->address()].item);
    }
  }
}

void NodesPanel::removeCurrentNode() {
  if (NodeConnection* node = currentConnection()) {
    const QString address = node->address();
    if (confirm_(tr("Remove node"),
                 tr("Forget the node %1 (its jobs keep running)?").arg(address))) {
      removeNode(address);
    }
  }
}

void NodesPanel::reconnectCurrentNode() {
  if (NodeConnection* node = currentConnection()) node->reconnectNow();
}

void NodesPanel::monitorCurrentJob() {
  NodeConnection* node = currentConnection();
  const QString job = currentJob();
  if (node != nullptr && !job.isEmpty()) emit monitorRequested(node, job);
}

void NodesPanel::stopCurrentJob() {
  NodeConnection* node = currentConnection();
  const QString job = currentJob();
  if (node == nullptr || job.isEmpty()) return;
  const auto dir = ask_savepoint_(job);
  if (!dir) return;
  showMessage(tr("Stopping %1 with a savepoint…").arg(job));
  node->stop(job.toStdString(), dir->toStdString(), /*drain=*/false,
             [this, job](const graphs::Result<std::string>& result) {
               if (result) {
                 report_(tr("Job stopped"),
                         tr("%1 stopped with savepoint %2").arg(job, qs(*result)));
               } else {
                 showMessage(qs(result.error().message));
                 report_error_(tr("Cannot stop %1").arg(job), qs(result.error().message));
               }
             });
}

void NodesPanel::cancelCurrentJob() {
  NodeConnection* node = currentConnection();
  const QString job = currentJob();
  if (node == nullptr || job.isEmpty()) return;
  if (!confirm_(tr("Cancel job"),
                tr("Cancel %1 on %2 without a savepoint?").arg(job, node->address()))) {
    return;
  }
  node->cancel(job.toStdString(), [this, job](const graphs::Result<graphs::Ok>& result) {
    if (!result) {
      showMessage(qs(result.error().message));
      report_error_(tr("Cannot cancel %1").arg(job), qs(result.error().message));
    }
  });
}

void NodesPanel::savepointCurrentJob() {
  NodeConnection* node = currentConnection();
  const QString job = currentJob();
  if (node == nullptr || job.isEmpty()) return;
  showMessage(tr("Taking a savepoint of %1…").arg(job));
  node->savepoint(job.toStdString(), [this, job](const graphs::Result<std::string>& result) {
    if (result) {
      report_(tr("Savepoint taken"), tr("Savepoint of %1: %2").arg(job, qs(*result)));
    } else {
      showMessage(qs(result.error().message));
      report_error_(tr("Cannot take a savepoint of %1").arg(job), qs(result.error().message));
    }
  });
}

}  // namespace rivulet::editor

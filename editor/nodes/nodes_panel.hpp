#pragma once
// The Nodes dock: the runtime nodes the editor talks to, each with its health (connecting,
// connected, lost and retrying, refused with the node's message) and its jobs (id, name, state,
// restarts). Per job: Monitor (monitorRequested, which the window wires to monitor mode), Stop
// with savepoint, Cancel, Take savepoint (the path is shown). Nodes are remembered in a NodeStore.
//
// Like MainWindow, every dialog goes through a replaceable hook and every action has an object
// name ("actionAddNode", "actionStopJob", ...), so tests drive the panel as a user would.

#include <QDockWidget>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "editor/nodes/node_connection.hpp"
#include "editor/nodes/node_store.hpp"

class QAction;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace rivulet::editor {

class NodesPanel : public QDockWidget {
  Q_OBJECT
 public:
  struct NodeEntry {
    QString name;
    QString address;
    std::string token;
  };

  explicit NodesPanel(QWidget* parent = nullptr, NodeStore store = NodeStore(),
                      NodeConnection::Timing timing = {});
  ~NodesPanel() override;

  // Connects to a node (replacing one with the same address) and, with `remember`, keeps it in
  // the store for the next start (the token as NodeStore says).
  NodeConnection* addNode(const NodeEntry& entry, bool remember = true);
  // Disconnects and forgets the node and its token.
  void removeNode(const QString& address);
  // Connects to every remembered node.
  void restoreRemembered();
  // Emits monitorRequested for `job` once `node` is connected and lists it (now, if it does):
  // `rivulet-editor --monitor JOB`.
  void monitorWhenListed(NodeConnection* node, const QString& job);

  std::vector<NodeConnection*> connections() const;
  NodeConnection* connection(const QString& address) const;
  // The node of the selected row (a node or one of its jobs), else the only node, else null.
  NodeConnection* currentConnection() const;
  QString currentJob() const;  // the selected job's id, "" when a node row is selected
  bool selectJob(const QString& address, const QString& job);
  // The health column of a node's row, as shown.
  QString healthText(const QString& address) const;
  QTreeWidget* tree() const { return tree_; }
  QLabel* messageLabel() const { return message_; }
  NodeStore& store() { return store_; }

  // Dialog hooks; defaults show Qt dialogs. A prompt returns nullopt when the user cancels.
  using NodePrompt = std::function<std::optional<NodeEntry>()>;
  // The savepoint directory for "Stop with savepoint" ("" = the node's data dir).
  using SavepointPrompt = std::function<std::optional<QString>(const QString& job)>;
  using Confirmation = std::function<bool(const QString& title, const QString& question)>;
  using Reporter = std::function<void(const QString& title, const QString& message)>;
  void setNodePrompt(NodePrompt prompt) { ask_node_ = std::move(prompt); }
  void setSavepointPrompt(SavepointPrompt prompt) { ask_savepoint_ = std::move(prompt); }
  void setConfirmation(Confirmation confirm) { confirm_ = std::move(confirm); }
  // Results a user must see (a savepoint path) and failures (a refused stop).
  void setReporter(Reporter reporter) { report_ = std::move(reporter); }
  void setErrorReporter(Reporter reporter) { report_error_ = std::move(reporter); }

 signals:
  void monitorRequested(rivulet::editor::NodeConnection* node, const QString& job);
  // One line for the window's status bar (a lost connection, a savepoint written).
  void statusMessage(const QString& text);
  void nodeAdded(rivulet::editor::NodeConnection* node);
  void nodeRemoved(const QString& address);

 private:
  struct Entry {
    QString name;
    std::unique_ptr<NodeConnection> connection;
    QTreeWidgetItem* item = nullptr;
  };

  QAction* makeAction(const char* name, const QString& text, void (NodesPanel::*slot)());
  bool dropConnection(const QString& address);  // the connection and its row, not the store
  void addNodeDialog();
  void removeCurrentNode();
  void reconnectCurrentNode();
  void monitorCurrentJob();
  void stopCurrentJob();
  void cancelCurrentJob();
  void savepointCurrentJob();
  void refreshNode(const QString& address);
  void updateActions();
  void showMessage(const QString& text);
  QString health(const NodeConnection& connection) const;

  NodeStore store_;
  NodeConnection::Timing timing_;
  std::map<QString, Entry> nodes_;
  QTreeWidget* tree_ = nullptr;
  QLabel* message_ = nullptr;
  NodePrompt ask_node_;
  SavepointPrompt ask_savepoint_;
  Confirmation confirm_;
  Reporter report_;
  Reporter report_error_;

  QAction* add_ = nullptr;
  QAction* remove_ = nullptr;
  QAction* reconnect_ = nullptr;
  QAction* monitor_ = nullptr;
  QAction* stop_ = nullptr;
  QAction* cancel_ = nullptr;
  QAction* savepoint_ = nullptr;
};

}  // namespace rivulet::editor

#pragma once
// The window's Node menu: "Deploy to node…", "Redeploy to node…" and "Use node's catalog".
//
// Deploy validates the open graph with graphs::validate against the current catalog first: with
// errors, the Problems panel shows them and nothing is sent. Problems the node answers
// (DeployOutcome::problems) go to the Problems panel too, prefixed with the node's address.
// Redeploy fetches the job's deployed graphs (status), shows the diff by node id against the
// deployed graph of the same name (graphs/graph_diff.hpp), and on "Redeploy" stops the job with
// a savepoint and deploys the job's graphs, the edited one in place of its old version, from that
// savepoint (allow_non_restored_state when the user accepted dropping state), in one action.

#include <QObject>
#include <functional>
#include <optional>
#include <vector>

#include "editor/nodes/redeploy_dialog.hpp"
#include "graphs/control_types.hpp"
#include "graphs/graph_diff.hpp"

class QAction;
class QMenu;

namespace rivulet::editor {

class MainWindow;
class NodeConnection;
class NodesPanel;

class DeployController : public QObject {
  Q_OBJECT
 public:
  DeployController(MainWindow& window, NodesPanel& nodes);

  // Adds the actions ("actionDeployToNode", "actionRedeployToNode", "actionUseNodeCatalog").
  void populateMenu(QMenu& menu);

  // The steps behind the actions; each returns false when it did not start (and says why).
  bool deploy();
  bool redeploy();
  bool useNodeCatalog();

  // Hooks, so tests answer what a user would. The node chooser gets the connected nodes and
  // returns one (or null: cancelled); the job chooser gets the node, returns a job id or nullopt.
  using NodeChooser = std::function<NodeConnection*(const std::vector<NodeConnection*>& nodes)>;
  using JobChooser = std::function<std::optional<QString>(NodeConnection& node)>;
  using DiffPresenter = std::function<std::optional<RedeployChoice>(const graphs::GraphDiff& diff,
                                                                    const QString& job)>;
  using ErrorReporter = std::function<void(const QString& title, const QString& message)>;
  void setNodeChooser(NodeChooser chooser) { choose_node_ = std::move(chooser); }
  void setJobChooser(JobChooser chooser) { choose_job_ = std::move(chooser); }
  void setDiffPresenter(DiffPresenter presenter) { present_diff_ = std::move(presenter); }
  void setErrorReporter(ErrorReporter reporter) { report_error_ = std::move(reporter); }

  QAction* deployAction() const { return deploy_; }
  QAction* redeployAction() const { return redeploy_; }
  QAction* useCatalogAction() const { return use_catalog_; }

 signals:
  void deployed(rivulet::editor::NodeConnection* node, const QString& job);
  // Not deployed: the problems (local or the node's) are in the Problems panel.
  void deployRefused(const QString& reason);
  void redeployed(rivulet::editor::NodeConnection* node, const QString& old_job,
                  const QString& new_job, const QString& savepoint);
  void catalogApplied(const QString& address, int operators);

 private:
  NodeConnection* chooseNode();
  bool validateLocally(const QString& what);
  void showNodeProblems(const NodeConnection& node, const std::vector<graphs::Problem>& problems);
  void continueRedeploy(NodeConnection* node, const QString& job,
                        const graphs::control::JobDetail& detail);
  void status(const QString& text);

  MainWindow& window_;
  NodesPanel& nodes_;
  NodeChooser choose_node_;
  JobChooser choose_job_;
  DiffPresenter present_diff_;
  ErrorReporter report_error_;
  QAction* deploy_ = nullptr;
  QAction* redeploy_ = nullptr;
  QAction* use_catalog_ = nullptr;
};

// Which of a job's deployed graphs an edited graph replaces: the one with its name, else the one
// sharing the most node ids; -1 when none shares anything.
int matchDeployedGraph(const std::vector<graphs::Graph>& deployed, const graphs::Graph& edited);

}  // namespace rivulet::editor

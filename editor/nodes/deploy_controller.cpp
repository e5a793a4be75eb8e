#include "editor/nodes/deploy_controller.hpp"

#include <QAction>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QStatusBar>

#include "editor/graph_document.hpp"
#include "editor/main_window.hpp"
#include "editor/nodes/node_connection.hpp"
#include "editor/nodes/nodes_panel.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "graphs/validator.hpp"

namespace rivulet::editor {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

bool ended(graphs::control::JobState state) {
  using S = graphs::control::JobState;
  return state == S::Finished || state == S::Failed || state == S::Cancelled;
}

}  // namespace

int matchDeployedGraph(const std::vector<graphs::Graph>& deployed, const graphs::Graph& edited) {
  for (std::size_t i = 0; i < deployed.size(); ++i) {
    if (!edited.name.empty() && deployed[i].name == edited.name) return static_cast<int>(i);
  }
  int best = -1;
  std::size_t best_shared = 0;
  for (std::size_t i = 0; i < deployed.size(); ++i) {
    std::size_t shared = 0;
    for (const auto& n : edited.nodes) shared += deployed[i].node(n.id) != nullptr;
    if (shared > best_shared) {
      best_shared = shared;
      best = static_cast<int>(i);
    }
  }
  return best;
}

DeployController::DeployController(MainWindow& window, NodesPanel& nodes)
    : QObject(&window), window_(window), nodes_(nodes) {
  auto make = [this](const char* name, const QString& text, bool (DeployController::*slot)()) {
    auto* action = new QAction(text, &window_);
    action->setObjectName(QString::fromLatin1(name));
    connect(action, &QAction::triggered, this, [this, slot] { (this->*slot)(); });
    window_.addAction(action);
    return action;
  };
  deploy_ = make("actionDeployToNode", tr("&Deploy to Node…"), &DeployController::deploy);
  redeploy_ = make("actionRedeployToNode", tr("&Redeploy to Node…"), &DeployController::redeploy);
  use_catalog_ =
      make("actionUseNodeCatalog", tr("Use Node's &Catalog"), &DeployController::useNodeCatalog);

  choose_node_ = [this](const std::vector<NodeConnection*>& connected) -> NodeConnection* {
    if (NodeConnection* current = nodes_.currentConnection();
        current != nullptr && current->state() == NodeConnection::State::Connected) {
      return current;
    }
    if (connected.size() == 1) return connected.front();
    QStringList addresses;
    for (NodeConnection* c : connected) addresses << c->address();
    bool ok = false;
    const QString pick =
        QInputDialog::getItem(&window_, tr("Choose a node"), tr("Node:"), addresses, 0, false, &ok);
    if (!ok) return nullptr;
    for (NodeConnection* c : connected) {
      if (c->address() == pick) return c;
    }
    return nullptr;
  };
  choose_job_ = [this](NodeConnection& node) -> std::optional<QString> {
    if (nodes_.currentConnection() == &node && !nodes_.currentJob().isEmpty()) {
      return nodes_.currentJob();
    }
    QStringList jobs;
    for (const auto& j : node.jobs()) {
      if (!ended(j.state)) jobs << qs(j.id);
    }
    if (jobs.isEmpty()) return std::nullopt;
    if (jobs.size() == 1) return jobs.front();
    bool ok = false;
    const QString pick =
        QInputDialog::getItem(&window_, tr("Redeploy"), tr("Job to replace:"), jobs, 0, false, &ok);
    if (!ok) return std::nullopt;
    return pick;
  };
  present_diff_ = [this](const graphs::GraphDiff& diff, const QString& job) {
    return askToRedeploy(diff, job, &window_);
  };
  report_error_ = [this](const QString& title, const QString& message) {
    QMessageBox::warning(&window_, title, message);
  };
}

void DeployController::populateMenu(QMenu& menu) {
  menu.addAction(deploy_);
  menu.addAction(redeploy_);
  menu.addSeparator();
  menu.addAction(use_catalog_);
}

void DeployController::status(const QString& text) {
  window_.statusBar()->showMessage(text, 10000);
}

NodeConnection* DeployController::chooseNode() {
  std::vector<NodeConnection*> connected;
  for (NodeConnection* c : nodes_.connections()) {
    if (c->state() == NodeConnection::State::Connected) connected.push_back(c);
  }
  if (connected.empty()) {
    report_error_(tr("No node"), nodes_.connections().empty()
                                     ? tr("Add a runtime node in the Nodes panel first.")
                                     : tr("No node is connected (see the Nodes panel)."));
    return nullptr;
  }
  return choose_node_(connected);
}

bool DeployController::validateLocally(const QString& what) {
  // The same validator and catalog as the live badges; the Problems panel shows the result.
  window_.validation().validateNow();
  const graphs::ValidationReport& report = window_.validation().report();
  if (report.ok()) return true;
  window_.problems().show();
  window_.problems().raise();
  const QString reason = tr("Not %1: the graph has %n error(s) (see Problems); nothing was sent.",
                            nullptr, static_cast<int>(report.error_count()))
                             .arg(what);
  status(reason);
  emit deployRefused(reason);
  return false;
}

void DeployController::showNodeProblems(const NodeConnection& node,
                                        const std::vector<graphs::Problem>& problems) {
  graphs::ValidationReport report;
  for (graphs::Problem p : problems) {
    p.message = tr("node %1: %2").arg(node.address(), qs(p.message)).toStdString();
    report.problems.push_back(std::move(p));
  }
  window_.problems().setReport(report);
  window_.problems().show();
  window_.problems().raise();
}

bool DeployController::deploy() {
  if (!validateLocally(tr("deployed"))) return false;
  NodeConnection* node = chooseNode();
  if (node == nullptr) return false;
  graphs::control::DeployRequest request;
  request.graphs.push_back(window_.document().graph());
  request.options.name = window_.document().graph().name;
  if (request.options.name.empty() && !window_.document().filePath().isEmpty()) {
    request.options.name =
        QFileInfo(window_.document().filePath()).completeBaseName().toStdString();
  }
  status(tr("Deploying to %1…").arg(node->address()));
  QPointer<NodeConnection> target(node);
  node->deploy(std::move(request), [this, target](const auto& result) {
    if (!target) return;
    if (!result) {
      status(qs(result.error().message));
      report_error_(tr("Deploy failed"), qs(result.error().message));
      emit deployRefused(qs(result.error().message));
      return;
    }
    if (!result->job) {
      showNodeProblems(*target, result->problems);
      const QString reason = tr("Node %1 refused the graph (%n problem(s), see Problems)", nullptr,
                                static_cast<int>(result->problems.size()))
                                 .arg(target->address());
      status(reason);
      emit deployRefused(reason);
      return;
    }
    if (!result->problems.empty()) showNodeProblems(*target, result->problems);  // warnings
    const QString job = qs(*result->job);
    status(tr("Deployed to %1 as %2").arg(target->address(), job));
    nodes_.selectJob(target->address(), job);
    emit deployed(target, job);
  });
  return true;
}

bool DeployController::redeploy() {
  if (!validateLocally(tr("redeployed"))) return false;
  NodeConnection* node = chooseNode();
  if (node == nullptr) return false;
  const std::optional<QString> job = choose_job_(*node);
  if (!job) {
    report_error_(tr("Redeploy"), tr("No running job on %1 to redeploy.").arg(node->address()));
    return false;
  }
  QPointer<NodeConnection> target(node);
  const QString job_id = *job;
  status(tr("Fetching %1 from %2…").arg(job_id, node->address()));
  node->status(job_id.toStdString(), [this, target, job_id](const auto& result) {
    if (!target) return;
    if (!result) {
      report_error_(tr("Cannot redeploy %1").arg(job_id), qs(result.error().message));
      return;
    }
    continueRedeploy(target, job_id, *result);
  });
  return true;
}

void DeployController::continueRedeploy(NodeConnection* node, const QString& job,
                                        const graphs::control::JobDetail& detail) {
  const graphs::Graph& edited = window_.document().graph();
  const int index = matchDeployedGraph(detail.graphs, edited);
  if (index < 0) {
    report_error_(tr("Cannot redeploy %1").arg(job),
                  tr("None of the job's graphs matches the open graph '%1' (by name or node "
                     "ids).")
                      .arg(qs(edited.name)));
    return;
  }
  const graphs::GraphDiff diff = graphs::diff_graphs(detail.graphs[static_cast<std::size_t>(index)],
                                                     edited, window_.document().catalog());
  const std::optional<RedeployChoice> choice = present_diff_(diff, job);
  if (!choice) {
    status(tr("Redeploy of %1 cancelled").arg(job));
    return;
  }
  if (diff.drops_state() && !choice->allow_non_restored_state) {
    report_error_(tr("Cannot redeploy %1").arg(job),
                  tr("The edited graph drops state; accept dropping it to redeploy."));
    return;
  }
  graphs::control::DeployRequest request;
  request.graphs = detail.graphs;
  request.graphs[static_cast<std::size_t>(index)] = edited;
  request.options = detail.options;
  // The deployed graphs already carry the overrides; the edited one is what the user wants.
  request.options.overrides.clear();
  request.options.allow_non_restored_state = choice->allow_non_restored_state;

  status(tr("Stopping %1 with a savepoint…").arg(job));
  QPointer<NodeConnection> target(node);
  node->stop(job.toStdString(), "", /*drain=*/false,
             [this, target, job, request](const auto& stopped) mutable {
               if (!target) return;
               if (!stopped) {
                 report_error_(tr("Cannot redeploy %1").arg(job),
                               tr("The stop with a savepoint failed, the job was not replaced: %1")
                                   .arg(qs(stopped.error().message)));
                 return;
               }
               const QString savepoint = qs(*stopped);
               request.options.from_savepoint = *stopped;
               status(tr("Deploying from savepoint %1…").arg(savepoint));
               target->deploy(request, [this, target, job, savepoint](const auto& result) {
                 if (!target) return;
                 if (!result || !result->job) {
                   if (result) showNodeProblems(*target, result->problems);
                   const QString why = result
                                           ? tr("the node refused the edited graph (see Problems)")
                                           : qs(result.error().message);
                   report_error_(tr("Redeploy of %1 failed").arg(job),
                                 tr("%1 was stopped with savepoint %2, but %3. Fix the graph and "
                                    "deploy it from that savepoint.")
                                     .arg(job, savepoint, why));
                   return;
                 }
                 const QString new_job = qs(*result->job);
                 status(tr("Redeployed %1 as %2 from savepoint %3").arg(job, new_job, savepoint));
                 nodes_.selectJob(target->address(), new_job);
                 emit redeployed(target, job, new_job, savepoint);
               });
             });
}

bool DeployController::useNodeCatalog() {
  NodeConnection* node = chooseNode();
  if (node == nullptr) return false;
  QPointer<NodeConnection> target(node);
  status(tr("Fetching the catalog of %1…").arg(node->address()));
  node->catalog([this, target](const auto& result) {
    if (!target) return;
    if (!result) {
      report_error_(tr("Cannot use the node's catalog"), qs(result.error().message));
      return;
    }
    const int count = static_cast<int>(result->operators.size());
    window_.setCatalog(*result);
    window_.setCatalogStatus(
        tr("Catalog: node %1 (%2 operators)").arg(target->address()).arg(count));
    emit catalogApplied(target->address(), count);
  });
  return true;
}

}  // namespace rivulet::editor

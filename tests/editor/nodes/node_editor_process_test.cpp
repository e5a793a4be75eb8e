// The editor against a real `rivulet node` process over loopback: add the node in the Nodes panel,
// take its catalog, deploy the fraud example through the Node menu, see the jobs and their
// metrics, take a savepoint, redeploy an edited graph from a savepoint with the diff, cancel,
// and see a killed node shown as lost and retried; an open edge preview survives the node's
// restart; an exactly-once pipeline edited in the inspector and redeployed from its savepoint
// publishes every input record once, read back by an independent read_committed consumer.
// Timeouts only keep a broken test from hanging.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidget>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <string>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/inspector.hpp"
#include "editor/live_monitor.hpp"
#include "editor/main_window.hpp"
#include "editor/monitor/monitor_controller.hpp"
#include "editor/monitor/preview_dialog.hpp"
#include "editor/node_item.hpp"
#include "editor/nodes/deploy_controller.hpp"
#include "editor/nodes/node_connection.hpp"
#include "editor/nodes/nodes_panel.hpp"
#include "editor/nodes/redeploy_dialog.hpp"
#include "editor/palette.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "graphs/graph_io.hpp"
#include "tests/editor/editor_test_support.hpp"
#include "tests/runtime/checkpoint/temp_directory.hpp"
#include "tests/runtime/child_process.hpp"
#include "tests/runtime/free_port.hpp"
#include "tests/runtime/kafka_client.hpp"

namespace rivulet::editor {
namespace {

using runtime::processtest::ChildProcess;
namespace control = graphs::control;

const QString kExamples = QStringLiteral(RIVULET_SOURCE_DIR "/examples/fraud-detection/");
constexpr int kLong = 60000;  // ms; only against hangs

int free_port() { return ::rivulet::test::free_loopback_port(); }

const control::TaskSample* task(const control::JobMetrics& m, const std::string& node_id) {
  for (const auto& t : m.tasks) {
    if (t.node_id == node_id) return &t;
  }
  return nullptr;
}

class NodeEditorProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    startNode();
    window_ = std::make_unique<test::Window>();
    MainWindow& w = **window_;
    w.deployer().setErrorReporter([this](const QString& title, const QString& message) {
      errors_ << title + QStringLiteral(": ") + message;
    });
    w.nodes().setReporter([this](const QString&, const QString& message) { reports_ << message; });
    w.nodes().setErrorReporter([this](const QString& title, const QString& message) {
      errors_ << title + QStringLiteral(": ") + message;
    });
    w.nodes().setConfirmation([](const QString&, const QString&) { return true; });
    w.nodes().setSavepointPrompt([](const QString&) { return QString(); });
    w.deployer().setDiffPresenter([](const graphs::GraphDiff&, const QString&) {
      return std::optional<RedeployChoice>(RedeployChoice{});
    });
  }

  void TearDown() override {
    window_.reset();  // connections first, then the node process (ChildProcess kills it)
    node_.reset();
  }

  MainWindow& window() { return **window_; }

  // The node process on address_ and the data dir (again after a kill: it resumes its jobs).
  void startNode() {
    node_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{RIVULET_CLI, "node", "--data-dir", (dir_.path() / "data").string(),
                                 "--listen", address_.toStdString()});
  }

  bool useNodeCatalog() {
    QSignalSpy applied(&window().deployer(), &DeployController::catalogApplied);
    test::action(window(), "actionUseNodeCatalog")->trigger();
    return test::waitFor([&] { return applied.count() == 1; }, kLong);
  }

  int edgeIndex(const std::string& from, const std::string& to) {
    const auto& edges = window().document().graph().edges;
    for (int i = 0; i < static_cast<int>(edges.size()); ++i) {
      if (edges[i].from.node == from && edges[i].to.node == to) return i;
    }
    return -1;
  }

  // Adds the node through the panel's own action and waits until it is connected (the node may
  // still be starting: the connection retries).
  NodeConnection* addNodeThroughPanel() {
    window().nodes().setNodePrompt([this] {
      return std::optional<NodesPanel::NodeEntry>(
          NodesPanel::NodeEntry{QStringLiteral("local"), address_, {}});
    });
    test::action(window(), "actionAddNode")->trigger();
    NodeConnection* node = window().nodes().connection(address_);
    EXPECT_NE(node, nullptr);
    if (node == nullptr) return nullptr;
    EXPECT_TRUE(
        test::waitFor([&] { return node->state() == NodeConnection::State::Connected; }, kLong))
        << node->stateMessage().toStdString();
    return node;
  }

  QTreeWidgetItem* jobRow(const QString& job) {
    QTreeWidget* tree = window().nodes().tree();
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
      QTreeWidgetItem* node = tree->topLevelItem(i);
      for (int j = 0; j < node->childCount(); ++j) {
        if (node->child(j)->text(0).startsWith(job + QLatin1Char(' ')) ||
            node->child(j)->text(0) == job) {
          return node->child(j);
        }
      }
    }
    return nullptr;
  }

  bool jobShows(const QString& job, const QString& state) {
    return test::waitFor(
        [&] {
          QTreeWidgetItem* row = jobRow(job);
          return row != nullptr && row->text(1) == state;
        },
        kLong);
  }

  // Deploys the open graph with the Node menu's action; the new job id, or "" when refused.
  QString deployOpenGraph() {
    QSignalSpy deployed(&window().deployer(), &DeployController::deployed);
    QSignalSpy refused(&window().deployer(), &DeployController::deployRefused);
    test::action(window(), "actionDeployToNode")->trigger();
    test::waitFor([&] { return deployed.count() + refused.count() > 0; }, kLong);
    if (deployed.count() != 1) return {};
    return deployed.at(0).at(1).toString();
  }

  ::rivulet::test::TempDirectory dir_;
  QString address_ = QStringLiteral("127.0.0.1:%1").arg(free_port());
  std::unique_ptr<ChildProcess> node_;
  std::unique_ptr<test::Window> window_;
  QStringList errors_;
  QStringList reports_;
};

TEST_F(NodeEditorProcessTest, ProblemsFoundLocallyOrByTheNodeAreShownAndNothingRuns) {
  NodeConnection* node = addNodeThroughPanel();
  ASSERT_NE(node, nullptr);

  // Valid for the editor's (test) catalog, unknown to the node: the node's problems are shown
  // in the Problems panel, naming the node (address), the graph node and the field.
  graphs::Graph foreign;
  foreign.name = "foreign";
  graphs::Node source;
  source.id = "src";
  source.kind = "events_source";
  source.set_parameter("schema", graphs::Schema{{"amount", graphs::FieldType::Int64, false}});
  graphs::Node sink;
  sink.id = "out";
  sink.kind = "print_sink";
  foreign.nodes = {source, sink};
  foreign.edges = {graphs::Edge{{"src", "out"}, {"out", "in"}, {}}};
  window().document().reset(foreign);
  ASSERT_TRUE(deployOpenGraph().isEmpty());
  QTreeWidget* problems = window().problems().list();
  bool from_node = false;
  for (int i = 0; i < problems->topLevelItemCount(); ++i) {
    const QTreeWidgetItem* row = problems->topLevelItem(i);
    from_node = from_node || (row->text(0).startsWith(QStringLiteral("node %1: ").arg(address_)) &&
                              row->text(1) == QStringLiteral("src") && !row->text(2).isEmpty());
  }
  EXPECT_TRUE(from_node) << "the node's problems name the node, the graph node and the field";
  ASSERT_TRUE(window().deployer().useNodeCatalog());
  ASSERT_TRUE(
      test::waitFor([&] { return window().document().catalog().find("kafka_source"); }, kLong));

  // A Kafka source without its topics: the validator's error, named by node and field.
  window().scene().addOperator("kafka_source", QPointF(0, 0));
  QSignalSpy refused(&window().deployer(), &DeployController::deployRefused);
  QSignalSpy sent(node, &NodeConnection::deployed);
  test::action(window(), "actionDeployToNode")->trigger();
  ASSERT_EQ(refused.count(), 1);  // synchronously: nothing went to the node
  EXPECT_TRUE(refused.at(0).at(0).toString().contains(QStringLiteral("nothing was sent")));
  bool named = false;
  for (int i = 0; i < problems->topLevelItemCount(); ++i) {
    named = named || (problems->topLevelItem(i)->text(1) == QStringLiteral("kafka_source_1") &&
                      !problems->topLevelItem(i)->text(2).isEmpty());
  }
  EXPECT_TRUE(named) << "the Problems panel names the node and the field";

  // The node confirms: no job.
  QSignalSpy listed(node, &NodeConnection::jobsChanged);
  node->refreshJobs();
  ASSERT_TRUE(test::waitFor([&] { return listed.count() > 0; }, kLong));
  EXPECT_TRUE(node->jobs().empty());
  EXPECT_EQ(sent.count(), 0);
}

TEST_F(NodeEditorProcessTest, DeployMonitorSavepointRedeployCancelAndLoseTheNode) {
  NodeConnection* node = addNodeThroughPanel();
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(window().nodes().healthText(address_), QStringLiteral("connected"));

  // The node's catalog replaces the test catalog: its operators appear in the palette.
  QSignalSpy applied(&window().deployer(), &DeployController::catalogApplied);
  test::action(window(), "actionUseNodeCatalog")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return applied.count() == 1; }, kLong))
      << errors_.join("\n").toStdString();
  EXPECT_GT(window().palette().visibleOperatorCount(), 10);

  // The fraud example as two jobs, deployed from the editor: the generator, then the pipeline.
  ASSERT_TRUE(window().openFile(kExamples + QStringLiteral("generator.json")));
  const QString generator = deployOpenGraph();
  ASSERT_FALSE(generator.isEmpty()) << errors_.join("\n").toStdString();
  ASSERT_TRUE(window().openFile(kExamples + QStringLiteral("fraud-detection.json")));
  const QString fraud = deployOpenGraph();
  ASSERT_FALSE(fraud.isEmpty()) << errors_.join("\n").toStdString();
  EXPECT_TRUE(jobShows(generator, QStringLiteral("running")));
  EXPECT_TRUE(jobShows(fraud, QStringLiteral("running")));

  // Monitor: the panel's action asks for monitor mode on the selected job.
  QSignalSpy monitor(&window().nodes(), &NodesPanel::monitorRequested);
  ASSERT_TRUE(window().nodes().selectJob(address_, fraud));
  test::action(window(), "actionMonitorJob")->trigger();
  ASSERT_EQ(monitor.count(), 1);
  EXPECT_EQ(monitor.at(0).at(1).toString(), fraud);
  // Monitor mode follows (tested below); this test drives the connection's streams itself, so
  // it leaves monitor mode first.
  EXPECT_TRUE(window().liveMonitor().active());
  EXPECT_EQ(window().liveMonitor().job(), fraud);
  window().liveMonitor().stop();

  // Metrics pushed: the pipeline's Kafka source reads what the generator writes.
  std::uint64_t read = 0;
  QObject receiver;
  QObject::connect(node, &NodeConnection::metricsArrived, &receiver,
                   [&](const control::JobMetrics& m) {
                     if (m.job != fraud.toStdString()) return;
                     if (const auto* source = task(m, "transactions")) read = source->records_out;
                   });
  node->subscribe(fraud.toStdString(), 250);
  EXPECT_TRUE(test::waitFor([&] { return read > 0; }, kLong)) << "no records out of the source";

  // Events: the job's history from the start (Started first).
  std::vector<control::JobEvent> events;
  QObject::connect(node, &NodeConnection::eventsArrived, &receiver,
                   [&](const std::vector<control::JobEvent>& batch) {
                     events.insert(events.end(), batch.begin(), batch.end());
                   });
  node->watchEvents(fraud.toStdString());
  ASSERT_TRUE(test::waitFor([&] { return !events.empty(); }, kLong));
  EXPECT_EQ(events.front().kind, control::JobEventKind::Started);

  // A preview of the first edge: rows with one value per field of the edge's schema; the tap
  // ends when the object goes.
  {
    std::unique_ptr<PreviewTap> tap =
        node->preview(fraud.toStdString(), {"transactions", "out", "by_card", "in"}, 50);
    std::vector<control::PreviewRecords> samples;
    QString ended;
    QObject::connect(tap.get(), &PreviewTap::recordsArrived, &receiver,
                     [&](const control::PreviewRecords& r) {
                       if (!r.rows.empty()) samples.push_back(r);
                     });
    QObject::connect(tap.get(), &PreviewTap::ended, &receiver,
                     [&](const QString& why) { ended = why; });
    ASSERT_TRUE(test::waitFor([&] { return !samples.empty() || !ended.isEmpty(); }, kLong));
    ASSERT_FALSE(samples.empty()) << ended.toStdString();
    ASSERT_EQ(samples[0].schema.size(), 5u);
    EXPECT_EQ(samples[0].schema[0].name, "card_id");
    EXPECT_EQ(samples[0].rows[0].size(), 5u);
  }

  // Take a savepoint of the running job: the node's answer is shown in the panel, a path or
  // its refusal (this node version answers savepoint() of a running job with an error).
  test::action(window(), "actionSavepointJob")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return !reports_.isEmpty() || !errors_.isEmpty(); }, kLong));
  const QString answer = window().nodes().messageLabel()->text();
  if (!reports_.isEmpty()) {
    EXPECT_TRUE(answer.startsWith(QStringLiteral("Savepoint of %1: ").arg(fraud)))
        << answer.toStdString();
    EXPECT_TRUE(
        std::filesystem::is_directory(answer.section(QStringLiteral(": "), 1).toStdString()));
  } else {
    EXPECT_EQ(answer, errors_.front().section(QStringLiteral(": "), 1)) << answer.toStdString();
    EXPECT_TRUE(answer.contains(address_)) << "the error names the node";
    errors_.clear();
  }

  // Edit the pipeline and redeploy it: the diff names the change, the job is replaced from a
  // savepoint in one action.
  window().document().setParameter("suspicious", "predicate",
                                   graphs::Value(graphs::Expression{"tx_count >= 6"}));
  graphs::GraphDiff shown_diff;
  window().deployer().setDiffPresenter([&](const graphs::GraphDiff& diff, const QString&) {
    shown_diff = diff;
    return std::optional<RedeployChoice>(RedeployChoice{});
  });
  QSignalSpy redeployed(&window().deployer(), &DeployController::redeployed);
  ASSERT_TRUE(window().nodes().selectJob(address_, fraud));
  test::action(window(), "actionRedeployToNode")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return redeployed.count() == 1; }, 2 * kLong))
      << errors_.join("\n").toStdString();
  ASSERT_EQ(shown_diff.changed.size(), 1u);
  EXPECT_EQ(shown_diff.changed[0].id, "suspicious");
  ASSERT_EQ(shown_diff.changed[0].parameters.size(), 1u);
  EXPECT_EQ(shown_diff.changed[0].parameters[0].new_value, "tx_count >= 6");
  EXPECT_FALSE(shown_diff.drops_state());
  const QString replacement = redeployed.at(0).at(2).toString();
  const QString savepoint = redeployed.at(0).at(3).toString();  // the one it started from
  EXPECT_TRUE(std::filesystem::is_directory(savepoint.toStdString())) << savepoint.toStdString();
  EXPECT_EQ(window().nodes().messageLabel()->text(),
            QStringLiteral("Stopped %1 with savepoint %2").arg(fraud, savepoint));
  EXPECT_TRUE(jobShows(replacement, QStringLiteral("running")));
  EXPECT_TRUE(test::waitFor(
      [&] {
        QTreeWidgetItem* row = jobRow(fraud);
        return row != nullptr && row->text(1) != QStringLiteral("running") &&
               row->text(1) != QStringLiteral("stopping");
      },
      kLong));

  // A second edit drops a stateful operator (a Kafka sink): the real dialog refuses until the
  // user accepts dropping its state, and the node accepts the start with
  // allow_non_restored_state.
  window().scene().selectOnly("late_transactions");
  test::action(window(), "actionDelete")->trigger();
  ASSERT_EQ(window().document().graph().node("late_transactions"), nullptr);
  bool refused_before_accepting = false;
  QString dialog_text;
  window().deployer().setDiffPresenter([&](const graphs::GraphDiff& diff, const QString& job) {
    RedeployDialog dialog(diff, job, &window());
    refused_before_accepting = !dialog.canRedeploy();
    dialog.dropStateBox()->click();
    for (int i = 0; i < dialog.tree()->topLevelItemCount(); ++i) {
      const QTreeWidgetItem* section = dialog.tree()->topLevelItem(i);
      for (int j = 0; j < section->childCount(); ++j) {
        dialog_text += section->child(j)->text(0) + QStringLiteral(" | ") +
                       section->child(j)->text(1) + QLatin1Char('\n');
      }
    }
    return dialog.canRedeploy() ? std::optional<RedeployChoice>(dialog.choice()) : std::nullopt;
  });
  ASSERT_TRUE(window().nodes().selectJob(address_, replacement));
  test::action(window(), "actionRedeployToNode")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return redeployed.count() == 2; }, 2 * kLong))
      << errors_.join("\n").toStdString();
  EXPECT_TRUE(refused_before_accepting);
  EXPECT_TRUE(dialog_text.contains(QStringLiteral("late_transactions | dropped: removed")))
      << dialog_text.toStdString();
  const QString third = redeployed.at(1).at(2).toString();
  EXPECT_TRUE(jobShows(third, QStringLiteral("running")));

  // Stop the generator with a savepoint from the panel: the path is reported and shown.
  ASSERT_TRUE(window().nodes().selectJob(address_, generator));
  reports_.clear();
  test::action(window(), "actionStopJob")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return !reports_.isEmpty(); }, kLong))
      << errors_.join("\n").toStdString();
  const QString stopped = window().nodes().messageLabel()->text();
  const QString prefix = QStringLiteral("Stopped %1 with savepoint ").arg(generator);
  ASSERT_TRUE(stopped.startsWith(prefix)) << stopped.toStdString();
  EXPECT_TRUE(std::filesystem::is_directory(stopped.mid(prefix.size()).toStdString()));

  // Cancel the latest pipeline job from the panel.
  ASSERT_TRUE(window().nodes().selectJob(address_, third));
  test::action(window(), "actionCancelJob")->trigger();
  EXPECT_TRUE(jobShows(third, QStringLiteral("cancelled")));

  // Kill the node: the panel shows the loss and the retry with its backoff.
  QSignalSpy retrying(node, &NodeConnection::retrying);
  node_->signal(SIGKILL);
  node_->wait(std::chrono::seconds(20));
  ASSERT_TRUE(test::waitFor([&] { return retrying.count() >= 2; }, kLong));
  const QString health = window().nodes().healthText(address_);
  EXPECT_TRUE(health.startsWith(QStringLiteral("lost: "))) << health.toStdString();
  EXPECT_TRUE(health.contains(QStringLiteral("retrying in"))) << health.toStdString();
  EXPECT_GT(retrying.at(1).at(0).toInt(), retrying.at(0).at(0).toInt());  // backing off
  const QString bar = window().statusBar()->currentMessage();
  EXPECT_TRUE(bar.startsWith(QStringLiteral("Lost node %1").arg(address_))) << bar.toStdString();
  EXPECT_TRUE(errors_.isEmpty()) << errors_.join("\n").toStdString();
}

// Deploy from the Node menu puts the canvas into monitor mode on the new job, fed by the node's
// metrics push: the operators upstream of the one-minute window show live rates on their boxes
// and the edges between them carry their own live view; an edge preview opened from the
// canvas fills with rows of the edge's schema; leaving restores the authoring look; a lost node
// greys the overlay.
TEST_F(NodeEditorProcessTest, DeployEntersMonitorModeWithLiveNumbersOnTheCanvas) {
  NodeConnection* node = addNodeThroughPanel();
  ASSERT_NE(node, nullptr);
  QSignalSpy applied(&window().deployer(), &DeployController::catalogApplied);
  test::action(window(), "actionUseNodeCatalog")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return applied.count() == 1; }, kLong));
  ASSERT_TRUE(window().openFile(kExamples + QStringLiteral("generator.json")));
  const QString generator = deployOpenGraph();
  ASSERT_FALSE(generator.isEmpty()) << errors_.join("\n").toStdString();
  ASSERT_TRUE(window().openFile(kExamples + QStringLiteral("fraud-detection.json")));
  const QString fraud = deployOpenGraph();
  ASSERT_FALSE(fraud.isEmpty()) << errors_.join("\n").toStdString();

  LiveMonitor& live = window().liveMonitor();
  ASSERT_TRUE(live.active());
  EXPECT_EQ(live.job(), fraud);
  EXPECT_TRUE(test::action(window(), "actionLeaveMonitor")->isEnabled());

  GraphScene& scene = window().scene();
  const auto live_rate = [&](const char* id) {
    NodeItem* item = scene.nodeItem(id);
    if (item == nullptr || !item->liveView()) return 0.0;
    const auto& stats = item->liveView()->stats;
    return stats.records_in_per_second + stats.records_out_per_second;
  };
  // Everything before the window sees every transaction at once; the window's outputs only
  // fire at minute boundaries, so they are not waited for.
  EXPECT_TRUE(test::waitFor(
      [&] { return live_rate("transactions") > 0 && live_rate("by_card") > 0; }, kLong))
      << "no live rates on the canvas";
  int edges_with_view = 0;
  for (int i = 0; i < static_cast<int>(window().document().graph().edges.size()); ++i) {
    if (scene.edgeItem(i) != nullptr && scene.edgeItem(i)->liveView()) ++edges_with_view;
  }
  EXPECT_GT(edges_with_view, 0);

  // Preview the first edge through the controller, as the edge's context menu does.
  monitor::MonitorController& controller = live.controller();
  const auto& edges = window().document().graph().edges;
  int first = -1;
  for (int i = 0; i < static_cast<int>(edges.size()); ++i) {
    if (edges[i].from.node == "transactions" && edges[i].to.node == "by_card") first = i;
  }
  ASSERT_GE(first, 0);
  controller.requestPreview(first);
  const control::EdgeRef ref{edges[first].from.node, edges[first].from.port, edges[first].to.node,
                             edges[first].to.port};
  ASSERT_NE(controller.previewDialog(ref), nullptr);
  EXPECT_TRUE(test::waitFor([&] { return controller.previewDialog(ref)->rowCount() > 0; }, kLong))
      << controller.previewDialog(ref)->statusText().toStdString();
  EXPECT_EQ(controller.previewDialog(ref)->columns().size(), 5);

  // Leaving restores the authoring look: no live view anywhere.
  test::action(window(), "actionLeaveMonitor")->trigger();
  EXPECT_FALSE(live.active());
  EXPECT_FALSE(scene.nodeItem("transactions")->liveView().has_value());

  // Back in, then the node dies: the overlay is greyed and the connection is retried.
  live.start(node, fraud);
  ASSERT_TRUE(test::waitFor([&] { return live_rate("transactions") > 0; }, kLong));
  node_->signal(SIGKILL);
  EXPECT_TRUE(test::waitFor([&] { return controller.connectionLost(); }, kLong));
  EXPECT_TRUE(test::waitFor(
      [&] {
        NodeItem* item = scene.nodeItem("transactions");
        return item->liveView() && item->liveView()->stale;
      },
      kLong));
}

// A preview open while the node dies: the dialog says the tap was interrupted, keeps its rows,
// and when the node is back (restarted on its data dir, the job resumed) the tap is re-opened
// and records flow into the same dialog again.
TEST_F(NodeEditorProcessTest, AnOpenPreviewIsReopenedWhenTheNodeComesBack) {
  NodeConnection* node = addNodeThroughPanel();
  ASSERT_NE(node, nullptr);
  ASSERT_TRUE(useNodeCatalog());
  ASSERT_TRUE(window().openFile(kExamples + QStringLiteral("generator.json")));
  const QString generator = deployOpenGraph();
  ASSERT_FALSE(generator.isEmpty()) << errors_.join("\n").toStdString();
  LiveMonitor& live = window().liveMonitor();
  ASSERT_TRUE(live.active());

  const int index = edgeIndex("card_transactions", "transactions_topic");
  ASSERT_GE(index, 0);
  monitor::MonitorController& controller = live.controller();
  controller.requestPreview(index);
  const control::EdgeRef ref{"card_transactions", "out", "transactions_topic", "in"};
  monitor::PreviewDialog* dialog = controller.previewDialog(ref);
  ASSERT_NE(dialog, nullptr);
  ASSERT_TRUE(test::waitFor([&] { return dialog->rowCount() > 0; }, kLong))
      << dialog->statusText().toStdString();

  node_->signal(SIGKILL);
  node_->wait(std::chrono::seconds(20));
  ASSERT_TRUE(test::waitFor([&] { return dialog->interrupted(); }, kLong))
      << dialog->statusText().toStdString();
  EXPECT_TRUE(dialog->statusText().contains(QStringLiteral("interrupted: ")))
      << dialog->statusText().toStdString();
  const int rows_kept = dialog->rowCount();
  EXPECT_GT(rows_kept, 0) << "the rows seen before stay";

  startNode();
  ASSERT_TRUE(
      test::waitFor([&] { return node->state() == NodeConnection::State::Connected; }, kLong))
      << node->stateMessage().toStdString();
  const std::uint64_t received_before = dialog->received();
  ASSERT_TRUE(test::waitFor([&] { return dialog->received() > received_before; }, kLong))
      << dialog->statusText().toStdString();
  EXPECT_FALSE(dialog->interrupted());
  EXPECT_EQ(dialog->interruptions(), 1);
  EXPECT_TRUE(dialog->statusText().contains(QStringLiteral("resumed after an interruption")))
      << dialog->statusText().toStdString();
  EXPECT_TRUE(dialog->endReason().isEmpty()) << dialog->endReason().toStdString();
  EXPECT_EQ(controller.previewDialog(ref), dialog) << "the same dialog, not a new one";
}

// Exactly once through the editor: a bounded datagen (ids 0..N-1) → map (tags each record with
// a version) → an exactly-once kafka_sink, deployed from the Node menu; mid-run the map's
// expression is edited in the inspector, the redeploy dialog shows that change, and the
// redeploy stops the job with a savepoint and starts the edited graph from it. Read back
// read_committed, every id is there exactly once, the earlier ones tagged v1 and the later v2.
// Then a new run is cancelled from the Nodes panel, and the node stops: the lost connection is
// shown.
TEST_F(NodeEditorProcessTest, AnEditedExactlyOncePipelineRedeployedFromItsSavepointWritesOnce) {
  constexpr std::int64_t kRecords = 3000;
  constexpr std::int64_t kRate = 400;  // per second: the job runs for about 7.5 s
  constexpr int kSinkParallelism = 2;  // the output topic gets as many partitions
  NodeConnection* node = addNodeThroughPanel();
  ASSERT_NE(node, nullptr);
  ASSERT_TRUE(useNodeCatalog());
  ASSERT_TRUE(node->info().has_value());
  const std::string bootstrap = node->info()->bootstrap_servers;
  ASSERT_FALSE(bootstrap.empty()) << "the node hosts its embedded broker";

  graphs::Graph graph;
  graph.name = "exactly-once-redeploy";
  graph.runtime.checkpoint_interval_ms = 500;
  graphs::Node ids;
  ids.id = "ids";
  ids.kind = "datagen";
  ids.set_parameter("schema", graphs::Schema{{"id", graphs::FieldType::Int64, false}});
  ids.set_parameter("fields", graphs::StringList{"id=sequence"});
  ids.set_parameter("count", std::int64_t{kRecords});
  ids.set_parameter("rate", std::int64_t{kRate});
  ids.position = {0, 0};
  graphs::Node tag;
  tag.id = "tag";
  tag.kind = "map";
  tag.set_parameter("expressions", graphs::StringList{"'v1' AS version"});
  tag.position = {260, 0};
  graphs::Node out;
  out.id = "out";
  out.kind = "kafka_sink";
  out.parallelism = kSinkParallelism;
  out.set_parameter("topic", std::string("exactly_once_out"));
  out.set_parameter("delivery", std::string("exactly_once"));
  out.position = {520, 0};
  graph.nodes = {ids, tag, out};
  graph.edges = {
      graphs::Edge{{"ids", "out"}, {"tag", "in"}, {}},
      graphs::Edge{{"tag", "out"}, {"out", "in"}, {graphs::PartitioningKind::Rebalance, {}}}};
  const std::string path = (dir_.path() / "exactly-once.json").string();
  ASSERT_TRUE(graphs::save_graph(graph, path).ok());

  ASSERT_TRUE(window().openFile(QString::fromStdString(path)));
  const QString job = deployOpenGraph();
  ASSERT_FALSE(job.isEmpty()) << errors_.join("\n").toStdString();
  LiveMonitor& live = window().liveMonitor();
  ASSERT_TRUE(live.active());
  // Mid-run: some records generated, far from all (the metrics monitor mode subscribed to).
  std::uint64_t generated_count = 0;
  QObject receiver;
  QObject::connect(node, &NodeConnection::metricsArrived, &receiver,
                   [&](const control::JobMetrics& m) {
                     if (m.job != job.toStdString()) return;
                     if (const auto* source = task(m, "ids")) generated_count = source->records_out;
                   });
  const auto generated = [&] { return generated_count; };
  ASSERT_TRUE(test::waitFor([&] { return generated() >= 400; }, kLong)) << "no records generated";
  ASSERT_LT(generated(), static_cast<std::uint64_t>(kRecords) / 2)
      << "too late to redeploy mid-run";

  // The edit, typed into the inspector.
  test::clickNode(window(), "tag");
  ASSERT_EQ(window().inspector().nodeId(), "tag");
  test::typeIntoParameter(window(), "expressions", QStringLiteral("'v2' AS version"));
  ASSERT_EQ(*window().document().graph().node("tag")->parameter("expressions"),
            graphs::Value(graphs::StringList{"'v2' AS version"}));

  // Redeploy: the real dialog shows the parameter change with old and new values.
  QString dialog_text;
  bool could_redeploy = false;
  window().deployer().setDiffPresenter([&](const graphs::GraphDiff& diff, const QString& shown) {
    RedeployDialog dialog(diff, shown, &window());
    // Every row, nested ones indented (a changed node lists its parameters under it).
    std::function<void(const QTreeWidgetItem*, int)> read = [&](const QTreeWidgetItem* item,
                                                                int depth) {
      dialog_text += QString(depth * 2, QLatin1Char(' ')) + item->text(0) + QStringLiteral(" | ") +
                     item->text(1) + QLatin1Char('\n');
      for (int j = 0; j < item->childCount(); ++j) read(item->child(j), depth + 1);
    };
    for (int i = 0; i < dialog.tree()->topLevelItemCount(); ++i) {
      read(dialog.tree()->topLevelItem(i), 0);
    }
    could_redeploy = dialog.canRedeploy();
    return could_redeploy ? std::optional<RedeployChoice>(dialog.choice()) : std::nullopt;
  });
  QSignalSpy redeployed(&window().deployer(), &DeployController::redeployed);
  ASSERT_TRUE(window().nodes().selectJob(address_, job));
  test::action(window(), "actionRedeployToNode")->trigger();
  ASSERT_TRUE(test::waitFor([&] { return redeployed.count() == 1; }, 2 * kLong))
      << errors_.join("\n").toStdString();
  EXPECT_TRUE(could_redeploy) << "no state is dropped";
  EXPECT_TRUE(dialog_text.contains(QStringLiteral("tag"))) << dialog_text.toStdString();
  EXPECT_TRUE(
      dialog_text.contains(QStringLiteral("expressions | ['v1' AS version] → ['v2' AS version]")))
      << dialog_text.toStdString();
  const QString replacement = redeployed.at(0).at(2).toString();
  EXPECT_TRUE(live.active());
  EXPECT_EQ(live.job(), replacement) << "monitor mode follows the redeployed job";
  ASSERT_TRUE(jobShows(replacement, QStringLiteral("finished")));

  // Read back by an independent read_committed consumer: each id once; v1 before the cut, v2
  // after it (the savepoint's barrier), both present.
  const auto records =
      runtime::kafkatest::consume_committed(bootstrap, "exactly_once_out", kSinkParallelism);
  ASSERT_TRUE(records.has_value()) << "the output topic's end was not reached";
  const std::regex id_re(R"re("id"\s*:\s*(\d+))re");
  const std::regex version_re(R"re("version"\s*:\s*"(v\d)")re");
  std::map<std::int64_t, int> seen;
  std::int64_t last_v1 = -1;
  std::int64_t first_v2 = kRecords;
  int unreadable = 0;
  for (const auto& r : *records) {
    std::smatch id;
    std::smatch version;
    if (!std::regex_search(r.value, id, id_re) ||
        !std::regex_search(r.value, version, version_re)) {
      ++unreadable;
      continue;
    }
    const std::int64_t n = std::stoll(id[1].str());
    ++seen[n];
    if (version[1].str() == "v1") last_v1 = std::max(last_v1, n);
    if (version[1].str() == "v2") first_v2 = std::min(first_v2, n);
  }
  EXPECT_EQ(unreadable, 0);
  EXPECT_EQ(records->size(), static_cast<std::size_t>(kRecords));
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kRecords));
  EXPECT_EQ(seen.begin()->first, 0);
  EXPECT_EQ(seen.rbegin()->first, kRecords - 1);
  int duplicated = 0;
  for (const auto& [n, count] : seen) duplicated += count > 1;
  EXPECT_EQ(duplicated, 0);
  EXPECT_GE(last_v1, 0) << "records before the redeploy carry v1";
  EXPECT_LT(first_v2, kRecords) << "records after it carry v2";
  EXPECT_EQ(last_v1 + 1, first_v2) << "the edit takes effect exactly at the savepoint";

  // The edited graph deployed once more and cancelled from the panel while it runs.
  const QString again = deployOpenGraph();
  ASSERT_FALSE(again.isEmpty()) << errors_.join("\n").toStdString();
  ASSERT_TRUE(jobShows(again, QStringLiteral("running")));
  ASSERT_TRUE(window().nodes().selectJob(address_, again));
  test::action(window(), "actionCancelJob")->trigger();
  EXPECT_TRUE(jobShows(again, QStringLiteral("cancelled")));

  // The node stops: the panel and the monitor show the lost connection.
  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(std::chrono::seconds(60)).has_value());
  ASSERT_TRUE(test::waitFor(
      [&] { return window().nodes().healthText(address_).startsWith(QStringLiteral("lost: ")); },
      kLong))
      << window().nodes().healthText(address_).toStdString();
  EXPECT_TRUE(test::waitFor([&] { return live.controller().connectionLost(); }, kLong));
  auto* label = window().findChild<QLabel*>(QStringLiteral("monitorConnectionLabel"));
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().startsWith(QStringLiteral("Connection to the node lost")))
      << label->text().toStdString();
  EXPECT_TRUE(errors_.isEmpty()) << errors_.join("\n").toStdString();
}

}  // namespace
}  // namespace rivulet::editor

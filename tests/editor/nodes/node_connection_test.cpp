// editor/nodes/node_connection: the GUI thread never waits for a node, a silent or absent node
// is retried with a growing backoff, and a node that refuses the token is shown, not retried.
// Real sockets and a real `rivulet node`; timeouts only keep a broken test from hanging.

#include "editor/nodes/node_connection.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QSignalSpy>
#include <QTimer>
#include <fstream>
#include <memory>

#include "editor/nodes/nodes_panel.hpp"
#include "tests/editor/editor_test_support.hpp"
#include "tests/runtime/checkpoint/temp_directory.hpp"
#include "tests/runtime/child_process.hpp"

namespace rivulet::editor {
namespace {

using runtime::processtest::ChildProcess;

// A loopback socket that listens but never accepts: connects succeed (the kernel's backlog),
// nothing is ever answered, like a hung node.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 8);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  QString address() const { return QStringLiteral("127.0.0.1:%1").arg(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int free_port() {
  SilentListener probe;  // bound, then released when it goes
  return probe.address().section(QLatin1Char(':'), 1).toInt();
}

TEST(NodeConnectionTest, AHungNodeNeverBlocksTheGuiThreadAndIsRetriedWithBackoff) {
  test::app();
  SilentListener hung;
  NodeConnection::Timing timing;
  timing.call_timeout = std::chrono::milliseconds(800);
  NodeConnection node(hung.address(), "", timing);
  QSignalSpy retrying(&node, &NodeConnection::retrying);
  QSignalSpy lost(&node, &NodeConnection::lost);
  int ticks = 0;
  QTimer ticker;
  QObject::connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
  ticker.start(10);

  node.open();  // returns at once; the login waits on an RPC thread
  EXPECT_EQ(node.state(), NodeConnection::State::Connecting);
  // The event loop keeps running while the login hangs.
  ASSERT_TRUE(test::waitFor([&] { return ticks >= 10; }, 30000));
  EXPECT_EQ(node.state(), NodeConnection::State::Connecting);

  ASSERT_TRUE(test::waitFor([&] { return retrying.count() >= 2; }, 30000));
  const QString reason = lost.at(0).at(0).toString();
  EXPECT_TRUE(reason.contains(QStringLiteral("no answer within 800 ms"))) << reason.toStdString();
  EXPECT_TRUE(reason.contains(hung.address())) << reason.toStdString();
  EXPECT_EQ(retrying.at(0).at(0).toInt(), 500);
  EXPECT_EQ(retrying.at(1).at(0).toInt(), 1000);

  // Requests while not connected fail as values, asynchronously, naming the node.
  QString failure;
  node.status("job-1", [&](const graphs::Result<graphs::control::JobDetail>& r) {
    failure = r ? QString() : QString::fromStdString(r.error().message);
  });
  EXPECT_TRUE(failure.isEmpty());
  ASSERT_TRUE(test::waitFor([&] { return !failure.isEmpty(); }, 30000));
  EXPECT_TRUE(failure.contains(hung.address())) << failure.toStdString();
  node.close();
  EXPECT_EQ(node.state(), NodeConnection::State::Idle);
}

TEST(NodeConnectionTest, BackoffIsCappedAndResetByAReconnect) {
  test::app();
  NodeConnection::Timing timing;
  timing.first_retry = std::chrono::milliseconds(20);
  timing.max_retry = std::chrono::milliseconds(80);
  // Nothing listens there: every attempt fails at once.
  NodeConnection node(QStringLiteral("127.0.0.1:%1").arg(free_port()), "", timing);
  QSignalSpy retrying(&node, &NodeConnection::retrying);
  node.open();
  ASSERT_TRUE(test::waitFor([&] { return retrying.count() >= 5; }, 30000));
  QList<int> delays;
  for (int i = 0; i < 5; ++i) delays << retrying.at(i).at(0).toInt();
  EXPECT_EQ(delays, (QList<int>{20, 40, 80, 80, 80}));
  EXPECT_EQ(node.state(), NodeConnection::State::Lost);
  EXPECT_TRUE(node.stateMessage().contains(QStringLiteral("cannot reach the node")))
      << node.stateMessage().toStdString();
  retrying.clear();
  node.reconnectNow();
  ASSERT_TRUE(test::waitFor([&] { return retrying.count() >= 1; }, 30000));
  EXPECT_EQ(retrying.at(0).at(0).toInt(), 20);
}

TEST(NodeConnectionTest, AWrongTokenIsShownAsRefusedAndNotRetried) {
  test::app();
  ::rivulet::test::TempDirectory dir;
  const std::string token_file = (dir.path() / "token").string();
  {
    std::ofstream out(token_file);
    out << "right-token\n";
  }
  ::chmod(token_file.c_str(), 0600);
  const QString address = QStringLiteral("127.0.0.1:%1").arg(free_port());
  ChildProcess process({RIVULET_CLI, "node", "--data-dir", (dir.path() / "data").string(),
                        "--listen", address.toStdString(), "--token-file", token_file});

  NodeConnection wrong(address, "wrong-token");
  QSignalSpy refused(&wrong, &NodeConnection::refused);
  wrong.open();  // the node may still be starting: unreachable is retried, refused is final
  ASSERT_TRUE(test::waitFor([&] { return refused.count() == 1; }, 60000))
      << wrong.stateMessage().toStdString();
  EXPECT_EQ(wrong.state(), NodeConnection::State::Refused);
  EXPECT_TRUE(wrong.stateMessage().contains(QStringLiteral("refused")))
      << wrong.stateMessage().toStdString();
  EXPECT_EQ(wrong.retryDelayMs(), 0);

  // The Nodes panel shows the refusal with the node's message.
  NodesPanel panel(nullptr, NodeStore(QString::fromStdString((dir.path() / "tokens").string())));
  panel.addNode({QString(), address, "wrong-token"}, /*remember=*/false);
  ASSERT_TRUE(test::waitFor(
      [&] { return panel.healthText(address).startsWith(QStringLiteral("refused: ")); }, 60000))
      << panel.healthText(address).toStdString();
  EXPECT_TRUE(panel.healthText(address).contains(address));

  NodeConnection right(address, "right-token");
  right.open();
  ASSERT_TRUE(
      test::waitFor([&] { return right.state() == NodeConnection::State::Connected; }, 60000))
      << right.stateMessage().toStdString();
  ASSERT_TRUE(right.info().has_value());
  EXPECT_FALSE(right.info()->version.empty());
}

}  // namespace
}  // namespace rivulet::editor

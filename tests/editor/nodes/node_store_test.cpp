// editor/nodes/node_store: remembered nodes in QSettings, tokens never there: in the keychain
// when one answers, else (as on this headless machine) in a user-only file.

#include "editor/nodes/node_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <optional>

#include "tests/editor/editor_test_support.hpp"
#include "tests/runtime/child_process.hpp"

namespace rivulet::editor {
namespace {

mode_t mode_of(const QString& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.toStdString().c_str(), &info), 0) << path.toStdString();
  return info.st_mode & 0777;
}

class NodeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::app();
    QSettings().clear();
    ASSERT_TRUE(dir_.isValid());
  }

  // Runs the (possibly asynchronous) store and returns where the token went.
  graphs::Result<TokenPlace> store(NodeStore& s, const QString& address, const std::string& token) {
    std::optional<graphs::Result<TokenPlace>> out;
    s.storeToken(address, token, [&](const graphs::Result<TokenPlace>& r) { out.emplace(r); });
    EXPECT_TRUE(test::waitFor([&] { return out.has_value(); }, 30000));
    return out.value_or(graphs::Error{"no answer"});
  }
  graphs::Result<std::string> load(NodeStore& s, const QString& address) {
    std::optional<graphs::Result<std::string>> out;
    s.loadToken(address, [&](const graphs::Result<std::string>& r) { out.emplace(r); });
    EXPECT_TRUE(test::waitFor([&] { return out.has_value(); }, 30000));
    return out.value_or(graphs::Error{"no answer"});
  }

  QTemporaryDir dir_;
};

TEST_F(NodeStoreTest, TokenGoesToAUserOnlyFileWithoutAKeychainNeverToSettings) {
  NodeStore s(dir_.path() + QStringLiteral("/tokens"));
  const QString address = QStringLiteral("10.0.0.5:7400");
  const std::string token = "s3cret-token-value";
  s.remember(QStringLiteral("lab"), address);
  auto place = store(s, address, token);
  ASSERT_TRUE(place) << place.error().message;
  if (NodeStore::keychainAvailable() && *place == TokenPlace::Keychain) {
    EXPECT_FALSE(QFile::exists(s.tokenPath(address)));
  } else {
    // No session bus here (or the keychain failed): the fallback.
    ASSERT_EQ(*place, TokenPlace::File);
    EXPECT_EQ(mode_of(s.tokenPath(address)), 0600u);
    EXPECT_EQ(mode_of(s.tokenDirectory()), 0700u);
  }
  auto read = load(s, address);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, token);

  // Nothing of the token in the settings file: only where it is.
  QSettings settings;
  settings.sync();
  QFile file(settings.fileName());
  ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << settings.fileName().toStdString();
  const QByteArray text = file.readAll();
  EXPECT_TRUE(text.contains("10.0.0.5:7400"));
  EXPECT_FALSE(text.contains("s3cret")) << text.toStdString();

  const auto nodes = s.nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, QStringLiteral("lab"));
  EXPECT_EQ(nodes[0].token, *place);
}

TEST_F(NodeStoreTest, AWidenedTokenFileIsRefusedWithAClearError) {
  NodeStore s(dir_.path());
  const QString address = QStringLiteral("127.0.0.1:7400");
  ASSERT_TRUE(s.writeTokenFile(address, "abc"));
  EXPECT_EQ(mode_of(s.tokenPath(address)), 0600u);
  ASSERT_EQ(::chmod(s.tokenPath(address).toStdString().c_str(), 0644), 0);
  auto read = s.readTokenFile(address);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos) << read.error().message;
  // Writing it again makes it private again.
  ASSERT_TRUE(s.writeTokenFile(address, "abc"));
  EXPECT_EQ(mode_of(s.tokenPath(address)), 0600u);
}

TEST_F(NodeStoreTest, ReplaceAndRemove) {
  NodeStore s(dir_.path());
  s.remember(QStringLiteral("a"), QStringLiteral("h1:1"));
  ASSERT_TRUE(store(s, QStringLiteral("h1:1"), "t1"));
  s.remember(QStringLiteral("b"), QStringLiteral("h2:2"));
  s.remember(QStringLiteral("a2"), QStringLiteral("h1:1"));  // renamed, token kept
  auto nodes = s.nodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0].name, QStringLiteral("a2"));
  EXPECT_NE(nodes[0].token, TokenPlace::None);
  EXPECT_EQ(*load(s, QStringLiteral("h1:1")), "t1");

  auto cleared = store(s, QStringLiteral("h1:1"), "");  // an empty token deletes it
  ASSERT_TRUE(cleared);
  EXPECT_EQ(*cleared, TokenPlace::None);
  EXPECT_FALSE(QFile::exists(s.tokenPath(QStringLiteral("h1:1"))));
  EXPECT_EQ(*load(s, QStringLiteral("h1:1")), "");

  ASSERT_TRUE(store(s, QStringLiteral("h2:2"), "t2"));
  s.remove(QStringLiteral("h2:2"));
  nodes = s.nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_FALSE(QFile::exists(s.tokenPath(QStringLiteral("h2:2"))));
}

// A session bus with no keychain service on it (what a minimal desktop or a container has): the
// keychain is tried, fails, and the token lands in the private file all the same.
TEST_F(NodeStoreTest, AKeychainThatDoesNotAnswerFallsBackToThePrivateFile) {
  if (!QFile::exists(QStringLiteral("/usr/bin/dbus-daemon"))) GTEST_SKIP() << "no dbus-daemon";
  runtime::processtest::ChildProcess bus(
      {"/usr/bin/dbus-daemon", "--session", "--nofork", "--print-address"});
  const auto address_line = bus.read_line();
  ASSERT_TRUE(address_line.has_value()) << bus.err();
  const QByteArray old_bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
  qputenv("DBUS_SESSION_BUS_ADDRESS", QByteArray::fromStdString(*address_line));
  NodeStore s(dir_.path());
  const QString address = QStringLiteral("127.0.0.1:7401");
  s.remember(QString(), address);
  auto place = store(s, address, "via-fallback");
  if (old_bus.isEmpty()) {
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
  } else {
    qputenv("DBUS_SESSION_BUS_ADDRESS", old_bus);
  }
  ASSERT_TRUE(place) << place.error().message;
  EXPECT_EQ(*place, TokenPlace::File);
  EXPECT_EQ(mode_of(s.tokenPath(address)), 0600u);
  auto read = load(s, address);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "via-fallback");
}

}  // namespace
}  // namespace rivulet::editor

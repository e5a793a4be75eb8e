// editor/nodes/node_store: remembered nodes in QSettings, tokens only in private files.

#include "editor/nodes/node_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>

#include "tests/editor/editor_test_support.hpp"

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
  QTemporaryDir dir_;
};

TEST_F(NodeStoreTest, TokenGoesToAUserOnlyFileNeverToSettings) {
  NodeStore store(dir_.path() + QStringLiteral("/tokens"));
  const std::string token = "s3cret-token-value";
  ASSERT_TRUE(store.add({QStringLiteral("lab"), QStringLiteral("10.0.0.5:7400")}, token));

  const QString path = store.tokenPath(QStringLiteral("10.0.0.5:7400"));
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(store.tokenDirectory()), 0700u);
  auto read = store.token(QStringLiteral("10.0.0.5:7400"));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, token);

  // Nothing of the token in the settings file.
  QSettings settings;
  settings.sync();
  QFile file(settings.fileName());
  ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << settings.fileName().toStdString();
  const QByteArray text = file.readAll();
  EXPECT_TRUE(text.contains("10.0.0.5:7400"));
  EXPECT_FALSE(text.contains("s3cret")) << text.toStdString();

  const auto nodes = store.nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, QStringLiteral("lab"));
  EXPECT_TRUE(nodes[0].has_token);
}

TEST_F(NodeStoreTest, AWidenedTokenFileIsRefusedWithAClearError) {
  NodeStore store(dir_.path());
  ASSERT_TRUE(store.add({QString(), QStringLiteral("127.0.0.1:7400")}, "abc"));
  const QString path = store.tokenPath(QStringLiteral("127.0.0.1:7400"));
  ASSERT_EQ(::chmod(path.toStdString().c_str(), 0644), 0);
  auto read = store.token(QStringLiteral("127.0.0.1:7400"));
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos) << read.error().message;
  // Writing it again makes it private again.
  ASSERT_TRUE(store.add({QString(), QStringLiteral("127.0.0.1:7400")}, "abc"));
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(NodeStoreTest, ReplaceAndRemove) {
  NodeStore store(dir_.path());
  ASSERT_TRUE(store.add({QStringLiteral("a"), QStringLiteral("h1:1")}, "t1"));
  ASSERT_TRUE(store.add({QStringLiteral("b"), QStringLiteral("h2:2")}, ""));
  ASSERT_TRUE(store.add({QStringLiteral("a2"), QStringLiteral("h1:1")}, ""));  // token dropped
  auto nodes = store.nodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_FALSE(QFile::exists(store.tokenPath(QStringLiteral("h1:1"))));
  auto none = store.token(QStringLiteral("h1:1"));
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, "");
  store.remove(QStringLiteral("h2:2"));
  nodes = store.nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, QStringLiteral("a2"));
  EXPECT_FALSE(store.add({QString(), QStringLiteral("  ")}, "x"));  // no address
}

}  // namespace
}  // namespace rivulet::editor

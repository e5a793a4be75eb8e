// runtime/file_confinement.hpp: a deployed graph's file path resolved inside the node's file
// root, or refused with the reason (`..`, an absolute path elsewhere, a symlink leading out).

#include "runtime/file_confinement.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/state/state_directory.hpp"

namespace rivulet::runtime {
namespace {

namespace fs = std::filesystem;

class FileConfinementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto root = state::StateDirectory::create_temporary("file-confinement-root-");
    auto other = state::StateDirectory::create_temporary("file-confinement-other-");
    ASSERT_TRUE(root.ok() && other.ok());
    root_dir_ = std::move(root).value();
    other_dir_ = std::move(other).value();
    root_ = fs::canonical(root_dir_->path());
    other_ = fs::canonical(other_dir_->path());
    fs::create_directories(root_ / "in");
  }

  std::string refused(const std::string& path) {
    auto result = confine_to_root(root_.string(), path);
    EXPECT_FALSE(result.ok()) << path << " -> " << (result.ok() ? *result : "");
    return result.ok() ? "" : result.error().message;
  }

  std::shared_ptr<state::StateDirectory> root_dir_, other_dir_;
  fs::path root_, other_;
};

TEST_F(FileConfinementTest, RelativeAndAbsolutePathsInsideTheRootResolveThere) {
  EXPECT_EQ(*confine_to_root(root_.string(), "in/a.jsonl"), (root_ / "in/a.jsonl").string());
  EXPECT_EQ(*confine_to_root(root_.string(), "new/dir/b.csv"), (root_ / "new/dir/b.csv").string());
  EXPECT_EQ(*confine_to_root(root_.string(), (root_ / "in/c").string()), (root_ / "in/c").string());
  EXPECT_EQ(*confine_to_root(root_.string(), "./in/./d"), (root_ / "in/d").string());
  // A symlink that stays inside is fine, and resolved.
  fs::create_directory_symlink(root_ / "in", root_ / "alias");
  EXPECT_EQ(*confine_to_root(root_.string(), "alias/e"), (root_ / "in/e").string());
}

TEST_F(FileConfinementTest, EscapesAreRefusedSayingWhy) {
  EXPECT_NE(refused("../x").find("contains '..'"), std::string::npos);
  EXPECT_NE(refused("in/../../x").find("contains '..'"), std::string::npos);
  EXPECT_NE(refused("in/..").find("contains '..'"), std::string::npos);
  EXPECT_NE(refused((other_ / "x").string()).find("outside the file root"), std::string::npos);
  EXPECT_NE(refused("/etc/passwd").find("outside the file root"), std::string::npos);
  fs::create_directory_symlink(other_, root_ / "escape");
  EXPECT_NE(refused("escape/x").find("through a symlink"), std::string::npos);
  std::ofstream(other_ / "target") << "secret";
  fs::create_symlink(other_ / "target", root_ / "in" / "link");
  EXPECT_NE(refused("in/link").find("through a symlink"), std::string::npos);
  EXPECT_NE(refused("").find("empty"), std::string::npos);
  EXPECT_NE(refused(".").find("the root itself"), std::string::npos);
  EXPECT_NE(refused(root_.string()).find("the root itself"), std::string::npos);
}

TEST_F(FileConfinementTest, ARootThatIsNoDirectoryIsAnError) {
  auto result = confine_to_root((root_ / "missing").string(), "a");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("is not a directory"), std::string::npos);
}

}  // namespace
}  // namespace rivulet::runtime

// The on-disk CheckpointStore the coordinator and supervisor use.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "temp_directory.hpp"

namespace rivulet::runtime::checkpoint {
namespace {

namespace fs = std::filesystem;
using test::TempDirectory;

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::shared_ptr<DirectoryCheckpointStore> open_store(const fs::path& dir) {
  auto store = DirectoryCheckpointStore::open(dir, 2, JobIdentity{"g", {"a", "b"}});
  EXPECT_TRUE(store) << store.error().message;
  return store ? *store : nullptr;
}

void take(CheckpointStore& store, CheckpointId id, const std::string& content) {
  ASSERT_TRUE(store.begin(id));
  for (const std::string task : {"a#0", "b#0"}) {
    auto writer = store.writer(id, task);
    ASSERT_TRUE(writer) << writer.error().message;
    ASSERT_TRUE((*writer)->write_blob("state", bytes_of(content + task)));
  }
  auto st = store.complete(id);
  ASSERT_TRUE(st) << st.error().message;
}

TEST(DirectoryCheckpointStore, CompletesRetainsAndSurvivesARestart) {
  TempDirectory dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    auto none = store->latest();
    ASSERT_TRUE(none);
    EXPECT_EQ(*none, nullptr);
    take(*store, 1, "one ");
    take(*store, 2, "two ");
    take(*store, 3, "three ");
    EXPECT_FALSE(fs::exists(dir.path() / "chk-1"));  // retained: 2
    EXPECT_TRUE(fs::exists(dir.path() / "chk-2"));
    ASSERT_TRUE(store->begin(4));  // the process dies with checkpoint 4 in progress
    auto writer = store->writer(4, "a#0");
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write_blob("state", bytes_of("partial")));
  }
  auto store = open_store(dir.path());  // the restarted job
  ASSERT_TRUE(store);
  EXPECT_FALSE(fs::exists(dir.path() / "chk-4"));  // incomplete leftovers are removed
  auto latest = store->latest();
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_NE(*latest, nullptr);
  EXPECT_EQ((*latest)->id(), 3u);
  auto reader = (*latest)->reader("b#0");
  ASSERT_TRUE(reader);
  auto blob = (*reader)->read_blob("state");
  ASSERT_TRUE(blob);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(blob->data()), blob->size()), "three b#0");
  auto empty = (*latest)->reader("new#0");
  ASSERT_TRUE(empty);
  EXPECT_FALSE((*empty)->has_blob("state"));
}

TEST(DirectoryCheckpointStore, AbortedAndUnknownCheckpointsAreRefused) {
  TempDirectory dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  take(*store, 1, "one ");
  EXPECT_FALSE(store->writer(2, "a#0"));  // never begun
  EXPECT_FALSE(store->complete(2));
  ASSERT_TRUE(store->begin(2));
  EXPECT_FALSE(store->begin(2));
  auto writer = store->writer(2, "a#0");
  ASSERT_TRUE(writer);
  store->abort(2);
  EXPECT_FALSE(fs::exists(dir.path() / "chk-2"));
  EXPECT_FALSE(store->writer(2, "a#0"));
  EXPECT_FALSE(store->complete(2));
  EXPECT_FALSE((*writer)->write_blob("late", bytes_of("x")));  // its directory is gone
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id(), 1u);
}

TEST(DirectoryCheckpointStore, CorruptNewestIsSkippedAndReported) {
  TempDirectory dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  take(*store, 1, "one ");
  take(*store, 2, "two ");
  std::ofstream{dir.path() / "chk-2" / "MANIFEST", std::ios::trunc} << "rivulet-checkpoint-manifest 1\n";
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id(), 1u);
  ASSERT_EQ(store->last_skipped().size(), 1u);
  EXPECT_NE(store->last_skipped()[0].find("chk-2/MANIFEST"), std::string::npos);
}

}  // namespace
}  // namespace rivulet::runtime::checkpoint

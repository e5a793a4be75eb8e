// The on-disk CheckpointStore the coordinator and supervisor use.

#include "runtime/checkpoint/directory_checkpoint_store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_reader.hpp"
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
  EXPECT_FALSE(store->writer(2, "a#0"));
  EXPECT_FALSE(store->complete(2));
  // A task still writing when its checkpoint is aborted may finish (CheckpointStore's
  // contract); the directory goes once the last writer is released.
  EXPECT_TRUE((*writer)->write_blob("late", bytes_of("x")));
  writer->reset();
  EXPECT_FALSE(fs::exists(dir.path() / "chk-2"));
  ASSERT_TRUE(store->begin(3));
  store->abort(3);  // no writer out: gone at once
  EXPECT_FALSE(fs::exists(dir.path() / "chk-3"));
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
  std::ofstream{dir.path() / "chk-2" / "MANIFEST", std::ios::trunc}
      << "rivulet-checkpoint-manifest 1\n";
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id(), 1u);
  ASSERT_EQ(store->last_skipped().size(), 1u);
  EXPECT_NE(store->last_skipped()[0].find("chk-2/MANIFEST"), std::string::npos);
}

TEST(DirectoryCheckpointStore, ListsTheTasksThatTookPartAndThoseWithState) {
  TempDirectory dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->begin(1));
  for (const std::string task : {"b#1", "a#0", "b#0", "stateless#0"}) {
    auto writer = store->writer(1, task);
    ASSERT_TRUE(writer) << writer.error().message;
    if (task != "stateless#0") {
      ASSERT_TRUE((*writer)->write_blob("state", bytes_of(task)));
    }
  }
  ASSERT_TRUE(store->complete(1));
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->tasks_with_state(), (std::vector<std::string>{"a#0", "b#0", "b#1"}));
  EXPECT_EQ((*latest)->tasks(), (std::vector<std::string>{"a#0", "b#0", "b#1", "stateless#0"}));
  // Asking for a reader of an unknown task does not make it part of the checkpoint.
  ASSERT_TRUE((*latest)->reader("new#0"));
  EXPECT_EQ((*latest)->tasks().size(), 4u);
}

// The kinds of the job's operators travel in the manifest, so a restore can refuse to hand a
// node's state to another kind under the same id (savepoint_restore).
TEST(DirectoryCheckpointStore, ReportsTheOperatorKindOfEveryNode) {
  TempDirectory dir;
  auto store = DirectoryCheckpointStore::open(
      dir.path(), 2, JobIdentity{"g", {"a", "b"}, {{"a", "datagen"}, {"b", "window_aggregate"}}});
  ASSERT_TRUE(store) << store.error().message;
  take(**store, 1, "x");
  auto latest = (*store)->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->operator_kinds(),
            (std::map<std::string, std::string>{{"a", "datagen"}, {"b", "window_aggregate"}}));
  // A manifest written before kinds were recorded reports none (nothing to compare).
  TempDirectory old;
  auto unrecorded = open_store(old.path());
  take(*unrecorded, 1, "x");
  auto older = unrecorded->latest();
  ASSERT_TRUE(older && *older);
  EXPECT_TRUE((*older)->operator_kinds().empty());
}

TEST(DirectoryCheckpointStore, SavepointIsTheDirectoryItselfAndNeverOverwritten) {
  TempDirectory dir;
  const fs::path target = dir.path() / "savepoints" / "sp-1";
  auto created = DirectoryCheckpointStore::open_savepoint(target, JobIdentity{"g", {"a", "b"}});
  ASSERT_TRUE(created) << created.error().message;
  auto store = *created;
  EXPECT_FALSE(fs::exists(target));  // nothing happens before begin()
  auto none = store->latest();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, nullptr);

  // An aborted attempt leaves nothing behind; the next one can use the directory.
  ASSERT_TRUE(store->begin(4));
  EXPECT_FALSE(store->begin(5));  // one savepoint at a time
  store->abort(4);
  EXPECT_FALSE(fs::exists(target));
  take(*store, 5, "five ");
  EXPECT_TRUE(fs::exists(target / "MANIFEST"));
  EXPECT_FALSE(fs::exists(target / "chk-5"));

  // Read back through a fresh store (as `--from-savepoint` does): kind savepoint, same state.
  auto reader = CheckpointReader::open(target);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_TRUE((*reader)->manifest().savepoint);
  EXPECT_EQ((*reader)->manifest().checkpoint_id, 5u);
  auto again = DirectoryCheckpointStore::open_savepoint(target, JobIdentity{});
  ASSERT_TRUE(again);
  auto latest = (*again)->latest();
  ASSERT_TRUE(latest && *latest) << (latest ? "none" : latest.error().message);
  EXPECT_EQ((*latest)->id(), 5u);
  EXPECT_EQ((*latest)->tasks_with_state(), (std::vector<std::string>{"a#0", "b#0"}));
  auto blob = (*latest)->reader("a#0");
  ASSERT_TRUE(blob);
  auto bytes = (*blob)->read_blob("state");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()), "five a#0");

  // A complete savepoint is never overwritten.
  auto refused = (*again)->begin(6);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(fs::exists(target / "MANIFEST"));
}

TEST(DirectoryCheckpointStore, SavepointStoreReadsACheckpointDirectoryWithoutCleaningIt) {
  TempDirectory dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    take(*store, 1, "one ");
    take(*store, 2, "two ");
    ASSERT_TRUE(store->begin(3));  // left incomplete
  }
  auto read = DirectoryCheckpointStore::open_savepoint(dir.path(), JobIdentity{});
  ASSERT_TRUE(read);
  EXPECT_TRUE(fs::exists(dir.path() / "chk-3"));  // only read: nothing deleted
  auto latest = (*read)->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id(), 2u);
  // One chk-<id> directory on its own works too.
  auto one = DirectoryCheckpointStore::open_savepoint(dir.path() / "chk-1", JobIdentity{});
  ASSERT_TRUE(one);
  auto first = (*one)->latest();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->id(), 1u);
  // Nothing usable is an error with the reason, not an empty start.
  std::ofstream{dir.path() / "chk-1" / "MANIFEST", std::ios::trunc} << "garbage\n";
  std::ofstream{dir.path() / "chk-2" / "MANIFEST", std::ios::trunc} << "garbage\n";
  auto broken = (*one)->latest();
  EXPECT_FALSE(broken);
  auto none = (*read)->latest();
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no usable checkpoint"), std::string::npos)
      << none.error().message;
}

}  // namespace
}  // namespace rivulet::runtime::checkpoint

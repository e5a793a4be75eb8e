// How operators get their keyed state backend (runtime/state/operator_state.hpp,
// state_directory.hpp): the graph's choice, one directory per instance under the job's
// directory, everything removed with its last user; and state directories through the
// in-memory checkpoint store (packed into memory at complete, unpacked for a reader, dropped
// on abort) — RocksDB's checkpoint restored from it.

#include "runtime/state/operator_state.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/in_memory_checkpoint_store.hpp"
#include "runtime/state/state_blob.hpp"
#include "runtime/state/state_keys.hpp"

namespace rivulet::runtime::state {
namespace {

namespace fs = std::filesystem;

std::size_t entries(const fs::path& dir) {  // subdirectories (the lock file is not one)
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_directory() ? 1 : 0;
  return n;
}

TEST(OperatorStateTest, TheFirstGraphThatSetsABackendChoosesIt) {
  std::vector<graphs::Graph> graphs(3);
  EXPECT_EQ(state_backend_of(graphs), graphs::StateBackend::Memory);
  graphs[1].runtime.state_backend = graphs::StateBackend::RocksDb;
  EXPECT_EQ(state_backend_of(graphs), graphs::StateBackend::RocksDb);
  EXPECT_STREQ(to_string(graphs::StateBackend::RocksDb), "rocksdb");
}

TEST(OperatorStateTest,
     EachInstanceGetsItsOwnDirectoryRemovedOnCloseAndTheJobDirectoryWithItsLastUser) {
  auto job = StateDirectory::create_temporary("rivulet-operator-state-test-");
  ASSERT_TRUE(job) << job.error().message;
  const fs::path root = (*job)->path();
  StateBackendOptions options;
  options.kind = graphs::StateBackend::RocksDb;
  options.directory = *job;
  job->reset();  // the instances keep it alive now
  {
    OperatorStateBackend a(options);
    OperatorStateBackend b(options);
    options.directory.reset();
    auto da = a.get("w#0");
    auto db = b.get("w#0");  // same task name (a restarted attempt): still its own database
    ASSERT_TRUE(da) << da.error().message;
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(entries(root), 2u);
    auto id = (*da)->declare_state("s");
    ASSERT_TRUE(id);
    ASSERT_TRUE((*da)->put(*id, "k", "v"));
    a.close();
    EXPECT_EQ(entries(root), 1u);
    EXPECT_TRUE(fs::exists(root));
  }
  EXPECT_FALSE(fs::exists(root)) << "removed with its last instance";
}

// A process killed with SIGKILL leaves its directory; the next one created beside it removes
// it, but never one whose owner is alive.
TEST(OperatorStateTest, AbandonedJobDirectoriesAreRemovedLiveOnesKept) {
  auto parent = StateDirectory::create_temporary("rivulet-operator-state-parent-");
  ASSERT_TRUE(parent);
  const fs::path root = (*parent)->path();
  fs::create_directories(root / "job-abandoned/w%230.0");
  { std::ofstream(root / "job-abandoned/owner.lock") << ""; }  // nobody holds it
  fs::create_directories(root / "job-creating");               // no lock file yet
  auto live = StateDirectory::create_under(root, "job-");
  ASSERT_TRUE(live);
  EXPECT_FALSE(fs::exists(root / "job-abandoned"));
  EXPECT_TRUE(fs::exists(root / "job-creating"));
  auto second = StateDirectory::create_under(root, "job-");
  ASSERT_TRUE(second);
  EXPECT_TRUE(fs::exists((*live)->path())) << "its owner holds the lock";
}

TEST(OperatorStateTest, MemoryKindNeedsNoDirectory) {
  OperatorStateBackend memory;
  EXPECT_FALSE(memory.uses_rocksdb());
  auto backend = memory.get("x#0");
  ASSERT_TRUE(backend);
  EXPECT_NE(*backend, nullptr);
}

TEST(OperatorStateTest, GetDeclaresTheOperatorsStatesWithStableIds) {
  for (auto kind : {graphs::StateBackend::Memory, graphs::StateBackend::RocksDb}) {
    StateBackendOptions options;
    options.kind = kind;
    OperatorStateBackend owner(options);
    StateId windows = 99;
    StateId timers = 99;
    auto backend = owner.get("w#0", {{"windows", &windows}, {"timers", &timers}});
    ASSERT_TRUE(backend) << backend.error().message;
    EXPECT_NE(windows, timers);
    ASSERT_TRUE((*backend)->put(timers, "t", "1"));
    StateId again = 99;
    auto same = owner.get("w#0", {{"timers", &again}});
    ASSERT_TRUE(same);
    EXPECT_EQ(*same, *backend);
    EXPECT_EQ(again, timers);
    std::string value;
    auto found = (*same)->get(again, "t", value);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ(value, "1");
    owner.close();
  }
}

TEST(OperatorStateTest, StateBlobsStartWithAVersionThatRestoreChecks) {
  ByteWriter w;
  write_version(w, 3);
  w.u64(7);
  ByteReader same{w.view()};
  EXPECT_TRUE(check_version(same, 3, "dedup state"));
  EXPECT_EQ(same.u64(), 7u);
  ByteReader newer{w.view()};
  auto refused = check_version(newer, 2, "dedup state");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "dedup state cannot be restored: it has format version 3, this build reads version 2");
  ByteReader empty{std::string_view{}};
  auto truncated = check_version(empty, 2, "top_n state");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message,
            "top_n state cannot be restored: the blob is too short to hold its version");
}

TEST(OperatorStateTest, SortableKeysOrderLikeTheirValues) {
  std::string big;
  append_big_endian_u64(big, 0x0102030405060708ull);
  EXPECT_EQ(big, std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  EXPECT_EQ(read_big_endian_u64(big), 0x0102030405060708ull);

  std::vector<std::int64_t> values = {-5'000'000'000, -1, 0, 1, 42, 7'000'000'000};
  std::string previous;
  for (std::int64_t v : values) {
    std::string k;
    append_sortable_i64(k, v);
    EXPECT_EQ(read_sortable_i64(k), v);
    EXPECT_LT(previous, k);
    previous = k;
  }
  std::string composite;
  append_length_prefixed(composite, "abc");
  std::size_t pos = 0;
  std::string_view part;
  ASSERT_TRUE(read_length_prefixed(composite, pos, part));
  EXPECT_EQ(part, "abc");
  EXPECT_FALSE(read_length_prefixed(composite, pos, part));
}

// RocksDB's checkpoint through the in-memory store: a reserved directory, packed at complete,
// unpacked for the reader, restored by a fresh backend; aborted checkpoints leave nothing.
TEST(OperatorStateTest, InMemoryCheckpointStoreHoldsRocksDbCheckpoints) {
  InMemoryCheckpointStore store;
  StateBackendOptions options;
  options.kind = graphs::StateBackend::RocksDb;
  OperatorStateBackend source(options);
  auto backend = source.get("t#0");
  ASSERT_TRUE(backend) << backend.error().message;
  auto id = (*backend)->declare_state("s");
  ASSERT_TRUE(id);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE((*backend)->put(*id, "key" + std::to_string(i), std::string(100, 'a' + i % 26)));
  }
  ASSERT_TRUE(store.begin(1));
  fs::path reserved;
  {
    auto writer = store.writer(1, "t#0");
    ASSERT_TRUE(writer);
    auto st = (*backend)->snapshot(**writer);
    ASSERT_TRUE(st) << st.error().message;
    auto again = (*writer)->reserve_directory("rocksdb");
    EXPECT_FALSE(again) << "a name is used once per task";
  }
  ASSERT_TRUE(store.complete(1));

  // Aborted: the reserved directory goes away.
  ASSERT_TRUE(store.begin(2));
  {
    auto writer = store.writer(2, "t#0");
    ASSERT_TRUE(writer);
    auto dir = (*writer)->reserve_directory("rocksdb");
    ASSERT_TRUE(dir);
    reserved = dir->parent_path();
    fs::create_directories(*dir);
    EXPECT_TRUE(fs::exists(reserved));
  }
  store.abort(2);
  EXPECT_FALSE(fs::exists(reserved));

  OperatorStateBackend target(options);
  auto restored = target.get("t#0");
  ASSERT_TRUE(restored);
  auto latest = store.latest();
  ASSERT_TRUE(latest && *latest);
  fs::path unpacked;
  {
    auto reader = (*latest)->reader("t#0");
    ASSERT_TRUE(reader);
    EXPECT_TRUE((*reader)->has_directory("rocksdb"));
    EXPECT_FALSE((*reader)->has_blob("rocksdb"));
    EXPECT_TRUE((*restored)->has_state(**reader));
    auto st = (*restored)->restore(**reader);
    ASSERT_TRUE(st) << st.error().message;
    auto dir = (*reader)->directory("rocksdb");
    ASSERT_TRUE(dir);
    unpacked = dir->parent_path();
    EXPECT_TRUE(fs::exists(unpacked));
  }
  EXPECT_FALSE(fs::exists(unpacked)) << "the reader's unpacked copy goes with it";
  auto rid = (*restored)->declare_state("s");
  ASSERT_TRUE(rid);
  std::string value;
  auto found = (*restored)->get(*rid, "key999", value);
  ASSERT_TRUE(found);
  EXPECT_TRUE(*found);
  EXPECT_EQ(value, std::string(100, 'a' + 999 % 26));
}

// A writer that forwards only write_blob (as a task's byte-counting wrapper does): RocksDB's
// checkpoint then travels as blobs and restores all the same.
TEST(OperatorStateTest, RocksDbFallsBackToBlobsWhenTheWriterHasNoDirectories) {
  class BlobsOnly final : public StateWriter {
   public:
    explicit BlobsOnly(StateWriter& inner) : inner_(inner) {}
    graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
      return inner_.write_blob(name, bytes);
    }

   private:
    StateWriter& inner_;
  };
  InMemoryCheckpointStore store;
  StateBackendOptions options;
  options.kind = graphs::StateBackend::RocksDb;
  OperatorStateBackend source(options);
  auto backend = source.get("t#0");
  ASSERT_TRUE(backend) << backend.error().message;
  auto id = (*backend)->declare_state("s");
  ASSERT_TRUE(id);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE((*backend)->put(*id, "k" + std::to_string(i), "v"));
  ASSERT_TRUE(store.begin(1));
  {
    auto writer = store.writer(1, "t#0");
    ASSERT_TRUE(writer);
    BlobsOnly wrapped(**writer);
    auto st = (*backend)->snapshot(wrapped);
    ASSERT_TRUE(st) << st.error().message;
  }
  ASSERT_TRUE(store.complete(1));
  OperatorStateBackend target(options);
  auto restored = target.get("t#0");
  ASSERT_TRUE(restored);
  auto reader = (*store.latest())->reader("t#0");
  ASSERT_TRUE(reader);
  EXPECT_FALSE((*reader)->has_directory("rocksdb"));
  EXPECT_TRUE((*restored)->has_state(**reader));
  auto st = (*restored)->restore(**reader);
  ASSERT_TRUE(st) << st.error().message;
  auto rid = (*restored)->declare_state("s");
  ASSERT_TRUE(rid);
  std::string value;
  auto found = (*restored)->get(*rid, "k499", value);
  ASSERT_TRUE(found);
  EXPECT_TRUE(*found);
}

}  // namespace
}  // namespace rivulet::runtime::state

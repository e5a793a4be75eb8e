// EntryStore (runtime/state/entry_store.hpp) on both backends: what the memory store keeps (the
// owner's resident entries, in its snapshot only) and what the RocksDB store keeps (evicted
// entries, taken back by key or when their timer is due, in (timer, namespace, key) order and in
// whole groups of equal timers); snapshots through an in-memory checkpoint store restore on the
// backend that wrote them and are refused by the other one naming the node.

#include "runtime/state/entry_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::runtime::state {
namespace {

using Entry =
    std::tuple<std::int64_t, std::string, std::string, std::int64_t>;  // ns, key, value, timer

struct Fixture {
  explicit Fixture(graphs::StateBackend kind, std::size_t resident = 4) {
    StateBackendOptions options;
    options.kind = kind;
    options.budget.resident_entries = resident;
    backend = std::make_unique<OperatorStateBackend>(options);
  }
  std::unique_ptr<EntryStore> make() {
    auto store = make_entry_store(*backend, {"node-a", "node-a#0", "things"});
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
  std::unique_ptr<OperatorStateBackend> backend;
};

// Snapshots `store` with `resident` as the owner's entries into checkpoint 1 of `checkpoints`.
void snapshot(EntryStore& store, InMemoryCheckpointStore& checkpoints, std::string_view header,
              const std::vector<Entry>& resident) {
  ASSERT_TRUE(checkpoints.begin(1));
  {
    auto writer = checkpoints.writer(1, "node-a#0");
    ASSERT_TRUE(writer) << writer.error().message;
    auto st = store.snapshot(**writer, header, [&](const EntryStore::Visitor& emit) {
      for (const auto& [ns, key, value, timer] : resident) emit(ns, key, value, timer);
    });
    ASSERT_TRUE(st) << st.error().message;
  }
  ASSERT_TRUE(checkpoints.complete(1));
}

// Restores `store` from the latest checkpoint: the status, and the entries handed back.
graphs::Status restore(EntryStore& store, InMemoryCheckpointStore& checkpoints, bool& found,
                       std::string& header, std::vector<Entry>& resident) {
  auto latest = checkpoints.latest();
  if (!latest) return latest.error();
  auto reader = (*latest)->reader("node-a#0");
  if (!reader) return reader.error();
  return store.restore(
      **reader, found, header,
      [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
        resident.emplace_back(ns, std::string(key), std::string(value), timer);
      });
}

std::vector<Entry> take_due(EntryStore& store, std::int64_t time, std::size_t limit,
                            std::int64_t& reached) {
  std::vector<Entry> taken;
  auto r = store.take_due(
      time, limit,
      [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
        taken.emplace_back(ns, std::string(key), std::string(value), timer);
      });
  EXPECT_TRUE(r) << r.error().message;
  reached = r ? *r : 0;
  return taken;
}

TEST(EntryStoreTest, TheMemoryStoreHoldsNothingAndSnapshotsTheResidentEntries) {
  Fixture f(graphs::StateBackend::Memory);
  auto store = f.make();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->resident_limit(), EntryStore::kUnlimited);
  EXPECT_FALSE(store->put(1, "k", "v", 5)) << "nothing is ever evicted into memory";
  std::string value;
  std::int64_t timer = 0;
  auto found = store->take(1, "k", value, timer);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  std::int64_t reached = 0;
  EXPECT_TRUE(take_due(*store, 100, 10, reached).empty());
  EXPECT_EQ(reached, 100);

  InMemoryCheckpointStore checkpoints;
  const std::vector<Entry> resident = {{1, "a", "one", 10},
                                       {-5, std::string("b\0c", 3), "", EntryStore::kNoTimer}};
  snapshot(*store, checkpoints, "scalars", resident);
  auto latest = checkpoints.latest();
  ASSERT_TRUE(latest && *latest);
  auto reader = (*latest)->reader("node-a#0");
  ASSERT_TRUE(reader);
  auto count = entries_in_checkpoint(**reader, "things");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 2u);

  auto fresh = Fixture(graphs::StateBackend::Memory).make();
  bool was = false;
  std::string header;
  std::vector<Entry> back;
  ASSERT_TRUE(restore(*fresh, checkpoints, was, header, back));
  EXPECT_TRUE(was);
  EXPECT_EQ(header, "scalars");
  EXPECT_EQ(back, resident);
}

TEST(EntryStoreTest, RocksDbHandsBackWhatWasEvictedUntilTheOwnerDropsIt) {
  Fixture f(graphs::StateBackend::RocksDb, 3);
  auto store = f.make();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->resident_limit(), 3u);
  ASSERT_TRUE(store->put(7, "key", "value", 70));
  ASSERT_TRUE(store->put(8, "key", "other", EntryStore::kNoTimer));
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(store->stored_entries(), 2u);
  std::string value;
  std::int64_t timer = 0;
  auto found = store->take(7, "key", value, timer);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ(value, "value");
  EXPECT_EQ(timer, 70);
  found = store->take(7, "key", value, timer);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found) << "a taken entry belongs to the owner";
  found = store->take(8, "ke", value, timer);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  // A put in the same uncommitted batch is seen by a take.
  ASSERT_TRUE(store->put(9, "late", "x", 1));
  found = store->take(9, "late", value, timer);
  ASSERT_TRUE(found && *found);
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(store->stored_entries(), 1u);
  std::int64_t reached = 0;
  EXPECT_TRUE(take_due(*store, 1000, 10, reached).empty()) << "the owner holds the timed ones";
  EXPECT_EQ(reached, 1000);
  // Evicted again, then taken and dropped for good.
  ASSERT_TRUE(store->put(7, "key", "newer", 80));
  ASSERT_TRUE(store->commit());
  auto due = take_due(*store, 1000, 10, reached);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], Entry(7, "key", "newer", 80));
  // Evicted unchanged: nothing is written, the copy is handed out again.
  ASSERT_TRUE(store->release(7, "key"));
  found = store->take(7, "key", value, timer);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(value, "newer");
  EXPECT_EQ(timer, 80);
  EXPECT_FALSE(store->release(8, "key")) << "never taken";
  ASSERT_TRUE(store->drop(7, "key"));
  ASSERT_TRUE(store->drop(9, "late"));
  ASSERT_TRUE(store->commit());
  found = store->take(7, "key", value, timer);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found) << "dropped";
  EXPECT_TRUE(take_due(*store, 2000, 10, reached).empty());
  EXPECT_EQ(store->stored_entries(), 1u);
}

TEST(EntryStoreTest, RocksDbHandsDueEntriesBackInTimerOrderInWholeGroups) {
  Fixture f(graphs::StateBackend::RocksDb, 1);
  auto store = f.make();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put(2, "b", "b2", 20));
  ASSERT_TRUE(store->put(1, "z", "z1", 20));
  ASSERT_TRUE(store->put(1, "a", "a1", 20));
  ASSERT_TRUE(store->put(-3, "c", "c", -10));
  ASSERT_TRUE(store->put(5, "d", "d", 30));
  ASSERT_TRUE(store->put(6, "e", "e", EntryStore::kNoTimer));
  ASSERT_TRUE(store->commit());
  std::int64_t reached = 0;
  // Two wanted, but the group of timer 20 is taken whole.
  auto first = take_due(*store, 35, 2, reached);
  const std::vector<Entry> expected_first = {
      {-3, "c", "c", -10}, {1, "a", "a1", 20}, {1, "z", "z1", 20}, {2, "b", "b2", 20}};
  EXPECT_EQ(first, expected_first);
  EXPECT_EQ(reached, 20);
  auto second = take_due(*store, 35, 2, reached);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(std::get<1>(second[0]), "d");
  EXPECT_EQ(reached, 35);
  EXPECT_TRUE(take_due(*store, 100, 10, reached).empty());
  EXPECT_EQ(reached, 100);
  EXPECT_EQ(store->stored_entries(), 1u) << "the entry without a timer stays";
}

TEST(EntryStoreTest, RocksDbSnapshotsStoredAndResidentEntriesAndKeepsOnlyTheStoredLive) {
  Fixture f(graphs::StateBackend::RocksDb, 2);
  auto store = f.make();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put(1, "stored", "s", 15));
  ASSERT_TRUE(store->commit());
  InMemoryCheckpointStore checkpoints;
  snapshot(*store, checkpoints, "hdr", {{2, "resident", "r", 12}});
  // The resident entry stays the owner's after the snapshot.
  std::string value;
  std::int64_t timer = 0;
  auto found = store->take(2, "resident", value, timer);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_EQ(store->stored_entries(), 1u);

  Fixture g(graphs::StateBackend::RocksDb, 2);
  auto fresh = g.make();
  ASSERT_NE(fresh, nullptr);
  bool was = false;
  std::string header;
  std::vector<Entry> back;
  auto st = restore(*fresh, checkpoints, was, header, back);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_TRUE(was);
  EXPECT_EQ(header, "hdr");
  EXPECT_TRUE(back.empty()) << "RocksDB hands entries back lazily";
  EXPECT_EQ(fresh->stored_entries(), 2u);
  std::int64_t reached = 0;
  const std::vector<Entry> due = {{2, "resident", "r", 12}, {1, "stored", "s", 15}};
  EXPECT_EQ(take_due(*fresh, 20, 10, reached), due);
  auto latest = checkpoints.latest();
  ASSERT_TRUE(latest && *latest);
  auto reader = (*latest)->reader("node-a#0");
  ASSERT_TRUE(reader);
  auto count = entries_in_checkpoint(**reader, "things");
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 2u);
}

TEST(EntryStoreTest, ACheckpointOfOneBackendIsRefusedByTheOtherNamingTheNode) {
  for (const bool from_memory : {true, false}) {
    SCOPED_TRACE(from_memory ? "memory -> rocksdb" : "rocksdb -> memory");
    const auto written = from_memory ? graphs::StateBackend::Memory : graphs::StateBackend::RocksDb;
    const auto other = from_memory ? graphs::StateBackend::RocksDb : graphs::StateBackend::Memory;
    Fixture f(written);
    auto store = f.make();
    ASSERT_NE(store, nullptr);
    InMemoryCheckpointStore checkpoints;
    snapshot(*store, checkpoints, "h", {{1, "k", "v", 3}});
    Fixture g(other);
    auto fresh = g.make();
    ASSERT_NE(fresh, nullptr);
    bool was = true;
    std::string header = "stale";
    std::vector<Entry> back;
    auto st = restore(*fresh, checkpoints, was, header, back);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("node 'node-a'"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("cannot move between backends"), std::string::npos);
    EXPECT_FALSE(was);
    EXPECT_TRUE(back.empty());
  }
}

}  // namespace
}  // namespace rivulet::runtime::state

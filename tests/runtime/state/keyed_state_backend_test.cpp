// Keyed state backends: the same behaviour from memory and RocksDB, snapshot/restore through
// real checkpoint storage, and RocksDB holding far more than its memory budget.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_storage.hpp"
#include "runtime/state/keyed_state_backend.hpp"
#include "temp_directory.hpp"

namespace rivulet::runtime::state {
namespace {

namespace fs = std::filesystem;
using checkpoint::CheckpointStorage;
using checkpoint::JobIdentity;
using test::TempDirectory;

enum class Kind { Memory, RocksDb };

std::string kind_name(const testing::TestParamInfo<Kind>& info) {
  return info.param == Kind::Memory ? "Memory" : "RocksDb";
}

class KeyedStateBackendTest : public testing::TestWithParam<Kind> {
 protected:
  std::unique_ptr<KeyedStateBackend> make(const std::string& task = "window#0",
                                          const std::string& working = "work") {
    graphs::RuntimeConfig config;
    config.state_backend =
        GetParam() == Kind::Memory ? graphs::StateBackend::Memory : graphs::StateBackend::RocksDb;
    auto backend = make_state_backend(config, task, work_.path() / working);
    EXPECT_TRUE(backend) << backend.error().message;
    return backend ? std::move(*backend) : nullptr;
  }

  StateId declare(KeyedStateBackend& b, const std::string& name) {
    auto id = b.declare_state(name);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  std::optional<std::string> get(KeyedStateBackend& b, StateId s, std::string_view key) {
    std::string value;
    auto found = b.get(s, key, value);
    EXPECT_TRUE(found) << found.error().message;
    if (!found || !*found) return std::nullopt;
    return value;
  }

  std::vector<std::pair<std::string, std::string>> scan(KeyedStateBackend& b, StateId s,
                                                        std::string_view prefix) {
    std::vector<std::pair<std::string, std::string>> out;
    auto st = b.scan_prefix(s, prefix, [&](std::string_view k, std::string_view v) {
      out.emplace_back(k, v);
      return true;
    });
    EXPECT_TRUE(st) << st.error().message;
    return out;
  }

  // Takes checkpoint `id` of `backend` as task `task`.
  void snapshot(KeyedStateBackend& backend, std::uint64_t id, const std::string& task) {
    auto writer = storage_.begin(id, JobIdentity{"g", {"window"}});
    ASSERT_TRUE(writer) << writer.error().message;
    auto t = (*writer)->task(task);
    ASSERT_TRUE(t) << t.error().message;
    auto st = backend.snapshot(**t);
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_TRUE((*writer)->complete());
  }

  void restore_latest(KeyedStateBackend& backend, const std::string& task) {
    auto latest = storage_.latest_complete();
    ASSERT_TRUE(latest) << latest.error().message;
    ASSERT_TRUE(latest->reader);
    auto st = backend.restore(latest->reader->task(task));
    ASSERT_TRUE(st) << st.error().message;
  }

  TempDirectory work_;
  TempDirectory checkpoints_;
  CheckpointStorage storage_{checkpoints_.path(), 3};
};

TEST_P(KeyedStateBackendTest, PutGetRemoveAndNamedStatesAreSeparate) {
  auto b = make();
  ASSERT_TRUE(b);
  const StateId windows = declare(*b, "windows");
  const StateId timers = declare(*b, "timers");
  EXPECT_NE(windows, timers);
  EXPECT_EQ(declare(*b, "windows"), windows);

  const std::string binary_key("k\0\xff", 3);
  ASSERT_TRUE(b->put(windows, binary_key, std::string("v\0", 2)));
  ASSERT_TRUE(b->put(timers, binary_key, "timer"));
  EXPECT_EQ(get(*b, windows, binary_key), std::string("v\0", 2));
  EXPECT_EQ(get(*b, timers, binary_key), "timer");
  ASSERT_TRUE(b->put(windows, binary_key, "overwritten"));
  EXPECT_EQ(get(*b, windows, binary_key), "overwritten");
  ASSERT_TRUE(b->remove(windows, binary_key));
  EXPECT_EQ(get(*b, windows, binary_key), std::nullopt);
  EXPECT_EQ(get(*b, timers, binary_key), "timer");
  ASSERT_TRUE(b->remove(windows, "never there"));
  ASSERT_TRUE(b->put(windows, "", "empty key"));
  EXPECT_EQ(get(*b, windows, ""), "empty key");

  std::string ignored;
  EXPECT_FALSE(b->get(99, "k", ignored));
  EXPECT_FALSE(b->put(99, "k", "v"));
}

TEST_P(KeyedStateBackendTest, PrefixScanIsOrderedAndBounded) {
  auto b = make();
  ASSERT_TRUE(b);
  const StateId s = declare(*b, "windows");
  for (const std::string& key : std::vector<std::string>{"user2|0003", "user1|0002", "user1|0001", "user10|0001",
                                "user1|0010", "user0|0001", std::string("user1|\xff", 7)}) {
    ASSERT_TRUE(b->put(s, key, "v:" + key));
  }
  std::vector<std::string> keys;
  for (const auto& [k, v] : scan(*b, s, "user1|")) {
    keys.push_back(k);
    EXPECT_EQ(v, "v:" + k);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"user1|0001", "user1|0002", "user1|0010",
                                            std::string("user1|\xff", 7)}));
  EXPECT_EQ(scan(*b, s, "").size(), 7u);
  EXPECT_TRUE(scan(*b, s, "nobody").empty());

  int visited = 0;
  ASSERT_TRUE(b->scan_prefix(s, "user", [&](std::string_view, std::string_view) {
    return ++visited < 2;  // stop early
  }));
  EXPECT_EQ(visited, 2);
}

TEST_P(KeyedStateBackendTest, SnapshotRestoreRoundTrip) {
  auto b = make();
  ASSERT_TRUE(b);
  const StateId windows = declare(*b, "windows");
  const StateId counts = declare(*b, "counts");
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(b->put(windows, "key" + std::to_string(i), std::string(100, static_cast<char>(i))));
  }
  ASSERT_TRUE(b->put(counts, "total", "5000"));
  snapshot(*b, 1, "window#0");

  // Changes after the snapshot must disappear on restore; the snapshot must not share
  // mutable files with the live state.
  for (int i = 0; i < 5000; i += 2) ASSERT_TRUE(b->remove(windows, "key" + std::to_string(i)));
  ASSERT_TRUE(b->put(counts, "total", "2500"));
  const StateId extra = declare(*b, "extra");
  ASSERT_TRUE(b->put(extra, "x", "y"));
  snapshot(*b, 2, "window#0");  // newer live changes reach disk too

  auto latest = storage_.latest_complete();
  ASSERT_TRUE(latest && latest->reader);
  ASSERT_EQ(latest->reader->manifest().checkpoint_id, 2u);
  fs::remove_all(checkpoints_.path() / "chk-2");  // restore the older one
  restore_latest(*b, "window#0");
  EXPECT_EQ(get(*b, counts, "total"), "5000");
  EXPECT_EQ(scan(*b, windows, "key").size(), 5000u);
  EXPECT_EQ(get(*b, windows, "key42"), std::string(100, static_cast<char>(42)));
  EXPECT_EQ(get(*b, extra, "x"), std::nullopt);  // declared later: still valid, now empty

  // A fresh backend (a restarted task) restores the same state and finds the states by name.
  auto fresh = make("window#0", "restarted");
  ASSERT_TRUE(fresh);
  restore_latest(*fresh, "window#0");
  const StateId fresh_counts = declare(*fresh, "counts");
  EXPECT_EQ(get(*fresh, fresh_counts, "total"), "5000");
  EXPECT_EQ(scan(*fresh, declare(*fresh, "windows"), "").size(), 5000u);

  // A task that stored nothing in the checkpoint restores to empty state.
  auto other = make("other#0");
  ASSERT_TRUE(other);
  const StateId s = declare(*other, "windows");
  ASSERT_TRUE(other->put(s, "a", "b"));
  restore_latest(*other, "other#0");
  EXPECT_TRUE(scan(*other, s, "").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyedStateBackendTest,
                         testing::Values(Kind::Memory, Kind::RocksDb), kind_name);

TEST(RocksDbStateBackend, HoldsFarMoreThanItsMemoryBudget) {
  TempDirectory work;
  constexpr std::uint64_t kBudget = 8ull << 20;
  auto made = make_rocksdb_state_backend(work.path() / "db",
                                         RocksDbBudget{kBudget, /*write buffers*/ 4ull << 20});
  ASSERT_TRUE(made) << made.error().message;
  KeyedStateBackend& b = **made;
  const StateId s = *b.declare_state("big");
  constexpr int kKeys = 200'000;
  auto key_of = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%08d", i);
    return std::string(buf);
  };
  // Pseudo-random bytes (xorshift): incompressible, so the data on disk really is ~200 MB.
  auto value_of = [](int i) {
    std::string v(1024, '\0');
    std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i + 1);
    for (auto& c : v) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x);
    }
    return v;
  };
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(b.put(s, key_of(i), value_of(i)));  // ~200 MB
  EXPECT_LE(b.memory_usage_bytes(), kBudget + (4ull << 20) + (2ull << 20));

  std::string value;
  for (int i = 0; i < kKeys; i += 997) {
    auto found = b.get(s, key_of(i), value);
    ASSERT_TRUE(found && *found) << i;
    ASSERT_EQ(value, value_of(i)) << i;
  }
  std::uint64_t seen = 0;
  bool in_order = true;
  std::string previous;
  ASSERT_TRUE(b.scan_prefix(s, "k", [&](std::string_view k, std::string_view v) {
    in_order = in_order && std::string(k) > previous && v.size() == 1024;
    previous = k;
    ++seen;
    return true;
  }));
  EXPECT_EQ(seen, static_cast<std::uint64_t>(kKeys));
  EXPECT_TRUE(in_order);
  EXPECT_LE(b.memory_usage_bytes(), kBudget + (4ull << 20) + (2ull << 20));
  std::uint64_t on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(work.path())) {
    if (e.is_regular_file()) on_disk += e.file_size();
  }
  EXPECT_GT(on_disk, 20 * kBudget);  // the state really is far larger than the budget
}

TEST(RocksDbStateBackend, RefusesADirectoryInUse) {
  TempDirectory work;
  auto first = make_rocksdb_state_backend(work.path() / "t");
  ASSERT_TRUE(first) << first.error().message;
  const StateId s = *(*first)->declare_state("s");
  ASSERT_TRUE((*first)->put(s, "k", "v"));
  auto second = make_rocksdb_state_backend(work.path() / "t");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  std::string value;
  auto found = (*first)->get(s, "k", value);
  ASSERT_TRUE(found && *found);  // the live database survived
  first->reset();
  EXPECT_TRUE(make_rocksdb_state_backend(work.path() / "t"));  // free again
}

TEST(StateBackendFactory, RocksDbNeedsAWorkingDirectory) {
  graphs::RuntimeConfig config;
  config.state_backend = graphs::StateBackend::RocksDb;
  auto b = make_state_backend(config, "w#0", {});
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("w#0"), std::string::npos);
  config.state_backend = graphs::StateBackend::Memory;
  EXPECT_TRUE(make_state_backend(config, "w#0", {}));
}

}  // namespace
}  // namespace rivulet::runtime::state

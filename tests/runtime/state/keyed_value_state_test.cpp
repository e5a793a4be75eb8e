// KeyedValueState (runtime/state/keyed_value_state.hpp): typed values with one timer each on
// both backends; with RocksDB and a resident limit of 2, evicted values come back on find and
// when their timer is due, timers fire in (time, namespace, key) order across resident and
// evicted entries, and a snapshot restores every value and timer.

#include "runtime/state/keyed_value_state.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::runtime::state {
namespace {

struct TextCodec {
  static void encode(const std::string& v, ByteWriter& w) { w.bytes(v); }
  static bool decode(std::string_view bytes, std::string& v) {
    ByteReader r{bytes};
    v = r.bytes();
    return r.ok() && r.at_end();
  }
};

using State = KeyedValueState<std::string, TextCodec>;

class KeyedValueStateTest : public testing::TestWithParam<graphs::StateBackend> {
 protected:
  std::unique_ptr<OperatorStateBackend> backend(std::size_t resident) const {
    StateBackendOptions options;
    options.kind = GetParam();
    options.budget.resident_entries = resident;
    return std::make_unique<OperatorStateBackend>(options);
  }
  static EntryStoreOptions names() { return {"values", "values#0", "values"}; }
};

// Fills ten keys in two namespaces, timers at 100 - i, one call each.
void fill(State& state) {
  for (int i = 0; i < 10; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const State::Handle h = state.insert(i % 2, key, "value-" + std::to_string(i));
    state.set_timer(h, 100 - i / 2);
    state.end_call();
  }
}

// Fires everything up to `time`: "ns/key=value@due" in firing order; fired entries are erased.
std::vector<std::string> fire(State& state, std::int64_t time) {
  std::vector<std::string> fired;
  state.advance(time, [&](State::Handle h, std::int64_t due) {
    fired.push_back(std::to_string(state.ns(h)) + "/" + std::string(state.key(h)) + "=" +
                    state.value(h) + "@" + std::to_string(due));
    state.erase(h);
  });
  state.end_call();
  return fired;
}

TEST_P(KeyedValueStateTest, ValuesComeBackWhetherResidentOrEvicted) {
  auto b = backend(2);
  State state(*b, names());
  ASSERT_TRUE(state.ready());
  fill(state);
  EXPECT_EQ(state.size(), 10u);
  if (GetParam() == graphs::StateBackend::RocksDb) {
    EXPECT_LE(state.resident(), 2u);
  }
  for (int i = 9; i >= 0; --i) {
    const State::Handle h = state.find(i % 2, "key-" + std::to_string(i));
    ASSERT_NE(h, State::kNone) << i;
    EXPECT_EQ(state.value(h), "value-" + std::to_string(i));
    EXPECT_EQ(state.timer(h), 100 - i / 2);
    state.end_call();
  }
  EXPECT_EQ(state.find(1, "key-0"), State::kNone) << "another namespace";
  EXPECT_EQ(state.size(), 10u);
  state.close();
}

TEST_P(KeyedValueStateTest, TimersFireInTimeNamespaceKeyOrderAcrossResidentAndEvicted) {
  auto b = backend(2);
  State state(*b, names());
  fill(state);
  const std::vector<std::string> expected = {
      "0/key-8=value-8@96", "1/key-9=value-9@96", "0/key-6=value-6@97", "1/key-7=value-7@97",
      "0/key-4=value-4@98", "1/key-5=value-5@98", "0/key-2=value-2@99", "1/key-3=value-3@99"};
  EXPECT_EQ(fire(state, 99), expected);
  EXPECT_EQ(state.size(), 2u);
  state.close();
}

TEST_P(KeyedValueStateTest, ASnapshotRestoresEveryValueAndTimer) {
  auto b = backend(2);
  State state(*b, names());
  fill(state);
  InMemoryCheckpointStore checkpoints;
  ASSERT_TRUE(checkpoints.begin(1));
  {
    auto writer = checkpoints.writer(1, "values#0");
    ASSERT_TRUE(writer);
    auto st = state.snapshot(**writer, "header");
    ASSERT_TRUE(st) << st.error().message;
  }
  ASSERT_TRUE(checkpoints.complete(1));
  state.close();

  auto b2 = backend(2);
  State restored(*b2, names());
  auto latest = checkpoints.latest();
  ASSERT_TRUE(latest && *latest);
  auto reader = (*latest)->reader("values#0");
  ASSERT_TRUE(reader);
  bool found = false;
  std::string header;
  auto st = restored.restore(**reader, found, header);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_TRUE(found);
  EXPECT_EQ(header, "header");
  EXPECT_EQ(restored.size(), 10u);
  EXPECT_EQ(fire(restored, 96),
            (std::vector<std::string>{"0/key-8=value-8@96", "1/key-9=value-9@96"}));
  EXPECT_EQ(restored.size(), 8u);
  restored.close();
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyedValueStateTest,
                         testing::Values(graphs::StateBackend::Memory,
                                         graphs::StateBackend::RocksDb),
                         [](const testing::TestParamInfo<graphs::StateBackend>& info) {
                           return std::string(to_string(info.param));
                         });

}  // namespace
}  // namespace rivulet::runtime::state

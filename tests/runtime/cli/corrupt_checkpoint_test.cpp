// A damaged newest checkpoint: `rivulet run --checkpoint-dir` is SIGKILLed once a few
// checkpoints completed, the newest complete checkpoint is damaged (bytes flipped in its largest
// state file; its MANIFEST truncated; its MANIFEST deleted), and the job is started again with
// the same directory. It must skip the damaged checkpoint (CheckpointReader verifies sizes and
// XXH3 checksums), fall back to the previous one, finish with exit 0, and write exactly the
// results computed from the input.
//
// The windows are one hour long and the input spans 500 s of event time, so every result is
// emitted at the end of the input, after the restart: falling back to an older checkpoint must
// not duplicate anything whatever the sink's delivery mode. (With results emitted before the
// kill, a fallback replays input whose results a completed checkpoint already published, which
// even an exactly-once sink cannot undo; that case is not what this test is about.)
//
// `rivulet run` does not report the fallback (DirectoryCheckpointStore::last_skipped() is not
// printed), so the evidence is the exit code and the exact output: garbage state would change
// the counts or fail the restore. The damaged checkpoint and the ids written after the restart
// are printed for the log.

#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "fault_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace faulttest;

constexpr long kEvents = 1000000;  // 500 s of event time
constexpr long kEventsPerMs = 2;
constexpr std::int64_t kWindowMs = 3600000;
constexpr int kPartitions = 16;
constexpr int kCheckpointIntervalMs = 100;
// Kill once this many complete checkpoints hold the state of every key (both window instances
// together: 1 000 keys at several bytes each), so the one we fall back to holds real state.
constexpr std::size_t kCheckpointsWithState = 2;
constexpr std::uintmax_t kFullWindowState = 16000;

enum class Damage { FlipStateBytes, TruncateManifest, DeleteManifest };

// The largest file of the checkpoint other than its MANIFEST.
fs::path largest_state_file(const fs::path& checkpoint) {
  fs::path largest;
  std::uintmax_t size = 0;
  for (const auto& entry : fs::recursive_directory_iterator(checkpoint)) {
    if (!entry.is_regular_file() || entry.path().filename() == "MANIFEST") continue;
    if (largest.empty() || entry.file_size() > size) {
      largest = entry.path();
      size = entry.file_size();
    }
  }
  return largest;
}

// Bytes of the window operator's state in `checkpoint` (every file its tasks wrote).
std::uintmax_t window_state_bytes(const fs::path& checkpoint) {
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(checkpoint, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string relative = fs::relative(it->path(), checkpoint, ec).string();
    std::error_code file_ec;
    if (relative.rfind("windows%23", 0) == 0 && it->is_regular_file(file_ec)) {
      bytes += it->file_size(file_ec);
    }
  }
  return bytes;
}

// Damages `checkpoint`; returns what was done, for the log.
std::string damage(const fs::path& checkpoint, Damage how) {
  const fs::path manifest = checkpoint / "MANIFEST";
  switch (how) {
    case Damage::FlipStateBytes: {
      const fs::path file = largest_state_file(checkpoint);
      if (file.empty()) throw std::runtime_error("no state file in " + checkpoint.string());
      std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
      const auto size = static_cast<std::streamoff>(fs::file_size(file));
      if (size == 0) throw std::runtime_error(file.string() + " is empty");
      // Flip every bit of up to 8 bytes from the middle on: the size stays, the content not.
      std::streamoff at = size / 2;
      for (int i = 0; i < 8 && at < size; ++i, ++at) {
        io.seekg(at);
        char byte = 0;
        io.get(byte);
        io.seekp(at);
        io.put(static_cast<char>(~byte));
      }
      io.flush();
      if (!io) throw std::runtime_error("cannot modify " + file.string());
      return "flipped bytes in " + file.string() + " (" + std::to_string(size) + " bytes)";
    }
    case Damage::TruncateManifest: {
      const auto size = fs::file_size(manifest);
      fs::resize_file(manifest, size / 2);
      return "truncated " + manifest.string() + " from " + std::to_string(size) + " to " +
             std::to_string(size / 2) + " bytes";
    }
    case Damage::DeleteManifest:
      fs::remove(manifest);
      return "deleted " + manifest.string();
  }
  return "";
}

std::string ids(const std::map<std::uint64_t, fs::path>& checkpoints) {
  std::string text;
  for (const auto& [id, path] : checkpoints) text += (text.empty() ? "" : " ") + std::to_string(id);
  return text.empty() ? "none" : text;
}

void run_with_damaged_checkpoint(Damage how, const std::string& name) {
  TempDir dir("rivulet-corrupt-checkpoint-test");
  Workload workload;
  workload.events = kEvents;
  workload.partitions = kPartitions;
  workload.per_ms = kEventsPerMs;
  const LoadedBroker broker = start_loaded_broker(workload, kWindowMs, {"out"});
  const std::string& bootstrap = broker.bootstrap;
  const RowCounts& expected = broker.expected;

  PipelineOptions options;
  options.name = name;
  options.input_partitions = kPartitions;
  options.output_topic = "out";
  options.group_id = name;
  options.transactional_id_prefix = name;
  options.window_ms = kWindowMs;
  write_file(dir / "graph.json", pipeline_json(options));
  const fs::path checkpoints = dir / "checkpoints";
  const auto argv = run_argv(dir / "graph.json", bootstrap, checkpoints, kCheckpointIntervalMs);

  {
    ChildProcess child(argv);
    const auto give_up = Clock::now() + 120s;
    bool enough = false;
    while (!enough && Clock::now() < give_up) {
      // wait() drains the pipes; a value means the job ended before we could kill it.
      if (auto code = child.wait(10ms)) {
        FAIL() << "the job ended (exit " << *code << ") before " << kCheckpointsWithState
               << " checkpoints with state completed: give it more input\n"
               << child.err();
      }
      std::size_t with_state = 0;
      for (const auto& [id, path] : complete_checkpoints(checkpoints)) {
        with_state += window_state_bytes(path) >= kFullWindowState;
      }
      enough = with_state >= kCheckpointsWithState;
    }
    ASSERT_TRUE(enough) << "not " << kCheckpointsWithState << " checkpoints with state in time";
    child.signal(SIGKILL);
    auto code = child.wait(30s);
    ASSERT_TRUE(code.has_value()) << "not reaped after SIGKILL";
    ASSERT_EQ(*code, 128 + SIGKILL) << "it ended on its own first: " << child.err();
  }

  const auto before = complete_checkpoints(checkpoints);
  ASSERT_GE(before.size(), 2u) << "need an older complete checkpoint to fall back to; have "
                               << ids(before);
  const std::uint64_t damaged_id = before.rbegin()->first;
  const std::string done = damage(before.rbegin()->second, how);
  std::cout << "complete checkpoints after the kill: " << ids(before) << " (window state of the "
            << "one to fall back to: " << window_state_bytes(std::prev(before.end(), 2)->second)
            << " bytes); " << done << std::endl;

  const RunResult rerun = run_to_end(argv);
  ASSERT_EQ(rerun.exit_code, std::optional<int>(0)) << rerun.err;
  const auto after = complete_checkpoints(checkpoints);
  std::cout << "restarted run: " << rerun.seconds << " s; complete checkpoints now: " << ids(after)
            << " (damaged: " << damaged_id << "); stderr: " << rerun.err << std::endl;

  const TopicContents out = read_committed_to_end(bootstrap, "out", kPartitions);
  EXPECT_EQ(out.problem, "");
  const ParsedRows rows = parse_rows(out.values);
  EXPECT_EQ(rows.bad, 0) << "e.g. " << rows.bad_example;
  const std::string difference =
      compare_rows(expected, rows.rows, "output after falling back vs the input");
  EXPECT_TRUE(difference.empty()) << difference;
}

TEST(CorruptCheckpointTest, FlippedStateBytesFallBackToThePreviousCheckpoint) {
  run_with_damaged_checkpoint(Damage::FlipStateBytes, "corrupt-state");
}

TEST(CorruptCheckpointTest, TruncatedManifestFallsBackToThePreviousCheckpoint) {
  run_with_damaged_checkpoint(Damage::TruncateManifest, "truncated-manifest");
}

TEST(CorruptCheckpointTest, DeletedManifestFallsBackToThePreviousCheckpoint) {
  run_with_damaged_checkpoint(Damage::DeleteManifest, "deleted-manifest");
}

}  // namespace
}  // namespace rivulet::runtime

// `rivulet run` with a checkpoint directory that cannot take checkpoints (issue 11, point 4),
// as a child process on a real file system: a read-only mount and a full one (small tmpfs
// mounts; they need CAP_SYS_ADMIN, without it the tests are skipped, saying so). A failed
// checkpoint is printed on stderr while the job runs, with its cause; past the graph's
// runtime.tolerableFailedCheckpoints the job fails; no failed checkpoint directory stays.
// Timeouts only keep a broken build from hanging. Mounts are unmounted and temporary
// directories removed also when an assertion fails.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../child_process.hpp"

namespace rivulet::runtime {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using processtest::ChildProcess;

const fs::path kData = fs::path(RIVULET_SOURCE_DIR) / "tests" / "runtime" / "data";

// A tmpfs mounted for one test: unmounted (lazily, even if a file is still open) at the end.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& at, const std::string& options, unsigned long flags = 0) : at_(at) {
    fs::create_directories(at);
    if (::mount("tmpfs", at.c_str(), "tmpfs", flags, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::strerror(errno);
    }
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string why_;
};

std::vector<std::string> checkpoint_directories(const fs::path& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
    found.push_back(it->path().filename().string());
  }
  return found;
}

class CheckpointFailureProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rivulet-cpfail-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    mounts_.clear();  // before removing the mount points
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // cards_to_file with a runtime section: checkpoints every 100 ms, `tolerable` failures.
  fs::path graph(std::uint32_t tolerable) {
    std::ifstream in(kData / "cards_to_file.json");
    std::stringstream text;
    text << in.rdbuf();
    std::string json = text.str();
    const std::string anchor = "\"formatVersion\": 1,";
    json.replace(json.find(anchor), anchor.size(),
                 anchor +
                     " \"runtime\": {\"checkpointIntervalMs\": 100, "
                     "\"tolerableFailedCheckpoints\": " +
                     std::to_string(tolerable) + "},");
    const fs::path file = dir_ / ("graph-" + std::to_string(tolerable) + ".json");
    std::ofstream(file) << json;
    return file;
  }

  // A mount under the test directory, or a skip (with the reason) when mounting is not allowed.
  bool mount(const fs::path& at, const std::string& options, unsigned long flags = 0) {
    mounts_.push_back(std::make_unique<TmpfsMount>(at, options, flags));
    if (mounts_.back()->mounted()) return true;
    return false;
  }

  std::vector<std::string> run_argv(const fs::path& graph_file, const fs::path& checkpoints,
                                    const std::string& rate) {
    return {RIVULET_CLI,
            "run",
            graph_file.string(),
            "--set",
            "out.path=" + (dir_ / "out.jsonl").string(),
            "--set",
            "gen.rate=" + rate,
            "--set",
            "gen.count=1000000",
            "--checkpoint-dir",
            checkpoints.string(),
            "--file-root",
            dir_.string(),
            "--quiet"};
  }

  fs::path dir_;
  std::vector<std::unique_ptr<TmpfsMount>> mounts_;
};

// Read-only: each checkpoint fails to begin. With many tolerated, the first failure is on
// stderr while the job still runs (then Ctrl-C stops it normally); with 2 tolerated the third
// failure in a row fails the job with the count and the cause.
TEST_F(CheckpointFailureProcessTest, AReadOnlyCheckpointDirectoryIsReportedAtOnceThenFailsTheJob) {
  const fs::path readonly = dir_ / "ro";
  if (!mount(readonly, "size=64k", MS_RDONLY)) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << mounts_.back()->why();
  }
  {
    ChildProcess child(run_argv(graph(1000), readonly / "checkpoints", "200"));
    ASSERT_TRUE(child.wait_for_stderr("rivulet: warning: checkpoint 1 could not begin: ", 30s))
        << child.err();
    EXPECT_NE(child.err().find("Read-only file system"), std::string::npos) << child.err();
    ASSERT_TRUE(
        child.wait_for_stderr("2 checkpoints failed in a row; the job fails once more "
                              "than 1000 do (runtime.tolerableFailedCheckpoints)",
                              30s))
        << child.err();
    child.signal(SIGINT);  // still running: the failures were said as they happened
    // The stop drains and ends with a final checkpoint, which cannot begin either.
    EXPECT_EQ(child.wait(30s), 1) << child.err();
    EXPECT_NE(child.err().find("rivulet: error: job failed: checkpoint coordinator: the final "
                               "checkpoint could not begin"),
              std::string::npos)
        << child.err();
  }
  ChildProcess child(run_argv(graph(2), readonly / "checkpoints", "200"));
  const auto code = child.wait(60s);
  EXPECT_EQ(code, 1) << child.err();
  EXPECT_NE(child.err().find("3 checkpoints failed in a row (tolerable: 2, "
                             "runtime.tolerableFailedCheckpoints); the last: checkpoint 3 could "
                             "not begin"),
            std::string::npos)
      << child.err();
}

// Full: the disk is filled up to the last byte before the job starts. Checkpoints fail while
// the job runs — said with the cause — and the job fails; no checkpoint directory is left.
TEST_F(CheckpointFailureProcessTest, AFullDiskIsReportedAndLeavesNoCheckpointDirectories) {
  const fs::path full = dir_ / "full";
  if (!mount(full, "size=256k")) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << mounts_.back()->why();
  }
  fs::create_directories(full / "checkpoints");
  {
    std::ofstream filler(full / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), block.size())) {
    }
  }
  ChildProcess child(run_argv(graph(2), full / "checkpoints", "200"));
  const auto code = child.wait(60s);
  EXPECT_EQ(code, 1) << child.err();
  EXPECT_NE(child.err().find("No space left on device"), std::string::npos) << child.err();
  EXPECT_EQ(checkpoint_directories(full / "checkpoints"), std::vector<std::string>{})
      << child.err();
}

}  // namespace
}  // namespace rivulet::runtime

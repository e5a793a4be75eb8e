// Checkpoint storage: layout, manifest atomicity, verification with fallback, retention.

#include "runtime/checkpoint/checkpoint_storage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "runtime/checkpoint/names.hpp"
#include "temp_directory.hpp"

namespace rivulet::runtime::checkpoint {
namespace {

namespace fs = std::filesystem;
using test::TempDirectory;

JobIdentity job() {
  return JobIdentity{
      "cards pipeline",
      {"source", "window", "sink"},
      {{"source", "kafka_source"}, {"window", "window_aggregate"}, {"sink", "odd kind"}}};
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string text_of(const std::vector<std::byte>& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string read_text(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out{p, std::ios::binary | std::ios::trunc};
  out << text;
}

// Writes checkpoint `id` with one blob per task whose content names the checkpoint.
void write_checkpoint(const CheckpointStorage& storage, std::uint64_t id, bool finish = true) {
  auto writer = storage.begin(id, job());
  ASSERT_TRUE(writer) << writer.error().message;
  for (const std::string task : {"window#0", "window#1"}) {
    auto t = (*writer)->task(task);
    ASSERT_TRUE(t) << t.error().message;
    ASSERT_TRUE((*t)->write_blob("state", bytes_of("chk " + std::to_string(id) + " " + task)));
  }
  if (finish) {
    ASSERT_TRUE((*writer)->complete());
  }
}

std::uint64_t latest_id(const CheckpointStorage& storage) {
  auto latest = storage.latest_complete();
  EXPECT_TRUE(latest) << latest.error().message;
  if (!latest || !latest->reader) return 0;
  return latest->reader->manifest().checkpoint_id;
}

TEST(CheckpointNames, EscapingRoundTripsAndIsFileSystemSafe) {
  for (const std::string& name :
       std::vector<std::string>{"", "window#0", ".", "..", "a/b", "x y\nz", ".hidden", "MANIFEST",
                                std::string("\0\xff", 2)}) {
    const std::string escaped = escape_name(name);
    EXPECT_EQ(escaped.find('/'), std::string::npos) << name;
    EXPECT_EQ(escaped.find(' '), std::string::npos) << name;
    EXPECT_NE(escaped, ".");
    EXPECT_NE(escaped, "..");
    auto back = unescape_name(escaped);
    ASSERT_TRUE(back.has_value()) << escaped;
    EXPECT_EQ(*back, name);
  }
  EXPECT_FALSE(unescape_name("%4").has_value());
  EXPECT_FALSE(unescape_name("a b").has_value());
}

TEST(CheckpointManifest, RoundTripsAndRejectsEveryTruncation) {
  Manifest m;
  m.checkpoint_id = 7;
  m.savepoint = true;
  m.job = job();
  m.tasks = {"window#0", "odd task/name"};
  m.files = {ManifestFile{"window#0", "state", FileDigest{12, 0xabcdef}},
             ManifestFile{"odd task/name", "rocksdb/000012.sst", FileDigest{0, 1}}};
  const std::string text = serialize_manifest(m);
  auto parsed = parse_manifest(text, "MANIFEST");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, m);
  for (std::size_t n = 0; n < text.size(); ++n) {
    EXPECT_FALSE(parse_manifest(text.substr(0, n), "MANIFEST")) << "prefix of " << n << " bytes";
  }
  std::string edited = text;
  edited[edited.find("12 ")] = '9';  // a changed size must not go unnoticed
  auto bad = parse_manifest(edited, "/x/MANIFEST");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/x/MANIFEST"), std::string::npos);
}

TEST(CheckpointManifest, RejectsPathsLeavingTheTaskDirectory) {
  // serialize_manifest escapes faithfully, so it can forge a well-checksummed manifest whose
  // paths point outside the task directory; parsing must still refuse them.
  for (const std::string path : {"../escape", "a/../../b", "./x", "a//b"}) {
    Manifest m;
    m.job.graph_name = "g";
    m.tasks = {"t"};
    m.files = {ManifestFile{"t", path, FileDigest{1, 0}}};
    EXPECT_FALSE(parse_manifest(serialize_manifest(m), "MANIFEST")) << path;
  }
}

TEST(CheckpointStorage, TasksWriteConcurrentlyAndReadBack) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  auto writer = storage.begin(1, job());
  ASSERT_TRUE(writer) << writer.error().message;
  constexpr int kTasks = 8;
  constexpr int kBlobs = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kTasks; ++t) {
    threads.emplace_back([&, t] {
      auto task = (*writer)->task("node/" + std::to_string(t) + "#0");
      if (!task) {
        ++failures;
        return;
      }
      for (int b = 0; b < kBlobs; ++b) {
        const std::string content(static_cast<std::size_t>(1000 * t + b),
                                  static_cast<char>('a' + b));
        if (!(*task)->write_blob("blob " + std::to_string(b), bytes_of(content))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  auto empty_task = (*writer)->task("stateless#0");
  ASSERT_TRUE(empty_task);
  ASSERT_TRUE((*writer)->complete());
  EXPECT_TRUE(fs::exists(dir.path() / "chk-1" / "MANIFEST"));
  EXPECT_FALSE(fs::exists(dir.path() / "chk-1" / "MANIFEST.tmp"));

  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_TRUE(latest->reader);
  CheckpointReader& reader = *latest->reader;
  EXPECT_EQ(reader.manifest().job, job());
  EXPECT_FALSE(reader.manifest().savepoint);
  EXPECT_EQ(reader.manifest().tasks.size(), kTasks + 1u);
  EXPECT_EQ(reader.manifest().files.size(), static_cast<std::size_t>(kTasks * kBlobs));
  for (int t = 0; t < kTasks; ++t) {
    TaskStateReader& task = reader.task("node/" + std::to_string(t) + "#0");
    for (int b = 0; b < kBlobs; ++b) {
      const std::string name = "blob " + std::to_string(b);
      ASSERT_TRUE(task.has_blob(name));
      auto blob = task.read_blob(name);
      ASSERT_TRUE(blob) << blob.error().message;
      EXPECT_EQ(text_of(*blob),
                std::string(static_cast<std::size_t>(1000 * t + b), static_cast<char>('a' + b)));
    }
    EXPECT_FALSE(task.has_blob("blob 99"));
    EXPECT_FALSE(task.read_blob("blob 99"));
  }
  EXPECT_TRUE(reader.has_task("stateless#0"));
  EXPECT_FALSE(reader.has_task("new#0"));
  EXPECT_FALSE(reader.task("new#0").has_blob("blob 0"));  // unknown tasks read as empty
}

TEST(CheckpointStorage, WriterRejectsMisuse) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  auto writer = storage.begin(1, job());
  ASSERT_TRUE(writer);
  auto task = (*writer)->task("t#0");
  ASSERT_TRUE(task);
  ASSERT_TRUE((*task)->write_blob("a", bytes_of("1")));
  EXPECT_FALSE((*task)->write_blob("a", bytes_of("2")));  // twice
  EXPECT_FALSE((*task)->reserve_directory("a"));          // clashes with the blob
  EXPECT_FALSE((*task)->write_blob("", bytes_of("2")));   // empty name
  EXPECT_FALSE((*writer)->task("MANIFEST"));              // would sit on the manifest
  ASSERT_TRUE((*writer)->complete());
  EXPECT_FALSE((*task)->write_blob("late", bytes_of("x")));  // after completion
  EXPECT_FALSE((*writer)->task("late#0"));
  EXPECT_FALSE((*writer)->complete());
  auto again = storage.begin(1, job());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("chk-1"), std::string::npos);
}

TEST(CheckpointStorage, NoManifestMeansNotComplete) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  EXPECT_EQ(latest_id(storage), 0u);  // nothing yet
  write_checkpoint(storage, 1);
  write_checkpoint(storage, 2, /*finish=*/false);  // "crash" before the manifest
  EXPECT_EQ(latest_id(storage), 1u);
  // A crash while writing the manifest leaves only its temporary file.
  write_checkpoint(storage, 3, /*finish=*/false);
  write_text(dir.path() / "chk-3" / "MANIFEST.tmp", "rivulet-checkpoint-manifest 1\ncheckp");
  EXPECT_EQ(latest_id(storage), 1u);
  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->skipped.size(), 2u);
  ASSERT_TRUE(storage.remove_incomplete());
  EXPECT_FALSE(fs::exists(dir.path() / "chk-2"));
  EXPECT_FALSE(fs::exists(dir.path() / "chk-3"));
  EXPECT_TRUE(fs::exists(dir.path() / "chk-1"));
}

TEST(CheckpointStorage, CorruptBlobFallsBackToPreviousCheckpoint) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  write_checkpoint(storage, 1);
  write_checkpoint(storage, 2);
  const fs::path blob = dir.path() / "chk-2" / escape_name("window#1") / "state";
  std::string content = read_text(blob);
  content[3] ^= 0x01;  // same size, one bit flipped
  write_text(blob, content);

  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_TRUE(latest->reader);
  EXPECT_EQ(latest->reader->manifest().checkpoint_id, 1u);
  ASSERT_EQ(latest->skipped.size(), 1u);
  EXPECT_NE(latest->skipped[0].find(blob.string()), std::string::npos) << latest->skipped[0];
  auto restored = latest->reader->task("window#1").read_blob("state");
  ASSERT_TRUE(restored);
  EXPECT_EQ(text_of(*restored), "chk 1 window#1");
}

TEST(CheckpointStorage, MissingOrTruncatedFilesFallBack) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 5};
  write_checkpoint(storage, 1);
  write_checkpoint(storage, 2);
  write_checkpoint(storage, 3);
  // Newest: truncated manifest. Next: a blob cut short.
  const fs::path manifest = dir.path() / "chk-3" / "MANIFEST";
  const std::string text = read_text(manifest);
  write_text(manifest, text.substr(0, text.size() / 2));
  const fs::path blob = dir.path() / "chk-2" / escape_name("window#0") / "state";
  const std::string content = read_text(blob);
  write_text(blob, content.substr(0, content.size() - 1));
  EXPECT_EQ(latest_id(storage), 1u);
  // And with the blob of chk-1 gone there is nothing usable left, which is reported.
  fs::remove(dir.path() / "chk-1" / escape_name("window#0") / "state");
  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest);
  EXPECT_FALSE(latest->reader);
  EXPECT_EQ(latest->skipped.size(), 3u);
}

TEST(CheckpointStorage, BlobChangedAfterOpenIsRefused) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  write_checkpoint(storage, 1);
  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest && latest->reader);
  const fs::path blob = dir.path() / "chk-1" / escape_name("window#0") / "state";
  std::string content = read_text(blob);
  content[0] ^= 0x20;
  write_text(blob, content);
  auto read = latest->reader->task("window#0").read_blob("state");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(blob.string()), std::string::npos);
}

TEST(CheckpointStorage, RetentionKeepsExactlyTheNewestN) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  write_checkpoint(storage, 1, /*finish=*/false);  // abandoned, older than complete ones
  for (std::uint64_t id = 2; id <= 7; ++id) {
    write_checkpoint(storage, id);
    ASSERT_TRUE(storage.apply_retention());
  }
  write_checkpoint(storage, 8, /*finish=*/false);  // in progress: must survive retention
  fs::create_directories(dir.path() / "unrelated");
  ASSERT_TRUE(storage.apply_retention());
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path())) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"chk-5", "chk-6", "chk-7", "chk-8", "unrelated"}));
  EXPECT_EQ(latest_id(storage), 7u);
}

TEST(CheckpointStorage, SavepointUsesTheSameFormatWithAFlag) {
  TempDirectory dir;
  const fs::path where = dir.path() / "savepoints" / "before-upgrade";
  auto writer = begin_savepoint(where, 12, job());
  ASSERT_TRUE(writer) << writer.error().message;
  auto task = (*writer)->task("window#0");
  ASSERT_TRUE(task);
  ASSERT_TRUE((*task)->write_blob("state", bytes_of("saved")));
  ASSERT_TRUE((*writer)->complete());
  EXPECT_FALSE(begin_savepoint(where, 13, job()));  // never overwrites a savepoint

  auto reader = CheckpointReader::open(where);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_TRUE((*reader)->manifest().savepoint);
  EXPECT_EQ((*reader)->manifest().checkpoint_id, 12u);
  auto blob = (*reader)->task("window#0").read_blob("state");
  ASSERT_TRUE(blob);
  EXPECT_EQ(text_of(*blob), "saved");

  auto missing = CheckpointReader::open(dir.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope/MANIFEST"), std::string::npos);
}

TEST(CheckpointStorage, StateDirectoriesAreListedAndVerified) {
  TempDirectory dir;
  CheckpointStorage storage{dir.path(), 3};
  write_checkpoint(storage, 1);
  auto writer = storage.begin(2, job());
  ASSERT_TRUE(writer);
  auto task = (*writer)->task("window#0");
  ASSERT_TRUE(task);
  auto state_dir = (*task)->reserve_directory("rocksdb");
  ASSERT_TRUE(state_dir);
  EXPECT_FALSE(fs::exists(*state_dir));  // the backend creates it
  fs::create_directories(*state_dir / "sub");
  write_text(*state_dir / "CURRENT", "MANIFEST-000001\n");
  write_text(*state_dir / "sub" / "000009.sst", std::string(5000, 'x'));
  ASSERT_TRUE((*writer)->complete());

  auto latest = storage.latest_complete();
  ASSERT_TRUE(latest && latest->reader);
  EXPECT_EQ(latest->reader->manifest().checkpoint_id, 2u);
  TaskStateReader& reader = latest->reader->task("window#0");
  ASSERT_TRUE(reader.has_directory("rocksdb"));
  auto path = reader.directory("rocksdb");
  ASSERT_TRUE(path);
  EXPECT_EQ(read_text(*path / "CURRENT"), "MANIFEST-000001\n");
  EXPECT_FALSE(reader.has_directory("other"));

  fs::remove(*state_dir / "sub" / "000009.sst");  // a lost table file
  EXPECT_EQ(latest_id(storage), 1u);
}

}  // namespace
}  // namespace rivulet::runtime::checkpoint

#include "runtime/checkpoint/checkpoint_storage.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "runtime/checkpoint/durable_file.hpp"

namespace rivulet::runtime::checkpoint {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "chk-";

std::optional<std::uint64_t> parse_id(const std::string& name) {
  if (!name.starts_with(kPrefix)) return std::nullopt;
  const char* first = name.data() + kPrefix.size();
  const char* last = name.data() + name.size();
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc{} || end != last || first == last) return std::nullopt;
  return id;
}

// Complete = the manifest parses and belongs to this directory. Cheap: no blob is read.
bool manifest_parses(const fs::path& dir, std::uint64_t id) {
  const fs::path path = dir / kManifestFileName;
  auto text = read_whole_file(path);
  if (!text) return false;
  auto manifest = parse_manifest(
      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), path.string());
  return manifest && manifest->checkpoint_id == id && !manifest->savepoint;
}

graphs::Status remove_tree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return graphs::Error{"cannot delete checkpoint " + path.string() + ": " + ec.message()};
  return graphs::Ok{};
}

}  // namespace

CheckpointStorage::CheckpointStorage(fs::path directory, std::uint32_t retained)
    // At least one: keeping zero would delete the checkpoint that just completed.
    : directory_(std::move(directory)), retained_(std::max<std::uint32_t>(retained, 1)) {}

fs::path CheckpointStorage::path_for(const fs::path& directory, std::uint64_t id) {
  return directory / (std::string(kPrefix) + std::to_string(id));
}

graphs::Result<std::unique_ptr<CheckpointWriter>> CheckpointStorage::begin(std::uint64_t id,
                                                                           JobIdentity job) const {
  return CheckpointWriter::create(path_for(directory_, id), id, false, std::move(job));
}

graphs::Result<std::vector<CheckpointStorage::Entry>> CheckpointStorage::list() const {
  std::vector<Entry> out;
  std::error_code ec;
  if (!fs::exists(directory_, ec)) return out;
  for (fs::directory_iterator it{directory_, ec}, end; !ec && it != end; it.increment(ec)) {
    const auto id = parse_id(it->path().filename().string());
    if (!id || !it->is_directory(ec)) continue;  // not ours: leave it alone
    out.push_back(Entry{*id, it->path(), manifest_parses(it->path(), *id)});
  }
  if (ec) {
    return graphs::Error{"cannot list checkpoint directory " + directory_.string() + ": " +
                         ec.message()};
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.id > b.id; });
  return out;
}

graphs::Status CheckpointStorage::apply_retention() const {
  auto entries = list();
  if (!entries) return entries.error();
  std::uint32_t kept = 0;
  bool newer_complete_seen = false;
  for (const Entry& e : *entries) {
    if (e.complete) {
      newer_complete_seen = true;
      if (kept < retained_) {
        ++kept;
        continue;
      }
    } else if (!newer_complete_seen) {
      continue;  // maybe still being written
    }
    if (auto st = remove_tree(e.path); !st) return st;
  }
  return graphs::Ok{};
}

graphs::Status CheckpointStorage::remove_incomplete() const {
  auto entries = list();
  if (!entries) return entries.error();
  for (const Entry& e : *entries) {
    if (e.complete) continue;
    if (auto st = remove_tree(e.path); !st) return st;
  }
  return graphs::Ok{};
}

graphs::Result<LatestCheckpoint> CheckpointStorage::latest_complete() const {
  auto entries = list();
  if (!entries) return entries.error();
  LatestCheckpoint latest;
  for (const Entry& e : *entries) {
    auto reader = CheckpointReader::open(e.path);
    if (!reader) {
      latest.skipped.push_back(reader.error().message);
      continue;
    }
    if ((*reader)->manifest().checkpoint_id != e.id || (*reader)->manifest().savepoint) {
      latest.skipped.push_back("checkpoint " + e.path.string() +
                               ": its manifest belongs to another checkpoint");
      continue;
    }
    latest.reader = std::move(*reader);
    break;
  }
  return latest;
}

graphs::Result<std::unique_ptr<CheckpointWriter>> begin_savepoint(fs::path directory,
                                                                  std::uint64_t id,
                                                                  JobIdentity job) {
  return CheckpointWriter::create(std::move(directory), id, true, std::move(job));
}

}  // namespace rivulet::runtime::checkpoint

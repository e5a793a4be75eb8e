#pragma once
// The MANIFEST of a checkpoint or savepoint: the job it belongs to, the tasks that took part
// and every file they left, with size and XXH3-64 checksum.
//
// It is written last, atomically; its presence is what makes a checkpoint complete. Text, one
// record per line, so that an operator can read it when recovery goes wrong:
//
//   rivulet-checkpoint-manifest 1
//   checkpoint 42
//   kind checkpoint            (or savepoint)
//   graph <escaped graph name>
//   node <escaped node id>     (one per node of the graph)
//   operator <escaped node id> <escaped kind>   (one per node; absent in older manifests)
//   task <escaped task name>   (one per task, also for tasks with no state)
//   file <escaped task> <escaped relative path> <size> <xxh3 hex>
//   end <xxh3 hex of every byte before this line>
//
// The end line makes a truncated or edited manifest detectable. Relative paths use '/' between
// components; each component is escaped (see names.hpp), so tokens never hold spaces.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/checkpoint/durable_file.hpp"

namespace rivulet::runtime::checkpoint {

inline constexpr std::string_view kManifestFileName = "MANIFEST";

// Which job wrote the state: a restore compares it with the job being started.
struct JobIdentity {
  std::string graph_name;
  std::vector<std::string> node_ids;
  // node id -> operator kind, so a restore can tell a node whose kind changed under the same
  // id (its state belongs to another operator). Empty in manifests written before it existed.
  std::vector<std::pair<std::string, std::string>> node_kinds = {};  // (initialized: aggregates)
  bool operator==(const JobIdentity&) const = default;
};

struct ManifestFile {
  std::string task;
  std::string path;  // on-disk path relative to the task directory, '/'-separated, unescaped
  FileDigest digest;
  bool operator==(const ManifestFile&) const = default;
};

struct Manifest {
  std::uint64_t checkpoint_id = 0;
  bool savepoint = false;
  JobIdentity job;
  std::vector<std::string> tasks;
  std::vector<ManifestFile> files;
  bool operator==(const Manifest&) const = default;
};

std::string serialize_manifest(const Manifest& manifest);
// `origin` (the file's path) prefixes every error message.
graphs::Result<Manifest> parse_manifest(std::string_view text, std::string_view origin);

}  // namespace rivulet::runtime::checkpoint

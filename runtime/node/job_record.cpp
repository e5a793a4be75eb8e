#include "runtime/node/job_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "graphs/graph_io.hpp"

namespace rivulet::runtime::node {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, JobState>& states() {
  static const std::map<std::string, JobState> all = {
      {"created", JobState::Created},       {"running", JobState::Running},
      {"restarting", JobState::Restarting}, {"stopping", JobState::Stopping},
      {"finished", JobState::Finished},     {"failed", JobState::Failed},
      {"cancelled", JobState::Cancelled}};
  return all;
}

graphs::Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return graphs::Error{path.string() + ": cannot read"};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Values are one line each: a newline in a name or override would start a new key.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

}  // namespace

graphs::Status write_file_atomically(const fs::path& path, const std::string& bytes) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return graphs::Error{temporary.string() + ": cannot create"};
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      ::close(fd);
      return graphs::Error{temporary.string() + ": cannot write"};
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return graphs::Error{temporary.string() + ": cannot sync"};
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return graphs::Error{path.string() + ": cannot rename into place: " + ec.message()};
  return graphs::Ok{};
}

graphs::Status JobDirectory::save(const JobRecord& record) const {
  std::ostringstream out;
  out << "id=" << one_line(record.id) << '\n'
      << "name=" << one_line(record.name) << '\n'
      << "state=" << to_string(record.state) << '\n'
      << "deployed=" << record.deployed << '\n'
      << "from_savepoint=" << one_line(record.options.from_savepoint) << '\n'
      << "allow_non_restored_state=" << (record.options.allow_non_restored_state ? 1 : 0) << '\n'
      << "resume_savepoint=" << one_line(record.resume_savepoint) << '\n'
      << "next_savepoint=" << record.next_savepoint << '\n';
  for (const std::string& set : record.options.overrides)
    out << "override=" << one_line(set) << '\n';
  return write_file_atomically(root_ / "job", out.str());
}

graphs::Result<JobRecord> JobDirectory::load() const {
  auto bytes = read_file(root_ / "job");
  if (!bytes) return bytes.error();
  JobRecord record;
  std::istringstream in(*bytes);
  std::string line;
  try {
    while (std::getline(in, line)) {
      const std::size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      if (key == "id") record.id = value;
      if (key == "name") record.name = value;
      if (key == "state") {
        auto it = states().find(value);
        if (it == states().end())
          return graphs::Error{(root_ / "job").string() + ": unknown state '" + value + "'"};
        record.state = it->second;
      }
      if (key == "deployed") record.deployed = std::stoll(value);
      if (key == "from_savepoint") record.options.from_savepoint = value;
      if (key == "allow_non_restored_state") record.options.allow_non_restored_state = value == "1";
      if (key == "resume_savepoint") record.resume_savepoint = value;
      if (key == "next_savepoint")
        record.next_savepoint = static_cast<std::uint32_t>(std::stoul(value));
      if (key == "override") record.options.overrides.push_back(value);
    }
  } catch (const std::exception&) {
    return graphs::Error{(root_ / "job").string() + ": damaged: " + line};
  }
  if (record.id.empty()) return graphs::Error{(root_ / "job").string() + ": no job id"};
  record.options.name = record.name;
  return record;
}

graphs::Status JobDirectory::save_graphs(const std::vector<graphs::Graph>& graphs) const {
  for (std::size_t i = 0; i < graphs.size(); ++i) {
    auto text = graphs::encode_graph(graphs[i], graphs::GraphFormat::Json);
    if (!text) return text.error();
    auto saved = write_file_atomically(root_ / ("graph-" + std::to_string(i) + ".json"), *text);
    if (!saved) return saved;
  }
  return graphs::Ok{};
}

graphs::Result<std::vector<graphs::Graph>> JobDirectory::load_graphs() const {
  std::vector<graphs::Graph> graphs;
  for (std::size_t i = 0;; ++i) {
    const fs::path path = root_ / ("graph-" + std::to_string(i) + ".json");
    std::error_code ec;
    if (!fs::exists(path, ec)) break;
    auto graph = graphs::load_graph(path.string());
    if (!graph) return graphs::Error{path.string() + ": " + graph.error().message};
    graphs.push_back(std::move(graph).value());
  }
  if (graphs.empty()) return graphs::Error{root_.string() + ": no deployed graph"};
  return graphs;
}

graphs::Result<JobId> allocate_job_id(const fs::path& data_dir) {
  const fs::path counter = data_dir / "next-job-id";
  std::uint64_t next = 1;
  if (auto bytes = read_file(counter)) {
    try {
      next = std::stoull(*bytes);
    } catch (const std::exception&) {
      return graphs::Error{counter.string() + ": damaged"};
    }
  }
  // Never below a job directory that exists (a counter lost with a crash).
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_dir / "jobs", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("job-", 0) != 0) continue;
    try {
      next = std::max<std::uint64_t>(next, std::stoull(name.substr(4)) + 1);
    } catch (const std::exception&) {
    }
  }
  auto saved = write_file_atomically(counter, std::to_string(next + 1));
  if (!saved) return saved.error();
  return "job-" + std::to_string(next);
}

}  // namespace rivulet::runtime::node

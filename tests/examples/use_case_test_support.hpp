#pragma once
// Shared pieces of the use-case tests (tests/examples/): a `rivulet broker` process, the
// generator and the pipeline as processes, topics read back read_committed into SQLite
// (Debian's sqlite3 shell), and queries whose results are compared with the pipeline's.

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../runtime/child_process.hpp"
#include "../runtime/cli/fault_test_support.hpp"
#include "../runtime/kafka_client.hpp"

namespace rivulet::examples {

using runtime::faulttest::TempDir;
using runtime::faulttest::write_file;

// `text` as an SQL string literal.
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Runs `sql` on database `db` with the sqlite3 shell (through the file `scratch`); its output
// lines, error messages included.
inline std::vector<std::string> sqlite(const std::filesystem::path& db, const std::string& sql,
                                       const std::filesystem::path& scratch) {
  write_file(scratch, sql);
  const std::string command = "sqlite3 -batch " + db.string() + " < " + scratch.string() + " 2>&1";
  std::vector<std::string> lines;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {"popen failed"};
  char buffer[4096];
  std::string line;
  while (std::fgets(buffer, sizeof buffer, pipe)) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      lines.push_back(line);
      line.clear();
    }
  }
  ::pclose(pipe);
  return lines;
}

// INSERT statements putting every record's value into `table` (seq, value), in the order read.
inline std::string inserts(const std::string& table,
                           const std::vector<runtime::kafkatest::ReadRecord>& records) {
  std::ostringstream out;
  for (const auto& r : records) {
    out << "INSERT INTO " << table << "(value) VALUES(" << quoted(r.value) << ");\n";
  }
  return out.str();
}

// A database of query helpers over one test's directory.
class Sqlite {
 public:
  Sqlite(std::filesystem::path db, std::filesystem::path scratch)
      : db_(std::move(db)), scratch_(std::move(scratch)) {}
  std::vector<std::string> rows(const std::string& query) const {
    return sqlite(db_, query + ";\n", scratch_);
  }
  // The one line `query` prints ("?N lines" otherwise).
  std::string one(const std::string& query) const {
    const auto lines = rows(query);
    return lines.size() == 1 ? lines.front() : "?" + std::to_string(lines.size()) + " lines";
  }
  std::vector<std::string> run(const std::string& script) const {
    return sqlite(db_, script, scratch_);
  }

 private:
  std::filesystem::path db_;
  std::filesystem::path scratch_;
};

}  // namespace rivulet::examples

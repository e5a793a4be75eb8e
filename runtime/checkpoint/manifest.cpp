#include "runtime/checkpoint/manifest.hpp"

#include <charconv>
#include <cstdio>
#include <optional>
#include <set>

#include "runtime/checkpoint/names.hpp"

namespace rivulet::runtime::checkpoint {

namespace {

constexpr std::string_view kMagic = "rivulet-checkpoint-manifest 1";

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<std::uint64_t> parse_u64(std::string_view s, int base = 10) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string escape_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    out += escape_name(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  return out;
}

std::optional<std::string> unescape_path(std::string_view escaped) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = escaped.find('/', start);
    auto part = unescape_name(escaped.substr(start, slash - start));
    // Empty components, "." and ".." would let a manifest point outside its task directory.
    if (!part || part->empty() || *part == "." || *part == "..") return std::nullopt;
    if (part->find('/') != std::string::npos) return std::nullopt;
    out += *part;
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  return out;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t sp = s.find(' ', start);
    out.push_back(s.substr(start, sp - start));
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

}  // namespace

std::string serialize_manifest(const Manifest& m) {
  std::string out;
  out += kMagic;
  out += '\n';
  out += "checkpoint " + std::to_string(m.checkpoint_id) + '\n';
  out += std::string("kind ") + (m.savepoint ? "savepoint" : "checkpoint") + '\n';
  out += "graph " + escape_name(m.job.graph_name) + '\n';
  for (const auto& id : m.job.node_ids) out += "node " + escape_name(id) + '\n';
  for (const auto& [id, kind] : m.job.node_kinds) {
    out += "operator " + escape_name(id) + ' ' + escape_name(kind) + '\n';
  }
  for (const auto& t : m.tasks) out += "task " + escape_name(t) + '\n';
  for (const auto& f : m.files) {
    out += "file " + escape_name(f.task) + ' ' + escape_path(f.path) + ' ' +
           std::to_string(f.digest.size) + ' ' + hex64(f.digest.xxh3) + '\n';
  }
  const FileDigest body = digest_bytes(as_bytes(out));
  out += "end " + hex64(body.xxh3) + '\n';
  return out;
}

graphs::Result<Manifest> parse_manifest(std::string_view text, std::string_view origin) {
  auto fail = [&](std::size_t line_no, const std::string& why) {
    return graphs::Error{std::string(origin) + ": line " + std::to_string(line_no) + ": " + why};
  };
  Manifest m;
  bool saw_checkpoint = false, saw_kind = false, saw_graph = false, saw_end = false;
  std::set<std::string> tasks;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return fail(line_no, "truncated (line has no end)");
    const std::string_view line = text.substr(pos, nl - pos);
    const std::size_t line_start = pos;
    pos = nl + 1;
    if (saw_end) return fail(line_no, "data after the end line");
    if (line_no == 1) {
      if (line != kMagic) return fail(line_no, "not a Rivulet checkpoint manifest (version 1)");
      continue;
    }
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return fail(line_no, "malformed line");
    const std::string_view key = line.substr(0, sp);
    const std::string_view rest = line.substr(sp + 1);
    if (key == "end") {
      const auto expected = parse_u64(rest, 16);
      const FileDigest body = digest_bytes(as_bytes(text.substr(0, line_start)));
      if (!expected || *expected != body.xxh3) return fail(line_no, "checksum mismatch");
      saw_end = true;
    } else if (key == "checkpoint") {
      const auto id = parse_u64(rest);
      if (!id) return fail(line_no, "bad checkpoint id");
      m.checkpoint_id = *id;
      saw_checkpoint = true;
    } else if (key == "kind") {
      if (rest != "checkpoint" && rest != "savepoint") return fail(line_no, "unknown kind");
      m.savepoint = rest == "savepoint";
      saw_kind = true;
    } else if (key == "graph" || key == "node" || key == "task") {
      auto name = unescape_name(rest);
      if (!name) return fail(line_no, "malformed name");
      if (key == "graph") {
        m.job.graph_name = std::move(*name);
        saw_graph = true;
      } else if (key == "node") {
        m.job.node_ids.push_back(std::move(*name));
      } else {
        if (!tasks.insert(*name).second) return fail(line_no, "task listed twice");
        m.tasks.push_back(std::move(*name));
      }
    } else if (key == "operator") {
      const auto parts = split_spaces(rest);
      if (parts.size() != 2) return fail(line_no, "malformed operator line");
      auto id = unescape_name(parts[0]);
      auto kind = unescape_name(parts[1]);
      if (!id || !kind) return fail(line_no, "malformed operator line");
      m.job.node_kinds.emplace_back(std::move(*id), std::move(*kind));
    } else if (key == "file") {
      const auto parts = split_spaces(rest);
      if (parts.size() != 4) return fail(line_no, "malformed file line");
      auto task = unescape_name(parts[0]);
      auto path = unescape_path(parts[1]);
      const auto size = parse_u64(parts[2]);
      const auto hash = parse_u64(parts[3], 16);
      if (!task || !path || !size || !hash) return fail(line_no, "malformed file line");
      if (!tasks.contains(*task)) return fail(line_no, "file of an unlisted task");
      m.files.push_back(ManifestFile{std::move(*task), std::move(*path), FileDigest{*size, *hash}});
    } else {
      return fail(line_no, "unknown record '" + std::string(key) + "'");
    }
  }
  if (!saw_end) return fail(line_no, "truncated (no end line)");
  if (!saw_checkpoint || !saw_kind || !saw_graph) return fail(line_no, "incomplete header");
  return m;
}

}  // namespace rivulet::runtime::checkpoint

#include "graphs/wire_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rivulet::graphs::wire_io {
namespace {

constexpr std::size_t kMaxMessageWords = kMaxMessageBytes / sizeof(capnp::word);
constexpr int kNestingLimit = 16;

std::string errno_text(int err) { return std::strerror(err); }

// Cap'n Proto's packing: per word a tag byte (bit i set: byte i follows, else it is zero);
// tag 0x00 is followed by a count of further all-zero words, tag 0xff by a count of words copied
// verbatim. Done by hand rather than with PackedMessageReader so the output grows only as real
// input arrives instead of trusting the segment table's claimed size.
std::string unpack(std::string_view in) {
  std::string out;
  std::size_t pos = 0;
  auto need = [&](std::size_t n) {
    if (in.size() - pos < n) {
      throw InvalidDocument("at byte " + std::to_string(in.size()) +
                            ": packed data ends in the middle of a word");
    }
  };
  auto grow = [&](std::size_t n) {
    if (out.size() + n > kMaxMessageBytes) {
      throw InvalidDocument("packed data unpacks to more than 64 MiB");
    }
  };
  while (pos < in.size()) {
    auto tag = static_cast<unsigned char>(in[pos++]);
    grow(8);
    for (int bit = 0; bit < 8; ++bit) {
      if (tag & (1u << bit)) {
        need(1);
        out.push_back(in[pos++]);
      } else {
        out.push_back('\0');
      }
    }
    if (tag == 0x00 || tag == 0xff) {
      need(1);
      std::size_t count = static_cast<unsigned char>(in[pos++]);
      grow(count * 8);
      if (tag == 0x00) {
        out.append(count * 8, '\0');
      } else {
        need(count * 8);
        out.append(in.substr(pos, count * 8));
        pos += count * 8;
      }
    }
  }
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Four hex digits at `at`, or throws.
std::uint32_t hex4(std::string_view s, std::size_t at) {
  if (s.size() - at < 4) throw InvalidDocument("incomplete \\u escape in a JSON string");
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      throw InvalidDocument("invalid \\u escape in a JSON string");
    }
  }
  return v;
}

}  // namespace

std::string resolve_unicode_escapes(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (!in_string) {
      in_string = c == '"';
      out.push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = false;
      out.push_back(c);
      continue;
    }
    if (c != '\\' || i + 1 >= json.size()) {
      out.push_back(c);
      continue;
    }
    if (json[i + 1] != 'u') {  // other escapes parse correctly; keep them
      out.append(json.substr(i, 2));
      ++i;
      continue;
    }
    std::uint32_t cp = hex4(json, i + 2);
    i += 5;
    if (cp >= 0xdc00 && cp <= 0xdfff) throw InvalidDocument("unpaired surrogate in a JSON string");
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (json.substr(i + 1, 2) != "\\u") {
        throw InvalidDocument("unpaired surrogate in a JSON string");
      }
      std::uint32_t low = hex4(json, i + 3);
      if (low < 0xdc00 || low > 0xdfff) {
        throw InvalidDocument("unpaired surrogate in a JSON string");
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      i += 6;
    }
    // The parser stops at a raw NUL (kept as \u0000: decimal digits only, which it reads
    // correctly) and must not see a raw quote or backslash (kept as \" and \\).
    if (cp == 0) {
      out.append("\\u0000");
    } else if (cp == '"') {
      out.append("\\\"");
    } else if (cp == '\\') {
      out.append("\\\\");
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

std::string describe(const kj::Exception& e) {
  std::string text = e.getDescription().cStr();
  if (text.rfind("expected ", 0) == 0) {
    auto cut = text.find("; ");
    if (cut != std::string::npos) text.erase(0, cut + 2);
  }
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

void check_version(const DocumentKind& kind, std::uint32_t version) {
  if (version == 0) throw InvalidDocument("formatVersion: missing format version");
  if (version > kind.current_version) {
    throw VersionError(std::string(kind.noun) + " format version " + std::to_string(version) +
                       " is newer than this Rivulet supports (" +
                       std::to_string(kind.current_version) + "); upgrade Rivulet to open it");
  }
}

kj::Array<capnp::word> message_words(std::string_view bytes, GraphFormat format) {
  if (bytes.empty()) throw InvalidDocument("at byte 0: the data is empty");
  std::string unpacked;
  if (format == GraphFormat::Packed) {
    unpacked = unpack(bytes);
    bytes = unpacked;
  }
  if (bytes.size() % sizeof(capnp::word) != 0) {
    throw InvalidDocument(
        "at byte " + std::to_string(bytes.size() - bytes.size() % sizeof(capnp::word)) +
        ": the message ends in the middle of a word (its size, " + std::to_string(bytes.size()) +
        " bytes, is not a multiple of 8: truncated, or not a Cap'n Proto message)");
  }
  if (bytes.size() > kMaxMessageBytes) throw InvalidDocument("message is larger than 64 MiB");
  // Copied: the caller's bytes need not be 8-byte aligned, and Cap'n Proto reads words in place.
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  return words;
}

capnp::ReaderOptions reader_options(std::size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = std::min<std::size_t>(kMaxMessageWords, 4 * words + 4096);
  options.nestingLimit = kNestingLimit;
  return options;
}

std::size_t segment_table_bytes(kj::ArrayPtr<const capnp::word> words) {
  if (words.size() == 0) return 0;
  std::uint32_t first;
  std::memcpy(&first, words.begin(), sizeof first);
  std::uint64_t count = std::uint64_t{first} + 1;
  return static_cast<std::size_t>((4 * (count + 1) + 7) / 8 * 8);
}

std::uint32_t json_format_version(capnp::JsonValue::Reader root) {
  for (auto field : root.getObject()) {
    if (field.getName() != "formatVersion") continue;
    auto value = field.getValue();
    if (value.isNumber()) {
      double n = value.getNumber();
      if (n >= 0 && n <= 4294967295.0 && n == static_cast<double>(static_cast<std::uint32_t>(n))) {
        return static_cast<std::uint32_t>(n);
      }
      throw InvalidDocument("formatVersion: must be a positive whole number");
    }
    if (value.isString()) {
      std::string text = wire_convert::str(value.getString());
      if (!text.empty() && text.size() <= 10 &&
          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        auto n = std::stoull(text);
        if (n <= 0xffffffffull) return static_cast<std::uint32_t>(n);
      }
    }
    throw InvalidDocument("formatVersion: must be a positive whole number");
  }
  return 0;
}

Result<std::string> read_file(const std::string& path, const char* what) {
  std::string subject = std::string(what) + " '" + path + "'";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open " + subject + ": " + errno_text(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error{"cannot read " + subject + ": " + errno_text(err)};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{"cannot read " + subject + ": not a regular file"};
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxMessageBytes) {
    ::close(fd);
    return Error{"cannot read " + subject + ": larger than 64 MiB"};
  }
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Error{"cannot read " + subject + ": " + errno_text(err)};
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
    if (bytes.size() > kMaxMessageBytes) {
      ::close(fd);
      return Error{"cannot read " + subject + ": larger than 64 MiB"};
    }
  }
  ::close(fd);
  return bytes;
}

Status write_file_atomically(const std::string& path, std::string_view bytes, const char* what) {
  std::string subject = std::string(what) + " '" + path + "'";
  std::string temp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return Error{"cannot write " + subject + ": " + errno_text(errno)};
  auto fail = [&](int err) -> Status {
    ::close(fd);
    ::unlink(temp.c_str());
    return Error{"cannot write " + subject + ": " + errno_text(err)};
  };
  // mkstemp makes the file private; a saved graph should be readable like any other file, and
  // replacing an existing one should keep its permissions.
  struct stat st {};
  mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) return fail(errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Error{"cannot write " + subject + ": " + errno_text(err)};
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Error{"cannot write " + subject + ": " + errno_text(err)};
  }
  return Ok{};
}

}  // namespace rivulet::graphs::wire_io

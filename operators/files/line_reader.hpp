#pragma once
// Reads a file line by line in large chunks, remembering the byte offset after each returned
// line (the file source's checkpointed position). At the end of the file it can either hand
// out a last line without a newline (bounded reading) or hold it back until its newline is
// written (following a file that is still being appended to).

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "graphs/result.hpp"

namespace rivulet::operators::files {

class LineReader {
 public:
  // Opens `path` positioned at `offset` (0: the start). Errors say which file and why.
  static graphs::Result<std::unique_ptr<LineReader>> open(const std::string& path,
                                                          std::uint64_t offset = 0);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its "\n" (or "\r\n"); valid until the next call. nullopt when no
  // complete line is available now; with `take_unterminated`, a final line lacking its newline
  // counts as complete at the end of the file.
  std::optional<std::string_view> next(bool take_unterminated);

  // True once a read found the end of the file and every buffered byte was handed out. A later
  // next() tries again, so a followed file picks up appended lines.
  bool at_end() const { return at_eof_ && begin_ == buffer_.size(); }
  // Byte offset just after the last line returned.
  std::uint64_t offset() const { return offset_; }

 private:
  LineReader(std::FILE* file, std::uint64_t offset) : file_(file), offset_(offset) {}
  // Reads one more chunk; false at the end of the file (for now).
  bool fill();

  std::FILE* file_;
  std::string buffer_;
  std::size_t begin_ = 0;    // first byte of buffer_ not yet returned
  std::size_t scanned_ = 0;  // bytes from begin_ known to contain no newline
  std::uint64_t offset_;
  bool at_eof_ = false;
};

}  // namespace rivulet::operators::files

#include "operators/files/line_reader.hpp"

#include <cerrno>
#include <cstring>

namespace rivulet::operators::files {
namespace {

constexpr std::size_t kChunk = 1 << 16;

}  // namespace

graphs::Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path,
                                                             std::uint64_t offset) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return graphs::Error{"cannot open '" + path + "' for reading: " + std::strerror(errno)};
  }
  if (offset > 0 && fseeko(file, static_cast<off_t>(offset), SEEK_SET) != 0) {
    const std::string reason = std::strerror(errno);
    std::fclose(file);
    return graphs::Error{"cannot seek to byte " + std::to_string(offset) + " of '" + path +
                         "': " + reason};
  }
  return std::unique_ptr<LineReader>(new LineReader(file, offset));  // private constructor
}

LineReader::~LineReader() { std::fclose(file_); }

bool LineReader::fill() {
  if (begin_ > 0) {  // drop what was handed out, keep the partial line
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  std::clearerr(file_);  // a followed file may have grown since the last end of file
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunk);
  const std::size_t got = std::fread(buffer_.data() + old_size, 1, kChunk, file_);
  buffer_.resize(old_size + got);
  at_eof_ = got < kChunk;
  return got > 0;
}

std::optional<std::string_view> LineReader::next(bool take_unterminated) {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', begin_ + scanned_);
    if (newline != std::string::npos) {
      std::string_view line(buffer_.data() + begin_, newline - begin_);
      offset_ += newline + 1 - begin_;
      begin_ = newline + 1;
      scanned_ = 0;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return line;
    }
    scanned_ = buffer_.size() - begin_;
    if (!fill()) break;
  }
  if (take_unterminated && begin_ < buffer_.size()) {
    std::string_view line(buffer_.data() + begin_, buffer_.size() - begin_);
    offset_ += line.size();
    begin_ = buffer_.size();
    scanned_ = 0;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  return std::nullopt;
}

}  // namespace rivulet::operators::files

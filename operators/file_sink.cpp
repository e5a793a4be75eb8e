#include "operators/file_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "operators/codecs/record_encoder.hpp"
#include "operators/common_parameters.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/file_confinement.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_sink_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("file_sink", "sink",
                  "Writes records to a file, one per line (JSON lines by default). Output is "
                  "flushed on each checkpoint. At least once: after a restart the records since "
                  "the last checkpoint may be written again.")
      // One writer per file; lines from several instances would interleave.
      .max_parallelism(1)
      .inputs({input("in", "Records to write.")})
      .parameters({
          required_text("path",
                        "File to write, inside the file root (the working directory or "
                        "--file-root of rivulet run, a node's --file-root); relative paths are "
                        "taken from there, and '..', other absolute paths and symlinks leading "
                        "out are refused. Missing directories are created."),
          common::format(),
          common::csv_delimiter(),
          enumeration("mode", {"overwrite", "append"}, "overwrite",
                      "overwrite: truncate the file when the job starts (never on a restart from "
                      "a checkpoint). append: add to what is already there."),
      });
}

namespace {

// Encoded lines are collected and written in blocks of about this size.
constexpr std::size_t kWriteBlock = 1 << 20;

class FileSink final : public runtime::Operator {
 public:
  FileSink(std::string node_id, std::string path, bool append,
           std::unique_ptr<codecs::RecordEncoder> encoder)
      : node_id_(std::move(node_id)),
        path_(std::move(path)),
        append_(append),
        encoder_(std::move(encoder)) {}

  ~FileSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  graphs::Status open(const runtime::OperatorContext& /*context*/) override {
    std::error_code ec;
    const auto parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return error("cannot create directory '" + parent.string() + "': " + ec.message());
    file_ = std::fopen(path_.c_str(), append_ ? "ab" : "wb");
    if (file_ == nullptr) {
      return error("cannot open '" + path_ + "' for writing: " + std::strerror(errno));
    }
    return graphs::Ok{};
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& /*out*/) override {
    for (std::size_t row = 0; row < batch->num_rows(); ++row) {
      encoder_->encode(*batch, row, buffer_);
      buffer_.push_back('\n');
    }
    if (buffer_.size() >= kWriteBlock) write_buffer();
  }

  void on_end_of_input(runtime::Collector& /*out*/) override { flush(false); }

  // At least once: everything before the barrier is on disk before the checkpoint completes.
  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& /*w*/) override {
    flush(true);
    return graphs::Ok{};
  }

  void close() override {
    if (file_ == nullptr) return;
    flush(false);
    std::fclose(file_);
    file_ = nullptr;
  }

 private:
  graphs::Error error(const std::string& message) const {
    return graphs::Error{"node '" + node_id_ + "' (file_sink): " + message};
  }

  // Write failures (disk full) fail the task: the runner reports the message.
  void write_buffer() {
    if (buffer_.empty() || file_ == nullptr) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      throw std::runtime_error(
          error("writing '" + path_ + "' failed: " + std::strerror(errno)).message);
    }
    buffer_.clear();
  }

  void flush(bool durable) {
    write_buffer();
    if (file_ == nullptr) return;
    if (std::fflush(file_) != 0 || (durable && ::fsync(::fileno(file_)) != 0)) {
      throw std::runtime_error(
          error("flushing '" + path_ + "' failed: " + std::strerror(errno)).message);
    }
  }

  std::string node_id_;
  std::string path_;
  bool append_;
  std::unique_ptr<codecs::RecordEncoder> encoder_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

}  // namespace

graphs::Result<std::unique_ptr<runtime::Operator>> make_file_sink(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  auto path = params.string("path");
  if (!path) return path.error();
  if (!context.file_root.empty()) {
    auto confined = runtime::confine_to_root(context.file_root, *path);
    if (!confined) return params.error("path", confined.error().message);
    *path = *confined;
  }
  auto format = params.string("format");
  if (!format) return format.error();
  auto delimiter = params.string("csv_delimiter");
  if (!delimiter) return delimiter.error();
  auto mode = params.string("mode");
  if (!mode) return mode.error();
  if (context.input_schemas.empty()) return params.error("path", "the sink has no input schema");
  auto encoder = codecs::make_encoder(*format, context.input_schemas[0], *delimiter);
  if (!encoder) return params.error("format", encoder.error().message);
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<FileSink>(context.node.id, *path, *mode == "append", std::move(*encoder)));
}

runtime::OperatorFactory file_sink_factory() { return runtime::TransformFactory(make_file_sink); }

}  // namespace rivulet::operators

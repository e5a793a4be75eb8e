#include "operators/file_source.hpp"

#include <cstring>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "operators/codecs/record_decoder.hpp"
#include "operators/common_parameters.hpp"
#include "operators/files/line_reader.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/file_confinement.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_source_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("file_source", "source",
                  "Reads records from a file, one per line (JSON lines by default). Bounded: the "
                  "source ends at the end of the file, unless 'follow' keeps reading appended "
                  "lines. The byte offset is checkpointed, so a restore resumes at the same line.")
      .stateful()
      // One reader per file: lines have no partitions to divide among instances.
      .max_parallelism(1)
      .outputs({
          output("out", from_parameter("schema"), "The decoded records, with the 'schema' fields."),
          dropping_output(
              "dead_letters",
              fixed({field("reason", FieldType::String), field("raw", FieldType::String),
                     field("path", FieldType::String), field("line", FieldType::Int64)}),
              "Lines that could not be decoded (with on_parse_error = dead_letter): why "
              "(reason), the line itself (raw), the file and the 1-based line number.",
              "lines that do not decode (on_parse_error = dead_letter)"),
      })
      .parameters({
          required_text("path",
                        "File to read, inside the file root (the working directory or "
                        "--file-root of rivulet run, a node's --file-root); relative paths are "
                        "taken from there, and '..', other absolute paths and symlinks leading "
                        "out are refused."),
          common::format(),
          common::csv_delimiter(),
          required_schema("schema", "Fields of the decoded records, in order."),
          boolean("follow", false,
                  "Keep reading lines appended to the file (like tail -f) instead of ending at "
                  "its end; the source then never ends."),
          common::on_parse_error(),
          common::event_time_field("the time the line is read (processing time)."),
          common::max_out_of_orderness(seconds(5)),
      });
}

namespace {

constexpr std::size_t kBatchRows = 1024;
// A followed file without new lines is checked again after this pause (no busy polling).
constexpr std::int64_t kFollowPauseNs = 50'000'000;
// Parse errors without a dead-letter output are logged, but not every one of a broken file.
constexpr std::uint64_t kLoggedErrors = 10;

enum class OnParseError { DeadLetter, Skip, Fail };

struct FileSourceOptions {
  std::string node_id;
  std::string path;
  bool follow = false;
  OnParseError on_parse_error = OnParseError::DeadLetter;
  std::int64_t max_out_of_orderness_ms = 0;
  codecs::DecoderOptions decoder;
  runtime::SchemaPtr dead_letter_schema;
};

class FileSource final : public FileSourceOperator {
 public:
  FileSource(FileSourceOptions options, std::shared_ptr<generators::Clock> clock)
      : options_(std::move(options)),
        clock_(std::move(clock)),
        records_(options_.decoder.schema, kBatchRows),
        dead_letters_(options_.dead_letter_schema, 16) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    record_counters_ = context.counters;
    auto decoder = codecs::make_decoder(options_.decoder);
    if (!decoder) return error(decoder.error().message);
    decoder_ = std::move(*decoder);
    return open_at(0, 0);
  }

  void poll(runtime::SourceCollector& out, std::size_t max_batches) override {
    for (std::size_t b = 0; b < max_batches && !exhausted_;) {
      auto line = reader_->next(/*take_unterminated=*/!options_.follow);
      if (!line) {
        if (!options_.follow) {
          exhausted_ = true;
        } else if (records_.empty() && dead_letters_.empty()) {
          // Nothing new: let downstream windows advance without us, and wait a little.
          if (!idle_) out.mark_idle(idle_ = true);
          clock_->sleep_ns(kFollowPauseNs);
          return;
        }
        break;
      }
      ++line_number_;
      if (line->empty()) continue;  // blank lines separate nothing in JSON lines
      if (idle_) out.mark_idle(idle_ = false);
      ++counters_.lines;
      read_line(*line);
      if (records_.num_rows() >= kBatchRows) {
        flush(out);
        ++b;
      }
    }
    flush(out);
  }

  bool has_more() const override { return !exhausted_; }

  const FileSourceCounters& counters() const override { return counters_; }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    // Barriers come between polls, when every line read so far has been emitted.
    const std::uint64_t position[2] = {reader_->offset(), line_number_};
    return writer.write_blob("position", std::as_bytes(std::span(position)));
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (!reader.has_blob("position")) return graphs::Ok{};
    auto bytes = reader.read_blob("position");
    if (!bytes) return bytes.error();
    std::uint64_t position[2] = {0, 0};
    if (bytes->size() != sizeof position) return error("checkpointed position is malformed");
    std::memcpy(position, bytes->data(), sizeof position);
    return open_at(position[0], position[1]);
  }

  void close() override { reader_.reset(); }

 private:
  graphs::Status open_at(std::uint64_t offset, std::uint64_t line_number) {
    auto reader = files::LineReader::open(options_.path, offset);
    if (!reader) return error(reader.error().message);
    reader_ = std::move(*reader);
    line_number_ = line_number;
    exhausted_ = false;
    return graphs::Ok{};
  }

  graphs::Error error(const std::string& message) const {
    return graphs::Error{"node '" + options_.node_id + "' (file_source): " + message};
  }

  void read_line(std::string_view line) {
    const std::int64_t now = clock_->epoch_ms();
    graphs::Status decoded = decoder_->decode(line, records_, now);
    if (decoded) {
      ++counters_.records;
      return;
    }
    ++counters_.parse_errors;
    const std::string& reason = decoded.error().message;
    switch (options_.on_parse_error) {
      case OnParseError::Fail:
        throw std::runtime_error(
            error("line " + std::to_string(line_number_) + " of '" + options_.path + "': " + reason)
                .message);
      case OnParseError::DeadLetter:
        dead_letters_.append_string(0, reason);
        dead_letters_.append_string(1, line);
        dead_letters_.append_string(2, options_.path);
        dead_letters_.append_int64(3, static_cast<std::int64_t>(line_number_));
        dead_letters_.end_row(now);
        if (record_counters_) record_counters_->count_dead_letters(1);
        break;
      case OnParseError::Skip:
        if (record_counters_) record_counters_->count_skipped(1);
        if (counters_.parse_errors <= kLoggedErrors) {
          std::cerr << "rivulet: " << options_.node_id << ": skipped line " << line_number_
                    << " of '" << options_.path << "': " << reason << '\n';
        }
        break;
    }
  }

  void flush(runtime::SourceCollector& out) {
    if (!dead_letters_.empty()) out.emit(1, dead_letters_.finish());
    if (records_.empty()) return;
    runtime::BatchPtr batch = records_.finish();
    for (std::int64_t t : batch->event_times()) max_event_time_ = std::max(max_event_time_, t);
    out.emit(0, std::move(batch));
    // Watermark = highest event time seen - bound - 1, as kafka_source: records within the
    // bound of the newest one are not late.
    const std::int64_t watermark = max_event_time_ - options_.max_out_of_orderness_ms - 1;
    if (max_event_time_ > INT64_MIN / 2 && watermark > emitted_watermark_) {
      emitted_watermark_ = watermark;
      out.emit_watermark(watermark);
    }
  }

  FileSourceOptions options_;
  std::shared_ptr<generators::Clock> clock_;
  std::unique_ptr<codecs::RecordDecoder> decoder_;
  std::unique_ptr<files::LineReader> reader_;
  runtime::BatchBuilder records_;
  runtime::BatchBuilder dead_letters_;
  FileSourceCounters counters_;
  runtime::RecordCounters* record_counters_ = nullptr;  // the task's, shown by the runtime
  std::uint64_t line_number_ = 0;
  bool exhausted_ = false;
  bool idle_ = false;
  // Far below any real time, but far enough from INT64_MIN that subtracting the bound is safe.
  std::int64_t max_event_time_ = INT64_MIN / 2;
  std::int64_t emitted_watermark_ = INT64_MIN;
};

}  // namespace

graphs::Result<std::unique_ptr<FileSourceOperator>> make_file_source(
    const runtime::OperatorBuildContext& context, std::shared_ptr<generators::Clock> clock) {
  const ParameterReader params(context);
  FileSourceOptions options;
  options.node_id = context.node.id;
  auto path = params.string("path");
  if (!path) return path.error();
  options.path = *path;
  if (!context.file_root.empty()) {
    auto confined = runtime::confine_to_root(context.file_root, *path);
    if (!confined) return params.error("path", confined.error().message);
    options.path = *confined;
  }
  auto follow = params.boolean("follow");
  if (!follow) return follow.error();
  options.follow = *follow;
  auto on_error = params.string("on_parse_error");
  if (!on_error) return on_error.error();
  options.on_parse_error = *on_error == "skip"   ? OnParseError::Skip
                           : *on_error == "fail" ? OnParseError::Fail
                                                 : OnParseError::DeadLetter;
  auto bound = params.duration_ms("max_out_of_orderness");
  if (!bound) return bound.error();
  options.max_out_of_orderness_ms = std::max<std::int64_t>(*bound, 0);

  auto format = params.string("format");
  if (!format) return format.error();
  auto delimiter = params.string("csv_delimiter");
  if (!delimiter) return delimiter.error();
  auto event_time_field = params.string("event_time_field");
  if (!event_time_field) return event_time_field.error();
  graphs::Schema schema;
  if (!context.output_schemas.empty()) {
    schema = context.output_schemas[0];
  } else {
    auto declared = params.schema("schema");
    if (!declared) return declared.error();
    schema = std::move(*declared);
  }
  options.decoder.format = *format;
  options.decoder.schema = std::make_shared<const graphs::Schema>(std::move(schema));
  options.decoder.event_time_field = *event_time_field;
  options.decoder.csv_delimiter = *delimiter;
  // Checked here already so a bad option fails the build of the job, not its start.
  if (auto decoder = codecs::make_decoder(options.decoder); !decoder) {
    return params.error(*format == "csv" ? "csv_delimiter" : "event_time_field",
                        decoder.error().message);
  }

  graphs::Schema dead_letters;
  if (context.output_schemas.size() > 1) {
    dead_letters = context.output_schemas[1];
  } else {
    dead_letters = context.spec.output("dead_letters")->schema.fields;
  }
  options.dead_letter_schema = std::make_shared<const graphs::Schema>(std::move(dead_letters));
  return std::unique_ptr<FileSourceOperator>(
      std::make_unique<FileSource>(std::move(options), std::move(clock)));
}

runtime::OperatorFactory file_source_factory() {
  return runtime::SourceFactory([](const runtime::OperatorBuildContext& context)
                                    -> graphs::Result<std::unique_ptr<runtime::SourceOperator>> {
    auto source = make_file_source(context, std::make_shared<generators::SystemClock>());
    if (!source) return source.error();
    return std::unique_ptr<runtime::SourceOperator>(std::move(*source));
  });
}

}  // namespace rivulet::operators

#include "operators/file_source.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

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
          output("dead_letters",
                 fixed({field("reason", FieldType::String), field("raw", FieldType::String),
                        field("path", FieldType::String), field("line", FieldType::Int64)}),
                 "Lines that could not be decoded (with on_parse_error = dead_letter): why "
                 "(reason), the line itself (raw), the file and the 1-based line number."),
      })
      .parameters({
          required_text("path",
                        "File to read; relative paths are relative to the working "
                        "directory of the runtime node."),
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

OperatorFactory file_source_factory() { return {}; }

}  // namespace rivulet::operators

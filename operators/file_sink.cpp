#include "operators/file_sink.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

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
                        "File to write; relative paths are relative to the working "
                        "directory of the runtime node. Missing directories are "
                        "created."),
          common::format(),
          common::csv_delimiter(),
          enumeration("mode", {"overwrite", "append"}, "overwrite",
                      "overwrite: truncate the file when the job starts (never on a restart from "
                      "a checkpoint). append: add to what is already there."),
      });
}

OperatorFactory file_sink_factory() { return {}; }

}  // namespace rivulet::operators

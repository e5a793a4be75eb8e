#pragma once
// file_source: Reads JSON-lines (or CSV) records from a file, once or following appends.
// Decoding is the shared codec of operators/codecs (the same as kafka_source's).

#include <cstdint>
#include <memory>

#include "graphs/catalog.hpp"
#include "graphs/result.hpp"
#include "operators/generators/clock.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_source_spec();
runtime::OperatorFactory file_source_factory();

// What a file source has read so far (tests, and the run summary once the CLI asks for it).
struct FileSourceCounters {
  std::uint64_t lines = 0;         // non-empty lines read
  std::uint64_t records = 0;       // decoded into the output
  std::uint64_t parse_errors = 0;  // dead-lettered or skipped
};

class FileSourceOperator : public runtime::SourceOperator {
 public:
  virtual const FileSourceCounters& counters() const = 0;
};

// One instance; `clock` gives the read time used as event time without event_time_field, and
// the pause of a followed file that has no new lines.
graphs::Result<std::unique_ptr<FileSourceOperator>> make_file_source(
    const runtime::OperatorBuildContext& context, std::shared_ptr<generators::Clock> clock);

}  // namespace rivulet::operators

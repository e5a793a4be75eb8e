#pragma once
// file_sink: Writes records to a file as JSON lines (or CSV), with the shared encoders of
// operators/codecs (the same as kafka_sink's).

#include <memory>

#include "graphs/catalog.hpp"
#include "graphs/result.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_sink_spec();
runtime::OperatorFactory file_sink_factory();

graphs::Result<std::unique_ptr<runtime::Operator>> make_file_sink(
    const runtime::OperatorBuildContext& context);

}  // namespace rivulet::operators

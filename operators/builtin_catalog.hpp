#pragma once
// The operators that ship with Rivulet. `rivulet catalog export`, the validator in the CLI and
// the runtime all start from here.

#include "graphs/catalog.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators {

// Every built-in operator, registered once on first use (thread-safe) and immutable after.
const runtime::OperatorRegistry& builtin_registry();

// builtin_registry().catalog(): the built-ins in a stable order (sources, transforms, keying,
// windows and joins, alerts, sinks).
graphs::Catalog builtin_catalog();

}  // namespace rivulet::operators

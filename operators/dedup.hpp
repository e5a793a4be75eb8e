#pragma once
// dedup: Drops records whose key was already seen within a time horizon.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory dedup_factory();

// The keys a dedup instance remembered in a checkpoint (its StateReader there), for tools and
// benchmarks, so nothing outside dedup decodes its state layout. Memory backend only: the
// RocksDB state records no count (an error says so); no dedup state at all reads as 0.
graphs::Result<std::uint64_t> dedup_keys_in_checkpoint(runtime::StateReader& reader);

}  // namespace rivulet::operators

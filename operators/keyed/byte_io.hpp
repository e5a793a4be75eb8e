#pragma once
// Operators' names for the state layer's blob encoding (runtime/state/state_blob.hpp).

#include "runtime/state/state_blob.hpp"

namespace rivulet::operators::keyed {

using runtime::state::ByteReader;
using runtime::state::ByteWriter;

}  // namespace rivulet::operators::keyed

#pragma once
// dedup: Drops records whose key was already seen within a time horizon.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec();

}  // namespace rivulet::operators

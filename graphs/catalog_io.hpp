#pragma once
// Reading and writing the operator catalog file (catalog.capnp): binary (.rcatalog) or JSON
// (.json), chosen by extension like graph files.

#include <string>
#include <string_view>

#include "graphs/catalog.hpp"
#include "graphs/graph_io.hpp"
#include "graphs/result.hpp"

namespace rivulet::graphs {

Result<Catalog> decode_catalog(std::string_view bytes, GraphFormat format);
Result<std::string> encode_catalog(const Catalog& catalog, GraphFormat format);

Result<Catalog> load_catalog(const std::string& path);
Status save_catalog(const Catalog& catalog, const std::string& path);

}  // namespace rivulet::graphs

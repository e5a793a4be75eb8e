#include "graphs/graph_io.hpp"

#include "graphs/graph.capnp.h"
#include "graphs/graph_wire.hpp"
#include "graphs/wire_io.hpp"

namespace rivulet::graphs {
namespace {

static_assert(wire::CURRENT_FORMAT_VERSION == kCurrentFormatVersion,
              "graph.capnp and graph.hpp disagree about the current format version");

constexpr wire_io::DocumentKind kGraphKind{"graph", "Rivulet graph", kCurrentFormatVersion};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<Graph> decode(std::string_view bytes, GraphFormat format, const std::string& subject) {
  return wire_io::decode_document<wire::Graph>(
      bytes, format, kGraphKind, subject,
      [](wire::Graph::Reader root) { return wire_convert::from_wire(root); });
}

}  // namespace

Result<GraphFormat> format_for_path(const std::string& path) {
  if (ends_with(path, ".rgraph")) return GraphFormat::Binary;
  if (ends_with(path, ".rgraphp")) return GraphFormat::Packed;
  if (ends_with(path, ".json")) return GraphFormat::Json;
  return Error{"graph file '" + path +
               "' has an unknown extension; use .rgraph (binary), .rgraphp (packed) or .json"};
}

Result<Graph> decode_graph(std::string_view bytes, GraphFormat format) {
  return decode(bytes, format, "");
}

Result<std::string> encode_graph(const Graph& graph, GraphFormat format) {
  return wire_io::encode_document<wire::Graph>(
      format, kGraphKind, [&](wire::Graph::Builder root) { wire_convert::to_wire(graph, root); });
}

Result<Graph> load_graph(const std::string& path) {
  auto format = format_for_path(path);
  if (!format) return format.error();
  auto bytes = wire_io::read_file(path, "graph file");
  if (!bytes) return bytes.error();
  return decode(*bytes, *format, "graph file '" + path + "'");
}

Status save_graph(const Graph& graph, const std::string& path) {
  auto format = format_for_path(path);
  if (!format) return format.error();
  auto bytes = encode_graph(graph, *format);
  if (!bytes) return bytes.error();
  return wire_io::write_file_atomically(path, *bytes, "graph file");
}

}  // namespace rivulet::graphs

#include "editor/auto_layout.hpp"

#include <graphviz/gvc.h>
#include <graphviz/types.h>  // ND_coord

#include <algorithm>
#include <optional>
#include <vector>

#include "editor/node_item.hpp"

namespace rivulet::editor {
namespace {

constexpr double kPointsPerInch = 72.0;
constexpr double kRankGap = 90;  // horizontal gap between layers, scene units
constexpr double kNodeGap = 40;  // vertical gap inside a layer

std::optional<std::map<std::string, graphs::Position>> graphvizLayout(
    const graphs::Graph& graph, const graphs::Catalog& catalog) {
  GVC_t* gvc = gvContext();
  if (!gvc) return std::nullopt;
  char graph_name[] = "rivulet";
  Agraph_t* g = agopen(graph_name, Agdirected, nullptr);
  // agattr/agsafeset take char*; Graphviz copies the strings.
  auto set_default = [&](int kind, const char* name, const char* value) {
    agattr(g, kind, const_cast<char*>(name), const_cast<char*>(value));
  };
  set_default(AGRAPH, "rankdir", "LR");
  set_default(AGRAPH, "nodesep", "0.5");
  set_default(AGRAPH, "ranksep", "1.2");
  set_default(AGNODE, "shape", "box");
  set_default(AGNODE, "fixedsize", "true");
  set_default(AGNODE, "width", "1");
  set_default(AGNODE, "height", "1");
  set_default(AGNODE, "label", "");

  std::map<std::string, Agnode_t*> nodes;
  std::map<std::string, QSizeF> sizes;
  for (const auto& n : graph.nodes) {
    std::string name = n.id;
    Agnode_t* node = agnode(g, name.data(), 1);
    const QSizeF size = NodeItem::boxSize(catalog.find(n.kind), &n);
    sizes[n.id] = size;
    std::string w = std::to_string(size.width() / kPointsPerInch);
    std::string h = std::to_string(size.height() / kPointsPerInch);
    agsafeset(node, const_cast<char*>("width"), w.data(), const_cast<char*>(""));
    agsafeset(node, const_cast<char*>("height"), h.data(), const_cast<char*>(""));
    nodes[n.id] = node;
  }
  for (const auto& e : graph.edges) {
    auto from = nodes.find(e.from.node);
    auto to = nodes.find(e.to.node);
    if (from != nodes.end() && to != nodes.end()) agedge(g, from->second, to->second, nullptr, 1);
  }

  std::optional<std::map<std::string, graphs::Position>> result;
  if (gvLayout(gvc, g, "dot") == 0) {
    std::map<std::string, graphs::Position> positions;
    double top = 0;
    for (const auto& [id, node] : nodes) top = std::max(top, ND_coord(node).y);
    for (const auto& [id, node] : nodes) {
      // Graphviz gives centres in points with y growing upwards; the scene wants top-left, y down.
      const QSizeF size = sizes[id];
      positions[id] = {ND_coord(node).x - size.width() / 2,
                       (top - ND_coord(node).y) - size.height() / 2};
    }
    gvFreeLayout(gvc, g);
    result = std::move(positions);
  }
  agclose(g);
  gvFreeContext(gvc);
  return result;
}

}  // namespace

std::map<std::string, graphs::Position> computeLayeredLayout(const graphs::Graph& graph,
                                                             const graphs::Catalog& catalog) {
  const std::size_t count = graph.nodes.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < count; ++i) index[graph.nodes[i].id] = i;
  std::vector<std::vector<std::size_t>> preds(count);
  for (const auto& e : graph.edges) {
    auto a = index.find(e.from.node);
    auto b = index.find(e.to.node);
    if (a != index.end() && b != index.end() && a->second != b->second) {
      preds[b->second].push_back(a->second);
    }
  }
  // Longest-path layering; the pass limit keeps a (forbidden but loadable) cycle finite.
  std::vector<int> rank(count, 0);
  for (std::size_t pass = 0; pass < count; ++pass) {
    bool moved = false;
    for (std::size_t v = 0; v < count; ++v) {
      for (std::size_t u : preds[v]) {
        if (rank[v] < rank[u] + 1) {
          rank[v] = rank[u] + 1;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  const int layers = count ? *std::max_element(rank.begin(), rank.end()) + 1 : 0;
  std::vector<std::vector<std::size_t>> layer(layers);
  for (std::size_t v = 0; v < count; ++v) layer[rank[v]].push_back(v);
  // One sweep of barycentre ordering: each node goes near the average slot of its inputs.
  std::vector<double> slot(count, 0);
  for (int l = 0; l < layers; ++l) {
    auto& nodes = layer[l];
    if (l > 0) {
      std::vector<double> key(count, 0);
      for (std::size_t v : nodes) {
        double sum = 0;
        for (std::size_t u : preds[v]) sum += slot[u];
        key[v] = preds[v].empty() ? 1e9 : sum / preds[v].size();
      }
      std::stable_sort(nodes.begin(), nodes.end(),
                       [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) slot[nodes[i]] = static_cast<double>(i);
  }
  std::map<std::string, graphs::Position> positions;
  for (int l = 0; l < layers; ++l) {
    double y = 0;
    for (std::size_t v : layer[l]) {
      const QSizeF size = NodeItem::boxSize(catalog.find(graph.nodes[v].kind), &graph.nodes[v]);
      positions[graph.nodes[v].id] = {l * (NodeItem::kWidth + kRankGap), y};
      y += size.height() + kNodeGap;
    }
  }
  return positions;
}

std::map<std::string, graphs::Position> computeLayout(const graphs::Graph& graph,
                                                      const graphs::Catalog& catalog) {
  if (graph.nodes.empty()) return {};
  if (auto positions = graphvizLayout(graph, catalog)) return *positions;
  return computeLayeredLayout(graph, catalog);
}

bool needsLayout(const graphs::Graph& graph) {
  return !graph.nodes.empty() &&
         std::all_of(graph.nodes.begin(), graph.nodes.end(),
                     [](const graphs::Node& n) { return n.position.x == 0 && n.position.y == 0; });
}

}  // namespace rivulet::editor

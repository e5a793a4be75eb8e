#include "editor/graph_clipboard.hpp"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>
#include <map>

#include "editor/graph_document.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {

graphs::Graph extractFragment(const graphs::Graph& graph, const std::set<std::string>& ids) {
  graphs::Graph fragment;
  for (const auto& n : graph.nodes) {
    if (ids.count(n.id)) fragment.nodes.push_back(n);
  }
  for (const auto& e : graph.edges) {
    if (ids.count(e.from.node) && ids.count(e.to.node)) fragment.edges.push_back(e);
  }
  return fragment;
}

void prepareForPaste(graphs::Graph& fragment, const GraphDocument& document, double dx, double dy) {
  std::map<std::string, std::string> renamed;
  std::set<std::string> taken;
  for (auto& n : fragment.nodes) {
    // uniqueNodeId only knows the document, so also skip ids handed out in this loop.
    std::string id;
    for (int i = 1;; ++i) {
      id = n.kind + "_" + std::to_string(i);
      if (!document.graph().node(id) && !taken.count(id)) break;
    }
    taken.insert(id);
    renamed[n.id] = id;
    n.id = id;
    n.position.x += dx;
    n.position.y += dy;
  }
  for (auto& e : fragment.edges) {
    e.from.node = renamed[e.from.node];
    e.to.node = renamed[e.to.node];
  }
}

void copyToClipboard(const graphs::Graph& fragment) {
  auto bytes = graphs::encode_graph(fragment, graphs::GraphFormat::Json);
  if (!bytes) return;
  auto* data = new QMimeData();  // the clipboard takes ownership
  const QByteArray json = QByteArray::fromStdString(*bytes);
  data->setData(QString::fromLatin1(kGraphMimeType), json);
  data->setText(QString::fromUtf8(json));
  QGuiApplication::clipboard()->setMimeData(data);
}

bool pasteFromClipboard(graphs::Graph& fragment) {
  const QMimeData* data = QGuiApplication::clipboard()->mimeData();
  if (!data) return false;
  QByteArray bytes = data->data(QString::fromLatin1(kGraphMimeType));
  if (bytes.isEmpty()) bytes = data->text().toUtf8();  // a graph pasted as plain JSON text
  if (bytes.isEmpty()) return false;
  auto graph = graphs::decode_graph(bytes.toStdString(), graphs::GraphFormat::Json);
  if (!graph) return false;
  fragment = std::move(*graph);
  return true;
}

}  // namespace rivulet::editor

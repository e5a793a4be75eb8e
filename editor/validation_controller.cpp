#include "editor/validation_controller.hpp"

#include "editor/graph_document.hpp"

namespace rivulet::editor {

ValidationController::ValidationController(GraphDocument& document, QObject* parent)
    : QObject(parent), document_(document) {
  timer_.setSingleShot(true);
  timer_.setInterval(kDelayMs);
  connect(&timer_, &QTimer::timeout, this, &ValidationController::validateNow);
  connect(&document_, &GraphDocument::changed, &timer_, qOverload<>(&QTimer::start));
}

void ValidationController::validateNow() {
  timer_.stop();
  report_ = graphs::validate(document_.graph(), document_.catalog());
  emit reportChanged(report_);
}

const graphs::Schema* ValidationController::inputSchema(const std::string& node_id,
                                                        const std::string& port) const {
  const auto& edges = document_.graph().edges;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (edges[i].to.node != node_id || (!port.empty() && edges[i].to.port != port)) continue;
    auto it = report_.edge_schemas.find(i);
    if (it != report_.edge_schemas.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace rivulet::editor

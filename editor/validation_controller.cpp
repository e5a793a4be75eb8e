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
  for (const auto& [node_id, errors] : drafts_) {
    if (!document_.graph().node(node_id)) continue;
    for (const auto& [name, why] : errors) {
      const std::string field = "parameters." + name;
      std::erase_if(report_.problems, [&](const graphs::Problem& p) {
        return p.node_id == node_id && p.field == field;
      });
      graphs::Problem problem;
      problem.node_id = node_id;
      problem.field = field;
      problem.message = "what was typed for '" + name + "' is not applied: " + why.toStdString() +
                        " (the text is kept in the inspector)";
      report_.problems.push_back(std::move(problem));
    }
  }
  emit reportChanged(report_);
}

void ValidationController::setDrafts(const std::string& node_id,
                                     std::map<std::string, QString> errors) {
  auto it = drafts_.find(node_id);
  if (errors.empty() ? it == drafts_.end() : it != drafts_.end() && it->second == errors) return;
  if (errors.empty()) {
    drafts_.erase(it);
  } else {
    drafts_[node_id] = std::move(errors);
  }
  timer_.start();
}

void ValidationController::clearDrafts() {
  if (drafts_.empty()) return;
  drafts_.clear();
  timer_.start();
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

#pragma once
// Runs graphs::validate (the same validator as `rivulet graph validate`) shortly after the
// document changes — debounced, so a burst of edits validates once — and publishes the report
// to the scene badges, the Problems panel and the inspector.

#include <QObject>
#include <QString>
#include <QTimer>
#include <map>
#include <string>

#include "graphs/validator.hpp"

namespace rivulet::editor {

class GraphDocument;

class ValidationController : public QObject {
  Q_OBJECT
 public:
  static constexpr int kDelayMs = 150;

  explicit ValidationController(GraphDocument& document, QObject* parent = nullptr);

  const graphs::ValidationReport& report() const { return report_; }
  // Validates right away (tests, before saving) instead of waiting for the timer.
  void validateNow();
  // The record schema arriving at a node's input port, if the validator could compute it.
  const graphs::Schema* inputSchema(const std::string& node_id, const std::string& port) const;

  // Text typed into the inspector that could not be committed (parameter name → why), kept as
  // drafts there. The report names these causes in place of what the graph alone would show
  // (a schema typed with an unknown type reads "unknown type 'flot'", not "required parameter
  // 'schema' is missing"). An empty map clears the node's drafts; clearDrafts() all of them.
  void setDrafts(const std::string& node_id, std::map<std::string, QString> errors);
  void clearDrafts();

 signals:
  void reportChanged(const graphs::ValidationReport& report);

 private:
  GraphDocument& document_;
  QTimer timer_;
  graphs::ValidationReport report_;
  std::map<std::string, std::map<std::string, QString>> drafts_;  // node id → parameter → why
};

}  // namespace rivulet::editor

#pragma once
// Runs graphs::validate (the same validator as `rivulet graph validate`) shortly after the
// document changes — debounced, so a burst of edits validates once — and publishes the report
// to the scene badges, the Problems panel and the inspector.

#include <QObject>
#include <QTimer>

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

 signals:
  void reportChanged(const graphs::ValidationReport& report);

 private:
  GraphDocument& document_;
  QTimer timer_;
  graphs::ValidationReport report_;
};

}  // namespace rivulet::editor

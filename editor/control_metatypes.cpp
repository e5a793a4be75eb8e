#include "editor/control_metatypes.hpp"

namespace rivulet::editor {

void registerControlMetaTypes() {
  static const bool registered = [] {
    namespace control = graphs::control;
    qRegisterMetaType<control::NodeInfo>();
    qRegisterMetaType<control::JobSummary>();
    qRegisterMetaType<std::vector<control::JobSummary>>();
    qRegisterMetaType<control::JobDetail>();
    qRegisterMetaType<control::DeployOutcome>();
    qRegisterMetaType<control::JobMetrics>();
    qRegisterMetaType<control::JobEvent>();
    qRegisterMetaType<std::vector<control::JobEvent>>();
    qRegisterMetaType<control::PreviewRecords>();
    qRegisterMetaType<graphs::Catalog>();
    return true;
  }();
  (void)registered;
}

}  // namespace rivulet::editor

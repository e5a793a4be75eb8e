#pragma once
// The control API's values (graphs/control_types.hpp) as Qt meta types, so NodeConnection's
// signals can carry them across queued connections and QSignalSpy can record them.

#include <QMetaType>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/control_types.hpp"

Q_DECLARE_METATYPE(rivulet::graphs::control::NodeInfo)
Q_DECLARE_METATYPE(rivulet::graphs::control::JobSummary)
Q_DECLARE_METATYPE(std::vector<rivulet::graphs::control::JobSummary>)
Q_DECLARE_METATYPE(rivulet::graphs::control::JobDetail)
Q_DECLARE_METATYPE(rivulet::graphs::control::DeployOutcome)
Q_DECLARE_METATYPE(rivulet::graphs::control::JobMetrics)
Q_DECLARE_METATYPE(rivulet::graphs::control::JobEvent)
Q_DECLARE_METATYPE(std::vector<rivulet::graphs::control::JobEvent>)
Q_DECLARE_METATYPE(rivulet::graphs::control::PreviewRecords)
Q_DECLARE_METATYPE(rivulet::graphs::Catalog)

namespace rivulet::editor {

// Idempotent; NodeConnection's constructor calls it.
void registerControlMetaTypes();

}  // namespace rivulet::editor

#include "editor/monitor/bottleneck_ranking.hpp"

#include <algorithm>
#include <tuple>

namespace rivulet::editor::monitor {

std::vector<RankedInstance> rankInstances(const MonitorModel& model, RankBy by) {
  std::vector<RankedInstance> rows;
  for (const auto& [id, stats] : model.nodes()) {
    for (const auto& i : stats.instances) {
      if (by == RankBy::SourceLag && i.kafka_lag <= 0 && i.watermark_lag_ms <= 0) continue;
      rows.push_back({id, i.subtask, i.backpressured, i.busy, i.kafka_lag, i.watermark_lag_ms});
    }
  }
  auto key = [by](const RankedInstance& r) {
    switch (by) {
      case RankBy::Backpressured:
        return std::make_tuple(r.backpressured, r.busy, static_cast<double>(r.kafka_lag));
      case RankBy::Busy:
        return std::make_tuple(r.busy, r.backpressured, static_cast<double>(r.kafka_lag));
      case RankBy::SourceLag:
        break;
    }
    return std::make_tuple(static_cast<double>(r.kafka_lag),
                           static_cast<double>(r.watermark_lag_ms), r.backpressured);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    const auto ka = key(a), kb = key(b);
    if (ka != kb) return ka > kb;
    return std::tie(a.node_id, a.subtask) < std::tie(b.node_id, b.subtask);
  });
  return rows;
}

}  // namespace rivulet::editor::monitor

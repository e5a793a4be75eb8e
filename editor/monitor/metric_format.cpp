#include "editor/monitor/metric_format.hpp"

#include <cmath>

namespace rivulet::editor::monitor {

QString formatCount(double count) {
  const double a = std::abs(count);
  if (a < 1000) return QString::number(std::llround(count));
  if (a < 1e6) return QString::number(count / 1e3, 'f', 1) + QLatin1Char('k');
  if (a < 1e9) return QString::number(count / 1e6, 'f', 1) + QLatin1Char('M');
  return QString::number(count / 1e9, 'f', 1) + QLatin1Char('G');
}

QString formatRate(double per_second) {
  // Below 10/s a decimal matters (a slow source at 0.5/s is not idle).
  if (per_second > 0 && per_second < 10) {
    return QString::number(per_second, 'f', 1) + QStringLiteral("/s");
  }
  return formatCount(per_second) + QStringLiteral("/s");
}

QString formatPercent(double fraction) {
  return QString::number(std::llround(fraction * 100)) + QStringLiteral(" %");
}

QString formatDurationMs(std::int64_t ms) {
  if (ms < 1000) return QString::number(ms) + QStringLiteral(" ms");
  if (ms < 60'000) return QString::number(ms / 1e3, 'f', 1) + QStringLiteral(" s");
  if (ms < 3'600'000) return QString::number(ms / 6e4, 'f', 1) + QStringLiteral(" min");
  return QString::number(ms / 3.6e6, 'f', 1) + QStringLiteral(" h");
}

QString formatBytes(std::uint64_t bytes) {
  if (bytes < 1024) return QString::number(bytes) + QStringLiteral(" B");
  if (bytes < 1024ull * 1024)
    return QString::number(bytes / 1024.0, 'f', 1) + QStringLiteral(" KiB");
  if (bytes < 1024ull * 1024 * 1024) {
    return QString::number(bytes / (1024.0 * 1024), 'f', 1) + QStringLiteral(" MiB");
  }
  return QString::number(bytes / (1024.0 * 1024 * 1024), 'f', 1) + QStringLiteral(" GiB");
}

}  // namespace rivulet::editor::monitor

#pragma once
// Short, stable number formats for the monitor overlays and panels ("1.2k/s", "45 %", "1.5 s"),
// so boxes stay narrow and the same number reads the same everywhere.

#include <QString>
#include <cstdint>

namespace rivulet::editor::monitor {

QString formatRate(double per_second);      // "0/s", "12/s", "1.2k/s", "3.4M/s"
QString formatCount(double count);          // "12", "1.2k", "3.4M", "5.6G"
QString formatPercent(double fraction);     // 0.456 → "46 %"
QString formatDurationMs(std::int64_t ms);  // "850 ms", "1.5 s", "2.0 min", "1.1 h"
QString formatBytes(std::uint64_t bytes);   // "512 B", "1.5 KiB", "2.0 MiB"

}  // namespace rivulet::editor::monitor

#pragma once
// What a node box says about its configuration under the title, read from the catalog spec and
// the node's parameters by type and role rather than per operator kind: the Kafka topics (or a
// file path), the fields a keying output is keyed by (PortSpec::keyed_by), the window (an enum
// parameter named "window" with its size / slide / gap durations, or a lone "size"), how many
// aggregates an AggregateList holds, and the parallelism when above 1. Parameters that do not
// apply (graphs/parameter_conditions) are not summarised; unset ones show their default.

#include <QFont>
#include <QString>
#include <QStringList>
#include <cstdint>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

// The summary's items, most telling first ("topics: transactions", "tumbling 1 min",
// "3 aggregates", "parallelism 2"). Empty for an unknown kind.
QStringList summaryItems(const graphs::Node& node, const graphs::OperatorSpec* spec);

// The items packed into at most `max_lines` lines of at most `width` pixels in `font`, joined
// by " · "; a line that cannot fit is elided with "…" (the full text is in the tooltip).
QStringList summaryLines(const QStringList& items, const QFont& font, double width, int max_lines);

// "1 min", "10 s", "1500 ms", "2 h": the largest unit that divides the duration evenly.
QString durationText(std::int64_t ms);

// The font summaries are drawn in (the application font, a little smaller), shared by the box
// painter and the geometry so that both count the same lines.
QFont summaryFont();

// Box text smaller than this many pixels on screen is not readable.
inline constexpr double kMinReadableTextPixels = 8;
// The lowest zoom at which the summary font is still kMinReadableTextPixels high (at most 1).
double readableZoom();

}  // namespace rivulet::editor

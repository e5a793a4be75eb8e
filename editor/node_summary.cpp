#include "editor/node_summary.hpp"

#include <QApplication>
#include <QFontInfo>
#include <QFontMetricsF>
#include <algorithm>
#include <variant>

#include "graphs/parameter_conditions.hpp"

namespace rivulet::editor {
namespace {

// The node's value for `parameter`, else the catalog default; null when it does not apply or
// has neither.
const graphs::Value* effectiveValue(const graphs::Node& node, const graphs::OperatorSpec& spec,
                                    const graphs::ParameterSpec& parameter) {
  if (!graphs::parameter_applies(spec, parameter, node.parameters)) return nullptr;
  if (const graphs::Value* v = node.parameter(parameter.name)) return v;
  return parameter.default_value ? &*parameter.default_value : nullptr;
}

const graphs::ParameterSpec* typed(const graphs::OperatorSpec& spec, const char* name,
                                   graphs::ParameterType type) {
  const graphs::ParameterSpec* p = spec.parameter(name);
  return p && p->type == type ? p : nullptr;
}

QString textOf(const graphs::Value* v) {
  return v && std::holds_alternative<std::string>(*v)
             ? QString::fromStdString(std::get<std::string>(*v))
             : QString();
}

QStringList listOf(const graphs::Value* v) {
  QStringList out;
  if (v && std::holds_alternative<graphs::StringList>(*v)) {
    for (const auto& s : std::get<graphs::StringList>(*v)) out << QString::fromStdString(s);
  }
  return out;
}

std::int64_t msOf(const graphs::Value* v) {
  return v && std::holds_alternative<graphs::Duration>(*v) ? std::get<graphs::Duration>(*v).ms : -1;
}

// Where the records come from or go: topics (a list or a single topic, or a pattern), or a path.
void addEndpoints(const graphs::Node& node, const graphs::OperatorSpec& spec, QStringList& out) {
  using T = graphs::ParameterType;
  if (const auto* p = typed(spec, "topics", T::StringList)) {
    const QStringList topics = listOf(effectiveValue(node, spec, *p));
    if (!topics.isEmpty()) {
      out << (topics.size() == 1 ? QObject::tr("topic: %1") : QObject::tr("topics: %1"))
                 .arg(topics.join(QStringLiteral(", ")));
    }
  }
  for (const char* name : {"topic", "topic_pattern", "path"}) {
    const auto* p = typed(spec, name, T::String);
    if (!p) continue;
    const QString value = textOf(effectiveValue(node, spec, *p));
    if (value.isEmpty()) continue;
    if (std::string(name) == "topic_pattern") {
      out << QObject::tr("topics ~ %1").arg(value);
    } else {
      out << QStringLiteral("%1: %2").arg(QString::fromLatin1(name), value);
    }
  }
}

// The fields a keying output hashes on (key_by's "keys"), as the catalog declares.
void addKeys(const graphs::Node& node, const graphs::OperatorSpec& spec, QStringList& out) {
  for (const auto& port : spec.outputs) {
    if (port.keyed_by.empty()) continue;
    const graphs::ParameterSpec* p = spec.parameter(port.keyed_by);
    if (!p) continue;
    const QStringList keys = listOf(effectiveValue(node, spec, *p));
    if (!keys.isEmpty()) out << QObject::tr("keys: %1").arg(keys.join(QStringLiteral(", ")));
    return;  // one keying is enough to say
  }
}

// "tumbling 1 min", "sliding 10 s every 2 s", "session gap 30 s"; "window 1 min" for an
// operator with a size but no choice of window kind.
void addWindow(const graphs::Node& node, const graphs::OperatorSpec& spec, QStringList& out) {
  using T = graphs::ParameterType;
  const auto duration = [&](const char* name) -> std::int64_t {
    const auto* p = typed(spec, name, T::Duration);
    return p ? msOf(effectiveValue(node, spec, *p)) : -1;
  };
  const std::int64_t size = duration("size");
  const std::int64_t slide = duration("slide");
  const std::int64_t gap = duration("gap");
  const auto* kind_spec = typed(spec, "window", T::Enum);
  if (!kind_spec) {
    if (size >= 0) out << QObject::tr("window %1").arg(durationText(size));
    return;
  }
  const QString kind = textOf(effectiveValue(node, spec, *kind_spec));
  if (kind.isEmpty()) return;
  QString text = kind;
  if (size >= 0) text += QLatin1Char(' ') + durationText(size);
  if (slide >= 0) text += QObject::tr(" every %1").arg(durationText(slide));
  if (gap >= 0) text += QObject::tr(" gap %1").arg(durationText(gap));
  out << text;
}

void addAggregates(const graphs::Node& node, const graphs::OperatorSpec& spec, QStringList& out) {
  for (const auto& p : spec.parameters) {
    if (p.type != graphs::ParameterType::AggregateList) continue;
    const qsizetype n = listOf(effectiveValue(node, spec, p)).size();
    if (n > 0) out << (n == 1 ? QObject::tr("1 aggregate") : QObject::tr("%1 aggregates").arg(n));
  }
}

}  // namespace

QString durationText(std::int64_t ms) {
  struct Unit {
    std::int64_t factor;
    const char* name;
  };
  for (const Unit unit : {Unit{3'600'000, "h"}, Unit{60'000, "min"}, Unit{1000, "s"}}) {
    if (ms != 0 && ms % unit.factor == 0) {
      return QStringLiteral("%1 %2").arg(ms / unit.factor).arg(QString::fromLatin1(unit.name));
    }
  }
  return QStringLiteral("%1 ms").arg(ms);
}

QStringList summaryItems(const graphs::Node& node, const graphs::OperatorSpec* spec) {
  QStringList out;
  if (!spec) return out;
  addEndpoints(node, *spec, out);
  addKeys(node, *spec, out);
  addWindow(node, *spec, out);
  addAggregates(node, *spec, out);
  if (node.parallelism > 1) out << QObject::tr("parallelism %1").arg(node.parallelism);
  return out;
}

QStringList summaryLines(const QStringList& items, const QFont& font, double width, int max_lines) {
  const QFontMetricsF fm(font);
  const QString separator = QStringLiteral(" · ");
  QStringList lines;
  for (const QString& item : items) {
    if (!lines.isEmpty() && fm.horizontalAdvance(lines.back() + separator + item) <= width) {
      lines.back() += separator + item;
    } else if (static_cast<int>(lines.size()) < max_lines) {
      lines << item;
    } else {
      lines.back() += separator + item;  // elided below: the tooltip has it all
    }
  }
  for (QString& line : lines) line = fm.elidedText(line, Qt::ElideRight, width);
  return lines;
}

QFont summaryFont() {
  QFont font = QApplication::font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  return font;
}

double readableZoom() {
  const int pixels = std::max(1, QFontInfo(summaryFont()).pixelSize());
  return std::clamp(kMinReadableTextPixels / pixels, 0.05, 1.0);
}

}  // namespace rivulet::editor

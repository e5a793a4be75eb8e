#include "editor/schema_text.hpp"

#include <QObject>
#include <QStringList>

namespace rivulet::editor {

QString schemaToText(const graphs::Schema& schema) {
  QStringList lines;
  for (const auto& f : schema) {
    lines << QStringLiteral("%1: %2%3")
                 .arg(QString::fromStdString(f.name), QString::fromLatin1(graphs::to_string(f.type)),
                      f.nullable ? QStringLiteral("?") : QString());
  }
  return lines.join(QLatin1Char('\n'));
}

bool parseSchemaText(const QString& text, graphs::Schema& out, QString& error) {
  graphs::Schema schema;
  const QStringList lines = text.split(QLatin1Char('\n'));
  for (int i = 0; i < lines.size(); ++i) {
    const QString line = lines[i].trimmed();
    if (line.isEmpty()) continue;
    const int colon = line.indexOf(QLatin1Char(':'));
    if (colon <= 0) {
      error = QObject::tr("line %1: expected \"name: type\"").arg(i + 1);
      return false;
    }
    graphs::Field field;
    field.name = line.left(colon).trimmed().toStdString();
    QString type = line.mid(colon + 1).trimmed();
    if (type.endsWith(QLatin1Char('?'))) {
      field.nullable = true;
      type.chop(1);
    }
    if (!graphs::parse_field_type(type.trimmed().toStdString(), field.type)) {
      error = QObject::tr("line %1: unknown type '%2' (int64, float64, bool, string, timestamp)")
                  .arg(i + 1)
                  .arg(type);
      return false;
    }
    schema.push_back(field);
  }
  out = std::move(schema);
  return true;
}

}  // namespace rivulet::editor

#pragma once
// Record schemas as the short text the editor shows and accepts: one "name: type" per line, a
// trailing "?" marks a nullable field ("note: string?").

#include <QString>

#include "graphs/graph.hpp"

namespace rivulet::editor {

QString schemaToText(const graphs::Schema& schema);
// Parses the text form; on error returns false and sets `error` ("line 2: unknown type 'int'").
bool parseSchemaText(const QString& text, graphs::Schema& out, QString& error);

}  // namespace rivulet::editor

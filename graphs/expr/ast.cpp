// Names of types and operators, and the tree dump used by tests.

#include "graphs/expr/ast.hpp"

#include <charconv>

#include "graphs/expr/functions.hpp"

namespace rivulet::graphs::expr {

const char* type_name(FieldType type) { return to_string(type); }

bool is_numeric(FieldType type) { return type == FieldType::Int64 || type == FieldType::Float64; }

std::string_view operator_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "+";
    case BinaryOp::Subtract:
      return "-";
    case BinaryOp::Multiply:
      return "*";
    case BinaryOp::Divide:
      return "/";
    case BinaryOp::Modulo:
      return "%";
    case BinaryOp::Concat:
      return "||";
    case BinaryOp::Equal:
      return "=";
    case BinaryOp::NotEqual:
      return "<>";
    case BinaryOp::Less:
      return "<";
    case BinaryOp::LessEqual:
      return "<=";
    case BinaryOp::Greater:
      return ">";
    case BinaryOp::GreaterEqual:
      return ">=";
    case BinaryOp::And:
      return "AND";
    case BinaryOp::Or:
      return "OR";
  }
  return "?";
}

namespace {

std::string literal_text(const Node& node) {
  struct Visitor {
    const Node& node;
    std::string operator()(std::monostate) const {
      return std::string("NULL:") + type_name(node.type.type);
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
      std::string text(buffer, ec == std::errc() ? end : buffer);
      // Keep floats visibly distinct from ints in dumps.
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    std::string operator()(const std::string& s) const {
      std::string out = "'";
      for (char c : s) {
        out += c;
        if (c == '\'') out += '\'';
      }
      return out + "'";
    }
  };
  return std::visit(Visitor{node}, node.value);
}

void dump_into(const Node& node, std::string& out) {
  auto children_from = [&](std::size_t first) {
    for (std::size_t i = first; i < node.children.size(); ++i) {
      out += ' ';
      dump_into(*node.children[i], out);
    }
    out += ')';
  };
  switch (node.kind) {
    case NodeKind::Literal:
      out += literal_text(node);
      return;
    case NodeKind::Field:
      out += node.name + "#" + std::to_string(node.field_index);
      return;
    case NodeKind::Unary:
      out += node.unary_op == UnaryOp::Negate ? "(-" : "(NOT";
      return children_from(0);
    case NodeKind::Binary:
      out += "(";
      out += operator_text(node.binary_op);
      return children_from(0);
    case NodeKind::Call:
      out += "(";
      out += function_name(node.function);
      return children_from(0);
    case NodeKind::Case: {
      out += "(CASE";
      std::size_t pairs_end = node.children.size() - (node.has_else ? 1 : 0);
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i == pairs_end) out += " ELSE";
        out += ' ';
        dump_into(*node.children[i], out);
      }
      out += ')';
      return;
    }
    case NodeKind::Cast:
      if (node.implicit) {
        out += "(";
        out += type_name(node.type.type);
        return children_from(0);
      }
      out += "(CAST ";
      dump_into(node.child(0), out);
      out += " AS ";
      out += type_name(node.type.type);
      out += ')';
      return;
    case NodeKind::IsNull:
      out += node.negated ? "(IS NOT NULL" : "(IS NULL";
      return children_from(0);
    case NodeKind::In:
      out += node.negated ? "(NOT IN" : "(IN";
      return children_from(0);
    case NodeKind::Between:
      out += node.negated ? "(NOT BETWEEN" : "(BETWEEN";
      return children_from(0);
    case NodeKind::Like:
      out += node.negated ? "(NOT LIKE" : "(LIKE";
      return children_from(0);
  }
}

}  // namespace

std::string dump(const Node& node) {
  std::string out;
  dump_into(node, out);
  return out;
}

}  // namespace rivulet::graphs::expr

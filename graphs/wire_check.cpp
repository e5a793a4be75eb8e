#include "graphs/wire_check.hpp"

#include <kj/exception.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "graphs/printable.hpp"
#include "graphs/validation_text.hpp"
#include "graphs/wire_io.hpp"

namespace rivulet::graphs::wire_check {
namespace {

using capnp::schema::Type;

std::string str(capnp::Text::Reader t) { return {t.begin(), t.size()}; }
std::string name_of(capnp::StructSchema::Field field) { return str(field.getProto().getName()); }

// Where the walk is: the path, and the node it is inside (for messages).
struct Place {
  std::string path;
  std::string node;  // "node 'src'" or ""

  Place member(const std::string& name) const {
    return {path.empty() ? name : path + "." + name, node};
  }
  Place element(std::size_t index) const {
    return {path + "[" + std::to_string(index) + "]", node};
  }

  [[noreturn]] void fail(const std::string& reason) const {
    std::string where = path.empty() ? "the document" : path;
    if (!node.empty()) where += " (" + node + ")";
    throw PathError(where + ": " + reason);
  }
};

bool is_union_member(capnp::StructSchema::Field field) {
  return field.getProto().getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT;
}

std::vector<std::string> member_names(capnp::StructSchema schema) {
  std::vector<std::string> names;
  for (auto field : schema.getFields()) names.push_back(name_of(field));
  return names;
}

const char* json_kind(capnp::JsonValue::Reader value) {
  switch (value.which()) {
    case capnp::JsonValue::NULL_:
      return "null";
    case capnp::JsonValue::BOOLEAN:
      return "a boolean";
    case capnp::JsonValue::NUMBER:
      return "a number";
    case capnp::JsonValue::STRING:
      return "a string";
    case capnp::JsonValue::ARRAY:
      return "an array";
    case capnp::JsonValue::OBJECT:
      return "an object";
    default:
      return "a call";
  }
}

[[noreturn]] void wrong_kind(const Place& place, const char* expected,
                             capnp::JsonValue::Reader value) {
  place.fail(std::string("expected ") + expected + ", got " + json_kind(value));
}

// Integer fields accept a whole number or a decimal string (64-bit values are written as
// strings, which a double cannot hold exactly).
void check_integer(const Place& place, capnp::JsonValue::Reader value, long double min,
                   long double max, const char* type_name) {
  long double n = 0;
  if (value.isNumber()) {
    double d = value.getNumber();
    if (!std::isfinite(d) || std::trunc(d) != d) {
      place.fail("expected a whole number (" + std::string(type_name) + "), got " +
                 printable(std::to_string(d)));
    }
    n = d;
  } else if (value.isString()) {
    std::string text = str(value.getString());
    bool negative = !text.empty() && text[0] == '-';
    std::string_view digits(text);
    if (negative) digits.remove_prefix(1);
    std::uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    if (digits.empty() || ec == std::errc::invalid_argument ||
        end != digits.data() + digits.size()) {
      place.fail("expected a whole number (" + std::string(type_name) + "), got '" +
                 printable(text) + "'");
    }
    if (ec == std::errc::result_out_of_range) {
      place.fail("value " + printable(text) + " is out of range for " + type_name);
    }
    n = negative ? -static_cast<long double>(magnitude) : static_cast<long double>(magnitude);
  } else {
    wrong_kind(place, "a whole number", value);
  }
  if (n < min || n > max) {
    std::string shown =
        value.isString() ? str(value.getString()) : std::to_string(static_cast<double>(n));
    if (value.isNumber()) {
      double d = value.getNumber();
      if (std::fabs(d) < 1e18) shown = std::to_string(static_cast<long long>(d));
    }
    std::string reason = "value " + printable(shown) + " is out of range for " + type_name;
    if (min == 0 && n < 0) reason += " (it cannot be negative)";
    place.fail(reason);
  }
}

template <class T>
void check_int(const Place& place, capnp::JsonValue::Reader value, const char* type_name) {
  check_integer(place, value, static_cast<long double>(std::numeric_limits<T>::min()),
                static_cast<long double>(std::numeric_limits<T>::max()), type_name);
}

void check_float(const Place& place, capnp::JsonValue::Reader value) {
  if (value.isNumber()) return;
  if (value.isString()) {
    std::string text = str(value.getString());
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return;
    place.fail("expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got '" +
               printable(text) + "'");
  }
  wrong_kind(place, "a number", value);
}

void check_object(const Place& place, capnp::JsonValue::Reader value, capnp::StructSchema schema);

void check_value(const Place& place, capnp::JsonValue::Reader value, capnp::Type type) {
  switch (type.which()) {
    case Type::VOID:
      if (!value.isNull()) wrong_kind(place, "null", value);
      return;
    case Type::BOOL:
      if (!value.isBoolean()) wrong_kind(place, "true or false", value);
      return;
    case Type::INT8:
      return check_int<std::int8_t>(place, value, "an 8-bit integer");
    case Type::INT16:
      return check_int<std::int16_t>(place, value, "a 16-bit integer");
    case Type::INT32:
      return check_int<std::int32_t>(place, value, "a 32-bit integer");
    case Type::INT64:
      return check_int<std::int64_t>(place, value, "a 64-bit integer");
    case Type::UINT8:
      return check_int<std::uint8_t>(place, value, "an unsigned 8-bit integer");
    case Type::UINT16:
      return check_int<std::uint16_t>(place, value, "an unsigned 16-bit integer");
    case Type::UINT32:
      return check_int<std::uint32_t>(place, value, "an unsigned 32-bit integer");
    case Type::UINT64:
      return check_int<std::uint64_t>(place, value, "an unsigned 64-bit integer");
    case Type::FLOAT32:
    case Type::FLOAT64:
      return check_float(place, value);
    case Type::TEXT:
      if (!value.isString()) wrong_kind(place, "a string", value);
      return;
    case Type::DATA:
      if (!value.isArray()) wrong_kind(place, "an array of bytes", value);
      for (std::size_t i = 0; i < value.getArray().size(); ++i) {
        check_int<std::uint8_t>(place.element(i), value.getArray()[i], "a byte");
      }
      return;
    case Type::LIST: {
      if (!value.isArray()) wrong_kind(place, "an array", value);
      auto element_type = type.asList().getElementType();
      auto items = value.getArray();
      for (unsigned i = 0; i < items.size(); ++i) {
        Place at = place.element(i);
        // Inside a node, messages name it by id.
        if (items[i].isObject() && element_type.isStruct()) {
          for (auto member : items[i].getObject()) {
            if (member.getName() == "id" && member.getValue().isString() &&
                element_type.asStruct().findFieldByName("id") != nullptr) {
              at.node = "node '" + printable(str(member.getValue().getString())) + "'";
            }
          }
        }
        check_value(at, items[i], element_type);
      }
      return;
    }
    case Type::ENUM: {
      if (!value.isString()) wrong_kind(place, "a string", value);
      std::string text = str(value.getString());
      auto schema = type.asEnum();
      if (schema.findEnumerantByName(text) != nullptr) return;
      std::vector<std::string> names;
      for (auto e : schema.getEnumerants()) names.push_back(str(e.getProto().getName()));
      std::string reason = "unknown value '" + printable(text) + "'";
      std::string hint = validation::did_you_mean(text, names);
      place.fail(reason +
                 (hint.empty() ? "; expected one of " + validation::quoted_list(names) : hint));
    }
    case Type::STRUCT:
      if (!value.isObject()) wrong_kind(place, "an object", value);
      return check_object(place, value, type.asStruct());
    default:
      place.fail("fields of this type cannot be read from JSON");
  }
}

void check_object(const Place& place, capnp::JsonValue::Reader value, capnp::StructSchema schema) {
  std::set<std::string> seen;
  std::string union_member;
  for (auto member : value.getObject()) {
    std::string name = str(member.getName());
    Place at = place.member(printable(name));
    if (!seen.insert(name).second) at.fail("member '" + printable(name) + "' appears twice");
    KJ_IF_MAYBE (field, schema.findFieldByName(name)) {
      if (is_union_member(*field)) {
        if (!union_member.empty()) {
          std::vector<std::string> options;
          for (auto f : schema.getUnionFields()) options.push_back(name_of(f));
          place.fail("both '" + union_member + "' and '" + name + "' are set, but only one of " +
                     validation::quoted_list(options) + " may be");
        }
        union_member = name;
      }
      check_value(at, member.getValue(), field->getType());
    } else {
      std::string reason = "unknown member '" + printable(name) + "'";
      auto names = member_names(schema);
      std::string hint = validation::did_you_mean(name, names);
      at.fail(reason +
              (hint.empty() ? "; expected one of " + validation::quoted_list(names) : hint));
    }
  }
}

// Binary -----------------------------------------------------------------------------------------

void walk(const Place& place, capnp::DynamicValue::Reader value, capnp::Type type);

void walk_struct(const Place& place, capnp::DynamicStruct::Reader reader) {
  auto schema = reader.getSchema();
  auto visit = [&](capnp::StructSchema::Field field) {
    Place at = place.member(name_of(field));
    capnp::DynamicValue::Reader value;
    try {
      if (!field.getType().isStruct() || field.getProto().isGroup() || reader.has(field)) {
        value = reader.get(field);
      } else {
        return;
      }
    } catch (const kj::Exception& e) {
      at.fail(printable(wire_io::describe(e)));
    }
    walk(at, value, field.getType());
  };
  for (auto field : schema.getNonUnionFields()) visit(field);
  // An unknown union member (a newer writer) is left to the conversion, which names it.
  KJ_IF_MAYBE (active, reader.which()) {
    visit(*active);
  }
}

void walk(const Place& place, capnp::DynamicValue::Reader value, capnp::Type type) {
  try {
    switch (type.which()) {
      case Type::STRUCT: {
        auto inner = value.as<capnp::DynamicStruct>();
        Place at = place;
        KJ_IF_MAYBE (id, inner.getSchema().findFieldByName("id")) {
          if (id->getType().isText() && inner.has(*id)) {
            at.node = "node '" + printable(str(inner.get(*id).as<capnp::Text>())) + "'";
          }
        }
        walk_struct(at, inner);
        return;
      }
      case Type::LIST: {
        auto list = value.as<capnp::DynamicList>();
        auto element_type = type.asList().getElementType();
        for (unsigned i = 0; i < list.size(); ++i) walk(place.element(i), list[i], element_type);
        return;
      }
      case Type::TEXT:
        value.as<capnp::Text>();
        return;
      case Type::DATA:
        value.as<capnp::Data>();
        return;
      default:
        return;
    }
  } catch (const kj::Exception& e) {
    place.fail(printable(wire_io::describe(e)));
  }
}

}  // namespace

void check_json(capnp::JsonValue::Reader json, capnp::StructSchema schema) {
  if (!json.isObject()) Place{}.fail("expected an object, got " + std::string(json_kind(json)));
  check_object(Place{}, json, schema);
}

void check_binary(capnp::DynamicStruct::Reader root) { walk_struct(Place{}, root); }

}  // namespace rivulet::graphs::wire_check

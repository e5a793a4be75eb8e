#pragma once
// Internal to rivulet_graphs: conversion between the plain model (graph.hpp) and the Cap'n Proto
// wire structs (graph.capnp), shared by graph_io and catalog_io.
//
// Encoding is canonical: the wire message depends only on the model, built in a fixed order,
// with optional parts (empty texts and lists, default sub-structs) left unset. That is what makes
// binary -> JSON -> binary byte-identical.

#include <capnp/compat/json.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "graphs/graph.capnp.h"
#include "graphs/graph.hpp"

namespace rivulet::graphs::wire_convert {

// A message that parses as Cap'n Proto but does not make sense as a model (unknown enum value or
// union member, e.g. from a newer writer or corrupted bytes).
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Nesting in our schemas is shallow; anything deeper than this is not a Rivulet file.
inline constexpr std::size_t kMaxJsonNesting = 32;

inline capnp::Text::Reader text(const std::string& s) { return {s.c_str(), s.size()}; }
inline std::string str(capnp::Text::Reader t) { return {t.begin(), t.size()}; }

void set_strings(const std::vector<std::string>& items, capnp::List<capnp::Text>::Builder out);
std::vector<std::string> get_strings(capnp::List<capnp::Text>::Reader in);

// All NaNs become the one quiet NaN: JSON cannot carry a payload or sign, and the binary must not
// depend on which format a graph came through.
double canonical(double d);

void to_wire(const Value& value, wire::Value::Builder out);
Value from_wire(wire::Value::Reader in);

void to_wire(const Field& field, wire::Field::Builder out);
Field from_wire(wire::Field::Reader in);
void to_wire(const Schema& schema, capnp::List<wire::Field>::Builder out);
Schema from_wire(capnp::List<wire::Field>::Reader in);

void to_wire(const Graph& graph, wire::Graph::Builder out);
// The caller has already checked the format version.
Graph from_wire(wire::Graph::Reader in);

// The JSON codec for graph and catalog files: pretty-printed, fields in schema order, fields at
// their default value left out to keep the text reviewable. Values and record fields are the
// exception: they are always written in full, so a `false` or an `int64` column stays visible.
class JsonCodecs {
 public:
  JsonCodecs();
  JsonCodecs(const JsonCodecs&) = delete;
  JsonCodecs& operator=(const JsonCodecs&) = delete;

  const capnp::JsonCodec& codec() const { return main_; }

 private:
  // Writes every field, decodes plainly; used inside the handlers below (no handlers itself).
  capnp::JsonCodec explicit_;

  template <class T>
  class ExplicitHandler : public capnp::JsonCodec::Handler<T> {
   public:
    explicit ExplicitHandler(const capnp::JsonCodec& inner) : inner_(inner) {}
    void encode(const capnp::JsonCodec&, typename T::Reader input,
                capnp::JsonValue::Builder output) const override {
      inner_.encode(input, output);
    }
    void decode(const capnp::JsonCodec&, capnp::JsonValue::Reader input,
                typename T::Builder output) const override {
      inner_.decode(input, capnp::DynamicStruct::Builder(output));
    }

   private:
    const capnp::JsonCodec& inner_;
  };

  ExplicitHandler<wire::Value> value_handler_{explicit_};
  ExplicitHandler<wire::Field> field_handler_{explicit_};
  capnp::JsonCodec main_;
};

}  // namespace rivulet::graphs::wire_convert

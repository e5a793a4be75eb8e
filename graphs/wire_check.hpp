#pragma once
// Internal to rivulet_graphs: checks a document against its Cap'n Proto schema before it is
// converted, so that every mistake is reported with its path ("nodes[2].paramters") instead of
// being ignored (Cap'n Proto's JSON decoder drops unknown members and lets the last of two union
// members win) or reported without a place ("Value out-of-range for requested type").

#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <capnp/schema.h>

#include <stdexcept>

namespace rivulet::graphs::wire_check {

// A mistake at a known place; what() is "<path>: <reason>", with "(node '<id>')" after the path
// when it lies inside a node.
class PathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// JSON: unknown or repeated members (with a "did you mean"), two members of one union, values of
// the wrong JSON type, numbers out of range for their field, unknown enumerants. Throws
// PathError. Only for files whose format version this build reads: a newer file may hold members
// this build does not know.
void check_json(capnp::JsonValue::Reader json, capnp::StructSchema schema);

// Binary: reads every field once, so that a broken pointer or text is reported with the path of
// the field that holds it. Throws PathError.
void check_binary(capnp::DynamicStruct::Reader root);

}  // namespace rivulet::graphs::wire_check

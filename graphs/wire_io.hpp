#pragma once
// Internal to rivulet_graphs: the parts of graph_io and catalog_io that do not depend on which
// document is being read: framing (binary, packed, JSON), defensive limits, version checks,
// turning exceptions into Error values, and file access.

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "graphs/graph_io.hpp"
#include "graphs/graph_wire.hpp"
#include "graphs/json_syntax.hpp"
#include "graphs/printable.hpp"
#include "graphs/result.hpp"
#include "graphs/wire_check.hpp"

namespace rivulet::graphs::wire_io {

// 64 MiB: orders of magnitude above any real graph or catalog, low enough that hostile input
// (files, packed zero runs, JSON) cannot make us allocate much. Also the size cap for files.
inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} << 20;

// What kind of document a file holds, for messages.
struct DocumentKind {
  const char* noun;   // "graph", "catalog"
  const char* title;  // "Rivulet graph", "Rivulet operator catalog"
  std::uint32_t current_version;
};

// Bytes that cannot be a document; the message says why.
class InvalidDocument : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The document is well-formed but declares a format this build cannot read.
class VersionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws VersionError or InvalidDocument unless `version` can be read.
void check_version(const DocumentKind& kind, std::uint32_t version);

// Binary or packed bytes as an aligned, unpacked message (segment table + segments).
kj::Array<capnp::word> message_words(std::string_view bytes, GraphFormat format);

// Size of the segment table at the start of `words`: where segment 0 (and the root pointer)
// begins, for messages.
std::size_t segment_table_bytes(kj::ArrayPtr<const capnp::word> words);

// Limits for reading `words` of untrusted message: enough for one pass over a legitimate
// message, far too little for pointer-amplification tricks.
capnp::ReaderOptions reader_options(std::size_t words);

// formatVersion as written in a JSON document, if it is there and a number; 0 otherwise.
std::uint32_t json_format_version(capnp::JsonValue::Reader root);

// kj's description without the failed condition ("expected a == b [1 == 2]; "), which means
// nothing to a user; the reason and its parameters stay. Always a single line.
std::string describe(const kj::Exception& e);

// Cap'n Proto 0.9's JSON parser misreads backslash-u escapes (hex letters come out wrong and
// surrogate pairs are not combined, so an escaped e-acute becomes "I"). This rewrites them as the
// UTF-8 bytes they stand for, which the parser passes through untouched. Throws InvalidDocument on
// a malformed escape.
std::string resolve_unicode_escapes(std::string_view json);

// Decodes `bytes` and hands the root reader to `convert`, which builds the model. Every failure
// becomes an Error; `subject` (e.g. "graph file 'a.json'") is empty when there is no file.
template <class WireT, class Convert>
auto decode_document(std::string_view bytes, GraphFormat format, const DocumentKind& kind,
                     const std::string& subject, Convert&& convert)
    -> Result<decltype(convert(std::declval<typename WireT::Reader>()))> {
  std::string why;
  try {
    if (bytes.size() > kMaxMessageBytes) throw InvalidDocument("larger than 64 MiB");
    if (format == GraphFormat::Json) {
      wire_convert::JsonCodecs codecs;
      // Cap'n Proto's parser gives no position; this check does, and is stricter.
      if (auto syntax = json_syntax::find_error(bytes, wire_convert::kMaxJsonNesting)) {
        throw InvalidDocument(syntax->to_string());
      }
      capnp::MallocMessageBuilder raw;
      auto json = raw.initRoot<capnp::JsonValue>();
      std::string text = resolve_unicode_escapes(bytes);
      codecs.codec().decodeRaw(kj::ArrayPtr<const char>(text.data(), text.size()), json);
      if (!json.isObject()) throw InvalidDocument("the JSON text is not an object");
      // Before the full decode, so a newer file gets the version message rather than an
      // error about some field this build does not know.
      check_version(kind, json_format_version(json.asReader()));
      wire_check::check_json(json.asReader(), capnp::Schema::from<WireT>());
      capnp::MallocMessageBuilder message;
      codecs.codec().decode(json.asReader(),
                            capnp::DynamicStruct::Builder(message.initRoot<WireT>()));
      return convert(message.getRoot<WireT>().asReader());
    }
    auto words = message_words(bytes, format);
    // Failures of the framing name the byte where the part that failed begins.
    kj::Maybe<capnp::FlatArrayMessageReader> framed;
    try {
      framed.emplace(words, reader_options(words.size()));
    } catch (const kj::Exception& e) {
      throw InvalidDocument("at byte 0 (segment table): " + describe(e));
    }
    auto& reader = KJ_ASSERT_NONNULL(framed);
    if (reader.getEnd() != words.end()) {
      auto end = static_cast<std::size_t>(reader.getEnd() - words.begin()) * sizeof(capnp::word);
      throw InvalidDocument("at byte " + std::to_string(end) + ": " +
                            std::to_string((words.end() - reader.getEnd()) * sizeof(capnp::word)) +
                            " unexpected bytes after the end of the message");
    }
    typename WireT::Reader root;
    try {
      root = reader.getRoot<WireT>();
      check_version(kind, root.getFormatVersion());
    } catch (const kj::Exception& e) {
      throw InvalidDocument("at byte " + std::to_string(segment_table_bytes(words)) +
                            " (root pointer): " + describe(e));
    }
    wire_check::check_binary(capnp::DynamicStruct::Reader(root));
    return convert(root);
  } catch (const VersionError& e) {
    return Error{subject.empty() ? std::string(e.what()) : subject + ": " + e.what()};
  } catch (const kj::Exception& e) {
    why = describe(e);
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "unexpected internal error";
  }
  why = printable(why);
  if (why.empty()) why = "unreadable";
  std::string prefix = subject.empty() ? std::string("not a valid ") + kind.title
                                       : subject + " is not a valid " + kind.title;
  return Error{prefix + ": " + why};
}

// Builds a message with `fill` and serializes it; never throws.
template <class WireT, class Fill>
Result<std::string> encode_document(GraphFormat format, const DocumentKind& kind, Fill&& fill) {
  try {
    capnp::MallocMessageBuilder message;
    fill(message.initRoot<WireT>());
    switch (format) {
      case GraphFormat::Binary: {
        auto words = capnp::messageToFlatArray(message);
        auto bytes = words.asChars();
        return std::string(bytes.begin(), bytes.size());
      }
      case GraphFormat::Packed: {
        kj::VectorOutputStream out;
        capnp::writePackedMessage(out, message);
        auto bytes = out.getArray();
        return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
      }
      case GraphFormat::Json: {
        wire_convert::JsonCodecs codecs;
        auto text = codecs.codec().encode(message.getRoot<WireT>().asReader());
        return std::string(text.cStr(), text.size()) + "\n";
      }
    }
    return Error{std::string("unknown output format for a ") + kind.title};
  } catch (const kj::Exception& e) {
    return Error{std::string("cannot encode ") + kind.noun + ": " + describe(e)};
  } catch (const std::exception& e) {
    return Error{std::string("cannot encode ") + kind.noun + ": " + e.what()};
  } catch (...) {
    return Error{std::string("cannot encode ") + kind.noun + ": unexpected internal error"};
  }
}

// Whole file contents; `what` is e.g. "graph file".
Result<std::string> read_file(const std::string& path, const char* what);
// Replaces `path` atomically (temporary file in the same directory, then rename).
Status write_file_atomically(const std::string& path, std::string_view bytes, const char* what);

}  // namespace rivulet::graphs::wire_io

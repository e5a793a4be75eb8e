#pragma once
// Interns the key of every input row into a dense uint32_t id, so windows are identified by
// (key id, window start) and all per-window state lives in flat arrays. Two lookup paths:
//  - one non-nullable int64/timestamp key (the common key_by case): the value itself is the
//    key, hashed with a cheap integer mixer; no encoding at all;
//  - anything else (strings, several fields, nullable fields): the canonical key bytes of
//    keyed::KeyEncoder in a reused buffer, hashed with XXH3 and compared bytewise.
// A record allocates nothing unless its key is new. Ids are reference-counted by the windows
// that use them and recycled when the last window of a key is purged, so memory follows the
// live keys, not every key ever seen.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/windows/flat_index.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::windows {

class WindowKeys {
 public:
  // Resolves the key fields in the input schema (none: one global key).
  graphs::Status bind(const graphs::Schema& input, const std::vector<std::string>& key_fields);

  // ids[row] = the key id of every row of `batch` (new keys are interned with no references).
  void intern_rows(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& ids);
  // Interns canonical key bytes (restore); check them with well_formed first.
  std::uint32_t intern_bytes(std::string_view bytes);
  // True when `bytes` is a complete canonical key of the bound key fields (restore guards
  // against corrupt state before decoding it).
  bool well_formed(std::string_view bytes) const;

  // Forgets every key (restore), keeping the binding.
  void clear();

  void retain(std::uint32_t id) { ++refs_[id]; }
  void release(std::uint32_t id);
  // Frees keys interned by the last intern_rows that no window retained (all their records
  // were late), so late records do not leak key ids.
  void release_unused_new_keys();

  // Appends the key fields of `id` to builder columns 0 .. key_count() - 1.
  void append_key(std::uint32_t id, runtime::BatchBuilder& out) const;
  // The canonical key bytes of `id` (snapshot).
  std::string_view bytes(std::uint32_t id) const { return bytes_[id]; }

  std::size_t key_count() const { return fields_.size(); }
  std::size_t live_keys() const { return index_.size(); }
  // Ids are < id_limit(); per-key vectors of the caller size themselves by it.
  std::uint32_t id_limit() const { return static_cast<std::uint32_t>(bytes_.size()); }

 private:
  std::uint32_t intern(std::uint64_t hash, std::string_view bytes, std::int64_t int_key);
  std::uint32_t new_id();

  graphs::Schema fields_;  // the key fields, in key order
  bool int_path_ = false;
  keyed::KeyEncoder encoder_;
  FlatIndex index_;
  std::vector<std::string> bytes_;      // canonical bytes by id
  std::vector<std::int64_t> int_keys_;  // the int64 key by id (int path)
  std::vector<std::uint64_t> hashes_;   // by id, to erase from the index
  std::vector<std::uint32_t> refs_;     // windows using each id
  std::vector<std::uint32_t> free_ids_;
  std::vector<std::uint32_t> new_ids_;  // interned by the last intern_rows
};

}  // namespace rivulet::operators::windows

// The in-memory keyed state backend: one ordered map per named state.
//
// Ordered (std::map) rather than hashed: scan_prefix must visit keys in bytewise order like
// RocksDB does, so operators behave identically on both backends, and a prefix scan is a
// range walk instead of a pass over the whole state. Point operations are O(log n).
//
// Snapshot blob "keyed-state" (little-endian): u32 version, u32 state count, then per state:
// u32 name length, name, u64 entry count, per entry: u32 key length, key, u32 value length,
// value (state_blob.hpp). It is written synchronously; copy-on-write snapshots are future work.

#include <map>
#include <vector>

#include "runtime/state/keyed_state_backend.hpp"
#include "runtime/state/state_blob.hpp"

namespace rivulet::runtime::state {

namespace {

constexpr std::string_view kBlobName = "keyed-state";
constexpr std::uint32_t kVersion = 1;

using StateMap = std::map<std::string, std::string, std::less<>>;

class MemoryStateBackend final : public KeyedStateBackend {
 public:
  graphs::Result<StateId> declare_state(std::string_view name) override {
    for (StateId id = 0; id < names_.size(); ++id) {
      if (names_[id] == name) return id;
    }
    names_.emplace_back(name);
    maps_.emplace_back();
    return static_cast<StateId>(names_.size() - 1);
  }

  graphs::Result<bool> get(StateId state, std::string_view key, std::string& value) override {
    if (state >= maps_.size()) return unknown(state);
    const auto it = maps_[state].find(key);
    if (it == maps_[state].end()) return false;
    value = it->second;
    return true;
  }

  graphs::Status put(StateId state, std::string_view key, std::string_view value) override {
    if (state >= maps_.size()) return unknown(state);
    StateMap& map = maps_[state];
    if (auto it = map.find(key); it != map.end()) {
      it->second.assign(value);
    } else {
      map.emplace(std::string(key), std::string(value));
    }
    return graphs::Ok{};
  }

  graphs::Status remove(StateId state, std::string_view key) override {
    if (state >= maps_.size()) return unknown(state);
    if (auto it = maps_[state].find(key); it != maps_[state].end()) maps_[state].erase(it);
    return graphs::Ok{};
  }

  graphs::Status scan_prefix(StateId state, std::string_view prefix,
                             const Visitor& visit) override {
    if (state >= maps_.size()) return unknown(state);
    const StateMap& map = maps_[state];
    for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix);
         ++it) {
      if (!visit(it->first, it->second)) break;
    }
    return graphs::Ok{};
  }

  graphs::Status remove_prefix(StateId state, std::string_view prefix) override {
    if (state >= maps_.size()) return unknown(state);
    StateMap& map = maps_[state];
    auto it = map.lower_bound(prefix);
    while (it != map.end() && it->first.starts_with(prefix)) it = map.erase(it);
    return graphs::Ok{};
  }

  graphs::Status scan_from(StateId state, std::string_view from, const Visitor& visit) override {
    if (state >= maps_.size()) return unknown(state);
    const StateMap& map = maps_[state];
    for (auto it = map.lower_bound(from); it != map.end(); ++it) {
      if (!visit(it->first, it->second)) break;
    }
    return graphs::Ok{};
  }

  bool has_state(const StateReader& reader) const override { return reader.has_blob(kBlobName); }

  graphs::Status snapshot(StateWriter& writer) override {
    ByteWriter e;
    write_version(e, kVersion);
    e.u32(static_cast<std::uint32_t>(names_.size()));
    for (std::size_t i = 0; i < names_.size(); ++i) {
      e.bytes(names_[i]);
      e.u64(maps_[i].size());
      for (const auto& [k, v] : maps_[i]) {
        e.bytes(k);
        e.bytes(v);
      }
    }
    return writer.write_blob(kBlobName, e.view());
  }

  graphs::Status restore(StateReader& reader) override {
    for (auto& map : maps_) map.clear();
    if (!reader.has_blob(kBlobName)) return graphs::Ok{};
    auto blob = reader.read_blob(kBlobName);
    if (!blob) return blob.error();
    // Decode into fresh maps first: on error the old ids stay valid and every state is empty.
    ByteReader d{std::span<const std::byte>(*blob)};
    auto fail = [](const char* why) {
      return graphs::Error{std::string("keyed state cannot be restored: ") + why};
    };
    if (auto st = check_version(d, kVersion, "keyed state"); !st) return st;
    const std::uint32_t states = d.u32();
    std::vector<std::pair<std::string, StateMap>> restored;
    for (std::uint32_t s = 0; s < states && d.ok(); ++s) {
      std::string name{d.bytes()};
      const std::uint64_t entries = d.u64();
      StateMap map;
      for (std::uint64_t i = 0; i < entries && d.ok(); ++i) {
        std::string key{d.bytes()};
        std::string value{d.bytes()};
        map.emplace_hint(map.end(), std::move(key), std::move(value));
      }
      restored.emplace_back(std::move(name), std::move(map));
    }
    if (!d.ok() || !d.at_end()) return fail("the blob is malformed");
    for (auto& [name, map] : restored) {
      const StateId id = *declare_state(name);
      maps_[id] = std::move(map);
    }
    return graphs::Ok{};
  }

  std::uint64_t memory_usage_bytes() const override {
    // Payload plus a rough per-node overhead of a red-black tree node with two strings.
    std::uint64_t total = 0;
    for (const auto& map : maps_) {
      for (const auto& [k, v] : map) total += k.capacity() + v.capacity() + 96;
    }
    return total;
  }

 private:
  static graphs::Error unknown(StateId state) {
    return graphs::Error{"keyed state id " + std::to_string(state) + " was never declared"};
  }

  std::vector<std::string> names_;  // StateId -> name
  std::vector<StateMap> maps_;      // StateId -> entries
};

}  // namespace

std::unique_ptr<KeyedStateBackend> make_memory_state_backend() {
  return std::make_unique<MemoryStateBackend>();
}

}  // namespace rivulet::runtime::state

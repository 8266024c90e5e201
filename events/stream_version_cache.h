// StreamVersionCache: the durable version of recently used streams, for the writer.
//
// Every append checks an expected version; without the cache each check would be a
// RocksDB seek. The cache holds at most `capacity` streams and evicts the least recently
// used one. It only ever holds durable versions: the writer updates it after a group's
// WriteBatch is on disk, never with staged state.
//
// Thread safety: not thread-safe; owned and used by the writer thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/lru_map.h"

namespace docket::events {

class StreamVersionCache {
 public:
  // REQUIRES: capacity > 0.
  explicit StreamVersionCache(std::size_t capacity) : versions_(capacity) {}

  // The cached version of `stream`, marking it recently used; nullopt on a miss.
  std::optional<std::uint64_t> get(std::string_view stream) {
    const std::uint64_t* version = versions_.get(stream);
    return version ? std::optional(*version) : std::nullopt;
  }
  // Records the durable version of `stream`, evicting the least recently used entry
  // when full.
  void put(std::string_view stream, std::uint64_t version) { versions_.put(stream, version); }
  void clear() { versions_.clear(); }

  std::size_t size() const { return versions_.size(); }
  std::size_t capacity() const { return versions_.capacity(); }

 private:
  LruMap<std::uint64_t> versions_;
};

}  // namespace docket::events

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
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docket::events {

class StreamVersionCache {
 public:
  // REQUIRES: capacity > 0.
  explicit StreamVersionCache(std::size_t capacity);

  // The cached version of `stream`, marking it recently used; nullopt on a miss.
  std::optional<std::uint64_t> get(std::string_view stream);
  // Records the durable version of `stream`, evicting the least recently used entry
  // when full.
  void put(std::string_view stream, std::uint64_t version);
  void clear();

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::uint64_t version;
    std::list<const std::string*>::iterator recency;
  };

  std::size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
  // Most recently used first; points at the keys of entries_ (stable node addresses).
  std::list<const std::string*> recency_;
};

}  // namespace docket::events

#include "events/stream_version_cache.h"

#include <cassert>

namespace docket::events {

StreamVersionCache::StreamVersionCache(std::size_t capacity) : capacity_(capacity) {
  assert(capacity_ > 0);
}

std::optional<std::uint64_t> StreamVersionCache::get(std::string_view stream) {
  auto it = entries_.find(std::string(stream));
  if (it == entries_.end()) return std::nullopt;
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  return it->second.version;
}

void StreamVersionCache::put(std::string_view stream, std::uint64_t version) {
  auto [it, inserted] = entries_.try_emplace(std::string(stream), Entry{version, {}});
  if (!inserted) {
    it->second.version = version;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return;
  }
  recency_.push_front(&it->first);
  it->second.recency = recency_.begin();
  if (entries_.size() > capacity_) {
    const std::string* oldest = recency_.back();
    recency_.pop_back();
    entries_.erase(entries_.find(*oldest));
  }
  // Invariant: every entry has exactly one place in the recency list.
  assert(entries_.size() == recency_.size());
}

void StreamVersionCache::clear() {
  entries_.clear();
  recency_.clear();
}

}  // namespace docket::events

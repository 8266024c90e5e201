// LruMap: a map from string keys to values that holds at most `capacity` entries and
// evicts the least recently used one (a lookup or a put counts as a use).
//
// Thread safety: none; one owner thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docket {

template <typename Value>
class LruMap {
 public:
  // REQUIRES: capacity > 0.
  explicit LruMap(std::size_t capacity) : capacity_(capacity) { assert(capacity_ > 0); }

  // The value under `key`, marked recently used; nullptr on a miss. The pointer is
  // valid until the next put() or clear().
  Value* get(std::string_view key) {
    auto it = entries_.find(key);  // no string built: the hash and equality are transparent
    if (it == entries_.end()) return nullptr;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return &it->second.value;
  }

  // Stores `value` under `key`, evicting the least recently used entry when full.
  void put(std::string_view key, Value value) {
    if (auto found = entries_.find(key); found != entries_.end()) {
      found->second.value = std::move(value);
      recency_.splice(recency_.begin(), recency_, found->second.recency);
      return;
    }
    auto it = entries_.emplace(std::string(key), Entry{std::move(value), {}}).first;
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

  void clear() {
    entries_.clear();
    recency_.clear();
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    Value value;
    typename std::list<const std::string*>::iterator recency;
  };

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::size_t capacity_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  // Most recently used first; points at the keys of entries_ (stable node addresses).
  std::list<const std::string*> recency_;
};

}  // namespace docket

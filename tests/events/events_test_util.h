// Helpers shared by the events tests: request builders and raw RocksDB access for
// corruption tests.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "events/event_store.h"
#include "events/log_format.h"

namespace docket::events::testing {

// One stream append of `count` events of type "test.event" with data {"n":<i>}.
inline StreamAppend stream_append(std::string stream, std::uint64_t expected, int count = 1,
                                  std::string type = "test.event") {
  StreamAppend sa;
  sa.stream = std::move(stream);
  sa.expectedVersion = expected;
  for (int i = 0; i < count; ++i) {
    sa.events.push_back(NewEvent{type, 1, "{\"n\": " + std::to_string(i) + "}"});
  }
  return sa;
}

inline AppendRequest single(std::string stream, std::uint64_t expected, int count = 1) {
  AppendRequest r;
  r.streams.push_back(stream_append(std::move(stream), expected, count));
  r.meta.requestId = "req-test";
  return r;
}

inline std::unique_ptr<EventStore> open_store(const std::string& path, StoreOptions options = {}) {
  options.path = path;
  auto store = EventStore::open(options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

// The log's RocksDB opened directly, every column family by name, for tampering.
class RawLog {
 public:
  explicit RawLog(const std::string& path) {
    std::vector<std::string> names;
    rocksdb::Options options;
    REQUIRE(rocksdb::DB::ListColumnFamilies(options, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    const auto s = rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    db_.reset(raw);
    for (std::size_t i = 0; i < names.size(); ++i)
      handles_[names[i]] = handles[i];
  }
  ~RawLog() {
    for (auto& [name, handle] : handles_)
      db_->DestroyColumnFamilyHandle(handle);
    db_->Close();
  }

  rocksdb::ColumnFamilyHandle* cf(std::string_view name) { return handles_.at(std::string(name)); }

  std::string get(std::string_view column, const std::string& key) {
    std::string value;
    const auto s = db_->Get(rocksdb::ReadOptions(), cf(column), key, &value);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    return value;
  }
  void put(std::string_view column, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    REQUIRE(db_->Put(wo, cf(column), key, value).ok());
  }
  void del(std::string_view column, const std::string& key) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    REQUIRE(db_->Delete(wo, cf(column), key).ok());
  }

  std::string record(std::uint64_t id) {
    return get(log_format::kLogColumn, log_format::log_key(id));
  }
  void put_record(std::uint64_t id, const std::string& json) {
    put(log_format::kLogColumn, log_format::log_key(id), json);
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace docket::events::testing

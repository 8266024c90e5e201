// LogDb: the RocksDB instance behind the event log, with its column families.
//
// Owns the rocksdb::DB and one handle per column family (log_format.h names them).
// Opening picks the options the log relies on: WAL point-in-time recovery (a torn tail
// after a crash is dropped, never half-applied), a shared LRU block cache, bloom filters
// on the "streams" and "unique" column families, lz4/zstd compression when the RocksDB
// build has them. Column families other than the log's (added by later versions) are
// opened too, so RocksDB accepts the directory, and otherwise left alone.
//
// Thread safety: after open, every accessor may be used from any thread (RocksDB reads
// and writes are thread-safe). The LogDb must outlive every reader and writer using it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "events/event_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Status;
}  // namespace rocksdb

namespace docket::events {

// A RocksDB status as a docket Status; `context` says what was being done.
Status from_rocks(const rocksdb::Status& s, std::string_view context);

class LogDb {
 public:
  // Opens `path` for reading and writing, creating the database and any missing column
  // family. IOError when another process holds it open for writing.
  static Result<std::unique_ptr<LogDb>> open(const std::string& path,
                                             std::size_t block_cache_bytes);
  // Opens an existing log read-only: the state at the time of opening, while another
  // process may keep writing. NotFound when `path` holds no event log.
  static Result<std::unique_ptr<LogDb>> open_read_only(const std::string& path,
                                                       std::size_t block_cache_bytes);

  // Destroys the column family handles and closes the database.
  ~LogDb();
  LogDb(const LogDb&) = delete;
  LogDb& operator=(const LogDb&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // The handle of a column family; null only for kIdempotency on an old read-only log.
  rocksdb::ColumnFamilyHandle* column(LogColumn c) const;
  rocksdb::ColumnFamilyHandle* log() const { return column(LogColumn::kLog); }
  rocksdb::ColumnFamilyHandle* streams() const { return column(LogColumn::kStreams); }
  rocksdb::ColumnFamilyHandle* unique() const { return column(LogColumn::kUnique); }
  rocksdb::ColumnFamilyHandle* meta() const { return column(LogColumn::kMeta); }
  // Null for a log opened read-only that predates the column family.
  rocksdb::ColumnFamilyHandle* idempotency() const { return column(LogColumn::kIdempotency); }
  bool read_only() const { return read_only_; }
  const std::string& path() const { return path_; }

  // Flushes memtables of the log's column families to SST files (so the next open has
  // no WAL to replay). Writes are durable without it.
  Status flush();

 private:
  LogDb(std::string path, bool read_only) : path_(std::move(path)), read_only_(read_only) {}
  static Result<std::unique_ptr<LogDb>> open_impl(const std::string& path,
                                                  std::size_t block_cache_bytes, bool read_only);

  std::string path_;
  bool read_only_;
  std::unique_ptr<rocksdb::DB> db_;
  // Indexed by LogColumn.
  std::vector<rocksdb::ColumnFamilyHandle*> columns_;
  // Every handle RocksDB gave us, including the default and unknown column families.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace docket::events

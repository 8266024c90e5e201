#include "events/log_db.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "core/json_writer.h"
#include "core/log.h"
#include "events/log_format.h"

namespace docket::events {
namespace {

// In LogColumn order.
constexpr std::array<std::string_view, 5> kColumnNames = {
    log_format::kLogColumn, log_format::kStreamsColumn, log_format::kUniqueColumn,
    log_format::kMetaColumn, log_format::kIdempotencyColumn};
// A log written before this column family existed opens without it read-only.
bool optional_column(std::string_view name) {
  return name == log_format::kIdempotencyColumn;
}

// The prefix of a streams key is `stream '\0'`: every key but its 8-byte version. The
// prefix bloom filter lets a lookup of a stream that does not exist yet (every "create"
// command) skip SST files without reading them.
class StreamPrefixTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "docket.StreamPrefix.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    assert(InDomain(key));
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
  bool InRange(const rocksdb::Slice&) const override { return false; }
};

rocksdb::CompressionType pick(const std::vector<rocksdb::CompressionType>& supported,
                              std::initializer_list<rocksdb::CompressionType> preferred) {
  for (auto c : preferred) {
    if (std::find(supported.begin(), supported.end(), c) != supported.end()) return c;
  }
  return rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions column_options(std::string_view name,
                                            const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  const auto supported = rocksdb::GetSupportedCompressions();
  cf.compression = pick(supported, {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  cf.bottommost_compression = pick(supported, {rocksdb::kZSTD, rocksdb::kLZ4Compression});
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (name == log_format::kStreamsColumn) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = false;  // looked up by prefix (Seek), never by Get
    cf.prefix_extractor = std::make_shared<StreamPrefixTransform>();
  } else if (name == log_format::kUniqueColumn) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

// RocksDB's own diagnostics, as Docket log lines ("rocksdb" with the text) instead of a
// LOG file in the log directory: a LOG file that once failed to grow (a full disk)
// asserts on its next line, taking the process down with it.
class DocketRocksLogger final : public rocksdb::Logger {
 public:
  DocketRocksLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char text[1024];
    std::vsnprintf(text, sizeof text, format, ap);
    const auto fields = [&](JsonWriter& w) { w.field("text", std::string_view(text)); };
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      log_error("rocksdb", fields);
    } else {
      log_warn("rocksdb", fields);
    }
  }
};

rocksdb::DBOptions db_options(bool read_only) {
  rocksdb::DBOptions o;
  o.create_if_missing = !read_only;
  o.create_missing_column_families = !read_only;
  // A crash can tear the last WAL record; recovery keeps every complete WriteBatch before
  // it and drops the rest, so a group is either wholly present or wholly absent.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 4;
  o.max_total_wal_size = 256u << 20;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.info_log = std::make_shared<DocketRocksLogger>();
  // After a failed write the log takes no more until it is reopened (log_writer.h); an
  // automatic resume would touch the failed WAL file again, which RocksDB asserts against.
  o.max_bgerror_resume_count = 0;
  return o;
}

}  // namespace

Status from_rocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  const std::string msg = fmt::format("{}: {}", context, s.ToString());
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNoSpace()) return Status::NoSpace(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsShutdownInProgress()) return Status::Unavailable(msg);
  return Status::IOError(msg);
}

Result<std::unique_ptr<LogDb>> LogDb::open(const std::string& path, std::size_t block_cache_bytes) {
  return open_impl(path, block_cache_bytes, false);
}

Result<std::unique_ptr<LogDb>> LogDb::open_read_only(const std::string& path,
                                                     std::size_t block_cache_bytes) {
  return open_impl(path, block_cache_bytes, true);
}

Result<std::unique_ptr<LogDb>> LogDb::open_impl(const std::string& path,
                                                std::size_t block_cache_bytes, bool read_only) {
  const rocksdb::DBOptions options = db_options(read_only);
  std::vector<std::string> existing;
  const rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(options, path, &existing);
  if (!listed.ok()) {
    if (read_only) {
      return Status::NotFound(fmt::format("no event log at {}: {}", path, listed.ToString()));
    }
    existing = {rocksdb::kDefaultColumnFamilyName};
  }
  // Which of kColumnNames the open includes (read-only: the optional ones only when
  // present).
  std::array<bool, kColumnNames.size()> opened{};
  for (std::size_t i = 0; i < kColumnNames.size(); ++i) {
    const std::string_view name = kColumnNames[i];
    const bool present = std::find(existing.begin(), existing.end(), name) != existing.end();
    opened[i] = present || !read_only;
    if (!opened[i] && !optional_column(name)) {
      return Status::NotFound(
          fmt::format("{} is not an event log: column family \"{}\" is missing", path, name));
    }
  }

  auto cache = rocksdb::NewLRUCache(block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, column_options("", cache));
  for (std::size_t i = 0; i < kColumnNames.size(); ++i) {
    if (opened[i])
      descriptors.emplace_back(std::string(kColumnNames[i]),
                               column_options(kColumnNames[i], cache));
  }
  for (const std::string& name : existing) {
    const bool known = std::any_of(descriptors.begin(), descriptors.end(),
                                   [&](const auto& d) { return d.name == name; });
    if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::unique_ptr<LogDb> log(new LogDb(path, read_only));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (read_only) {
    s = rocksdb::DB::OpenForReadOnly(options, path, descriptors, &log->handles_, &raw);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    s = rocksdb::DB::Open(options, path, descriptors, &log->handles_, &raw);
  }
  if (!s.ok()) return from_rocks(s, fmt::format("opening event log at {}", path));
  log->db_.reset(raw);
  // The handles after the default one are the opened columns, in LogColumn order; a
  // column left out (read-only, absent) has none.
  std::size_t next = 1;
  for (std::size_t i = 0; i < kColumnNames.size(); ++i)
    log->columns_.push_back(opened[i] ? log->handles_[next++] : nullptr);
  return log;
}

LogDb::~LogDb() {
  if (!db_) return;
  for (auto* handle : handles_)
    db_->DestroyColumnFamilyHandle(handle);
  handles_.clear();
  columns_.clear();
  db_->Close();
  db_.reset();
}

rocksdb::ColumnFamilyHandle* LogDb::column(LogColumn c) const {
  const auto index = static_cast<std::size_t>(c);
  assert(index < columns_.size());
  return columns_[index];
}

Status LogDb::flush() {
  if (read_only_) return Status::Ok();
  rocksdb::FlushOptions options;
  options.wait = true;
  std::vector<rocksdb::ColumnFamilyHandle*> present;
  for (auto* handle : columns_)
    if (handle != nullptr) present.push_back(handle);
  return from_rocks(db_->Flush(options, present), "flushing event log");
}

}  // namespace docket::events

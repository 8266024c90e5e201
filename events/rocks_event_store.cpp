#include "events/rocks_event_store.h"

#include <cassert>
#include <filesystem>
#include <future>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

#include "core/log.h"
#include "events/append_validation.h"
#include "events/group_commit.h"
#include "events/log_db.h"
#include "events/log_reader.h"
#include "events/log_recovery.h"
#include "events/log_writer.h"

namespace docket::events {
namespace {

Status unavailable() {
  return Status::Unavailable("event store is closed or read-only");
}

}  // namespace

RocksEventStore::RocksEventStore(std::unique_ptr<LogDb> db, std::uint64_t head, std::string epoch,
                                 std::size_t max_request_bytes)
    : db_(std::move(db)),
      reader_(std::make_unique<LogReader>(*db_)),
      head_(head),
      epoch_(std::move(epoch)),
      max_request_bytes_(max_request_bytes) {}

Result<std::unique_ptr<EventStore>> RocksEventStore::open(const StoreOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("event store path is empty");
  if (options.max_group_commands == 0 || options.max_group_bytes == 0) {
    return Status::InvalidArgument("group caps must be positive");
  }
  auto db = LogDb::open(options.path, options.block_cache_bytes);
  if (!db.ok()) return db.status();
  auto recovered = recover_log(**db, true);
  if (!recovered.ok()) return recovered.status();

  std::unique_ptr<RocksEventStore> store(new RocksEventStore(
      std::move(db).value(), recovered->head, recovered->logEpoch, options.max_group_bytes));
  const Clock& clock = options.clock ? *options.clock : SystemClock::instance();
  store->writer_ = std::make_unique<LogWriter>(
      *store->db_, *store->reader_, store->head_, clock, options.max_group_bytes,
      options.before_group_write, recovered->head, recovered->prevHash, options.idempotency_ttl);
  LogWriter* writer = store->writer_.get();
  store->queue_ = std::make_unique<GroupCommitQueue>(
      options.max_group_commands, options.max_group_bytes,
      [writer](std::vector<PendingCommand>& group) { writer->commit_group(group); });
  store->queue_->start();
  log_info("events.opened", [&](JsonWriter& w) {
    w.field("path", options.path);
    w.field("head", recovered->head);
    w.field("logEpoch", recovered->logEpoch);
  });
  return std::unique_ptr<EventStore>(std::move(store));
}

Result<std::unique_ptr<EventStore>> RocksEventStore::open_read_only(const std::string& path) {
  auto db = LogDb::open_read_only(path, 8u << 20);
  if (!db.ok()) return db.status();
  auto recovered = recover_log(**db, false);
  if (!recovered.ok()) return recovered.status();
  std::unique_ptr<RocksEventStore> store(
      new RocksEventStore(std::move(db).value(), recovered->head, recovered->logEpoch, 0));
  store->closed_ = true;  // accepts no commands
  return std::unique_ptr<EventStore>(std::move(store));
}

RocksEventStore::~RocksEventStore() {
  close();
}

void RocksEventStore::close() {
  std::lock_guard lock(close_mu_);
  if (closed_) return;
  closed_ = true;
  if (queue_) {
    // Refuses new commands, commits everything queued, joins the writer. The queue and
    // writer objects stay (stopped) until destruction, so a racing append_async still
    // finds a queue that refuses it; the database stays open for reads.
    queue_->stop();
    writer_->stop_publishing();  // the last groups' observers and callbacks
    Status st = db_->flush();
    if (!st.ok()) {
      log_warn("events.flush_failed", [&](JsonWriter& w) { w.field("error", st.ToString()); });
    }
  }
}

void RocksEventStore::submit(PendingCommand&& command) {
  if (!command.done) command.done = [](Result<AppendResult>) {};
  if (queue_ == nullptr || !queue_->submit(std::move(command))) {
    // Not moved from: the queue refused it.
    command.done(unavailable());
  }
}

void RocksEventStore::append_async(AppendRequest request, AppendCallback done, Acknowledge ack) {
  PendingCommand command;
  command.ack = ack;
  command.refused = validate_append_request(request, max_request_bytes_);
  if (command.refused.ok()) normalize_request_text(request);
  command.bytes = approximate_bytes(request);
  command.request = std::move(request);
  command.done = std::move(done);
  submit(std::move(command));
}

void RocksEventStore::execute_async(PrepareFn prepare, AppendCallback done, Acknowledge ack) {
  PendingCommand command;
  command.ack = ack;
  command.prepare = std::move(prepare);
  command.done = std::move(done);
  command.bytes = 1024;  // unknown until it runs
  submit(std::move(command));
}

Result<AppendResult> RocksEventStore::append(AppendRequest request) {
  assert(queue_ == nullptr || !queue_->on_writer_thread());
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  append_async(std::move(request),
               [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<AppendResult> RocksEventStore::execute(PrepareFn prepare) {
  assert(queue_ == nullptr || !queue_->on_writer_thread());
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  execute_async(std::move(prepare),
                [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<std::vector<EventRecord>> RocksEventStore::read_range(std::uint64_t from,
                                                             std::size_t limit) const {
  std::vector<EventRecord> out;
  const std::uint64_t head = head_.load();
  from = std::max<std::uint64_t>(from, 1);
  if (limit == 0 || from > head) return out;
  const std::uint64_t to = from + std::min<std::uint64_t>(limit - 1, head - from);
  out.reserve(to - from + 1);
  Status st = reader_->scan(from, to, [&](const EventRecord& rec) {
    out.push_back(rec);
    return true;
  });
  if (!st.ok()) return st;
  return out;
}

Status RocksEventStore::scan(std::uint64_t from, std::uint64_t to,
                             const std::function<bool(const EventRecord&)>& fn) const {
  const std::uint64_t head = head_.load();
  if (to == 0 || to > head) to = head;
  from = std::max<std::uint64_t>(from, 1);
  return reader_->scan(from, to, fn);
}

Result<std::vector<EventRecord>> RocksEventStore::read_stream(std::string_view stream,
                                                              std::uint64_t fromVersion,
                                                              std::size_t limit) const {
  return reader_->read_stream(stream, fromVersion, limit, head_.load());
}

Result<std::vector<std::uint64_t>> RocksEventStore::stream_event_ids(std::string_view stream,
                                                                     std::uint64_t fromVersion,
                                                                     std::size_t limit) const {
  return reader_->stream_event_ids(stream, fromVersion, limit, head_.load());
}

Result<std::uint64_t> RocksEventStore::stream_version(std::string_view stream) const {
  return reader_->stream_version(stream, head_.load());
}

Result<std::string> RocksEventStore::unique_owner(std::string_view key) const {
  return reader_->unique_owner(key);
}

Result<std::uint64_t> RocksEventStore::last_id(std::string_view sequence) const {
  return reader_->last_id(sequence);
}

std::uint64_t RocksEventStore::applied() const {
  return writer_ ? writer_->applied() : head_.load();
}

void RocksEventStore::when_applied(std::uint64_t eventId, std::function<void()> then) {
  if (writer_) return writer_->when_applied(eventId, std::move(then));
  then();  // read-only: nothing is ever appended, so nothing waits
}

void RocksEventStore::add_commit_observer(CommitObserver* observer) {
  if (writer_) writer_->add_observer(observer);
}

void RocksEventStore::remove_commit_observer(CommitObserver* observer) {
  if (writer_) writer_->remove_observer(observer);
}

std::uint64_t RocksEventStore::wait_for_head(std::uint64_t after,
                                             std::chrono::milliseconds timeout) const {
  return head_.wait_for(after, timeout);
}

Status RocksEventStore::backup(const std::string& dir) const {
  if (std::filesystem::exists(dir)) {
    return Status::InvalidArgument(fmt::format("backup directory {} already exists", dir));
  }
  rocksdb::Checkpoint* raw = nullptr;
  Status st = from_rocks(rocksdb::Checkpoint::Create(db_->db(), &raw), "starting a backup");
  if (!st.ok()) return st;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Read-only databases cannot flush; copying the WAL instead keeps their backup whole.
  const std::uint64_t log_size_for_flush = db_->read_only() ? UINT64_MAX : 0;
  st = from_rocks(checkpoint->CreateCheckpoint(dir, log_size_for_flush),
                  fmt::format("writing a backup to {}", dir));
  if (!st.ok()) return st;
  // The copy is a log of its own from here on (log_recovery.h, renew_log_epoch).
  auto copy = LogDb::open(dir, 1u << 20);
  if (!copy.ok()) return copy.status();
  auto epoch = renew_log_epoch(**copy);
  if (!epoch.ok()) return epoch.status();
  return (*copy)->flush();
}

Status RocksEventStore::scan_raw(LogColumn column, std::string_view start,
                                 const RawEntryFn& fn) const {
  return reader_->scan_raw(column, start, fn);
}

Status RocksEventStore::write_failure() const {
  return writer_ ? writer_->write_failure() : Status::Ok();
}

void RocksEventStore::halt_writes(const Status& why) {
  if (writer_) writer_->halt(why);
}

StoreStats RocksEventStore::stats() const {
  if (writer_) return writer_->stats();
  StoreStats out;
  out.head = head_.load();
  return out;
}

std::uint64_t RocksEventStore::disk_bytes() const {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(db_->path(), ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      const auto size = entry.file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace docket::events

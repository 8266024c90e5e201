// RocksEventStore: the EventStore on RocksDB (see events/event_store.h for the contract).
//
// Composition:
//   LogDb             the database and its column families (events/log_db.h)
//   LogReader         decoded reads, bounded by head (events/log_reader.h)
//   HeadWatch         the durable head, atomic + waitable (events/head_watch.h)
//   GroupCommitQueue  the queue and the single writer thread (events/group_commit.h)
//   LogWriter         what the writer does with each group (events/log_writer.h)
//
// A read-only store has only the first three.
//
// Lifetime: close() stops the writer; the database stays open for reads until the store
// is destroyed. Members are destroyed queue first, database last.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "events/event_store.h"
#include "events/head_watch.h"

namespace docket::events {

class GroupCommitQueue;
struct PendingCommand;
class LogDb;
class LogReader;
class LogWriter;

class RocksEventStore final : public EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> open(const StoreOptions& options);
  static Result<std::unique_ptr<EventStore>> open_read_only(const std::string& path);

  ~RocksEventStore() override;

  void append_async(AppendRequest request, AppendCallback done,
                    Acknowledge ack = Acknowledge::kApplied) override;
  void execute_async(PrepareFn prepare, AppendCallback done,
                     Acknowledge ack = Acknowledge::kApplied) override;
  Result<AppendResult> append(AppendRequest request) override;
  Result<AppendResult> execute(PrepareFn prepare) override;

  std::uint64_t head() const override { return head_.load(); }
  std::uint64_t applied() const override;
  void when_applied(std::uint64_t eventId, std::function<void()> then) override;
  const std::string& log_epoch() const override { return epoch_; }

  Result<std::vector<EventRecord>> read_range(std::uint64_t from, std::size_t limit) const override;
  Status scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const EventRecord&)>& fn) const override;
  Result<std::vector<EventRecord>> read_stream(std::string_view stream, std::uint64_t fromVersion,
                                               std::size_t limit) const override;
  Result<std::vector<std::uint64_t>> stream_event_ids(std::string_view stream,
                                                      std::uint64_t fromVersion,
                                                      std::size_t limit) const override;
  Result<std::uint64_t> stream_version(std::string_view stream) const override;
  Result<std::string> unique_owner(std::string_view key) const override;
  Result<std::uint64_t> last_id(std::string_view sequence) const override;

  void add_commit_observer(CommitObserver* observer) override;
  void remove_commit_observer(CommitObserver* observer) override;

  std::uint64_t wait_for_head(std::uint64_t after,
                              std::chrono::milliseconds timeout) const override;

  Status backup(const std::string& dir) const override;
  Status scan_raw(LogColumn column, std::string_view start, const RawEntryFn& fn) const override;
  StoreStats stats() const override;
  Status write_failure() const override;
  void halt_writes(const Status& why) override;
  std::uint64_t disk_bytes() const override;
  void close() override;

 private:
  RocksEventStore(std::unique_ptr<LogDb> db, std::uint64_t head, std::string epoch,
                  std::size_t max_request_bytes);
  void submit(PendingCommand&& command);

  std::unique_ptr<LogDb> db_;
  std::unique_ptr<LogReader> reader_;
  HeadWatch head_;
  const std::string epoch_;
  const std::size_t max_request_bytes_;
  // Null for a read-only store. Declared after db_ so they are destroyed before it.
  std::unique_ptr<LogWriter> writer_;
  std::unique_ptr<GroupCommitQueue> queue_;

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_; a read-only store starts closed
};

}  // namespace docket::events

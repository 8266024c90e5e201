// LogWriter: commits one group of commands to the log. Runs on the writer thread.
//
// commit_group is the kCommitting step of the group-commit state machine
// (events/group_commit.h). For one group it:
//
//   1. stages each command in order (GroupStage): a PrepareFn runs first and its request
//      is validated here; refused or rejected commands stage nothing;
//   2. builds one rocksdb::WriteBatch: the records, their stream index entries, the
//      unique changes in order, meta "head", the outcomes under the commands'
//      idempotency keys, and the deletion of up to kExpiredPerGroup expired ones;
//   3. calls the before_group_write hook, then writes the batch with sync=true (one WAL
//      append + fsync for the whole group);
//   4. on success publishes the new head, updates the stream version and snapshot
//      caches, completes the commands acknowledged on durability (Acknowledge::kDurable),
//      and hands the group to the publisher thread, which runs the commit observers
//      with the group's records (groups in log order), moves applied() and runs its
//      waiters, then completes the other commands of the group in queue order. The writer goes on
//      staging and writing the next group meanwhile, so projecting group N overlaps deciding and
//      writing group N+1 (decision 0014); at most kMaxPublishBacklog groups wait for the publisher
//      before the writer waits too, and the publisher takes all the groups waiting at once (the
//      observers see their records together, in order);
//   5. on failure completes every command of the group with IOError, drops the stage,
//      and enters the failed state: every later command fails with IOError until the
//      store is reopened. Nothing acknowledged is lost: acknowledgements only follow a
//      durable write, and a reopen recovers whatever the WAL really holds.
//
// A group in which every command was rejected writes nothing; its commands complete on
// the writer thread at once.
//
// Thread safety: commit_group on the writer thread only. add_observer, remove_observer
// and stats from any thread; observers are called on the publisher thread with
// observers_mu_ held, so remove_observer waits for a running on_commit to return (and
// must not be called from one). Neither observers nor `done` callbacks may wait for
// another command of the same store (the publisher would wait on the writer, which may
// wait on the publisher).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "events/event_store.h"
#include "events/group_commit.h"
#include "events/group_stage.h"
#include "events/stream_version_cache.h"

namespace rocksdb {
class WriteBatch;
}

namespace docket::events {

class HeadWatch;
class LogDb;
class LogReader;

class LogWriter {
 public:
  // Streams whose durable version the writer keeps in memory.
  static constexpr std::size_t kStreamCacheCapacity = 100'000;
  // Snapshots of decided streams (StagedView::snapshot): a few hundred bytes each.
  static constexpr std::size_t kSnapshotCacheCapacity = 100'000;
  // Id sequences whose last durable id the writer keeps in memory.
  static constexpr std::size_t kSequenceCacheCapacity = 1'024;

  // `db`, `reader` and `head` must outlive the writer. `head_event_id` / `prev_hash`
  // describe the last durable event (from recovery). `hook` may be empty.
  LogWriter(LogDb& db, const LogReader& reader, HeadWatch& head, const Clock& clock,
            std::size_t max_request_bytes,
            std::function<Status(std::size_t commands)> before_group_write,
            std::uint64_t head_event_id, std::string prev_hash,
            std::chrono::milliseconds idempotency_ttl);

  // Expired idempotency outcomes deleted with one group, at most (events/idempotency.h).
  static constexpr std::size_t kExpiredPerGroup = 64;

  // Groups handed to the publisher that it has not started yet, at most.
  static constexpr std::size_t kMaxPublishBacklog = 4;

  ~LogWriter();

  // Commits `group` (see above) and takes its commands; their `done` runs on the
  // publisher thread (or, for a failed or empty write, before this returns).
  void commit_group(std::vector<PendingCommand>& group);

  // Waits until every handed-over group is published (observers ran, commands
  // completed), then stops the publisher thread. Idempotent; commit_group must not run
  // afterwards.
  void stop_publishing();

  void add_observer(CommitObserver* observer);
  void remove_observer(CommitObserver* observer);

  // EventStore::applied() and when_applied().
  std::uint64_t applied() const { return applied_.load(std::memory_order_acquire); }
  void when_applied(std::uint64_t event_id, std::function<void()> then);

  StoreStats stats() const;
  // EventStore::write_failure() and halt_writes(). Any thread.
  Status write_failure() const;
  void halt(const Status& why);

 private:
  // Stages one command; returns its outcome (an error means nothing was staged).
  Result<AppendResult> stage_command(class GroupStage& stage, PendingCommand& command);
  void fail_group(std::vector<PendingCommand>& group, const Status& status);
  // Adds the deletion of up to kExpiredPerGroup expired idempotency outcomes to `batch`.
  void delete_expired_outcomes(rocksdb::WriteBatch& batch);

  // A durable group on its way to the observers and the waiting commands.
  struct Published {
    std::vector<EventRecord> records;
    std::vector<PendingCommand> commands;
    std::vector<Result<AppendResult>> outcomes;
  };
  void publish_loop();
  void publish(Published& group);

  LogDb& db_;
  const LogReader& reader_;
  HeadWatch& head_;
  const Clock& clock_;
  const std::size_t max_request_bytes_;
  const std::function<Status(std::size_t)> before_group_write_;
  const std::chrono::milliseconds idempotency_ttl_;

  // Writer-thread state.
  std::uint64_t durable_head_;
  std::string prev_hash_;
  StreamVersionCache versions_{kStreamCacheCapacity};
  StreamVersionCache sequences_{kSequenceCacheCapacity};
  StreamSnapshotCache snapshots_{kSnapshotCacheCapacity};
  Status failed_;  // non-OK once a group write failed
  // When the writer next looks for expired idempotency outcomes (after it found none).
  UnixMillis next_expiry_check_ = 0;

  std::mutex observers_mu_;
  std::vector<CommitObserver*> observers_;  // guarded by observers_mu_

  mutable std::mutex stats_mu_;
  StoreStats stats_;                 // guarded by stats_mu_; head is filled in by stats()
  Status write_failure_;             // guarded by stats_mu_: failed_ or the halt, for other threads
  std::atomic<bool> halted_{false};  // halt() was called
  std::atomic<bool> stopped_{false};  // write_failure_ is set (set after it)

  // The last eventId the observers have seen, and who waits for it to move.
  std::atomic<std::uint64_t> applied_;
  std::mutex applied_mu_;
  std::multimap<std::uint64_t, std::function<void()>> applied_waiters_;  // guarded by applied_mu_
  bool applied_closed_ = false;                                          // guarded by applied_mu_

  std::mutex publish_mu_;
  std::condition_variable publish_cv_;       // work for the publisher, or stop
  std::condition_variable publish_room_cv_;  // room in the backlog, or drained
  std::deque<Published> backlog_;            // guarded by publish_mu_
  bool stop_publisher_ = false;              // guarded by publish_mu_
  std::thread publisher_;
};

}  // namespace docket::events

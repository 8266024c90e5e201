// GroupCommitQueue: the single writer thread and the queue that feeds it groups.
//
// Any thread submits commands; one writer thread takes them off the queue in groups and
// hands each group to a commit function (LogWriter::commit_group), which validates,
// writes one WriteBatch with one WAL fsync, and completes every command of the group.
// Throughput comes from the fsync being shared: while the writer waits on the disk, new
// commands pile up in the queue and become the next group.
//
// State machine of the writer thread:
//
//   kIdle ──(queue non-empty)──► kGrouping ──► kCommitting ──► kIdle
//     │                                                          ▲
//     └──(stop requested and queue empty)──► kStopped            │
//                                              (commit function returns)
//
//   kIdle        waits on `cv_` for a submission or for stop().
//   kGrouping    holds `mu_` and moves commands from the front of the queue into the
//                group, oldest first, while the group has fewer than max_group_commands
//                and adding the next command keeps it within max_group_bytes. The first
//                command always joins (validation caps a command at max_group_bytes), so
//                every group makes progress. A command that does not fit leaves the group
//                and heads the next one; order is never changed.
//   kCommitting  releases `mu_` and runs the commit function on the group; submitters
//                keep queueing meanwhile. Whatever the outcome (durable, rejected, or a
//                failed write that fails the whole group), every command's callback has
//                run when the commit function returns.
//   kStopped     stop() was called and every queued command was committed; the thread
//                has exited.
//
// A submitter waits on nothing: submit() only takes `mu_` to push. The blocking
// EventStore::append waits on its own future, which the callback fulfils.
//
// Thread safety: submit() and stop() from any thread except the writer thread (stop()
// joins it). The commit function runs on the writer thread only.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "events/event_store.h"

namespace docket::events {

// One queued command: either a ready AppendRequest or a PrepareFn that builds one on the
// writer thread from the staged state.
struct PendingCommand {
  AppendRequest request;  // used when `prepare` is empty
  PrepareFn prepare;
  // Non-OK when the request was refused before queueing (malformed); it completes with
  // this status and never touches the log.
  Status refused;
  AppendCallback done;
  Acknowledge ack = Acknowledge::kApplied;
  std::size_t bytes = 0;  // approximate WriteBatch bytes, for max_group_bytes
};

class GroupCommitQueue {
 public:
  using CommitFn = std::function<void(std::vector<PendingCommand>& group)>;

  // REQUIRES: max_group_commands >= 1. `commit` must complete every command it is given.
  GroupCommitQueue(std::size_t max_group_commands, std::size_t max_group_bytes, CommitFn commit);
  // Calls stop().
  ~GroupCommitQueue();
  GroupCommitQueue(const GroupCommitQueue&) = delete;
  GroupCommitQueue& operator=(const GroupCommitQueue&) = delete;

  // Starts the writer thread. REQUIRES: called once.
  void start();

  // Queues `command` and returns true; or, after stop(), leaves it untouched and returns
  // false (the caller completes it).
  bool submit(PendingCommand&& command);

  // Refuses new commands, lets the writer commit everything already queued, and joins
  // it. Idempotent. REQUIRES: not on the writer thread.
  void stop();

  bool on_writer_thread() const { return std::this_thread::get_id() == writer_id_; }

 private:
  void run();
  // REQUIRES: mu_ held and queue_ non-empty.
  void take_group(std::vector<PendingCommand>& group);

  const std::size_t max_group_commands_;
  const std::size_t max_group_bytes_;
  const CommitFn commit_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingCommand> queue_;  // guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  std::thread writer_;
  std::thread::id writer_id_;  // set before the thread runs; read-only afterwards
};

}  // namespace docket::events

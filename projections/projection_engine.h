// ProjectionEngine: keeps every SQLite read model in step with the event log.
//
// Each projection lives in <dir>/<name>.sqlite with a docket_projection meta row
// (projections/projection_meta.h). The engine
//   * start():     opens each file, rebuilds it from event 1 when its schema version,
//                  log epoch or checkpoint (ahead of head: an older log was restored)
//                  does not match the store, catches up from its checkpoint, then
//                  registers as the store's commit observer;
//   * on_commit(): on the store's publisher thread, applies each durable group to each
//                  projection in one transaction that also moves its checkpoint
//                  (exactly once: events at or below the checkpoint are skipped);
//   * rebuild():   builds <name>.sqlite.rebuild from the log while the old file keeps
//                  serving, then finishes it on the writer thread and swaps it in.
// See docs/projections.md.
//
// Threads: on_commit runs on the store's publisher thread, groups in log order
// (events/log_writer.h), while the writer thread already decides the next group.
// apply_mu_ makes a swap (on the writer thread) and on_commit exclusive: the swap
// catches the shadow up to the durable head, so groups published after it find their
// events below the new checkpoint and skip them. start(), stop() and rebuild() run on
// a caller thread (never the writer thread). status(), generation() and
// open_reader() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "events/event_store.h"
#include "projections/projection.h"
#include "projections/projection_status.h"

namespace docket::projections {

class ReadConnection;
class ReaderSet;

// Progress of a catch-up or rebuild of `projection`: `done` is the eventId reached
// (the checkpoint), `total` the eventId being caught up to. Called on the thread doing
// the work, after every committed chunk.
using ProgressFn =
    std::function<void(std::string_view projection, std::uint64_t done, std::uint64_t total)>;

struct EngineOptions {
  // Events per transaction when catching up or rebuilding.
  std::size_t batch_events = 10000;
  // An online rebuild hands over to the writer thread once the shadow file lags the
  // head by at most this many events (the writer applies the rest during the swap).
  std::uint64_t handoff_lag = 2000;
  // Source of updated_at; SystemClock when null. Must outlive the engine.
  const Clock* clock = nullptr;
  // How often the checkpointer thread copies each live file's WAL back into the file
  // (a PASSIVE checkpoint on its own connection), so the writer thread never does.
  std::chrono::milliseconds checkpoint_interval{250};
};

class ProjectionEngine final : public events::CommitObserver {
 public:
  // `dir` is created by start() when missing. `store` must outlive the engine.
  // REQUIRES: projection names match [a-z_]+ and are unique (checked by start()).
  ProjectionEngine(std::string dir, events::EventStore& store,
                   std::vector<std::unique_ptr<Projection>> projections,
                   EngineOptions options = {});
  // Calls stop().
  ~ProjectionEngine() override;
  ProjectionEngine(const ProjectionEngine&) = delete;
  ProjectionEngine& operator=(const ProjectionEngine&) = delete;

  // Brings every projection up to the log head, then registers with the store.
  // REQUIRES: called once, before the first append after the store opened (the
  // store's add_commit_observer contract). Errors: InvalidArgument for bad names,
  // IOError when `dir` cannot be created. A projection that fails to open or catch up
  // does not fail start(): it is reported kFailed and retried on the next commit.
  Status start(const ProgressFn& progress = {});

  // Unregisters from the store and closes the files. Idempotent.
  // REQUIRES: no rebuild() running.
  void stop();

  // CommitObserver: applies `events` (one durable group, in order) to every
  // projection. Never fails the group: a failing projection is rolled back, marked
  // kFailed with its error logged, and caught up from its checkpoint next time.
  void on_commit(std::span<const events::EventRecord> events) override;

  // One entry per projection, in construction order; head is the store's head now.
  std::vector<ProjectionStatus> status() const;

  // Rebuilds `name` from event 1 into <dir>/<name>.sqlite.rebuild while the old file
  // keeps serving, then on the writer thread applies the last events and atomically
  // renames the shadow over the old file (ReadConnections are closed for the swap and
  // reopen on their next lease). Blocks until done. Errors: NotFound (no such
  // projection), FailedPrecondition (not started, or a rebuild of it is running),
  // Unavailable (the store is closing, or another process holds the file open), and
  // whatever applying the log fails with; on error the old file is kept.
  // REQUIRES: not called on the writer thread.
  Status rebuild(std::string_view name, const ProgressFn& progress = {});

  // A new read-only connection over every projection. REQUIRES: start() succeeded.
  Result<std::unique_ptr<ReadConnection>> open_reader();

  // Bumped whenever a rebuilt file is swapped in.
  std::uint64_t generation() const;

  const std::string& dir() const { return dir_; }

 private:
  struct Slot;

  UnixMillis now() const;
  std::string file_of(const Slot& slot) const;
  Status open_slot(Slot& slot, const ProgressFn& progress);
  // Applies events (from, to] from the store to `db` in transactions of batch_events,
  // moving `checkpoint` with each commit.
  // `live`: db is slot.db (its checkpoint is published to status()).
  Status catch_up(Slot& slot, Database& db, bool live, std::uint64_t& checkpoint, std::uint64_t to,
                  const ProgressFn& progress);
  Status apply_group(Slot& slot, std::span<const events::EventRecord> events);
  // Creates an empty shadow file (meta row + schema) in bulk-load mode.
  Result<std::unique_ptr<Database>> create_shadow(Slot& slot);
  // Makes a bulk-loaded shadow durable and switches it to rollback-journal mode.
  Status seal_shadow(Database& shadow, std::uint64_t checkpoint);
  // Writer thread (or start()): closes readers and the live file, renames the shadow
  // over it and reopens it as the live file.
  Status install_shadow(Slot& slot, std::unique_ptr<Database> shadow, std::uint64_t checkpoint);
  // Builds a fresh file with the engine's own thread, no readers yet (start()).
  Status build_fresh(Slot& slot, const ProgressFn& progress);
  Slot* find(std::string_view name);
  void set_state(Slot& slot, ProjectionState state, std::string error = {});

  const std::string dir_;
  events::EventStore& store_;
  const EngineOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::shared_ptr<ReaderSet> readers_;

  // The checkpointer: one thread, one connection per live file (Slot::checkpointer),
  // all guarded by checkpointer_mu_, which a swap holds while it replaces a file.
  void run_checkpointer();
  std::mutex checkpointer_mu_;
  std::condition_variable checkpointer_cv_;
  bool checkpointer_stop_ = false;  // guarded by checkpointer_mu_
  std::thread checkpointer_;
  std::atomic<bool> registered_{false};  // set by start(), cleared by stop()

  // Guards the status fields of every Slot (checkpoint copy, state, error, rebuilding).
  mutable std::mutex mu_;
  // Held by on_commit for a whole group and by a swap: see "Threads" above.
  std::mutex apply_mu_;
};

}  // namespace docket::projections

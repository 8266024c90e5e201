// The queue service: assigns open, unassigned work items to eligible agents by the
// assignment rule (domain/assignment.h), with actor system and reason "auto"
// (docs/agents-and-queue.md).
//
// It runs on its own thread:
//   - when a commit brings an event that may change the answer (an item opened, an agent
//     changed status or profile, capacity freed, an item unassigned or reopened);
//   - at the next shift edge of any agent (domain::next_shift_change);
//   - every `interval` (the sweep), whatever happened.
// A run reads the agents and the waiting items from the "queue" read model, plans with
// plan_assignments, and submits every planned assignment at once; the writer decides
// each again against the log (still unassigned, agent available, in shift, skilled and
// below capacity), so a plan made from a read model that lags can lose an item to a
// take or a manual assignment but never break the rule. A run whose assignments were
// refused is followed by another.
//
// The round-robin cursor is the agent of the last automatic assignment in the log (the
// read model's, at start), so a restart continues where the log left off.
//
// Thread safety: on_commit runs on the publisher thread and only flags work; run_once
// may be called from any thread but not concurrently with the service's own thread
// (tests and the benchmark call it with the thread not started).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "core/clock.h"
#include "core/result.h"
#include "events/event_store.h"
#include "projections/work_queue_query.h"

namespace docket {
class MetricsRegistry;
}
namespace docket::projections {
class ReaderPool;
}

namespace docket::scheduler {

struct QueueOptions {
  bool enabled = true;                     // DOCKET_QUEUE_ENABLED
  std::chrono::seconds interval{10};       // DOCKET_QUEUE_INTERVAL_SECONDS
  std::uint32_t default_capacity = 5;      // DOCKET_QUEUE_DEFAULT_CAPACITY
  std::size_t max_waiting_read = 100'000;  // waiting items one run looks at
};

struct QueueRun {
  std::size_t planned = 0;
  std::size_t assigned = 0;
  std::size_t refused = 0;  // decided differently by the writer (raced)
};

class QueueService final : public events::CommitObserver {
 public:
  QueueService(events::EventStore& store, projections::ReaderPool& readers, const Clock& clock,
               QueueOptions options);
  ~QueueService() override;
  QueueService(const QueueService&) = delete;
  QueueService& operator=(const QueueService&) = delete;

  // Called on the service's thread after a run that left the queue's depth different
  // from the last one it reported, with the last eventId the read models held then
  // (realtime: queue-updated). Set before start().
  using DepthListener = std::function<void(const projections::QueueStats&, std::uint64_t)>;
  void set_depth_listener(DepthListener listener) { depth_listener_ = std::move(listener); }

  // Starts the thread. Disabled, it only reports the depth; stop() lets a run in
  // progress finish.
  void start();
  void stop();

  void on_commit(std::span<const events::EventRecord> events) override;

  // One run: plan and commit. Waits for the commits (acknowledged as applied).
  Result<QueueRun> run_once();

  // docket_queue_depth, docket_queue_oldest_waiting_seconds,
  // docket_queue_assignments_total{reason}, docket_queue_agents{status},
  // docket_queue_agent_open_items{agent}, docket_queue_agent_capacity{agent} (read from the
  // read model at scrape time), docket_queue_runs_total, docket_queue_run_failures_total.
  void register_metrics(MetricsRegistry& registry);

 private:
  void loop();
  // Reads the depth and tells the listener when it changed.
  void report_depth();

  events::EventStore& store_;
  projections::ReaderPool& readers_;
  const Clock& clock_;
  const QueueOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool dirty_ = true;  // guarded by mu_
  bool stopping_ = false;
  std::optional<std::int64_t> next_edge_ms_;  // the next shift edge; guarded by mu_
  std::thread thread_;

  DepthListener depth_listener_;
  std::optional<projections::QueueStats> reported_;  // loop thread only
  std::optional<std::int64_t> cursor_;               // run_once only
  bool cursor_loaded_ = false;
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace docket::scheduler

// The SLA monitor: records breaches of SLA deadlines (docs/sla.md).
//
// It runs on its own thread and wakes
//   - at the earliest watched deadline: the read model's (projections/sla_query.h,
//     an index on the next due time, so a sweep with nothing due reads nothing), lowered
//     at once by every committed sla_updated event whose clock is due sooner;
//   - at each occurrence of its cron schedule (DOCKET_SLA_MONITOR_CRON, every minute
//     by default), whatever happened.
// A run reads the targets due now and submits a RecordSlaBreach for each at once; the
// writer decides each again against the log (still running, unbreached, due at that
// instant), so overlapping runs, a lagging read model or a restart never record a
// breach twice: the second decision is refused (kSlaNotDue) and skipped.
//
// Thread safety: on_commit runs on the publisher thread and only lowers the wake-up
// time; run_once may be called from any thread but not concurrently with the monitor's
// own thread (tests and the benchmark call it with the thread not started).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "core/clock.h"
#include "core/result.h"
#include "events/event_store.h"
#include "scheduler/cron.h"

namespace docket {
class MetricsRegistry;
}
namespace docket::projections {
class ReaderPool;
}

namespace docket::scheduler {

struct SlaMonitorOptions {
  bool escalate = true;      // DOCKET_SLA_ESCALATE
  std::size_t batch = 2000;  // due targets one read submits
};

struct SlaRun {
  std::size_t due = 0;       // targets found due
  std::size_t recorded = 0;  // breaches recorded
  std::size_t skipped = 0;   // refused by the writer (met, recounted or recorded meanwhile)
};

class SlaMonitor final : public events::CommitObserver {
 public:
  SlaMonitor(events::EventStore& store, projections::ReaderPool& readers, const Clock& clock,
             CronSchedule schedule, SlaMonitorOptions options);
  ~SlaMonitor() override;
  SlaMonitor(const SlaMonitor&) = delete;
  SlaMonitor& operator=(const SlaMonitor&) = delete;

  void start();
  void stop();  // lets a run in progress finish
  // Wakes the thread to look at the clock now (a test's ManualClock moved).
  void notify();

  void on_commit(std::span<const events::EventRecord> events) override;

  // Records every breach due at the clock's now (in batches until none is left).
  Result<SlaRun> run_once();

  // docket_sla_breaches_recorded_total, docket_sla_monitor_runs_total,
  // docket_sla_monitor_failures_total, docket_sla_next_due_seconds.
  void register_metrics(MetricsRegistry& registry);

 private:
  void loop();
  // The read model's earliest watched deadline (none on error or when nothing runs).
  std::optional<std::int64_t> read_next_due();

  events::EventStore& store_;
  projections::ReaderPool& readers_;
  const Clock& clock_;
  const CronSchedule schedule_;
  const SlaMonitorOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                    // guarded by mu_
  std::optional<std::int64_t> next_due_ms_;  // guarded by mu_
  bool poked_ = false;                       // guarded by mu_
  static constexpr int kMaxRetries = 5;
  int retries_ = 0;  // loop thread only
  std::thread thread_;

  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> recorded_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace docket::scheduler

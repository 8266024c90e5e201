// CronJob: runs a job on its own thread at the times a CronSchedule names.
//
//   next = schedule.next_after(start time)
//   loop: when clock.now_ms() >= next: job(now); next = schedule.next_after(now)
//
// "Due" is judged by the injected Clock; the thread sleeps in real time until the next
// occurrence, at most `poll_interval`, or until notify(). With a ManualClock a test
// advances the clock and calls notify().
//
// Occurrences missed while the process was down, or while a run took longer than the
// interval, are not made up one by one: the job runs once and the schedule continues
// from then. Jobs must therefore be idempotent sweeps ("close everything inactive"),
// which is what scheduled maintenance is. A job that throws is logged
// (cron.job_failed) and the schedule goes on.
//
// Thread safety: start/stop from one owning thread; notify(), runs() and idle_looks()
// from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "scheduler/cron.h"

namespace docket::scheduler {

class CronJob {
 public:
  // Receives the clock's time at the run. Runs on the job's thread.
  using Job = std::function<void(UnixMillis now)>;

  // `clock` must outlive the job.
  CronJob(std::string name, CronSchedule schedule, const Clock& clock, Job job,
          std::chrono::milliseconds poll_interval = std::chrono::seconds(30));
  ~CronJob();
  CronJob(const CronJob&) = delete;
  CronJob& operator=(const CronJob&) = delete;

  // Starts the thread; the first run is at the first occurrence after now.
  void start();
  // Wakes the thread to look at the clock now.
  void notify();
  // Lets a run in progress finish, then joins. Idempotent.
  void stop();

  // Runs completed so far; the time the next is due (0 before start).
  std::uint64_t runs() const { return runs_.load(); }
  // Times the thread looked at the clock, found nothing due and went back to sleep: a
  // caller can tell that a notify() was seen and ran nothing.
  std::uint64_t idle_looks() const { return idle_looks_.load(); }
  UnixMillis next_due() const { return next_.load(); }
  const std::string& name() const { return name_; }

 private:
  void loop();

  const std::string name_;
  const CronSchedule schedule_;
  const Clock& clock_;
  const Job job_;
  const std::chrono::milliseconds poll_interval_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  bool poked_ = false;     // guarded by mu_
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> idle_looks_{0};
  std::atomic<UnixMillis> next_{0};
  std::thread thread_;
};

}  // namespace docket::scheduler

#include "scheduler/cron_job.h"

#include <algorithm>
#include <exception>

#include "core/log.h"

namespace docket::scheduler {

CronJob::CronJob(std::string name, CronSchedule schedule, const Clock& clock, Job job,
                 std::chrono::milliseconds poll_interval)
    : name_(std::move(name)),
      schedule_(std::move(schedule)),
      clock_(clock),
      job_(std::move(job)),
      poll_interval_(poll_interval) {}

CronJob::~CronJob() {
  stop();
}

void CronJob::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  next_.store(schedule_.next_after(clock_.now_ms()).value_or(0));
  log_info("cron.scheduled", [&](JsonWriter& w) {
    w.field("job", name_).field("schedule", schedule_.expression()).field("nextDue", next_.load());
  });
  thread_ = std::thread([this] { loop(); });
}

void CronJob::notify() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  wake_.notify_all();
}

void CronJob::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CronJob::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const UnixMillis next = next_.load();
    const UnixMillis now = clock_.now_ms();
    if (next != 0 && now >= next) {
      lock.unlock();
      try {
        job_(now);
      } catch (const std::exception& e) {
        log_error("cron.job_failed",
                  [&](JsonWriter& w) { w.field("job", name_).field("error", e.what()); });
      }
      runs_.fetch_add(1);
      // Missed occurrences are not made up: continue from the clock's time now.
      next_.store(schedule_.next_after(clock_.now_ms()).value_or(0));
      lock.lock();
      continue;
    }
    idle_looks_.fetch_add(1);
    auto wait = poll_interval_;
    if (next != 0) wait = std::min(wait, std::chrono::milliseconds(next - now));
    wake_.wait_for(lock, wait, [&] { return stopping_ || poked_; });
    poked_ = false;
  }
}

}  // namespace docket::scheduler

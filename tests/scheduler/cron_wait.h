// Waits on a CronJob's observable counters (header-only; for the scheduler tests).
#pragma once

#include <cstdint>

#include "scheduler/cron_job.h"
#include "tests/support/test_support.h"

namespace docket::testing {

// Waits until `job` has completed `n` runs.
inline bool wait_runs(const scheduler::CronJob& job, std::uint64_t n) {
  return eventually([&] { return job.runs() >= n; });
}

// Pokes the job and waits until its thread has looked at the clock since and found
// nothing due.
inline bool poke_idle(scheduler::CronJob& job) {
  const std::uint64_t before = job.idle_looks();
  job.notify();
  return eventually([&] { return job.idle_looks() > before; });
}

}  // namespace docket::testing

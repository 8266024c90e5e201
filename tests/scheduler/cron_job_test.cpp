// CronJob: runs at the schedule's times as judged by an injected clock, once per due
// occurrence however many were missed, and keeps going after a failing run.
#include "scheduler/cron_job.h"
#include "tests/scheduler/cron_wait.h"

#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace docket::scheduler {
using docket::testing::poke_idle;
using docket::testing::wait_runs;

namespace {

constexpr UnixMillis kHour = 3'600'000;
// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr UnixMillis kElevenOClock = 1'795'345'200'000;

CronSchedule hourly() {
  auto s = CronSchedule::parse("0 * * * *");
  REQUIRE(s.ok());
  return *s;
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("a cron job runs when its time comes on the injected clock, and only then") {
    ManualClock clock(kStart);
    std::mutex mu;
    std::vector<UnixMillis> seen;
    CronJob job("test", hourly(), clock, [&](UnixMillis now) {
      std::lock_guard lock(mu);
      seen.push_back(now);
    });
    job.start();
    CHECK(job.next_due() == kElevenOClock);
    REQUIRE(poke_idle(job));
    CHECK(job.runs() == 0);  // 10:17 is not 11:00

    clock.set(kElevenOClock);
    job.notify();
    REQUIRE(wait_runs(job, 1));
    CHECK(job.next_due() == kElevenOClock + kHour);

    // Three hours pass while nothing runs: one run, then the schedule goes on.
    clock.set(kElevenOClock + 3 * kHour + 5'000);
    job.notify();
    REQUIRE(wait_runs(job, 2));
    REQUIRE(poke_idle(job));
    CHECK(job.runs() == 2);
    CHECK(job.next_due() == kElevenOClock + 4 * kHour);
    job.stop();
    std::lock_guard lock(mu);
    CHECK(seen == std::vector<UnixMillis>{kElevenOClock, kElevenOClock + 3 * kHour + 5'000});
  }

  TEST_CASE("a failing run is logged and the schedule continues") {
    ManualClock clock(kStart);
    int calls = 0;
    CronJob job("failing", hourly(), clock, [&](UnixMillis) {
      if (++calls == 1) throw std::runtime_error("database is locked");
    });
    job.start();
    clock.set(kElevenOClock);
    job.notify();
    REQUIRE(wait_runs(job, 1));
    clock.set(kElevenOClock + kHour);
    job.notify();
    REQUIRE(wait_runs(job, 2));
    job.stop();
    CHECK(calls == 2);
  }
}

}  // namespace docket::scheduler

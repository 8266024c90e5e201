// SLA deadlines and the breach monitor at scale.
//
//   bench_sla [--items 100000] [--breaches 1000] [--computations 1000000] [--dir DIR]
//             [--seed 1]
//
// 1. Deadline computation: add_business_time on a Berlin office calendar (two periods a
//    weekday, recurring holidays), a New York calendar with an overnight period, and
//    24x7, from random instants over 2026-2027 for random 1 minute - 5 day targets.
//    Printed: computations per second (one add_business_time call each).
// 2. Set-up (through the real write path and the sla read model, not timed): `items`
//    open support requests over three policies (office hours for technical, New York
//    hours for billing, the 24x7 default for the rest) and `breaches` more under a
//    one-minute policy (security), all created at the same instant of a ManualClock.
// 3. The monitor's sweep with nothing due (SlaMonitor::run_once at that instant: it
//    reads the due-time index and finds nothing), 50 times: median and slowest.
// 4. The clock moves one minute: one run_once records and escalates every breach (each
//    a RecordSlaBreach through the writer, acknowledged once the read models hold it).
//    Printed: breaches recorded and the run's time; a second run records nothing.
// The exit status is 1 when a run records other than expected.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <future>
#include <random>

#include "bench/bench_commands.h"
#include "bench/bench_util.h"
#include "cli/server_runtime.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/business_time.h"
#include "domain/command.h"
#include "domain/sla.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/reader_pool.h"
#include "scheduler/sla_monitor.h"

using namespace docket;

namespace {

using bench::run;
using bench::run_all;

constexpr std::int64_t kMinute = 60'000;
constexpr UnixMillis kNow = 1'796'461'200'000;  // 2026-11-30T09:00:00Z, a Monday

domain::SlaCalendarRecord office() {
  domain::SlaCalendarRecord c{"Berlin office", "Europe/Berlin", {}, {}};
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
    c.weekly.push_back({day, "09:00", "12:30"});
    c.weekly.push_back({day, "13:30", "18:00"});
  }
  c.holidays = {{"2026-12-24", true}, {"2026-12-25", true},  {"2026-12-26", true},
                {"2027-01-01", true}, {"2027-04-02", false}, {"2027-04-05", false}};
  return c;
}

domain::SlaCalendarRecord new_york() {
  domain::SlaCalendarRecord c{"New York", "America/New_York", {}, {{"2026-07-04", true}}};
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat"}) {
    c.weekly.push_back({day, "08:00", "20:00"});
  }
  c.weekly.push_back({"sun", "22:00", "06:00"});  // overnight into Monday
  return c;
}

domain::SlaTargetsRecord same(std::int64_t first, std::int64_t resolution) {
  const domain::SlaTargetRecord t{first, resolution, std::nullopt};
  return {t, t, t, t};
}

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  set_log_level(LogLevel::kWarn);
  const auto items = bench::flag_uint(argc, argv, "items", 100000);
  const auto breaches = bench::flag_uint(argc, argv, "breaches", 1000);
  const auto computations = bench::flag_uint(argc, argv, "computations", 1000000);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-sla-data");
  const auto seed = bench::flag_uint(argc, argv, "seed", 1);
  std::filesystem::remove_all(dir);
  std::mt19937_64 rng(seed);

  // 1. Deadline computation.
  {
    std::vector<domain::BusinessCalendar> calendars{*domain::business_calendar_of(office()),
                                                    *domain::business_calendar_of(new_york()),
                                                    domain::BusinessCalendar{"UTC", {}, {}, true}};
    std::uniform_int_distribution<std::int64_t> start(1'767'225'600'000, 1'830'297'600'000);
    std::uniform_int_distribution<std::int64_t> minutes(1, 5 * 24 * 60);
    std::int64_t checksum = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t n = 0; n < computations; ++n) {
      auto due = domain::add_business_time(calendars[n % 3], start(rng), minutes(rng) * kMinute);
      if (!due.ok()) {
        std::fprintf(stderr, "add_business_time: %s\n", due.status().ToString().c_str());
        return 1;
      }
      checksum ^= *due;
    }
    const double secs = bench::seconds_since(t0);
    std::printf("deadline computation: %llu in %.3f s = %.0f per second (checksum %lld)\n",
                static_cast<unsigned long long>(computations), secs,
                static_cast<double>(computations) / secs, static_cast<long long>(checksum));
  }

  // 2. Set-up.
  ManualClock clock(kNow);
  cli::ServerRuntime::Options options;
  options.config.data_dir = dir;
  options.config.queue_enabled = false;
  options.clock = &clock;
  options.control_socket = false;
  options.http = false;  // no HTTP, no monitor thread: the benchmark runs the monitor
  auto rt = cli::ServerRuntime::start(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "start: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  events::EventStore& store = (*rt)->store();
  projections::ReaderPool readers((*rt)->projections());
  run(store, domain::SeedSlaPolicy{240, 2880});
  run(store, domain::CreateSlaCalendar{office()});
  run(store, domain::CreateSlaCalendar{new_york()});
  auto policy = [](std::string name, std::optional<std::int64_t> calendar, std::string category,
                   domain::SlaTargetsRecord targets) {
    return domain::CreateSlaPolicy{domain::SlaPolicyRecord{std::move(name),
                                                           calendar,
                                                           {"support_request"},
                                                           std::vector<std::string>{category},
                                                           targets,
                                                           domain::default_pause_statuses()}};
  };
  run(store, policy("Office", 1, "technical", same(60, 960)));
  run(store, policy("New York", 2, "billing", same(120, 1440)));
  run(store, policy("Security", std::nullopt, "security", same(1, 30)));

  const char* categories[] = {"technical", "billing", "general", "account"};
  const char* priorities[] = {"low", "medium", "high", "urgent"};
  const auto setup0 = std::chrono::steady_clock::now();
  std::vector<domain::CreateSupportRequest> batch;
  auto flush = [&] {
    run_all(store, batch);
    batch.clear();
  };
  for (std::uint64_t n = 0; n < items + breaches; ++n) {
    const bool breach = n >= items;
    batch.push_back({static_cast<std::int64_t>(1 + n % 5000), "Help",
                     breach ? "security" : categories[n % 4], priorities[(n / 4) % 4],
                     "Please help", RawJson{"null"}});
    if (batch.size() == 2000) flush();
  }
  flush();
  std::printf("set-up: %llu requests with SLA clocks in %.1f s\n",
              static_cast<unsigned long long>(items + breaches), bench::seconds_since(setup0));

  auto schedule = scheduler::CronSchedule::parse("0 0 1 1 *");
  scheduler::SlaMonitor monitor(store, readers, clock, *schedule, scheduler::SlaMonitorOptions{});

  // 3. Nothing due.
  std::vector<double> sweeps;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto run = monitor.run_once();
    sweeps.push_back(bench::seconds_since(t0) * 1000);
    if (!run.ok() || run->due != 0) {
      std::fprintf(stderr, "sweep found something due\n");
      return 1;
    }
  }
  std::sort(sweeps.begin(), sweeps.end());
  std::printf("sweep with nothing due over %llu open items: median %.3f ms, slowest %.3f ms\n",
              static_cast<unsigned long long>(items + breaches), sweeps[sweeps.size() / 2],
              sweeps.back());

  // 4. The one-minute deadlines pass.
  clock.set(kNow + kMinute);
  const auto t0 = std::chrono::steady_clock::now();
  auto recorded = monitor.run_once();
  const double secs = bench::seconds_since(t0);
  if (!recorded.ok()) {
    std::fprintf(stderr, "run: %s\n", recorded.status().ToString().c_str());
    return 1;
  }
  std::printf("%zu breaches recorded and escalated in one run: %.3f s (%zu skipped)\n",
              recorded->recorded, secs, recorded->skipped);
  auto again = monitor.run_once();
  if (recorded->recorded != breaches || !again.ok() || again->recorded != 0) {
    std::fprintf(stderr, "expected %llu breaches once\n",
                 static_cast<unsigned long long>(breaches));
    return 1;
  }
  std::printf("second run: nothing more to record\n");
  return 0;
}

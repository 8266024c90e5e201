// The SLA monitor over a real log, engine and reader pool, on a ManualClock: nothing is
// recorded before a deadline; at it, each due target's breach is recorded once (a second
// run, and a run racing a reply, record nothing more); the read model's due index lists
// only what runs; and the thread wakes at the deadline itself, not at the next sweep.
#include "scheduler/sla_monitor.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/sla.h"
#include "domain/sla_breach.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/reader_pool.h"
#include "projections/sla.h"
#include "projections/sla_query.h"
#include "tests/support/test_support.h"

namespace docket::scheduler {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z, a Sunday
constexpr std::int64_t kMinute = 60'000;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<projections::ReaderPool> readers;

  Fixture() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    std::vector<std::unique_ptr<projections::Projection>> models;
    models.push_back(std::make_unique<projections::SlaProjection>());
    projections::EngineOptions engine_options;
    engine_options.clock = &clock;
    engine = std::make_unique<projections::ProjectionEngine>(dir.sub("projections"), *store,
                                                             std::move(models), engine_options);
    REQUIRE(engine->start().ok());
    readers = std::make_unique<projections::ReaderPool>(*engine);
    execute(domain::SeedSlaPolicy{1, 10});  // one minute to answer, ten to resolve
  }
  ~Fixture() {
    readers.reset();
    store->close();
    engine->stop();
  }

  template <typename Command>
  domain::Executed execute(const Command& c) {
    auto done = domain::execute(*store, c, domain::CommandMeta{});
    REQUIRE_MESSAGE(done.ok(), done.status().ToString());
    return *done;
  }

  std::int64_t request() {
    return execute(
               domain::CreateSupportRequest{9, "Help", "billing", "low", "Please", RawJson{"null"}})
        .id(domain::kSupportRequestSequence);
  }

  std::size_t breaches(std::int64_t id) {
    auto events = store->read_stream(domain::support_request_stream(id), 1, 100);
    REQUIRE(events.ok());
    std::size_t n = 0;
    for (const auto& e : *events)
      n += e.type == "support.request.sla_breached" ? 1 : 0;
    return n;
  }

  std::vector<projections::SlaDueRow> due() {
    auto lease = readers->lease();
    REQUIRE(lease.ok());
    auto rows = projections::SlaQuery(lease->db()).due(clock.now_ms(), 100);
    REQUIRE(rows.ok());
    return *rows;
  }

  SlaMonitor monitor(std::string cron = "0 0 1 1 *") {
    auto schedule = CronSchedule::parse(cron);
    REQUIRE(schedule.ok());
    return SlaMonitor(*store, *readers, clock, *schedule, SlaMonitorOptions{});
  }
};

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("sla monitor: breaches are recorded at the deadline, once per target") {
    Fixture f;
    const auto a = f.request();
    const auto b = f.request();
    f.execute(domain::ReplyToSupportRequest{b, "admin", 1, "Answered in time"});
    auto monitor = f.monitor();

    f.clock.set(kStart + kMinute - 1);
    CHECK(f.due().empty());
    auto run = monitor.run_once();
    REQUIRE(run.ok());
    CHECK(run->recorded == 0);
    CHECK(f.breaches(a) == 0);

    f.clock.set(kStart + kMinute);
    REQUIRE(f.due().size() == 1);  // b answered: only a's first response
    CHECK(f.due()[0].itemId == a);
    CHECK(f.due()[0].target == domain::SlaTarget::kFirstResponse);
    run = monitor.run_once();
    REQUIRE(run.ok());
    CHECK(run->recorded == 1);
    CHECK(f.breaches(a) == 1);
    CHECK(f.due().empty());
    run = monitor.run_once();
    REQUIRE(run.ok());
    CHECK(run->recorded == 0);
    CHECK(f.breaches(a) == 1);

    // Escalated from low to medium, the resolution target recounts; at 10 minutes both
    // resolutions are due.
    f.clock.set(kStart + 10 * kMinute);
    run = monitor.run_once();
    REQUIRE(run.ok());
    CHECK(run->recorded == 2);
    CHECK(f.breaches(a) == 2);
    CHECK(f.breaches(b) == 1);
  }

  TEST_CASE("sla monitor: a breach decided after the item was answered is skipped") {
    Fixture f;
    const auto a = f.request();
    auto monitor = f.monitor();
    f.clock.set(kStart + kMinute);
    REQUIRE(f.due().size() == 1);
    // The writer sees the reply first: the read model's due row is stale.
    domain::RecordSlaBreach stale{domain::WorkKind::kSupportRequest, a,
                                  domain::SlaTarget::kFirstResponse, kStart + kMinute, true};
    f.execute(domain::ReplyToSupportRequest{a, "admin", 1, "Just in time"});
    auto refused = domain::execute(*f.store, stale, domain::CommandMeta{});
    CHECK(domain::refusal_of(refused.status()) == domain::Refusal::kSlaNotDue);
    auto run = monitor.run_once();
    REQUIRE(run.ok());
    CHECK(run->recorded == 0);
    CHECK(f.breaches(a) == 0);
  }

  TEST_CASE("sla monitor: the thread wakes at the deadline, not at the yearly sweep") {
    Fixture f;
    auto monitor = f.monitor("0 0 1 1 *");  // the sweep: once a year
    f.store->add_commit_observer(&monitor);
    monitor.start();
    const auto a = f.request();  // due a minute from now (the manual clock's)
    // The monitor sleeps in real time until the deadline; the manual clock jumps there,
    // and notify() makes it look.
    f.clock.set(kStart + kMinute);
    monitor.notify();
    docket::testing::eventually([&] { return f.breaches(a) != 0; });
    CHECK(f.breaches(a) == 1);
    monitor.stop();
    f.store->remove_commit_observer(&monitor);
  }
}

}  // namespace docket::scheduler

// The queue service over a real log, engine and reader pool, on a ManualClock: it
// assigns by the rule and records why (actor system, reason auto), continues the
// round-robin from the log after a restart, leaves an agent out of shift alone until
// the shift starts, and reports the queue's depth when it changes.
#include "scheduler/queue_service.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "domain/account_commands.h"
#include "domain/agent.h"
#include "domain/command.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/accounts.h"
#include "projections/projection_engine.h"
#include "projections/reader_pool.h"
#include "projections/work_queue.h"
#include "tests/support/test_support.h"

namespace docket::scheduler {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z, a Sunday

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<projections::ReaderPool> readers;
  std::int64_t customer = 0;

  Fixture() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    std::vector<std::unique_ptr<projections::Projection>> models;
    models.push_back(std::make_unique<projections::AccountsProjection>());
    models.push_back(std::make_unique<projections::WorkQueueProjection>());
    projections::EngineOptions engine_options;
    engine_options.clock = &clock;
    engine = std::make_unique<projections::ProjectionEngine>(dir.sub("projections"), *store,
                                                             std::move(models), engine_options);
    REQUIRE(engine->start().ok());
    readers = std::make_unique<projections::ReaderPool>(*engine);
    customer = execute(domain::RegisterCustomer{"c@example.com", "C", std::nullopt,
                                                "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"})
                   ->id(domain::kAccountSequence);
  }
  ~Fixture() {
    readers.reset();
    store->close();
    engine->stop();
  }

  template <typename Command>
  Result<domain::Executed> execute(const Command& c) {
    auto done = domain::execute(*store, c, domain::CommandMeta{});
    REQUIRE_MESSAGE(done.ok(), done.status().ToString());
    return done;
  }

  std::int64_t agent(std::uint32_t capacity, std::optional<domain::Shift> shift = {}) {
    domain::CreateStaff staff;
    staff.email = "a" + std::to_string(store->head()) + "@example.com";
    staff.name = "Agent";
    staff.role = "agent";
    staff.permissions = *auth::role_preset("agent");
    staff.passwordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    const auto id = execute(staff)->id(domain::kAccountSequence);
    domain::UpdateAgentProfile profile;
    profile.accountId = id;
    profile.maxOpenItems = capacity;
    if (shift) profile.shift = std::optional<domain::Shift>(*shift);
    profile.status = domain::AgentStatus::kAvailable;
    execute(profile);
    return id;
  }

  std::int64_t request(std::string priority = "medium") {
    return execute(domain::CreateSupportRequest{customer, "Help", "billing", priority, "Please",
                                                RawJson{"null"}})
        ->id(domain::kSupportRequestSequence);
  }

  // The assignee and the assigned event's actor and reason.
  std::optional<std::int64_t> assignee(std::int64_t request) {
    auto events = store->read_stream(domain::support_request_stream(request), 1, 100);
    REQUIRE(events.ok());
    auto r = domain::fold_support_request(*events);
    REQUIRE(r.ok());
    if (r->assignedAdminId) {
      const auto& last = events->back();
      CHECK(last.type == "support.request.assigned");
      CHECK(last.actor.type == "system");
      CHECK(last.data.find(R"("reason":"auto")") != std::string::npos);
    }
    return r->assignedAdminId;
  }

  void resolve(std::int64_t request) {
    execute(domain::ChangeSupportRequestStatus{request, "resolved", std::nullopt});
  }
};

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("queue service: assigns by the rule and continues the round-robin from the log") {
    Fixture f;
    const auto a1 = f.agent(2), a2 = f.agent(2), a3 = f.agent(2);
    std::vector<std::int64_t> items;
    for (int i = 0; i < 5; ++i)
      items.push_back(f.request());
    const auto urgent = f.request("urgent");  // youngest, but first in the queue
    {
      QueueService service(*f.store, *f.readers, f.clock, {});
      auto run = service.run_once();
      REQUIRE(run.ok());
      CHECK(run->assigned == 6);
      CHECK(run->refused == 0);
    }
    // Queue order: urgent, then oldest first; least load, then turns after the cursor.
    CHECK(f.assignee(urgent) == a1);
    CHECK(f.assignee(items[0]) == a2);
    CHECK(f.assignee(items[1]) == a3);
    CHECK(f.assignee(items[2]) == a1);
    CHECK(f.assignee(items[3]) == a2);
    CHECK(f.assignee(items[4]) == a3);
    // Everyone is full: nothing more.
    const auto waiting = f.request();
    {
      QueueService service(*f.store, *f.readers, f.clock, {});
      CHECK(service.run_once()->assigned == 0);
      CHECK_FALSE(f.assignee(waiting).has_value());
    }
    // Free everyone; a new service (a restart) reads the cursor (a3) from the log, so
    // a1 is next, then a2.
    for (auto id : items)
      f.resolve(id);
    f.resolve(urgent);
    const auto next = f.request();
    QueueService restarted(*f.store, *f.readers, f.clock, {});
    CHECK(restarted.run_once()->assigned == 2);
    CHECK(f.assignee(waiting) == a1);
    CHECK(f.assignee(next) == a2);
  }

  TEST_CASE("queue service: an agent out of shift gets work when the shift starts") {
    Fixture f;
    // Monday 09:00-17:00 in Berlin; the clock is on Sunday.
    const auto a = f.agent(1, domain::Shift{"Europe/Berlin", {{domain::Weekday::kMon, 540, 1020}}});
    const auto item = f.request();
    QueueService service(*f.store, *f.readers, f.clock, {});
    CHECK(service.run_once()->assigned == 0);
    CHECK_FALSE(f.assignee(item).has_value());
    // Monday 2026-11-23 08:00:30 UTC = 09:00:30 in Berlin.
    f.clock.set(1'795'420'830'000);
    CHECK(service.run_once()->assigned == 1);
    CHECK(f.assignee(item) == a);
  }

  TEST_CASE("queue service: its thread assigns on events and reports the depth") {
    Fixture f;
    std::mutex mu;
    std::vector<std::uint64_t> depths;
    QueueService service(*f.store, *f.readers, f.clock, {.interval = std::chrono::seconds(3600)});
    f.store->add_commit_observer(&service);
    service.set_depth_listener([&](const projections::QueueStats& stats, std::uint64_t) {
      std::lock_guard lock(mu);
      depths.push_back(stats.depth);
    });
    service.start();
    const auto item = f.request();
    using docket::testing::eventually;
    CHECK(eventually([&] {
      std::lock_guard lock(mu);
      return !depths.empty() && depths.back() == 1;
    }));
    const auto a = f.agent(1);  // going available is an event: the item goes at once
    CHECK(eventually([&] { return f.assignee(item).has_value(); }));
    CHECK(f.assignee(item) == a);
    CHECK(eventually([&] {
      std::lock_guard lock(mu);
      return depths.back() == 0;
    }));
    service.stop();
    f.store->remove_commit_observer(&service);
  }
}

}  // namespace docket::scheduler

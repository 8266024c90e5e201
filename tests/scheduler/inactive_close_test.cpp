// The inactive-close sweep over a real log, engine and reader pool, on a ManualClock:
// the cutoff (7 days, fractional, zero), the statuses it closes and the ones it leaves,
// messages kept, guest tokens revoked, idempotence, inquiries touched after the cutoff,
// and the CronJob wiring that runs it on a schedule.
#include "scheduler/inactive_close.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/time_format.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/reader_pool.h"
#include "projections/sla.h"
#include "projections/support_inquiries.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_requests.h"
#include "scheduler/cron.h"
#include "scheduler/cron_job.h"
#include "tests/scheduler/cron_wait.h"
#include "tests/support/test_support.h"

namespace docket::scheduler {
using docket::testing::poke_idle;
using docket::testing::wait_runs;

namespace {

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr UnixMillis kMinute = 60'000;
constexpr UnixMillis kHour = 60 * kMinute;
constexpr UnixMillis kDay = 24 * kHour;
constexpr std::int64_t kCustomer = 5;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<projections::ReaderPool> readers;
  int created = 0;

  Fixture() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    std::vector<std::unique_ptr<projections::Projection>> models;
    models.push_back(std::make_unique<projections::SupportInquiriesProjection>());
    models.push_back(std::make_unique<projections::SupportRequestsProjection>());
    models.push_back(std::make_unique<projections::SlaProjection>());
    projections::EngineOptions engine_options;
    engine_options.clock = &clock;
    engine = std::make_unique<projections::ProjectionEngine>(dir.sub("projections"), *store,
                                                             std::move(models), engine_options);
    REQUIRE(engine->start().ok());
    readers = std::make_unique<projections::ReaderPool>(*engine);
  }
  ~Fixture() {
    readers.reset();
    store->close();
    engine->stop();
  }

  template <typename Decide>
  void run(Decide decide) {
    auto r = store->execute(
        [&](const events::StagedView& v) { return decide(v, domain::CommandMeta{}); });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }

  // A guest inquiry (with a token) or a customer's one; returns its id.
  std::int64_t create(std::optional<std::int64_t> customer = std::nullopt) {
    ++created;
    domain::CreateSupportInquiry c;
    c.subject = "Inquiry " + std::to_string(created);
    c.message = "First message of " + std::to_string(created);
    c.greeting = "Hello!";
    if (customer) {
      c.customerId = customer;
    } else {
      c.tokenHash = token_hash(created);
      c.tokenExpiresAt = kStart + 365 * kDay;
    }
    // A tracking code per inquiry: INQ-AAAAA followed by one alphabet character.
    c.trackingCandidates = {"INQ-AAAAA" +
                            std::string(1, domain::kTrackingAlphabet[static_cast<std::size_t>(
                                               created % domain::kTrackingAlphabet.size())])};
    std::int64_t id = 0;
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return id;
  }

  static std::string token_hash(int n) {
    std::string hash(64, 'c');
    const std::string digits = std::to_string(n);
    hash.replace(0, digits.size(), digits);
    return hash;
  }

  void message(std::int64_t id, const std::string& sender, const std::string& text) {
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v,
          domain::PostInquiryMessage{
              id, sender, sender == "admin" ? std::optional<std::int64_t>(1) : std::nullopt, text},
          m);
    });
  }

  void set_status(std::int64_t id, const std::string& status) {
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{id, status}, m);
    });
  }

  void link_new_request(std::int64_t id) {
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v, domain::LinkInquiryToSupportRequest{id, std::nullopt, "general", "low"}, m);
    });
  }

  projections::SupportInquiryRow find(std::int64_t id) {
    auto lease = readers->lease();
    REQUIRE(lease.ok());
    auto row = projections::SupportInquiryQuery(lease->db()).find(id);
    REQUIRE_MESSAGE(row.ok(), row.status().ToString());
    return std::move(row).value();
  }

  std::string status(std::int64_t id) { return find(id).status; }

  bool token_grants(int n) {
    auto lease = readers->lease();
    REQUIRE(lease.ok());
    auto granted =
        projections::SupportInquiryQuery(lease->db()).token_inquiry(token_hash(n), clock.now_ms());
    REQUIRE(granted.ok());
    return granted->has_value();
  }

  InactiveCloseOutcome sweep(double days) {
    auto outcome = close_inactive_inquiries(*store, *readers, clock.now_ms(), days);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().ToString());
    return *outcome;
  }
};

}  // namespace

TEST_SUITE("scheduler.integration") {
  TEST_CASE("inactive close: 7 days closes open, waiting, active and resolved; keeps the rest") {
    Fixture f;
    const std::int64_t open = f.create();  // guest, token 1
    const std::int64_t waiting = f.create();
    f.message(waiting, "admin", "We are looking into it.");
    const std::int64_t active = f.create();
    f.message(active, "admin", "Which order?");
    f.message(active, "visitor", "Order 42.");
    const std::int64_t resolved = f.create();
    f.set_status(resolved, "resolved");
    const std::int64_t spam = f.create();
    f.set_status(spam, "spam");
    const std::int64_t linked = f.create(kCustomer);
    f.link_new_request(linked);
    const std::int64_t touched = f.create();  // gets a message a day later

    REQUIRE(f.status(open) == "open");
    REQUIRE(f.status(waiting) == "waiting");
    REQUIRE(f.status(active) == "active");
    REQUIRE(f.status(resolved) == "resolved");
    REQUIRE(f.status(spam) == "spam");
    REQUIRE(f.status(linked) == "linked");
    const std::string spam_closed_at = f.find(spam).closedAt.value_or("");
    CHECK(!spam_closed_at.empty());
    std::vector<std::int64_t> message_counts;
    for (std::int64_t id = 1; id <= touched; ++id)
      message_counts.push_back(static_cast<std::int64_t>(f.find(id).messages.size()));
    CHECK(message_counts == std::vector<std::int64_t>{2, 3, 4, 2, 2, 2, 2});

    f.clock.set(kStart + kDay);
    f.message(touched, "visitor", "Still there?");
    ++message_counts.back();
    const std::uint64_t head_before = f.store->head();

    // One minute short of seven days: nothing is old enough.
    f.clock.set(kStart + 7 * kDay - kMinute);
    auto early = f.sweep(7);
    CHECK(early.closed == 0);
    CHECK(f.store->head() == head_before);
    for (std::int64_t id : {open, waiting, active, resolved})
      CHECK(f.status(id) != "closed");
    CHECK(f.token_grants(1));

    // Past seven days: the four eligible ones close; spam, linked and the inquiry
    // touched a day later stay as they were.
    f.clock.set(kStart + 7 * kDay + kMinute);
    const UnixMillis now = f.clock.now_ms();
    auto swept = f.sweep(7);
    CHECK(swept.closed == 4);
    for (std::int64_t id : {open, waiting, active, resolved}) {
      CAPTURE(id);
      const auto row = f.find(id);
      CHECK(row.status == "closed");
      CHECK(row.closedAt.value_or("") == format_iso8601(now));
      CHECK(row.updatedAt == format_iso8601(now));
    }
    CHECK(f.status(spam) == "spam");
    CHECK(f.find(spam).closedAt.value_or("") == spam_closed_at);
    CHECK(f.status(linked) == "linked");
    CHECK(f.status(touched) == "open");
    CHECK_FALSE(f.find(touched).closedAt.has_value());
    // Closing keeps every message.
    std::vector<std::int64_t> counts_after;
    for (std::int64_t id = 1; id <= touched; ++id)
      counts_after.push_back(static_cast<std::int64_t>(f.find(id).messages.size()));
    CHECK(counts_after == message_counts);
    // The close is logged as the system's status change with reason "inactive"; the
    // guest keeps reading the closed conversation with the token (seed 000 §5).
    auto events = f.store->read_stream(domain::support_inquiry_stream(open), 1, 100);
    REQUIRE(events.ok());
    REQUIRE(events->size() >= 2);
    const auto& change = events->back();
    CHECK(change.type == domain::InquiryStatusChanged::kType);
    CHECK(change.data.find(R"("to":"closed")") != std::string::npos);
    CHECK(change.data.find(R"("reason":"inactive")") != std::string::npos);
    CHECK(change.occurredAt == now);
    CHECK(f.token_grants(1));

    // A second sweep at the same time (and a later one) finds nothing more to close.
    const std::uint64_t head_after = f.store->head();
    CHECK(f.sweep(7).closed == 0);
    f.clock.advance(kMinute);
    CHECK(f.sweep(7).closed == 0);
    CHECK(f.store->head() == head_after);

    // Six days after its message the touched inquiry is still inside the window; a day
    // later it is not.
    f.clock.set(kStart + kDay + 7 * kDay);
    CHECK(f.sweep(7).closed == 1);
    CHECK(f.status(touched) == "closed");
    CHECK(f.status(spam) == "spam");
    CHECK(f.status(linked) == "linked");

    // The decision re-checks the log: an inquiry listed as inactive that got a message
    // since the cutoff is left open (what a sweep counts as skipped).
    const std::int64_t raced = f.create();
    const UnixMillis cutoff = f.clock.now_ms() + 1;
    f.clock.advance(kMinute);
    f.message(raced, "visitor", "Just in time");
    auto refused = f.store->execute([&](const events::StagedView& v) {
      return domain::decide(v, domain::CloseInactiveInquiry{raced, cutoff}, domain::CommandMeta{});
    });
    CHECK(domain::refusal_of(refused.status()) == domain::Refusal::kInquiryStillActive);
    CHECK(f.status(raced) == "open");
  }

  TEST_CASE("inactive close: fractional days and a zero window") {
    CHECK(inactive_cutoff(kStart, 0.5) == kStart - 12 * kHour);
    CHECK(inactive_cutoff(kStart, 0) == kStart);
    CHECK(inactive_cutoff(kStart, 7) == kStart - 7 * kDay);

    Fixture f;
    const std::int64_t first = f.create();
    f.clock.advance(kHour);
    const std::int64_t second = f.create();
    f.message(second, "admin", "Hello from the team");

    // Half a day after the first inquiry, minus a minute: nothing.
    f.clock.set(kStart + 12 * kHour - kMinute);
    CHECK(f.sweep(0.5).closed == 0);
    CHECK(f.status(first) == "open");
    // Exactly half a day: the first closes, the second (an hour younger) does not.
    f.clock.set(kStart + 12 * kHour);
    CHECK(f.sweep(0.5).closed == 1);
    CHECK(f.status(first) == "closed");
    CHECK(f.status(second) == "waiting");

    // Zero days: every eligible inquiry closes at once, even one created this instant.
    const std::int64_t third = f.create();
    const std::int64_t fourth = f.create();
    f.set_status(fourth, "resolved");
    const std::int64_t spam = f.create();
    f.set_status(spam, "spam");
    CHECK(f.sweep(0).closed == 3);
    for (std::int64_t id : {second, third, fourth})
      CHECK(f.status(id) == "closed");
    CHECK(f.status(spam) == "spam");
    CHECK(f.sweep(0).closed == 0);
  }

  TEST_CASE("inactive close: a CronJob runs the sweep on its schedule and the injected clock") {
    Fixture f;
    const std::int64_t id = f.create();
    auto schedule = CronSchedule::parse("* * * * *");
    REQUIRE(schedule.ok());
    std::atomic<std::uint64_t> closed{0};
    std::atomic<std::uint64_t> failures{0};
    CronJob job("inquiries.inactive_close", std::move(schedule).value(), f.clock,
                [&](UnixMillis now) {
                  auto outcome = close_inactive_inquiries(*f.store, *f.readers, now, 7);
                  if (!outcome.ok()) {
                    ++failures;
                    return;
                  }
                  closed += outcome->closed;
                });
    job.start();
    // 10:17:30 → the first run is due at 10:18:00.
    CHECK(job.next_due() == kStart + 30'000);
    REQUIRE(poke_idle(job));
    CHECK(job.runs() == 0);

    // A minute later the job runs; the inquiry is a minute old and stays open.
    f.clock.set(kStart + kMinute);
    job.notify();
    REQUIRE(wait_runs(job, 1));
    CHECK(closed.load() == 0);
    CHECK(f.status(id) == "open");

    // Seven days and a minute later the next run closes it.
    f.clock.set(kStart + 7 * kDay + kMinute);
    job.notify();
    REQUIRE(wait_runs(job, 2));
    job.stop();
    CHECK(failures.load() == 0);
    CHECK(closed.load() == 1);
    CHECK(f.status(id) == "closed");
  }
}

}  // namespace docket::scheduler

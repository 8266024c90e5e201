// SLA clocks against a real log: the default policy seeded once, deadlines in business
// time on creation, meeting targets, pausing and resuming, reopening, priority recounts
// from creation, policy versions kept by the items that started under them, the most
// specific policy, configuration refusals, and breaches recorded once per target with
// the escalation.
#include "domain/sla.h"

#include <doctest/doctest.h>

#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/sla_breach.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z (a Sunday)
constexpr std::int64_t kMinute = 60'000;

SlaTargetRecord target(std::int64_t first, std::int64_t resolution,
                       std::optional<std::int64_t> next = std::nullopt) {
  return {first, resolution, next};
}

SlaPolicyRecord policy(std::string name, std::vector<std::string> kinds, SlaTargetsRecord targets) {
  return {std::move(name), std::nullopt, std::move(kinds),
          std::nullopt,    targets,      default_pause_statuses()};
}

struct Log {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;

  Log() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }

  template <typename Command>
  Status run(const Command& c) {
    return execute(*store, c, CommandMeta{}).status();
  }

  template <typename Command>
  std::int64_t create(const Command& c, std::string_view sequence) {
    auto done = execute(*store, c, CommandMeta{});
    REQUIRE_MESSAGE(done.ok(), done.status().ToString());
    return done->id(sequence);
  }

  std::int64_t request(std::string category = "technical", std::string priority = "high") {
    return create(
        CreateSupportRequest{7, "Broken", category, priority, "It broke", RawJson{"null"}},
        kSupportRequestSequence);
  }

  std::int64_t inquiry() {
    CreateSupportInquiry c;
    c.subject = "Hello";
    c.message = "Anyone there?";
    c.greeting = "Hi";
    c.trackingCandidates = {"INQ-AAAAAA"};
    return create(c, kSupportInquirySequence);
  }

  SupportRequest load_request(std::int64_t id) {
    auto events = store->read_stream(support_request_stream(id), 1, 10'000);
    REQUIRE(events.ok());
    auto r = fold_support_request(*events);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }

  SupportInquiry load_inquiry(std::int64_t id) {
    auto events = store->read_stream(support_inquiry_stream(id), 1, 10'000);
    REQUIRE(events.ok());
    auto i = fold_support_inquiry(*events);
    REQUIRE_MESSAGE(i.ok(), i.status().ToString());
    return *i;
  }

  std::vector<std::string> types(const std::string& stream) {
    auto events = store->read_stream(stream, 1, 10'000);
    REQUIRE(events.ok());
    std::vector<std::string> out;
    for (const auto& e : *events)
      out.push_back(e.type);
    return out;
  }
};

// Mon-Fri 09:00-12:30 and 13:30-18:00 in Berlin, Christmas Day off every year.
SlaCalendarRecord office() {
  SlaCalendarRecord c{"Berlin office", "Europe/Berlin", {}, {{"2026-12-25", true}}};
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
    c.weekly.push_back({day, "09:00", "12:30"});
    c.weekly.push_back({day, "13:30", "18:00"});
  }
  return c;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("sla: a clock's instants are its target in business time, 50 % and 80 % of it") {
    auto calendar = business_calendar_of(office());
    REQUIRE(calendar.ok());
    SlaTerms terms{{target(90, 600), target(90, 600), target(90, 600), target(90, 600)},
                   default_pause_statuses(),
                   *calendar};
    // Friday 2026-11-27 17:20 Berlin (16:20Z): 40 minutes left that day, then Monday.
    const UnixMillis start = 1'795'796'400'000;
    auto clock = start_sla_clock(terms, "medium", start);
    REQUIRE(clock.ok());
    for (const TargetClock* t : {&clock->firstResponse, &clock->resolution}) {
      CHECK(*business_time_between(*calendar, start, t->dueAt) == t->minutes * kMinute);
      CHECK(*business_time_between(*calendar, start, t->warningAt) == t->minutes * kMinute / 2);
      CHECK(*business_time_between(*calendar, start, t->criticalAt) ==
            t->minutes * kMinute * 8 / 10);
    }
    // 40 minutes on Friday and 50 on Monday from 09:00 Berlin (08:00Z): 08:50Z.
    CHECK(clock->firstResponse.dueAt == 1'796'028'600'000);
    CHECK(target_status(clock->firstResponse, false, start) == SlaStatus::kOk);
    CHECK(target_status(clock->firstResponse, false, clock->firstResponse.warningAt) ==
          SlaStatus::kWarning);
    CHECK(target_status(clock->firstResponse, false, clock->firstResponse.criticalAt) ==
          SlaStatus::kCritical);
    CHECK(target_status(clock->firstResponse, false, clock->firstResponse.dueAt) ==
          SlaStatus::kBreached);
    CHECK(target_status(clock->firstResponse, true, clock->firstResponse.dueAt) ==
          SlaStatus::kPaused);
  }

  TEST_CASE("sla: the default policy is seeded once and items start their clocks under it") {
    Log log;
    REQUIRE(log.run(SeedSlaPolicy{60, 240}).ok());
    CHECK(refusal_of(log.run(SeedSlaPolicy{30, 30})) == Refusal::kSlaUnchanged);
    const auto id = log.request();
    CHECK(log.types(support_request_stream(id)) ==
          std::vector<std::string>{"support.request.created", "support.request.sla_updated",
                                   "support.request_message.created"});
    const SupportRequest r = log.load_request(id);
    REQUIRE(r.sla.has_value());
    CHECK(r.sla->policyId == 1);
    CHECK(r.sla->policyVersion == 1);
    CHECK_FALSE(r.sla->calendarId.has_value());
    CHECK(r.sla->firstResponse.dueAt == kStart + 60 * kMinute);
    CHECK(r.sla->resolution.dueAt == kStart + 240 * kMinute);
    CHECK(r.sla->firstResponse.warningAt == kStart + 30 * kMinute);
    CHECK(r.sla->firstResponse.criticalAt == kStart + 48 * kMinute);
    CHECK(next_sla_due(*r.sla) == kStart + 60 * kMinute);
  }

  TEST_CASE("sla: a staff reply meets the first response; resolved pauses, reopening resumes") {
    Log log;
    REQUIRE(log.run(SeedSlaPolicy{60, 240}).ok());
    const auto id = log.request();
    log.clock.advance(20 * kMinute);
    REQUIRE(log.run(ReplyToSupportRequest{id, "admin", 1, "On it"}).ok());
    SupportRequest r = log.load_request(id);
    CHECK(r.sla->firstResponse.metAt == kStart + 20 * kMinute);
    CHECK_FALSE(r.sla->firstResponse.breachedAt.has_value());
    CHECK(next_sla_due(*r.sla) == kStart + 240 * kMinute);

    log.clock.advance(40 * kMinute);  // resolved after an hour
    REQUIRE(log.run(ChangeSupportRequestStatus{id, "resolved", std::nullopt}).ok());
    r = log.load_request(id);
    CHECK(r.sla->resolution.metAt == kStart + 60 * kMinute);
    CHECK(r.sla->pausedAt == kStart + 60 * kMinute);
    CHECK_FALSE(next_sla_due(*r.sla).has_value());

    log.clock.advance(90 * kMinute);  // the customer writes again 90 minutes later
    REQUIRE(log.run(ReplyToSupportRequest{id, "customer", 7, "Still broken"}).ok());
    r = log.load_request(id);
    CHECK(r.status == "open");
    CHECK_FALSE(r.sla->resolution.metAt.has_value());
    CHECK_FALSE(r.sla->pausedAt.has_value());
    CHECK(r.sla->pausedBusinessMs == 90 * kMinute);
    // Counted from creation, plus the 90 minutes spent resolved.
    CHECK(r.sla->resolution.dueAt == kStart + (240 + 90) * kMinute);
    CHECK(r.sla->firstResponse.metAt == kStart + 20 * kMinute);  // stays met
  }

  TEST_CASE("sla: a late reply is a breach; closing stops what runs") {
    Log log;
    REQUIRE(log.run(SeedSlaPolicy{60, 240}).ok());
    const auto id = log.request();
    log.clock.advance(75 * kMinute);
    REQUIRE(log.run(ReplyToSupportRequest{id, "admin", 1, "Sorry"}).ok());
    SupportRequest r = log.load_request(id);
    CHECK(r.sla->firstResponse.breachedAt == kStart + 60 * kMinute);
    CHECK(target_status(r.sla->firstResponse, false, log.clock.now_ms()) == SlaStatus::kBreached);
    REQUIRE(log.run(ChangeSupportRequestStatus{id, "closed", std::nullopt}).ok());
    r = log.load_request(id);
    CHECK(r.sla->resolution.stoppedAt == log.clock.now_ms());
    CHECK(target_status(r.sla->resolution, false, log.clock.now_ms()) == SlaStatus::kStopped);
    CHECK_FALSE(next_sla_due(*r.sla).has_value());
  }

  TEST_CASE("sla: a priority change recounts from creation with the new priority's targets") {
    Log log;
    REQUIRE(log.run(CreateSlaPolicy{policy(
                        "Tiered", {"support_request"},
                        {target(480, 2880), target(240, 1440), target(60, 480), target(15, 120)})})
                .ok());
    const auto id = log.request("technical", "medium");
    CHECK(log.load_request(id).sla->firstResponse.dueAt == kStart + 240 * kMinute);
    log.clock.advance(10 * kMinute);
    REQUIRE(log.run(ChangeSupportRequestPriority{id, "urgent"}).ok());
    const SupportRequest r = log.load_request(id);
    CHECK(r.sla->priority == "urgent");
    CHECK(r.sla->firstResponse.dueAt == kStart + 15 * kMinute);
    CHECK(r.sla->resolution.dueAt == kStart + 120 * kMinute);
  }

  TEST_CASE("sla: items keep the policy version they started under") {
    Log log;
    REQUIRE(log.run(SeedSlaPolicy{60, 240}).ok());
    const auto before = log.request("technical", "medium");
    UpdateSlaPolicy u;
    u.policyId = 1;
    u.targets = SlaTargetsRecord{target(30, 60), target(30, 60), target(30, 60), target(30, 60)};
    REQUIRE(log.run(u).ok());
    const auto after = log.request("technical", "medium");
    CHECK(log.load_request(after).sla->policyVersion == 2);
    CHECK(log.load_request(after).sla->firstResponse.dueAt == kStart + 30 * kMinute);
    // A priority change of the older item counts by version 1's targets.
    REQUIRE(log.run(ChangeSupportRequestPriority{before, "high"}).ok());
    const SupportRequest r = log.load_request(before);
    CHECK(r.sla->policyVersion == 1);
    CHECK(r.sla->firstResponse.dueAt == kStart + 60 * kMinute);
  }

  TEST_CASE("sla: the most specific policy applies; none applies to a kind nobody covers") {
    Log log;
    REQUIRE(log.run(CreateSlaPolicy{policy("Both", {"support_request", "support_inquiry"},
                                           {target(100, 1000), target(100, 1000), target(100, 1000),
                                            target(100, 1000)})})
                .ok());
    REQUIRE(log.run(CreateSlaPolicy{policy(
                        "Requests", {"support_request"},
                        {target(50, 500), target(50, 500), target(50, 500), target(50, 500)})})
                .ok());
    SlaPolicyRecord billing =
        policy("Billing", {"support_request", "support_inquiry"},
               {target(10, 100), target(10, 100), target(10, 100), target(10, 100)});
    billing.categories = std::vector<std::string>{"billing"};
    REQUIRE(log.run(CreateSlaPolicy{billing}).ok());
    CHECK(log.load_request(log.request("billing")).sla->policyId == 3);    // categories
    CHECK(log.load_request(log.request("technical")).sla->policyId == 2);  // one kind
    CHECK(log.load_inquiry(log.inquiry()).sla->policyId == 1);             // the rest

    Log empty;
    const auto id = empty.request();
    CHECK_FALSE(empty.load_request(id).sla.has_value());
  }

  TEST_CASE("sla: calendars are validated, and one in use cannot be deleted") {
    Log log;
    SlaCalendarRecord bad = office();
    bad.timezone = "Mars/Olympus_Mons";
    CHECK(refusal_of(log.run(CreateSlaCalendar{bad})) == Refusal::kSlaConfigInvalid);
    bad = office();
    bad.holidays = {{"2026-02-30", false}};
    CHECK(refusal_of(log.run(CreateSlaCalendar{bad})) == Refusal::kSlaConfigInvalid);
    REQUIRE(log.run(CreateSlaCalendar{office()}).ok());
    SlaPolicyRecord p =
        policy("Office", {"support_request"},
               {target(60, 600), target(60, 600), target(60, 600), target(60, 600)});
    p.calendarId = 2;
    CHECK(refusal_of(log.run(CreateSlaPolicy{p})) == Refusal::kSlaCalendarNotFound);
    p.calendarId = 1;
    REQUIRE(log.run(CreateSlaPolicy{p}).ok());
    CHECK(refusal_of(log.run(DeleteSlaCalendar{1})) == Refusal::kSlaCalendarInUse);
    // Items count by the calendar version they started under.
    const auto id = log.request();
    CHECK(log.load_request(id).sla->calendarId == 1);
    CHECK(log.load_request(id).sla->calendarVersion == 1);
    UpdateSlaPolicy to_24x7;
    to_24x7.policyId = 1;
    to_24x7.calendarId = std::optional<std::int64_t>();
    REQUIRE(log.run(to_24x7).ok());
    REQUIRE(log.run(DeleteSlaCalendar{1}).ok());
    CHECK(refusal_of(log.run(DeleteSlaCalendar{1})) == Refusal::kSlaCalendarNotFound);
    // The older item still recounts by the deleted calendar's recorded version.
    REQUIRE(log.run(ChangeSupportRequestPriority{id, "urgent"}).ok());
    CHECK(log.load_request(id).sla->calendarId == 1);
  }

  TEST_CASE("sla: a breach is recorded once per target, with the escalation") {
    Log log;
    REQUIRE(log.run(SeedSlaPolicy{60, 240}).ok());
    const auto id = log.request("technical", "medium");
    const UnixMillis due = kStart + 60 * kMinute;
    RecordSlaBreach breach{WorkKind::kSupportRequest, id, SlaTarget::kFirstResponse, due, true};
    CHECK(refusal_of(log.run(breach)) == Refusal::kSlaNotDue);  // not yet
    log.clock.set(due);
    REQUIRE(log.run(breach).ok());
    const auto types = log.types(support_request_stream(id));
    CHECK(std::vector<std::string>(types.end() - 3, types.end()) ==
          std::vector<std::string>{"support.request.sla_breached",
                                   "support.request.priority_changed",
                                   "support.request.sla_updated"});
    const SupportRequest r = log.load_request(id);
    CHECK(r.priority == "high");
    CHECK(r.sla->priority == "high");
    CHECK(r.sla->firstResponse.breachedAt == due);
    CHECK(refusal_of(log.run(breach)) == Refusal::kSlaNotDue);  // once
    RecordSlaBreach stale = breach;
    stale.target = SlaTarget::kResolution;
    CHECK(refusal_of(log.run(stale)) == Refusal::kSlaNotDue);  // another deadline
    // The reply after the breach meets it late: it stays breached.
    REQUIRE(log.run(ReplyToSupportRequest{id, "admin", 1, "Here"}).ok());
    CHECK(target_status(log.load_request(id).sla->firstResponse, false, log.clock.now_ms()) ==
          SlaStatus::kBreached);
  }

  TEST_CASE("sla: an inquiry pauses while waiting for the visitor, and its breach escalates") {
    Log log;
    SlaPolicyRecord p =
        policy("Chat", {"support_inquiry"},
               {target(5, 60, 10), target(5, 60, 10), target(5, 60, 10), target(5, 60, 10)});
    REQUIRE(log.run(CreateSlaPolicy{p}).ok());
    const auto id = log.inquiry();
    log.clock.advance(2 * kMinute);
    REQUIRE(log.run(PostInquiryMessage{id, "admin", 1, "Hello!"}).ok());
    SupportInquiry i = log.load_inquiry(id);
    CHECK(i.status == "waiting");
    CHECK(i.sla->firstResponse.metAt == kStart + 2 * kMinute);
    CHECK(i.sla->pausedAt == kStart + 2 * kMinute);
    log.clock.advance(30 * kMinute);
    REQUIRE(log.run(PostInquiryMessage{id, "visitor", std::nullopt, "Back"}).ok());
    i = log.load_inquiry(id);
    CHECK(i.status == "active");
    CHECK(i.sla->pausedBusinessMs == 30 * kMinute);
    CHECK(i.sla->resolution.dueAt == kStart + (60 + 30) * kMinute);
    REQUIRE(i.sla->nextResponse.has_value());
    CHECK(i.sla->nextResponse->dueAt == kStart + (32 + 10) * kMinute);
    // SLA events are no activity of the conversation.
    CHECK(i.lastActivityAt == kStart + 32 * kMinute);
    log.clock.set(kStart + 42 * kMinute);
    REQUIRE(log.run(RecordSlaBreach{WorkKind::kSupportInquiry, id, SlaTarget::kNextResponse,
                                    kStart + 42 * kMinute, true})
                .ok());
    i = log.load_inquiry(id);
    CHECK(i.priority == "high");
    CHECK(i.sla->nextResponse->breachedAt == kStart + 42 * kMinute);
    CHECK(i.lastActivityAt == kStart + 32 * kMinute);
  }
}

}  // namespace docket::domain

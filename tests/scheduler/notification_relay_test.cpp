// NotificationRelay: mail derived from the log, the cursor moving with the messages,
// no mail twice across restarts, none for history on a new outbox.
#include "scheduler/notification_relay.h"

#include <doctest/doctest.h>

#include <vector>

#include "domain/account_commands.h"
#include "domain/command.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::scheduler {
namespace {

constexpr UnixMillis kStart = 1'795'000'000'000;

struct Log {
  docket::testing::TempDir dir;
  std::unique_ptr<events::EventStore> store;
  std::int64_t customer = 0;
  std::int64_t request = 0;

  Log() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    domain::RegisterCustomer c{"mia@example.com", "Mia", std::nullopt,
                               "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"};
    auto registered = store->execute([&](const events::StagedView& v) {
      auto req = domain::decide(v, c, domain::CommandMeta{});
      if (req.ok()) customer = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    REQUIRE(registered.ok());
    domain::CreateSupportRequest create{customer, "Lost parcel",  "general",
                                        "low",    "Where is it?", "null"};
    auto created = store->execute([&](const events::StagedView& v) {
      auto req = domain::decide(v, create, domain::CommandMeta{});
      if (req.ok()) request = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    REQUIRE(created.ok());
  }

  std::uint64_t reply(const std::string& sender, const std::string& text) {
    auto r = store->execute([&](const events::StagedView& v) {
      return domain::decide(
          v,
          domain::ReplyToSupportRequest{request, sender, sender == "admin" ? 99 : customer, text},
          domain::CommandMeta{});
    });
    REQUIRE(r.ok());
    return r->lastEventId;
  }
};

// The events `command` appended.
template <typename Command>
std::vector<events::EventRecord> run(events::EventStore& store, const Command& command) {
  auto r = store.execute([&](const events::StagedView& v) {
    return domain::decide(v, command, domain::CommandMeta{});
  });
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto events = store.read_range(r->firstEventId, r->lastEventId - r->firstEventId + 1);
  REQUIRE(events.ok());
  return *events;
}

// The mail the status change among `events` causes with the survey on.
Result<std::optional<OutgoingMail>> survey_for(events::EventStore& store,
                                               const std::vector<events::EventRecord>& events) {
  NotificationOptions on;
  on.csat_survey = true;
  on.csat_window_days = 7;
  for (const auto& e : events) {
    if (e.type.ends_with(".status_changed")) return notification_for(store, e, on);
  }
  FAIL("no status change");
  return std::optional<OutgoingMail>{};
}

std::unique_ptr<Outbox> open_outbox(const std::string& path, const ManualClock& clock) {
  auto outbox = Outbox::open(path, clock);
  REQUIRE(outbox.ok());
  return std::move(outbox).value();
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("an admin reply becomes one e-mail to the customer; other events none") {
    Log log;
    const std::uint64_t customer_reply = log.reply("customer", "Any news?");
    const std::uint64_t admin_reply = log.reply("admin", "It arrives tomorrow.");
    auto events = log.store->read_range(1, 100);
    REQUIRE(events.ok());
    std::size_t mails = 0;
    for (const auto& e : *events) {
      auto mail = notification_for(*log.store, e);
      REQUIRE(mail.ok());
      if (!mail->has_value()) {
        CHECK(e.eventId != admin_reply);
        continue;
      }
      ++mails;
      CHECK(e.eventId == admin_reply);
      CHECK((*mail)->to_address == "mia@example.com");
      CHECK((*mail)->subject.find("SUP-") != std::string::npos);
      CHECK((*mail)->subject.find("Lost parcel") != std::string::npos);
      CHECK((*mail)->body.find("It arrives tomorrow.") != std::string::npos);
      CHECK((*mail)->body.find("Any news?") == std::string::npos);
      CHECK((*mail)->dedupe_key == "support_request.admin_reply:" + std::to_string(admin_reply));
    }
    CHECK(mails == 1);
    CHECK(customer_reply < admin_reply);
  }

  TEST_CASE("an SLA breach e-mails the assignee; an unassigned one mails nobody") {
    Log log;
    domain::CreateStaff staff;
    staff.email = "ana@example.com";
    staff.name = "Ana";
    staff.role = "agent";
    staff.permissions = *auth::role_preset("agent");
    staff.passwordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    auto created = domain::execute(*log.store, staff, domain::CommandMeta{});
    REQUIRE(created.ok());
    const std::int64_t ana = created->id(domain::kAccountSequence);
    auto breach = [&](std::optional<std::int64_t> assignee) {
      events::AppendRequest req;
      req.streams.push_back(
          {domain::support_request_stream(log.request),
           events::kAnyVersion,
           {events::to_new_event(domain::SupportRequestSlaBreached{
               log.request, "firstResponse", "2026-11-22T10:18:30.000Z", "low", "medium",
               "First response target of 1 business minutes missed.", log.customer, assignee})}});
      auto r = log.store->append(std::move(req));
      REQUIRE(r.ok());
      auto e = log.store->read_range(r->lastEventId, 1);
      REQUIRE(e.ok());
      return e->front();
    };
    auto mail = notification_for(*log.store, breach(ana));
    REQUIRE(mail.ok());
    REQUIRE(mail->has_value());
    CHECK((*mail)->kind == "sla.breach");
    CHECK((*mail)->to_address == "ana@example.com");
    CHECK((*mail)->subject.find("Lost parcel") != std::string::npos);
    CHECK((*mail)->body.find("firstResponse target") != std::string::npos);
    CHECK((*mail)->body.find("2026-11-22T10:18:30.000Z") != std::string::npos);
    auto none = notification_for(*log.store, breach(std::nullopt));
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
  }

  TEST_CASE("with DOCKET_CSAT_EMAIL a resolution invites the customer to rate it, unless rated") {
    Log log;
    const auto resolved =
        run(*log.store, domain::ChangeSupportRequestStatus{log.request, "resolved"});
    auto mail = survey_for(*log.store, resolved);
    REQUIRE(mail.ok());
    REQUIRE(mail->has_value());
    CHECK((*mail)->kind == "csat.survey");
    CHECK((*mail)->to_address == "mia@example.com");
    CHECK((*mail)->subject.find("How did we do?") != std::string::npos);
    CHECK((*mail)->subject.find("Lost parcel") != std::string::npos);
    CHECK((*mail)->body.find("within 7 days") != std::string::npos);
    CHECK((*mail)->dedupe_key.starts_with("csat.survey:"));
    // Off by default.
    for (const auto& e : resolved) {
      auto none = notification_for(*log.store, e);
      REQUIRE(none.ok());
      CHECK_FALSE(none->has_value());
    }
    // Rated already (a replay after the rating): no survey.
    run(*log.store, domain::RateSupportRequest{log.request, log.customer, 5, std::nullopt});
    auto rated = survey_for(*log.store, resolved);
    REQUIRE(rated.ok());
    CHECK_FALSE(rated->has_value());
    // Reopened and moved back to open: not an end.
    const auto reopened = run(*log.store, domain::ChangeSupportRequestStatus{log.request, "open"});
    auto open = survey_for(*log.store, reopened);
    REQUIRE(open.ok());
    CHECK_FALSE(open->has_value());
  }

  TEST_CASE("inquiry surveys go to the customer or a verified guest, never to a typed address") {
    Log log;
    auto create = [&](std::optional<std::int64_t> customer, std::string code) {
      domain::CreateSupportInquiry c;
      c.subject = "Question";
      c.guestName = "Gus";
      c.guestEmail = "gus@example.com";  // typed, not verified
      c.customerId = customer;
      c.greeting = "Hi";
      c.trackingCandidates = {std::move(code)};
      for (const auto& e : run(*log.store, c)) {
        if (e.type == "support.inquiry.created")
          return static_cast<std::int64_t>(std::stoll(e.stream.substr(e.stream.rfind('-') + 1)));
      }
      FAIL("no inquiry created");
      return std::int64_t{0};
    };
    const std::int64_t guest = create(std::nullopt, "INQ-AAAAAA");
    const std::int64_t customer = create(log.customer, "INQ-BBBBBB");

    auto guest_mail =
        survey_for(*log.store, run(*log.store, domain::SetInquiryStatus{guest, "closed"}));
    REQUIRE(guest_mail.ok());
    CHECK_FALSE(guest_mail->has_value());

    auto customer_mail =
        survey_for(*log.store, run(*log.store, domain::SetInquiryStatus{customer, "resolved"}));
    REQUIRE(customer_mail.ok());
    REQUIRE(customer_mail->has_value());
    CHECK((*customer_mail)->to_address == "mia@example.com");
    CHECK((*customer_mail)->subject.find("INQ-BBBBBB") != std::string::npos);
    // Closing after the resolution asks nothing more.
    auto closed =
        survey_for(*log.store, run(*log.store, domain::SetInquiryStatus{customer, "closed"}));
    REQUIRE(closed.ok());
    CHECK_FALSE(closed->has_value());
  }

  TEST_CASE("the relay queues mail with its cursor, once, and resumes where it stopped") {
    Log log;
    ManualClock clock(kStart);
    const std::string path = log.dir.sub("outbox.sqlite");
    {
      auto outbox = open_outbox(path, clock);
      log.reply("admin", "before the outbox existed");  // history: no mail
      NotificationRelay relay(*log.store, *outbox, nullptr);
      REQUIRE(relay.start().ok());  // a new outbox starts at the head
      relay.stop();
      CHECK(relay.cursor() == log.store->head());
      CHECK(outbox->stats()->queued == 0);

      const std::uint64_t first = log.reply("admin", "first answer");
      REQUIRE(relay.run_once().ok());
      CHECK(relay.cursor() == first);
      CHECK(outbox->stats()->queued == 1);
      CHECK(outbox->cursor("notifications")->value_or(0) == first);
      REQUIRE(outbox->find_by_dedupe_key("support_request.admin_reply:" + std::to_string(first))
                  ->has_value());
    }
    // Events committed while no relay ran (a crash right after the command) are
    // picked up by the next one, and nothing is queued twice.
    const std::uint64_t second = log.reply("admin", "second answer");
    log.reply("customer", "thanks");
    auto outbox = open_outbox(path, clock);
    NotificationRelay relay(*log.store, *outbox, nullptr);
    REQUIRE(relay.start().ok());
    docket::testing::eventually([&] { return relay.cursor() >= log.store->head(); });
    relay.stop();
    CHECK(relay.cursor() == log.store->head());
    CHECK(outbox->stats()->queued == 2);
    CHECK(outbox->find_by_dedupe_key("support_request.admin_reply:" + std::to_string(second))
              ->has_value());
  }
}

}  // namespace docket::scheduler

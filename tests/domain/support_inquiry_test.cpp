// The support inquiry aggregate against a real log: creation with tracking codes and
// the greeting, the status table (staff changes and what messages do), e-mail
// verification with attempts and expiry, contact changes, inactive close, linking to a
// support request (existing or created with the copied thread), guest token revocation.
#include "domain/support_inquiry.h"

#include <doctest/doctest.h>

#include <set>

#include "core/auth/otp.h"
#include "core/crypto.h"
#include "domain/account_commands.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z
constexpr UnixMillis kMinute = 60'000;

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

  template <typename Decide>
  Result<events::AppendResult> run(Decide decide) {
    return store->execute([&](const events::StagedView& v) { return decide(v, CommandMeta{}); });
  }

  std::int64_t create(std::vector<std::string> candidates = {"INQ-AAAAAA"},
                      std::optional<std::int64_t> customer = std::nullopt) {
    CreateSupportInquiry c;
    c.subject = "Where is my parcel?";
    c.message = "It was due yesterday.";
    c.guestEmail = "guest@example.com";
    c.customerId = customer;
    if (!customer) {
      c.tokenHash = std::string(64, 'a');
      c.tokenExpiresAt = kStart + 30LL * 24 * 60 * kMinute;
    }
    c.greeting = "Hi! We usually answer within minutes.";
    c.trackingCandidates = std::move(candidates);
    std::int64_t id = 0;
    auto r = store->execute([&](const events::StagedView& v) {
      auto req = decide(v, c, CommandMeta{});
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return id;
  }

  SupportInquiry load(std::int64_t id) {
    auto events = store->read_stream(support_inquiry_stream(id), 1, 1000);
    REQUIRE(events.ok());
    auto i = fold_support_inquiry(*events);
    REQUIRE(i.ok());
    return *i;
  }

  Status post(std::int64_t id, std::string sender, std::string text = "hello") {
    return run([&](const events::StagedView& v, const CommandMeta& m) {
             return decide(v, PostInquiryMessage{id, sender, std::nullopt, text}, m);
           })
        .status();
  }

  Status set(std::int64_t id, std::string status) {
    return run([&](const events::StagedView& v, const CommandMeta& m) {
             return decide(v, SetInquiryStatus{id, status}, m);
           })
        .status();
  }

  std::vector<events::EventRecord> stream(const std::string& name) {
    auto events = store->read_stream(name, 1, 1000);
    REQUIRE(events.ok());
    return *events;
  }

  // A customer account; returns its id.
  std::int64_t customer(const std::string& email) {
    std::int64_t id = 0;
    auto r = store->execute([&](const events::StagedView& v) {
      auto req = decide(v,
                        RegisterCustomer{email, "Customer", std::nullopt,
                                         "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"},
                        CommandMeta{});
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return id;
  }

  // A support request of `customer` with its first message; returns its id.
  std::int64_t request(std::int64_t customer) {
    std::int64_t id = 0;
    auto r = store->execute([&](const events::StagedView& v) {
      auto req =
          decide(v, CreateSupportRequest{customer, "Invoice", "billing", "medium", "Wrong amount"},
                 CommandMeta{});
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return id;
  }

  Result<events::AppendResult> link(std::int64_t id, std::optional<std::int64_t> request) {
    return run([&](const events::StagedView& v, const CommandMeta& m) {
      return decide(v, LinkInquiryToSupportRequest{id, request, "technical", "high"}, m);
    });
  }

  Status revoke(std::int64_t id) {
    return run([&](const events::StagedView& v, const CommandMeta& m) {
             return decide(v, RevokeInquiryToken{id, "admin"}, m);
           })
        .status();
  }

  std::size_t count(std::int64_t id, std::string_view type) {
    auto events = stream(support_inquiry_stream(id));
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.type == type; }));
  }

  std::uint64_t last_id(std::string_view sequence) {
    auto last = store->last_id(sequence);
    REQUIRE(last.ok());
    return *last;
  }

  std::size_t messages(std::int64_t id) {
    auto events = store->read_stream(support_inquiry_stream(id), 1, 1000);
    REQUIRE(events.ok());
    return static_cast<std::size_t>(
        std::count_if(events->begin(), events->end(),
                      [](const auto& e) { return e.type == InquiryMessageCreated::kType; }));
  }
};

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("inquiries: tracking codes, greeting, first message, guest token hash") {
    REQUIRE(init_crypto());
    std::set<std::string> codes;
    for (int i = 0; i < 200; ++i) {
      const std::string code = generate_tracking_code();
      CHECK(looks_like_tracking_code(code));
      codes.insert(code);
    }
    CHECK(codes.size() == 200);
    CHECK_FALSE(looks_like_tracking_code("INQ-0OIL11"));  // look-alikes are not used
    CHECK_FALSE(looks_like_tracking_code("INQ-ABC"));

    Log log;
    const std::int64_t a = log.create({"INQ-AAAAAA", "INQ-BBBBBB"});
    const std::int64_t b = log.create({"INQ-AAAAAA", "INQ-BBBBBB"});  // first is taken
    CHECK(log.load(a).trackingCode == "INQ-AAAAAA");
    CHECK(log.load(b).trackingCode == "INQ-BBBBBB");
    CreateSupportInquiry taken;
    taken.subject = "x";
    taken.greeting = "hi";
    taken.trackingCandidates = {"INQ-AAAAAA", "INQ-BBBBBB"};
    auto conflict = log.run(
        [&](const events::StagedView& v, const CommandMeta& m) { return decide(v, taken, m); });
    CHECK(refusal_of(conflict.status()) == Refusal::kTrackingCodesTaken);

    const SupportInquiry i = log.load(a);
    CHECK(i.status == "open");
    CHECK(i.tokenHash == std::string(64, 'a'));
    CHECK(i.guestEmail == "guest@example.com");
    CHECK_FALSE(i.emailVerified);
    CHECK_FALSE(i.customerId.has_value());
    auto events = log.store->read_stream(support_inquiry_stream(a), 1, 10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 3);
    CHECK(events->at(1).data.find(R"("senderType":"system")") != std::string::npos);
    CHECK(events->at(2).data.find(R"("senderType":"visitor")") != std::string::npos);
  }

  TEST_CASE("inquiries: the staff status table, every pair") {
    const std::string_view all[] = {"open",   "active", "waiting", "resolved",
                                    "linked", "closed", "spam"};
    const std::set<std::pair<std::string_view, std::string_view>> allowed = {
        {"open", "active"},  {"open", "waiting"},    {"open", "resolved"},    {"open", "closed"},
        {"open", "spam"},    {"active", "waiting"},  {"active", "resolved"},  {"active", "closed"},
        {"active", "spam"},  {"waiting", "active"},  {"waiting", "resolved"}, {"waiting", "closed"},
        {"waiting", "spam"}, {"resolved", "active"}, {"resolved", "closed"},  {"linked", "closed"}};
    for (auto from : all) {
      for (auto to : all) {
        CHECK_MESSAGE(inquiry_status_settable(from, to) == (allowed.count({from, to}) == 1), from,
                      " -> ", to);
      }
    }
    // What messages do.
    CHECK(inquiry_status_after_message("open", "visitor") == "open");
    CHECK(inquiry_status_after_message("open", "admin") == "waiting");
    CHECK(inquiry_status_after_message("waiting", "customer") == "active");
    CHECK(inquiry_status_after_message("active", "admin") == "waiting");
    CHECK(inquiry_status_after_message("resolved", "visitor") == "active");
    CHECK(inquiry_status_after_message("resolved", "admin") == "waiting");
    CHECK(inquiry_status_after_message("linked", "admin") == "linked");
    CHECK(inquiry_status_after_message("waiting", "system") == "waiting");
    CHECK_FALSE(inquiry_accepts_messages("closed"));
    CHECK_FALSE(inquiry_accepts_messages("spam"));
  }

  TEST_CASE("inquiries: messages move the status; closed and spam refuse them and keep them") {
    Log log;
    const std::int64_t id = log.create();
    REQUIRE(log.post(id, "visitor").ok());
    CHECK(log.load(id).status == "open");
    REQUIRE(log.post(id, "admin").ok());
    CHECK(log.load(id).status == "waiting");
    REQUIRE(log.post(id, "visitor").ok());
    CHECK(log.load(id).status == "active");
    REQUIRE(log.set(id, "resolved").ok());
    REQUIRE(log.post(id, "visitor", "one more thing").ok());  // reopens
    CHECK(log.load(id).status == "active");
    CHECK(refusal_of(log.set(id, "linked")) == Refusal::kInquiryTransition);  // only by linking
    log.clock.advance(kMinute);
    REQUIRE(log.set(id, "closed").ok());
    const SupportInquiry closed = log.load(id);
    CHECK(closed.closedAt == kStart + kMinute);
    CHECK(refusal_of(log.post(id, "visitor")) == Refusal::kInquiryClosed);
    CHECK(refusal_of(log.post(id, "admin")) == Refusal::kInquiryClosed);
    CHECK(refusal_of(log.set(id, "open")) == Refusal::kInquiryClosed);
    CHECK(log.messages(id) == 6);  // greeting, first, and four replies: all kept

    const std::int64_t spam = log.create({"INQ-SSSSSS"});
    REQUIRE(log.set(spam, "spam").ok());
    CHECK(log.load(spam).closedAt.has_value());
    CHECK(refusal_of(log.post(spam, "visitor")) == Refusal::kInquiryClosed);
    CHECK(refusal_of(log.set(99, "closed")) == Refusal::kInquiryNotFound);
  }

  TEST_CASE("inquiries: e-mail verification links only a customer's address, after the code") {
    Log log;
    RegisterCustomer mia{"mia@example.com", "Mia", std::nullopt,
                         "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"};
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v, mia, m);
               })
                .ok());
    const std::int64_t id = log.create();
    auto request = [&](const std::string& email, const std::string& code) {
      const std::string salt = "inquiry-" + std::to_string(id) + ":fixed";
      return log.run([&](const events::StagedView& v, const CommandMeta& m) {
        return decide(v,
                      RequestInquiryVerification{id, email, auth::otp_hash(code, salt), salt,
                                                 log.clock.now_ms() + 10 * kMinute},
                      m);
      });
    };
    // A wrong code is recorded (the attempt counts); `verified` says whether the code
    // was right.
    auto confirm = [&](const std::string& code, bool& verified) {
      auto executed = execute(*log.store, ConfirmInquiryVerification{id, code, 3}, CommandMeta{});
      verified = executed.ok() && executed->appended_type(InquiryEmailVerified::kType);
      return executed.status();
    };
    bool verified = false;
    CHECK(refusal_of(confirm("123456", verified)) ==
          Refusal::kInquiryVerificationInvalid);  // nothing requested yet

    // A wrong code is counted; the limit ends the code.
    REQUIRE(request("mia@example.com", "123456").ok());
    CHECK(confirm("654321", verified).ok());
    CHECK_FALSE(verified);
    CHECK(log.load(id).failedAttempts == 1);
    CHECK(confirm("000000", verified).ok());
    CHECK(confirm("111111", verified).ok());
    CHECK(refusal_of(confirm("123456", verified)) ==
          Refusal::kInquiryVerificationInvalid);  // three wrong: used up
    CHECK_FALSE(log.load(id).customerId.has_value());

    // A new code; expiry.
    REQUIRE(request("mia@example.com", "222222").ok());
    log.clock.advance(10 * kMinute);
    CHECK(refusal_of(confirm("222222", verified)) == Refusal::kInquiryVerificationInvalid);
    CHECK_FALSE(verified);

    // The right code in time: verified and linked to Mia.
    REQUIRE(request("mia@example.com", "333333").ok());
    REQUIRE(confirm("333333", verified).ok());
    CHECK(verified);
    SupportInquiry i = log.load(id);
    CHECK(i.emailVerified);
    CHECK(i.guestEmail == "mia@example.com");
    CHECK(i.customerId == 1);
    CHECK_FALSE(i.codeHash.has_value());
    CHECK(refusal_of(confirm("333333", verified)) ==
          Refusal::kInquiryVerificationInvalid);  // a code works once

    // No secret in the log: the codes appear only hashed.
    auto events = log.store->read_range(1, 1000);
    REQUIRE(events.ok());
    for (const auto& e : *events) {
      for (const char* code : {"123456", "222222", "333333", "654321"}) {
        CHECK_MESSAGE(e.data.find(code) == std::string::npos, e.type);
      }
    }

    // An address nobody owns is verified without a link.
    const std::int64_t other = log.create({"INQ-CCCCCC"});
    const std::string salt = "s";
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v,
                               RequestInquiryVerification{other, "nobody@example.com",
                                                          auth::otp_hash("444444", salt), salt,
                                                          log.clock.now_ms() + kMinute},
                               m);
               })
                .ok());
    auto other_verified =
        execute(*log.store, ConfirmInquiryVerification{other, "444444", 3}, CommandMeta{});
    REQUIRE(other_verified.ok());
    CHECK(other_verified->appended_type(InquiryEmailVerified::kType));
    CHECK(log.load(other).emailVerified);
    CHECK_FALSE(log.load(other).customerId.has_value());
  }

  TEST_CASE("inquiries: a new contact e-mail drops the verification; contact is kept otherwise") {
    Log log;
    const std::int64_t id = log.create();
    auto identify = [&](IdentifyInquiryContact c) {
      c.inquiryId = id;
      return log.run(
          [&](const events::StagedView& v, const CommandMeta& m) { return decide(v, c, m); });
    };
    REQUIRE(identify({.name = "Ana", .phone = "+49 30 1234"}).ok());
    SupportInquiry i = log.load(id);
    CHECK(i.guestName == "Ana");
    CHECK(i.guestEmail == "guest@example.com");  // unchanged
    CHECK(i.guestPhone == "+49 30 1234");
    REQUIRE(identify({.email = "ana@example.com"}).ok());
    CHECK(log.load(id).guestEmail == "ana@example.com");
    CHECK(log.load(id).guestName == "Ana");
  }

  TEST_CASE("inquiries: assignment only to active staff") {
    Log log;
    const std::int64_t id = log.create();
    auto assign = [&](std::optional<std::int64_t> staff) {
      return log
          .run([&](const events::StagedView& v, const CommandMeta& m) {
            return decide(v, AssignInquiry{id, staff}, m);
          })
          .status();
    };
    CHECK(refusal_of(assign(42)) == Refusal::kAssigneeNotActiveStaff);
    CHECK(assign(std::nullopt).ok());
    CHECK_FALSE(log.load(id).assignedAdminId.has_value());
  }

  TEST_CASE("inquiries: inactive close takes stale open/active/waiting/resolved ones only") {
    Log log;
    const std::int64_t stale = log.create({"INQ-DDDDDD"});
    const std::int64_t spam = log.create({"INQ-EEEEEE"});
    REQUIRE(log.set(spam, "spam").ok());
    log.clock.advance(8LL * 24 * 60 * kMinute);
    const std::int64_t fresh = log.create({"INQ-FFFFFF"});
    const UnixMillis cutoff = log.clock.now_ms() - 7LL * 24 * 60 * kMinute;
    auto close = [&](std::int64_t id) {
      return log
          .run([&](const events::StagedView& v, const CommandMeta& m) {
            return decide(v, CloseInactiveInquiry{id, cutoff}, m);
          })
          .status();
    };
    REQUIRE(close(stale).ok());
    CHECK(refusal_of(close(fresh)) == Refusal::kInquiryStillActive);
    CHECK(refusal_of(close(spam)) == Refusal::kInquiryStillActive);
    const SupportInquiry closed = log.load(stale);
    CHECK(closed.status == "closed");
    CHECK(closed.closedAt == log.clock.now_ms());
    CHECK(log.messages(stale) == 2);  // greeting and first message kept
    CHECK(log.load(fresh).status == "open");
  }

  TEST_CASE("inquiries: linking to an existing request of the inquiry's own customer") {
    Log log;
    const std::int64_t mia = log.customer("mia@example.com");
    const std::int64_t bob = log.customer("bob@example.com");
    const std::int64_t mias = log.request(mia);
    const std::int64_t bobs = log.request(bob);
    const std::int64_t id = log.create({"INQ-AAAAAA"}, mia);
    const std::int64_t guest = log.create({"INQ-BBBBBB"});

    auto refused = [&](std::int64_t inquiry, std::optional<std::int64_t> request) {
      auto r = log.link(inquiry, request);
      CHECK(refusal_of(r.status()) == Refusal::kInquiryLinkInvalid);
    };
    refused(id, bobs);     // another customer's request
    refused(id, 99);       // no such request
    refused(guest, mias);  // the inquiry has no customer
    CHECK(log.load(id).status == "open");
    CHECK(log.count(id, InquiryLinked::kType) == 0);

    const std::uint64_t request_version = log.stream(support_request_stream(mias)).size();
    auto linked = log.link(id, mias);
    REQUIRE_MESSAGE(linked.ok(), linked.status().ToString());
    CHECK(linked->streamVersions.size() == 1);  // only the inquiry's stream
    CHECK(log.stream(support_request_stream(mias)).size() == request_version);
    const SupportInquiry i = log.load(id);
    CHECK(i.status == "linked");
    CHECK(i.supportRequestId == mias);
    const auto events = log.stream(support_inquiry_stream(id));
    CHECK(events.back().type == InquiryLinked::kType);
    CHECK(events.back().data == R"({"supportInquiryId":1,"supportRequestId":1,"created":false,)"
                                R"("from":"open"})");

    // Linked once: a second link is refused, either way.
    refused(id, mias);
    refused(id, std::nullopt);
    // A linked inquiry keeps its messages and its status; staff may only close it.
    REQUIRE(log.post(id, "customer").ok());
    REQUIRE(log.post(id, "admin").ok());
    CHECK(log.load(id).status == "linked");
    CHECK(refusal_of(log.set(id, "resolved")) == Refusal::kInquiryTransition);
    REQUIRE(log.set(id, "closed").ok());
    CHECK(log.load(id).supportRequestId == mias);

    // Closed and spam refuse a link; an unknown inquiry is NotFound.
    const std::int64_t closed = log.create({"INQ-CCCCCC"}, mia);
    REQUIRE(log.set(closed, "closed").ok());
    const std::int64_t spam = log.create({"INQ-DDDDDD"}, mia);
    REQUIRE(log.set(spam, "spam").ok());
    for (std::int64_t gone : {closed, spam}) {
      for (std::optional<std::int64_t> target :
           {std::optional<std::int64_t>(mias), std::optional<std::int64_t>()}) {
        auto r = log.link(gone, target);
        CHECK(refusal_of(r.status()) == Refusal::kInquiryClosed);
      }
    }
    CHECK(refusal_of(log.link(99, mias).status()) == Refusal::kInquiryNotFound);
    CHECK(refusal_of(log.link(99, std::nullopt).status()) == Refusal::kInquiryNotFound);
  }

  TEST_CASE("inquiries: linking without a request creates one with the copied thread") {
    Log log;
    const std::int64_t mia = log.customer("mia@example.com");
    const std::int64_t earlier = log.request(mia);  // takes request id 1 and message id 1

    // A guest inquiry that became Mia's by the e-mail code.
    const std::int64_t id = log.create({"INQ-AAAAAA"});
    const std::string salt = "s";
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v,
                               RequestInquiryVerification{id, "mia@example.com",
                                                          auth::otp_hash("123456", salt), salt,
                                                          log.clock.now_ms() + kMinute},
                               m);
               })
                .ok());
    REQUIRE(execute(*log.store, ConfirmInquiryVerification{id, "123456", 3}, CommandMeta{}).ok());
    REQUIRE(log.load(id).customerId == mia);
    log.clock.advance(kMinute);
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v, PostInquiryMessage{id, "admin", 7, "On its way."}, m);
               })
                .ok());
    REQUIRE(log.post(id, "system", "Assigned to Ana").ok());
    REQUIRE(log.post(id, "customer", "Thanks!").ok());
    const std::string from = log.load(id).status;
    CHECK(from == "active");
    log.clock.advance(kMinute);

    auto linked = log.link(id, std::nullopt);
    REQUIRE_MESSAGE(linked.ok(), linked.status().ToString());
    REQUIRE(linked->streamVersions.size() == 2);
    CHECK(linked->lastEventId - linked->firstEventId + 1 == 5);  // created, 3 copies, linked

    // The request: Mia's, the inquiry's subject, the command's category and priority,
    // the inquiry in its metadata, then the visitor/customer/admin messages in order.
    const std::int64_t created = earlier + 1;
    const auto request = log.stream(support_request_stream(created));
    REQUIRE(request.size() == 4);
    CHECK(request[0].type == SupportRequestCreated::kType);
    const std::string number = ticket_number(created, log.clock.now_ms());
    CHECK(request[0].data ==
          R"({"supportRequestId":2,"ticketNumber":")" + number +
              R"(","customerId":1,"subject":"Where is my parcel?","category":"technical",)"
              R"("priority":"high","metadata":{"supportInquiryId":1,"trackingCode":"INQ-AAAAAA"},)"
              R"("journey":null,"source":null})");
    CHECK(*log.store->unique_owner(ticket_key(number)) == support_request_stream(created));
    const std::string_view expected[] = {
        R"("messageId":2,"senderType":"customer","senderId":1,"message":"It was due yesterday.")",
        R"("messageId":3,"senderType":"admin","senderId":7,"message":"On its way.")",
        R"("messageId":4,"senderType":"customer","senderId":1,"message":"Thanks!")"};
    for (std::size_t k = 0; k < 3; ++k) {
      const events::EventRecord& e = request[k + 1];
      CHECK(e.type == SupportRequestMessageCreated::kType);
      CHECK_MESSAGE(e.data.find(expected[k]) != std::string::npos, e.data);
      CHECK(e.data.find(R"("copiedFrom":{"supportInquiryId":1,"supportInquiryMessageId":)") !=
            std::string::npos);
      CHECK(e.eventId == request[0].eventId + k + 1);
    }
    // The copies remember when the original was written.
    CHECK(request[2].data.find(R"("createdAt":"2026-11-22T10:18:30.000Z")") != std::string::npos);
    CHECK(log.last_id(kSupportRequestMessageSequence) == 4);
    auto folded = fold_support_request(request);
    REQUIRE(folded.ok());
    CHECK(folded->customerId == mia);
    CHECK(folded->status == "open");

    // The inquiry: linked to it, in the same append, right after the request's events.
    const SupportInquiry i = log.load(id);
    CHECK(i.status == "linked");
    CHECK(i.supportRequestId == created);
    const auto events = log.stream(support_inquiry_stream(id));
    CHECK(events.back().eventId == request.back().eventId + 1);
    CHECK(events.back().data == R"({"supportInquiryId":1,"supportRequestId":2,"created":true,)"
                                R"("from":"active"})");
    CHECK(refusal_of(log.link(id, std::nullopt).status()) == Refusal::kInquiryLinkInvalid);

    // Nothing but the system greeting: the request starts without messages.
    CreateSupportInquiry quiet;
    quiet.subject = "Call me";
    quiet.customerId = mia;
    quiet.greeting = "Hi!";
    quiet.trackingCandidates = {"INQ-BBBBBB"};
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v, quiet, m);
               })
                .ok());
    REQUIRE(log.link(2, std::nullopt).ok());
    CHECK(log.stream(support_request_stream(3)).size() == 1);
    CHECK(log.last_id(kSupportRequestMessageSequence) == 4);
    CHECK(log.load(2).supportRequestId == 3);
  }

  TEST_CASE("inquiries: creating a request from an inquiry needs its customer") {
    Log log;
    const std::int64_t guest = log.create();
    auto r = log.link(guest, std::nullopt);
    CHECK(refusal_of(r.status()) == Refusal::kInquiryCustomerRequired);
    CHECK(log.last_id(kSupportRequestSequence) == 0);  // nothing taken
    CHECK(log.load(guest).status == "open");
  }

  TEST_CASE(
      "inquiries: the guest token is revoked by staff and on spam; closing keeps it (seed 000 "
      "§5)") {
    Log log;
    // Staff revoke once; then there is no token to revoke.
    const std::int64_t revoked = log.create({"INQ-AAAAAA"});
    CHECK_FALSE(log.load(revoked).tokenRevoked);
    REQUIRE(log.revoke(revoked).ok());
    CHECK(log.load(revoked).tokenRevoked);
    CHECK(log.stream(support_inquiry_stream(revoked)).back().data ==
          R"({"supportInquiryId":1,"reason":"admin"})");
    const Status twice = log.revoke(revoked);
    CHECK(refusal_of(twice) == Refusal::kInquiryNoLiveToken);
    CHECK(log.load(revoked).status == "open");  // the inquiry itself goes on
    REQUIRE(log.post(revoked, "admin").ok());
    REQUIRE(log.set(revoked, "closed").ok());
    CHECK(log.count(revoked, InquiryTokenRevoked::kType) == 1);

    // Closing changes the status only: the guest keeps reading until the token expires.
    const std::int64_t closed = log.create({"INQ-CCCCCC"});
    auto r = log.run([&](const events::StagedView& v, const CommandMeta& m) {
      return decide(v, SetInquiryStatus{closed, "closed"}, m);
    });
    REQUIRE(r.ok());
    CHECK(r->lastEventId == r->firstEventId);
    CHECK_FALSE(log.load(closed).tokenRevoked);
    CHECK(log.count(closed, InquiryTokenRevoked::kType) == 0);
    CHECK(log.revoke(closed).ok());  // staff can still end it

    // Marking spam revokes in the same append, after the status change.
    const std::int64_t spam = log.create({"INQ-SSSSSS"});
    r = log.run([&](const events::StagedView& v, const CommandMeta& m) {
      return decide(v, SetInquiryStatus{spam, "spam"}, m);
    });
    REQUIRE(r.ok());
    CHECK(r->lastEventId == r->firstEventId + 1);
    const auto events = log.stream(support_inquiry_stream(spam));
    REQUIRE(events.size() == 5);
    CHECK(events[3].type == InquiryStatusChanged::kType);
    CHECK(events[4].type == InquiryTokenRevoked::kType);
    CHECK(events[4].data == R"({"supportInquiryId":3,"reason":"spam"})");
    CHECK(log.load(spam).tokenRevoked);
    CHECK(refusal_of(log.revoke(spam)) == Refusal::kInquiryNoLiveToken);

    // A customer's inquiry has no token: nothing to revoke.
    const std::int64_t customer = log.create({"INQ-MMMMMM"}, 5);
    CHECK(refusal_of(log.revoke(customer)) == Refusal::kInquiryNoLiveToken);
    REQUIRE(log.set(customer, "closed").ok());
    CHECK(log.count(customer, InquiryTokenRevoked::kType) == 0);
    CHECK(refusal_of(log.revoke(99)) == Refusal::kInquiryNotFound);

    // Inactive close keeps the token too.
    const std::int64_t stale = log.create({"INQ-TTTTTT"});
    log.clock.advance(8LL * 24 * 60 * kMinute);
    REQUIRE(log.run([&](const events::StagedView& v, const CommandMeta& m) {
                 return decide(v, CloseInactiveInquiry{stale, log.clock.now_ms() - kMinute}, m);
               })
                .ok());
    const SupportInquiry inactive = log.load(stale);
    CHECK(inactive.status == "closed");
    CHECK_FALSE(inactive.tokenRevoked);
    CHECK(log.count(stale, InquiryTokenRevoked::kType) == 0);
  }

  TEST_CASE("inquiries: a form ticket takes the next support request number, claimed once") {
    Log log;
    const std::int64_t ann = log.customer("ann@example.com");
    const std::int64_t first = log.request(ann);
    CreateSupportInquiry form;
    form.subject = "Printer";
    form.greeting = "hi";
    form.trackingCandidates = {"INQ-FFFFFF"};
    form.formTicket = true;
    auto created = log.run(
        [&](const events::StagedView& v, const CommandMeta& m) { return decide(v, form, m); });
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    // The request sequence moved on: the next request gets the number after it.
    CHECK(log.last_id(kSupportRequestSequence) == static_cast<std::uint64_t>(first + 1));
    const std::int64_t next = log.request(ann);
    CHECK(next == first + 2);
    auto events = log.stream(support_inquiry_stream(1));
    const std::string number = ticket_number(first + 1, kStart);
    CHECK(events.front().data.find(R"("ticketNumber":")" + number + "\"") != std::string::npos);
    CHECK(events.front().data.find(R"("source":"form")") != std::string::npos);
  }

  TEST_CASE("inquiries: rated once after resolving or closing, within the window; never spam") {
    Log log;
    auto rate = [&](std::int64_t id, std::int64_t rating) {
      return log
          .run([&](const events::StagedView& v, const CommandMeta& m) {
            return decide(
                v, RateInquiry{id, "visitor", std::nullopt, rating, "ok", 7LL * 86'400'000}, m);
          })
          .status();
    };
    const std::int64_t id = log.create({"INQ-AAAAAA"});
    CHECK(refusal_of(rate(id, 5)) == Refusal::kSatisfactionNotAvailable);
    REQUIRE(log.set(id, "resolved").ok());
    log.clock.advance(6LL * 86'400'000);
    REQUIRE(rate(id, 5).ok());
    CHECK(log.load(id).satisfaction == 5);
    CHECK(refusal_of(rate(id, 4)) == Refusal::kSatisfactionAlreadyRated);
    CHECK(log.count(id, InquirySatisfactionRated::kType) == 1);
    // Rating is no activity: the inactive-close clock keeps its last activity.
    CHECK(log.load(id).lastActivityAt == kStart);

    const std::int64_t late = log.create({"INQ-BBBBBB"});
    REQUIRE(log.set(late, "closed").ok());
    log.clock.advance(7LL * 86'400'000 + 1);
    CHECK(refusal_of(rate(late, 5)) == Refusal::kSatisfactionWindowClosed);

    const std::int64_t spam = log.create({"INQ-CCCCCC"});
    REQUIRE(log.set(spam, "spam").ok());
    CHECK(refusal_of(rate(spam, 5)) == Refusal::kSatisfactionNotAvailable);

    // Resolved, then active again: not rateable until it ends again.
    const std::int64_t reopened = log.create({"INQ-DDDDDD"});
    REQUIRE(log.set(reopened, "resolved").ok());
    REQUIRE(log.post(reopened, "visitor").ok());
    CHECK(log.load(reopened).status == "active");
    CHECK(refusal_of(rate(reopened, 5)) == Refusal::kSatisfactionNotAvailable);
  }
}

}  // namespace docket::domain

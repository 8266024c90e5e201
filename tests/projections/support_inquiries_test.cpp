// The support_inquiries read model, fed by the inquiry decisions through a real log and
// engine: rows, messages, token hashes, status counts, and a search index that follows
// contact changes (old values leave it, new ones enter); linking to support requests
// (with the created request visible in support_requests) and guest token revocation.
#include "projections/support_inquiries.h"
#include "projections/sla.h"

#include <doctest/doctest.h>

#include "core/auth/otp.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/read_connection.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_request_query.h"
#include "projections/support_requests.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  std::unique_ptr<ProjectionEngine> engine;
  std::string file;

  Fixture() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    engine = std::make_unique<ProjectionEngine>(
        dir.sub("projections"), *store,
        testing::make_projections(std::make_unique<SupportInquiriesProjection>(),
                                  std::make_unique<SupportRequestsProjection>(),
                                  std::make_unique<SlaProjection>()));
    REQUIRE(engine->start().ok());
    file = dir.sub("projections/support_inquiries.sqlite");
  }
  ~Fixture() {
    store->close();
    engine->stop();
  }

  template <typename Decide>
  void run(Decide decide) {
    auto r = store->execute(
        [&](const events::StagedView& v) { return decide(v, domain::CommandMeta{}); });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }

  std::int64_t count(const std::string& sql) { return testing::query_int(file, sql); }
  // Inquiries the search index finds for `text` (one literal phrase).
  std::int64_t found(const std::string& text) {
    return count("SELECT count(*) FROM inquiry_search WHERE inquiry_search MATCH '\"" + text +
                 "\"'");
  }
};

domain::CreateSupportInquiry guest(std::string code) {
  domain::CreateSupportInquiry c;
  c.subject = "Where is my parcel?";
  c.message = "It was due yesterday.";
  c.guestName = "Ana Lima";
  c.guestEmail = "ana@example.com";
  c.guestPhone = "+49 30 1234567";
  c.tokenHash = std::string(64, 'b');
  c.tokenHash->replace(0, code.size(), code);  // one hash per inquiry
  c.tokenExpiresAt = kStart + 3'600'000;
  c.greeting = "Hi!";
  c.trackingCandidates = {std::move(code)};
  return c;
}

domain::CreateSupportInquiry customer(std::string code, std::int64_t customer_id) {
  domain::CreateSupportInquiry c = guest(std::move(code));
  c.customerId = customer_id;
  c.tokenHash.reset();
  c.tokenExpiresAt.reset();
  return c;
}

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("support_inquiries: rows, messages, tokens, counts and a search that follows contact") {
    Fixture f;
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, guest("INQ-AB2CDE"), m);
    });
    CHECK(f.count("SELECT count(*) FROM inquiries WHERE id = 1 AND tracking_code = 'INQ-AB2CDE' "
                  "AND status = 'open' AND message_count = 2 AND customer_id IS NULL") == 1);
    CHECK(f.count("SELECT count(*) FROM inquiry_messages WHERE inquiry_id = 1") == 2);
    CHECK(f.count("SELECT count(*) FROM support_inquiry_tokens WHERE inquiry_id = 1 AND "
                  "token_hash = '" +
                  *guest("INQ-AB2CDE").tokenHash + "' AND revoked_at_ms IS NULL") == 1);
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'open'") == 1);

    // Search: tracking code, subject, e-mail, name and phone, by any 3+ characters.
    CHECK(f.found("AB2C") == 1);
    CHECK(f.found("parcel") == 1);
    CHECK(f.found("na@exa") == 1);
    CHECK(f.found("lima") == 1);
    CHECK(f.found("1234") == 1);

    f.clock.advance(60'000);
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v, domain::IdentifyInquiryContact{1, "Bea Souza", "bea@example.com", std::nullopt}, m);
    });
    CHECK(f.found("lima") == 0);  // the old values left the index
    CHECK(f.found("na@exa") == 0);
    CHECK(f.found("souza") == 1);
    CHECK(f.found("bea@ex") == 1);
    CHECK(f.found("1234") == 1);  // the phone stayed
    CHECK(f.count("SELECT updated_ms FROM inquiries WHERE id = 1") == kStart + 60'000);

    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::PostInquiryMessage{1, "admin", 7, "On its way."}, m);
    });
    CHECK(
        f.count("SELECT count(*) FROM inquiries WHERE status = 'waiting' AND message_count = 3") ==
        1);
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'open'") == 0);
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'waiting'") == 1);

    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{1, "spam"}, m);
    });
    CHECK(f.count("SELECT count(*) FROM inquiries WHERE status = 'spam' AND closed_at IS NOT "
                  "NULL") == 1);
    CHECK(f.count("SELECT count(*) FROM inquiry_messages WHERE inquiry_id = 1") == 3);
  }
}

TEST_SUITE("projections") {
  TEST_CASE("support_inquiries query: detail, guest tokens, lists, search, inactive") {
    Fixture f;
    for (const char* code : {"INQ-AAAAAA", "INQ-BBBBBB", "INQ-CCCCCC"}) {
      f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
        return domain::decide(v, guest(code), m);
      });
      f.clock.advance(60'000);
    }
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v, domain::IdentifyInquiryContact{2, "Caio", "caio.dias@example.org", std::nullopt}, m);
    });
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{3, "closed"}, m);
    });
    auto reader = f.engine->open_reader();
    REQUIRE(reader.ok());
    auto lease = (*reader)->lease();
    REQUIRE(lease.ok());
    SupportInquiryQuery q(lease->db());

    auto one = q.find(1);
    REQUIRE(one.ok());
    CHECK(one->trackingCode == "INQ-AAAAAA");
    REQUIRE(one->messages.size() == 2);
    CHECK(one->messages[0].senderType == "system");
    CHECK(one->messages[1].senderType == "visitor");
    CHECK(one->messages[1].eventId > one->messages[0].eventId);
    CHECK(q.find(9).status().IsNotFound());

    const std::string hash = *guest("INQ-AAAAAA").tokenHash;
    CHECK(q.token_inquiry(hash, kStart)->value_or(0) == 1);
    CHECK_FALSE(q.token_inquiry(std::string(64, 'c'), kStart)->has_value());
    CHECK_FALSE(q.token_inquiry(hash, kStart + 3'600'000 + 180'000)->has_value());  // expired

    auto ids = [&](SupportInquiryListRequest r) {
      auto page = q.list(r);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      std::vector<std::int64_t> out;
      for (const auto& row : page->items)
        out.push_back(row.id);
      return out;
    };
    CHECK(ids({}) == std::vector<std::int64_t>{3, 2, 1});
    CHECK(ids({.status = "closed"}) == std::vector<std::int64_t>{3});
    CHECK(ids({.search = "dias"}) == std::vector<std::int64_t>{2});     // a name fragment
    CHECK(ids({.search = ".com"}) == std::vector<std::int64_t>{3, 1});  // e-mail, 4 chars
    CHECK(ids({.search = "BBBB"}) == std::vector<std::int64_t>{2});     // tracking code
    CHECK(ids({.search = "rg"}) == std::vector<std::int64_t>{2});       // short: a scan
    CHECK(ids({.search = ".com", .sortBy = "updatedAt", .ascending = true}) ==
          std::vector<std::int64_t>{1, 3});
    CHECK(ids({.search = "parcel", .page = 2, .pageSize = 2}) == std::vector<std::int64_t>{1});
    CHECK(q.list({.sortBy = "priority"}).status().IsInvalidArgument());

    auto stale = q.inactive_since(kStart + 90'000, 10);
    REQUIRE(stale.ok());
    CHECK(*stale == std::vector<std::int64_t>{1});  // 2 was touched later; 3 is closed
  }
}

TEST_SUITE("projections") {
  TEST_CASE("support_inquiries: linking shows the request; a revoked token grants nothing") {
    Fixture f;
    constexpr std::int64_t kCustomer = 5;
    auto create = [&](const domain::CreateSupportInquiry& c) {
      f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
        return domain::decide(v, c, m);
      });
    };
    create(guest("INQ-AAAAAA"));                // 1: a guest with a token
    create(customer("INQ-BBBBBB", kCustomer));  // 2: linked to a created request
    create(customer("INQ-CCCCCC", kCustomer));  // 3: linked to an existing request
    create(guest("INQ-DDDDDD"));                // 4: a guest, closed, then marked spam
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v, domain::CreateSupportRequest{kCustomer, "Invoice", "billing", "medium", "Wrong"}, m);
    });
    f.clock.advance(60'000);
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::PostInquiryMessage{2, "admin", 7, "On its way."}, m);
    });
    f.clock.advance(60'000);
    auto link = [&](std::int64_t id, std::optional<std::int64_t> request) {
      f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
        return domain::decide(
            v, domain::LinkInquiryToSupportRequest{id, request, "technical", "high"}, m);
      });
    };
    link(3, 1);
    link(2, std::nullopt);  // creates request 2
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'linked'") == 2);
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'open'") == 2);
    CHECK(f.count("SELECT n FROM inquiry_status_counts WHERE status = 'waiting'") == 0);
    CHECK(f.count("SELECT updated_ms FROM inquiries WHERE id = 2") == kStart + 120'000);

    const std::string hash1 = *guest("INQ-AAAAAA").tokenHash;
    const std::string hash4 = *guest("INQ-DDDDDD").tokenHash;
    {
      auto reader = f.engine->open_reader();
      REQUIRE(reader.ok());
      auto lease = (*reader)->lease();
      REQUIRE(lease.ok());
      SupportInquiryQuery q(lease->db());
      CHECK(q.token_inquiry(hash1, kStart)->value_or(0) == 1);
      CHECK(q.token_inquiry(hash4, kStart)->value_or(0) == 4);
    }
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::RevokeInquiryToken{1, "admin"}, m);
    });
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{4, "active"}, m);
    });
    CHECK(f.count("SELECT revoked_at_ms FROM support_inquiry_tokens WHERE inquiry_id = 1") ==
          kStart + 120'000);
    {
      // A closed inquiry's token still reads the thread (closing changes the status only).
      f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
        return domain::decide(v, domain::SetInquiryStatus{4, "resolved"}, m);
      });
      auto reader = f.engine->open_reader();
      REQUIRE(reader.ok());
      auto lease = (*reader)->lease();
      REQUIRE(lease.ok());
      CHECK(SupportInquiryQuery(lease->db()).token_inquiry(hash4, kStart)->value_or(0) == 4);
    }
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{4, "closed"}, m);
    });
    CHECK(f.count("SELECT count(*) FROM support_inquiry_tokens WHERE revoked_at_ms IS NULL") == 1);
    {
      auto reader = f.engine->open_reader();
      REQUIRE(reader.ok());
      auto lease = (*reader)->lease();
      REQUIRE(lease.ok());
      CHECK(SupportInquiryQuery(lease->db()).token_inquiry(hash4, kStart)->value_or(0) == 4);
    }
    // Spam ends it: a fifth guest inquiry marked spam.
    create(guest("INQ-EEEEEE"));
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::SetInquiryStatus{5, "spam"}, m);
    });
    CHECK(f.count("SELECT count(*) FROM support_inquiry_tokens WHERE inquiry_id = 5 AND "
                  "revoked_at_ms IS NOT NULL") == 1);

    auto reader = f.engine->open_reader();
    REQUIRE(reader.ok());
    auto lease = (*reader)->lease();
    REQUIRE(lease.ok());
    SupportInquiryQuery q(lease->db());
    CHECK_FALSE(q.token_inquiry(hash1, kStart)->has_value());
    CHECK_FALSE(q.token_inquiry(*guest("INQ-EEEEEE").tokenHash, kStart)->has_value());

    auto two = q.find(2);
    REQUIRE(two.ok());
    CHECK(two->status == "linked");
    CHECK(two->supportRequestId == 2);
    CHECK(two->messageCount == 3);  // the inquiry keeps its thread
    auto three = q.find(3);
    REQUIRE(three.ok());
    CHECK(three->status == "linked");
    CHECK(three->supportRequestId == 1);
    CHECK(q.find(1)->status == "open");  // revoking the token leaves the inquiry as it was
    auto ids = [&](SupportInquiryListRequest r) {
      auto page = q.list(r);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      std::vector<std::int64_t> out;
      for (const auto& row : page->items)
        out.push_back(row.id);
      return out;
    };
    CHECK(ids({.supportRequestId = 2}) == std::vector<std::int64_t>{2});
    CHECK(ids({.supportRequestId = 1}) == std::vector<std::int64_t>{3});
    CHECK(ids({.status = "linked"}) == std::vector<std::int64_t>{3, 2});

    // The created request: the customer's, with the copied visitor/customer and admin
    // messages (not the greeting), oldest first.
    SupportRequestQuery requests(lease->db());
    auto created = requests.find(2, kCustomer);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    CHECK(created->subject == "Where is my parcel?");
    CHECK(created->category == "technical");
    CHECK(created->priority == "high");
    CHECK(created->status == "open");
    CHECK(created->metadata.text == R"({"supportInquiryId":2,"trackingCode":"INQ-BBBBBB"})");
    CHECK(created->messageCount == 2);
    REQUIRE(created->messages.size() == 2);
    CHECK(created->messages[0].senderType == "customer");
    CHECK(created->messages[0].senderId == kCustomer);
    CHECK(created->messages[0].message == "It was due yesterday.");
    CHECK(created->messages[1].senderType == "admin");
    CHECK(created->messages[1].senderId == 7);
    CHECK(created->messages[1].message == "On its way.");
    CHECK(created->messages[1].id == created->messages[0].id + 1);
    CHECK(created->firstResponseAt.has_value());
    auto existing = requests.find(1);
    REQUIRE(existing.ok());
    CHECK(existing->messageCount == 1);  // linking to it appends nothing to it
  }
}

}  // namespace docket::projections

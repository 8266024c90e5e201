// make_room_authorizer and make_tracking_code_lookup over a real log, projection engine
// and reader pool on a ManualClock; then the Socket.IO layer wired to them with the feed
// observing the store, as the server runtime wires it.
#include "realtime/room_access.h"

#include "domain/refusal.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/guest_token.h"
#include "core/clock.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/reader_pool.h"
#include "projections/sla.h"
#include "projections/support_inquiries.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_requests.h"
#include "realtime/socket_server.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

// The authorizer's answer as the errorCode a client sees ("" when allowed).
auto error_code_of(RoomAuthorizer authorizer) {
  return [authorizer](const auth::Identity& who, std::string_view token,
                      const RoomRef& room) -> std::string {
    const Status s = authorizer(who, token, room);
    if (s.ok()) return "";
    if (auto refusal = domain::refusal_of(s))
      return std::string(domain::describe(*refusal).errorCode);
    return "storage: " + s.ToString();
  };
}

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr UnixMillis kHour = 3'600'000;
constexpr std::int64_t kAlice = 5;
constexpr std::int64_t kBob = 6;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  std::unique_ptr<projections::ProjectionEngine> engine;
  std::unique_ptr<projections::ReaderPool> readers;
  int inquiries = 0;

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
  events::AppendResult run(Decide decide) {
    auto r = store->execute(
        [&](const events::StagedView& v) { return decide(v, domain::CommandMeta{}); });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }

  std::int64_t create_request(std::int64_t customer) {
    std::int64_t id = 0;
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(
          v,
          domain::CreateSupportRequest{customer, "Lost parcel", "general", "low", "Where?", "null"},
          m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return id;
  }

  // A customer's inquiry, or a guest's with `token` valid until `expires`.
  std::int64_t create_inquiry(std::optional<std::int64_t> customer, const std::string& token = {},
                              UnixMillis expires = kStart + 24 * kHour) {
    ++inquiries;
    domain::CreateSupportInquiry c;
    c.subject = "Inquiry " + std::to_string(inquiries);
    c.message = "First message";
    c.greeting = "Hello!";
    if (customer) {
      c.customerId = customer;
    } else {
      c.tokenHash = auth::guest_token_hash(token);
      c.tokenExpiresAt = expires;
    }
    c.trackingCandidates = {
        "INQ-AAAAA" +
        std::string(1, domain::kTrackingAlphabet[static_cast<std::size_t>(inquiries)])};
    std::int64_t id = 0;
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return id;
  }

  void revoke(std::int64_t inquiry) {
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::RevokeInquiryToken{inquiry, "admin"}, m);
    });
  }

  std::string tracking_code(std::int64_t inquiry) {
    auto lease = readers->lease();
    REQUIRE(lease.ok());
    auto row = projections::SupportInquiryQuery(lease->db()).find(inquiry);
    REQUIRE(row.ok());
    return row->trackingCode;
  }
};

const RoomRef request_room(std::int64_t id) {
  return RoomRef{RoomKind::kRequest, id};
}
const RoomRef inquiry_room(std::int64_t id) {
  return RoomRef{RoomKind::kInquiry, id};
}

auth::Identity agent(auth::PermissionSet permissions) {
  return auth::Identity::staff(100, "agent", permissions);
}

class RecordingConnection final : public Connection {
 public:
  explicit RecordingConnection(std::string id) : id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  using Connection::send;
  bool send(SharedPacket packet) override {
    std::lock_guard lock(mu_);
    sent_.push_back(*packet);
    return true;
  }
  bool send_binary(SharedPacket) override { return false; }  // Docket's protocol is text
  void close() override {}
  std::vector<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  const std::string id_;
  std::mutex mu_;
  std::vector<std::string> sent_;
};

}  // namespace

TEST_SUITE("realtime.integration") {
  TEST_CASE("room access: a customer reads only their own request and inquiry") {
    Fixture f;
    const std::int64_t alices_request = f.create_request(kAlice);
    const std::int64_t bobs_request = f.create_request(kBob);
    const std::int64_t alices_inquiry = f.create_inquiry(kAlice);
    const std::int64_t bobs_inquiry = f.create_inquiry(kBob);
    const std::int64_t guest_inquiry = f.create_inquiry(std::nullopt, auth::generate_guest_token());
    const auto authorize = error_code_of(make_room_authorizer(*f.readers, f.clock));
    const auto alice = auth::Identity::customer(kAlice);

    CHECK(authorize(alice, "", request_room(alices_request)) == "");
    CHECK(authorize(alice, "", request_room(bobs_request)) == "SUPPORT_REQUEST_NOT_FOUND");
    CHECK(authorize(alice, "", request_room(9999)) == "SUPPORT_REQUEST_NOT_FOUND");
    CHECK(authorize(alice, "", inquiry_room(alices_inquiry)) == "");
    CHECK(authorize(alice, "", inquiry_room(bobs_inquiry)) == "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(authorize(alice, "", inquiry_room(guest_inquiry)) == "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(authorize(alice, "", inquiry_room(9999)) == "SUPPORT_INQUIRY_NOT_FOUND");
    CHECK(authorize(auth::Identity::anonymous(), "", request_room(alices_request)) ==
          "UNAUTHORIZED");
    CHECK(authorize(auth::Identity::anonymous(), "", inquiry_room(alices_inquiry)) ==
          "UNAUTHORIZED");
  }

  TEST_CASE("room access: staff need the READ permission of the room's kind") {
    Fixture f;
    const std::int64_t request = f.create_request(kAlice);
    const std::int64_t inquiry = f.create_inquiry(kAlice);
    const auto authorize = error_code_of(make_room_authorizer(*f.readers, f.clock));
    const auto admin = agent(auth::PermissionSet::all());
    const auto requests_only = agent({auth::Permission::kSupportRequestsRead});
    const auto inquiries_only = agent({auth::Permission::kSupportInquiriesRead});
    const auto neither = agent(
        {auth::Permission::kSupportRequestsUpdate, auth::Permission::kSupportInquiriesUpdate});

    CHECK(authorize(admin, "", request_room(request)) == "");
    CHECK(authorize(admin, "", inquiry_room(inquiry)) == "");
    CHECK(authorize(requests_only, "", request_room(request)) == "");
    CHECK(authorize(requests_only, "", inquiry_room(inquiry)) == "FORBIDDEN");
    CHECK(authorize(inquiries_only, "", request_room(request)) == "FORBIDDEN");
    CHECK(authorize(inquiries_only, "", inquiry_room(inquiry)) == "");
    CHECK(authorize(neither, "", request_room(request)) == "FORBIDDEN");
    CHECK(authorize(neither, "", inquiry_room(inquiry)) == "FORBIDDEN");
    // Any room of that kind: no read-model lookup for staff.
    CHECK(authorize(admin, "", request_room(777)) == "");
  }

  TEST_CASE("room access: a guest reads the inquiry of a token that is valid now") {
    Fixture f;
    const std::string token = auth::generate_guest_token();
    const std::string short_token = auth::generate_guest_token();
    const std::string other_token = auth::generate_guest_token();
    const std::int64_t inquiry = f.create_inquiry(std::nullopt, token, kStart + 48 * kHour);
    const std::int64_t short_lived = f.create_inquiry(std::nullopt, short_token, kStart + kHour);
    const std::int64_t other = f.create_inquiry(std::nullopt, other_token);
    const std::int64_t request = f.create_request(kAlice);
    const auto authorize = error_code_of(make_room_authorizer(*f.readers, f.clock));
    const auto guest = auth::Identity::guest(inquiry);

    CHECK(authorize(guest, token, inquiry_room(inquiry)) == "");
    CHECK(authorize(guest, token, inquiry_room(other)) == "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(authorize(guest, token, request_room(request)) == "FORBIDDEN");
    // The token decides, not the identity's inquiryId alone.
    CHECK(authorize(auth::Identity::guest(other), token, inquiry_room(other)) ==
          "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(authorize(guest, "", inquiry_room(inquiry)) == "SUPPORT_INQUIRY_TOKEN_INVALID");
    CHECK(authorize(guest, "si_garbage", inquiry_room(inquiry)) == "SUPPORT_INQUIRY_TOKEN_INVALID");
    CHECK(authorize(guest, auth::generate_guest_token(), inquiry_room(inquiry)) ==
          "SUPPORT_INQUIRY_TOKEN_INVALID");

    // Expired: the clock passes tokenExpiresAt.
    const auto short_guest = auth::Identity::guest(short_lived);
    CHECK(authorize(short_guest, short_token, inquiry_room(short_lived)) == "");
    f.clock.advance(2 * kHour);
    CHECK(authorize(short_guest, short_token, inquiry_room(short_lived)) ==
          "SUPPORT_INQUIRY_TOKEN_INVALID");
    CHECK(authorize(guest, token, inquiry_room(inquiry)) == "");

    // Revoked.
    f.revoke(inquiry);
    CHECK(authorize(guest, token, inquiry_room(inquiry)) == "SUPPORT_INQUIRY_TOKEN_INVALID");
    CHECK(authorize(auth::Identity::guest(other), other_token, inquiry_room(other)) == "");
  }

  TEST_CASE("tracking code lookup reads the read model") {
    Fixture f;
    const std::int64_t inquiry = f.create_inquiry(kAlice);
    TrackingCodeLookup lookup = make_tracking_code_lookup(*f.readers);
    CHECK(lookup(inquiry) == std::optional<std::string>(f.tracking_code(inquiry)));
    CHECK_FALSE(lookup(4242).has_value());
  }

  TEST_CASE("the socket server on a real store: join, live deltas, revocation") {
    Fixture f;
    const std::string token = auth::generate_guest_token();
    const std::int64_t request = f.create_request(kAlice);
    // Created before the feed exists: its tracking code comes from the read model.
    const std::int64_t inquiry = f.create_inquiry(std::nullopt, token);

    std::map<std::string, auth::Identity> jwts{{"Bearer alice", auth::Identity::customer(kAlice)},
                                               {"Bearer bob", auth::Identity::customer(kBob)}};
    RealtimeAuth realtime_auth{[&](std::string_view header) {
      projections::Authenticator::Outcome out;
      if (header.empty()) return out;
      const std::string h(header);
      if (h.starts_with("Bearer si_")) {
        auto lease = f.readers->lease();
        REQUIRE(lease.ok());
        auto granted = projections::SupportInquiryQuery(lease->db())
                           .token_inquiry(auth::guest_token_hash(h.substr(7)), f.clock.now_ms());
        REQUIRE(granted.ok());
        out.kind = *granted ? projections::Authenticator::Outcome::kValid
                            : projections::Authenticator::Outcome::kInvalidGuestToken;
        if (*granted) out.identity = auth::Identity::guest(**granted);
        return out;
      }
      auto it = jwts.find(h);
      out.kind = it == jwts.end() ? projections::Authenticator::Outcome::kInvalid
                                  : projections::Authenticator::Outcome::kValid;
      if (it != jwts.end()) out.identity = it->second;
      return out;
    }};
    SocketServer server(SocketServerOptions{}, realtime_auth,
                        make_room_authorizer(*f.readers, f.clock),
                        [](const RoomRef&, std::uint64_t, std::optional<std::string>) {
                          return Result<std::string>(std::string(R"({"ok":true,"events":[]})"));
                        });
    RealtimeFeed feed(server, FeedOptions{f.store->log_epoch()},
                      make_tracking_code_lookup(*f.readers));
    f.store->add_commit_observer(&feed);

    auto alice = std::make_shared<RecordingConnection>("alice");
    auto bob = std::make_shared<RecordingConnection>("bob");
    auto guest = std::make_shared<RecordingConnection>("guest");
    server.on_open(alice, ConnectionInfo{});
    server.on_open(bob, ConnectionInfo{});
    server.on_open(guest, ConnectionInfo{.authorization = "Bearer " + token});
    server.on_message(alice, R"(0/support,{"token":"alice"})");
    server.on_message(bob, R"(0/support,{"token":"bob"})");
    server.on_message(guest, "0/support,");
    const std::string join_request =
        R"(2/support,1["support:join_request_messages",{"supportRequestId":)" +
        std::to_string(request) + "}]";
    server.on_message(alice, join_request);
    server.on_message(bob, join_request);
    server.on_message(guest, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":)" +
                                 std::to_string(inquiry) + "}]");
    CHECK(alice->take().back() == R"(3/support,1[{"ok":true,"room":"support:request:)" +
                                      std::to_string(request) + R"(:messages"}])");
    CHECK(bob->take().back().find("SUPPORT_REQUEST_NOT_FOUND") != std::string::npos);
    CHECK(guest->take().back().find(R"("ok":true)") != std::string::npos);

    // An admin reply reaches Alice, live, as the delta replay would build it.
    auto reply = f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::ReplyToSupportRequest{request, "admin", 100, "We are on it"},
                            m);
    });
    auto records = f.store->read_range(reply.lastEventId, 1);
    REQUIRE(records.ok());
    REQUIRE(records->size() == 1);
    auto delta = message_delta(records->front(), f.store->log_epoch());
    REQUIRE(delta.has_value());
    CHECK(alice->take() ==
          std::vector<std::string>{R"(2/support,["support.request_message.created",)" +
                                   delta->json + "]"});
    CHECK(bob->take().empty());

    // A message on the guest's inquiry carries its tracking code (from the read model);
    // the status it moves the inquiry to reaches the guest's own room (guest:{id}).
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::PostInquiryMessage{inquiry, "admin", 100, "Hi there"}, m);
    });
    auto to_guest = guest->take();
    REQUIRE(to_guest.size() == 2);
    CHECK(to_guest[0].starts_with(R"(2/support,["support.inquiry_message.created",)"));
    CHECK(to_guest[0].find(R"("trackingCode":")" + f.tracking_code(inquiry) + "\"") !=
          std::string::npos);
    CHECK(to_guest[1].starts_with(R"(2/support,["ticket-updated",)"));
    CHECK(to_guest[1].find(R"("change":"status","from":"open","to":"waiting"})") !=
          std::string::npos);
    CHECK(to_guest[1].find("assignedAdminId") == std::string::npos);

    // Revoking the token ends the guest's session at once.
    f.revoke(inquiry);
    CHECK(guest->take() == std::vector<std::string>{"1/support,"});
    CHECK(server.rooms().rooms_of("guest").empty());
    f.run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::PostInquiryMessage{inquiry, "admin", 100, "Anyone?"}, m);
    });
    CHECK(guest->take().empty());

    f.store->remove_commit_observer(&feed);
    server.on_close(alice);
    server.on_close(bob);
    server.on_close(guest);
    CHECK(server.rooms().room_count() == 0);
  }
}

}  // namespace docket::realtime

// The Socket.IO layer without a network: a fake Connection records what the server
// sends, the tests drive on_open / on_message / on_close with Socket.IO text as the
// transport would, and fake authenticate / authorize / replay functions stand in for
// the read models. The feed is driven by calling on_commit with hand-built records.
#include "realtime/socket_server.h"
#include "realtime/queue_feed.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/api_error.h"
#include "core/json_writer.h"
#include "realtime/rooms.h"
#include "tests/realtime/realtime_doubles.h"

namespace docket::realtime {
namespace {

using testing::AccessRules;
using testing::FakeConnection;
using testing::record;

// Without the queue feed's rooms and events (realtime/queue_feed.h; tested on their own).
std::vector<std::string> non_feed_rooms(const RoomRegistry& rooms, const std::string& id) {
  std::vector<std::string> out;
  for (std::string& room : rooms.rooms_of(id)) {
    if (!is_queue_feed_room(room)) out.push_back(std::move(room));
  }
  return out;
}

std::vector<std::string> non_feed(std::vector<std::string> packets) {
  std::vector<std::string> out;
  for (std::string& p : packets) {
    bool feed = false;
    for (const char* name : {"[\"new-ticket\"", "[\"ticket-assigned\"", "[\"ticket-updated\"",
                             "[\"agent-status-changed\"", "[\"queue-updated\""}) {
      if (p.find(name) != std::string::npos) feed = true;
    }
    if (!feed) out.push_back(std::move(p));
  }
  return out;
}
using testing::kGuestToken11;
using testing::kGuestToken12;
using testing::staff;

using Outcome = projections::Authenticator::Outcome;
namespace error_code = error_code;

constexpr std::string_view kEpoch = "0123456789abcdef0123456789abcdef";

// The access rules, with a lock (tests change them while connections run) and a record
// of the calls.
struct World : AccessRules {
  std::mutex mu;
  bool authorizer_throws = false;

  struct AuthorizeCall {
    auth::Identity::Kind kind;
    std::string guest_token;
    RoomRef room;
  };
  std::vector<AuthorizeCall> authorize_calls;

  struct ReplayCall {
    RoomRef room;
    std::uint64_t since;
    std::optional<std::string> epoch;
  };
  std::vector<ReplayCall> replay_calls;
  std::optional<Status> replay_error;

  Outcome authenticate(std::string_view authorization) {
    std::lock_guard lock(mu);
    return AccessRules::authenticate(authorization);
  }

  Status authorize(const auth::Identity& who, std::string_view guest_token, const RoomRef& room) {
    std::lock_guard lock(mu);
    authorize_calls.push_back({who.kind, std::string(guest_token), room});
    if (authorizer_throws) throw ApiError::service_unavailable();
    return AccessRules::authorize(who, guest_token, room);
  }

  Result<std::string> replay(const RoomRef& room, std::uint64_t since,
                             std::optional<std::string> epoch) {
    std::lock_guard lock(mu);
    replay_calls.push_back({room, since, epoch});
    if (replay_error) return *replay_error;
    JsonWriter w;
    w.begin_object().field("ok", true).key("events").begin_array().end_array();
    w.field("gapDetected", false).field("lastEventId", since).field("logEpoch", kEpoch);
    w.end_object();
    return w.take();
  }

  void revoke(std::string_view token) {
    std::lock_guard lock(mu);
    guest_tokens.erase(std::string(token));
  }
  void set_jwt(const std::string& header, std::optional<auth::Identity> identity) {
    std::lock_guard lock(mu);
    if (identity) {
      jwts[header] = *identity;
    } else {
      jwts.erase(header);
    }
  }
};

struct Harness {
  World world;
  std::map<std::int64_t, std::string> stored_codes;  // what the fallback lookup knows
  int lookups = 0;
  SocketServer server;
  RealtimeFeed feed;
  int next_id = 0;

  explicit Harness(std::size_t tracking_capacity = 100)
      : server(
            SocketServerOptions{},
            RealtimeAuth{[this](std::string_view a) { return world.authenticate(a); }},
            [this](const auth::Identity& who, std::string_view token, const RoomRef& room) {
              return world.authorize(who, token, room);
            },
            [this](const RoomRef& room, std::uint64_t since, std::optional<std::string> epoch) {
              return world.replay(room, since, std::move(epoch));
            }),
        feed(server, FeedOptions{std::string(kEpoch), tracking_capacity},
             [this](std::int64_t id) -> std::optional<std::string> {
               ++lookups;
               auto it = stored_codes.find(id);
               if (it == stored_codes.end()) return std::nullopt;
               return it->second;
             }) {}

  std::shared_ptr<FakeConnection> open(std::string authorization = {}) {
    auto c = std::make_shared<FakeConnection>("conn-" + std::to_string(++next_id));
    ConnectionInfo info;
    info.client_ip = "127.0.0.1";
    info.authorization = std::move(authorization);
    server.on_open(c, info);
    return c;
  }

  // Sends one Socket.IO packet; returns what the server sent back.
  std::vector<std::string> send(const std::shared_ptr<FakeConnection>& c, std::string_view text) {
    server.on_message(c, text);
    return non_feed(c->take());
  }
  // The one packet the server answered with.
  std::string one(const std::shared_ptr<FakeConnection>& c, std::string_view text) {
    INFO("packet: ", std::string(text));
    auto out = send(c, text);
    REQUIRE(out.size() == 1);
    return out.front();
  }

  // A connection connected to /support with `token` in the auth payload ("" for none).
  std::shared_ptr<FakeConnection> connect(std::string_view token) {
    auto c = open();
    std::string packet = "0/support,";
    if (!token.empty()) packet += R"({"token":")" + std::string(token) + R"("})";
    const std::string answer = one(c, packet);
    REQUIRE_MESSAGE(answer.starts_with(R"(0/support,{"sid":")"), answer);
    return c;
  }

  bool in(std::string_view room, const std::shared_ptr<FakeConnection>& c) const {
    return server.rooms().is_member(room, c->id());
  }
};

// The ack with id `id` carrying `object`.
std::string ack(std::uint64_t id, std::string_view object) {
  return "3/support," + std::to_string(id) + "[" + std::string(object) + "]";
}

std::string refused(std::uint64_t id, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("ok", false).field("errorCode", code).field("message", message);
  w.end_object();
  return ack(id, w.str());
}

// The errorCode of an ack packet ("" when it is ok:true).
std::string code_of(std::string_view packet) {
  const std::string_view key = R"("errorCode":")";
  auto at = packet.find(key);
  if (at == std::string_view::npos) return "";
  at += key.size();
  return std::string(packet.substr(at, packet.find('"', at) - at));
}

// As domain/support_request.cpp's message_event writes it.
events::EventRecord request_message(std::uint64_t id, std::int64_t request, std::int64_t message_id,
                                    std::string_view text) {
  JsonWriter w;
  w.begin_object().field("supportRequestId", request).field("messageId", message_id);
  w.field("senderType", "customer").field("senderId", std::int64_t{7}).field("message", text);
  w.end_object();
  return record(id, "support.request_message.created", "support_request-" + std::to_string(request),
                w.take());
}

events::EventRecord inquiry_message(std::uint64_t id, std::int64_t inquiry, std::int64_t message_id,
                                    std::string_view text) {
  JsonWriter w;
  w.begin_object().field("supportInquiryId", inquiry).field("messageId", message_id);
  w.field("senderType", "visitor").key("senderId").null().field("message", text);
  w.end_object();
  return record(id, "support.inquiry_message.created", "support_inquiry-" + std::to_string(inquiry),
                w.take());
}

// As domain/support_inquiry.cpp writes support.inquiry.created (a guest's).
events::EventRecord inquiry_created(std::uint64_t id, std::int64_t inquiry, std::string_view code) {
  JsonWriter w;
  w.begin_object().field("supportInquiryId", inquiry).field("trackingCode", code);
  w.field("subject", "Where is my parcel?").field("category", "general");
  w.key("customerId").null().field("guestName", "Ana").field("guestEmail", "ana@example.com");
  w.key("guestPhone").null();
  w.field("tokenHash", std::string(64, 'e'))
      .field("tokenExpiresAt", std::int64_t{1'800'000'000'000});
  w.end_object();
  return record(id, "support.inquiry.created", "support_inquiry-" + std::to_string(inquiry),
                w.take());
}

// The EVENT a member of the delta's room receives.
std::string delta_packet(const events::EventRecord& e, std::string_view code = {}) {
  auto delta = message_delta(e, kEpoch, code);
  REQUIRE(delta.has_value());
  return "2/support,[\"" + std::string(delta_event_name(delta->room.kind)) + "\"," + delta->json +
         "]";
}

}  // namespace

TEST_SUITE("realtime") {
  TEST_CASE("RoomRegistry: join, leave, leave_all, broadcast to a snapshot of members") {
    RoomRegistry rooms;
    auto a = std::make_shared<FakeConnection>("a");
    auto b = std::make_shared<FakeConnection>("b");
    CHECK(rooms.join("r1", a));
    CHECK_FALSE(rooms.join("r1", a));  // already a member
    CHECK(rooms.join("r1", b));
    CHECK(rooms.join("r2", a));
    CHECK(rooms.member_count("r1") == 2);
    CHECK(rooms.room_count() == 2);
    CHECK(rooms.rooms_of("a") == std::vector<std::string>{"r1", "r2"});

    CHECK(rooms.broadcast("r1", "hello") == 2);
    CHECK(non_feed(a->take()) == std::vector<std::string>{"hello"});
    CHECK(non_feed(b->take()) == std::vector<std::string>{"hello"});
    CHECK(rooms.broadcast("nobody", "x") == 0);

    b->close();  // a closed connection refuses the send: not counted
    CHECK(rooms.broadcast("r1", "again") == 1);

    CHECK(rooms.leave("r1", "b"));
    CHECK_FALSE(rooms.leave("r1", "b"));
    CHECK(rooms.leave_all("a") == 2);
    CHECK(rooms.room_count() == 0);
    CHECK(rooms.rooms_of("a").empty());
    CHECK(rooms.leave_all("a") == 0);
  }

  TEST_CASE("RoomRegistry: joins, leaves and broadcasts from several threads") {
    RoomRegistry rooms;
    std::vector<std::shared_ptr<FakeConnection>> connections;
    for (int i = 0; i < 8; ++i)
      connections.push_back(std::make_shared<FakeConnection>("c" + std::to_string(i)));
    std::atomic<bool> stop{false};
    std::thread broadcaster([&] {
      while (!stop.load())
        rooms.broadcast("room", "x");
    });
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&, t] {
        for (int round = 0; round < 500; ++round) {
          auto& c = connections[static_cast<std::size_t>((t * 2 + round) % 8)];
          rooms.join("room", c);
          rooms.join("other", c);
          if (round % 3 == 0) {
            rooms.leave_all(c->id());
          } else {
            rooms.leave("room", c->id());
          }
        }
      });
    }
    for (auto& w : workers)
      w.join();
    stop = true;
    broadcaster.join();
    for (auto& c : connections)
      rooms.leave_all(c->id());
    CHECK(rooms.room_count() == 0);
  }

  TEST_CASE("CONNECT to another namespace is refused with Invalid namespace") {
    Harness h;
    auto c = h.open();
    CHECK(h.one(c, "0") == R"(4{"message":"Invalid namespace"})");
    CHECK(h.one(c, R"(0/admin,{"token":"staff-all"})") ==
          R"(4/admin,{"message":"Invalid namespace"})");
    CHECK_FALSE(c->closed());
    // The connection stays usable: the right namespace connects.
    CHECK(h.one(c, "0/support,").starts_with(R"(0/support,{"sid":")"));
    CHECK(h.server.stats().connect_errors == 2);
    CHECK(h.server.stats().connected == 1);
  }

  TEST_CASE("a JWT in auth.token, with or without Bearer, or in the handshake header") {
    Harness h;
    std::set<std::string> sids;
    auto sid_of = [](const std::string& packet) {
      REQUIRE(packet.starts_with(R"(0/support,{"sid":")"));
      std::string sid = packet.substr(std::string_view(R"(0/support,{"sid":")").size());
      sid = sid.substr(0, sid.find('"'));
      CHECK(sid.size() == 20);
      CHECK(sid.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
            std::string::npos);
      return sid;
    };
    for (std::string_view auth : {R"({"token":"customer-7"})", R"({"token":"Bearer customer-7"})",
                                  R"({"token":"bearer customer-7"})"}) {
      auto c = h.open();
      sids.insert(sid_of(h.one(c, "0/support," + std::string(auth))));
      // It is customer 7: their own request is allowed.
      CHECK(h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])") ==
            ack(1, R"({"ok":true,"room":"support:request:1:messages"})"));
    }
    // The handshake's Authorization header when the payload has no token (or a null one).
    for (std::string_view packet : {"0/support,", R"(0/support,{"token":null})",
                                    R"(0/support,{"token":""})", R"(0/support,{"other":1})"}) {
      auto c = h.open("Bearer customer-7");
      sids.insert(sid_of(h.one(c, packet)));
      CHECK(h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])") ==
            ack(1, R"({"ok":true,"room":"support:request:1:messages"})"));
    }
    CHECK(sids.size() == 7);  // a fresh id for every connection
    CHECK(h.server.stats().connects == 7);
  }

  TEST_CASE("guest tokens: bare or Bearer si_…; the raw token reaches the authorizer") {
    Harness h;
    for (std::string prefix : {"", "Bearer "}) {
      auto c = h.connect(prefix + std::string(kGuestToken11));
      CHECK(h.one(c, R"(2/support,4["support:join_inquiry_messages",{"supportInquiryId":11}])") ==
            ack(4, R"({"ok":true,"room":"support:inquiry:11:messages"})"));
      REQUIRE_FALSE(h.world.authorize_calls.empty());
      CHECK(h.world.authorize_calls.back().kind == auth::Identity::kGuest);
      CHECK(h.world.authorize_calls.back().guest_token == kGuestToken11);
    }
  }

  TEST_CASE("bad credentials: CONNECT_ERROR Invalid credentials with the errorCode") {
    Harness h;
    const std::string unauthorized =
        R"(4/support,{"message":"Invalid credentials","data":{"errorCode":"UNAUTHORIZED"}})";
    auto c = h.open();
    CHECK(h.one(c, R"(0/support,{"token":"forged"})") == unauthorized);
    CHECK(h.one(c, R"(0/support,{"token":"Bearer forged"})") == unauthorized);
    CHECK(h.one(c, R"(0/support,{"token":5})") == unauthorized);
    CHECK(h.one(c, R"(0/support,{"token":{"jwt":"customer-7"}})") == unauthorized);
    CHECK(
        h.one(c, R"(0/support,{"token":"si_unknown"})") ==
        R"(4/support,{"message":"Invalid credentials","data":{"errorCode":"SUPPORT_INQUIRY_TOKEN_INVALID"}})");
    // A bad header without a payload token is refused too.
    auto d = h.open("Basic dXNlcjpwYXNz");
    CHECK(h.one(d, "0/support,") == unauthorized);
    // A bad token in the payload is never replaced by a good header: no downgrade.
    auto e = h.open("Bearer customer-7");
    CHECK(h.one(e, R"(0/support,{"token":"forged"})") == unauthorized);
    CHECK_FALSE(c->closed());
    CHECK(h.server.stats().connect_errors == 7);
    CHECK(h.server.stats().connected == 0);
    // The client may try again with a good token.
    CHECK(h.one(c, R"(0/support,{"token":"customer-7"})").starts_with("0/support,"));
  }

  TEST_CASE("an anonymous connection is accepted but can join and sync nothing") {
    Harness h;
    auto c = h.connect("");
    CHECK(h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])") ==
          refused(1, "UNAUTHORIZED", "Authentication required"));
    CHECK(h.one(c, R"(2/support,2["support:join_inquiry_messages",{"supportInquiryId":11}])") ==
          refused(2, "UNAUTHORIZED", "Authentication required"));
    CHECK(
        h.one(
            c,
            R"(2/support,3["support:sync_inquiry_messages",{"supportInquiryId":11,"sinceEventId":0}])") ==
        refused(3, "UNAUTHORIZED", "Authentication required"));
    CHECK(h.one(c, R"(2/support,4["support:leave_request_messages",{"supportRequestId":1}])") ==
          ack(4, R"({"ok":true})"));
    CHECK(non_feed_rooms(h.server.rooms(), c->id()).empty());
    CHECK(h.world.replay_calls.empty());
    CHECK(h.server.stats().joins_refused == 2);
    CHECK(h.server.stats().syncs_refused == 1);
  }

  TEST_CASE("staff with a READ permission are in the staff room; others are not") {
    Harness h;
    auto all = h.connect("staff-all");
    auto requests = h.connect("staff-requests");
    auto inquiries = h.connect("staff-inquiries");
    auto feedback = h.connect("staff-feedback");
    auto customer = h.connect("customer-7");
    auto guest = h.connect(kGuestToken11);
    // Besides the queue feed's rooms (realtime/queue_feed.h), checked below.
    auto staff_rooms = [&](const std::shared_ptr<FakeConnection>& c) {
      return non_feed_rooms(h.server.rooms(), c->id());
    };
    CHECK(staff_rooms(all) ==
          std::vector<std::string>{"staff", "staff:inquiries", "staff:requests"});
    CHECK(staff_rooms(requests) == std::vector<std::string>{"staff", "staff:requests"});
    CHECK(staff_rooms(inquiries) == std::vector<std::string>{"staff", "staff:inquiries"});
    CHECK(staff_rooms(feedback).empty());
    CHECK(staff_rooms(customer).empty());
    CHECK(h.server.rooms().rooms_of(customer->id()) == std::vector<std::string>{"customer:7"});
    CHECK(h.server.rooms().rooms_of(all->id()).size() == 5);  // agent:N and agents/admins
    CHECK(non_feed_rooms(h.server.rooms(), guest->id()).empty());
    CHECK(h.server.rooms().member_count("staff") == 3);

    // DISCONNECT leaves the namespace and its rooms; so does the end of the connection.
    CHECK(h.send(all, "1/support,").empty());
    CHECK(non_feed_rooms(h.server.rooms(), all->id()).empty());
    h.server.on_close(requests);
    CHECK(h.server.rooms().member_count("staff") == 1);
    CHECK(h.server.stats().connected == 4);
    CHECK(h.server.stats().connections == 5);
  }

  TEST_CASE("join, leave and sync acks") {
    Harness h;
    auto c = h.connect("customer-7");
    CHECK(h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])") ==
          ack(1, R"({"ok":true,"room":"support:request:1:messages"})"));
    CHECK(h.in("support:request:1:messages", c));
    // Joining twice is fine.
    CHECK(h.one(c, R"(2/support,2["support:join_request_messages",{"supportRequestId":1}])") ==
          ack(2, R"({"ok":true,"room":"support:request:1:messages"})"));
    CHECK(h.one(c, R"(2/support,3["support:join_inquiry_messages",{"supportInquiryId":10}])") ==
          ack(3, R"({"ok":true,"room":"support:inquiry:10:messages"})"));
    CHECK(h.one(c, R"(2/support,4["support:leave_request_messages",{"supportRequestId":1}])") ==
          ack(4, R"({"ok":true})"));
    CHECK_FALSE(h.in("support:request:1:messages", c));
    // Leaving a room one is not in is fine too.
    CHECK(h.one(c, R"(2/support,5["support:leave_request_messages",{"supportRequestId":2}])") ==
          ack(5, R"({"ok":true})"));
    CHECK(h.one(c, R"(2/support,6["support:leave_inquiry_messages",{"supportInquiryId":10}])") ==
          ack(6, R"({"ok":true})"));
    CHECK(non_feed_rooms(h.server.rooms(), c->id()).empty());

    // Sync: the replay's ack object, verbatim.
    CHECK(
        h.one(
            c,
            R"(2/support,7["support:sync_request_messages",{"supportRequestId":1,"sinceEventId":41,"logEpoch":"abc"}])") ==
        ack(7, R"({"ok":true,"events":[],"gapDetected":false,"lastEventId":41,"logEpoch":")" +
                   std::string(kEpoch) + R"("})"));
    REQUIRE(h.world.replay_calls.size() == 1);
    CHECK(h.world.replay_calls[0].room.kind == RoomKind::kRequest);
    CHECK(h.world.replay_calls[0].room.id == 1);
    CHECK(h.world.replay_calls[0].since == 41);
    CHECK(h.world.replay_calls[0].epoch == std::optional<std::string>("abc"));
    // logEpoch absent or null: none.
    CHECK(
        code_of(h.one(
            c,
            R"(2/support,8["support:sync_inquiry_messages",{"supportInquiryId":10,"sinceEventId":0}])")) ==
        "");
    CHECK(
        code_of(h.one(
            c,
            R"(2/support,9["support:sync_inquiry_messages",{"supportInquiryId":10,"sinceEventId":3,"logEpoch":null}])")) ==
        "");
    REQUIRE(h.world.replay_calls.size() == 3);
    CHECK(h.world.replay_calls[1].room.kind == RoomKind::kInquiry);
    CHECK(h.world.replay_calls[1].since == 0);
    CHECK_FALSE(h.world.replay_calls[1].epoch.has_value());
    CHECK_FALSE(h.world.replay_calls[2].epoch.has_value());
    // A sync does not join the room.
    CHECK(non_feed_rooms(h.server.rooms(), c->id()).empty());

    const auto stats = h.server.stats();
    CHECK(stats.joins == 3);
    CHECK(stats.syncs == 3);
  }

  TEST_CASE("events without an ack id are processed but not answered") {
    Harness h;
    auto c = h.connect("customer-7");
    CHECK(
        h.send(c, R"(2/support,["support:join_request_messages",{"supportRequestId":1}])").empty());
    CHECK(h.in("support:request:1:messages", c));
    CHECK(
        h.send(c, R"(2/support,["support:join_request_messages",{"supportRequestId":2}])").empty());
    CHECK(h.send(c, R"(2/support,["nope"])").empty());
    CHECK_FALSE(h.in("support:request:2:messages", c));
    CHECK(h.server.stats().joins_refused == 1);
  }

  TEST_CASE("each refusal code, for join and sync") {
    Harness h;
    auto customer = h.connect("customer-7");
    auto requests_staff = h.connect("staff-requests");
    auto feedback_staff = h.connect("staff-feedback");
    auto guest = h.connect(kGuestToken11);

    struct Case {
      std::shared_ptr<FakeConnection> who;
      std::string join;  // the event name and payload of a join
      std::string code;
      std::string message;
    };
    const std::string req2 = R"("support:join_request_messages",{"supportRequestId":2})";
    const std::string inq10 = R"("support:join_inquiry_messages",{"supportInquiryId":10})";
    const std::string inq11 = R"("support:join_inquiry_messages",{"supportInquiryId":11})";
    const std::string inq12 = R"("support:join_inquiry_messages",{"supportInquiryId":12})";
    const std::string inq99 = R"("support:join_inquiry_messages",{"supportInquiryId":99})";
    const std::string req1 = R"("support:join_request_messages",{"supportRequestId":1})";
    const Case cases[] = {
        {customer, req2, "SUPPORT_REQUEST_NOT_FOUND", "Support request not found"},
        {customer, inq11, "SUPPORT_INQUIRY_ACCESS_DENIED",
         "Log in or use the access link of this inquiry"},
        {customer, inq99, "SUPPORT_INQUIRY_NOT_FOUND", "Support inquiry not found"},
        {requests_staff, inq10, "FORBIDDEN",
         "This room needs the SupportInquiries_READ permission"},
        {feedback_staff, req1, "FORBIDDEN", "This room needs the SupportRequests_READ permission"},
        {guest, req1, "FORBIDDEN", "Access denied"},
        {guest, inq12, "SUPPORT_INQUIRY_ACCESS_DENIED",
         "Log in or use the access link of this inquiry"},
    };
    std::uint64_t id = 0;
    for (const Case& c : cases) {
      INFO(c.join);
      ++id;
      CHECK(h.one(c.who, "2/support," + std::to_string(id) + "[" + c.join + "]") ==
            refused(id, c.code, c.message));
      // The same rule for sync.
      std::string sync = c.join;
      sync.replace(sync.find("join"), 4, "sync");
      sync.insert(sync.size() - 1, R"(,"sinceEventId":0)");
      ++id;
      CHECK(h.one(c.who, "2/support," + std::to_string(id) + "[" + sync + "]") ==
            refused(id, c.code, c.message));
    }
    for (const auto& who : {customer, requests_staff, feedback_staff, guest}) {
      CHECK(non_feed_rooms(h.server.rooms(), who->id()).size() ==
            (who == requests_staff ? 2u : 0u));  // staff + staff:requests only
    }
    CHECK(h.world.replay_calls.empty());
    CHECK(h.server.stats().joins_refused == std::size(cases));
    CHECK(h.server.stats().syncs_refused == std::size(cases));

    // Staff with the permission may join any room of that kind.
    CHECK(h.one(requests_staff,
                R"(2/support,90["support:join_request_messages",{"supportRequestId":2}])") ==
          ack(90, R"({"ok":true,"room":"support:request:2:messages"})"));
  }

  TEST_CASE("a guest token is checked again at each join and sync") {
    Harness h;
    auto guest = h.connect(kGuestToken11);
    CHECK(code_of(h.one(
              guest, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":11}])")) ==
          "");
    h.world.revoke(kGuestToken11);  // revoked or expired since the CONNECT
    CHECK(h.one(guest, R"(2/support,2["support:join_inquiry_messages",{"supportInquiryId":11}])") ==
          refused(2, "SUPPORT_INQUIRY_TOKEN_INVALID",
                  "The inquiry access token is invalid, expired or revoked"));
    CHECK(
        code_of(h.one(
            guest,
            R"(2/support,3["support:sync_inquiry_messages",{"supportInquiryId":11,"sinceEventId":5}])")) ==
        "SUPPORT_INQUIRY_TOKEN_INVALID");
  }

  TEST_CASE("a JWT identity is authenticated again at each join: permissions and expiry") {
    Harness h;
    auto agent = h.connect("staff-requests");
    CHECK(h.in("staff", agent));
    CHECK(code_of(h.one(
              agent, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])")) ==
          "");
    // The permission is taken away: the next join is refused and the staff rooms left.
    h.world.set_jwt("Bearer staff-requests", staff(101, {auth::Permission::kFeedbackRead}));
    CHECK(code_of(h.one(
              agent, R"(2/support,2["support:join_request_messages",{"supportRequestId":2}])")) ==
          "FORBIDDEN");
    CHECK_FALSE(h.in("staff", agent));
    CHECK_FALSE(h.in("staff:requests", agent));
    // The token stops being valid (expired, account deactivated): UNAUTHORIZED.
    h.world.set_jwt("Bearer staff-requests", std::nullopt);
    CHECK(code_of(h.one(
              agent, R"(2/support,3["support:join_request_messages",{"supportRequestId":2}])")) ==
          "UNAUTHORIZED");
  }

  TEST_CASE("payload validation: VALIDATION_ERROR") {
    Harness h;
    auto c = h.connect("staff-all");
    struct Case {
      std::string args;
      std::string message;
    };
    const Case cases[] = {
        {R"("support:join_request_messages")", "The payload must be an object"},
        {R"("support:join_request_messages",5)", "The payload must be an object"},
        {R"("support:join_request_messages",[1])", "The payload must be an object"},
        {R"("support:join_request_messages",{})", "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":0})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":-3})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":1.5})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":1.0})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":"1"})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":null})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":9007199254740992})",
         "supportRequestId must be a positive integer"},
        {R"("support:join_request_messages",{"supportRequestId":18446744073709551615})",
         "supportRequestId must be a positive integer"},
        {R"("support:leave_inquiry_messages",{"supportRequestId":1})",
         "supportInquiryId must be a positive integer"},
        {R"("support:sync_request_messages",{"supportRequestId":1})",
         "sinceEventId must be a non-negative integer"},
        {R"("support:sync_request_messages",{"supportRequestId":1,"sinceEventId":-1})",
         "sinceEventId must be a non-negative integer"},
        {R"("support:sync_request_messages",{"supportRequestId":1,"sinceEventId":"5"})",
         "sinceEventId must be a non-negative integer"},
        {R"("support:sync_inquiry_messages",{"supportInquiryId":1,"sinceEventId":0,"logEpoch":5})",
         "logEpoch must be a string of at most 128 characters"},
        {R"("support:sync_inquiry_messages",{"supportInquiryId":1,"sinceEventId":0,"logEpoch":")" +
             std::string(129, 'a') + "\"}",
         "logEpoch must be a string of at most 128 characters"},
    };
    std::uint64_t id = 0;
    for (const Case& k : cases) {
      INFO(k.args);
      ++id;
      CHECK(h.one(c, "2/support," + std::to_string(id) + "[" + k.args + "]") ==
            refused(id, "VALIDATION_ERROR", k.message));
    }
    CHECK(h.world.authorize_calls.empty());
    CHECK(h.world.replay_calls.empty());
    CHECK(h.server.stats().invalid_events == std::size(cases));
    // The largest safe integer is an id.
    CHECK(
        h.one(
            c,
            R"(2/support,100["support:join_request_messages",{"supportRequestId":9007199254740991}])") ==
        ack(100, R"({"ok":true,"room":"support:request:9007199254740991:messages"})"));
    CHECK(
        code_of(h.one(
            c,
            R"(2/support,101["support:sync_request_messages",{"supportRequestId":1,"sinceEventId":9007199254740991}])")) ==
        "");
  }

  TEST_CASE("unknown events: UNKNOWN_EVENT") {
    Harness h;
    auto c = h.connect("customer-7");
    CHECK(h.one(c, R"(2/support,1["support:join_messages",{"supportRequestId":1}])") ==
          refused(1, "UNKNOWN_EVENT", "Unknown event"));
    CHECK(h.one(c, R"(2/support,2[7,{}])") == refused(2, "UNKNOWN_EVENT", "Unknown event"));
    CHECK(h.one(c, R"(2/support,3["support.request_message.created"])") ==
          refused(3, "UNKNOWN_EVENT", "Unknown event"));
  }

  TEST_CASE("failures of the injected functions are answered, never thrown") {
    Harness h;
    auto c = h.connect("customer-7");
    h.world.replay_error = Status::Unavailable("store closed");
    CHECK(
        h.one(
            c,
            R"(2/support,1["support:sync_request_messages",{"supportRequestId":1,"sinceEventId":0}])") ==
        refused(1, "SERVICE_UNAVAILABLE", "Service unavailable"));
    h.world.replay_error = Status::Corruption("event 3 is damaged");
    CHECK(
        code_of(h.one(
            c,
            R"(2/support,2["support:sync_request_messages",{"supportRequestId":1,"sinceEventId":0}])")) ==
        "INTERNAL_ERROR");
    h.world.authorizer_throws = true;
    CHECK(h.one(c, R"(2/support,3["support:join_request_messages",{"supportRequestId":1}])") ==
          refused(3, "SERVICE_UNAVAILABLE", "Service unavailable"));
    CHECK_FALSE(h.in("support:request:1:messages", c));
    CHECK_FALSE(c->closed());
  }

  TEST_CASE("protocol violations close the connection, as the JavaScript server does") {
    Harness h;
    const char* violations[] = {
        R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])",  // no CONNECT
        R"(2["support:join_request_messages",{"supportRequestId":1}])",  // "/" not connected
        "garbage",
        R"(2/support,{})",
        R"(51-/support,["x",{"_placeholder":true,"num":0}])",
        R"(4/support,{"message":"x"})",
        "1/support,",
    };
    for (const char* packet : violations) {
      INFO(packet);
      auto c = h.open();
      CHECK(h.send(c, packet).empty());
      CHECK(c->closed());
    }
    // A second CONNECT to the connected namespace.
    auto c = h.connect("customer-7");
    CHECK(h.send(c, "0/support,").empty());
    CHECK(c->closed());
    CHECK(h.server.stats().connected == 0);
    CHECK(h.server.stats().protocol_closes == std::size(violations) + 1);
    // An ACK from the client (the server never asks for one) is ignored.
    auto d = h.connect("customer-7");
    CHECK(h.send(d, "3/support,5[]").empty());
    CHECK_FALSE(d->closed());
  }

  TEST_CASE("DISCONNECT leaves the rooms; the client may CONNECT again") {
    Harness h;
    auto c = h.connect("customer-7");
    h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])");
    CHECK(h.send(c, "1/support,").empty());
    CHECK_FALSE(c->closed());
    CHECK(non_feed_rooms(h.server.rooms(), c->id()).empty());
    CHECK(h.server.stats().connected == 0);
    h.feed.on_commit(std::vector{request_message(5, 1, 1, "after the disconnect")});
    CHECK(non_feed(c->take()).empty());
    CHECK(h.one(c, R"(0/support,{"token":"customer-7"})").starts_with("0/support,"));
    CHECK(h.server.stats().connected == 1);
  }

  TEST_CASE("has_session: false until the first CONNECT, then true even after DISCONNECT") {
    Harness h;
    auto c = h.open();
    CHECK_FALSE(h.server.has_session(*c));  // the connect timeout closes such a socket
    h.one(c, R"(0/support,{"token":"customer-7"})");
    CHECK(h.server.has_session(*c));
    CHECK(h.send(c, "1/support,").empty());
    CHECK(h.server.has_session(*c));  // idle after DISCONNECT: the timer stopped at CONNECT
  }

  TEST_CASE("feed: a message delta reaches the members of its room only") {
    Harness h;
    auto member = h.connect("customer-7");
    auto staff_member = h.connect("staff-all");
    auto other = h.connect("customer-8");
    h.one(member, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])");
    h.one(staff_member, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])");
    h.one(other, R"(2/support,1["support:join_request_messages",{"supportRequestId":2}])");

    const auto first = request_message(21, 1, 3, "Hello");
    h.feed.on_commit(std::vector{first, request_message(22, 2, 4, "For request 2")});
    CHECK(non_feed(member->take()) == std::vector<std::string>{delta_packet(first)});
    CHECK(non_feed(staff_member->take()) == std::vector<std::string>{delta_packet(first)});
    CHECK(non_feed(other->take()) ==
          std::vector<std::string>{delta_packet(request_message(22, 2, 4, "For request 2"))});
    CHECK(
        delta_packet(first) ==
        R"(2/support,["support.request_message.created",{"eventId":21,"logEpoch":")" +
            std::string(kEpoch) +
            R"(","room":"support:request:1:messages","message":{"id":3,"senderType":"customer","senderId":7,"message":"Hello","createdAt":"2026-11-22T10:17:30.000Z","eventId":21,"attachments":[]}}])");

    // Not after leave; not after the connection ends.
    h.one(member, R"(2/support,2["support:leave_request_messages",{"supportRequestId":1}])");
    h.server.on_close(staff_member);
    h.feed.on_commit(std::vector{request_message(23, 1, 5, "Anyone?")});
    CHECK(non_feed(member->take()).empty());
    CHECK(non_feed(staff_member->take()).empty());
    CHECK(h.server.stats().deltas_sent == 3);

    // Other events of the log are not deltas.
    h.one(member, R"(2/support,3["support:join_request_messages",{"supportRequestId":1}])");
    h.feed.on_commit(std::vector{record(24, "support.request.priority_changed", "support_request-1",
                                        R"({"supportRequestId":1,"from":"low","to":"high"})")});
    CHECK(non_feed(member->take()).empty());
  }

  TEST_CASE("feed: inquiry deltas carry the tracking code") {
    Harness h;
    auto guest = h.connect(kGuestToken11);
    auto customer = h.connect("customer-7");
    h.one(guest, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":11}])");
    h.one(customer, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":10}])");

    // Learned from support.inquiry.created in the same group.
    const auto created = inquiry_created(30, 11, "INQ-8K4P2X");
    const auto greeting = inquiry_message(31, 11, 1, "Hello! How can we help?");
    h.feed.on_commit(std::vector{created, greeting});
    CHECK(non_feed(guest->take()) ==
          std::vector<std::string>{delta_packet(greeting, "INQ-8K4P2X")});
    CHECK(delta_packet(greeting, "INQ-8K4P2X").find(R"("trackingCode":"INQ-8K4P2X")") !=
          std::string::npos);
    CHECK(h.lookups == 0);

    // Created before the feed started: the injected lookup, once.
    h.stored_codes[10] = "INQ-OLD234";
    const auto older = inquiry_message(32, 10, 2, "Still there?");
    h.feed.on_commit(std::vector{older});
    h.feed.on_commit(std::vector{inquiry_message(33, 10, 3, "Hello?")});
    auto got = non_feed(customer->take());
    REQUIRE(got.size() == 2);
    CHECK(got[0] == delta_packet(older, "INQ-OLD234"));
    CHECK(h.lookups == 1);

    // Nobody in the room: no lookup at all.
    h.feed.on_commit(std::vector{inquiry_message(34, 55, 4, "Unwatched")});
    CHECK(h.lookups == 1);
  }

  TEST_CASE("feed: the tracking-code map is bounded") {
    Harness h(/*tracking_capacity=*/2);
    h.feed.on_commit(std::vector{inquiry_created(1, 1, "INQ-AAAAA1"),
                                 inquiry_created(2, 2, "INQ-AAAAA2"),
                                 inquiry_created(3, 3, "INQ-AAAAA3")});
    CHECK(h.feed.cached_tracking_codes() == 2);
    CHECK(h.feed.tracking_code(3) == std::optional<std::string>("INQ-AAAAA3"));
    CHECK(h.lookups == 0);
    CHECK_FALSE(h.feed.tracking_code(1).has_value());  // evicted; the lookup knows none
    CHECK(h.lookups == 1);
  }

  TEST_CASE("feed: staff events reach staff with the permission, without secrets") {
    Harness h;
    auto all = h.connect("staff-all");
    auto requests = h.connect("staff-requests");
    auto inquiries = h.connect("staff-inquiries");
    auto feedback = h.connect("staff-feedback");
    auto customer = h.connect("customer-7");
    auto guest = h.connect(kGuestToken11);

    h.feed.on_commit(std::vector{inquiry_created(40, 11, "INQ-8K4P2X")});
    const std::string inquiry_event =
        R"(2/support,["support.inquiry.created",{"eventId":40,"logEpoch":")" + std::string(kEpoch) +
        R"(","type":"support.inquiry.created","occurredAt":"2026-11-22T10:17:30.000Z","supportInquiryId":11,"data":{"supportInquiryId":11,"trackingCode":"INQ-8K4P2X","subject":"Where is my parcel?","category":"general","customerId":null,"guestName":"Ana","guestEmail":"ana@example.com","guestPhone":null}}])";
    CHECK(non_feed(all->take()) == std::vector<std::string>{inquiry_event});
    CHECK(non_feed(inquiries->take()) == std::vector<std::string>{inquiry_event});
    CHECK(non_feed(requests->take()).empty());
    CHECK(non_feed(feedback->take()).empty());
    CHECK(non_feed(customer->take()).empty());
    CHECK(non_feed(guest->take()).empty());
    CHECK(inquiry_event.find("tokenHash") == std::string::npos);
    CHECK(inquiry_event.find("tokenExpiresAt") == std::string::npos);

    const auto created = record(
        41, "support.request.created", "support_request-3",
        R"({"supportRequestId":3,"ticketNumber":"SUP-2026-000003","customerId":7,"subject":"Refund","category":"billing","priority":"medium","metadata":null})");
    const auto assigned =
        record(42, "support.request.assigned", "support_request-3",
               R"({"supportRequestId":3,"assignedAdminId":100,"previousAdminId":null})");
    const auto status = record(
        43, "support.request.status_changed", "support_request-3",
        R"({"supportRequestId":3,"from":"open","to":"in_progress","resolutionNote":null,"reason":"staff"})");
    const auto priority = record(44, "support.request.priority_changed", "support_request-3",
                                 R"({"supportRequestId":3,"from":"medium","to":"high"})");
    h.feed.on_commit(std::vector{created, assigned, status, priority});
    auto got = non_feed(all->take());
    REQUIRE(got.size() == 3);
    CHECK(
        got[0] ==
        R"(2/support,["support.request.created",{"eventId":41,"logEpoch":")" + std::string(kEpoch) +
            R"(","type":"support.request.created","occurredAt":"2026-11-22T10:17:30.000Z","supportRequestId":3,"data":{"supportRequestId":3,"ticketNumber":"SUP-2026-000003","customerId":7,"subject":"Refund","category":"billing","priority":"medium","metadata":null}}])");
    CHECK(got[1].starts_with(R"(2/support,["support.request.assigned",{"eventId":42,)"));
    CHECK(got[2].starts_with(R"(2/support,["support.request.status_changed",{"eventId":43,)"));
    CHECK(non_feed(requests->take()) == got);
    CHECK(non_feed(inquiries->take()).empty());
    CHECK(non_feed(feedback->take()).empty());
    CHECK(non_feed(customer->take()).empty());
    CHECK(h.server.stats().staff_events_sent == 2 + 6);
  }

  TEST_CASE("staff_event_payload drops every hash and salt") {
    auto e = record(
        1, "support.inquiry.created", "support_inquiry-1",
        R"({"supportInquiryId":1,"trackingCode":"INQ-X","subject":"S","tokenHash":"aa","tokenExpiresAt":5,"codeHash":"bb","codeSalt":"cc","nested":{"tokenHash":"kept: not top-level"}})");
    auto payload = staff_event_payload(e, "E");
    REQUIRE(payload.has_value());
    CHECK(
        *payload ==
        R"({"eventId":1,"logEpoch":"E","type":"support.inquiry.created","occurredAt":"2026-11-22T10:17:30.000Z","supportInquiryId":1,"data":{"supportInquiryId":1,"trackingCode":"INQ-X","subject":"S","nested":{"tokenHash":"kept: not top-level"}}})");
    // A record that is not what its type promises is not sent (the feed logs it).
    CHECK_FALSE(staff_event_payload(record(4, "support.inquiry.created", "s",
                                           R"({"supportInquiryId":1,"trackingCode":"INQ-X"})"),
                                    "E")
                    .has_value());
    CHECK_FALSE(staff_event_payload(request_message(2, 1, 1, "x"), "E").has_value());
    CHECK_FALSE(
        staff_event_payload(record(3, "support.request.created", "s", "{}"), "E").has_value());
  }

  TEST_CASE("feed: a revoked guest token ends that guest's namespace session") {
    Harness h;
    auto guest = h.connect(kGuestToken11);
    auto other_guest = h.connect(kGuestToken12);
    auto customer = h.connect("customer-7");
    h.one(guest, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":11}])");
    h.one(other_guest, R"(2/support,1["support:join_inquiry_messages",{"supportInquiryId":12}])");

    h.world.revoke(kGuestToken11);
    h.feed.on_commit(std::vector{record(50, "support.inquiry.token_revoked", "support_inquiry-11",
                                        R"({"supportInquiryId":11,"reason":"admin"})")});
    CHECK(non_feed(guest->take()) == std::vector<std::string>{"1/support,"});
    CHECK_FALSE(guest->closed());
    CHECK(non_feed_rooms(h.server.rooms(), guest->id()).empty());
    CHECK(non_feed(other_guest->take()).empty());
    CHECK(h.in("support:inquiry:12:messages", other_guest));
    CHECK(h.server.stats().guests_disconnected == 1);
    CHECK(h.server.stats().connected == 2);

    // What the client sent before it saw the DISCONNECT is dropped, not a violation.
    CHECK(h.send(guest, R"(2/support,2["support:join_inquiry_messages",{"supportInquiryId":11}])")
              .empty());
    CHECK_FALSE(guest->closed());
    // Connecting again with the revoked token is refused.
    CHECK(code_of(h.one(guest, R"(0/support,{"token":"si_guest-token-of-inquiry-11"})")) ==
          "SUPPORT_INQUIRY_TOKEN_INVALID");
    h.feed.on_commit(std::vector{inquiry_message(51, 11, 9, "Closed")});
    CHECK(non_feed(guest->take()).empty());
  }

  TEST_CASE("feed: malformed records are skipped, the rest of the group delivered") {
    Harness h;
    auto c = h.connect("customer-7");
    h.one(c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])");
    const auto good = request_message(61, 1, 2, "ok");
    h.feed.on_commit(std::vector{
        record(60, "support.request_message.created", "support_request-1", "not json"),
        record(60, "support.request_message.created", "support_request-1", R"({"x":1})"), good});
    CHECK(non_feed(c->take()) == std::vector<std::string>{delta_packet(good)});
  }

  TEST_CASE("connections on several threads while the feed delivers") {
    Harness h;
    std::atomic<bool> stop{false};
    std::thread publisher([&] {
      std::uint64_t id = 1000;
      while (!stop.load()) {
        ++id;
        h.feed.on_commit(std::vector{request_message(id, 1, static_cast<std::int64_t>(id), "x")});
      }
    });
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        for (int round = 0; round < 100; ++round) {
          auto c = std::make_shared<FakeConnection>("t" + std::to_string(t) + "-" +
                                                    std::to_string(round));
          h.server.on_open(c, ConnectionInfo{});
          h.server.on_message(c, R"(0/support,{"token":"customer-7"})");
          h.server.on_message(
              c, R"(2/support,1["support:join_request_messages",{"supportRequestId":1}])");
          if (round % 2 == 0) h.server.on_message(c, "1/support,");
          h.server.on_close(c);
        }
      });
    }
    for (auto& c : clients)
      c.join();
    stop = true;
    publisher.join();
    CHECK(h.server.rooms().room_count() == 0);
    CHECK(h.server.stats().connected == 0);
    CHECK(h.server.stats().connections == 0);
    CHECK(h.server.stats().joins == 400);
  }
}

}  // namespace docket::realtime

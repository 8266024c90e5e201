// Connection state recovery (docs/realtime.md, "Connection state recovery"):
//   - replay_session over a real RocksDB log: the missed deltas of several rooms and the
//     staff feed merged in eventId order, byte for byte the live ones, and each reason
//     it answers nullopt;
//   - SocketServer with a real SessionStore in a temp dir and a fake replay function:
//     pid and offsets on the wire, the stored session, recovery and every way it fails;
//   - end to end: real log, real feed, real replay_session: a recovered connection gets
//     exactly the packets a connection that never dropped received.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/api_error.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "realtime/deltas.h"
#include "realtime/replay.h"
#include "realtime/sessions.h"
#include "realtime/socket_server.h"
#include "tests/realtime/realtime_doubles.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

using testing::AccessRules;
using testing::CountingStore;
using testing::FakeConnection;
using testing::kGuestToken11;
using testing::kGuestToken12;
using testing::staff;

using Outcome = projections::Authenticator::Outcome;
namespace error_code = error_code;
using Missed = std::optional<std::vector<ReplayedEvent>>;

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kDay = 24 * kHour;
constexpr std::int64_t kTtlSeconds = 120;
constexpr std::int64_t kAdmin = 1;

RoomRef request_room(std::int64_t id) {
  return {RoomKind::kRequest, id};
}
RoomRef inquiry_room(std::int64_t id) {
  return {RoomKind::kInquiry, id};
}

// ---- A real log, as replay_test builds it.

struct Log {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  int inquiries = 0;
  std::map<std::int64_t, std::string> codes;  // inquiry id -> trackingCode

  Log() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    store = std::move(opened).value();
  }
  ~Log() {
    if (store) store->close();
  }

  template <typename Decide>
  events::AppendResult run(Decide decide) {
    auto r = store->execute(
        [&](const events::StagedView& v) { return decide(v, domain::CommandMeta{}); });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }

  // A request of `customer` with its first message: {id, the message's eventId}. The
  // support.request.created event is the one before it.
  std::pair<std::int64_t, std::uint64_t> create_request(std::int64_t customer,
                                                        const std::string& text) {
    domain::CreateSupportRequest c{customer, "Where is my order?", "general", "low", text};
    std::int64_t id = 0;
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return {id, r.lastEventId};
  }

  // The message's eventId (a customer's reply to a resolved request reopens it after).
  std::uint64_t reply(std::int64_t request, const std::string& sender, std::int64_t sender_id,
                      const std::string& text) {
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(v, domain::ReplyToSupportRequest{request, sender, sender_id, text}, m);
    });
    return r.firstEventId;
  }

  std::uint64_t set_request_status(std::int64_t request, std::string_view status) {
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v, domain::ChangeSupportRequestStatus{request, std::string(status), std::nullopt}, m);
    });
    return r.firstEventId;
  }

  // A guest inquiry (created, greeting, first message): {id, the created eventId}.
  std::pair<std::int64_t, std::uint64_t> create_inquiry() {
    ++inquiries;
    domain::CreateSupportInquiry c;
    c.subject = "Inquiry " + std::to_string(inquiries);
    c.message = "First message of " + std::to_string(inquiries);
    c.greeting = "Hello!";
    c.tokenHash = std::string(64, 'c');
    c.tokenExpiresAt = kStart + 365 * kDay;
    const std::string code =
        "INQ-AAAAA" + std::string(1, domain::kTrackingAlphabet[static_cast<std::size_t>(
                                         inquiries % domain::kTrackingAlphabet.size())]);
    c.trackingCandidates = {code};
    std::int64_t id = 0;
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    codes[id] = code;
    return {id, r.firstEventId};
  }

  std::uint64_t post_inquiry(std::int64_t inquiry, const std::string& sender,
                             const std::string& text) {
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      return domain::decide(
          v,
          domain::PostInquiryMessage{
              inquiry, sender,
              sender == "admin" ? std::optional<std::int64_t>(kAdmin) : std::nullopt, text},
          m);
    });
    return r.firstEventId;
  }

  std::vector<events::EventRecord> after(std::uint64_t since) const {
    auto records = store->read_range(since + 1, 1'000'000);
    REQUIRE(records.ok());
    return std::move(records).value();
  }

  events::EventRecord at(std::uint64_t event_id) const {
    auto records = store->read_range(event_id, 1);
    REQUIRE(records.ok());
    REQUIRE(records->size() == 1);
    REQUIRE(records->front().eventId == event_id);
    return records->front();
  }

  Result<Missed> session(const RecoveryScope& scope, std::uint64_t since,
                         const ReplayOptions& options = {}, std::uint64_t max_scan = 1'000'000) {
    return replay_session(*store, scope, since, options, max_scan, clock.now_ms());
  }

  // What the live feed sends a session of `scope` for the events after `since`: each
  // message delta of its rooms and each staff event of its staff rooms, in log order.
  std::vector<ReplayedEvent> live(const RecoveryScope& scope, std::uint64_t since) const {
    std::vector<ReplayedEvent> out;
    const std::string& epoch = store->log_epoch();
    for (const events::EventRecord& e : after(since)) {
      if (auto plain = message_delta(e, epoch)) {
        const bool mine = std::any_of(
            scope.rooms.begin(), scope.rooms.end(),
            [&](const RoomRef& r) { return r.kind == plain->room.kind && r.id == plain->room.id; });
        if (!mine) continue;
        std::string code;
        if (plain->room.kind == RoomKind::kInquiry) code = codes.at(plain->room.id);
        auto delta = message_delta(e, epoch, code);
        REQUIRE(delta.has_value());
        out.push_back({e.eventId, e.type, delta->json});
        continue;
      }
      const std::string_view room = staff_feed_room(e.type);
      if ((room == kStaffRequestsRoom && scope.staff_requests) ||
          (room == kStaffInquiriesRoom && scope.staff_inquiries)) {
        auto payload = staff_event_payload(e, epoch);
        REQUIRE(payload.has_value());
        out.push_back({e.eventId, e.type, *payload});
      }
    }
    return out;
  }
};

std::vector<std::uint64_t> ids_of(const std::vector<ReplayedEvent>& events) {
  std::vector<std::uint64_t> ids;
  for (const ReplayedEvent& e : events)
    ids.push_back(e.eventId);
  return ids;
}

std::vector<std::string> names_of(const std::vector<ReplayedEvent>& events) {
  std::vector<std::string> names;
  for (const ReplayedEvent& e : events)
    names.push_back(e.name);
  return names;
}

void check_same(const std::vector<ReplayedEvent>& got, const std::vector<ReplayedEvent>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i].eventId == want[i].eventId);
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].json == want[i].json);
  }
}

// ---- The Socket.IO layer without a network (as socket_server_test drives it).

constexpr std::string_view kEpoch = "0123456789abcdef0123456789abcdef";

// The access rules, counting the authorizations and failing them on demand.
struct World : AccessRules {
  bool authorizer_throws = false;
  int authorize_calls = 0;

  Status authorize(const auth::Identity& who, std::string_view guest_token, const RoomRef& room) {
    ++authorize_calls;
    if (authorizer_throws) throw ApiError::service_unavailable();
    return AccessRules::authorize(who, guest_token, room);
  }
};

struct ReplayCall {
  RecoveryScope scope;
  std::uint64_t since = 0;
};

// The CONNECT reply's ids.
struct Ids {
  std::string sid;
  std::string pid;  // "" when the reply has none
};

// The ids of a CONNECT reply, which must be exactly {"sid":…} or {"sid":…,"pid":…}.
Ids connect_ids(const std::string& packet) {
  const std::string prefix = R"(0/support,{"sid":")";
  REQUIRE_MESSAGE(packet.starts_with(prefix), packet);
  Ids ids;
  const std::size_t sid_end = packet.find('"', prefix.size());
  REQUIRE(sid_end != std::string::npos);
  ids.sid = packet.substr(prefix.size(), sid_end - prefix.size());
  const std::string pid_key = R"(","pid":")";
  if (packet.compare(sid_end, pid_key.size(), pid_key) == 0) {
    const std::size_t pid_start = sid_end + pid_key.size();
    const std::size_t pid_end = packet.find('"', pid_start);
    REQUIRE(pid_end != std::string::npos);
    ids.pid = packet.substr(pid_start, pid_end - pid_start);
    CHECK(packet == prefix + ids.sid + R"(","pid":")" + ids.pid + R"("})");
  } else {
    CHECK(packet == prefix + ids.sid + R"("})");
  }
  CHECK(ids.sid.size() == 20);
  return ids;
}

std::string connect_reply(const Ids& ids) {
  return R"(0/support,{"sid":")" + ids.sid + R"(","pid":")" + ids.pid + R"("})";
}

// The auth payload of a CONNECT: token, pid and offset when given.
std::string connect_packet(std::string_view token, std::optional<std::string> pid = std::nullopt,
                           std::optional<std::string> offset = std::nullopt) {
  JsonWriter w;
  w.begin_object();
  if (!token.empty()) w.field("token", token);
  if (pid) w.field("pid", *pid);
  if (offset) w.field("offset", *offset);
  w.end_object();
  return "0/support," + w.take();
}

// An EVENT the server sends with recovery on: [object,"<eventId>"].
std::string event_packet(std::string_view name, std::string_view json, std::uint64_t event_id) {
  return "2/support,[\"" + std::string(name) + "\"," + std::string(json) + ",\"" +
         std::to_string(event_id) + "\"]";
}

// The offset (last argument) of an EVENT sent with recovery on.
std::uint64_t offset_of(const std::string& packet) {
  REQUIRE_MESSAGE(packet.ends_with("\"]"), packet);
  const std::size_t open = packet.rfind(",\"", packet.size() - 3);
  REQUIRE(open != std::string::npos);
  return std::stoull(packet.substr(open + 2, packet.size() - 2 - (open + 2)));
}

struct Harness {
  World world;
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::shared_ptr<SessionStore> sessions;
  // What the SessionRecovery answers: a head, and a replay that records its calls and
  // answers `replay_answer` (an empty list when unset). head_fn / replay_fn replace them.
  std::string epoch = std::string(kEpoch);
  std::uint64_t head = 9;
  std::function<std::uint64_t()> head_fn;
  std::vector<ReplayCall> replay_calls;
  std::function<Result<Missed>(const RecoveryScope&, std::uint64_t)> replay_fn;
  std::unique_ptr<SocketServer> server;
  int next_id = 0;

  explicit Harness(bool recovery = true) {
    open_sessions();
    start(recovery);
  }

  void open_sessions() {
    auto opened = SessionStore::open(dir.sub("ws-sessions.sqlite"),
                                     {.ttl = std::chrono::seconds(kTtlSeconds)}, clock);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    sessions = std::move(opened).value();
  }

  void start(bool recovery = true) {
    server.reset();
    SessionRecovery r;
    if (recovery) {
      r.sessions = sessions;
      r.log_epoch = epoch;
      r.head = [this] { return head_fn ? head_fn() : head; };
      r.replay = [this](const RecoveryScope& scope, std::uint64_t since) -> Result<Missed> {
        replay_calls.push_back({scope, since});
        if (replay_fn) return replay_fn(scope, since);
        return Missed(std::vector<ReplayedEvent>{});
      };
    }
    server = std::make_unique<SocketServer>(
        SocketServerOptions{},
        RealtimeAuth{[this](std::string_view a) { return world.authenticate(a); }},
        [this](const auth::Identity& who, std::string_view token, const RoomRef& room) {
          return world.authorize(who, token, room);
        },
        [](const RoomRef&, std::uint64_t, std::optional<std::string>) -> Result<std::string> {
          return Status::Internal("no sync in these tests");
        },
        std::move(r));
  }

  // The process is killed (its connections never closed) and starts again, with the log
  // `new_epoch`: the session store is reopened from its file.
  void restart(std::string new_epoch) {
    server.reset();
    sessions.reset();
    epoch = std::move(new_epoch);
    open_sessions();
    start();
  }

  std::shared_ptr<FakeConnection> open() {
    auto c = std::make_shared<FakeConnection>("conn-" + std::to_string(++next_id));
    ConnectionInfo info;
    info.client_ip = "127.0.0.1";
    server->on_open(c, info);
    return c;
  }

  std::vector<std::string> send(const std::shared_ptr<FakeConnection>& c, std::string_view text) {
    server->on_message(c, text);
    return c->take();
  }

  // Connects a new connection: the packets of the answer.
  std::vector<std::string> connect(const std::shared_ptr<FakeConnection>& c, std::string_view token,
                                   std::optional<std::string> pid = std::nullopt,
                                   std::optional<std::string> offset = std::nullopt) {
    return send(c, connect_packet(token, std::move(pid), std::move(offset)));
  }

  // A new connection connected with `token` (no recovery asked); its ids.
  std::pair<std::shared_ptr<FakeConnection>, Ids> connected(std::string_view token) {
    auto c = open();
    auto out = connect(c, token);
    REQUIRE(out.size() == 1);
    return {c, connect_ids(out.front())};
  }

  void join(const std::shared_ptr<FakeConnection>& c, const RoomRef& room) {
    const bool request = room.kind == RoomKind::kRequest;
    const std::string packet =
        std::string("2/support,1[\"") +
        (request ? "support:join_request_messages" : "support:join_inquiry_messages") + "\",{\"" +
        (request ? "supportRequestId" : "supportInquiryId") + "\":" + std::to_string(room.id) +
        "}]";
    auto out = send(c, packet);
    REQUIRE(out.size() == 1);
    CHECK(out.front() == R"(3/support,1[{"ok":true,"room":")" + room_name(room) + R"("}])");
  }

  void leave(const std::shared_ptr<FakeConnection>& c, const RoomRef& room) {
    const bool request = room.kind == RoomKind::kRequest;
    const std::string packet =
        std::string("2/support,2[\"") +
        (request ? "support:leave_request_messages" : "support:leave_inquiry_messages") + "\",{\"" +
        (request ? "supportRequestId" : "supportInquiryId") + "\":" + std::to_string(room.id) +
        "}]";
    auto out = send(c, packet);
    REQUIRE(out.size() == 1);
    CHECK(out.front() == R"(3/support,2[{"ok":true}])");
  }

  bool in(const RoomRef& room, const std::shared_ptr<FakeConnection>& c) const {
    return server->rooms().is_member(room_name(room), c->id());
  }
  bool in(std::string_view room, const std::shared_ptr<FakeConnection>& c) const {
    return server->rooms().is_member(room, c->id());
  }

  std::size_t count() const {
    auto n = sessions->count();
    REQUIRE(n.ok());
    return *n;
  }
  // The stored session `pid` if it is detached and unexpired (it is attached after).
  std::optional<SessionRecord> claim(const std::string& pid) {
    auto claimed = sessions->claim(pid);
    REQUIRE(claimed.ok());
    return std::move(claimed).value();
  }
};

void check_rooms(const RecoveryScope& scope, const std::vector<RoomRef>& want) {
  REQUIRE(scope.rooms.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(scope.rooms[i].kind == want[i].kind);
    CHECK(scope.rooms[i].id == want[i].id);
  }
}

}  // namespace

TEST_SUITE("realtime.integration") {
  // ---- replay_session

  TEST_CASE("replay_session: two rooms' missed deltas in eventId order; none at the head") {
    Log log;
    auto [r, r0] = log.create_request(7, "R: first");
    auto [other, o0] = log.create_request(8, "other: first");
    auto [i, i_created] = log.create_inquiry();
    const std::uint64_t since = log.store->head();
    const std::uint64_t r1 = log.reply(r, "admin", kAdmin, "R: 1");
    const std::uint64_t i1 = log.post_inquiry(i, "visitor", "I: 1");
    log.reply(other, "admin", kAdmin, "other: 1");         // not in the scope
    log.set_request_status(r, domain::kStatusInProgress);  // not a delta
    const std::uint64_t r2 = log.reply(r, "admin", kAdmin, "R: 2");
    const std::uint64_t i2 = log.post_inquiry(i, "admin", "I: 2");

    RecoveryScope scope;
    scope.rooms = {inquiry_room(i), request_room(r)};  // inquiry first: the order is the log's
    auto out = log.session(scope, since);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    REQUIRE(out->has_value());
    const std::vector<ReplayedEvent>& events = **out;
    CHECK(ids_of(events) == std::vector<std::uint64_t>{r1, i1, r2, i2});
    CHECK(names_of(events) == std::vector<std::string>{"support.request_message.created",
                                                       "support.inquiry_message.created",
                                                       "support.request_message.created",
                                                       "support.inquiry_message.created"});
    // Each is message_delta of its record: what the live feed sent.
    REQUIRE(events.size() == 4);
    CHECK(events[0].json == message_delta(log.at(r1), log.store->log_epoch())->json);
    CHECK(events[1].json ==
          message_delta(log.at(i1), log.store->log_epoch(), log.codes.at(i))->json);
    CHECK(events[1].json.find("\"trackingCode\":\"" + log.codes.at(i) + "\"") != std::string::npos);
    CHECK(events[2].json == message_delta(log.at(r2), log.store->log_epoch())->json);
    CHECK(events[3].json ==
          message_delta(log.at(i2), log.store->log_epoch(), log.codes.at(i))->json);
    check_same(events, log.live(scope, since));

    // From 0: every message of both rooms (the request's first message, the inquiry's
    // greeting and first message too).
    auto all = log.session(scope, 0);
    REQUIRE(all.ok());
    REQUIRE(all->has_value());
    check_same(**all, log.live(scope, 0));
    CHECK((*all)->size() == 7);
    CHECK(std::is_sorted(
        (*all)->begin(), (*all)->end(),
        [](const ReplayedEvent& a, const ReplayedEvent& b) { return a.eventId < b.eventId; }));

    // At the head: nothing missed, an empty list (not a gap); past it: nullopt. Whatever
    // the scope.
    const std::uint64_t head = log.store->head();
    RecoveryScope staff_scope;
    staff_scope.staff_requests = true;
    staff_scope.staff_inquiries = true;
    RecoveryScope both = scope;
    both.staff_requests = true;
    both.staff_inquiries = true;
    RecoveryScope nothing;
    for (const RecoveryScope* s : {&scope, &staff_scope, &both, &nothing}) {
      auto at_head = log.session(*s, head, {}, 0);  // max_scan 0: nothing to scan
      REQUIRE_MESSAGE(at_head.ok(), at_head.status().ToString());
      REQUIRE(at_head->has_value());
      CHECK((*at_head)->empty());

      auto ahead = log.session(*s, head + 1);
      REQUIRE(ahead.ok());
      CHECK_FALSE(ahead->has_value());
    }
    // An empty scope after a real position: nothing missed, but not a gap.
    auto none = log.session(nothing, 1);
    REQUIRE(none.ok());
    REQUIRE(none->has_value());
    CHECK((*none)->empty());
  }

  TEST_CASE("replay_session: one room over the bound, or past the window, is nullopt") {
    Log log;
    auto [r, r0] = log.create_request(7, "R: first");
    auto [q, q0] = log.create_request(8, "Q: first");
    const std::uint64_t since = log.store->head();
    const std::uint64_t r1 = log.reply(r, "admin", kAdmin, "R: 1");
    const std::uint64_t r2 = log.reply(r, "admin", kAdmin, "R: 2");
    const std::uint64_t q1 = log.reply(q, "admin", kAdmin, "Q: 1");
    const std::uint64_t r3 = log.reply(r, "admin", kAdmin, "R: 3");

    ReplayOptions options;
    options.max_events = 2;
    RecoveryScope scope;
    scope.rooms = {request_room(q), request_room(r)};
    // r missed 3 > 2: the whole session is a gap, although q (1 missed) is fine.
    auto over = log.session(scope, since, options);
    REQUIRE(over.ok());
    CHECK_FALSE(over->has_value());
    // Exactly the bound is replayed: after r1, r has 2 (r2, r3) and q 1.
    auto exact = log.session(scope, r1, options);
    REQUIRE(exact.ok());
    REQUIRE(exact->has_value());
    CHECK(ids_of(**exact) == std::vector<std::uint64_t>{r2, q1, r3});
    // Only q: 1 missed, fine from `since`.
    RecoveryScope only_q;
    only_q.rooms = {request_room(q)};
    auto q_only = log.session(only_q, since, options);
    REQUIRE(q_only.ok());
    REQUIRE(q_only->has_value());
    CHECK(ids_of(**q_only) == std::vector<std::uint64_t>{q1});

    // The window: `since` names an event older than options.window now.
    ReplayOptions window;
    window.window = std::chrono::hours(1);
    log.clock.set(kStart + kHour + 1);  // every event above occurred at kStart
    auto old = log.session(scope, since, window);
    REQUIRE(old.ok());
    CHECK_FALSE(old->has_value());
    log.clock.set(kStart + kHour);  // exactly `window` old: still inside
    auto inside = log.session(scope, since, window);
    REQUIRE(inside.ok());
    REQUIRE(inside->has_value());
    CHECK(ids_of(**inside) == std::vector<std::uint64_t>{r1, r2, q1, r3});
  }

  TEST_CASE("replay_session: staff feed events after since, by staff room, merged with deltas") {
    Log log;
    auto [r, r0] = log.create_request(7, "R: first");
    const std::uint64_t since = log.store->head();
    auto [q, q_msg] = log.create_request(8, "Q: first");
    const std::uint64_t q_created = q_msg - 1;
    const std::uint64_t resolved = log.set_request_status(r, domain::kStatusResolved);
    auto [i, i_created] = log.create_inquiry();
    const std::uint64_t r1 = log.reply(r, "customer", 7, "R: still broken");  // reopens r
    const std::uint64_t head = log.store->head();
    REQUIRE(log.at(q_created).type == domain::SupportRequestCreated::kType);
    REQUIRE(log.at(i_created).type == domain::InquiryCreated::kType);
    REQUIRE(head == r1 + 1);
    REQUIRE(log.at(r1 + 1).type == domain::SupportRequestStatusChanged::kType);  // the reopening

    RecoveryScope requests;
    requests.staff_requests = true;
    auto out = log.session(requests, since);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    REQUIRE(out->has_value());
    CHECK(ids_of(**out) == std::vector<std::uint64_t>{q_created, resolved, r1 + 1});
    CHECK(names_of(**out) == std::vector<std::string>{"support.request.created",
                                                      "support.request.status_changed",
                                                      "support.request.status_changed"});
    CHECK((**out)[0].json == *staff_event_payload(log.at(q_created), log.store->log_epoch()));
    check_same(**out, log.live(requests, since));

    RecoveryScope inquiries;
    inquiries.staff_inquiries = true;
    auto inq = log.session(inquiries, since);
    REQUIRE(inq.ok());
    REQUIRE(inq->has_value());
    CHECK(ids_of(**inq) == std::vector<std::uint64_t>{i_created});
    CHECK(names_of(**inq) == std::vector<std::string>{"support.inquiry.created"});
    // Without secrets, as the live feed.
    CHECK((**inq)[0].json.find("tokenHash") == std::string::npos);
    check_same(**inq, log.live(inquiries, since));

    RecoveryScope all;
    all.rooms = {request_room(r)};
    all.staff_requests = true;
    all.staff_inquiries = true;
    auto merged = log.session(all, since);
    REQUIRE(merged.ok());
    REQUIRE(merged->has_value());
    CHECK(ids_of(**merged) ==
          std::vector<std::uint64_t>{q_created, resolved, i_created, r1, r1 + 1});
    check_same(**merged, log.live(all, since));

    // The scan bound: head - since events to read.
    const std::uint64_t to_scan = head - since;
    auto at_bound = log.session(all, since, {}, to_scan);
    REQUIRE(at_bound.ok());
    CHECK(at_bound->has_value());
    auto over = log.session(all, since, {}, to_scan - 1);
    REQUIRE(over.ok());
    CHECK_FALSE(over->has_value());
    auto staff_over = log.session(inquiries, since, {}, to_scan - 1);
    REQUIRE(staff_over.ok());
    CHECK_FALSE(staff_over->has_value());
    // Without staff rooms the bound does not apply: the log is not scanned.
    RecoveryScope rooms_only;
    rooms_only.rooms = {request_room(r)};
    auto unbounded = log.session(rooms_only, since, {}, 0);
    REQUIRE(unbounded.ok());
    REQUIRE(unbounded->has_value());
    CHECK(ids_of(**unbounded) == std::vector<std::uint64_t>{r1});

    // The scans themselves, counted: none without staff rooms, one with.
    CountingStore spy(*log.store);
    auto spied = replay_session(spy, rooms_only, since, {}, 1'000'000, log.clock.now_ms());
    REQUIRE(spied.ok());
    REQUIRE(spied->has_value());
    CHECK(ids_of(**spied) == std::vector<std::uint64_t>{r1});
    CHECK(spy.scans == 0);
    auto staffed = replay_session(spy, all, since, {}, 1'000'000, log.clock.now_ms());
    REQUIRE(staffed.ok());
    REQUIRE(staffed->has_value());
    CHECK(ids_of(**staffed) ==
          std::vector<std::uint64_t>{q_created, resolved, i_created, r1, r1 + 1});
    CHECK(spy.scans == 1);
  }

  // ---- SocketServer with a SessionStore

  TEST_CASE("recovery off: no pid, no offset, and a pid in the auth payload is ignored") {
    Harness h(false);
    auto [c, ids] = h.connected("customer-7");
    CHECK(ids.pid.empty());
    h.join(c, request_room(1));
    auto [s, staff_ids] = h.connected("staff-all");
    CHECK(staff_ids.pid.empty());

    CHECK(h.server->send_delta(Delta{request_room(1), 17, R"({"eventId":17})"}) == 1);
    CHECK(c->take() == std::vector<std::string>{
                           R"(2/support,["support.request_message.created",{"eventId":17}])"});
    CHECK(h.server->send_staff_event(kStaffRequestsRoom, "support.request.created",
                                     R"({"eventId":23})", 23) == 1);
    CHECK(s->take() ==
          std::vector<std::string>{R"(2/support,["support.request.created",{"eventId":23}])"});

    h.server->on_close(c);
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", "pid-of-nothing-00000", "17");
    REQUIRE(out.size() == 1);
    const Ids again = connect_ids(out.front());
    CHECK(again.pid.empty());
    CHECK(again.sid != ids.sid);
    CHECK_FALSE(h.in(request_room(1), c2));
    CHECK(h.replay_calls.empty());
    CHECK(h.count() == 0);
    const SocketServerStats stats = h.server->stats();
    CHECK(stats.recoveries == 0);
    CHECK(stats.recoveries_failed == 0);
  }

  TEST_CASE("recovery on: the CONNECT reply carries a pid; the session is stored") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    CHECK(ids.pid.size() == 20);
    CHECK(ids.pid != ids.sid);
    CHECK(h.count() == 1);
    // Attached while the connection lives.
    CHECK_FALSE(h.claim(ids.pid).has_value());

    auto [c2, ids2] = h.connected("customer-7");
    CHECK(ids2.pid != ids.pid);
    CHECK(ids2.sid != ids.sid);
    CHECK(h.count() == 2);

    h.head = 31;  // the baseline is the head at the CONNECT, not later
    h.server->on_close(c);
    auto stored = h.claim(ids.pid);
    REQUIRE(stored.has_value());
    CHECK(stored->pid == ids.pid);
    CHECK(stored->sid == ids.sid);
    CHECK(stored->principal == "customer:7");
    CHECK(stored->log_epoch == kEpoch);
    CHECK(stored->baseline_event_id == 9);
    CHECK(stored->rooms.empty());
    CHECK(h.server->stats().session_store_errors == 0);
  }

  TEST_CASE("recovery on: each principal's name in the session") {
    Harness h;
    struct Case {
      std::string token;
      std::string principal;
    };
    const std::vector<Case> cases = {{"customer-8", "customer:8"},
                                     {"staff-all", "staff:100"},
                                     {std::string(kGuestToken12), "guest:12"},
                                     {"", "anonymous"}};
    for (const Case& k : cases) {
      CAPTURE(k.token);
      auto [c, ids] = h.connected(k.token);
      REQUIRE_FALSE(ids.pid.empty());
      h.server->on_close(c);
      auto stored = h.claim(ids.pid);
      REQUIRE(stored.has_value());
      CHECK(stored->principal == k.principal);
    }
  }

  TEST_CASE("recovery on: deltas and staff events carry their eventId as a string, last") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.join(c, request_room(1));
    h.join(c, inquiry_room(10));
    auto [s, staff_ids] = h.connected("staff-all");

    CHECK(h.server->send_delta(Delta{request_room(1), 17, R"({"eventId":17})"}) == 1);
    CHECK(h.server->send_delta(Delta{inquiry_room(10), 18, R"({"eventId":18})"}) == 1);
    CHECK(c->take() == std::vector<std::string>{
                           R"(2/support,["support.request_message.created",{"eventId":17},"17"])",
                           R"(2/support,["support.inquiry_message.created",{"eventId":18},"18"])"});
    CHECK(h.server->send_staff_event(kStaffRequestsRoom, "support.request.created",
                                     R"({"eventId":23})", 23) == 1);
    CHECK(h.server->send_staff_event(kStaffInquiriesRoom, "support.inquiry.created",
                                     R"({"eventId":9007199254740991})",
                                     9'007'199'254'740'991) == 1);
    CHECK(
        s->take() ==
        std::vector<std::string>{
            R"(2/support,["support.request.created",{"eventId":23},"23"])",
            R"(2/support,["support.inquiry.created",{"eventId":9007199254740991},"9007199254740991"])"});
    CHECK(c->take().empty());
  }

  TEST_CASE("recovery on: joins and leaves write the message rooms, never the staff rooms") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.join(c, request_room(1));
    h.join(c, inquiry_room(10));
    h.join(c, request_room(1));  // again: no change
    h.leave(c, inquiry_room(10));
    // Refused: not written.
    auto refused =
        h.send(c, R"(2/support,3["support:join_request_messages",{"supportRequestId":2}])");
    REQUIRE(refused.size() == 1);
    CHECK(refused.front().find(error_code::kSupportRequestNotFound) != std::string::npos);

    auto [s, staff_ids] = h.connected("staff-all");
    h.join(s, request_room(2));
    h.join(s, inquiry_room(11));
    REQUIRE(h.in(kStaffRoom, s));
    REQUIRE(h.in(kStaffRequestsRoom, s));

    h.server->on_close(c);
    h.server->on_close(s);
    auto customer = h.claim(ids.pid);
    REQUIRE(customer.has_value());
    CHECK(customer->rooms == std::vector<std::string>{"support:request:1:messages"});
    auto agent = h.claim(staff_ids.pid);
    REQUIRE(agent.has_value());
    CHECK(agent->rooms ==
          std::vector<std::string>{"support:inquiry:11:messages", "support:request:2:messages"});
    CHECK(agent->principal == "staff:100");
  }

  TEST_CASE("recovered after a transport close: same sid and pid, old rooms, missed events") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");  // baseline 9
    h.join(c, request_room(1));
    h.join(c, inquiry_room(10));
    h.head = 30;
    h.server->on_close(c);
    CHECK_FALSE(h.in(request_room(1), c));
    CHECK(h.server->stats().connected == 0);

    h.replay_fn = [](const RecoveryScope&, std::uint64_t) -> Result<Missed> {
      return Missed(
          std::vector<ReplayedEvent>{{12, "support.request_message.created", R"({"eventId":12})"},
                                     {14, "support.inquiry_message.created", R"({"eventId":14})"}});
    };
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, "11");
    REQUIRE(out.size() == 3);
    CHECK(out[0] == connect_reply(ids));
    CHECK(out[1] == event_packet("support.request_message.created", R"({"eventId":12})", 12));
    CHECK(out[2] == event_packet("support.inquiry_message.created", R"({"eventId":14})", 14));
    REQUIRE(h.replay_calls.size() == 1);
    CHECK(h.replay_calls[0].since == 11);
    // The stored rooms, sorted by name.
    check_rooms(h.replay_calls[0].scope, {inquiry_room(10), request_room(1)});
    CHECK_FALSE(h.replay_calls[0].scope.staff_requests);
    CHECK_FALSE(h.replay_calls[0].scope.staff_inquiries);
    CHECK(h.in(request_room(1), c2));
    CHECK(h.in(inquiry_room(10), c2));

    SocketServerStats stats = h.server->stats();
    CHECK(stats.recoveries == 1);
    CHECK(stats.recoveries_failed == 0);
    CHECK(stats.recovered_events == 2);
    CHECK(stats.connects == 2);
    CHECK(stats.connected == 1);
    CHECK(stats.session_store_errors == 0);
    CHECK(h.count() == 1);                      // the same session, no new one
    CHECK_FALSE(h.claim(ids.pid).has_value());  // attached to c2

    // Live deltas reach the recovered connection, with offsets.
    CHECK(h.server->send_delta(Delta{request_room(1), 31, R"({"eventId":31})"}) == 1);
    CHECK(c2->take() == std::vector<std::string>{event_packet("support.request_message.created",
                                                              R"({"eventId":31})", 31)});

    // Dropped again, and back without an offset: the replay starts at the baseline.
    h.replay_fn = nullptr;  // nothing missed
    h.server->on_close(c2);
    auto c3 = h.open();
    out = h.connect(c3, "customer-7", ids.pid);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(ids));
    REQUIRE(h.replay_calls.size() == 2);
    CHECK(h.replay_calls[1].since == 9);
    CHECK(h.in(request_room(1), c3));
    CHECK(h.in(inquiry_room(10), c3));
    stats = h.server->stats();
    CHECK(stats.recoveries == 2);
    CHECK(stats.recovered_events == 2);

    // A join after the recovery is written to the same session.
    h.leave(c3, inquiry_room(10));
    h.server->on_close(c3);
    auto stored = h.claim(ids.pid);
    REQUIRE(stored.has_value());
    CHECK(stored->rooms == std::vector<std::string>{"support:request:1:messages"});
    CHECK(stored->sid == ids.sid);
  }

  TEST_CASE("recovered: a guest with the same token, an anonymous session, a number offset") {
    Harness h;
    {
      INFO("guest");
      auto [c, ids] = h.connected(kGuestToken11);
      h.join(c, inquiry_room(11));
      h.server->on_close(c);
      auto c2 = h.open();
      auto out = h.connect(c2, "Bearer " + std::string(kGuestToken11), ids.pid, "10");
      REQUIRE(out.size() == 1);
      CHECK(out[0] == connect_reply(ids));
      CHECK(h.in(inquiry_room(11), c2));
      REQUIRE(h.replay_calls.size() == 1);
      check_rooms(h.replay_calls[0].scope, {inquiry_room(11)});
      // Still a guest session: a revocation ends it (and removes it).
      const std::size_t sessions = h.count();
      CHECK(h.server->disconnect_guests(11) == 1);
      CHECK(h.count() == sessions - 1);
    }
    {
      INFO("anonymous");
      auto [c, ids] = h.connected("");
      h.server->on_close(c);
      auto c2 = h.open();
      auto out = h.connect(c2, "", ids.pid, "10");
      REQUIRE(out.size() == 1);
      CHECK(out[0] == connect_reply(ids));
      REQUIRE(h.replay_calls.size() == 2);
      CHECK(h.replay_calls[1].scope.rooms.empty());
      CHECK(h.replay_calls[1].since == 10);
    }
    {
      INFO("an offset that is not a string counts as absent: the baseline");
      h.head = 15;
      auto [c, ids] = h.connected("customer-7");
      h.head = 20;
      h.server->on_close(c);
      auto c2 = h.open();
      auto out =
          h.send(c2, R"(0/support,{"token":"customer-7","pid":")" + ids.pid + R"(","offset":11})");
      REQUIRE(out.size() == 1);
      CHECK(out[0] == connect_reply(ids));
      REQUIRE(h.replay_calls.size() == 3);
      CHECK(h.replay_calls[2].since == 15);
    }
    CHECK(h.server->stats().recoveries == 3);
    CHECK(h.server->stats().recoveries_failed == 0);
  }

  TEST_CASE("another principal's credential with the pid: a new session; the old one removed") {
    Harness h;
    // customer:7's session, tried by staff:7, customer:8, guest:11 and anonymous.
    for (const std::string token : {"customer-8", "staff-7", "si_guest-token-of-inquiry-11", ""}) {
      CAPTURE(token);
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      h.server->on_close(c);
      const std::size_t sessions = h.count();
      const SocketServerStats before = h.server->stats();

      auto c2 = h.open();
      auto out = h.connect(c2, token, ids.pid, "9");
      REQUIRE(out.size() == 1);
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      CHECK(fresh.pid.size() == 20);
      CHECK_FALSE(h.in(request_room(1), c2));
      CHECK(h.replay_calls.empty());
      CHECK(h.count() == sessions);  // the new one in, the old one out
      CHECK_FALSE(h.claim(ids.pid).has_value());
      const SocketServerStats after = h.server->stats();
      CHECK(after.recoveries == 0);
      CHECK(after.recoveries_failed == before.recoveries_failed + 1);
      CHECK(after.recovered_events == 0);

      // Gone for its owner too.
      auto c3 = h.open();
      out = h.connect(c3, "customer-7", ids.pid, "9");
      REQUIRE(out.size() == 1);
      CHECK(connect_ids(out[0]).sid != ids.sid);
      CHECK_FALSE(h.in(request_room(1), c3));
      CHECK(h.server->stats().recoveries_failed == before.recoveries_failed + 2);
    }
  }

  TEST_CASE("a refused credential with a pid is a CONNECT_ERROR; the session stays") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.server->on_close(c);
    auto c2 = h.open();
    auto out = h.connect(c2, "not-a-token", ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0].starts_with("4/support,"));
    CHECK(h.server->stats().recoveries_failed == 0);
    out = h.connect(c2, "customer-7", ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(ids));
  }

  TEST_CASE("a session held by an open connection is not taken, nor removed") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.join(c, request_room(1));
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(connect_ids(out[0]).sid != ids.sid);
    CHECK_FALSE(h.in(request_room(1), c2));
    CHECK(h.in(request_room(1), c));
    CHECK(h.count() == 2);
    CHECK(h.server->stats().recoveries_failed == 1);
    // Once c drops, its session is recoverable.
    h.server->on_close(c);
    auto c3 = h.open();
    out = h.connect(c3, "customer-7", ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(ids));
    CHECK(h.in(request_room(1), c3));
  }

  TEST_CASE("client DISCONNECT, a protocol error or a revoked guest token remove the session") {
    Harness h;
    // After the session ended: the transport closing does not bring it back, and a
    // CONNECT with its pid starts a new one.
    auto check_gone = [&](const std::shared_ptr<FakeConnection>& c, const Ids& ids,
                          std::string_view token, const RoomRef& room) {
      h.server->on_close(c);
      CHECK_FALSE(h.claim(ids.pid).has_value());
      const std::uint64_t failed = h.server->stats().recoveries_failed;
      auto c2 = h.open();
      auto out = h.connect(c2, token, ids.pid, "9");
      REQUIRE(out.size() == 1);
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      CHECK_FALSE(h.in(room, c2));
      CHECK(h.replay_calls.empty());
      CHECK(h.server->stats().recoveries == 0);
      CHECK(h.server->stats().recoveries_failed == failed + 1);
      h.server->on_close(c2);
    };
    {
      INFO("client DISCONNECT");
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      const std::size_t sessions = h.count();
      CHECK(h.send(c, "1/support,").empty());
      CHECK_FALSE(c->closed());
      CHECK(h.count() == sessions - 1);
      CHECK_FALSE(h.in(request_room(1), c));
      // The websocket stays open: a CONNECT on it with the pid gets a new session.
      auto out = h.connect(c, "customer-7", ids.pid, "9");
      REQUIRE(out.size() == 1);
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      CHECK_FALSE(h.in(request_room(1), c));
      CHECK(h.count() == sessions);
      check_gone(c, ids, "customer-7", request_room(1));
    }
    {
      INFO("a protocol error");
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      const std::size_t sessions = h.count();
      CHECK(h.send(c, connect_packet("customer-7")).empty());  // a second CONNECT
      CHECK(c->closed());
      CHECK(h.count() == sessions - 1);
      check_gone(c, ids, "customer-7", request_room(1));
    }
    {
      INFO("a revoked guest token");
      auto [c, ids] = h.connected(kGuestToken11);
      h.join(c, inquiry_room(11));
      const std::size_t sessions = h.count();
      CHECK(h.server->disconnect_guests(11) == 1);
      CHECK(c->take() == std::vector<std::string>{"1/support,"});
      CHECK(h.count() == sessions - 1);
      check_gone(c, ids, kGuestToken11, inquiry_room(11));
    }
  }

  TEST_CASE("a stored room refused now: not recovered, no room joined, the session removed") {
    Harness h;
    struct Case {
      const char* what;
      std::function<void(World&)> change;
    };
    const std::vector<Case> cases = {
        {"the request went to another customer", [](World& w) { w.requests[1] = 8; }},
        {"the inquiry went to another customer", [](World& w) { w.inquiries[10] = 8; }},
        {"the authorizer fails", [](World& w) { w.authorizer_throws = true; }},
    };
    for (const Case& k : cases) {
      CAPTURE(k.what);
      h.world = World();
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      h.join(c, inquiry_room(10));
      h.server->on_close(c);
      k.change(h.world);
      const std::size_t sessions = h.count();
      const std::uint64_t failed = h.server->stats().recoveries_failed;

      auto c2 = h.open();
      auto out = h.connect(c2, "customer-7", ids.pid, "9");
      REQUIRE(out.size() == 1);
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      CHECK_FALSE(h.in(request_room(1), c2));
      CHECK_FALSE(h.in(inquiry_room(10), c2));
      // Only the customer's queue-feed room (realtime/queue_feed.h), joined at CONNECT.
      CHECK(h.server->rooms().rooms_of(c2->id()) == std::vector<std::string>{"customer:7"});
      CHECK(h.replay_calls.empty());
      CHECK(h.count() == sessions);  // the new one in, the old one out
      CHECK_FALSE(h.claim(ids.pid).has_value());
      CHECK(h.server->stats().recoveries_failed == failed + 1);
      CHECK(h.server->stats().recoveries == 0);
      h.server->on_close(c2);
    }
  }

  TEST_CASE("a revoked guest token: the recovery's CONNECT is refused") {
    Harness h;
    auto [c, ids] = h.connected(kGuestToken11);
    h.join(c, inquiry_room(11));
    h.server->on_close(c);
    h.world.guest_tokens.erase(std::string(kGuestToken11));
    auto c2 = h.open();
    auto out = h.connect(c2, kGuestToken11, ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0].starts_with("4/support,"));
    CHECK(out[0].find(error_code::kSupportInquiryTokenInvalid) != std::string::npos);
    CHECK_FALSE(h.in(inquiry_room(11), c2));
  }

  TEST_CASE("the replay cannot answer (gap, error, exception): not recovered, rooms left") {
    Harness h;
    using ReplayFn = std::function<Result<Missed>(const RecoveryScope&, std::uint64_t)>;
    struct Case {
      const char* what;
      ReplayFn replay;
    };
    const std::vector<Case> cases = {
        {"a gap", [](const RecoveryScope&, std::uint64_t) -> Result<Missed> { return Missed(); }},
        {"a storage error",
         [](const RecoveryScope&, std::uint64_t) -> Result<Missed> {
           return Status::IOError("disk on fire");
         }},
        {"an ApiError",
         [](const RecoveryScope&, std::uint64_t) -> Result<Missed> {
           throw ApiError::service_unavailable();
         }},
        {"another exception",
         [](const RecoveryScope&, std::uint64_t) -> Result<Missed> {
           throw std::runtime_error("boom");
         }},
    };
    for (const Case& k : cases) {
      CAPTURE(k.what);
      h.replay_fn = nullptr;
      h.replay_calls.clear();
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      h.join(c, inquiry_room(10));
      h.server->on_close(c);
      h.replay_fn = k.replay;
      const std::size_t sessions = h.count();
      const SocketServerStats before = h.server->stats();

      auto c2 = h.open();
      auto out = h.connect(c2, "customer-7", ids.pid, "9");
      REQUIRE(out.size() == 1);  // the reply only: no replayed event
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      REQUIRE(h.replay_calls.size() == 1);  // asked, with the rooms joined
      check_rooms(h.replay_calls[0].scope, {inquiry_room(10), request_room(1)});
      CHECK_FALSE(h.in(request_room(1), c2));
      CHECK_FALSE(h.in(inquiry_room(10), c2));
      CHECK(h.server->rooms().room_count() == 1);  // customer:7, the queue feed's
      CHECK(h.count() == sessions);
      CHECK_FALSE(h.claim(ids.pid).has_value());
      const SocketServerStats after = h.server->stats();
      CHECK(after.recoveries == 0);
      CHECK(after.recoveries_failed == before.recoveries_failed + 1);
      CHECK(after.recovered_events == 0);
      // Still connected, with a working new session.
      CHECK(after.connected == 1);
      h.join(c2, request_room(1));
      h.server->on_close(c2);
    }
  }

  TEST_CASE("the ttl: recoverable until exactly ttl after the drop") {
    Harness h;
    auto [a, a_ids] = h.connected("customer-7");
    h.join(a, request_room(1));
    auto [b, b_ids] = h.connected("customer-7");
    h.join(b, request_room(1));
    h.server->on_close(a);  // both at kStart
    h.server->on_close(b);

    h.clock.set(kStart + kTtlSeconds * 1000);  // exactly ttl later
    auto a2 = h.open();
    auto out = h.connect(a2, "customer-7", a_ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(a_ids));
    CHECK(h.in(request_room(1), a2));

    h.clock.set(kStart + kTtlSeconds * 1000 + 1);  // 1 ms more
    auto b2 = h.open();
    out = h.connect(b2, "customer-7", b_ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(connect_ids(out[0]).sid != b_ids.sid);
    CHECK_FALSE(h.in(request_room(1), b2));
    CHECK(h.replay_calls.size() == 1);  // a's only
    CHECK(h.server->stats().recoveries == 1);
    CHECK(h.server->stats().recoveries_failed == 1);
  }

  TEST_CASE("a restart keeps sessions recoverable; another log epoch does not") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.join(c, request_room(1));
    // Killed: c is never closed, its session stays attached in the file.
    h.restart(std::string(kEpoch));
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, "9");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(ids));
    CHECK(h.in(request_room(1), c2));
    REQUIRE(h.replay_calls.size() == 1);
    CHECK(h.replay_calls[0].since == 9);
    CHECK(h.server->stats().recoveries == 1);

    // Killed again, and the next process reads another log.
    const std::string other_epoch = "fedcba9876543210fedcba9876543210";
    h.restart(other_epoch);
    auto c3 = h.open();
    out = h.connect(c3, "customer-7", ids.pid, "9");
    REQUIRE(out.size() == 1);
    const Ids fresh = connect_ids(out[0]);
    CHECK(fresh.sid != ids.sid);
    CHECK_FALSE(h.in(request_room(1), c3));
    CHECK(h.replay_calls.size() == 1);  // not asked
    CHECK(h.count() == 1);
    CHECK_FALSE(h.claim(ids.pid).has_value());
    CHECK(h.server->stats().recoveries_failed == 1);
    // The new session is in the new log.
    h.server->on_close(c3);
    auto stored = h.claim(fresh.pid);
    REQUIRE(stored.has_value());
    CHECK(stored->log_epoch == other_epoch);
  }

  TEST_CASE("staff: the replay scope follows the staff rooms of the permissions now") {
    Harness h;
    auto [c, ids] = h.connected("staff-requests");
    auto [a, all_ids] = h.connected("staff-all");
    h.server->on_close(c);
    h.server->on_close(a);

    // Recovers `ids` with staff-requests: the scope the replay was asked for.
    auto recover = [&]() -> RecoveryScope {
      auto c2 = h.open();
      auto out = h.connect(c2, "staff-requests", ids.pid, "9");
      REQUIRE(out.size() == 1);
      CHECK(out[0] == connect_reply(ids));  // the same principal, staff:101
      REQUIRE_FALSE(h.replay_calls.empty());
      CHECK(h.in(kStaffRequestsRoom, c2) == h.replay_calls.back().scope.staff_requests);
      CHECK(h.in(kStaffInquiriesRoom, c2) == h.replay_calls.back().scope.staff_inquiries);
      h.server->on_close(c2);
      return h.replay_calls.back().scope;
    };
    RecoveryScope scope = recover();
    CHECK(scope.rooms.empty());
    CHECK(scope.staff_requests);
    CHECK_FALSE(scope.staff_inquiries);

    auto a2 = h.open();
    auto out = h.connect(a2, "staff-all", all_ids.pid);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(all_ids));
    CHECK(h.replay_calls.back().scope.staff_requests);
    CHECK(h.replay_calls.back().scope.staff_inquiries);

    // The permission changed in between.
    h.world.jwts["Bearer staff-requests"] = staff(101, {auth::Permission::kSupportInquiriesRead});
    scope = recover();
    CHECK_FALSE(scope.staff_requests);
    CHECK(scope.staff_inquiries);
    // No READ permission left: no staff events.
    h.world.jwts["Bearer staff-requests"] = staff(101, {auth::Permission::kFeedbackRead});
    scope = recover();
    CHECK_FALSE(scope.staff_requests);
    CHECK_FALSE(scope.staff_inquiries);
    CHECK(h.replay_calls.size() == 4);
    CHECK(h.server->stats().recoveries == 4);
  }

  TEST_CASE("an offset that is not a decimal eventId string: not recovered") {
    Harness h;
    std::uint64_t failed = 0;
    for (const char* offset :
         {"", "0", "01", "abc", "-1", "1.5", "9007199254740992", "99999999999999999"}) {
      CAPTURE(offset);
      auto [c, ids] = h.connected("customer-7");
      h.join(c, request_room(1));
      h.server->on_close(c);
      auto c2 = h.open();
      auto out = h.connect(c2, "customer-7", ids.pid, offset);
      REQUIRE(out.size() == 1);
      const Ids fresh = connect_ids(out[0]);
      CHECK(fresh.sid != ids.sid);
      CHECK(fresh.pid != ids.pid);
      CHECK_FALSE(h.in(request_room(1), c2));
      CHECK(h.replay_calls.empty());
      CHECK(h.server->stats().recoveries_failed == ++failed);
      h.server->on_close(c2);
    }
    // The largest one is fine.
    auto [c, ids] = h.connected("customer-7");
    h.server->on_close(c);
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, "9007199254740991");
    REQUIRE(out.size() == 1);
    CHECK(out[0] == connect_reply(ids));
    REQUIRE(h.replay_calls.size() == 1);
    CHECK(h.replay_calls[0].since == 9'007'199'254'740'991);
  }

  // docs/realtime.md, condition 4: a malformed offset fails the recovery, and the stored
  // session that failed it is removed.
  TEST_CASE("an unparsable offset removes the old session") {
    Harness h;
    auto [c, ids] = h.connected("customer-7");
    h.server->on_close(c);
    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, "abc");
    REQUIRE(out.size() == 1);
    CHECK(connect_ids(out[0]).pid != ids.pid);
    CHECK(h.count() == 1);                      // the new session only
    CHECK_FALSE(h.claim(ids.pid).has_value());  // the old one gone
  }

  // ---- End to end: real log, real feed, real replay_session.

  TEST_CASE("end to end: a recovered connection gets what a connection that stayed got") {
    Log log;
    auto [r, r0] = log.create_request(7, "R: first");
    Harness h(false);
    h.world.requests[r] = 7;
    h.epoch = log.store->log_epoch();
    h.head_fn = [&log] { return log.store->head(); };
    h.replay_fn = [&log](const RecoveryScope& scope, std::uint64_t since) {
      return replay_session(*log.store, scope, since, ReplayOptions{}, 10'000, log.clock.now_ms());
    };
    h.start(true);
    RealtimeFeed feed(*h.server, FeedOptions{.log_epoch = log.store->log_epoch()});
    std::uint64_t fed = 0;
    auto deliver = [&] {  // what the store's publisher does after each commit
      auto records = log.after(fed);
      feed.on_commit(records);
      fed = log.store->head();
    };
    deliver();

    // Two connections that stay, and two that will drop.
    auto [watcher, watcher_ids] = h.connected("customer-7");
    h.join(watcher, request_room(r));
    auto [staff_watcher, staff_watcher_ids] = h.connected("staff-all");
    auto [c, ids] = h.connected("customer-7");
    h.join(c, request_room(r));
    auto [s, staff_ids] = h.connected("staff-all");

    const std::uint64_t r1 = log.reply(r, "admin", kAdmin, "R: live");
    deliver();
    const std::vector<std::string> before = c->take();
    REQUIRE_FALSE(before.empty());
    CHECK(before == watcher->take());
    CHECK(offset_of(before.front()) == r1);
    const std::uint64_t offset = offset_of(before.back());
    const std::vector<std::string> staff_before = s->take();
    CHECK(staff_before == staff_watcher->take());

    h.server->on_close(c);
    h.server->on_close(s);
    // Missed: messages, a status change, another customer's request, an inquiry.
    log.reply(r, "customer", 7, "R: missed 1");
    log.set_request_status(r, domain::kStatusResolved);
    log.create_request(8, "Q: first");
    log.create_inquiry();
    log.reply(r, "customer", 7, "R: missed 2, reopens");
    deliver();
    // The customer's live ticket-updated events (status, reopened) are not replayed to a
    // recovering customer: only the message deltas are.
    std::vector<std::string> missed;
    std::size_t ticket_updates = 0;
    for (std::string& packet : watcher->take()) {
      if (packet.find("\"ticket-updated\"") != std::string::npos) {
        ++ticket_updates;
      } else {
        missed.push_back(std::move(packet));
      }
    }
    const std::vector<std::string> staff_missed = staff_watcher->take();
    CHECK(missed.size() == 2);
    CHECK(ticket_updates == 2);
    // status, created, inquiry created, reopened; and the queue feed's new-ticket twice.
    CHECK(staff_missed.size() == 6);

    auto c2 = h.open();
    auto out = h.connect(c2, "customer-7", ids.pid, std::to_string(offset));
    REQUIRE(out.size() == 1 + missed.size());
    CHECK(out[0] == connect_reply(ids));
    CHECK(std::vector<std::string>(out.begin() + 1, out.end()) == missed);
    CHECK(h.in(request_room(r), c2));

    auto s2 = h.open();
    std::optional<std::string> staff_offset;
    if (!staff_before.empty()) staff_offset = std::to_string(offset_of(staff_before.back()));
    out = h.connect(s2, "staff-all", staff_ids.pid, staff_offset);
    REQUIRE(out.size() == 1 + staff_missed.size());
    CHECK(out[0] == connect_reply(staff_ids));
    CHECK(std::vector<std::string>(out.begin() + 1, out.end()) == staff_missed);
    CHECK(h.in(kStaffRequestsRoom, s2));

    const SocketServerStats stats = h.server->stats();
    CHECK(stats.recoveries == 2);
    CHECK(stats.recovered_events == missed.size() + staff_missed.size());
    CHECK(stats.recoveries_failed == 0);

    // Live from here on, on both.
    const std::uint64_t r3 = log.reply(r, "admin", kAdmin, "R: after");
    deliver();
    const std::vector<std::string> live = c2->take();
    REQUIRE(live.size() == 1);
    CHECK(offset_of(live.front()) == r3);
    CHECK(live == watcher->take());
  }
}

}  // namespace docket::realtime

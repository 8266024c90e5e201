// Sync replay over a real RocksDB log built by the domain's decisions (and, for long
// streams, by raw appends of message events of the same shape): in-order replay after a
// position, only the room's messages, deltas equal to the live ones, each gap cause,
// since 0, unknown rooms, a restart, and a 10,000-message stream.
#include "realtime/replay.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json_writer.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "realtime/deltas.h"
#include "tests/realtime/realtime_doubles.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

using testing::CountingStore;

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr UnixMillis kMinute = 60'000;
constexpr UnixMillis kHour = 60 * kMinute;
constexpr UnixMillis kDay = 24 * kHour;
constexpr std::int64_t kCustomer = 5;
constexpr std::int64_t kOtherCustomer = 6;
constexpr std::int64_t kAdmin = 1;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::unique_ptr<events::EventStore> store;
  int inquiries = 0;
  std::int64_t raw_message_id = 1'000'000;

  Fixture() { open(); }
  ~Fixture() {
    if (store) store->close();
  }

  void open() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    store = std::move(opened).value();
  }

  // A server restart: the log is closed and opened again; nothing survives in memory.
  void reopen() {
    store->close();
    store.reset();
    open();
  }

  template <typename Decide>
  events::AppendResult run(Decide decide) {
    auto r = store->execute(
        [&](const events::StagedView& v) { return decide(v, domain::CommandMeta{}); });
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }

  // A support request of `customer` with its first message; returns {id, message eventId}.
  std::pair<std::int64_t, std::uint64_t> create_request(std::int64_t customer,
                                                        const std::string& text) {
    domain::CreateSupportRequest c{customer, "Where is my order?", "general", "low", text};
    std::int64_t id = 0;
    auto r = run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return {id, r.lastEventId};  // created, then the message
  }

  // Returns the message's eventId.
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

  static std::string tracking_code(int n) {
    return "INQ-AAAAA" + std::string(1, domain::kTrackingAlphabet[static_cast<std::size_t>(
                                            n % domain::kTrackingAlphabet.size())]);
  }

  // A guest inquiry with the greeting and a first message; returns its id.
  std::int64_t create_inquiry() {
    ++inquiries;
    domain::CreateSupportInquiry c;
    c.subject = "Inquiry " + std::to_string(inquiries);
    c.message = "First message of " + std::to_string(inquiries);
    c.greeting = "Hello!";
    c.tokenHash = std::string(64, 'c');
    c.tokenExpiresAt = kStart + 365 * kDay;
    c.trackingCandidates = {tracking_code(inquiries)};
    std::int64_t id = 0;
    run([&](const events::StagedView& v, const domain::CommandMeta& m) {
      auto req = domain::decide(v, c, m);
      if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
      return req;
    });
    return id;
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

  // A support.request_message.created event of the shape the domain writes.
  events::NewEvent raw_message(std::int64_t request, const std::string& text) {
    JsonWriter w;
    w.begin_object().field("supportRequestId", request).field("messageId", ++raw_message_id);
    w.field("senderType", "admin").field("senderId", kAdmin).field("message", text).end_object();
    return {std::string(domain::SupportRequestMessageCreated::kType), 1, w.take()};
  }

  static events::NewEvent raw_status(std::int64_t request, std::string_view from,
                                     std::string_view to) {
    JsonWriter w;
    w.begin_object().field("supportRequestId", request).field("from", from).field("to", to);
    w.field("resolutionNote", std::optional<std::string>()).field("reason", "staff").end_object();
    return {std::string(domain::SupportRequestStatusChanged::kType), 1, w.take()};
  }

  // Appends `count` messages to `request`, `per_append` per command, each command also
  // appending one message to each of `others` (other rooms interleaved in the log).
  // Returns the eventIds of the request's messages, in order.
  std::vector<std::uint64_t> append_messages(std::int64_t request, int count, int per_append,
                                             const std::vector<std::int64_t>& others = {}) {
    std::vector<std::uint64_t> ids;
    for (int done = 0; done < count;) {
      const int n = std::min(per_append, count - done);
      events::AppendRequest req;
      for (std::int64_t other : others) {
        req.streams.push_back({domain::support_request_stream(other),
                               events::kAnyVersion,
                               {raw_message(other, "elsewhere")}});
      }
      events::StreamAppend mine{domain::support_request_stream(request), events::kAnyVersion, {}};
      for (int i = 0; i < n; ++i)
        mine.events.push_back(raw_message(request, "message " + std::to_string(done + i)));
      req.streams.push_back(std::move(mine));
      auto r = store->append(std::move(req));
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      const std::uint64_t first_mine = r->lastEventId - static_cast<std::uint64_t>(n) + 1;
      for (int i = 0; i < n; ++i)
        ids.push_back(first_mine + static_cast<std::uint64_t>(i));
      done += n;
    }
    return ids;
  }

  std::uint64_t append_raw(std::int64_t request, std::vector<events::NewEvent> evs) {
    events::AppendRequest req;
    req.streams.push_back(
        {domain::support_request_stream(request), events::kAnyVersion, std::move(evs)});
    auto r = store->append(std::move(req));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->firstEventId;
  }

  ReplayOutcome replay(const RoomRef& room, std::uint64_t since,
                       std::optional<std::string_view> epoch = std::nullopt,
                       const ReplayOptions& options = {}, UnixMillis now = 0) {
    auto out = replay_room(*store, room, since, epoch, options, now == 0 ? clock.now_ms() : now);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    CHECK(out->logEpoch == store->log_epoch());
    return std::move(out).value();
  }

  // What the live feed sends for the room's message events after `since`: message_delta
  // of each, with the tracking code the inquiry was created with.
  std::vector<std::string> live_deltas(const RoomRef& room, std::uint64_t since,
                                       std::string_view tracking = {}) {
    auto evs = store->read_stream(room_stream(room), 1, 1'000'000);
    REQUIRE(evs.ok());
    std::vector<std::string> out;
    for (const auto& e : *evs) {
      if (e.eventId <= since) continue;
      auto delta = message_delta(e, store->log_epoch(), tracking);
      if (delta) out.push_back(delta->json);
    }
    return out;
  }

  std::uint64_t event_id_of(const std::string& delta) {
    // The delta's eventId (its first field).
    const std::string prefix = R"({"eventId":)";
    REQUIRE(delta.starts_with(prefix));
    return std::stoull(delta.substr(prefix.size()));
  }
};

RoomRef request_room(std::int64_t id) {
  return {RoomKind::kRequest, id};
}
RoomRef inquiry_room(std::int64_t id) {
  return {RoomKind::kInquiry, id};
}

void check_no_gap(const ReplayOutcome& out) {
  CHECK_FALSE(out.gapDetected);
  CHECK(out.gapReason.empty());
}

void check_gap(const ReplayOutcome& out, std::string_view reason) {
  CHECK(out.gapDetected);
  CHECK(out.gapReason == reason);
  CHECK(out.events.empty());
}

}  // namespace

TEST_SUITE("realtime.integration") {
  TEST_CASE("replay: a request room's messages after an id, in order, only that room's") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "A: first");
    auto [b, b0] = f.create_request(kOtherCustomer, "B: first");
    const std::uint64_t a1 = f.reply(a, "admin", kAdmin, "A: on it");
    const std::uint64_t b1 = f.reply(b, "admin", kAdmin, "B: on it");
    const std::uint64_t a_status = f.set_request_status(a, domain::kStatusResolved);
    const std::uint64_t a2 = f.reply(a, "customer", kCustomer, "A: still broken");  // reopens
    const std::uint64_t b2 = f.reply(b, "customer", kOtherCustomer, "B: thanks");
    const std::uint64_t a3 = f.reply(a, "admin", kAdmin, "A: fixed now");
    const std::uint64_t b3 = f.reply(b, "admin", kAdmin, "B: bye");
    (void)b0;
    (void)b1;
    (void)b2;

    SUBCASE("after the first message: the later ones, in log order") {
      auto out = f.replay(request_room(a), a0);
      check_no_gap(out);
      CHECK(out.events == f.live_deltas(request_room(a), a0));
      REQUIRE(out.events.size() == 3);
      CHECK(f.event_id_of(out.events[0]) == a1);
      CHECK(f.event_id_of(out.events[1]) == a2);
      CHECK(f.event_id_of(out.events[2]) == a3);
      CHECK(out.events[0].find(R"("message":"A: on it")") != std::string::npos);
      CHECK(out.events[2].find(R"("room":"support:request:)" + std::to_string(a) +
                               R"(:messages")") != std::string::npos);
      CHECK(out.lastEventId == a3);
    }
    SUBCASE("status events are skipped, and a position on one works") {
      auto out = f.replay(request_room(a), a_status);
      check_no_gap(out);
      REQUIRE(out.events.size() == 2);
      CHECK(f.event_id_of(out.events[0]) == a2);
      CHECK(f.event_id_of(out.events[1]) == a3);
      CHECK(out.events == f.live_deltas(request_room(a), a_status));
    }
    SUBCASE("a position on another room's event works") {
      auto out = f.replay(request_room(a), b1);
      REQUIRE(out.events.size() == 2);
      CHECK(f.event_id_of(out.events[0]) == a2);
    }
    SUBCASE("the other room sees only its own") {
      auto out = f.replay(request_room(b), a0);
      check_no_gap(out);
      CHECK(out.events == f.live_deltas(request_room(b), a0));
      REQUIRE(out.events.size() == 4);
      CHECK(out.lastEventId == b3);
    }
    SUBCASE("nothing new: no events, lastEventId stays the client's position") {
      auto out = f.replay(request_room(a), a3);
      check_no_gap(out);
      CHECK(out.events.empty());
      CHECK(out.lastEventId == a3);
      // A position past the room's last message (the head) never moves backwards.
      out = f.replay(request_room(a), b3);
      CHECK(out.events.empty());
      CHECK(out.lastEventId == b3);
      CHECK(b3 == f.store->head());
    }
    SUBCASE("the ack") {
      auto out = f.replay(request_room(a), a2);
      REQUIRE(out.events.size() == 1);
      CHECK(sync_ack_json(out) ==
            R"({"ok":true,"events":[)" + out.events[0] + R"(],"gapDetected":false,"lastEventId":)" +
                std::to_string(a3) + R"(,"logEpoch":")" + f.store->log_epoch() + R"("})");
      out = f.replay(request_room(a), a3);
      CHECK(sync_ack_json(out) == R"({"ok":true,"events":[],"gapDetected":false,"lastEventId":)" +
                                      std::to_string(a3) + R"(,"logEpoch":")" +
                                      f.store->log_epoch() + R"("})");
    }
  }

  TEST_CASE("replay: since 0 replays the whole room; inquiry deltas carry the trackingCode") {
    Fixture f;
    const std::int64_t other = f.create_inquiry();
    const std::int64_t id = f.create_inquiry();  // greeting + first message
    f.post_inquiry(other, "visitor", "noise");
    const std::uint64_t reply = f.post_inquiry(id, "admin", "How can we help?");  // -> waiting
    const std::uint64_t again = f.post_inquiry(id, "visitor", "My parcel");       // -> active
    const std::string code = Fixture::tracking_code(2);

    auto out = f.replay(inquiry_room(id), 0);
    check_no_gap(out);
    CHECK(out.events == f.live_deltas(inquiry_room(id), 0, code));
    REQUIRE(out.events.size() == 4);  // greeting, first message, reply, visitor message
    for (const std::string& delta : out.events) {
      CHECK(delta.find(R"("trackingCode":")" + code + R"(")") != std::string::npos);
      CHECK(delta.find(R"("room":"support:inquiry:)" + std::to_string(id) + R"(:messages")") !=
            std::string::npos);
    }
    CHECK(out.events[0].find(R"("senderType":"system","senderId":null,"message":"Hello!")") !=
          std::string::npos);
    CHECK(f.event_id_of(out.events[2]) == reply);
    CHECK(out.lastEventId == again);

    auto tail = f.replay(inquiry_room(id), reply);
    REQUIRE(tail.events.size() == 1);
    CHECK(tail.events[0] == out.events[3]);
    // The other inquiry has its own code.
    auto theirs = f.replay(inquiry_room(other), 0);
    REQUIRE(theirs.events.size() == 3);
    CHECK(theirs.events == f.live_deltas(inquiry_room(other), 0, Fixture::tracking_code(1)));
  }

  TEST_CASE("replay: a position from another log epoch is a gap") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    const std::uint64_t a1 = f.reply(a, "admin", kAdmin, "second");
    f.create_request(kOtherCustomer, "elsewhere");

    auto out = f.replay(request_room(a), a0, std::string_view("0123456789abcdef0123456789abcdef"));
    check_gap(out, kGapEpoch);
    CHECK(out.lastEventId == a1);  // resume from the room's last message after a refetch
    const std::string ack = sync_ack_json(out);
    CHECK(ack == R"({"ok":true,"events":[],"gapDetected":true,"gapReason":"epoch","lastEventId":)" +
                     std::to_string(a1) + R"(,"logEpoch":")" + f.store->log_epoch() + R"("})");

    // The right epoch, or none, is no gap.
    const std::string epoch = f.store->log_epoch();
    out = f.replay(request_room(a), a0, std::string_view(epoch));
    check_no_gap(out);
    CHECK(out.events.size() == 1);
    out = f.replay(request_room(a), a0);
    CHECK(out.events.size() == 1);
    // A since of 0 from another epoch is a gap too: the client's state is another log's.
    out = f.replay(request_room(a), 0, std::string_view("other"));
    check_gap(out, kGapEpoch);
  }

  TEST_CASE("replay: a position ahead of the head is a gap") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    const std::uint64_t head = f.store->head();
    CHECK(head == a0);
    auto out = f.replay(request_room(a), head + 1);
    check_gap(out, kGapAhead);
    CHECK(out.lastEventId == a0);
    out = f.replay(request_room(a), head + 1000);
    check_gap(out, kGapAhead);
    // The head itself is a known position.
    out = f.replay(request_room(a), head);
    check_no_gap(out);
    CHECK(out.lastEventId == head);
    // A room without events: ahead is still a gap, resuming from 0.
    out = f.replay(request_room(77), head + 1);
    check_gap(out, kGapAhead);
    CHECK(out.lastEventId == 0);
  }

  TEST_CASE("replay: a position older than the replay window is a gap") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");  // at kStart
    f.clock.advance(kHour);
    const std::uint64_t a1 = f.reply(a, "admin", kAdmin, "an hour later");
    f.clock.advance(kHour);
    const std::uint64_t a2 = f.reply(a, "customer", kCustomer, "two hours later");

    ReplayOptions options;  // one day
    SUBCASE("exactly the window old is inside") {
      auto out = f.replay(request_room(a), a0, std::nullopt, options, kStart + kDay);
      check_no_gap(out);
      CHECK(out.events.size() == 2);
    }
    SUBCASE("a millisecond older is a gap, resuming from the room's last message") {
      auto out = f.replay(request_room(a), a0, std::nullopt, options, kStart + kDay + 1);
      check_gap(out, kGapWindow);
      CHECK(out.lastEventId == a2);
      // A newer position is still inside.
      out = f.replay(request_room(a), a1, std::nullopt, options, kStart + kDay + 1);
      check_no_gap(out);
      CHECK(out.events.size() == 1);
      CHECK(out.lastEventId == a2);
    }
    SUBCASE("an old position with nothing new is a gap too; lastEventId stays") {
      auto out = f.replay(request_room(a), a2, std::nullopt, options, kStart + 2 * kDay);
      check_gap(out, kGapWindow);
      CHECK(out.lastEventId == a2);
    }
    SUBCASE("a shorter window") {
      options.window = std::chrono::minutes(90);
      auto out =
          f.replay(request_room(a), a1, std::nullopt, options, kStart + kHour + 90 * kMinute + 1);
      check_gap(out, kGapWindow);
      out = f.replay(request_room(a), a2, std::nullopt, options, kStart + kHour + 90 * kMinute + 1);
      check_no_gap(out);
    }
    SUBCASE("since 0 is never outside the window") {
      auto out = f.replay(request_room(a), 0, std::nullopt, options, kStart + 365 * kDay);
      check_no_gap(out);
      CHECK(out.events.size() == 3);
    }
  }

  TEST_CASE("replay: more missed messages than the bound is a gap (501 vs 500)") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    auto [b, b0] = f.create_request(kOtherCustomer, "other");
    (void)b0;
    // 501 messages after a0, in commands of 7 with a message of b in each, and two status
    // events among them (not messages: they do not count).
    std::vector<std::uint64_t> ids = f.append_messages(a, 250, 7, {b});
    f.append_raw(a, {Fixture::raw_status(a, "open", "in_progress")});
    auto more = f.append_messages(a, 251, 7, {b});
    ids.insert(ids.end(), more.begin(), more.end());
    f.append_raw(a, {Fixture::raw_status(a, "in_progress", "resolved")});
    f.append_messages(b, 3, 3);
    REQUIRE(ids.size() == 501);

    auto out = f.replay(request_room(a), a0);
    check_gap(out, kGapBound);
    CHECK(out.lastEventId == ids.back());
    CHECK(sync_ack_json(out).find(R"("events":[],"gapDetected":true,"gapReason":"bound")") !=
          std::string::npos);
    out = f.replay(request_room(a), 0);  // 502 messages from the beginning
    check_gap(out, kGapBound);

    // 500 missed: replayed.
    out = f.replay(request_room(a), ids.front());
    check_no_gap(out);
    REQUIRE(out.events.size() == 500);
    CHECK(out.events == f.live_deltas(request_room(a), ids.front()));
    CHECK(f.event_id_of(out.events.front()) == ids[1]);
    CHECK(out.lastEventId == ids.back());

    // A configured bound.
    ReplayOptions small;
    small.max_events = 3;
    out = f.replay(request_room(a), ids[ids.size() - 5], std::nullopt, small);
    check_gap(out, kGapBound);
    out = f.replay(request_room(a), ids[ids.size() - 4], std::nullopt, small);
    check_no_gap(out);
    CHECK(out.events.size() == 3);
    // No bound.
    ReplayOptions unbounded;
    unbounded.max_events = SIZE_MAX;
    out = f.replay(request_room(a), 0, std::nullopt, unbounded);
    check_no_gap(out);
    CHECK(out.events.size() == 502);
    CHECK(out.events == f.live_deltas(request_room(a), 0));
  }

  TEST_CASE("replay: an unknown room has no events and no gap") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    (void)a;
    auto out = f.replay(request_room(999), a0);
    check_no_gap(out);
    CHECK(out.events.empty());
    CHECK(out.lastEventId == a0);
    out = f.replay(inquiry_room(999), 0);
    check_no_gap(out);
    CHECK(out.events.empty());
    CHECK(out.lastEventId == 0);
    // Not even outside the window: there is nothing to refetch.
    out = f.replay(request_room(999), a0, std::nullopt, {}, kStart + 30 * kDay);
    check_no_gap(out);
  }

  TEST_CASE("replay: reads the log, so it works after the store is closed and reopened") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    f.reply(a, "admin", kAdmin, "second");
    const std::int64_t inquiry = f.create_inquiry();
    f.reply(a, "customer", kCustomer, "third");
    f.post_inquiry(inquiry, "admin", "hello");
    const std::string epoch = f.store->log_epoch();
    auto before = f.replay(request_room(a), a0);
    auto inquiry_before = f.replay(inquiry_room(inquiry), 0);
    REQUIRE(before.events.size() == 2);
    REQUIRE(inquiry_before.events.size() == 3);

    f.reopen();
    CHECK(f.store->log_epoch() == epoch);
    auto after = f.replay(request_room(a), a0, std::string_view(epoch));
    check_no_gap(after);
    CHECK(after.events == before.events);
    CHECK(after.lastEventId == before.lastEventId);
    auto inquiry_after = f.replay(inquiry_room(inquiry), 0, std::string_view(epoch));
    CHECK(inquiry_after.events == inquiry_before.events);

    // And messages appended after the restart follow.
    const std::uint64_t fourth = f.reply(a, "admin", kAdmin, "fourth");
    after = f.replay(request_room(a), before.lastEventId, std::string_view(epoch));
    REQUIRE(after.events.size() == 1);
    CHECK(after.lastEventId == fourth);
  }

  TEST_CASE("replay: a 10,000-message stream replays its last 500") {
    Fixture f;
    auto [a, a0] = f.create_request(kCustomer, "first");
    auto [b, b0] = f.create_request(kOtherCustomer, "other");
    auto [c, c0] = f.create_request(kOtherCustomer, "another");
    (void)a0;
    (void)b0;
    (void)c0;
    std::vector<std::uint64_t> ids = f.append_messages(a, 9'999, 200, {b, c});
    REQUIRE(ids.size() == 9'999);
    auto version = f.store->stream_version(domain::support_request_stream(a));
    REQUIRE(version.ok());
    CHECK(*version == 10'001);  // created, then 10,000 messages (a0 and 9,999 more)

    const std::uint64_t since = ids[ids.size() - 501];  // 500 after it
    auto out = f.replay(request_room(a), since);
    check_no_gap(out);
    REQUIRE(out.events.size() == 500);
    CHECK(out.events == f.live_deltas(request_room(a), since));
    CHECK(f.event_id_of(out.events.front()) == ids[ids.size() - 500]);
    CHECK(out.lastEventId == ids.back());

    out = f.replay(request_room(a), ids[ids.size() - 502]);
    check_gap(out, kGapBound);
    CHECK(out.lastEventId == ids.back());

    // Positions across the stream: every suffix of up to 500 comes back whole.
    for (std::size_t back : {std::size_t{1}, std::size_t{2}, std::size_t{199}, std::size_t{200},
                             std::size_t{201}, std::size_t{499}}) {
      CAPTURE(back);
      out = f.replay(request_room(a), ids[ids.size() - 1 - back]);
      check_no_gap(out);
      CHECK(out.events.size() == back);
      CHECK(out.lastEventId == ids.back());
    }
    // Only the tail is read: the 500 events after the position (or 501 to decide the
    // bound), the position's own event, and a binary search of the stream index.
    {
      CountingStore counting(*f.store);
      auto counted = replay_room(counting, request_room(a), since, std::nullopt, {}, kStart);
      REQUIRE(counted.ok());
      CHECK(counted->events == f.live_deltas(request_room(a), since));
      CHECK(counting.events_read == 500 + 1);
      CHECK(counting.index_calls <= 16);  // log2(10,001) + the last entry
      CHECK(counting.ids_read <= 16);

      CountingStore bounded(*f.store);
      counted = replay_room(bounded, request_room(a), 0, std::nullopt, {}, kStart);
      REQUIRE(counted.ok());
      check_gap(*counted, kGapBound);
      CHECK(bounded.events_read == 501);

      CountingStore current(*f.store);  // an up-to-date client: one probe, one event
      counted = replay_room(current, request_room(a), ids.back(), std::nullopt, {}, kStart);
      REQUIRE(counted.ok());
      CHECK(counted->events.empty());
      CHECK(current.events_read == 1);
      CHECK(current.index_calls == 1);
    }

    // A position on another room's message (just before the last command's messages of
    // this room) lands on the next one of this room.
    const std::uint64_t between = ids[ids.size() - 199] - 1;
    CHECK(std::find(ids.begin(), ids.end(), between) == ids.end());
    out = f.replay(request_room(a), between);
    CHECK(out.events.size() == 199);
    CHECK(f.event_id_of(out.events.front()) == ids[ids.size() - 199]);
  }
}

}  // namespace docket::realtime

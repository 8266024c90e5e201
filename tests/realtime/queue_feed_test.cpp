// The queue feed (realtime/queue_feed.h): which log events become which seed 002 server
// events for which rooms, the rooms each identity is put in, delivery through the live
// feed (each connection once, only its own ticket-assigned), and the agent-status client
// event with its ack.
#include "realtime/queue_feed.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/json_writer.h"
#include "realtime/socket_server.h"
#include "tests/realtime/realtime_doubles.h"

namespace docket::realtime {
namespace {

using testing::AccessRules;
using testing::FakeConnection;
using testing::record;

constexpr std::string_view kEpoch = "0123456789abcdef0123456789abcdef";

const events::EventRecord kCreated = record(
    5, "support.request.created", "support_request-3",
    R"({"supportRequestId":3,"ticketNumber":"SUP-2026-000003","customerId":7,"subject":"Refund",)"
    R"("category":"billing","priority":"medium","metadata":null})");
const events::EventRecord kAssigned =
    record(6, "support.request.assigned", "support_request-3",
           R"({"supportRequestId":3,"assignedAdminId":100,"previousAdminId":101,)"
           R"("reason":"auto","customerId":7})");
const events::EventRecord kResolved =
    record(7, "support.request.status_changed", "support_request-3",
           R"({"supportRequestId":3,"from":"open","to":"resolved","resolutionNote":null,)"
           R"("reason":"staff","customerId":7,"assignedAdminId":100})");
const events::EventRecord kAway =
    record(8, "agent.status_changed", "agent-100",
           R"({"accountId":100,"from":"available","to":"away","reason":"self"})");

std::vector<std::string> names(const std::vector<QueueFeedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e.name);
  return out;
}

struct Harness {
  AccessRules rules;
  struct Call {
    std::int64_t account;
    std::string status;
  };
  std::vector<Call> calls;
  SocketServer server;
  RealtimeFeed feed;
  int next_id = 0;

  Harness()
      : server(
            SocketServerOptions{},
            RealtimeAuth{[this](std::string_view a) { return rules.authenticate(a); }},
            [this](const auth::Identity& who, std::string_view token, const RoomRef& room) {
              return rules.authorize(who, token, room);
            },
            [](const RoomRef&, std::uint64_t, std::optional<std::string>) -> Result<std::string> {
              return std::string(R"({"ok":true})");
            },
            SessionRecovery{},
            [this](const auth::Identity& who, std::string status,
                   std::function<void(std::string)> done) {
              calls.push_back({who.accountId, status});
              done(R"({"ok":true,"status":")" + status + "\"}");
            }),
        feed(server, FeedOptions{std::string(kEpoch), 10},
             [](std::int64_t) { return std::optional<std::string>(); }) {
    rules.jwts["Bearer admin-200"] =
        auth::Identity::staff(200, "admin", auth::PermissionSet::all());
  }

  std::shared_ptr<FakeConnection> connect(std::string token) {
    auto c = std::make_shared<FakeConnection>("conn-" + std::to_string(++next_id));
    ConnectionInfo info;
    info.client_ip = "127.0.0.1";
    server.on_open(c, info);
    server.on_message(c, R"(0/support,{"token":")" + token + R"("})");
    c->take();
    return c;
  }
};

}  // namespace

TEST_SUITE("realtime") {
  TEST_CASE("queue feed: log events become seed 002 events for their rooms") {
    auto created = queue_feed_events(kCreated, kEpoch);
    REQUIRE(names(created) == std::vector<std::string>{"new-ticket"});
    CHECK(created[0].rooms == std::vector<std::string>{"agents", "admins"});
    CHECK(created[0].json ==
          R"({"eventId":5,"logEpoch":"0123456789abcdef0123456789abcdef",)"
          R"("type":"support.request.created","occurredAt":"2026-11-22T10:17:30.000Z",)"
          R"("item":{"type":"support_request","id":3},"priority":"medium",)"
          R"("category":"billing","customerId":7})");

    auto assigned = queue_feed_events(kAssigned, kEpoch);
    REQUIRE(names(assigned) == std::vector<std::string>{"ticket-assigned", "ticket-updated"});
    CHECK(assigned[0].rooms == std::vector<std::string>{"agent:100"});
    CHECK(assigned[1].rooms ==
          std::vector<std::string>{"admins", "agent:100", "agent:101", "customer:7"});
    CHECK(assigned[0].json.find(R"("reason":"auto")") != std::string::npos);
    CHECK(assigned[0].json.find(R"("eventId":6)") != std::string::npos);

    auto resolved = queue_feed_events(kResolved, kEpoch);
    REQUIRE(names(resolved) == std::vector<std::string>{"ticket-updated"});
    CHECK(resolved[0].rooms == std::vector<std::string>{"admins", "agent:100", "customer:7"});
    CHECK(resolved[0].json.find(R"("change":"status","from":"open","to":"resolved")") !=
          std::string::npos);

    // An inquiry's status change also reaches its guest, without anyone's ids.
    auto closed = queue_feed_events(
        record(8, "support.inquiry.status_changed", "support_inquiry-4",
               R"({"supportInquiryId":4,"from":"active","to":"closed","reason":"staff",)"
               R"("assignedAdminId":100,"customerId":7})"),
        kEpoch);
    REQUIRE(names(closed) == std::vector<std::string>{"ticket-updated", "ticket-updated"});
    CHECK(closed[0].rooms == std::vector<std::string>{"admins", "agent:100", "customer:7"});
    CHECK(closed[1].rooms == std::vector<std::string>{"guest:4"});
    CHECK(closed[1].json ==
          R"({"eventId":8,"logEpoch":"0123456789abcdef0123456789abcdef",)"
          R"("type":"support.inquiry.status_changed","occurredAt":"2026-11-22T10:17:30.000Z",)"
          R"("item":{"type":"support_inquiry","id":4},"change":"status","from":"active",)"
          R"("to":"closed"})");

    // Linked to a request: the guest hears it as the status it is.
    auto linked = queue_feed_events(
        record(9, "support.inquiry.linked", "support_inquiry-4",
               R"({"supportInquiryId":4,"supportRequestId":3,"created":false,"from":"waiting"})"),
        kEpoch);
    REQUIRE(names(linked) == std::vector<std::string>{"ticket-updated"});
    CHECK(linked[0].rooms == std::vector<std::string>{"guest:4"});
    CHECK(linked[0].json.find(R"("change":"status","from":"waiting","to":"linked"})") !=
          std::string::npos);

    auto away = queue_feed_events(kAway, kEpoch);
    REQUIRE(names(away) == std::vector<std::string>{"agent-status-changed"});
    CHECK(away[0].rooms == std::vector<std::string>{"admins", "agent:100"});

    // Unassigning: no ticket-assigned, the update still goes out.
    auto unassigned = queue_feed_events(
        record(9, "support.request.assigned", "support_request-3",
               R"({"supportRequestId":3,"assignedAdminId":null,"previousAdminId":100})"),
        kEpoch);
    CHECK(names(unassigned) == std::vector<std::string>{"ticket-updated"});
    CHECK(unassigned[0].json.find(R"("reason":"manual")") != std::string::npos);
    CHECK(queue_feed_events(
              record(10, "support.request_message.created", "support_request-3", "{}"), kEpoch)
              .empty());
  }

  TEST_CASE("queue feed: a breach goes to the admins and the assignee, never the customer") {
    const events::EventRecord breached = record(
        9, "support.inquiry.sla_breached", "support_inquiry-4",
        R"({"supportInquiryId":4,"target":"firstResponse","dueAt":"2026-11-22T10:18:30.000Z",)"
        R"("escalatedFrom":"medium","escalatedTo":"high","note":"First response missed.",)"
        R"("customerId":7,"assignedAdminId":100})");
    auto events = queue_feed_events(breached, kEpoch);
    REQUIRE(names(events) == std::vector<std::string>{"sla-breach"});
    CHECK(events[0].rooms == std::vector<std::string>{"admins", "agent:100"});
    CHECK(events[0].json ==
          R"({"eventId":9,"logEpoch":"0123456789abcdef0123456789abcdef",)"
          R"("type":"support.inquiry.sla_breached","occurredAt":"2026-11-22T10:17:30.000Z",)"
          R"("item":{"type":"support_inquiry","id":4},"target":"firstResponse",)"
          R"("dueAt":"2026-11-22T10:18:30.000Z","escalatedFrom":"medium","escalatedTo":"high",)"
          R"("note":"First response missed.","assignedAdminId":100})");
    const events::EventRecord unassigned =
        record(10, "support.request.sla_breached", "support_request-3",
               R"({"supportRequestId":3,"target":"resolution","dueAt":"2026-11-22T12:17:30.000Z",)"
               R"("escalatedFrom":null,"escalatedTo":null,"note":"Resolution missed.",)"
               R"("customerId":7,"assignedAdminId":null})");
    events = queue_feed_events(unassigned, kEpoch);
    REQUIRE(names(events) == std::vector<std::string>{"sla-breach"});
    CHECK(events[0].rooms == std::vector<std::string>{"admins"});
    // Clock bookkeeping is not on the feed.
    CHECK(queue_feed_events(record(11, "support.request.sla_updated", "support_request-3", "{}"),
                            kEpoch)
              .empty());
  }

  TEST_CASE("queue feed: the rooms of each identity") {
    using auth::Identity;
    using auth::Permission;
    CHECK(queue_feed_rooms(Identity::customer(7)) == std::vector<std::string>{"customer:7"});
    CHECK(queue_feed_rooms(Identity::staff(3, "agent", {Permission::kSupportRequestsRead})) ==
          std::vector<std::string>{"agent:3", "agents"});
    CHECK(queue_feed_rooms(Identity::staff(4, "admin", auth::PermissionSet::all())) ==
          std::vector<std::string>{"agent:4", "admins"});
    CHECK(queue_feed_rooms(Identity::staff(5, "agent", {Permission::kFeedbackRead})) ==
          std::vector<std::string>{"agent:5"});
    CHECK(queue_feed_rooms(Identity::guest(4)) == std::vector<std::string>{"guest:4"});
    CHECK(queue_feed_rooms(Identity::anonymous()).empty());
  }

  TEST_CASE("queue feed: each connection gets an event once, ticket-assigned only its own") {
    Harness h;
    auto agent = h.connect("staff-all");       // agent 100
    auto other = h.connect("staff-requests");  // agent 101
    auto admin = h.connect("admin-200");
    auto owner = h.connect("customer-7");
    auto stranger = h.connect("customer-8");
    h.feed.on_commit(std::vector{kCreated, kAssigned});
    auto named = [](const std::vector<std::string>& packets) {
      std::vector<std::string> out;
      for (const std::string& p : packets) {
        const auto start = p.find("[\"") + 2;
        out.push_back(p.substr(start, p.find('"', start) - start));
      }
      return out;
    };
    CHECK(named(agent->take()) == std::vector<std::string>{"support.request.created", "new-ticket",
                                                           "support.request.assigned",
                                                           "ticket-assigned", "ticket-updated"});
    // 101 lost the item: the update, not the assignment.
    CHECK(named(other->take()) == std::vector<std::string>{"support.request.created", "new-ticket",
                                                           "support.request.assigned",
                                                           "ticket-updated"});
    CHECK(named(admin->take()) == std::vector<std::string>{"support.request.created", "new-ticket",
                                                           "support.request.assigned",
                                                           "ticket-updated"});
    CHECK(named(owner->take()) == std::vector<std::string>{"ticket-updated"});
    CHECK(stranger->take().empty());
  }

  TEST_CASE("queue feed: queue-updated goes to the teams, and a team socket gets the last one") {
    Harness h;
    auto early = h.connect("staff-all");
    auto customer = h.connect("customer-7");
    const std::string depth = queue_updated_json({3, {{"high", 1}, {"low", 2}}}, 42, kEpoch);
    CHECK(depth == R"({"eventId":42,"logEpoch":"0123456789abcdef0123456789abcdef","depth":3,)"
                   R"("byPriority":{"high":1,"low":2}})");
    CHECK(h.server.publish_queue_depth(depth, 42) == 1);
    CHECK(early->take() == std::vector<std::string>{"2/support,[\"queue-updated\"," + depth + "]"});
    CHECK(customer->take().empty());

    // A socket that connects later gets it right after the CONNECT reply.
    auto late = std::make_shared<FakeConnection>("late");
    h.server.on_open(late, ConnectionInfo{});
    h.server.on_message(late, R"(0/support,{"token":"admin-200"})");
    auto sent = late->take();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].starts_with("0/support,{\"sid\""));
    CHECK(sent[1] == "2/support,[\"queue-updated\"," + depth + "]");
  }

  TEST_CASE("queue feed: agent-status sets the staff member's status and acks") {
    Harness h;
    auto agent = h.connect("staff-all");
    h.server.on_message(agent, R"(2/support,7["agent-status",{"status":"available"}])");
    CHECK(agent->take() ==
          std::vector<std::string>{R"(3/support,7[{"ok":true,"status":"available"}])"});
    REQUIRE(h.calls.size() == 1);
    CHECK(h.calls[0].account == 100);
    CHECK(h.calls[0].status == "available");

    h.server.on_message(agent, R"(2/support,8["agent-status",{"status":"asleep"}])");
    auto invalid = agent->take();
    REQUIRE(invalid.size() == 1);
    CHECK(invalid[0].find("VALIDATION_ERROR") != std::string::npos);
    auto customer = h.connect("customer-7");
    h.server.on_message(customer, R"(2/support,9["agent-status",{"status":"busy"}])");
    auto refused = customer->take();
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].find("FORBIDDEN") != std::string::npos);
    CHECK(h.calls.size() == 1);
  }
}

}  // namespace docket::realtime

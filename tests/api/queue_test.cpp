// Agents and the work queue over real HTTP: the agent's own profile and status, the
// admin's view and changes, taking (16 concurrent takers, one winner), capacity under
// concurrent takes and manual assignment, automatic assignment of the oldest
// highest-priority item, the queue listing and stats, and the queue's metrics.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "http/testing/raw_client.h"
#include "tests/api/api_fixture.h"
#include "tests/support/test_support.h"

namespace docket::api_testing {
namespace {

// A staff member created by the admin; returns {id, token}.
std::pair<std::int64_t, std::string> staff(ApiServer& s, const std::string& admin,
                                           const std::string& email,
                                           std::string_view role = "agent") {
  auto r = s.call("POST", "/api/admin/staff",
                  R"({"email":")" + email +
                      R"(","password":"password-123","name":"Agent",)"
                      R"("role":")" +
                      std::string(role) + R"("})",
                  admin);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return {r.data_int("id"), s.login(email, "password-123")};
}

std::int64_t request(ApiServer& s, const std::string& customer, std::string_view category,
                     std::string_view subject = "Help") {
  auto r = s.call("POST", "/api/mobile/support-requests",
                  R"({"subject":")" + std::string(subject) + R"(","category":")" +
                      std::string(category) + R"(","message":"Please help"})",
                  customer);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_int("id");
}

// The status of a call made from another thread (no doctest assertion there).
int status_of(std::uint16_t port, const std::string& method, const std::string& path,
              const std::string& body, const std::string& token, std::string* out = nullptr) {
  auto raw = http::testing::fetch(
      port, http::testing::body_request(method, path, "application/json", body,
                                        "Authorization: Bearer " + token + "\r\n"));
  if (!raw) return 0;
  if (out) *out = raw->body;
  return raw->status;
}

std::optional<std::int64_t> assignee(ApiServer& s, const std::string& admin, std::int64_t id) {
  auto r = s.call("GET", "/api/admin/support-requests/" + std::to_string(id), {}, admin);
  REQUIRE(r.status == 200);
  auto v = r.json["data"]["assignedAdminId"];
  if (v.is_null()) return std::nullopt;
  return v.get_int64().value();
}

// The assignee once the queue has assigned the request (nullopt after 10 s).
std::optional<std::int64_t> eventual_assignee(ApiServer& s, const std::string& admin,
                                              std::int64_t id) {
  docket::testing::eventually([&] { return assignee(s, admin, id).has_value(); });
  return assignee(s, admin, id);
}

void no_auto_queue(Config& c) {
  c.queue_enabled = false;
}

void fast_queue(Config& c) {
  c.queue_interval_seconds = 1;
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("agents: my profile starts offline with the default capacity; I set my status") {
    ApiServer server({}, nullptr, no_auto_queue);
    const std::string admin = server.admin_token();
    auto [id, token] = staff(server, admin, "ann@example.com");
    auto me = server.call("GET", "/api/agents/me", {}, token);
    REQUIRE_MESSAGE(me.status == 200, me.raw.body);
    CHECK(me.data_int("accountId") == id);
    CHECK(me.data_string("status") == "offline");
    CHECK(me.data_int("maxOpenItems") == 5);
    CHECK(me.data_int("openItems") == 0);
    CHECK(me.json["data"]["shift"].is_null());
    CHECK(me.json["data"]["inShift"].get_bool().value());

    auto set = server.call("PATCH", "/api/agents/me/status", R"({"status":"available"})", token);
    REQUIRE_MESSAGE(set.status == 200, set.raw.body);
    CHECK(set.data_string("status") == "available");
    // The same status again is a no-op, not an error.
    CHECK(
        server.call("PATCH", "/api/agents/me/status", R"({"status":"available"})", token).status ==
        200);
    auto bad = server.call("PATCH", "/api/agents/me/status", R"({"status":"asleep"})", token);
    CHECK(bad.status == 400);
    CHECK(bad.error_code() == "VALIDATION_ERROR");
    // Customers are not agents; agents cannot manage other agents.
    const std::string customer = server.register_customer("c@example.com");
    CHECK(server.call("GET", "/api/agents/me", {}, customer).status == 403);
    CHECK(server.call("GET", "/api/admin/agents", {}, token).status == 403);
  }

  TEST_CASE("agents: admins see every agent with load and metrics, and change profiles") {
    ApiServer server({}, nullptr, no_auto_queue);
    const std::string admin = server.admin_token();
    auto [id, token] = staff(server, admin, "ann@example.com");
    const std::string path = "/api/admin/agents/" + std::to_string(id);
    auto patched = server.call(
        "PATCH", path,
        R"({"maxOpenItems":2,"skills":["billing"],"status":"available","shift":)"
        R"({"timezone":"Europe/Berlin","weekly":[{"day":"mon","start":"09:00","end":"17:00"}]}})",
        admin);
    REQUIRE_MESSAGE(patched.status == 200, patched.raw.body);
    CHECK(patched.data_int("maxOpenItems") == 2);
    CHECK(patched.json["data"]["skills"].at(0).get_string().value() == "billing");
    CHECK(patched.json["data"]["shift"]["timezone"].get_string().value() == "Europe/Berlin");
    CHECK(patched.data_string("status") == "available");
    CHECK_FALSE(patched.json["data"]["nextShiftChangeAt"].is_null());

    auto zone =
        server.call("PATCH", path, R"({"shift":{"timezone":"Mars/Base","weekly":[]}})", admin);
    CHECK(zone.status == 400);
    CHECK(zone.error_code() == "VALIDATION_ERROR");
    CHECK(zone.raw.body.find("\"field\":\"shift\"") != std::string::npos);
    CHECK(server.call("PATCH", path, R"({"skills":["astrology"]})", admin).status == 400);
    CHECK(server.call("PATCH", path, R"({})", admin).status == 400);
    CHECK(server.call("PATCH", path, R"({"shift":{}})", admin).json["data"]["shift"].is_null());
    CHECK(server.call("GET", "/api/admin/agents/999", {}, admin).error_code() == "AGENT_NOT_FOUND");

    auto list = server.call("GET", "/api/admin/agents?from=2020-01-01", {}, admin);
    REQUIRE_MESSAGE(list.status == 200, list.raw.body);
    bool seen = false;
    for (auto agent : list.json["data"].get_array()) {
      if (agent["accountId"].get_int64().value() != id) continue;
      seen = true;
      CHECK(agent["metrics"]["assigned"].get_int64().value() == 0);
      CHECK(agent["metrics"]["from"].get_string().value() == "2020-01-01T00:00:00.000Z");
    }
    CHECK(seen);
    CHECK(server.call("GET", "/api/admin/agents?from=2030-01-01&to=2020-01-01", {}, admin).status ==
          400);
  }

  TEST_CASE("queue: 16 agents take the same item at once: exactly one wins") {
    ApiServer server({}, nullptr, no_auto_queue);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("c@example.com");
    const std::int64_t item = request(server, customer, "technical");
    std::vector<std::pair<std::int64_t, std::string>> agents;
    for (int i = 0; i < 16; ++i)
      agents.push_back(staff(server, admin, "a" + std::to_string(i) + "@example.com"));
    std::vector<int> statuses(agents.size());
    std::vector<std::string> bodies(agents.size());
    std::vector<std::thread> takers;
    const std::string body = R"({"supportRequestId":)" + std::to_string(item) + "}";
    for (std::size_t i = 0; i < agents.size(); ++i) {
      takers.emplace_back([&, i] {
        statuses[i] = status_of(server.port(), "POST", "/api/admin/queue/take", body,
                                agents[i].second, &bodies[i]);
      });
    }
    for (auto& t : takers)
      t.join();
    int won = 0, lost = 0;
    std::int64_t winner = 0;
    for (std::size_t i = 0; i < agents.size(); ++i) {
      if (statuses[i] == 200) {
        ++won;
        winner = agents[i].first;
      } else if (statuses[i] == 409 && bodies[i].find("QUEUE_ITEM_TAKEN") != std::string::npos) {
        ++lost;
      }
    }
    CHECK(won == 1);
    CHECK(lost == 15);
    CHECK(assignee(server, admin, item) == winner);
  }

  TEST_CASE("queue: concurrent takes never pass an agent's capacity; manual assignment checks it") {
    ApiServer server({}, nullptr, no_auto_queue);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("c@example.com");
    auto [id, token] = staff(server, admin, "ann@example.com");
    REQUIRE(server
                .call("PATCH", "/api/admin/agents/" + std::to_string(id), R"({"maxOpenItems":3})",
                      admin)
                .status == 200);
    std::vector<std::int64_t> items;
    for (int i = 0; i < 16; ++i)
      items.push_back(request(server, customer, "billing"));
    std::vector<int> statuses(items.size());
    std::vector<std::thread> takers;
    for (std::size_t i = 0; i < items.size(); ++i) {
      takers.emplace_back([&, i] {
        statuses[i] = status_of(server.port(), "POST", "/api/admin/queue/take",
                                R"({"supportRequestId":)" + std::to_string(items[i]) + "}", token);
      });
    }
    for (auto& t : takers)
      t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 3);
    CHECK(std::count(statuses.begin(), statuses.end(), 409) == 13);
    auto me = server.call("GET", "/api/agents/me", {}, token);
    CHECK(me.data_int("openItems") == 3);

    // Staff assignment checks capacity too, unless forced.
    std::int64_t free_item = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (statuses[i] != 200) free_item = items[i];
    }
    const std::string assign =
        "/api/admin/support-requests/" + std::to_string(free_item) + "/assign";
    auto full =
        server.call("PATCH", assign, R"({"assignedAdminId":)" + std::to_string(id) + "}", admin);
    CHECK(full.status == 409);
    CHECK(full.error_code() == "AGENT_AT_CAPACITY");
    CHECK(server
              .call("PATCH", assign,
                    R"({"assignedAdminId":)" + std::to_string(id) + R"(,"force":true})", admin)
              .status == 200);
    CHECK(server.call("GET", "/api/agents/me", {}, token).data_int("openItems") == 4);
    // take {} with nothing the agent may take (at capacity): refused.
    CHECK(server.call("POST", "/api/admin/queue/take", "{}", token).error_code() ==
          "AGENT_AT_CAPACITY");
  }

  TEST_CASE("queue: take {} gets the oldest highest-priority item; the queue lists the rest") {
    ApiServer server({}, nullptr, no_auto_queue);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("c@example.com");
    auto [id, token] = staff(server, admin, "ann@example.com");
    const auto low = request(server, customer, "general");      // low
    const auto high1 = request(server, customer, "technical");  // high
    const auto high2 = request(server, customer, "technical");  // high, younger
    auto queue = server.call("GET", "/api/admin/queue", {}, admin);
    REQUIRE_MESSAGE(queue.status == 200, queue.raw.body);
    auto items = queue.json["data"].get_array().value();
    REQUIRE(items.size() == 3);
    CHECK(items.at(0)["id"].get_int64().value() == high1);
    CHECK(items.at(1)["id"].get_int64().value() == high2);
    CHECK(items.at(2)["id"].get_int64().value() == low);
    CHECK(items.at(0)["ageSeconds"].get_double().value() >= 0);

    auto taken = server.call("POST", "/api/admin/queue/take", "{}", token);
    REQUIRE_MESSAGE(taken.status == 200, taken.raw.body);
    CHECK(taken.json["data"]["item"]["id"].get_int64().value() == high1);
    CHECK(taken.json["data"]["agent"]["openItems"].get_int64().value() == 1);
    auto stats = server.call("GET", "/api/admin/queue/stats", {}, admin);
    REQUIRE(stats.status == 200);
    CHECK(stats.data_int("depth") == 2);
    CHECK(stats.json["data"]["byPriority"]["high"].get_int64().value() == 1);
    CHECK(stats.json["data"]["byPriority"]["low"].get_int64().value() == 1);
    CHECK(server
              .call("POST", "/api/admin/queue/take",
                    R"({"supportRequestId":1,"supportInquiryId":1})", token)
              .status == 400);
    CHECK(server.call("POST", "/api/admin/queue/take", R"({"supportRequestId":999})", token)
              .error_code() == "SUPPORT_REQUEST_NOT_FOUND");
  }

  TEST_CASE("queue: an agent going available gets the oldest highest-priority item by itself") {
    ApiServer server({}, nullptr, fast_queue);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("c@example.com");
    auto [id, token] = staff(server, admin, "ann@example.com");
    REQUIRE(server
                .call("PATCH", "/api/admin/agents/" + std::to_string(id), R"({"maxOpenItems":1})",
                      admin)
                .status == 200);
    const auto low = request(server, customer, "general");
    const auto high = request(server, customer, "technical");
    REQUIRE(
        server.call("PATCH", "/api/agents/me/status", R"({"status":"available"})", token).status ==
        200);
    CHECK(eventual_assignee(server, admin, high) == id);
    CHECK_FALSE(assignee(server, admin, low).has_value());  // capacity 1
    // The log says why: actor system, reason auto.
    auto events =
        server.runtime().store().read_stream("support_request-" + std::to_string(high), 1, 100);
    REQUIRE(events.ok());
    CHECK(events->back().type == "support.request.assigned");
    CHECK(events->back().data.find(R"("reason":"auto")") != std::string::npos);
    CHECK(events->back().actor.type == "system");
    // Resolving frees the place: the low one follows.
    REQUIRE(server
                .call("PATCH", "/api/admin/support-requests/" + std::to_string(high) + "/status",
                      R"({"status":"resolved"})", admin)
                .status == 200);
    CHECK(eventual_assignee(server, admin, low) == id);
    auto metrics = server.call("GET", "/metrics");
    CHECK(metrics.raw.body.find("docket_queue_depth 0") != std::string::npos);
    CHECK(metrics.raw.body.find("docket_queue_assignments_total{reason=\"auto\"} 2") !=
          std::string::npos);
    CHECK(metrics.raw.body.find("docket_queue_oldest_waiting_seconds") != std::string::npos);
    CHECK(metrics.raw.body.find("docket_queue_agents{status=\"available\"} 1") !=
          std::string::npos);
    CHECK(metrics.raw.body.find("docket_queue_agent_open_items{agent=\"" + std::to_string(id) +
                                "\"} 1") != std::string::npos);
    CHECK(metrics.raw.body.find("docket_queue_agent_capacity{agent=\"" + std::to_string(id) +
                                "\"} 1") != std::string::npos);
    auto list = server.call("GET", "/api/admin/agents/" + std::to_string(id), {}, admin);
    CHECK(list.json["data"]["metrics"]["assignedAuto"].get_int64().value() == 2);
    CHECK(list.json["data"]["metrics"]["resolved"].get_int64().value() == 1);
  }
}

}  // namespace docket::api_testing

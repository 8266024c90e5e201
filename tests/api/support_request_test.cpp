// Support requests over real HTTP: customer tickets, the admin workflow, the lifecycle
// table, isolation between customers, ticket numbers and priorities.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

#include "domain/support_request.h"
#include "events/event_store.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

std::string create_body(std::string_view subject, std::string_view category,
                        std::string_view message = "It does not work") {
  return R"({"subject":")" + std::string(subject) + R"(","category":")" + std::string(category) +
         R"(","message":")" + std::string(message) + R"("})";
}

std::int64_t create(ApiServer& s, const std::string& token, std::string_view subject,
                    std::string_view category) {
  auto r = s.call("POST", "/api/mobile/support-requests", create_body(subject, category), token);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_int("id");
}

std::string path(std::int64_t id, std::string_view tail = "", bool admin = true) {
  return std::string(admin ? "/api/admin/support-requests/" : "/api/mobile/support-requests/") +
         std::to_string(id) + std::string(tail);
}

ApiResponse set_status(ApiServer& s, const std::string& admin, std::int64_t id,
                       std::string_view status, std::string_view note = "") {
  std::string body = R"({"status":")" + std::string(status) + "\"";
  if (!note.empty()) body += R"(,"resolutionNote":")" + std::string(note) + "\"";
  body += "}";
  return s.call("PATCH", path(id, "/status"), body, admin);
}

std::int64_t total(const ApiResponse& r) {
  return r.json["pagination"]["total"].get_int64().value();
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("a customer opens a request: ticket number, automatic priority, first message") {
    ApiServer server;
    const std::string ann = server.register_customer("ann@example.com");
    auto r = server.call("POST", "/api/mobile/support-requests",
                         R"({"subject":"App crashes","category":"technical",)"
                         R"("message":"It crashes\non start","metadata":{"appVersion":"2.1"}})",
                         ann);
    REQUIRE_MESSAGE(r.status == 201, r.raw.body);
    const std::string number = r.data_string("ticketNumber");
    CHECK(number.size() == 15);
    CHECK(number.starts_with("SUP-20"));
    CHECK(number.ends_with("-000001"));
    CHECK(r.data_string("priority") == "high");
    CHECK(r.data_string("status") == "open");
    CHECK(r.json["data"]["assignedAdminId"].is_null());
    CHECK(r.json["data"]["resolutionNote"].is_null());
    CHECK(r.json["data"]["metadata"]["appVersion"].get_string().value() == "2.1");
    auto messages = r.json["data"]["messages"].get_array().value();
    REQUIRE(messages.size() == 1);
    CHECK(messages.at(0)["senderType"].get_string().value() == "customer");
    CHECK(messages.at(0)["message"].get_string().value() == "It crashes\non start");
    CHECK(messages.at(0)["eventId"].get_int64().value() > 0);
    CHECK(server.runtime().store().unique_owner("ticket:" + number).value() == "support_request-1");

    CHECK(server.call("POST", "/api/mobile/support-requests", create_body("x", "billing"), ann)
              .data_string("priority") == "medium");
    CHECK(server.call("POST", "/api/mobile/support-requests", create_body("x", "feature"), ann)
              .data_string("priority") == "low");

    auto bad = server.call("POST", "/api/mobile/support-requests",
                           R"({"subject":"","category":"weather","status":"closed"})", ann);
    CHECK(bad.status == 400);
    const std::string details = simdjson::minify(bad.json["details"]);
    CHECK(details.find(R"("field":"category","rule":"enum")") != std::string::npos);
    CHECK(details.find(R"("field":"message","rule":"required")") != std::string::npos);
    CHECK(details.find(R"("field":"status","rule":"unknown")") != std::string::npos);
    CHECK(server.call("POST", "/api/mobile/support-requests", create_body("x", "general")).status ==
          401);
    CHECK(server
              .call("POST", "/api/mobile/support-requests", create_body("x", "general"),
                    server.admin_token())
              .status == 403);
  }

  TEST_CASE("customers see only their own requests; others answer like missing ones") {
    ApiServer server;
    const std::string ann = server.register_customer("ann@example.com");
    const std::string bob = server.register_customer("bob@example.com");
    const std::int64_t mine = create(server, ann, "Mine", "general");
    create(server, bob, "Bob's", "general");

    auto list = server.call("GET", "/api/mobile/support-requests", {}, ann);
    REQUIRE(list.status == 200);
    CHECK(total(list) == 1);
    auto foreign = server.call("GET", path(mine, "", false), {}, bob);
    auto missing = server.call("GET", path(999, "", false), {}, bob);
    CHECK(foreign.status == 404);
    CHECK(foreign.error_code() == "SUPPORT_REQUEST_NOT_FOUND");
    CHECK(missing.error_code() == foreign.error_code());
    auto reply = server.call("POST", path(mine, "/messages", false), R"({"message":"hi"})", bob);
    CHECK(reply.status == 404);
    CHECK(server.call("GET", path(mine, "", false), {}, ann).status == 200);
  }

  TEST_CASE("lifecycle: every transition, notes, reopen on reply, closed refuses both sides") {
    ApiServer server;
    const std::string ann = server.register_customer("ann@example.com");
    const std::string admin = server.admin_token();
    const std::set<std::pair<std::string, std::string>> allowed = {
        {"open", "in_progress"}, {"open", "resolved"},        {"open", "closed"},
        {"in_progress", "open"}, {"in_progress", "resolved"}, {"in_progress", "closed"},
        {"resolved", "open"},    {"resolved", "in_progress"}, {"resolved", "closed"}};
    const char* statuses[] = {"open", "in_progress", "resolved", "closed"};
    for (const char* from : statuses) {
      for (const char* to : statuses) {
        CAPTURE(from);
        CAPTURE(to);
        const std::int64_t id = create(server, ann, "t", "general");
        if (std::string(from) != "open") {
          // Reach `from` through an allowed path.
          REQUIRE(set_status(server, admin, id, from).status == 200);
        }
        auto r = set_status(server, admin, id, to);
        const bool ok = allowed.count({from, to}) == 1;
        CHECK(domain::status_transition_allowed(from, to) == ok);
        if (ok) {
          CHECK(r.status == 200);
          CHECK(r.data_string("status") == to);
        } else {
          CHECK(r.status == 409);
          CHECK(r.error_code() == "INVALID_STATUS_TRANSITION");
        }
      }
    }

    const std::int64_t id = create(server, ann, "Refund", "billing");
    auto note_on_open = set_status(server, admin, id, "in_progress", "done");
    CHECK(note_on_open.status == 400);
    auto resolved = set_status(server, admin, id, "resolved", "Refund issued");
    REQUIRE(resolved.status == 200);
    CHECK(resolved.data_string("resolutionNote") == "Refund issued");
    CHECK(!resolved.data_string("resolvedAt").empty());

    auto reopened =
        server.call("POST", path(id, "/messages", false), R"({"message":"Still missing"})", ann);
    REQUIRE(reopened.status == 201);
    // The answer is the message and the request's fields, not the thread.
    CHECK(std::string(reopened.json["data"]["supportRequest"]["status"].get_string().value()) ==
          "open");
    CHECK(std::string(reopened.json["data"]["message"]["message"].get_string().value()) ==
          "Still missing");
    CHECK(reopened.json["data"]["message"]["eventId"].get_int64().value() > 0);
    CHECK(reopened.json["data"]["supportRequest"]["messages"].error() == simdjson::NO_SUCH_FIELD);
    REQUIRE(set_status(server, admin, id, "closed", "No reply").status == 200);
    auto customer_on_closed =
        server.call("POST", path(id, "/messages", false), R"({"message":"hello?"})", ann);
    CHECK(customer_on_closed.status == 409);
    CHECK(customer_on_closed.error_code() == "SUPPORT_REQUEST_CLOSED");
    auto admin_on_closed = server.call("POST", path(id, "/messages"), R"({"message":"x"})", admin);
    CHECK(admin_on_closed.error_code() == "SUPPORT_REQUEST_CLOSED");
  }

  TEST_CASE("admin workflow: replies, assignment, priority override, filters and search") {
    ApiServer server;
    const std::string ann = server.register_customer("ann@example.com");
    const std::string admin = server.admin_token();
    auto agent = server.call(
        "POST", "/api/admin/staff",
        R"({"email":"agent@example.com","password":"agent-pass-1","name":"Ann","role":"agent"})",
        admin);
    REQUIRE(agent.status == 201);
    const std::int64_t agent_id = agent.data_int("id");
    const std::string agent_token = server.login("agent@example.com", "agent-pass-1");

    const std::int64_t a = create(server, ann, "Login broken", "technical");
    const std::int64_t b = create(server, ann, "Invoice question", "billing");
    create(server, ann, "Dark mode please", "feature");

    auto replied =
        server.call("POST", path(a, "/messages"), R"({"message":"Looking"})", agent_token);
    REQUIRE_MESSAGE(replied.status == 201, replied.raw.body);
    const std::string first_response =
        std::string(replied.json["data"]["supportRequest"]["firstResponseAt"].get_string().value());
    CHECK(!first_response.empty());
    server.call("POST", path(a, "/messages"), R"({"message":"Again"})", agent_token);
    // The customer is told by e-mail, once per admin reply: the default sink writes
    // .eml files under data/mail.
    REQUIRE(docket::testing::eventually([&] { return server.mails().size() >= 2; }));
    std::vector<std::string> mails;
    for (auto& [name, text] : server.mails())
      mails.push_back(std::move(text));
    REQUIRE(mails.size() == 2);
    std::sort(mails.begin(), mails.end(), [](const std::string& x, const std::string& y) {
      return x.find("Looking") != std::string::npos && y.find("Looking") == std::string::npos;
    });
    for (const std::string& mail : mails) {
      CHECK(mail.find("To: ann@example.com") != std::string::npos);
      CHECK(mail.find("SUP-") != std::string::npos);
    }
    CHECK(mails[0].find("Looking") != std::string::npos);
    CHECK(mails[1].find("Again") != std::string::npos);
    auto detail = server.call("GET", path(a), {}, admin);
    CHECK(detail.data_string("firstResponseAt") == first_response);
    CHECK(detail.json["data"]["messages"].get_array().value().size() == 3);
    CHECK(detail.json["data"]["customer"]["email"].get_string().value() == "ann@example.com");

    auto assigned = server.call("PATCH", path(a, "/assign"),
                                R"({"assignedAdminId":)" + std::to_string(agent_id) + "}", admin);
    REQUIRE(assigned.status == 200);
    CHECK(assigned.data_int("assignedAdminId") == agent_id);
    CHECK(server.call("PATCH", path(b, "/assign"), R"({"assignedAdminId":2})", admin).status ==
          400);  // account 2 is the customer
    CHECK(server.call("PATCH", path(b, "/assign"), R"({"assignedAdminId":999})", admin).status ==
          400);
    CHECK(server.call("PATCH", path(b, "/assign"), R"({})", admin).status == 400);

    auto by_agent = server.call(
        "GET", "/api/admin/support-requests?assignedAdminId=" + std::to_string(agent_id), {},
        admin);
    CHECK(total(by_agent) == 1);
    // Staff lists name the customer; the customer's own list does not repeat it.
    CHECK(by_agent.json["data"].at(0)["customerName"].get_string().value() ==
          detail.json["data"]["customer"]["name"].get_string().value());
    auto own_list = server.call("GET", "/api/mobile/support-requests", {}, ann);
    REQUIRE(own_list.status == 200);
    CHECK(own_list.json["data"].at(0)["customerName"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(total(server.call("GET", "/api/admin/support-requests?assignedAdminId=unassigned", {},
                            admin)) == 2);
    auto unassign = server.call("PATCH", path(a, "/assign"), R"({"assignedAdminId":null})", admin);
    CHECK(unassign.json["data"]["assignedAdminId"].is_null());

    auto urgent = server.call("PATCH", path(b, "/priority"), R"({"priority":"urgent"})", admin);
    CHECK(urgent.data_string("priority") == "urgent");
    auto by_priority =
        server.call("GET", "/api/admin/support-requests?sortBy=priority&sortOrder=desc", {}, admin);
    CHECK(by_priority.json["data"].at(0)["id"].get_int64().value() == b);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=INVOICE", {}, admin)) == 1);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=-000003", {}, admin)) == 1);
    // The trigram index finds any substring of 3+ characters, case-insensitively...
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=oice%20qu", {}, admin)) ==
          1);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=SUP-", {}, admin)) == 3);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=roken&status=open", {},
                            admin)) == 1);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=roken&status=closed", {},
                            admin)) == 0);
    auto newest = server.call("GET", "/api/admin/support-requests?search=SUP-", {}, admin);
    auto oldest =
        server.call("GET", "/api/admin/support-requests?search=SUP-&sortOrder=asc", {}, admin);
    CHECK(newest.json["data"].at(0)["id"].get_int64().value() == 3);
    CHECK(oldest.json["data"].at(0)["id"].get_int64().value() == a);
    auto by_rank = server.call(
        "GET", "/api/admin/support-requests?search=SUP-&sortBy=priority&sortOrder=desc", {}, admin);
    CHECK(by_rank.json["data"].at(0)["id"].get_int64().value() == b);  // urgent
    auto second_page =
        server.call("GET", "/api/admin/support-requests?search=SUP-&pageSize=2&page=2", {}, admin);
    CHECK(total(second_page) == 3);
    REQUIRE(second_page.json["data"].get_array().value().size() == 1);
    CHECK(second_page.json["data"].at(0)["id"].get_int64().value() == a);
    // ...shorter terms fall back to a scan with the same meaning...
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=DA", {}, admin)) == 1);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=e", {}, admin)) == 3);
    // ...and query syntax is only ever text.
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=%22Login%22", {}, admin)) ==
          0);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=Login%20OR%20Dark", {},
                            admin)) == 0);
    CHECK(total(server.call("GET", "/api/admin/support-requests?search=mode*", {}, admin)) == 0);
    CHECK(total(server.call("GET", "/api/admin/support-requests?category=technical&status=open", {},
                            admin)) == 1);
    CHECK(server.call("GET", "/api/admin/support-requests?sortBy=subject", {}, admin).status ==
          400);
    CHECK(server.call("GET", "/api/admin/support-requests", {}, ann).status == 403);

    // The agent preset reads and updates requests but cannot manage staff.
    CHECK(server.call("GET", "/api/admin/support-requests", {}, agent_token).status == 200);
    // The status-only counts are kept by the read model, not counted: they follow
    // every transition.
    REQUIRE(server.call("PATCH", path(b, "/status"), R"({"status":"in_progress"})", admin).status ==
            200);
    CHECK(total(server.call("GET", "/api/admin/support-requests?status=open", {}, admin)) == 2);
    CHECK(total(server.call("GET", "/api/admin/support-requests?status=in_progress", {}, admin)) ==
          1);
    CHECK(total(server.call("GET", "/api/admin/support-requests?status=closed", {}, admin)) == 0);
    CHECK(total(server.call("GET", "/api/admin/support-requests", {}, admin)) == 3);
    auto open_newest = server.call("GET", "/api/admin/support-requests?status=open", {}, admin);
    CHECK(open_newest.json["data"].at(0)["id"].get_int64().value() > a);  // createdAt desc
    auto page = server.call("GET", "/api/admin/support-requests?page=2&pageSize=2", {}, admin);
    CHECK(page.json["data"].get_array().value().size() == 1);
    CHECK(page.json["pagination"]["pages"].get_int64().value() == 2);
  }

  TEST_CASE("stats: figures on a known data set") {
    // 2026-11-20T10:00:00Z
    ManualClock clock(1'795'168'800'000);
    ApiServer server({}, &clock);
    const std::string ann = server.register_customer("ann@example.com");
    std::string admin = server.admin_token();
    const std::int64_t a = create(server, ann, "A", "technical");
    const std::int64_t b = create(server, ann, "B", "technical");
    const std::int64_t c = create(server, ann, "C", "billing");
    create(server, ann, "D", "feature");
    clock.advance(60'000);
    server.call("POST", path(a, "/messages"), R"({"message":"1"})", admin);  // 60 s
    clock.advance(60'000);
    server.call("POST", path(b, "/messages"), R"({"message":"2"})", admin);  // 120 s
    clock.advance(180'000);
    server.call("POST", path(c, "/messages"), R"({"message":"3"})", admin);  // 300 s
    REQUIRE(set_status(server, admin, a, "resolved").status == 200);         // 300 s
    clock.advance(24 * 3600 * 1000 - 300'000);                               // next day 10:00
    admin = server.admin_token();                                            // the old one expired
    REQUIRE(set_status(server, admin, b, "resolved").status == 200);         // 86400 s
    REQUIRE(set_status(server, admin, c, "closed").status == 200);
    server.call("POST", "/api/mobile/feedback",
                R"({"category":"general","message":"ok","rating":4})",
                server.login("ann@example.com", "password-123"));
    server.call("POST", "/api/mobile/feedback",
                R"({"category":"general","message":"ok","rating":5})",
                server.login("ann@example.com", "password-123"));

    auto r = server.call("GET", "/api/admin/stats", {}, admin);
    REQUIRE_MESSAGE(r.status == 200, r.raw.body);
    auto sr = r.json["data"]["supportRequests"];
    CHECK(sr["total"].get_int64().value() == 4);
    CHECK(sr["byStatus"]["open"].get_int64().value() == 1);
    CHECK(sr["byStatus"]["resolved"].get_int64().value() == 2);
    CHECK(sr["byStatus"]["closed"].get_int64().value() == 1);
    CHECK(sr["byStatus"]["in_progress"].get_int64().value() == 0);
    CHECK(sr["byPriority"]["high"].get_int64().value() == 2);
    CHECK(sr["byPriority"]["medium"].get_int64().value() == 1);
    CHECK(sr["byPriority"]["low"].get_int64().value() == 1);
    CHECK(sr["byCategory"]["technical"].get_int64().value() == 2);
    CHECK(sr["firstResponse"]["count"].get_int64().value() == 3);
    CHECK(sr["firstResponse"]["averageSeconds"].get_double().value() == doctest::Approx(160.0));
    CHECK(sr["firstResponse"]["p90Seconds"].get_double().value() == doctest::Approx(300.0));
    CHECK(sr["resolution"]["count"].get_int64().value() == 2);
    CHECK(sr["resolution"]["averageSeconds"].get_double().value() ==
          doctest::Approx((300.0 + 86400.0) / 2));
    CHECK(simdjson::minify(sr["resolvedPerDay"]) ==
          R"([{"date":"2026-11-20","count":1},{"date":"2026-11-21","count":1}])");
    auto fb = r.json["data"]["feedback"];
    CHECK(fb["total"].get_int64().value() == 2);
    CHECK(fb["byStatus"]["new"].get_int64().value() == 2);
    CHECK(fb["averageRating"].get_double().value() == doctest::Approx(4.5));

    auto none = server.call("GET", "/api/admin/stats?from=2026-11-21", {}, admin);
    CHECK(none.json["data"]["supportRequests"]["total"].get_int64().value() == 0);
    CHECK(none.json["data"]["supportRequests"]["firstResponse"]["averageSeconds"].is_null());
    auto window =
        server.call("GET", "/api/admin/stats?from=2026-11-20T00:00:00Z&to=2026-11-21", {}, admin);
    CHECK(window.json["data"]["supportRequests"]["total"].get_int64().value() == 4);
    CHECK(server.call("GET", "/api/admin/stats?from=yesterday", {}, admin).status == 400);
    CHECK(
        server.call("GET", "/api/admin/stats", {}, server.login("ann@example.com", "password-123"))
            .status == 403);
  }
}

}  // namespace docket::api_testing

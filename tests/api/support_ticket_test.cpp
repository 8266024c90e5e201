// Seed 001's ticket API over real HTTP (POST /api/support/ticket as its form sends it,
// the lookup by SUP number, GET /api/support/stats) and customer satisfaction ratings of
// resolved requests and inquiries.
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "core/config.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

constexpr std::string_view kForm = "/api/support/ticket";
constexpr UnixMillis kStart = 1'767'261'600'000;  // 2026-01-01T10:00:00Z

// Seed 001's CreateSupportTicketRequest, as its React form sends it.
std::string form_body(std::string_view subject, std::string_view extra = "") {
  return R"({"name":"Customer Name","email":"Customer@Email.com","subject":")" +
         std::string(subject) +
         R"(","message":"Support request...\nSecond line","timestamp":"2025-01-07T10:30:00.000Z",)"
         R"("userAgent":"Mozilla/5.0","url":"https://example.com/help")" +
         std::string(extra) + "}";
}

std::set<std::string> keys_of(simdjson::dom::element element) {
  std::set<std::string> out;
  simdjson::dom::object object;
  REQUIRE(!element.get_object().get(object));
  for (simdjson::dom::key_value_pair field : object)
    out.emplace(field.key);
  return out;
}

std::string str(simdjson::dom::element e) {
  std::string_view v;
  return e.get_string().get(v) ? std::string() : std::string(v);
}

std::int64_t num(simdjson::dom::element e) {
  std::int64_t v = 0;
  return e.get_int64().get(v) ? -1 : v;
}

std::pair<std::int64_t, std::string> make_staff(ApiServer& s, const std::string& admin,
                                                std::string_view role) {
  const std::string email = std::string(role) + "@example.com";
  auto created =
      s.call("POST", "/api/admin/staff",
             R"({"email":")" + email + R"(","password":"staff-pass-1","name":"Sam","role":")" +
                 std::string(role) + R"("})",
             admin);
  REQUIRE_MESSAGE(created.status == 201, created.raw.body);
  return {created.data_int("id"), s.login(email, "staff-pass-1")};
}

TEST_SUITE("seed 001 ticket api") {
  TEST_CASE(
      "support ticket: a guest's form ticket answers in seed 001's shape and is an inquiry "
      "with a SUP number") {
    ApiServer server;
    const std::string admin = server.admin_token();
    auto created = server.call("POST", kForm, form_body("technical", R"(,"userId":"user-42")"));
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    CHECK(keys_of(created.json) ==
          std::set<std::string>{"success", "data", "message", "timestamp"});
    CHECK(created.json["success"].get_bool().value());
    CHECK(str(created.json["message"]) == "Support ticket created successfully");
    const simdjson::dom::element data = created.json["data"];
    CHECK(keys_of(data) == std::set<std::string>{"id", "ticketNumber", "name", "email", "subject",
                                                 "message", "status", "priority", "submittedAt",
                                                 "trackingCode", "inquiryAccessToken"});
    const std::string number = str(data["ticketNumber"]);
    CHECK(std::regex_match(number, std::regex("SUP-2[0-9]{3}-[0-9]{6}")));
    CHECK(str(data["name"]) == "Customer Name");
    CHECK(str(data["email"]) == "customer@email.com");
    CHECK(str(data["subject"]) == "technical");
    CHECK(str(data["message"]) == "Support request...\nSecond line");
    CHECK(str(data["status"]) == "open");
    CHECK(str(data["priority"]) == "high");  // seed 001: technical is high
    const std::string stream = str(data["id"]);
    REQUIRE(stream.starts_with("support_inquiry-"));
    const std::int64_t inquiry = std::stoll(stream.substr(16));
    const std::string token = str(data["inquiryAccessToken"]);
    CHECK(token.starts_with("si_"));

    // The guest's conversation, with the token; the body's userId linked nothing.
    auto own = server.call("GET", "/api/support-inquiries/" + std::to_string(inquiry), {}, token);
    REQUIRE_MESSAGE(own.status == 200, own.raw.body);
    CHECK(own.data_string("ticketNumber") == number);
    CHECK(own.data_string("source") == "form");
    CHECK(own.data_string("subject") == "Support request...");  // the first line
    CHECK(own.data_string("category") == "technical");
    CHECK(own.data_string("priority") == "high");
    CHECK(own.json["data"]["customerId"].is_null());
    CHECK(own.data_string("guestEmail") == "customer@email.com");
    CHECK(!own.json["data"]["emailVerified"].get_bool().value());

    // Staff find it in the inbox by its number; the queue has it.
    auto inbox = server.call("GET", "/api/admin/support-inquiries?search=" + number, {}, admin);
    REQUIRE(inbox.status == 200);
    REQUIRE(inbox.json["data"].get_array().size() == 1);
    CHECK(str(inbox.json["data"].at(0)["ticketNumber"]) == number);
    auto queue = server.call("GET", "/api/admin/queue", {}, admin);
    CHECK_MESSAGE(queue.raw.body.find(R"("reference":")" + number + "\"") != std::string::npos,
                  queue.raw.body);

    // The number works for the lookup: status alone, the subject with the e-mail.
    auto plain = server.call("GET", "/api/support/ticket/" + number);
    REQUIRE_MESSAGE(plain.status == 200, plain.raw.body);
    CHECK(plain.data_string("kind") == "inquiry");
    CHECK(plain.data_string("priority") == "high");
    CHECK(plain.raw.body.find("Support request") == std::string::npos);
    auto personal =
        server.call("GET", "/api/support/ticket/" + number + "?email=customer@email.com");
    CHECK(personal.data_string("subject") == "Support request...");
  }

  TEST_CASE(
      "support ticket: a signed-in customer files a support request; the token, not the "
      "body, says who") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    auto me = server.call("GET", "/api/auth/me", {}, ann);
    const std::int64_t ann_id = me.data_int("id");
    // A guest form ticket first: both take numbers from one sequence.
    auto guest = server.call("POST", kForm, form_body("general"));
    REQUIRE(guest.status == 201);
    auto created = server.call("POST", kForm, form_body("billing", R"(,"userId":"999")"), ann);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    const simdjson::dom::element data = created.json["data"];
    CHECK(str(data["userId"]) == std::to_string(ann_id));  // never the body's 999
    CHECK(str(data["priority"]) == "medium");
    CHECK(data["inquiryAccessToken"].error() == simdjson::NO_SUCH_FIELD);
    const std::string number = str(data["ticketNumber"]);
    CHECK(number != str(guest.json["data"]["ticketNumber"]));
    REQUIRE(str(data["id"]).starts_with("support_request-"));
    const std::int64_t id = std::stoll(str(data["id"]).substr(16));

    auto detail =
        server.call("GET", "/api/admin/support-requests/" + std::to_string(id), {}, admin);
    REQUIRE(detail.status == 200);
    CHECK(detail.data_string("ticketNumber") == number);
    CHECK(detail.data_string("source") == "form");
    CHECK(detail.data_string("category") == "billing");
    CHECK(str(detail.json["data"]["metadata"]["form"]["url"]) == "https://example.com/help");
    CHECK(str(detail.json["data"]["metadata"]["form"]["userAgent"]) == "Mozilla/5.0");
    CHECK(server.call("GET", "/api/support/ticket/" + number + "?email=ann@example.com")
              .data_string("kind") == "support_request");
    CHECK(
        server.call("GET", "/api/mobile/support-requests/" + std::to_string(id), {}, ann).status ==
        200);
  }

  TEST_CASE("support ticket: bad forms are refused with the field at fault; staff do not file") {
    ApiServer server;
    const std::string admin = server.admin_token();
    auto field_of = [](const ApiResponse& r) { return str(r.json["details"].at(0)["field"]); };
    auto bad_subject = server.call("POST", kForm, form_body("shipping"));
    CHECK(bad_subject.status == 400);
    CHECK(bad_subject.error_code() == "VALIDATION_ERROR");
    CHECK(field_of(bad_subject) == "subject");
    auto bad_email = server.call(
        "POST", kForm,
        R"({"name":"A","email":"nope","subject":"general","message":"m","timestamp":"2025-01-07T10:30:00.000Z"})");
    CHECK(bad_email.status == 400);
    CHECK(field_of(bad_email) == "email");
    auto bad_time = server.call("POST", kForm, form_body("general", R"(,"extra":1)"));
    CHECK(bad_time.status == 400);
    CHECK(field_of(bad_time) == "extra");
    auto no_message =
        server.call("POST", kForm, R"({"name":"A","email":"a@b.co","subject":"general"})");
    CHECK(no_message.status == 400);
    CHECK(server.call("POST", kForm, form_body("general"), admin).status == 403);
    // Nothing was created.
    auto inbox = server.call("GET", "/api/admin/support-inquiries", {}, admin);
    CHECK(inbox.json["pagination"]["total"].get_int64().value() == 0);
  }

  TEST_CASE("support ticket: three tickets per ten minutes per client address") {
    ApiServer server({}, nullptr, [](Config& c) { c.rate_limit_enabled = true; });
    for (int i = 0; i < 3; ++i)
      REQUIRE(server.call("POST", kForm, form_body("general")).status == 201);
    auto limited = server.call("POST", kForm, form_body("general"));
    CHECK(limited.status == 429);
    CHECK(limited.error_code() == "RATE_LIMIT_EXCEEDED");
  }

  TEST_CASE("support stats: seed 001's figures over requests and inquiries, for Analytics_READ") {
    ManualClock clock(kStart);
    ApiServer server({}, &clock);
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    auto request = server.call("POST", kForm, form_body("technical"), ann);
    auto form = server.call("POST", kForm, form_body("billing"));
    auto other = server.call("POST", kForm, form_body("billing"));
    REQUIRE(request.status == 201);
    REQUIRE(form.status == 201);
    REQUIRE(other.status == 201);
    const std::string request_path =
        "/api/admin/support-requests/" + str(request.json["data"]["id"]).substr(16);
    const std::string inquiry_path =
        "/api/admin/support-inquiries/" + str(form.json["data"]["id"]).substr(16);
    clock.advance(600'000);  // the request's first reply after 10 minutes
    REQUIRE(
        server.call("POST", request_path + "/messages", R"({"message":"On it"})", admin).status ==
        201);
    clock.advance(600'000);  // the inquiry's after 20
    REQUIRE(
        server.call("POST", inquiry_path + "/messages", R"({"message":"Hello"})", admin).status ==
        201);
    REQUIRE(
        server.call("PATCH", request_path + "/status", R"({"status":"resolved"})", admin).status ==
        200);

    const auto [agent_id, agent] = make_staff(server, admin, "agent");
    auto refused = server.call("GET", "/api/support/stats", {}, agent);
    CHECK(refused.status == 403);
    CHECK(str(refused.json["details"]["permission"]) == "Analytics_READ");
    CHECK(server.call("GET", "/api/support/stats").status == 401);

    auto stats = server.call("GET", "/api/support/stats", {}, admin);
    REQUIRE_MESSAGE(stats.status == 200, stats.raw.body);
    const simdjson::dom::element d = stats.json["data"];
    CHECK(num(d["totalTickets"]) == 3);
    CHECK(num(d["byStatus"]["resolved"]) == 1);
    CHECK(num(d["byStatus"]["open"]) == 1);     // the other form ticket
    CHECK(num(d["byStatus"]["waiting"]) == 1);  // answered by staff
    CHECK(num(d["priorityDistribution"]["high"]) == 1);
    CHECK(num(d["priorityDistribution"]["medium"]) == 2);
    CHECK(num(d["subjectBreakdown"]["technical"]) == 1);
    CHECK(num(d["subjectBreakdown"]["billing"]) == 2);
    CHECK(d["averageResponseTimeSeconds"].get_double().value() == doctest::Approx(900.0));
    CHECK(d["averageResponseTimeHours"].get_double().value() == doctest::Approx(0.25));
    CHECK(d["averageResolutionTimeSeconds"].get_double().value() == doctest::Approx(1200.0));
    REQUIRE(d["resolvedPerDay"].get_array().size() == 1);
    CHECK(str(d["resolvedPerDay"].at(0)["date"]) == "2026-01-01");
    CHECK(num(d["supportRequests"]["resolved"]) == 1);
    CHECK(num(d["supportInquiries"]["open"]) == 1);
    CHECK(num(d["supportInquiries"]["waiting"]) == 1);
    // A range before everything counts nothing.
    auto empty = server.call("GET", "/api/support/stats?to=2025-12-31", {}, admin);
    CHECK(num(empty.json["data"]["totalTickets"]) == 0);
    CHECK(empty.json["data"]["averageResponseTimeSeconds"].is_null());
  }

  TEST_CASE("satisfaction: a resolved request is rated once by its customer, within the window") {
    ManualClock clock(kStart);
    ApiServer server({}, &clock, [](Config& c) { c.csat_window_days = 7; });
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    const std::string bob = server.register_customer("bob@example.com");
    auto open = [&] {
      auto r = server.call("POST", "/api/mobile/support-requests",
                           R"({"subject":"Broken","category":"general","message":"Help"})", ann);
      REQUIRE(r.status == 201);
      return r.data_int("id");
    };
    const std::int64_t id = open();
    const std::string mine = "/api/mobile/support-requests/" + std::to_string(id);
    const std::string staff = "/api/admin/support-requests/" + std::to_string(id);
    auto rate = [&](const std::string& path, std::string_view body, const std::string& token) {
      return server.call("POST", path + "/satisfaction", body, token);
    };

    CHECK(rate(mine, R"({"rating":5})", ann).error_code() == "SATISFACTION_NOT_AVAILABLE");
    REQUIRE(server.call("PATCH", staff + "/status", R"({"status":"resolved"})", admin).status ==
            200);
    CHECK(rate(mine, R"({"rating":6})", ann).error_code() == "VALIDATION_ERROR");
    CHECK(rate(mine, R"({"rating":0})", ann).error_code() == "VALIDATION_ERROR");
    CHECK(rate(mine, R"({"rating":5})", bob).status == 404);  // another customer's
    CHECK(rate(mine, R"({"rating":5})", admin).status == 403);
    auto rated = rate(mine, R"({"rating":4,"comment":"Quick, thanks"})", ann);
    REQUIRE_MESSAGE(rated.status == 201, rated.raw.body);
    CHECK(num(rated.json["data"]["satisfaction"]["rating"]) == 4);
    CHECK(str(rated.json["data"]["satisfaction"]["comment"]) == "Quick, thanks");
    CHECK(rate(mine, R"({"rating":1})", ann).error_code() == "SATISFACTION_ALREADY_RATED");
    auto detail = server.call("GET", staff, {}, admin);
    CHECK(num(detail.json["data"]["satisfaction"]["rating"]) == 4);

    // Eight days after its resolution, a second request can no longer be rated.
    const std::int64_t late = open();
    REQUIRE(server
                .call("PATCH", "/api/admin/support-requests/" + std::to_string(late) + "/status",
                      R"({"status":"resolved"})", admin)
                .status == 200);
    clock.advance(8LL * 86'400'000);
    const std::string ann_later = server.login("ann@example.com", "password-123");  // fresh
    CHECK(rate("/api/mobile/support-requests/" + std::to_string(late), R"({"rating":3})", ann_later)
              .error_code() == "SATISFACTION_WINDOW_CLOSED");
    const std::string admin_later = server.admin_token();
    // A rating survives a rebuild of the read model from the log.
    REQUIRE(server.call("POST", "/api/admin/projections/support_requests/rebuild", {}, admin_later)
                .status == 202);
    REQUIRE(server.wait_rebuilt(admin_later));
    auto again = server.call("GET", staff, {}, admin_later);
    CHECK(num(again.json["data"]["satisfaction"]["rating"]) == 4);
    CHECK(str(again.json["data"]["satisfaction"]["comment"]) == "Quick, thanks");
  }

  TEST_CASE("satisfaction: a guest rates a closed inquiry with its token; spam is never rated") {
    ApiServer server;
    const std::string admin = server.admin_token();
    auto open = [&] {
      auto r = server.call("POST", kForm, form_body("general"));
      REQUIRE(r.status == 201);
      return std::pair{std::stoll(str(r.json["data"]["id"]).substr(16)),
                       str(r.json["data"]["inquiryAccessToken"])};
    };
    const auto [id, token] = open();
    const std::string pub = "/api/support-inquiries/" + std::to_string(id);
    const std::string staff = "/api/admin/support-inquiries/" + std::to_string(id);
    CHECK(server.call("POST", pub + "/satisfaction", R"({"rating":5})", token).error_code() ==
          "SATISFACTION_NOT_AVAILABLE");
    REQUIRE(server.call("PATCH", staff + "/status", R"({"status":"closed"})", admin).status == 200);
    CHECK(server.call("POST", pub + "/satisfaction", R"({"rating":5})").status == 403);  // no token
    auto rated =
        server.call("POST", pub + "/satisfaction", R"({"rating":2,"comment":"Slow"})", token);
    REQUIRE_MESSAGE(rated.status == 201, rated.raw.body);
    CHECK(num(rated.json["data"]["satisfaction"]["rating"]) == 2);
    CHECK(server.call("POST", pub + "/satisfaction", R"({"rating":5})", token).error_code() ==
          "SATISFACTION_ALREADY_RATED");
    CHECK(num(server.call("GET", staff, {}, admin).json["data"]["satisfaction"]["rating"]) == 2);

    const auto [spam, spam_token] = open();
    REQUIRE(server
                .call("PATCH", "/api/admin/support-inquiries/" + std::to_string(spam) + "/status",
                      R"({"status":"spam"})", admin)
                .status == 200);
    // Marking spam revokes the guest token: the rating is refused before anything else.
    auto refused =
        server.call("POST", "/api/support-inquiries/" + std::to_string(spam) + "/satisfaction",
                    R"({"rating":5})", spam_token);
    CHECK(refused.status == 403);
  }
}

}  // namespace
}  // namespace docket::api_testing

// Feedback over real HTTP: customer submission and its validation, the admin list
// (filters, sort, search, pagination), detail, review, and the guards.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/clock.h"
#include "events/event_store.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

std::int64_t account_id(ApiServer& server, const std::string& token) {
  auto me = server.call("GET", "/api/auth/me", {}, token);
  REQUIRE(me.status == 200);
  return me.data_int("id");
}

// An agent with the default preset (Feedback_READ, not Feedback_UPDATE).
std::string agent_token(ApiServer& server, const std::string& admin) {
  auto created = server.call(
      "POST", "/api/admin/staff",
      R"({"email":"agent@example.com","password":"agent-pass-1","name":"Ann","role":"agent"})",
      admin);
  REQUIRE_MESSAGE(created.status == 201, created.raw.body);
  return server.login("agent@example.com", "agent-pass-1");
}

std::int64_t submit(ApiServer& server, const std::string& token, std::string_view body) {
  auto r = server.call("POST", "/api/mobile/feedback", body, token);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_int("id");
}

// The ids of a list answer, in order.
std::vector<std::int64_t> ids(const ApiResponse& r) {
  std::vector<std::int64_t> out;
  simdjson::dom::array items;
  REQUIRE_MESSAGE(!r.json["data"].get_array().get(items), r.raw.body);
  for (simdjson::dom::element item : items) {
    std::int64_t id = 0;
    REQUIRE(!item["id"].get_int64().get(id));
    out.push_back(id);
  }
  return out;
}

std::int64_t total(const ApiResponse& r) {
  std::int64_t n = -1;
  REQUIRE_MESSAGE(!r.json["pagination"]["total"].get_int64().get(n), r.raw.body);
  return n;
}

bool is_null(const ApiResponse& r, std::string_view key) {
  return r.json["data"][key].is_null();
}

bool has_detail(const ApiResponse& r, std::string_view field, std::string_view rule) {
  const std::string details = simdjson::minify(r.json["details"]);
  return details.find(R"("field":")" + std::string(field) + R"(","rule":")" + std::string(rule) +
                      "\"") != std::string::npos;
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("feedback: a customer submits, with every optional field or none") {
    ApiServer server;
    const std::string customer = server.register_customer("fb@example.com");
    const std::int64_t customer_id = account_id(server, customer);

    auto full = server.call("POST", "/api/mobile/feedback",
                            R"({"category":"bug","message":"  Crashes on start\nevery time  ",)"
                            R"("rating":2,"appVersion":"1.4.0","platform":"ios"})",
                            customer);
    REQUIRE_MESSAGE(full.status == 201, full.raw.body);
    CHECK(full.data_int("id") == 1);
    CHECK(full.data_int("customerId") == customer_id);
    CHECK(full.data_string("category") == "bug");
    CHECK(full.data_string("message") == "Crashes on start\nevery time");
    CHECK(full.data_int("rating") == 2);
    CHECK(full.data_string("appVersion") == "1.4.0");
    CHECK(full.data_string("platform") == "ios");
    CHECK(full.data_string("status") == "new");
    CHECK(is_null(full, "reviewedByAdminId"));
    CHECK(is_null(full, "reviewedAt"));
    const std::string created = full.data_string("createdAt");
    CHECK(created.size() == 24);  // 2026-11-22T05:24:09.926Z
    CHECK(created.back() == 'Z');
    CHECK(full.data_string("updatedAt") == created);

    auto minimal =
        server.call("POST", "/api/mobile/feedback",
                    R"({"category":"general","message":"Nice app","rating":null})", customer);
    REQUIRE_MESSAGE(minimal.status == 201, minimal.raw.body);
    CHECK(minimal.data_int("id") == 2);
    CHECK(is_null(minimal, "rating"));
    CHECK(is_null(minimal, "appVersion"));
    CHECK(is_null(minimal, "platform"));

    // The event carries the contract's data.
    auto events = server.runtime().store().read_stream("feedback-1", 1, 10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 1);
    CHECK(events->front().type == "support.feedback.submitted");
    CHECK(events->front().data ==
          R"({"feedbackId":1,"customerId":)" + std::to_string(customer_id) +
              R"(,"category":"bug","message":"Crashes on start\nevery time","rating":2,)"
              R"("appVersion":"1.4.0","platform":"ios"})");
  }

  TEST_CASE("feedback: submission validates every field and only customers may submit") {
    ApiServer server;
    const std::string customer = server.register_customer("fb@example.com");
    const std::uint64_t head = server.runtime().store().head();

    auto bad =
        server.call("POST", "/api/mobile/feedback",
                    R"({"category":"praise","message":"   ","rating":6,)"
                    R"("appVersion":")" +
                        std::string(33, '1') + R"(","platform":"windows","status":"reviewed"})",
                    customer);
    REQUIRE(bad.status == 400);
    CHECK(bad.error_code() == "VALIDATION_ERROR");
    CHECK(has_detail(bad, "category", "enum"));
    CHECK(has_detail(bad, "message", "minLength"));
    CHECK(has_detail(bad, "rating", "max"));
    CHECK(has_detail(bad, "appVersion", "maxLength"));
    CHECK(has_detail(bad, "platform", "enum"));
    CHECK(has_detail(bad, "status", "unknown"));

    auto missing = server.call("POST", "/api/mobile/feedback", "{}", customer);
    REQUIRE(missing.status == 400);
    CHECK(has_detail(missing, "category", "required"));
    CHECK(has_detail(missing, "message", "required"));

    auto too_long = server.call(
        "POST", "/api/mobile/feedback",
        R"({"category":"other","message":")" + std::string(5001, 'x') + R"(","rating":0})",
        customer);
    REQUIRE(too_long.status == 400);
    CHECK(has_detail(too_long, "message", "maxLength"));
    CHECK(has_detail(too_long, "rating", "min"));

    auto fraction =
        server.call("POST", "/api/mobile/feedback",
                    R"({"category":"other","message":"a\u0001b","rating":2.5})", customer);
    REQUIRE(fraction.status == 400);
    CHECK(has_detail(fraction, "message", "format"));
    CHECK(has_detail(fraction, "rating", "type"));

    // Exactly 5000 characters is fine.
    submit(server, customer,
           R"({"category":"feature","message":")" + std::string(5000, 'y') + R"("})");
    CHECK(server.runtime().store().head() == head + 1);  // the rejected ones appended nothing

    const std::string admin = server.admin_token();
    auto staff = server.call("POST", "/api/mobile/feedback",
                             R"({"category":"general","message":"hi"})", admin);
    CHECK(staff.status == 403);
    CHECK(staff.error_code() == "FORBIDDEN");
    auto anonymous =
        server.call("POST", "/api/mobile/feedback", R"({"category":"general","message":"hi"})");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.error_code() == "UNAUTHORIZED");
  }

  TEST_CASE("feedback: the admin list filters, sorts, searches and pages") {
    ManualClock clock(SystemClock::instance().now_ms());
    ApiServer server({}, &clock);
    const std::string ada = server.register_customer("ada@example.com");
    const std::string bob = server.register_customer("bob@example.com");
    const std::int64_t bob_id = account_id(server, bob);
    const std::string admin = server.admin_token();

    // ids 1..5, one second apart.
    const char* bodies[] = {
        R"({"category":"bug","message":"Login fails with 100% CPU"})",
        R"({"category":"feature","message":"Please add DARK mode"})",
        R"({"category":"bug","message":"dark screen after update"})",
        R"({"category":"billing","message":"Charged twice_for one order"})",
        R"({"category":"general","message":"Love it"})",
    };
    for (int i = 0; i < 5; ++i) {
      submit(server, i % 2 == 0 ? ada : bob, bodies[i]);
      clock.advance(1000);
    }
    // Reviewing 1 makes it the most recently updated.
    REQUIRE(server.call("PATCH", "/api/admin/feedback/1/review", {}, admin).status == 200);

    auto all = server.call("GET", "/api/admin/feedback", {}, admin);
    REQUIRE_MESSAGE(all.status == 200, all.raw.body);
    CHECK(ids(all) == std::vector<std::int64_t>{5, 4, 3, 2, 1});  // createdAt desc
    CHECK(total(all) == 5);

    auto get = [&](const std::string& query) {
      return server.call("GET", "/api/admin/feedback?" + query, {}, admin);
    };
    CHECK(ids(get("sortOrder=asc")) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
    CHECK(ids(get("sortBy=updatedAt")) == std::vector<std::int64_t>{1, 5, 4, 3, 2});
    CHECK(ids(get("sortBy=updatedAt&sortOrder=asc")) == std::vector<std::int64_t>{2, 3, 4, 5, 1});
    CHECK(ids(get("status=new")) == std::vector<std::int64_t>{5, 4, 3, 2});
    CHECK(ids(get("status=reviewed")) == std::vector<std::int64_t>{1});
    CHECK(ids(get("category=bug")) == std::vector<std::int64_t>{3, 1});
    CHECK(ids(get("customerId=" + std::to_string(bob_id))) == std::vector<std::int64_t>{4, 2});
    CHECK(ids(get("category=bug&status=new")) == std::vector<std::int64_t>{3});
    CHECK(ids(get("search=dark")) == std::vector<std::int64_t>{3, 2});  // case-insensitive
    CHECK(ids(get("search=100%25")) == std::vector<std::int64_t>{1});   // '%' is literal
    CHECK(ids(get("search=k_mode")).empty());  // '_' is literal, not "DARK mode"
    CHECK(ids(get("search=twice_for")) == std::vector<std::int64_t>{4});
    CHECK(ids(get("customerId=999")).empty());

    auto page2 = get("pageSize=2&page=2");
    CHECK(ids(page2) == std::vector<std::int64_t>{3, 2});
    CHECK(total(page2) == 5);
    std::int64_t pages = 0;
    CHECK(!page2.json["pagination"]["pages"].get_int64().get(pages));
    CHECK(pages == 3);
    CHECK(ids(get("pageSize=2&page=4")).empty());

    auto bad =
        get("pageSize=101&sortBy=rating&sortOrder=up&status=open&category=x&"
            "customerId=0&colour=red");
    REQUIRE(bad.status == 400);
    CHECK(bad.error_code() == "VALIDATION_ERROR");
    const std::string details = simdjson::minify(bad.json["details"]);
    for (const char* field :
         {"pageSize", "sortBy", "sortOrder", "status", "category", "customerId", "colour"}) {
      CHECK_MESSAGE(details.find(R"("field":")" + std::string(field) + "\"") != std::string::npos,
                    field);
    }
  }

  TEST_CASE("feedback: detail, review, double review and permissions") {
    ApiServer server;
    const std::string customer = server.register_customer("fb@example.com");
    const std::string admin = server.admin_token();
    const std::int64_t admin_id = account_id(server, admin);
    const std::string agent = agent_token(server, admin);
    REQUIRE(!agent.empty());
    const std::int64_t id =
        submit(server, customer, R"({"category":"account","message":"Cannot change e-mail"})");

    auto detail = server.call("GET", "/api/admin/feedback/" + std::to_string(id), {}, admin);
    REQUIRE_MESSAGE(detail.status == 200, detail.raw.body);
    CHECK(detail.data_string("message") == "Cannot change e-mail");
    CHECK(detail.data_string("status") == "new");

    auto missing = server.call("GET", "/api/admin/feedback/999", {}, admin);
    CHECK(missing.status == 404);
    CHECK(missing.error_code() == "FEEDBACK_NOT_FOUND");
    CHECK(server.call("GET", "/api/admin/feedback/abc", {}, admin).status == 400);
    auto review_missing = server.call("PATCH", "/api/admin/feedback/999/review", "{}", admin);
    CHECK(review_missing.status == 404);
    CHECK(review_missing.error_code() == "FEEDBACK_NOT_FOUND");

    // Guards: customers are not staff; the agent preset reads but does not review.
    CHECK(server.call("GET", "/api/admin/feedback", {}, customer).status == 403);
    CHECK(server.call("GET", "/api/admin/feedback").status == 401);
    CHECK(server.call("GET", "/api/admin/feedback", {}, agent).status == 200);
    CHECK(server.call("GET", "/api/admin/feedback/" + std::to_string(id), {}, agent).status == 200);
    const std::string review_path = "/api/admin/feedback/" + std::to_string(id) + "/review";
    auto agent_review = server.call("PATCH", review_path, "{}", agent);
    CHECK(agent_review.status == 403);
    std::string_view perm;
    CHECK(!agent_review.json["details"]["permission"].get_string().get(perm));
    CHECK(perm == "Feedback_UPDATE");
    CHECK(server.call("PATCH", review_path, "{}", customer).status == 403);

    auto unknown_field = server.call("PATCH", review_path, R"({"status":"new"})", admin);
    CHECK(unknown_field.status == 400);
    CHECK(has_detail(unknown_field, "status", "unknown"));

    auto reviewed = server.call("PATCH", review_path, "{}", admin);
    REQUIRE_MESSAGE(reviewed.status == 200, reviewed.raw.body);
    CHECK(reviewed.data_string("status") == "reviewed");
    CHECK(reviewed.data_int("reviewedByAdminId") == admin_id);
    const std::string reviewed_at = reviewed.data_string("reviewedAt");
    CHECK(reviewed_at.size() == 24);
    CHECK(reviewed.data_string("updatedAt") == reviewed_at);
    CHECK(reviewed.data_string("createdAt") <= reviewed_at);

    auto again_detail = server.call("GET", "/api/admin/feedback/" + std::to_string(id), {}, admin);
    CHECK(again_detail.data_string("status") == "reviewed");
    CHECK(again_detail.data_int("reviewedByAdminId") == admin_id);

    events::EventStore& store = server.runtime().store();
    const std::uint64_t head = store.head();
    auto events = store.read_stream("feedback-" + std::to_string(id), 1, 10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 2);
    CHECK(events->back().type == "support.feedback.reviewed");
    CHECK(events->back().data == R"({"feedbackId":)" + std::to_string(id) +
                                     R"(,"reviewedByAdminId":)" + std::to_string(admin_id) + "}");

    auto twice = server.call("PATCH", review_path, {}, admin);  // no body is fine too
    CHECK(twice.status == 409);
    CHECK(twice.error_code() == "FEEDBACK_ALREADY_REVIEWED");
    CHECK(store.head() == head);  // nothing appended
  }
}

}  // namespace docket::api_testing

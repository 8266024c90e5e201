// Analytics reports over real HTTP against a hand-computed data set: items created on
// both sides of Berlin's spring-forward day and of a Kolkata midnight that falls inside
// a UTC hour, first responses and resolutions in wall and business time, a reopening,
// an assignment, ratings; every report as JSON and CSV, and the same answers after the
// analytics read model is rebuilt from the log.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "core/config.h"
#include "core/time_format.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

UnixMillis at(std::string_view iso) {
  auto ms = parse_iso8601(iso);
  REQUIRE(ms.has_value());
  return *ms;
}

std::int64_t num(simdjson::dom::element e) {
  std::int64_t v = 0;
  return e.get_int64().get(v) ? -1 : v;
}

double real(simdjson::dom::element e) {
  double v = 0;
  return e.get_double().get(v) ? -1.0 : v;
}

std::string str(simdjson::dom::element e) {
  std::string_view v;
  return e.get_string().get(v) ? std::string() : std::string(v);
}

struct DataSet {
  ManualClock clock{at("2026-03-28T12:00:00Z")};
  ApiServer server{{}, &clock, [](Config& c) {
                     // No deadline passes while the clock jumps: nothing breaches.
                     c.sla_response_hours = 1000;
                     c.sla_resolution_hours = 8000;
                     c.queue_enabled = false;
                     c.jwt_ttl_seconds = 30 * 86400;  // tokens outlive the clock's jumps
                   }};
  std::string admin = server.admin_token();
  std::string agent;
  std::int64_t agentId = 0;

  ApiResponse call(std::string_view when, std::string_view method, const std::string& path,
                   std::string_view body, const std::string& token) {
    clock.set(at(when));
    auto r = server.call(method, path, body, token);
    REQUIRE_MESSAGE(r.status < 300, path, " ", r.raw.body);
    return r;
  }

  DataSet() {
    auto created = server.call(
        "POST", "/api/admin/staff",
        R"({"email":"x@example.com","password":"agent-pass-1","name":"Xavier, \"X\"","role":"agent"})",
        admin);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    agentId = created.data_int("id");
    agent = server.login("x@example.com", "agent-pass-1");
    // Technical requests count by a Berlin office calendar: weekdays 09:00-17:00.
    auto calendar = server.call(
        "POST", "/api/admin/sla/calendars",
        R"({"name":"Office","timezone":"Europe/Berlin","weekly":[)"
        R"({"day":"mon","start":"09:00","end":"17:00"},{"day":"tue","start":"09:00","end":"17:00"},)"
        R"({"day":"wed","start":"09:00","end":"17:00"},{"day":"thu","start":"09:00","end":"17:00"},)"
        R"({"day":"fri","start":"09:00","end":"17:00"}]})",
        admin);
    REQUIRE_MESSAGE(calendar.status == 201, calendar.raw.body);
    const std::string targets = R"({"firstResponseMinutes":6000,"resolutionMinutes":60000})";
    auto policy = server.call(
        "POST", "/api/admin/sla/policies",
        R"({"name":"Technical","calendarId":)" + std::to_string(calendar.data_int("id")) +
            R"(,"appliesTo":["support_request"],"categories":["technical"],"targets":{"low":)" +
            targets + R"(,"medium":)" + targets + R"(,"high":)" + targets + R"(,"urgent":)" +
            targets + "}}",
        admin);
    REQUIRE_MESSAGE(policy.status == 201, policy.raw.body);
    const std::string ann = server.register_customer("ann@example.com");
    const std::string guest = R"({"subject":"Hello","guestEmail":"g@example.com"})";

    // E and F: guest inquiries in the same UTC hour, on two Kolkata days (its midnight
    // is 18:30 UTC).
    call("2026-03-28T18:10:00Z", "POST", "/api/support-inquiries", guest, "");
    call("2026-03-28T18:40:00Z", "POST", "/api/support-inquiries", guest, "");
    // A: a technical request, Saturday 23:30 in Berlin.
    const auto a = call("2026-03-28T22:30:00Z", "POST", "/api/mobile/support-requests",
                        R"({"subject":"Down","category":"technical","message":"It is down"})", ann)
                       .data_int("id");
    // B: a form ticket at 00:30 on Sunday 29 March in Berlin (the clocks go forward).
    auto b = call("2026-03-28T23:30:00Z", "POST", "/api/support/ticket",
                  R"({"name":"Gus","email":"gus@example.com","subject":"billing",)"
                  R"("message":"Invoice","timestamp":"2026-03-28T23:30:00.000Z"})",
                  "");
    const std::int64_t b_id = std::stoll(str(b.json["data"]["id"]).substr(16));
    const std::string b_token = str(b.json["data"]["inquiryAccessToken"]);
    const std::string admin_b = "/api/admin/support-inquiries/" + std::to_string(b_id);
    call("2026-03-29T00:30:00Z", "POST", admin_b + "/messages", R"({"message":"Looking"})", admin);
    call("2026-03-29T01:00:00Z", "PATCH", admin_b + "/status", R"({"status":"closed"})", admin);
    call("2026-03-29T02:00:00Z", "POST",
         "/api/support-inquiries/" + std::to_string(b_id) + "/satisfaction", R"({"rating":3})",
         b_token);
    const std::string admin_a = "/api/admin/support-requests/" + std::to_string(a);
    call("2026-03-29T10:00:00Z", "PATCH", admin_a + "/assign",
         R"({"assignedAdminId":)" + std::to_string(agentId) + "}", admin);
    // C: an inquiry at 23:30 CEST on the 29th; D: a request at 00:30 on the 30th.
    call("2026-03-29T21:30:00Z", "POST", "/api/support-inquiries", guest, "");
    const auto d = call("2026-03-29T22:30:00Z", "POST", "/api/mobile/support-requests",
                        R"({"subject":"Q","category":"general","message":"?"})", ann)
                       .data_int("id");
    const std::string admin_d = "/api/admin/support-requests/" + std::to_string(d);
    call("2026-03-29T23:00:00Z", "PATCH", admin_d + "/status", R"({"status":"resolved"})", admin);
    call("2026-03-29T23:10:00Z", "POST",
         "/api/mobile/support-requests/" + std::to_string(d) + "/messages",
         R"({"message":"Not fixed"})", ann);  // reopens
    // A: answered by the agent Monday 09:30 in Berlin, resolved at 10:00, rated 5.
    call("2026-03-30T07:30:00Z", "POST", admin_a + "/messages", R"({"message":"Fixed?"})", agent);
    call("2026-03-30T08:00:00Z", "PATCH", admin_a + "/status", R"({"status":"resolved"})", agent);
    call("2026-03-30T08:10:00Z", "POST",
         "/api/mobile/support-requests/" + std::to_string(a) + "/satisfaction",
         R"({"rating":5,"comment":"Thanks"})", ann);
  }

  ApiResponse report(const std::string& path) {
    auto r = server.call("GET", path, {}, admin);
    REQUIRE_MESSAGE(r.status == 200, path, " ", r.raw.body);
    return r;
  }
};

std::map<std::string, std::pair<std::int64_t, std::int64_t>> buckets(const ApiResponse& r) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
  for (simdjson::dom::element b : r.json["data"]["buckets"].get_array()) {
    out[str(b["bucket"])] = {num(b["created"]), num(b["resolved"])};
  }
  return out;
}

TEST_SUITE("analytics") {
  TEST_CASE("analytics: a hand-computed day set, by local day across DST and half-hour zones") {
    DataSet s;
    const std::string range = "?from=2026-03-28&to=2026-03-30";
    // Berlin: the 29th is 23 hours long; A (Sat 23:30) and B (Sun 00:30) fall on two days.
    auto berlin = buckets(s.report("/api/admin/analytics/volume" + range + "&tz=Europe/Berlin"));
    CHECK(berlin["2026-03-28"] == std::pair<std::int64_t, std::int64_t>{3, 0});  // E, F, A
    CHECK(berlin["2026-03-29"] == std::pair<std::int64_t, std::int64_t>{2, 1});  // B, C; B
    // D was created at 00:30 and resolved at 01:00 on the 30th, A resolved at 10:00.
    CHECK(berlin["2026-03-30"] == std::pair<std::int64_t, std::int64_t>{1, 2});
    // UTC: B is still on the 28th; D's resolution (23:00) is on the 29th.
    auto utc = buckets(s.report("/api/admin/analytics/volume" + range));
    CHECK(utc["2026-03-28"] == std::pair<std::int64_t, std::int64_t>{4, 0});
    CHECK(utc["2026-03-29"] == std::pair<std::int64_t, std::int64_t>{2, 2});
    CHECK(utc["2026-03-30"] == std::pair<std::int64_t, std::int64_t>{0, 1});
    // Kolkata (+05:30): E (23:40 local) and F (00:10 local) are in one UTC hour, two days.
    auto kolkata = buckets(s.report("/api/admin/analytics/volume" + range + "&tz=Asia/Kolkata"));
    CHECK(kolkata["2026-03-28"].first == 1);  // E
    CHECK(kolkata["2026-03-29"].first == 3);  // F, A (04:00), B (05:00)
    CHECK(kolkata["2026-03-30"].first == 2);  // C (03:00), D (04:00)
    // Weeks start on Monday: the 28th and 29th, then the 30th.
    auto weeks =
        buckets(s.report("/api/admin/analytics/volume" + range + "&tz=Europe/Berlin&groupBy=week"));
    CHECK(weeks["2026-03-28"] == std::pair<std::int64_t, std::int64_t>{5, 1});
    CHECK(weeks["2026-03-30"] == std::pair<std::int64_t, std::int64_t>{1, 2});
    auto channels = buckets(
        s.report("/api/admin/analytics/volume" + range + "&tz=Europe/Berlin&groupBy=channel"));
    CHECK(channels["request"] == std::pair<std::int64_t, std::int64_t>{2, 2});
    CHECK(channels["inquiry"] == std::pair<std::int64_t, std::int64_t>{3, 0});
    CHECK(channels["form"] == std::pair<std::int64_t, std::int64_t>{1, 1});
    auto categories = buckets(
        s.report("/api/admin/analytics/volume" + range + "&tz=Europe/Berlin&groupBy=category"));
    CHECK(categories["technical"].first == 1);
    CHECK(categories["billing"].first == 1);
    CHECK(categories[""].first == 3);
  }

  TEST_CASE("analytics: the overview's times, SLA, CSAT and backlog") {
    DataSet s;
    auto o =
        s.report("/api/admin/analytics/overview?from=2026-03-28&to=2026-03-30&tz=Europe/Berlin");
    const simdjson::dom::element d = o.json["data"];
    CHECK(str(d["start"]) == "2026-03-27T23:00:00.000Z");
    CHECK(str(d["end"]) == "2026-03-30T22:00:00.000Z");
    CHECK(num(d["created"]) == 6);
    CHECK(num(d["resolved"]) == 3);  // B closed, D resolved, A resolved
    CHECK(num(d["reopened"]) == 1);  // D
    CHECK(num(d["backlog"]) == 4);   // E, F, C, D
    // First responses: B after 1 h (24x7); A after 33 h, 30 minutes of it business time.
    CHECK(num(d["firstResponse"]["count"]) == 2);
    CHECK(real(d["firstResponse"]["wall"]["avgSeconds"]) == doctest::Approx(61'200));
    CHECK(real(d["firstResponse"]["business"]["avgSeconds"]) == doctest::Approx(2'700));
    CHECK(real(d["firstResponse"]["wall"]["p50Seconds"]) == doctest::Approx(3'600).epsilon(0.05));
    CHECK(real(d["firstResponse"]["wall"]["p90Seconds"]) == doctest::Approx(118'800).epsilon(0.05));
    CHECK(real(d["firstResponse"]["business"]["p50Seconds"]) ==
          doctest::Approx(1'800).epsilon(0.05));
    // Resolutions: B after 1.5 h, D after 30 minutes, A after 33.5 h (1 business hour).
    CHECK(num(d["resolution"]["count"]) == 3);
    CHECK(real(d["resolution"]["wall"]["avgSeconds"]) ==
          doctest::Approx((5'400.0 + 1'800.0 + 120'600.0) / 3).epsilon(0.001));
    CHECK(real(d["resolution"]["business"]["avgSeconds"]) ==
          doctest::Approx((5'400.0 + 1'800.0 + 3'600.0) / 3).epsilon(0.001));
    CHECK(num(d["sla"]["firstResponse"]["met"]) == 2);
    CHECK(num(d["sla"]["firstResponse"]["breached"]) == 0);
    CHECK(real(d["sla"]["firstResponse"]["compliancePercent"]) == doctest::Approx(100));
    CHECK(num(d["csat"]["count"]) == 2);
    CHECK(real(d["csat"]["averageRating"]) == doctest::Approx(4.0));
    CHECK(real(d["csat"]["csatPercent"]) == doctest::Approx(50.0));
    CHECK(num(d["byChannel"]["form"]["created"]) == 1);
    CHECK(num(d["byChannel"]["request"]["resolved"]) == 2);
    // A long range reads whole months (February to April) from the monthly rows and the
    // days around them from the daily rows: the same counts.
    auto months =
        s.report("/api/admin/analytics/overview?from=2026-01-15&to=2026-05-10&tz=Europe/Berlin");
    CHECK(num(months.json["data"]["created"]) == 6);
    CHECK(num(months.json["data"]["resolved"]) == 3);
    CHECK(num(months.json["data"]["csat"]["count"]) == 2);
    CHECK(real(months.json["data"]["firstResponse"]["wall"]["avgSeconds"]) ==
          doctest::Approx(61'200));
    CHECK(real(months.json["data"]["firstResponse"]["wall"]["p90Seconds"]) ==
          doctest::Approx(118'800).epsilon(0.05));
    // A range with nothing in it.
    auto empty = s.report("/api/admin/analytics/overview?from=2026-01-01&to=2026-01-31");
    CHECK(num(empty.json["data"]["created"]) == 0);
    CHECK(empty.json["data"]["firstResponse"]["wall"]["avgSeconds"].is_null());
    CHECK(num(empty.json["data"]["backlog"]) == 4);  // now, whatever the range
  }

  TEST_CASE("analytics: the trend per local day and week") {
    DataSet s;
    const std::string range = "?from=2026-03-28&to=2026-03-30&tz=Europe/Berlin";
    auto trend = s.report("/api/admin/analytics/trend" + range);
    std::map<std::string, simdjson::dom::element> day;
    for (simdjson::dom::element b : trend.json["data"]["buckets"].get_array())
      day[str(b["bucket"])] = b;
    REQUIRE(day.size() == 3);
    // The 28th: E, F and A created; nothing answered, resolved, rated or judged.
    CHECK(num(day["2026-03-28"]["created"]) == 3);
    CHECK(num(day["2026-03-28"]["firstResponse"]["count"]) == 0);
    CHECK(day["2026-03-28"]["firstResponse"]["avgSeconds"].is_null());
    CHECK(day["2026-03-28"]["sla"]["compliancePercent"].is_null());
    CHECK(day["2026-03-28"]["csat"]["averageRating"].is_null());
    // The 29th: B answered after 1 h and closed after 1.5 h (24x7), rated 3.
    CHECK(num(day["2026-03-29"]["firstResponse"]["count"]) == 1);
    CHECK(real(day["2026-03-29"]["firstResponse"]["avgSeconds"]) == doctest::Approx(3'600));
    CHECK(real(day["2026-03-29"]["resolution"]["avgSeconds"]) == doctest::Approx(5'400));
    CHECK(num(day["2026-03-29"]["csat"]["count"]) == 1);
    CHECK(real(day["2026-03-29"]["csat"]["averageRating"]) == doctest::Approx(3.0));
    // The 30th: A answered after 30 business minutes; D (30 min) and A (1 business hour)
    // resolved; A rated 5. No target breached anywhere.
    CHECK(real(day["2026-03-30"]["firstResponse"]["avgSeconds"]) == doctest::Approx(1'800));
    CHECK(num(day["2026-03-30"]["resolution"]["count"]) == 2);
    CHECK(real(day["2026-03-30"]["resolution"]["avgSeconds"]) == doctest::Approx(2'700));
    CHECK(real(day["2026-03-30"]["csat"]["averageRating"]) == doctest::Approx(5.0));
    CHECK(real(day["2026-03-30"]["csat"]["csatPercent"]) == doctest::Approx(100.0));
    for (const auto& [label, b] : day)
      CHECK(num(b["sla"]["breached"]) == 0);
    CHECK(num(day["2026-03-30"]["sla"]["met"]) >= 1);
    CHECK(real(day["2026-03-30"]["sla"]["compliancePercent"]) == doctest::Approx(100.0));
    // Weeks start on Monday: the 28th and 29th together, then the 30th.
    auto weeks = s.report("/api/admin/analytics/trend" + range + "&groupBy=week");
    auto week = weeks.json["data"]["buckets"].at(0);
    CHECK(str(week["bucket"]) == "2026-03-28");
    CHECK(num(week["created"]) == 5);
    CHECK(num(week["firstResponse"]["count"]) == 1);
    auto csv =
        s.server.call("GET", "/api/admin/analytics/trend" + range + "&format=csv", {}, s.admin);
    CHECK(csv.raw.body.starts_with(
        "day,created,resolved,firstResponseAvgSeconds,resolutionAvgSeconds,slaMet,slaBreached,"
        "slaCompliancePercent,csatCount,csatAverageRating,csatPercent\r\n2026-03-28,3,0,,,0,0,,0,,"
        "\r\n"));
    auto refused = s.server.call("GET", "/api/admin/analytics/trend" + range + "&groupBy=category",
                                 {}, s.admin);
    CHECK(refused.status == 400);
  }

  TEST_CASE("analytics: agents and the queue") {
    DataSet s;
    const std::string range = "?from=2026-03-28&to=2026-03-30&tz=Europe/Berlin";
    auto agents = s.report("/api/admin/analytics/agents" + range);
    simdjson::dom::element x;
    for (simdjson::dom::element a : agents.json["data"]["agents"].get_array())
      if (num(a["agentId"]) == s.agentId) x = a;
    REQUIRE(x.is_object());
    CHECK(num(x["assigned"]["manual"]) == 1);
    CHECK(num(x["assigned"]["auto"]) == 0);
    CHECK(num(x["resolved"]) == 1);
    CHECK(num(x["firstResponse"]["count"]) == 1);
    CHECK(real(x["firstResponse"]["avgSeconds"]) == doctest::Approx(118'800));
    CHECK(real(x["firstResponse"]["avgBusinessSeconds"]) == doctest::Approx(1'800));
    CHECK(num(x["csat"]["count"]) == 1);
    CHECK(real(x["csat"]["averageRating"]) == doctest::Approx(5.0));
    CHECK(num(x["openNow"]) == 0);  // A is resolved

    auto queue = s.report("/api/admin/analytics/queue" + range);
    const simdjson::dom::element w = queue.json["data"]["waiting"];
    CHECK(num(w["count"]) == 1);  // A, assigned after 11.5 h
    CHECK(real(w["avgSeconds"]) == doctest::Approx(41'400));
    for (simdjson::dom::element band : w["distribution"].get_array())
      CHECK(num(band["count"]) == (str(band["band"]) == "4-24h" ? 1 : 0));
    CHECK(str(queue.json["data"]["depthInterval"]) == "hour");
    // The depth at 2026-03-29T10:00Z (before A's assignment): E, F, A waiting; B closed.
    std::int64_t before = -1;
    std::int64_t after = -1;
    for (simdjson::dom::element p : queue.json["data"]["depth"].get_array()) {
      if (str(p["at"]) == "2026-03-29T10:00:00.000Z") before = num(p["depth"]);
      if (str(p["at"]) == "2026-03-29T11:00:00.000Z") after = num(p["depth"]);
    }
    CHECK(before == 3);
    CHECK(after == 2);
  }

  TEST_CASE("analytics: CSV downloads, bad parameters and the permission") {
    DataSet s;
    auto csv = s.server.call(
        "GET", "/api/admin/analytics/agents?from=2026-03-28&to=2026-03-30&format=csv", {}, s.admin);
    REQUIRE(csv.status == 200);
    CHECK(csv.raw.header("Content-Type") == "text/csv; charset=utf-8");
    CHECK(csv.raw.header("Content-Disposition").find("agents-2026-03-28-2026-03-30.csv") !=
          std::string::npos);
    CHECK(csv.raw.body.starts_with("agentId,name,email,"));
    CHECK(csv.raw.body.find(R"("Xavier, ""X""")") != std::string::npos);
    auto volume = s.server.call(
        "GET", "/api/admin/analytics/volume?from=2026-03-28&to=2026-03-30&format=csv", {}, s.admin);
    CHECK(volume.raw.body ==
          "day,created,resolved\r\n2026-03-28,4,0\r\n2026-03-29,2,2\r\n2026-03-30,0,1\r\n");
    auto overview = s.server.call(
        "GET", "/api/admin/analytics/overview?from=2026-03-28&to=2026-03-30&format=csv", {},
        s.admin);
    CHECK(overview.raw.body.find("\r\ncreated,6\r\n") != std::string::npos);

    auto bad = [&](const std::string& query, std::string_view field) {
      auto r = s.server.call("GET", "/api/admin/analytics/overview" + query, {}, s.admin);
      CHECK(r.status == 400);
      CHECK(r.error_code() == "VALIDATION_ERROR");
      CHECK(str(r.json["details"].at(0)["field"]) == field);
    };
    bad("?tz=Mars/Olympus", "tz");
    bad("?from=2026-02-30", "from");
    bad("?from=2026-03-02&to=2026-03-01", "from");
    bad("?from=2020-01-01&to=2026-01-01", "from");
    bad("?format=xml", "format");
    auto refused = s.server.call("GET", "/api/admin/analytics/overview", {}, s.agent);
    CHECK(refused.status == 403);
    CHECK(str(refused.json["details"]["permission"]) == "Analytics_READ");
  }

  TEST_CASE("analytics: a rebuild from the log gives the same reports") {
    DataSet s;
    const std::string range = "?from=2026-03-28&to=2026-03-30&tz=Asia/Kolkata";
    const std::vector<std::string> paths = {
        "/api/admin/analytics/overview" + range,
        "/api/admin/analytics/volume" + range,
        "/api/admin/analytics/volume" + range + "&groupBy=priority",
        "/api/admin/analytics/agents" + range,
        "/api/admin/analytics/queue" + range,
        "/api/admin/analytics/trend" + range};
    std::vector<std::string> before;
    for (const auto& p : paths)
      before.push_back(s.report(p).raw.body);
    REQUIRE(s.server.call("POST", "/api/admin/projections/analytics/rebuild", {}, s.admin).status ==
            202);
    REQUIRE(s.server.wait_rebuilt(s.admin));
    for (std::size_t i = 0; i < paths.size(); ++i) {
      CAPTURE(paths[i]);
      CHECK(s.report(paths[i]).raw.body == before[i]);
    }
  }
}

}  // namespace
}  // namespace docket::api_testing

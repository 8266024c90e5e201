// SLAs over real HTTP: the seeded default policy, calendars and policies through
// /api/admin/sla (validation, missing references, a calendar in use), the sla object on
// staff responses only, statuses moving with the clock, slaStatus and sortBy=dueAt on
// the admin lists, pausing on resolved, and the compliance block of the statistics.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "scheduler/sla_monitor.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

constexpr UnixMillis kStart = 1'795'342'650'000;  // 2026-11-22T10:17:30Z, a Sunday

std::int64_t request(ApiServer& s, const std::string& customer, std::string_view category) {
  auto r = s.call(
      "POST", "/api/mobile/support-requests",
      R"({"subject":"Help","category":")" + std::string(category) + R"(","message":"Please help"})",
      customer);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_int("id");
}

std::string str(simdjson::dom::element e) {
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) return "<missing>";
  return std::string(v);
}

constexpr std::string_view kOneMinute =
    R"({"low":{"firstResponseMinutes":1,"resolutionMinutes":30},)"
    R"("medium":{"firstResponseMinutes":1,"resolutionMinutes":30},)"
    R"("high":{"firstResponseMinutes":1,"resolutionMinutes":30},)"
    R"("urgent":{"firstResponseMinutes":1,"resolutionMinutes":30}})";

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("sla: a clock's calendar, colour instants and business hours to count it down") {
    ManualClock clock(kStart);  // Sunday
    ApiServer server({}, &clock);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("hours@example.com");
    // Mondays 09:00-12:30 and 13:30-18:00 in Berlin (UTC+1 in November).
    auto calendar = server.call(
        "POST", "/api/admin/sla/calendars",
        R"({"name":"Mondays","timezone":"Europe/Berlin","weekly":[{"day":"mon","start":"09:00",)"
        R"("end":"12:30"},{"day":"mon","start":"13:30","end":"18:00"}]})",
        admin);
    REQUIRE_MESSAGE(calendar.status == 201, calendar.raw.body);
    const std::string calendar_id = std::to_string(calendar.data_int("id"));
    constexpr std::string_view kTargets = R"({"firstResponseMinutes":60,"resolutionMinutes":600})";
    auto policy = server.call(
        "POST", "/api/admin/sla/policies",
        R"({"name":"Mondays","calendarId":)" + calendar_id +
            R"(,"appliesTo":["support_request"],"categories":["technical"],"targets":{"low":)" +
            std::string(kTargets) + R"(,"medium":)" + std::string(kTargets) + R"(,"high":)" +
            std::string(kTargets) + R"(,"urgent":)" + std::string(kTargets) + "}}",
        admin);
    REQUIRE_MESSAGE(policy.status == 201, policy.raw.body);
    const std::int64_t id = request(server, customer, "technical");
    auto detail =
        server.call("GET", "/api/admin/support-requests/" + std::to_string(id), {}, admin);
    REQUIRE(detail.status == 200);
    auto sla = detail.json["data"]["sla"];
    CHECK(std::to_string(sla["calendarId"].get_int64().value()) == calendar_id);
    // An hour from Monday 09:00 local; half of it used at 09:30, four fifths at 09:48.
    CHECK(str(sla["firstResponseDueAt"]) == "2026-11-23T09:00:00.000Z");
    CHECK(str(sla["firstResponseWarningAt"]) == "2026-11-23T08:30:00.000Z");
    CHECK(str(sla["firstResponseCriticalAt"]) == "2026-11-23T08:48:00.000Z");
    // Ten hours: the whole of this Monday (8 h), then 2 h of the next one.
    CHECK(str(sla["resolutionDueAt"]) == "2026-11-30T10:00:00.000Z");
    auto list = server.call("GET", "/api/admin/support-requests", {}, admin);
    REQUIRE(list.status == 200);
    CHECK(std::to_string(list.json["data"].at(0)["sla"]["calendarId"].get_int64().value()) ==
          calendar_id);

    const std::string hours = "/api/admin/sla/business-time?calendarId=" + calendar_id;
    auto monday = server.call("GET", hours + "&from=2026-11-23&to=2026-11-24", {}, admin);
    REQUIRE_MESSAGE(monday.status == 200, monday.raw.body);
    CHECK(str(monday.json["data"]["timezone"]) == "Europe/Berlin");
    CHECK(monday.json["data"]["businessSeconds"].get_int64().value() == 8 * 3600);
    auto intervals = monday.json["data"]["intervals"];
    REQUIRE(intervals.get_array().size() == 2);
    CHECK(str(intervals.at(0)["start"]) == "2026-11-23T08:00:00.000Z");
    CHECK(str(intervals.at(0)["end"]) == "2026-11-23T11:30:00.000Z");
    CHECK(str(intervals.at(1)["start"]) == "2026-11-23T12:30:00.000Z");
    CHECK(str(intervals.at(1)["end"]) == "2026-11-23T17:00:00.000Z");
    // Default span: a week from now (Sunday), which holds this Monday only.
    auto week = server.call("GET", hours, {}, admin);
    REQUIRE(week.status == 200);
    CHECK(str(week.json["data"]["from"]) == "2026-11-22T10:17:30.000Z");
    CHECK(str(week.json["data"]["to"]) == "2026-11-29T10:17:30.000Z");
    CHECK(week.json["data"]["intervals"].get_array().size() == 2);
    // 24x7 without a calendar: the whole span.
    auto always =
        server.call("GET", "/api/admin/sla/business-time?from=2026-11-23&to=2026-11-24", {}, admin);
    REQUIRE(always.status == 200);
    CHECK(always.json["data"]["calendarId"].is_null());
    CHECK(always.json["data"]["businessSeconds"].get_int64().value() == 86400);
    // An agent reads it; a customer does not.
    REQUIRE(server
                .call("POST", "/api/admin/staff",
                      R"({"email":"a@example.com","password":"agent-pass-1","name":"A",)"
                      R"("role":"agent"})",
                      admin)
                .status == 201);
    CHECK(server.call("GET", hours, {}, server.login("a@example.com", "agent-pass-1")).status ==
          200);
    CHECK(server.call("GET", hours, {}, customer).status == 403);
    auto too_long = server.call("GET", hours + "&from=2026-01-01&to=2026-03-05", {}, admin);
    CHECK(too_long.status == 400);
    CHECK(str(too_long.json["details"].at(0)["field"]) == "to");
    auto backwards = server.call("GET", hours + "&from=2026-02-01&to=2026-01-05", {}, admin);
    CHECK(backwards.status == 400);
    CHECK(
        server.call("GET", "/api/admin/sla/business-time?calendarId=999", {}, admin).error_code() ==
        "SLA_CALENDAR_NOT_FOUND");
  }

  TEST_CASE("sla: calendars and policies through the admin routes") {
    ManualClock clock(kStart);
    ApiServer server({}, &clock);
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("sla@example.com");

    auto policies = server.call("GET", "/api/admin/sla/policies", {}, admin);
    REQUIRE(policies.status == 200);
    auto seeded = policies.json["data"].at(0);
    CHECK(str(seeded["name"]) == "Default");
    CHECK(seeded["calendarId"].is_null());
    CHECK(seeded["targets"]["medium"]["firstResponseMinutes"].get_int64().value() == 240);
    CHECK(seeded["targets"]["medium"]["resolutionMinutes"].get_int64().value() == 2880);
    CHECK(server.call("GET", "/api/admin/sla/policies", {}, customer).status == 403);

    auto bad = server.call("POST", "/api/admin/sla/calendars",
                           R"({"name":"Mars","timezone":"Mars/Olympus_Mons","weekly":[]})", admin);
    CHECK(bad.status == 400);
    CHECK(bad.error_code() == "VALIDATION_ERROR");
    bad = server.call("POST", "/api/admin/sla/calendars",
                      R"({"name":"Bad","timezone":"UTC","weekly":[{"day":"someday",)"
                      R"("start":"09:00","end":"17:00"}]})",
                      admin);
    CHECK(bad.status == 400);
    auto calendar = server.call(
        "POST", "/api/admin/sla/calendars",
        R"({"name":"Office","timezone":"Europe/Berlin","weekly":[{"day":"mon","start":"09:00",)"
        R"("end":"12:30"},{"day":"mon","start":"13:30","end":"18:00"}],)"
        R"("holidays":[{"date":"2026-12-25","recurring":true},{"date":"2026-12-31"}]})",
        admin);
    REQUIRE_MESSAGE(calendar.status == 201, calendar.raw.body);
    const std::int64_t calendar_id = calendar.data_int("id");
    CHECK(calendar.json["data"]["weekly"].get_array().size() == 2);
    CHECK(calendar.json["data"]["holidays"].at(1)["recurring"].get_bool().value() == false);
    auto patched = server.call("PATCH", "/api/admin/sla/calendars/" + std::to_string(calendar_id),
                               R"({"name":"Berlin office"})", admin);
    REQUIRE(patched.status == 200);
    CHECK(str(patched.json["data"]["name"]) == "Berlin office");
    CHECK(patched.data_int("version") == 2);

    auto missing =
        server.call("POST", "/api/admin/sla/policies",
                    R"({"name":"P","calendarId":99,"appliesTo":["support_request"],"targets":)" +
                        std::string(kOneMinute) + "}",
                    admin);
    CHECK(missing.status == 404);
    CHECK(missing.error_code() == "SLA_CALENDAR_NOT_FOUND");
    auto partial = server.call("POST", "/api/admin/sla/policies",
                               R"({"name":"P","appliesTo":["support_request"],"targets":)"
                               R"({"low":{"firstResponseMinutes":1,"resolutionMinutes":2}}})",
                               admin);
    CHECK(partial.status == 400);
    auto created = server.call(
        "POST", "/api/admin/sla/policies",
        R"({"name":"Technical","calendarId":)" + std::to_string(calendar_id) +
            R"(,"appliesTo":["support_request"],"categories":["technical"],"targets":)" +
            std::string(kOneMinute) + "}",
        admin);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    const std::int64_t policy_id = created.data_int("id");
    CHECK(str(created.json["data"]["pauseStatuses"].at(0)) == "resolved");
    auto in_use =
        server.call("DELETE", "/api/admin/sla/calendars/" + std::to_string(calendar_id), {}, admin);
    CHECK(in_use.status == 409);
    CHECK(in_use.error_code() == "SLA_CALENDAR_IN_USE");
    // Back to 24x7 (calendarId null), then the calendar may go.
    auto to_24x7 = server.call("PATCH", "/api/admin/sla/policies/" + std::to_string(policy_id),
                               R"({"calendarId":null})", admin);
    REQUIRE(to_24x7.status == 200);
    CHECK(to_24x7.json["data"]["calendarId"].is_null());
    CHECK(to_24x7.data_int("version") == 2);
    CHECK(
        server.call("DELETE", "/api/admin/sla/calendars/" + std::to_string(calendar_id), {}, admin)
            .status == 200);
    CHECK(server.call("GET", "/api/admin/sla/calendars/" + std::to_string(calendar_id), {}, admin)
              .error_code() == "SLA_CALENDAR_NOT_FOUND");
    CHECK(server.call("GET", "/api/admin/sla/policies/999", {}, admin).error_code() ==
          "SLA_POLICY_NOT_FOUND");

    // A technical request falls under the category's policy; staff see its clock.
    const std::int64_t id = request(server, customer, "technical");
    const std::int64_t other = request(server, customer, "billing");
    const std::string path = "/api/admin/support-requests/" + std::to_string(id);
    auto detail = server.call("GET", path, {}, admin);
    REQUIRE(detail.status == 200);
    auto sla = detail.json["data"]["sla"];
    CHECK(sla["policyId"].get_int64().value() == policy_id);
    CHECK(sla["policyVersion"].get_int64().value() == 2);
    CHECK(str(sla["firstResponseDueAt"]) == "2026-11-22T10:18:30.000Z");
    CHECK(str(sla["firstResponseStatus"]) == "ok");
    auto own =
        server.call("GET", "/api/mobile/support-requests/" + std::to_string(id), {}, customer);
    REQUIRE(own.status == 200);
    CHECK(own.json["data"]["sla"].error() == simdjson::NO_SUCH_FIELD);

    clock.advance(50'000);  // 10 s left of 60: critical
    CHECK(str(server.call("GET", path, {}, admin).json["data"]["sla"]["firstResponseStatus"]) ==
          "critical");
    clock.advance(11'000);
    auto breached = server.call("GET", "/api/admin/support-requests?slaStatus=breached", {}, admin);
    REQUIRE(breached.status == 200);
    REQUIRE(breached.json["data"].get_array().size() == 1);
    CHECK(breached.json["data"].at(0)["id"].get_int64().value() == id);
    auto by_due =
        server.call("GET", "/api/admin/support-requests?sortBy=dueAt&sortOrder=asc", {}, admin);
    REQUIRE(by_due.status == 200);
    CHECK(by_due.json["data"].at(0)["id"].get_int64().value() == id);
    CHECK(by_due.json["data"].at(1)["id"].get_int64().value() == other);
    CHECK(server.call("GET", "/api/admin/support-requests?slaStatus=late", {}, admin).status ==
          400);

    // Resolved: resolution met, the clock paused.
    REQUIRE(server.call("PATCH", path + "/status", R"({"status":"resolved"})", admin).status ==
            200);
    auto resolved = server.call("GET", path, {}, admin);  // keeps the parsed body alive
    sla = resolved.json["data"]["sla"];
    CHECK(str(sla["resolutionStatus"]) == "met");
    CHECK(sla["paused"].get_bool().value());

    // The monitor (woken after the manual clock's jump) records the breach of the billing
    // request's first response under the default policy (four hours) and escalates it.
    clock.advance(4 * 3'600'000);
    server.runtime().sla_monitor()->notify();
    const std::string later = server.admin_token();  // the first token has expired
    const std::string other_path = "/api/admin/support-requests/" + std::to_string(other);
    ApiResponse escalated;
    docket::testing::eventually([&] {
      escalated = server.call("GET", other_path, {}, later);
      simdjson::dom::array breaches;
      return escalated.json["data"]["sla"]["breaches"].get(breaches) == simdjson::SUCCESS &&
             breaches.size() > 0;
    });
    REQUIRE_MESSAGE(escalated.status == 200, escalated.raw.body);
    auto escalated_sla = escalated.json["data"]["sla"];
    REQUIRE(escalated_sla["breaches"].get_array().size() == 1);
    auto breach = escalated_sla["breaches"].at(0);
    CHECK(str(breach["target"]) == "firstResponse");
    CHECK(str(breach["escalatedFrom"]) == "medium");
    CHECK(str(breach["escalatedTo"]) == "high");
    CHECK(str(breach["note"]).find("priority raised from medium to high") == std::string::npos);
    CHECK(str(breach["note"]).find("Priority raised from medium to high") != std::string::npos);
    CHECK(str(escalated.json["data"]["priority"]) == "high");
    CHECK(str(escalated_sla["firstResponseStatus"]) == "breached");

    auto stats = server.call("GET", "/api/admin/stats", {}, later);
    REQUIRE_MESSAGE(stats.status == 200, stats.raw.body);
    auto compliance = stats.json["data"]["sla"];
    CHECK(compliance["firstResponse"]["breached"].get_int64().value() == 2);
    CHECK(compliance["resolution"]["met"].get_int64().value() == 1);
    CHECK(compliance["resolution"]["compliancePercent"].get_double().value() == 100.0);
  }
}

}  // namespace docket::api_testing

// Intake journeys over real HTTP: admin versions with validation details, the customer's
// and guest's views by channel, evaluating answers, and submitting them into a support
// request (queue, SLA, the journey record on the admin detail) or an inquiry with a
// guest token; version pinning and archiving.
#include <doctest/doctest.h>

#include <string>

#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

std::string str(simdjson::dom::element e) {
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) return "<missing>";
  return std::string(v);
}

// Three steps: the topic, what happened, an optional photo; billing goes to an inquiry.
constexpr std::string_view kOrderJourney = R"({
  "startNode": "topic",
  "nodes": {
    "topic": {"id": "topic", "type": "question", "questionType": "single_choice",
              "question": "What do you need help with?",
              "options": [{"label": "Damaged item", "value": "damaged"},
                          {"label": "Billing", "value": "billing"}],
              "nextNodeMap": {"billing": "bill-end"}, "next": "details"},
    "details": {"id": "details", "type": "question", "questionType": "text",
                "question": "What happened?", "next": "photo"},
    "photo": {"id": "photo", "type": "question", "questionType": "image_upload",
              "question": "A photo of it?", "required": false, "next": "route"},
    "route": {"id": "route", "type": "condition",
              "branches": [{"when": {"node": "details", "contains": "broken"}, "next": "urgent"}],
              "else": "normal"},
    "urgent": {"id": "urgent", "type": "end", "create": "support_request",
               "category": "technical", "priority": "urgent", "subject": "Damaged: {{details}}"},
    "normal": {"id": "normal", "type": "end", "create": "support_request", "category": "general"},
    "bill-end": {"id": "bill-end", "type": "end", "create": "support_inquiry",
                 "category": "billing", "subject": "{{topic}} question"}}})";

std::int64_t create_journey(ApiServer& s, const std::string& admin, std::string_view channel) {
  auto r = s.call(
      "POST", "/api/admin/journeys",
      R"({"name":"Order help","channel":")" + std::string(channel) + R"(","category":"orders"})",
      admin);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_int("id");
}

ApiResponse add_version(ApiServer& s, const std::string& admin, std::int64_t id,
                        std::string_view definition, bool publish) {
  return s.call("POST", "/api/admin/journeys/" + std::to_string(id) + "/versions",
                R"({"definition":)" + std::string(definition) + R"(,"publish":)" +
                    (publish ? "true" : "false") + "}",
                admin);
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("journeys: drafts, validation details, publishing, the customer's view") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("journey@example.com");
    const std::int64_t id = create_journey(server, admin, "portal");
    const std::string base = "/api/admin/journeys/" + std::to_string(id);

    // Not yet published: customers do not see it.
    CHECK(server.call("GET", "/api/journeys/" + std::to_string(id), {}, customer).error_code() ==
          "JOURNEY_NOT_FOUND");

    // The seed's example as printed names node-2, which it does not define.
    constexpr std::string_view kSeed =
        R"({"startNode":"node-1","nodes":{"node-1":{"id":"node-1","type":"question",)"
        R"("questionType":"single_choice","question":"What do you need help with?",)"
        R"("options":[{"label":"Order Issue","value":"order_issue"}],)"
        R"("nextNodeMap":{"order_issue":"node-2"}}}})";
    auto refused = add_version(server, admin, id, kSeed, true);
    CHECK(refused.status == 400);
    CHECK(refused.error_code() == "JOURNEY_INVALID");
    bool named = false;
    for (auto d : refused.json["details"].get_array()) {
      if (str(d["nodeId"]) == "node-1" && str(d["rule"]) == "target_missing") {
        named = true;
        CHECK(str(d["field"]) == "definition.nodes.node-1");
      }
    }
    CHECK(named);

    // Saved as a draft it is kept, with its problems; publishing it is refused.
    auto draft = add_version(server, admin, id, kSeed, false);
    REQUIRE_MESSAGE(draft.status == 201, draft.raw.body);
    CHECK(draft.data_int("version") == 1);
    CHECK_FALSE(draft.json["data"]["valid"].get_bool().value());
    CHECK(draft.json["data"]["problems"].get_array().size() >= 1);
    CHECK(server.call("POST", base + "/versions/1/publish", {}, admin).error_code() ==
          "JOURNEY_INVALID");

    auto check = server.call("POST", "/api/admin/journeys/validate",
                             R"({"definition":)" + std::string(kOrderJourney) + "}", admin);
    REQUIRE(check.status == 200);
    CHECK(check.json["data"]["valid"].get_bool().value());

    auto published = add_version(server, admin, id, kOrderJourney, true);
    REQUIRE_MESSAGE(published.status == 201, published.raw.body);
    CHECK(published.data_int("version") == 2);
    CHECK(published.json["data"]["published"].get_bool().value());
    auto detail = server.call("GET", base, {}, admin);
    CHECK(detail.data_int("currentVersion") == 2);
    CHECK(detail.json["data"]["versions"].get_array().size() == 2);
    CHECK(server.call("GET", base, {}, customer).status == 403);

    // Customers see portal journeys; guests do not.
    auto mine = server.call("GET", "/api/journeys", {}, customer);
    REQUIRE(mine.status == 200);
    CHECK(mine.json["data"].get_array().size() == 1);
    CHECK(server.call("GET", "/api/journeys", {}, {}).json["data"].get_array().size() == 0);
    CHECK(server.call("GET", "/api/journeys/" + std::to_string(id), {}, {}).status == 404);
    auto graph = server.call("GET", "/api/journeys/" + std::to_string(id), {}, customer);
    REQUIRE(graph.status == 200);
    CHECK(graph.data_int("version") == 2);
    CHECK(str(graph.json["data"]["definition"]["startNode"]) == "topic");

    // Evaluate: the next question as the definition has it, then the end.
    const std::string eval = "/api/journeys/" + std::to_string(id) + "/evaluate";
    auto next =
        server.call("POST", eval, R"({"version":2,"answers":{"topic":"damaged"}})", customer);
    REQUIRE_MESSAGE(next.status == 200, next.raw.body);
    CHECK_FALSE(next.json["data"]["complete"].get_bool().value());
    CHECK(str(next.json["data"]["next"]["id"]) == "details");
    CHECK(str(next.json["data"]["nextNodeId"]) == "details");
    CHECK(str(next.json["data"]["next"]["question"]) == "What happened?");
    auto done = server.call(
        "POST", eval, R"({"answers":{"topic":"damaged","details":"Box was broken","photo":null}})",
        customer);
    REQUIRE_MESSAGE(done.status == 200, done.raw.body);
    CHECK(done.json["data"]["complete"].get_bool().value());
    CHECK(done.json["data"]["next"].is_null());
    CHECK(done.json["data"]["nextNodeId"].is_null());
    CHECK(str(done.json["data"]["end"]["category"]) == "technical");
    CHECK(str(done.json["data"]["end"]["subject"]) == "Damaged: Box was broken");
    auto wrong = server.call("POST", eval, R"({"answers":{"topic":"shipping"}})", customer);
    CHECK(wrong.status == 400);
    CHECK(wrong.error_code() == "JOURNEY_ANSWERS_INVALID");
    CHECK(str(wrong.json["details"].at(0)["rule"]) == "answer_not_an_option");
    CHECK(str(wrong.json["details"].at(0)["field"]) == "answers.topic");
    CHECK(server.call("POST", eval, R"({"version":1,"answers":{}})", customer).error_code() ==
          "JOURNEY_VERSION_NOT_FOUND");
  }

  TEST_CASE("journeys: submitting creates the end node's request, queued, with SLA and record") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("walker@example.com");
    const std::int64_t id = create_journey(server, admin, "any");
    REQUIRE(add_version(server, admin, id, kOrderJourney, true).status == 201);
    const std::string submit = "/api/journeys/" + std::to_string(id) + "/submit";

    // Unfinished answers are not submitted.
    auto partial = server.call("POST", submit, R"({"answers":{"topic":"damaged"}})", customer);
    CHECK(partial.error_code() == "JOURNEY_ANSWERS_INVALID");
    CHECK(str(partial.json["details"].at(0)["nodeId"]) == "details");

    auto created = server.call(
        "POST", submit,
        R"({"version":1,"answers":{"topic":"damaged","details":"It arrived broken","photo":null,)"
        R"("off-path":"never stored"}})",
        customer);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    CHECK(created.data_string("kind") == "support_request");
    const std::int64_t request = created.data_int("id");
    CHECK(created.data_string("ticketNumber").starts_with("SUP-"));
    CHECK(created.json["data"]["inquiryAccessToken"].error() == simdjson::NO_SUCH_FIELD);

    auto admin_view =
        server.call("GET", "/api/admin/support-requests/" + std::to_string(request), {}, admin);
    REQUIRE(admin_view.status == 200);
    auto r = admin_view.json["data"];
    CHECK(str(r["category"]) == "technical");
    CHECK(str(r["priority"]) == "urgent");
    CHECK(str(r["subject"]) == "Damaged: It arrived broken");
    CHECK(r["journey"]["id"].get_int64().value() == id);
    CHECK(r["journey"]["version"].get_int64().value() == 1);
    CHECK(simdjson::minify(r["journey"]["answers"]) ==
          R"({"topic":"damaged","details":"It arrived broken","photo":null})");
    CHECK_FALSE(r["sla"].is_null());
    CHECK(str(r["messages"].at(0)["message"]) ==
          "What do you need help with?: Damaged item\nWhat happened?: It arrived broken\nA photo "
          "of it?: (skipped)");
    auto queue = server.call("GET", "/api/admin/queue", {}, admin);
    REQUIRE(queue.status == 200);
    bool queued = false;
    for (auto item : queue.json["data"].get_array()) {
      if (item["id"].get_int64().value() == request) queued = true;
    }
    CHECK(queued);

    // A guest reaching a request end must sign in; the billing branch opens an inquiry.
    auto guest_request = server.call(
        "POST", submit, R"({"answers":{"topic":"damaged","details":"x","photo":null}})", {});
    CHECK(guest_request.status == 401);
    auto inquiry = server.call("POST", submit, R"({"answers":{"topic":"billing"}})", {});
    REQUIRE_MESSAGE(inquiry.status == 201, inquiry.raw.body);
    CHECK(inquiry.data_string("kind") == "support_inquiry");
    CHECK(inquiry.data_string("trackingCode").starts_with("INQ-"));
    const std::string token = inquiry.data_string("inquiryAccessToken");
    REQUIRE(token.starts_with("si_"));
    const std::string inquiry_path =
        "/api/support-inquiries/" + std::to_string(inquiry.data_int("id"));
    auto mine = server.call("GET", inquiry_path, {}, token);
    REQUIRE_MESSAGE(mine.status == 200, mine.raw.body);
    CHECK(str(mine.json["data"]["subject"]) == "Billing question");
    CHECK(str(mine.json["data"]["category"]) == "billing");
    auto staff_view = server.call(
        "GET", "/api/admin/support-inquiries/" + std::to_string(inquiry.data_int("id")), {}, admin);
    CHECK(staff_view.json["data"]["journey"]["id"].get_int64().value() == id);

    // Staff do not submit.
    CHECK(server.call("POST", submit, R"({"answers":{"topic":"billing"}})", admin).status == 403);
  }

  TEST_CASE("journeys: runs keep their version; archived journeys are gone for customers") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string customer = server.register_customer("pinned@example.com");
    const std::int64_t id = create_journey(server, admin, "portal");
    const std::string base = "/api/admin/journeys/" + std::to_string(id);
    REQUIRE(add_version(server, admin, id, kOrderJourney, true).status == 201);
    // Version 2 drops the text question: version 1's answers still walk version 1.
    constexpr std::string_view kShort =
        R"({"startNode":"topic","nodes":{"topic":{"type":"question","questionType":"single_choice",)"
        R"("question":"Topic?","options":[{"label":"Other","value":"other"}],"next":"end"},)"
        R"("end":{"type":"end","create":"support_request","category":"general"}}})";
    REQUIRE(add_version(server, admin, id, kShort, true).status == 201);
    const std::string submit = "/api/journeys/" + std::to_string(id) + "/submit";
    auto old_run = server.call(
        "POST", submit,
        R"({"version":1,"answers":{"topic":"damaged","details":"scratched","photo":null}})",
        customer);
    REQUIRE_MESSAGE(old_run.status == 201, old_run.raw.body);
    auto new_run = server.call("POST", submit, R"({"answers":{"topic":"damaged"}})", customer);
    CHECK(new_run.error_code() == "JOURNEY_ANSWERS_INVALID");  // not an option in version 2

    // Publishing the current version again changes nothing; going back is allowed.
    CHECK(server.call("POST", base + "/versions/2/publish", {}, admin).status == 409);
    auto back = server.call("POST", base + "/versions/1/publish", {}, admin);
    REQUIRE_MESSAGE(back.status == 200, back.raw.body);
    CHECK(back.data_int("currentVersion") == 1);

    auto archived = server.call("POST", base + "/archive", {}, admin);
    REQUIRE_MESSAGE(archived.status == 200, archived.raw.body);
    CHECK(archived.json["data"]["archived"].get_bool().value());
    CHECK(server.call("GET", "/api/journeys", {}, customer).json["data"].get_array().size() == 0);
    CHECK(
        server.call("POST", submit, R"({"answers":{"topic":"billing"}})", customer).error_code() ==
        "JOURNEY_NOT_FOUND");
    CHECK(server.call("POST", base + "/archive", {}, admin).error_code() == "JOURNEY_ARCHIVED");
    CHECK(add_version(server, admin, id, kShort, false).error_code() == "JOURNEY_ARCHIVED");
    CHECK(server.call("GET", "/api/admin/journeys", {}, admin).json["data"].get_array().size() ==
          1);
  }
}

}  // namespace docket::api_testing

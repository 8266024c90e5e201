// Streamed exports over real HTTP: every conversation with its messages as JSON Lines
// and as CSV (read back by Python's csv module), the analytics items, a conversation long
// enough to span pieces, the range and the permissions; and the cursor read one row at a
// time gives the same bytes as the streamed answer.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/time_format.h"
#include "projections/export_query.h"
#include "projections/reader_pool.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

UnixMillis at(std::string_view iso) {
  auto ms = parse_iso8601(iso);
  REQUIRE(ms.has_value());
  return *ms;
}

std::string str(simdjson::dom::element e) {
  std::string_view v;
  return e.get_string().get(v) ? std::string() : std::string(v);
}

std::int64_t num(simdjson::dom::element e) {
  std::int64_t v = 0;
  return e.get_int64().get(v) ? -1 : v;
}

std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = body.find('\n', start);
    REQUIRE(end != std::string::npos);  // every line ends with \n
    lines.push_back(body.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The rows Python's csv module reads from `csv`, each as a JSON array on one line.
std::vector<std::string> python_rows(const std::string& csv) {
  testing::TempDir dir;
  const std::string path = dir.sub("export.csv");
  std::ofstream(path, std::ios::binary) << csv;
  auto parsed = testing::run_process({"/usr/bin/python3", "-c",
                                      "import csv, json, sys\n"
                                      "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
                                      "    for row in csv.reader(f, strict=True):\n"
                                      "        print(json.dumps(row, ensure_ascii=False))\n",
                                      path});
  REQUIRE_MESSAGE(parsed.exit_code == 0, parsed.err);
  return lines_of(parsed.out);
}

constexpr std::string_view kTricky = "=HYPERLINK(\"http://x\"), said \"Ann\"\nsecond line";

struct Conversations {
  ManualClock clock{at("2026-05-01T09:00:00Z")};
  ApiServer server{{}, &clock, [](Config& c) {
                     c.queue_enabled = false;
                     c.jwt_ttl_seconds = 30 * 86400;
                   }};
  std::string admin = server.admin_token();
  std::string ann = server.register_customer("ann@example.com");
  std::int64_t early = 0, request = 0, inquiry = 0;
  std::string inquiry_code;

  ApiResponse call(std::string_view when, std::string_view method, const std::string& path,
                   const std::string& body, const std::string& token) {
    clock.set(at(when));
    auto r = server.call(method, path, body, token);
    REQUIRE_MESSAGE(r.status < 300, path, " ", r.raw.body);
    return r;
  }

  Conversations() {
    // Before the range.
    early = call("2026-05-01T10:00:00Z", "POST", "/api/mobile/support-requests",
                 R"({"subject":"Early","category":"general","message":"Before"})", ann)
                .data_int("id");
    request = call("2026-05-04T10:00:00Z", "POST", "/api/mobile/support-requests",
                   R"({"subject":"Broken, \"really\"","category":"technical","message":)" +
                       json_string(kTricky) + "}",
                   ann)
                  .data_int("id");
    call("2026-05-04T10:05:00Z", "POST",
         "/api/admin/support-requests/" + std::to_string(request) + "/messages",
         R"({"message":"-1 is not a formula here"})", admin);
    auto guest =
        call("2026-05-05T08:00:00Z", "POST", "/api/support-inquiries",
             R"({"subject":"Hello","guestName":"Gus","guestEmail":"gus@example.com"})", "");
    inquiry = guest.data_int("id");
    inquiry_code = guest.data_string("trackingCode");
    call("2026-05-05T08:01:00Z", "POST",
         "/api/support-inquiries/" + std::to_string(inquiry) + "/messages",
         R"({"message":"café ✓"})", guest.data_string("inquiryAccessToken"));
    clock.set(at("2026-05-06T12:00:00Z"));
  }

  static std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

  ApiResponse get(const std::string& path, const std::string& token) {
    return server.call("GET", path, {}, token);
  }
};

}  // namespace

TEST_SUITE("api.export") {
  TEST_CASE("conversations as JSON Lines: each conversation in the range with its messages") {
    Conversations s;
    auto r = s.get("/api/admin/export/conversations?from=2026-05-04&to=2026-05-06", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.raw.body);
    CHECK(r.raw.header("Content-Type") == "application/x-ndjson");
    CHECK(r.raw.header("Transfer-Encoding") == "chunked");
    CHECK(r.raw.header("Content-Disposition") ==
          R"(attachment; filename="conversations-2026-05-04-2026-05-06.jsonl")");
    const auto lines = lines_of(r.raw.body);
    REQUIRE(lines.size() == 2);  // the early request is outside the range
    simdjson::dom::parser p1, p2;
    const simdjson::dom::element req = p1.parse(lines[0]);
    CHECK(str(req["type"]) == "support_request");
    CHECK(num(req["id"]) == s.request);
    CHECK(str(req["subject"]) == R"(Broken, "really")");
    CHECK(str(req["createdAt"]) == "2026-05-04T10:00:00.000Z");
    simdjson::dom::array messages = req["messages"];
    REQUIRE(messages.size() == 2);
    CHECK(str(messages.at(0)["message"]) == kTricky);
    CHECK(str(messages.at(0)["senderType"]) == "customer");
    CHECK(str(messages.at(1)["message"]) == "-1 is not a formula here");
    CHECK(str(messages.at(1)["senderType"]) == "admin");
    CHECK(num(messages.at(1)["eventId"]) > num(messages.at(0)["eventId"]));

    const simdjson::dom::element inq = p2.parse(lines[1]);
    CHECK(str(inq["type"]) == "support_inquiry");
    CHECK(num(inq["id"]) == s.inquiry);
    CHECK(str(inq["trackingCode"]) == s.inquiry_code);
    CHECK(str(inq["guestEmail"]) == "gus@example.com");
    simdjson::dom::array guest_messages = inq["messages"];
    REQUIRE(guest_messages.size() == 2);  // the greeting, then the guest's message
    CHECK(str(guest_messages.at(0)["senderType"]) == "system");
    CHECK(str(guest_messages.at(1)["senderType"]) == "visitor");
    CHECK(str(guest_messages.at(1)["message"]) == "café ✓");

    // A range with nothing in it is an empty body, still a complete answer.
    auto none = s.get("/api/admin/export/conversations?from=2026-04-01&to=2026-04-02", s.admin);
    CHECK(none.status == 200);
    CHECK(none.raw.body.empty());
  }

  TEST_CASE("conversations as CSV: one row per message, read back by Python's csv module") {
    Conversations s;
    auto r =
        s.get("/api/admin/export/conversations?from=2026-05-04&to=2026-05-06&format=csv", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.raw.body);
    CHECK(r.raw.header("Content-Type") == "text/csv; charset=utf-8");
    const auto rows = python_rows(r.raw.body);
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] ==
          R"(["conversationType", "conversationId", "reference", "subject", "messageId", )"
          R"("senderType", "senderId", "createdAt", "message", "eventId", "attachments"])");
    simdjson::dom::parser parser;
    const simdjson::dom::element first = parser.parse(rows[1]);
    CHECK(str(first.at(0)) == "support_request");
    CHECK(str(first.at(1)) == std::to_string(s.request));
    CHECK(str(first.at(3)) == R"(Broken, "really")");
    // A formula-like cell is shown as text; quotes and the line break survive.
    CHECK(str(first.at(8)) == "'" + std::string(kTricky));
    CHECK(str(first.at(10)) == "[]");
    simdjson::dom::parser parser2;
    const simdjson::dom::element second = parser2.parse(rows[2]);
    CHECK(str(second.at(8)) == "'-1 is not a formula here");
    simdjson::dom::parser parser3;
    const simdjson::dom::element last = parser3.parse(rows[4]);
    CHECK(str(last.at(0)) == "support_inquiry");
    CHECK(str(last.at(2)) == s.inquiry_code);
    CHECK(str(last.at(5)) == "visitor");
    CHECK(str(last.at(6)).empty());
    CHECK(str(last.at(8)) == "café ✓");
  }

  TEST_CASE("a conversation longer than a piece is read in batches and arrives whole") {
    Conversations s;
    const std::string path = "/api/mobile/support-requests/" + std::to_string(s.request);
    const std::string text(2000, 'm');
    // 300 more messages: more than one batch of messages and several 64 KiB pieces.
    s.clock.set(at("2026-05-06T13:00:00Z"));
    for (int i = 0; i < 300; ++i) {
      auto m = s.server.call("POST", path + "/messages",
                             R"({"message":")" + std::to_string(i) + text + R"("})", s.ann);
      REQUIRE_MESSAGE(m.status == 201, m.raw.body);
    }
    auto r = s.get("/api/admin/export/conversations?from=2026-05-04&to=2026-05-06", s.admin);
    REQUIRE(r.status == 200);
    const auto lines = lines_of(r.raw.body);
    REQUIRE(lines.size() == 2);
    simdjson::dom::parser parser;
    simdjson::dom::array messages = parser.parse(lines[0])["messages"];
    REQUIRE(messages.size() == 302);
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const std::int64_t id = num(messages.at(i)["id"]);
      CHECK(id > previous);
      previous = id;
    }
    CHECK(str(messages.at(301)["message"]) == "299" + text);

    // The cursor read one row or batch at a time gives exactly the streamed bytes.
    for (auto format : {projections::ExportFormat::kJsonLines, projections::ExportFormat::kCsv}) {
      const std::string csv_path =
          "/api/admin/export/conversations?from=2026-05-04&to=2026-05-06&format=csv";
      const std::string whole = format == projections::ExportFormat::kCsv
                                    ? s.get(csv_path, s.admin).raw.body
                                    : r.raw.body;
      projections::ConversationsExport cursor(
          {at("2026-05-04T00:00:00Z"), at("2026-05-07T00:00:00Z")}, format);
      std::string pieces;
      int calls = 0;
      for (;;) {
        auto lease = s.server.runtime().readers()->lease();
        REQUIRE(lease.ok());
        std::string piece;
        auto done = cursor.next(lease->db(), piece, 1);
        REQUIRE(done.ok());
        pieces += piece;
        ++calls;
        if (*done) break;
      }
      CHECK(calls > 4);
      CHECK(pieces == whole);
      CHECK(cursor.conversations() == 2);
      CHECK(cursor.messages() == 304);  // 302 + the inquiry's greeting and message
    }
  }

  TEST_CASE("analytics items: one row per conversation created in the range") {
    Conversations s;
    auto r = s.get("/api/admin/analytics/items?from=2026-05-04&to=2026-05-06", s.admin);
    REQUIRE_MESSAGE(r.status == 200, r.raw.body);
    CHECK(r.raw.header("Content-Type") == "text/csv; charset=utf-8");
    const auto rows = python_rows(r.raw.body);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].starts_with(R"(["kind", "id", "reference", "ticketNumber", "createdAt", )"));
    // Keyset order (kind, id): inquiries before requests.
    simdjson::dom::parser p1, p2;
    const simdjson::dom::element inq = p1.parse(rows[1]);
    CHECK(str(inq.at(0)) == "support_inquiry");
    CHECK(str(inq.at(2)) == s.inquiry_code);
    const simdjson::dom::element req = p2.parse(rows[2]);
    CHECK(str(req.at(0)) == "support_request");
    CHECK(str(req.at(1)) == std::to_string(s.request));
    CHECK(str(req.at(4)) == "2026-05-04T10:00:00.000Z");
    CHECK(str(req.at(6)) == "technical");
    CHECK(str(req.at(12)) == "2026-05-04T10:05:00.000Z");  // first response
    CHECK(str(req.at(13)) == "300");                       // seconds after creation

    auto jsonl =
        s.get("/api/admin/analytics/items?from=2026-05-01&to=2026-05-06&format=jsonl", s.admin);
    REQUIRE(jsonl.status == 200);
    const auto lines = lines_of(jsonl.raw.body);
    REQUIRE(lines.size() == 3);  // now with the early request
    simdjson::dom::parser p3;
    const simdjson::dom::element last = p3.parse(lines[2]);
    CHECK(num(last["id"]) == s.request);
    CHECK(num(last["firstResponseSeconds"]) == 300);
    CHECK(str(last["status"]) == "open");
  }

  TEST_CASE("exports check their range and their permission") {
    Conversations s;
    auto bad_format = s.get("/api/admin/export/conversations?format=xml", s.admin);
    CHECK(bad_format.status == 400);
    CHECK(bad_format.error_code() == "VALIDATION_ERROR");
    auto backwards =
        s.get("/api/admin/export/conversations?from=2026-05-06&to=2026-05-04", s.admin);
    CHECK(backwards.status == 400);
    auto zone = s.get("/api/admin/analytics/items?tz=Mars/Olympus", s.admin);
    CHECK(zone.status == 400);

    CHECK(s.get("/api/admin/export/conversations", "").status == 401);
    CHECK(s.get("/api/admin/export/conversations", s.ann).status == 403);
    auto created = s.server.call(
        "POST", "/api/admin/staff",
        R"({"email":"a@example.com","password":"agent-pass-1","name":"A","role":"agent"})",
        s.admin);
    REQUIRE(created.status == 201);
    const std::string agent = s.server.login("a@example.com", "agent-pass-1");
    auto refused = s.get("/api/admin/export/conversations", agent);
    CHECK(refused.status == 403);
    CHECK(str(refused.json["details"]["permission"]) == "Data_EXPORT");
    CHECK(s.get("/api/admin/analytics/items", agent).status == 403);
  }
}

}  // namespace docket::api_testing

// Support inquiries over real HTTP: guest and customer inquiries, the guest token, contact
// data and e-mail verification by one-time code, the admin workflow and lifecycle,
// search, linking to support requests, permissions, the public ticket lookup and the
// create rate limit.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/auth/guest_token.h"
#include "core/config.h"
#include "events/event_store.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

constexpr std::string_view kInquiries = "/api/support-inquiries";
constexpr std::string_view kAdminInquiries = "/api/admin/support-inquiries";
constexpr std::string_view kTrackingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

struct Inquiry {
  std::int64_t id = 0;
  std::string tracking;
  std::string token;  // guests only
};

std::string pub(std::int64_t id, std::string_view tail = "") {
  return std::string(kInquiries) + "/" + std::to_string(id) + std::string(tail);
}

std::string adm(std::int64_t id, std::string_view tail = "") {
  return std::string(kAdminInquiries) + "/" + std::to_string(id) + std::string(tail);
}

std::string guest_body(std::string_view subject, std::string_view extra = "") {
  std::string body = R"({"subject":")" + std::string(subject) + R"(","message":"Please help")";
  if (!extra.empty()) body += "," + std::string(extra);
  return body + "}";
}

// Opens an inquiry (as a guest without a token, else as that customer).
Inquiry open_inquiry(ApiServer& s, std::string_view body, std::string_view token = {}) {
  auto r = s.call("POST", kInquiries, body, token);
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return {r.data_int("id"), r.data_string("trackingCode"), r.data_string("inquiryAccessToken")};
}

std::int64_t account_id(ApiServer& s, const std::string& token) {
  auto me = s.call("GET", "/api/auth/me", {}, token);
  REQUIRE(me.status == 200);
  return me.data_int("id");
}

std::int64_t total(const ApiResponse& r) {
  std::int64_t n = -1;
  REQUIRE_MESSAGE(!r.json["pagination"]["total"].get_int64().get(n), r.raw.body);
  return n;
}

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

bool has_detail(const ApiResponse& r, std::string_view field) {
  const std::string details = simdjson::minify(r.json["details"]);
  return details.find(R"("field":")" + std::string(field) + "\"") != std::string::npos;
}

bool has_detail(const ApiResponse& r, std::string_view field, std::string_view rule) {
  const std::string details = simdjson::minify(r.json["details"]);
  return details.find(R"("field":")" + std::string(field) + R"(","rule":")" + std::string(rule) +
                      "\"") != std::string::npos;
}

bool is_tracking_code(std::string_view code) {
  if (code.size() != 10 || !code.starts_with("INQ-")) return false;
  for (char c : code.substr(4)) {
    if (kTrackingAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool is_guest_token(std::string_view token) {
  if (token.size() != 46 || !token.starts_with("si_")) return false;
  for (char c : token.substr(3)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The JSON text of `e` with every member named in `drop` left out, at any depth.
void canonical(simdjson::dom::element e, const std::set<std::string, std::less<>>& drop,
               std::string& out) {
  if (e.is_object()) {
    out += '{';
    const simdjson::dom::object object = e.get_object().value();
    for (simdjson::dom::key_value_pair field : object) {
      if (drop.count(field.key) != 0) continue;
      out += '"';
      out += field.key;
      out += "\":";
      canonical(field.value, drop, out);
      out += ',';
    }
    out += '}';
  } else if (e.is_array()) {
    out += '[';
    const simdjson::dom::array array = e.get_array().value();
    for (simdjson::dom::element item : array) {
      canonical(item, drop, out);
      out += ',';
    }
    out += ']';
  } else {
    out += simdjson::minify(e);
  }
}

std::string canonical(const ApiResponse& r, const std::set<std::string, std::less<>>& drop) {
  std::string out;
  canonical(r.json, drop, out);
  return out;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Whether `text` holds `number` as a whole number: not inside a longer run of digits.
bool contains_number(std::string_view text, std::string_view number) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t at = text.find(number); at != std::string_view::npos;
       at = text.find(number, at + 1)) {
    const bool before = at > 0 && digit(text[at - 1]);
    const bool after = at + number.size() < text.size() && digit(text[at + number.size()]);
    if (!before && !after) return true;
  }
  return false;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct CodeMail {
  std::string code;
  std::string text;
};

// The one-time code in a verification mail: on its own line, indented by four spaces.
std::string code_in(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() == 10 && line.starts_with("    ") &&
        line.find_first_not_of("0123456789", 4) == std::string::npos) {
      return line.substr(4);
    }
    start = end + 1;
  }
  return {};
}

// The one-time code of the next verification mail to `address` not in `seen` (.eml
// files under <data>/mail, written by the background delivery worker).
CodeMail code_mail(ApiServer& s, std::string_view address, std::set<std::string>& seen) {
  const std::string to = "To: " + std::string(address);
  CodeMail found;
  const bool arrived = docket::testing::eventually([&] {
    for (const auto& [name, text] : s.mails()) {
      if (seen.count(name) != 0) continue;
      if (!contains(text, to) || !contains(text, "Subject: Your verification code")) continue;
      seen.insert(name);
      found = {code_in(text), text};
      return true;
    }
    return false;
  });
  REQUIRE_MESSAGE(arrived, "no verification mail to ", address);
  REQUIRE_MESSAGE(!found.code.empty(), "no code in the mail: ", found.text);
  return found;
}

// A well-formed code that is not `code`.
std::string other_code(const std::string& code) {
  std::string out = code;
  out.back() = static_cast<char>('0' + (out.back() - '0' + 1) % 10);
  return out;
}

ApiResponse confirm(ApiServer& s, const Inquiry& i, std::string_view code) {
  return s.call("POST", pub(i.id, "/verify-email/confirm"),
                R"({"code":")" + std::string(code) + R"("})", i.token);
}

// An agent with the default preset; returns its id and token.
std::pair<std::int64_t, std::string> make_agent(ApiServer& s, const std::string& admin,
                                                std::string_view email = "agent@example.com") {
  auto created = s.call("POST", "/api/admin/staff",
                        R"({"email":")" + std::string(email) +
                            R"(","password":"agent-pass-1","name":"Ann","role":"agent"})",
                        admin);
  REQUIRE_MESSAGE(created.status == 201, created.raw.body);
  const std::string token = s.login(email, "agent-pass-1");
  REQUIRE(!token.empty());
  return {created.data_int("id"), token};
}

ApiResponse set_status(ApiServer& s, const std::string& admin, std::int64_t id,
                       std::string_view status) {
  return s.call("PATCH", adm(id, "/status"), R"({"status":")" + std::string(status) + R"("})",
                admin);
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("support inquiries: a guest opens one and its token grants that inquiry only") {
    ApiServer server;
    const std::string admin = server.admin_token();
    std::vector<std::string> bodies;  // every answer, to look for the token hash

    auto created = server.call("POST", kInquiries,
                               R"({"subject":"Where is my parcel?","category":"shipping",)"
                               R"("message":"It was due\nyesterday.","guestName":"Ana Lima"})");
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    bodies.push_back(created.raw.body);
    const std::int64_t id = created.data_int("id");
    const std::string tracking = created.data_string("trackingCode");
    const std::string token = created.data_string("inquiryAccessToken");
    CHECK(id > 0);
    CHECK_MESSAGE(is_tracking_code(tracking), tracking);
    CHECK_MESSAGE(is_guest_token(token), token);
    CHECK(created.data_string("status") == "open");
    CHECK(created.data_string("subject") == "Where is my parcel?");
    CHECK(created.data_string("category") == "shipping");
    CHECK(created.data_string("guestName") == "Ana Lima");
    CHECK(created.json["data"]["customerId"].is_null());
    CHECK(created.json["data"]["assignedAdminId"].is_null());
    CHECK(created.json["data"]["supportRequestId"].is_null());
    CHECK(created.json["data"]["closedAt"].is_null());
    CHECK(created.json["data"]["emailVerified"].get_bool().value() == false);
    auto messages = created.json["data"]["messages"].get_array().value();
    REQUIRE(messages.size() == 2);
    CHECK(messages.at(0)["senderType"].get_string().value() == "system");
    CHECK(messages.at(0)["message"].get_string().value() == Config{}.inquiry_greeting);
    CHECK(messages.at(0)["senderId"].is_null());
    CHECK(messages.at(1)["senderType"].get_string().value() == "visitor");
    CHECK(messages.at(1)["senderId"].is_null());
    CHECK(messages.at(1)["message"].get_string().value() == "It was due\nyesterday.");
    CHECK(messages.at(0)["eventId"].get_int64().value() <
          messages.at(1)["eventId"].get_int64().value());

    // Without a message only the greeting is there; tracking codes differ.
    auto other = server.call("POST", kInquiries, R"({"subject":"Another one"})");
    REQUIRE_MESSAGE(other.status == 201, other.raw.body);
    bodies.push_back(other.raw.body);
    const std::int64_t other_id = other.data_int("id");
    const std::string other_token = other.data_string("inquiryAccessToken");
    CHECK(other.json["data"]["messages"].get_array().value().size() == 1);
    CHECK(other.json["data"]["category"].is_null());
    CHECK(other.data_string("trackingCode") != tracking);
    CHECK(other_token != token);
    CHECK(is_guest_token(other_token));

    // The token reads and writes its own inquiry.
    auto detail = server.call("GET", pub(id), {}, token);
    REQUIRE_MESSAGE(detail.status == 200, detail.raw.body);
    bodies.push_back(detail.raw.body);
    CHECK(detail.data_string("trackingCode") == tracking);
    CHECK(detail.json["data"]["messages"].get_array().value().size() == 2);
    CHECK(!contains(detail.raw.body, "inquiryAccessToken"));
    CHECK(!contains(detail.raw.body, token));
    auto posted = server.call("POST", pub(id, "/messages"), R"({"message":"Any news?"})", token);
    REQUIRE_MESSAGE(posted.status == 201, posted.raw.body);
    bodies.push_back(posted.raw.body);
    CHECK(posted.data_string("senderType") == "visitor");
    CHECK(posted.json["data"]["senderId"].is_null());
    CHECK(posted.data_string("message") == "Any news?");
    auto list = server.call("GET", pub(id, "/messages"), {}, token);
    REQUIRE(list.status == 200);
    bodies.push_back(list.raw.body);
    auto listed = list.json["data"].get_array().value();
    REQUIRE(listed.size() == 3);
    CHECK(listed.at(0)["senderType"].get_string().value() == "system");
    CHECK(listed.at(2)["message"].get_string().value() == "Any news?");

    // ...and no other inquiry.
    for (const auto& [method, tail, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "", ""},
             {"GET", "/messages", ""},
             {"POST", "/messages", R"({"message":"hi"})"},
             {"PATCH", "/identify", R"({"name":"X"})"}}) {
      CAPTURE(method);
      CAPTURE(tail);
      auto denied = server.call(method, pub(other_id, tail), body, token);
      CHECK(denied.status == 403);
      CHECK(denied.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    }
    CHECK(server.call("GET", pub(other_id), {}, other_token).status == 200);

    // Unknown or malformed tokens are refused as invalid; no credentials, or a
    // customer who does not own it, are denied access.
    const std::string unknown = "si_" + std::string(43, 'A');
    REQUIRE(is_guest_token(unknown));
    for (const std::string& bad :
         {unknown, std::string("si_garbage"), token.substr(0, 45) + "!", token + "A"}) {
      CAPTURE(bad);
      auto refused = server.call("GET", pub(id), {}, bad);
      CHECK(refused.status == 403);
      CHECK(refused.error_code() == "SUPPORT_INQUIRY_TOKEN_INVALID");
    }
    auto anonymous = server.call("GET", pub(id));
    CHECK(anonymous.status == 403);
    CHECK(anonymous.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    auto anonymous_post = server.call("POST", pub(id, "/messages"), R"({"message":"hi"})");
    CHECK(anonymous_post.status == 403);
    CHECK(anonymous_post.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    const std::string customer = server.register_customer("cust@example.com");
    auto foreign = server.call("GET", pub(id), {}, customer);
    CHECK(foreign.status == 403);
    CHECK(foreign.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    // Staff use the admin routes: they neither open inquiries nor use the public ones.
    auto staff_create = server.call("POST", kInquiries, R"({"subject":"x"})", admin);
    CHECK(staff_create.status == 403);
    CHECK(staff_create.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(server.call("GET", pub(id), {}, admin).error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");

    // The admin views show the inquiry, still without any token material.
    auto admin_detail = server.call("GET", adm(id), {}, admin);
    REQUIRE(admin_detail.status == 200);
    bodies.push_back(admin_detail.raw.body);
    auto admin_list = server.call("GET", std::string(kAdminInquiries), {}, admin);
    REQUIRE(admin_list.status == 200);
    bodies.push_back(admin_list.raw.body);
    CHECK(total(admin_list) == 2);
    const std::string hash = auth::guest_token_hash(token);
    const std::string other_hash = auth::guest_token_hash(other_token);
    REQUIRE(hash.size() == 64);
    for (const std::string& body : bodies) {
      CHECK(!contains(body, "tokenHash"));
      CHECK(!contains(body, "token_hash"));
      CHECK(!contains(body, hash));
      CHECK(!contains(body, other_hash));
    }
    CHECK(!contains(admin_detail.raw.body, token));
    CHECK(!contains(admin_list.raw.body, token));
  }

  TEST_CASE("support inquiries: customers open, list, filter and sort their own") {
    // 2026-11-22T10:17:30Z; a manual clock orders the creation times.
    ManualClock clock(1'795'342'650'000);
    ApiServer server({}, &clock);
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    const std::string bob = server.register_customer("bob@example.com");
    const std::int64_t ann_id = account_id(server, ann);
    const std::int64_t bob_id = account_id(server, bob);

    auto created = server.call(
        "POST", kInquiries,
        R"({"subject":"Invoice wrong","category":"billing","message":"Twice charged"})", ann);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    CHECK(!contains(created.raw.body, "inquiryAccessToken"));
    CHECK(created.data_int("customerId") == ann_id);
    CHECK(is_tracking_code(created.data_string("trackingCode")));
    auto messages = created.json["data"]["messages"].get_array().value();
    REQUIRE(messages.size() == 2);
    CHECK(messages.at(0)["senderType"].get_string().value() == "system");
    CHECK(messages.at(1)["senderType"].get_string().value() == "customer");
    CHECK(messages.at(1)["senderId"].get_int64().value() == ann_id);
    const std::int64_t a1 = created.data_int("id");
    clock.advance(1000);
    const std::int64_t a2 =
        open_inquiry(server, R"({"subject":"Parcel late","category":"shipping"})", ann).id;
    clock.advance(1000);
    const std::int64_t b1 =
        open_inquiry(server, R"({"subject":"Bob's","category":"billing"})", bob).id;
    clock.advance(1000);
    CHECK(server.call("GET", adm(b1), {}, admin).data_int("customerId") == bob_id);

    auto own = server.call("GET", std::string(kInquiries), {}, ann);
    REQUIRE_MESSAGE(own.status == 200, own.raw.body);
    CHECK(total(own) == 2);
    CHECK(ids(own) == std::vector<std::int64_t>{a2, a1});  // createdAt desc by default
    CHECK(ids(server.call("GET", std::string(kInquiries), {}, bob)) ==
          std::vector<std::int64_t>{b1});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?sortBy=createdAt&sortOrder=asc", {},
                          ann)) == std::vector<std::int64_t>{a1, a2});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?category=billing", {}, ann)) ==
          std::vector<std::int64_t>{a1});
    CHECK(total(server.call("GET", std::string(kInquiries) + "?category=feature", {}, ann)) == 0);

    // An admin reply makes a1 waiting and the most recently updated.
    REQUIRE(server.call("POST", adm(a1, "/messages"), R"({"message":"Checking"})", admin).status ==
            201);
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?status=waiting", {}, ann)) ==
          std::vector<std::int64_t>{a1});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?status=open", {}, ann)) ==
          std::vector<std::int64_t>{a2});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?sortBy=updatedAt", {}, ann)) ==
          std::vector<std::int64_t>{a1, a2});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?sortBy=updatedAt&sortOrder=asc", {},
                          ann)) == std::vector<std::int64_t>{a2, a1});
    CHECK(ids(server.call("GET", std::string(kInquiries) + "?pageSize=1&page=2", {}, ann)) ==
          std::vector<std::int64_t>{a1});
    auto bad_sort = server.call("GET", std::string(kInquiries) + "?sortBy=subject", {}, ann);
    CHECK(bad_sort.status == 400);
    CHECK(bad_sort.error_code() == "VALIDATION_ERROR");
    CHECK(server.call("GET", std::string(kInquiries) + "?status=pending", {}, ann).status == 400);

    // The customer's own inquiry, a reply that reopens the turn, others' are denied.
    auto mine = server.call("GET", pub(a1), {}, ann);
    REQUIRE(mine.status == 200);
    CHECK(mine.json["data"]["messages"].get_array().value().size() == 3);
    auto reply = server.call("POST", pub(a1, "/messages"), R"({"message":"Thanks"})", ann);
    REQUIRE(reply.status == 201);
    CHECK(reply.data_string("senderType") == "customer");
    CHECK(reply.data_int("senderId") == ann_id);
    CHECK(server.call("GET", pub(a1), {}, ann).data_string("status") == "active");
    for (const auto& [method, tail] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"GET", "/messages"}, {"POST", "/messages"}}) {
      auto denied =
          server.call(method, pub(a1, tail), method == "POST" ? R"({"message":"x"})" : "", bob);
      CHECK(denied.status == 403);
      CHECK(denied.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    }
    auto missing = server.call("GET", pub(999), {}, ann);
    CHECK(missing.status == 404);
    CHECK(missing.error_code() == "SUPPORT_INQUIRY_NOT_FOUND");
    auto admin_missing = server.call("GET", adm(999), {}, admin);
    CHECK(admin_missing.status == 404);
    CHECK(admin_missing.error_code() == "SUPPORT_INQUIRY_NOT_FOUND");

    // The own list is for customers only.
    CHECK(server.call("GET", std::string(kInquiries)).status == 401);
    CHECK(server.call("GET", std::string(kInquiries), {}, admin).status == 403);
  }

  TEST_CASE("support inquiries: creation validates every field") {
    ApiServer server;
    const std::uint64_t head = server.runtime().store().head();
    struct Case {
      const char* body;
      const char* field;
      const char* rule;  // "" when any rule will do
    };
    const std::string long_subject = R"({"subject":")" + std::string(201, 'x') + R"("})";
    const std::string long_message =
        R"({"subject":"x","message":")" + std::string(5001, 'x') + R"("})";
    const std::vector<Case> cases = {
        {R"({"message":"no subject"})", "subject", "required"},
        {R"({"subject":""})", "subject", ""},
        {long_subject.c_str(), "subject", "maxLength"},
        {long_message.c_str(), "message", "maxLength"},
        {R"({"subject":"x","guestEmail":"not-an-email"})", "guestEmail", "email"},
        {R"({"subject":"x","guestEmail":"a@b@example.com"})", "guestEmail", "email"},
        {R"({"subject":"x","guestPhone":"call me maybe"})", "guestPhone", ""},
        {R"({"subject":"x","guestPhone":"12"})", "guestPhone", ""},
        {R"({"subject":"x","category":"Bad Category!"})", "category", ""},
        {R"({"subject":"x","category":""})", "category", ""},
        {R"({"subject":"x","status":"closed"})", "status", "unknown"},
        {R"({"subject":"x","customerId":7})", "customerId", "unknown"},
        {R"({"subject":42})", "subject", "type"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.body);
      auto r = server.call("POST", kInquiries, c.body);
      CHECK(r.status == 400);
      CHECK(r.error_code() == "VALIDATION_ERROR");
      if (std::string_view(c.rule).empty()) {
        CHECK_MESSAGE(has_detail(r, c.field), r.raw.body);
      } else {
        CHECK_MESSAGE(has_detail(r, c.field, c.rule), r.raw.body);
      }
    }
    CHECK(server.call("POST", kInquiries, "not json").status == 400);
    CHECK(server.call("POST", kInquiries, "[]").status == 400);
    // Nothing was written.
    CHECK(server.runtime().store().head() == head);
    // The boundaries are accepted.
    auto ok = server.call("POST", kInquiries,
                          R"({"subject":")" + std::string(200, 'x') +
                              R"(","category":"a_b-9","guestPhone":"+49 (30) 123-45.6/7",)"
                              R"("guestEmail":"  Mixed.Case@Example.COM "})");
    REQUIRE_MESSAGE(ok.status == 201, ok.raw.body);
    CHECK(ok.data_string("guestEmail") == "mixed.case@example.com");
    CHECK(ok.data_string("guestPhone") == "+49 (30) 123-45.6/7");
  }

  TEST_CASE("support inquiries: identify stores contact data the same for any e-mail") {
    ApiServer server;
    const std::string known = server.register_customer("known@example.com");
    const std::int64_t known_id = account_id(server, known);
    const Inquiry a = open_inquiry(server, guest_body("Same subject"));
    const Inquiry b = open_inquiry(server, guest_body("Same subject"));

    auto ra = server.call("PATCH", pub(a.id, "/identify"),
                          R"({"name":"Kim","email":"  KNOWN@Example.com ","phone":"+1 555 0100"})",
                          a.token);
    auto rb = server.call(
        "PATCH", pub(b.id, "/identify"),
        R"({"name":"Kim","email":" Nobody.Here@Example.com","phone":"+1 555 0100"})", b.token);
    REQUIRE_MESSAGE(ra.status == 200, ra.raw.body);
    REQUIRE_MESSAGE(rb.status == 200, rb.raw.body);
    CHECK(ra.data_string("guestEmail") == "known@example.com");
    CHECK(rb.data_string("guestEmail") == "nobody.here@example.com");
    CHECK(ra.data_string("guestName") == "Kim");
    CHECK(ra.data_string("guestPhone") == "+1 555 0100");
    CHECK(ra.json["data"]["customerId"].is_null());
    CHECK(rb.json["data"]["customerId"].is_null());
    CHECK(ra.json["data"]["emailVerified"].get_bool().value() == false);
    const std::set<std::string, std::less<>> varying = {"id",        "trackingCode", "createdAt",
                                                        "updatedAt", "closedAt",     "guestEmail",
                                                        "eventId",   "requestId"};
    CHECK(canonical(ra, varying) == canonical(rb, varying));
    // Leaving an account's e-mail grants that customer nothing.
    CHECK(server.call("GET", pub(a.id), {}, known).error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
    CHECK(total(server.call("GET", std::string(kInquiries), {}, known)) == 0);
    CHECK(known_id > 0);

    // A partial update keeps the other fields; a new e-mail replaces the old one.
    auto renamed = server.call("PATCH", pub(a.id, "/identify"), R"({"name":"Kim Lee"})", a.token);
    REQUIRE(renamed.status == 200);
    CHECK(renamed.data_string("guestName") == "Kim Lee");
    CHECK(renamed.data_string("guestEmail") == "known@example.com");
    CHECK(renamed.data_string("guestPhone") == "+1 555 0100");

    for (const char* body : {"{}", R"({"email":"nope"})", R"({"phone":"abc"})", R"({"name":""})",
                             R"({"name":"x","customerId":1})"}) {
      CAPTURE(body);
      auto bad = server.call("PATCH", pub(a.id, "/identify"), body, a.token);
      CHECK(bad.status == 400);
      CHECK(bad.error_code() == "VALIDATION_ERROR");
    }
  }

  TEST_CASE("support inquiries: e-mail verification by one-time code, outside the log") {
    ApiServer server;
    const std::string known = server.register_customer("known@example.com");
    const std::int64_t known_id = account_id(server, known);
    const Inquiry a = open_inquiry(server, guest_body("Verify me"));
    const Inquiry b = open_inquiry(server, guest_body("Verify me"));
    REQUIRE(
        server.call("PATCH", pub(a.id, "/identify"), R"({"email":"Known@Example.com"})", a.token)
            .status == 200);
    REQUIRE(
        server.call("PATCH", pub(b.id, "/identify"), R"({"email":"stranger@example.com"})", b.token)
            .status == 200);
    std::set<std::string> seen;
    std::vector<std::string> codes;

    // The same answer for an account's address and an unknown one.
    auto ra = server.call("POST", pub(a.id, "/verify-email/request"), "{}", a.token);
    auto rb = server.call("POST", pub(b.id, "/verify-email/request"), "{}", b.token);
    REQUIRE_MESSAGE(ra.status == 202, ra.raw.body);
    REQUIRE_MESSAGE(rb.status == 202, rb.raw.body);
    CHECK(ra.data_string("status") == "verification_sent");
    CHECK(ra.data_int("expiresInSeconds") ==
          static_cast<std::int64_t>(Config{}.inquiry_otp_ttl_seconds));
    CHECK(ra.raw.body == rb.raw.body);
    const CodeMail mail_a = code_mail(server, "known@example.com", seen);
    const CodeMail mail_b = code_mail(server, "stranger@example.com", seen);
    CHECK(contains(mail_a.text, a.tracking));
    codes.push_back(mail_a.code);
    codes.push_back(mail_b.code);

    // A wrong code is refused and counted; the right one verifies.
    auto wrong = confirm(server, a, other_code(mail_a.code));
    CHECK(wrong.status == 400);
    CHECK(wrong.error_code() == "SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID");
    CHECK(server.call("GET", pub(a.id), {}, a.token)
              .json["data"]["emailVerified"]
              .get_bool()
              .value() == false);
    auto malformed = confirm(server, a, "12ab");
    CHECK(malformed.status == 400);
    auto va = confirm(server, a, mail_a.code);
    REQUIRE_MESSAGE(va.status == 200, va.raw.body);
    CHECK(va.json["data"]["emailVerified"].get_bool().value() == true);
    CHECK(va.data_int("customerId") == known_id);
    CHECK(va.data_string("guestEmail") == "known@example.com");
    auto vb = confirm(server, b, mail_b.code);
    REQUIRE_MESSAGE(vb.status == 200, vb.raw.body);
    CHECK(vb.json["data"]["emailVerified"].get_bool().value() == true);
    CHECK(vb.json["data"]["customerId"].is_null());
    CHECK(vb.data_string("guestEmail") == "stranger@example.com");
    // A code works once.
    CHECK(confirm(server, a, mail_a.code).error_code() ==
          "SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID");
    // The verified customer now sees the inquiry as theirs; the guest token still works.
    CHECK(server.call("GET", pub(a.id), {}, known).status == 200);
    CHECK(ids(server.call("GET", std::string(kInquiries), {}, known)) ==
          std::vector<std::int64_t>{a.id});

    // After the allowed number of wrong codes even the right one is refused; a new
    // request replaces the code.
    const int max_attempts = static_cast<int>(Config{}.inquiry_otp_max_attempts);
    REQUIRE(max_attempts >= 2);
    const Inquiry c = open_inquiry(server, guest_body("Guess", R"("guestEmail":"c@example.com")"));
    REQUIRE(server.call("POST", pub(c.id, "/verify-email/request"), "{}", c.token).status == 202);
    const CodeMail mail_c = code_mail(server, "c@example.com", seen);
    codes.push_back(mail_c.code);
    for (int i = 0; i < max_attempts; ++i) {
      CAPTURE(i);
      CHECK(confirm(server, c, other_code(mail_c.code)).error_code() ==
            "SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID");
    }
    auto exhausted = confirm(server, c, mail_c.code);
    CHECK(exhausted.status == 400);
    CHECK(exhausted.error_code() == "SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID");
    CHECK(server.call("GET", pub(c.id), {}, c.token)
              .json["data"]["emailVerified"]
              .get_bool()
              .value() == false);
    REQUIRE(server
                .call("POST", pub(c.id, "/verify-email/request"), R"({"email":"C2@example.com"})",
                      c.token)
                .status == 202);
    const CodeMail mail_c2 = code_mail(server, "c2@example.com", seen);
    codes.push_back(mail_c2.code);
    auto renewed = confirm(server, c, mail_c2.code);
    REQUIRE_MESSAGE(renewed.status == 200, renewed.raw.body);
    CHECK(renewed.json["data"]["emailVerified"].get_bool().value() == true);

    // One wrong code fewer than the limit still lets the right one through.
    const Inquiry d = open_inquiry(server, guest_body("Almost", R"("guestEmail":"d@example.com")"));
    REQUIRE(server.call("POST", pub(d.id, "/verify-email/request"), "{}", d.token).status == 202);
    const CodeMail mail_d = code_mail(server, "d@example.com", seen);
    codes.push_back(mail_d.code);
    for (int i = 0; i + 1 < max_attempts; ++i)
      CHECK(confirm(server, d, other_code(mail_d.code)).status == 400);
    CHECK(confirm(server, d, mail_d.code).status == 200);

    // Requesting needs an e-mail: the identified one or one in the body.
    const Inquiry e = open_inquiry(server, guest_body("No mail"));
    auto no_email = server.call("POST", pub(e.id, "/verify-email/request"), "{}", e.token);
    CHECK(no_email.status == 400);
    CHECK(has_detail(no_email, "email"));
    CHECK(server.call("POST", pub(a.id, "/verify-email/request"), "{}", b.token).error_code() ==
          "SUPPORT_INQUIRY_ACCESS_DENIED");

    // The codes are in no event of the log...
    auto& store = server.runtime().store();
    auto events = store.read_range(1, store.head() + 1);
    REQUIRE(events.ok());
    REQUIRE(events->size() == store.head());
    std::size_t requested = 0;
    for (const auto& event : *events) {
      if (event.type == "support.inquiry.email_verification_requested") ++requested;
      for (const std::string& code : codes) {
        CAPTURE(event.eventId);
        CHECK(!contains_number(event.json, code));
      }
    }
    CHECK(requested == 5);
    // ...nor in any file of the data directory but the mail and its outbox (RocksDB's
    // info log and options files hold no data, only diagnostics with their own numbers).
    server.stop();
    const std::filesystem::path root(server.data_dir());
    std::size_t scanned = 0;
    std::size_t mail_hits = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = std::filesystem::relative(entry.path(), root).generic_string();
      const std::string name = entry.path().filename().string();
      const std::string bytes = read_file(entry.path());
      if (rel.starts_with("mail/")) {
        for (const std::string& code : codes)
          mail_hits += contains_number(bytes, code) ? 1 : 0;
        continue;
      }
      if (name.starts_with("outbox.sqlite") || name == "LOG" || name.starts_with("LOG.old") ||
          name.starts_with("OPTIONS-")) {
        continue;
      }
      ++scanned;
      for (const std::string& code : codes) {
        CAPTURE(rel);
        CHECK(!contains_number(bytes, code));
      }
    }
    CHECK(scanned > 0);
    CHECK(mail_hits >= codes.size());  // the scan does find codes where they are
  }

  TEST_CASE("support inquiries: the admin workflow and the lifecycle") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::int64_t admin_id = account_id(server, admin);
    const std::string ann = server.register_customer("ann@example.com");
    const std::int64_t ann_id = account_id(server, ann);
    const auto [agent_id, agent] = make_agent(server, admin);
    const Inquiry g = open_inquiry(server, guest_body("Guest question"));

    // An admin reply: the team waits; the visitor's answer makes it the team's turn.
    auto reply =
        server.call("POST", adm(g.id, "/messages"), R"({"message":"How can we help?"})", admin);
    REQUIRE_MESSAGE(reply.status == 201, reply.raw.body);
    CHECK(reply.data_string("senderType") == "admin");
    CHECK(reply.data_int("senderId") == admin_id);
    CHECK(reply.data_int("eventId") > 0);
    CHECK(server.call("GET", adm(g.id), {}, admin).data_string("status") == "waiting");
    CHECK(server.call("GET", pub(g.id), {}, g.token).data_string("status") == "waiting");
    REQUIRE(server.call("POST", pub(g.id, "/messages"), R"({"message":"Here"})", g.token).status ==
            201);
    auto detail = server.call("GET", adm(g.id), {}, admin);
    CHECK(detail.data_string("status") == "active");
    CHECK(detail.data_int("messageCount") == 4);
    auto agent_reply =
        server.call("POST", adm(g.id, "/messages"), R"({"message":"Agent here"})", agent);
    REQUIRE(agent_reply.status == 201);
    CHECK(agent_reply.data_int("senderId") == agent_id);
    CHECK(server.call("GET", adm(g.id), {}, admin).data_string("status") == "waiting");

    // Assignment.
    auto assigned = server.call("PATCH", adm(g.id, "/assign"),
                                R"({"assignedAdminId":)" + std::to_string(agent_id) + "}", admin);
    REQUIRE_MESSAGE(assigned.status == 200, assigned.raw.body);
    CHECK(assigned.data_int("assignedAdminId") == agent_id);
    CHECK(ids(server.call(
              "GET", std::string(kAdminInquiries) + "?assignedAdminId=" + std::to_string(agent_id),
              {}, admin)) == std::vector<std::int64_t>{g.id});
    CHECK(total(server.call("GET", std::string(kAdminInquiries) + "?assignedAdminId=unassigned", {},
                            admin)) == 0);
    auto to_customer = server.call("PATCH", adm(g.id, "/assign"),
                                   R"({"assignedAdminId":)" + std::to_string(ann_id) + "}", admin);
    CHECK(to_customer.status == 400);
    CHECK(to_customer.error_code() == "VALIDATION_ERROR");
    CHECK(server.call("PATCH", adm(g.id, "/assign"), R"({"assignedAdminId":999})", admin).status ==
          400);
    CHECK(server.call("PATCH", adm(g.id, "/assign"), "{}", admin).status == 400);
    CHECK(server.call("GET", std::string(kAdminInquiries) + "?assignedAdminId=nobody", {}, admin)
              .status == 400);
    auto unassigned =
        server.call("PATCH", adm(g.id, "/assign"), R"({"assignedAdminId":null})", admin);
    REQUIRE(unassigned.status == 200);
    CHECK(unassigned.json["data"]["assignedAdminId"].is_null());
    CHECK(ids(server.call("GET", std::string(kAdminInquiries) + "?assignedAdminId=unassigned", {},
                          admin)) == std::vector<std::int64_t>{g.id});

    // Status changes along the table; a refused one is a conflict.
    auto resolved = set_status(server, admin, g.id, "resolved");
    REQUIRE_MESSAGE(resolved.status == 200, resolved.raw.body);
    CHECK(resolved.data_string("status") == "resolved");
    CHECK(resolved.json["data"]["closedAt"].is_null());
    auto refused = set_status(server, admin, g.id, "waiting");
    CHECK(refused.status == 409);
    CHECK(refused.error_code() == "INVALID_STATUS_TRANSITION");
    CHECK(set_status(server, admin, g.id, "spam").error_code() == "INVALID_STATUS_TRANSITION");
    CHECK(set_status(server, admin, g.id, "linked").error_code() == "VALIDATION_ERROR");
    CHECK(set_status(server, admin, g.id, "bogus").status == 400);
    CHECK(set_status(server, admin, 999, "closed").error_code() == "SUPPORT_INQUIRY_NOT_FOUND");
    // A visitor message reopens a resolved inquiry.
    REQUIRE(server.call("POST", pub(g.id, "/messages"), R"({"message":"Again"})", g.token).status ==
            201);
    CHECK(server.call("GET", adm(g.id), {}, admin).data_string("status") == "active");
    CHECK(total(server.call("GET", std::string(kAdminInquiries) + "?status=active", {}, admin)) ==
          1);

    // Closing records closedAt and keeps the messages; the guest keeps reading the
    // closed conversation with the token (seed 000 §5) and posting is refused (§16).
    auto closed = set_status(server, admin, g.id, "closed");
    REQUIRE_MESSAGE(closed.status == 200, closed.raw.body);
    CHECK(closed.data_string("status") == "closed");
    CHECK(!closed.data_string("closedAt").empty());
    CHECK(closed.json["data"]["messages"].get_array().value().size() == 6);
    auto still_readable = server.call("GET", pub(g.id), {}, g.token);
    CHECK(still_readable.status == 200);
    CHECK(still_readable.data_string("status") == "closed");
    CHECK(server.call("GET", pub(g.id, "/messages"), {}, g.token).status == 200);
    auto closed_post =
        server.call("POST", pub(g.id, "/messages"), R"({"message":"Hello?"})", g.token);
    CHECK(closed_post.status == 400);
    CHECK(closed_post.error_code() == "SUPPORT_INQUIRY_CLOSED");
    auto admin_on_closed = server.call("POST", adm(g.id, "/messages"), R"({"message":"x"})", admin);
    CHECK(admin_on_closed.status == 400);
    CHECK(admin_on_closed.error_code() == "SUPPORT_INQUIRY_CLOSED");
    auto reopen = set_status(server, admin, g.id, "active");
    CHECK(reopen.status == 400);
    CHECK(reopen.error_code() == "SUPPORT_INQUIRY_CLOSED");
    CHECK(set_status(server, admin, g.id, "closed").error_code() == "SUPPORT_INQUIRY_CLOSED");

    // A customer's closed inquiry refuses the customer's message too.
    const Inquiry c = open_inquiry(server, R"({"subject":"Mine","message":"Hi"})", ann);
    REQUIRE(set_status(server, admin, c.id, "closed").status == 200);
    auto customer_on_closed =
        server.call("POST", pub(c.id, "/messages"), R"({"message":"Hello?"})", ann);
    CHECK(customer_on_closed.status == 400);
    CHECK(customer_on_closed.error_code() == "SUPPORT_INQUIRY_CLOSED");
    CHECK(server.call("GET", pub(c.id), {}, ann).data_string("status") == "closed");

    // Spam is terminal as well, with closedAt.
    const Inquiry s = open_inquiry(server, guest_body("Buy cheap watches"));
    auto spam = set_status(server, admin, s.id, "spam");
    REQUIRE(spam.status == 200);
    CHECK(!spam.data_string("closedAt").empty());
    CHECK(server.call("GET", pub(s.id), {}, s.token).error_code() ==
          "SUPPORT_INQUIRY_TOKEN_INVALID");
    CHECK(server.call("POST", adm(s.id, "/messages"), R"({"message":"x"})", admin).error_code() ==
          "SUPPORT_INQUIRY_CLOSED");
    CHECK(set_status(server, admin, s.id, "closed").error_code() == "SUPPORT_INQUIRY_CLOSED");

    // Revoking a token: the inquiry is unchanged, the token stops working, and revoking
    // again (or on an inquiry without a token) succeeds.
    const Inquiry r = open_inquiry(server, guest_body("Revoke me"));
    REQUIRE(server.call("GET", pub(r.id), {}, r.token).status == 200);
    auto revoke = server.call("POST", adm(r.id, "/revoke-token"), "{}", admin);
    REQUIRE_MESSAGE(revoke.status == 200, revoke.raw.body);
    CHECK(revoke.data_string("status") == "open");
    CHECK(server.call("GET", pub(r.id), {}, r.token).error_code() ==
          "SUPPORT_INQUIRY_TOKEN_INVALID");
    auto again = server.call("POST", adm(r.id, "/revoke-token"), "{}", admin);
    CHECK(again.status == 200);
    CHECK(again.data_string("status") == "open");
    CHECK(server.call("POST", adm(c.id, "/revoke-token"), "{}", admin).status == 200);
    CHECK(server.call("POST", adm(999, "/revoke-token"), "{}", admin).error_code() ==
          "SUPPORT_INQUIRY_NOT_FOUND");
    CHECK(server.call("POST", adm(r.id, "/revoke-token"), "{}", ann).status == 403);
  }

  TEST_CASE("support inquiries: admin search by tracking code, subject and contact") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    const Inquiry a = open_inquiry(
        server, guest_body("Parcel never arrived", R"("guestName":"Ana Lima",)"
                                                   R"("guestEmail":"ana.lima@example.com",)"
                                                   R"("guestPhone":"+49 30 1234567")"));
    const Inquiry b =
        open_inquiry(server, guest_body("Refund for invoice", R"("guestName":"Bruno Costa",)"
                                                              R"("guestEmail":"bruno@postbox.org",)"
                                                              R"("guestPhone":"555-0199")"));
    const Inquiry c = open_inquiry(server, R"({"subject":"Password reset"})", ann);

    auto search = [&](const std::string& term) {
      auto r = server.call("GET", std::string(kAdminInquiries) + "?search=" + term, {}, admin);
      REQUIRE_MESSAGE(r.status == 200, r.raw.body);
      return ids(r);
    };
    using Ids = std::vector<std::int64_t>;
    CHECK(search(a.tracking) == Ids{a.id});
    CHECK(search(b.tracking) == Ids{b.id});
    CHECK(search(c.tracking) == Ids{c.id});
    std::string lower = b.tracking;
    for (char& ch : lower)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(search(lower) == Ids{b.id});
    CHECK(search("parcel") == Ids{a.id});
    CHECK(search("INVOICE") == Ids{b.id});
    CHECK(search("Password") == Ids{c.id});
    CHECK(search("a.li") == Ids{a.id});  // 4 characters of an e-mail address
    CHECK(search("stbo") == Ids{b.id});
    CHECK(search("Costa") == Ids{b.id});  // guest name
    CHECK(search("Ana%20Lima") == Ids{a.id});
    CHECK(search("1234") == Ids{a.id});  // phone fragment
    CHECK(search("0199") == Ids{b.id});
    CHECK(search("nothing-like-this").empty());
    // Searching combines with the filters.
    CHECK(ids(server.call("GET", std::string(kAdminInquiries) + "?search=parcel&status=closed", {},
                          admin))
              .empty());
    CHECK(total(server.call("GET", std::string(kAdminInquiries) + "?search=INQ-", {}, admin)) == 3);
    // A contact change moves the inquiry to its new values.
    REQUIRE(
        server.call("PATCH", pub(a.id, "/identify"), R"({"email":"zoe.wu@example.com"})", a.token)
            .status == 200);
    CHECK(search("a.li").empty());
    CHECK(search("e.wu") == Ids{a.id});
  }

  TEST_CASE("support inquiries: linking to a support request") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::int64_t admin_id = account_id(server, admin);
    const std::string ann = server.register_customer("ann@example.com");
    const std::int64_t ann_id = account_id(server, ann);
    const std::string bob = server.register_customer("bob@example.com");
    auto link = [&](std::int64_t id, std::string_view body = "{}") {
      return server.call("POST", adm(id, "/link-support-request"), body, admin);
    };
    auto create_request = [&](const std::string& token) {
      auto r = server.call("POST", "/api/mobile/support-requests",
                           R"({"subject":"Existing","category":"general","message":"Hi"})", token);
      REQUIRE_MESSAGE(r.status == 201, r.raw.body);
      return r.data_int("id");
    };
    const std::int64_t bob_request = create_request(bob);

    // A guest inquiry has no customer: nothing can be created or linked for it.
    const Inquiry g = open_inquiry(server, guest_body("Guest"));
    auto no_customer = link(g.id);
    CHECK(no_customer.status == 400);
    CHECK(no_customer.error_code() == "SUPPORT_INQUIRY_SUPPORT_REQUEST_REQUIRED");
    CHECK(link(g.id, R"({"supportRequestId":)" + std::to_string(bob_request) + "}").error_code() ==
          "SUPPORT_INQUIRY_LINK_INVALID");
    CHECK(server.call("GET", adm(g.id), {}, admin).data_string("status") == "open");

    // A customer's inquiry: another customer's request and a missing one are refused.
    const Inquiry c = open_inquiry(
        server, R"({"subject":"App crashes","category":"billing","message":"On start"})", ann);
    auto foreign = link(c.id, R"({"supportRequestId":)" + std::to_string(bob_request) + "}");
    CHECK(foreign.status == 400);
    CHECK(foreign.error_code() == "SUPPORT_INQUIRY_LINK_INVALID");
    auto missing = link(c.id, R"({"supportRequestId":999})");
    CHECK(missing.status == 400);
    CHECK(missing.error_code() == "SUPPORT_INQUIRY_LINK_INVALID");
    CHECK(link(999).error_code() == "SUPPORT_INQUIRY_NOT_FOUND");
    CHECK(link(c.id, R"({"supportRequestId":"x"})").status == 400);

    // Creating a request from the inquiry copies its conversation (not the greeting).
    REQUIRE(server.call("POST", adm(c.id, "/messages"), R"({"message":"Which phone?"})", admin)
                .status == 201);
    REQUIRE(server.call("POST", pub(c.id, "/messages"), R"({"message":"A Pixel"})", ann).status ==
            201);
    auto linked = link(c.id);
    REQUIRE_MESSAGE(linked.status == 200, linked.raw.body);
    CHECK(linked.data_string("status") == "linked");
    CHECK(linked.data_string("trackingCode") == c.tracking);
    const std::int64_t request_id = linked.data_int("supportRequestId");
    REQUIRE(request_id > 0);
    CHECK(request_id != bob_request);
    CHECK(linked.json["data"]["messages"].get_array().value().size() == 4);
    auto request =
        server.call("GET", "/api/admin/support-requests/" + std::to_string(request_id), {}, admin);
    REQUIRE_MESSAGE(request.status == 200, request.raw.body);
    CHECK(request.data_string("subject") == "App crashes");
    CHECK(request.data_string("category") == "billing");  // a support request category
    CHECK(request.data_int("customerId") == ann_id);
    CHECK(request.json["data"]["metadata"]["supportInquiryId"].get_int64().value() == c.id);
    CHECK(request.json["data"]["metadata"]["trackingCode"].get_string().value() == c.tracking);
    auto copied = request.json["data"]["messages"].get_array().value();
    REQUIRE(copied.size() == 3);
    CHECK(copied.at(0)["senderType"].get_string().value() == "customer");
    CHECK(copied.at(0)["senderId"].get_int64().value() == ann_id);
    CHECK(copied.at(0)["message"].get_string().value() == "On start");
    CHECK(copied.at(1)["senderType"].get_string().value() == "admin");
    CHECK(copied.at(1)["senderId"].get_int64().value() == admin_id);
    CHECK(copied.at(1)["message"].get_string().value() == "Which phone?");
    CHECK(copied.at(2)["message"].get_string().value() == "A Pixel");
    CHECK(!contains(request.raw.body, Config{}.inquiry_greeting));
    CHECK(!request.data_string("firstResponseAt").empty());
    // The customer sees the request among theirs.
    CHECK(server.call("GET", "/api/mobile/support-requests/" + std::to_string(request_id), {}, ann)
              .status == 200);
    // Linked once; the lists filter by the request.
    auto twice = link(c.id);
    CHECK(twice.status == 400);
    CHECK(twice.error_code() == "SUPPORT_INQUIRY_LINK_INVALID");
    CHECK(
        ids(server.call(
            "GET", std::string(kAdminInquiries) + "?supportRequestId=" + std::to_string(request_id),
            {}, admin)) == std::vector<std::int64_t>{c.id});
    CHECK(ids(server.call("GET", std::string(kAdminInquiries) + "?status=linked", {}, admin)) ==
          std::vector<std::int64_t>{c.id});
    // A linked inquiry still takes messages and stays linked; staff may only close it.
    REQUIRE(server.call("POST", pub(c.id, "/messages"), R"({"message":"Thanks"})", ann).status ==
            201);
    CHECK(server.call("GET", pub(c.id), {}, ann).data_string("status") == "linked");
    CHECK(set_status(server, admin, c.id, "active").error_code() == "INVALID_STATUS_TRANSITION");

    // Linking to the customer's own existing request.
    const std::int64_t ann_request = create_request(ann);
    const Inquiry c2 = open_inquiry(server, R"({"subject":"Follow-up"})", ann);
    auto existing = link(c2.id, R"({"supportRequestId":)" + std::to_string(ann_request) + "}");
    REQUIRE_MESSAGE(existing.status == 200, existing.raw.body);
    CHECK(existing.data_string("status") == "linked");
    CHECK(existing.data_int("supportRequestId") == ann_request);
    CHECK(existing.data_string("trackingCode") == c2.tracking);
    auto untouched =
        server.call("GET", "/api/admin/support-requests/" + std::to_string(ann_request), {}, admin);
    CHECK(untouched.json["data"]["messages"].get_array().value().size() == 1);

    // A guest who verified a customer's e-mail: visitor messages become the customer's.
    std::set<std::string> seen;
    const Inquiry v = open_inquiry(
        server, R"({"subject":"Guest then known","category":"weird","message":"From the web",)"
                R"("guestEmail":"ann@example.com"})");
    REQUIRE(server.call("POST", pub(v.id, "/verify-email/request"), "{}", v.token).status == 202);
    const CodeMail mail = code_mail(server, "ann@example.com", seen);
    auto verified = confirm(server, v, mail.code);
    REQUIRE_MESSAGE(verified.status == 200, verified.raw.body);
    REQUIRE(verified.data_int("customerId") == ann_id);
    REQUIRE(server.call("POST", adm(v.id, "/messages"), R"({"message":"Noted"})", admin).status ==
            201);
    auto from_guest = link(v.id);
    REQUIRE_MESSAGE(from_guest.status == 200, from_guest.raw.body);
    auto guest_request = server.call(
        "GET",
        "/api/admin/support-requests/" + std::to_string(from_guest.data_int("supportRequestId")),
        {}, admin);
    REQUIRE(guest_request.status == 200);
    CHECK(guest_request.data_string("category") == "general");  // not a request category
    auto guest_copied = guest_request.json["data"]["messages"].get_array().value();
    REQUIRE(guest_copied.size() == 2);
    CHECK(guest_copied.at(0)["senderType"].get_string().value() == "customer");
    CHECK(guest_copied.at(0)["senderId"].get_int64().value() == ann_id);
    CHECK(guest_copied.at(0)["message"].get_string().value() == "From the web");
    CHECK(guest_copied.at(1)["senderType"].get_string().value() == "admin");

    // Closed inquiries cannot be linked.
    const Inquiry closed = open_inquiry(server, R"({"subject":"Closed"})", ann);
    REQUIRE(set_status(server, admin, closed.id, "closed").status == 200);
    CHECK(link(closed.id).error_code() == "SUPPORT_INQUIRY_CLOSED");
  }

  TEST_CASE("support inquiries: the admin routes need the SupportInquiries permissions") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    const auto [agent_id, agent] = make_agent(server, admin);
    const Inquiry g = open_inquiry(server, guest_body("Help"));
    const std::string permissions = "/api/admin/staff/" + std::to_string(agent_id) + "/permissions";

    // The agent preset reads and updates inquiries.
    CHECK(server.call("GET", std::string(kAdminInquiries), {}, agent).status == 200);
    CHECK(server.call("GET", adm(g.id), {}, agent).status == 200);

    // Read only: replies are refused.
    REQUIRE(server.call("PATCH", permissions, R"({"permissions":["SupportInquiries_READ"]})", admin)
                .status == 200);
    CHECK(server.call("GET", std::string(kAdminInquiries), {}, agent).status == 200);
    auto no_update = server.call("POST", adm(g.id, "/messages"), R"({"message":"x"})", agent);
    CHECK(no_update.status == 403);
    CHECK(no_update.error_code() == "FORBIDDEN");
    CHECK(no_update.json["details"]["permission"].get_string().value() ==
          "SupportInquiries_UPDATE");
    CHECK(server.call("PATCH", adm(g.id, "/status"), R"({"status":"closed"})", agent).status ==
          403);

    // Without SupportInquiries_READ nothing is readable.
    REQUIRE(server.call("PATCH", permissions, R"({"permissions":["SupportRequests_READ"]})", admin)
                .status == 200);
    auto no_read = server.call("GET", std::string(kAdminInquiries), {}, agent);
    CHECK(no_read.status == 403);
    CHECK(no_read.error_code() == "FORBIDDEN");
    CHECK(no_read.json["details"]["permission"].get_string().value() == "SupportInquiries_READ");
    CHECK(server.call("GET", adm(g.id), {}, agent).status == 403);
    CHECK(server.call("GET", "/api/admin/support-requests", {}, agent).status == 200);

    // Customers, guests and anonymous callers are not staff.
    CHECK(server.call("GET", std::string(kAdminInquiries), {}, ann).status == 403);
    CHECK(server.call("GET", std::string(kAdminInquiries), {}, g.token).status == 403);
    CHECK(server.call("GET", std::string(kAdminInquiries)).status == 401);
    CHECK(server.call("GET", std::string(kAdminInquiries), {}, admin).status == 200);
  }

  TEST_CASE(
      "support inquiries: the public ticket lookup shows status alone, and the subject only "
      "with the ticket's e-mail") {
    ApiServer server;
    const std::string admin = server.admin_token();
    const std::string ann = server.register_customer("ann@example.com");
    const Inquiry g =
        open_inquiry(server, guest_body("Lookup", R"("guestEmail":"Guest@Example.com")"));
    const Inquiry c = open_inquiry(server, R"({"subject":"Customer's"})", ann);
    auto request = server.call("POST", "/api/mobile/support-requests",
                               R"({"subject":"Ticket","category":"general","message":"Hi"})", ann);
    REQUIRE(request.status == 201);
    const std::string ticket = request.data_string("ticketNumber");
    const std::int64_t request_id = request.data_int("id");

    auto lookup = [&](const std::string& reference, const std::string& query) {
      return server.call("GET", "/api/support/ticket/" + reference + query);
    };
    const std::set<std::string> plain = {"reference", "kind",       "status",
                                         "priority",  "createdAt",  "updatedAt",
                                         "closedAt",  "resolvedAt", "emailMatched"};
    std::set<std::string> personal = plain;
    personal.insert("subject");
    std::set<std::string> categorized = personal;  // the category too, when there is one
    categorized.insert("category");
    auto keys = [](const ApiResponse& r) {
      std::set<std::string> out;
      simdjson::dom::object data;
      REQUIRE_MESSAGE(!r.json["data"].get_object().get(data), r.raw.body);
      for (simdjson::dom::key_value_pair field : data)
        out.emplace(field.key);
      return out;
    };

    auto found = lookup(g.tracking, "?email=guest@example.com");
    REQUIRE_MESSAGE(found.status == 200, found.raw.body);
    CHECK(keys(found) == personal);
    CHECK(found.data_string("reference") == g.tracking);
    CHECK(found.data_string("kind") == "inquiry");
    CHECK(found.data_string("status") == "open");
    CHECK(found.data_string("priority") == "medium");
    CHECK(found.data_string("subject") == "Lookup");
    CHECK(found.json["data"]["emailMatched"].get_bool().value());
    CHECK(found.json["data"]["closedAt"].is_null());
    CHECK(!contains(found.raw.body, "guest@example.com"));  // never the contact data
    CHECK(lookup(g.tracking, "?email=%20GUEST@example.COM").data_string("subject") == "Lookup");
    // A customer's inquiry by the account's e-mail.
    auto own = lookup(c.tracking, "?email=ann@example.com");
    REQUIRE_MESSAGE(own.status == 200, own.raw.body);
    CHECK(own.data_string("kind") == "inquiry");
    CHECK(keys(own) == personal);
    // A support request by its ticket number and the customer's e-mail.
    auto by_ticket = lookup(ticket, "?email=ann@example.com");
    REQUIRE_MESSAGE(by_ticket.status == 200, by_ticket.raw.body);
    CHECK(keys(by_ticket) == categorized);
    CHECK(by_ticket.data_string("reference") == ticket);
    CHECK(by_ticket.data_string("kind") == "support_request");
    CHECK(by_ticket.data_string("status") == "open");
    CHECK(by_ticket.data_string("category") == "general");
    REQUIRE(server
                .call("PATCH",
                      "/api/admin/support-requests/" + std::to_string(request_id) + "/status",
                      R"({"status":"resolved"})", admin)
                .status == 200);
    auto resolved = lookup(ticket, "");
    CHECK(resolved.data_string("status") == "resolved");
    CHECK(!resolved.data_string("resolvedAt").empty());
    REQUIRE(set_status(server, admin, g.id, "closed").status == 200);
    auto closed = lookup(g.tracking, "");
    CHECK(closed.data_string("status") == "closed");
    CHECK(!closed.data_string("closedAt").empty());

    // Without the ticket's e-mail — none, another, or no address at all — the answer is
    // the same status, priority and timestamps, and nothing says which.
    const std::set<std::string, std::less<>> request_id_only = {"requestId"};
    for (const std::string& query : {std::string(), std::string("?email=other@example.com"),
                                     std::string("?email=ann@example.com"), std::string("?email="),
                                     std::string("?email=not-an-email")}) {
      CAPTURE(query);
      auto shown = lookup(g.tracking, query);
      REQUIRE(shown.status == 200);
      CHECK(keys(shown) == plain);
      CHECK(!shown.json["data"]["emailMatched"].get_bool().value());
      CHECK(!contains(shown.raw.body, "Lookup"));
      CHECK(canonical(shown, request_id_only) ==
            canonical(lookup(g.tracking, ""), request_id_only));
    }
    CHECK(keys(lookup(ticket, "?email=guest@example.com")) == plain);
    CHECK(keys(lookup(c.tracking, "?email=guest@example.com")) == plain);

    // Unknown references answer the same 404.
    const std::vector<std::string> misses = {"INQ-ZZZZZZ", "SUP-2020-999999", "hello",
                                             std::string(60, 'A')};
    std::string first;
    for (const std::string& reference : misses) {
      CAPTURE(reference);
      auto miss = lookup(reference, "?email=ann@example.com");
      CHECK(miss.status == 404);
      CHECK(miss.error_code() == "NOT_FOUND");
      const std::string body = canonical(miss, request_id_only);
      if (first.empty()) first = body;
      CHECK(body == first);
    }
  }

  TEST_CASE("support inquiries: creating is rate limited per client") {
    ApiServer server({}, nullptr, [](Config& c) {
      c.rate_limit_enabled = true;
      c.rate_limit_public_create = {2, 600};  // the group of POST /api/support-inquiries
    });
    const Inquiry first = open_inquiry(server, guest_body("One"));
    open_inquiry(server, guest_body("Two"));
    auto limited = server.call("POST", kInquiries, guest_body("Three"));
    CHECK(limited.status == 429);
    CHECK(limited.error_code() == "RATE_LIMIT_EXCEEDED");
    CHECK(std::stoi(limited.raw.header("Retry-After")) >= 1);
    // Nothing was created, and the other inquiry routes are not in the create group.
    CHECK(server.call("GET", pub(first.id), {}, first.token).status == 200);
    CHECK(server.call("POST", pub(first.id, "/messages"), R"({"message":"hi"})", first.token)
              .status == 201);
    auto list = server.call("GET", std::string(kAdminInquiries), {}, server.admin_token());
    CHECK(total(list) == 2);
  }
}

}  // namespace docket::api_testing

// Identity over real HTTP: register, login, me, token checks, guards, staff management.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "core/auth/jwt.h"
#include "core/crypto.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

// A token's three parts with the payload replaced (signature kept): a forgery.
std::string with_payload(const std::string& token, std::string_view payload_json) {
  const std::size_t a = token.find('.');
  const std::size_t b = token.rfind('.');
  return token.substr(0, a) + "." + base64url_encode(payload_json) + token.substr(b);
}

// The server's signing key, from the file it keeps in its data directory.
std::string server_secret(const std::string& data_dir) {
  std::ifstream in(data_dir + "/jwt-secret");
  std::string line;
  std::getline(in, line);
  return line;
}

bool server_has_secret_file(const std::string& data_dir) {
  struct stat st {};
  return ::stat((data_dir + "/jwt-secret").c_str(), &st) == 0 && (st.st_mode & 0777) == 0600;
}

std::string unsigned_token(std::string_view payload_json) {
  return base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(payload_json) +
         ".";
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("register, login and me") {
    ApiServer server;
    auto reg = server.call("POST", "/api/auth/register",
                           R"({"email":"  Ada@Example.COM ","password":"correct horse",)"
                           R"("name":"Ada","phone":"+44 20 7946 0000"})");
    REQUIRE_MESSAGE(reg.status == 201, reg.raw.body);
    const std::string token = reg.data_string("token");
    CHECK(reg.data_string("tokenType") == "Bearer");
    CHECK(!reg.data_string("expiresAt").empty());
    std::int64_t id = 0;
    REQUIRE(!reg.json["data"]["account"]["id"].get_int64().get(id));
    CHECK(id >= 2);  // the bootstrap admin is 1

    auto me = server.call("GET", "/api/auth/me", {}, token);
    REQUIRE(me.status == 200);
    CHECK(me.data_int("id") == id);
    CHECK(me.data_string("email") == "ada@example.com");
    CHECK(me.data_string("role") == "customer");
    CHECK(simdjson::minify(me.json["data"]["permissions"]) == "[]");

    SUBCASE("login answers the same account with a working token") {
      const std::string again = server.login("ADA@example.com", "correct horse");
      REQUIRE(!again.empty());
      CHECK(server.call("GET", "/api/auth/me", {}, again).data_int("id") == id);
    }
    SUBCASE("an e-mail registers once, whatever its case") {
      auto dup =
          server.call("POST", "/api/auth/register",
                      R"({"email":"ada@example.com","password":"other password","name":"X"})");
      CHECK(dup.status == 409);
      CHECK(dup.error_code() == "EMAIL_ALREADY_REGISTERED");
    }
    SUBCASE("wrong password and unknown e-mail get the same answer") {
      auto wrong = server.call("POST", "/api/auth/login",
                               R"({"email":"ada@example.com","password":"wrong password"})");
      auto unknown = server.call("POST", "/api/auth/login",
                                 R"({"email":"nobody@example.com","password":"wrong password"})");
      CHECK(wrong.status == 401);
      CHECK(unknown.status == 401);
      CHECK(wrong.error_code() == "INVALID_CREDENTIALS");
      CHECK(unknown.error_code() == "INVALID_CREDENTIALS");
      std::string_view m1, m2;
      CHECK(!wrong.json["message"].get_string().get(m1));
      CHECK(!unknown.json["message"].get_string().get(m2));
      CHECK(m1 == m2);
    }
  }

  TEST_CASE("registration validates every field and rejects unknown ones") {
    ApiServer server;
    auto r = server.call("POST", "/api/auth/register",
                         R"({"email":"not-an-email","password":"short","role":"admin"})");
    REQUIRE(r.status == 400);
    CHECK(r.error_code() == "VALIDATION_ERROR");
    const std::string details = simdjson::minify(r.json["details"]);
    CHECK(details.find(R"("field":"email")") != std::string::npos);
    CHECK(details.find(R"("field":"password","rule":"minLength")") != std::string::npos);
    CHECK(details.find(R"("field":"name","rule":"required")") != std::string::npos);
    CHECK(details.find(R"("field":"role","rule":"unknown")") != std::string::npos);

    CHECK(server.call("POST", "/api/auth/register", "{not json").error_code() ==
          "VALIDATION_ERROR");
    auto raw = http::testing::fetch(
        server.port(), http::testing::body_request("POST", "/api/auth/register", "text/plain",
                                                   R"({"email":"a@b.co"})"));
    REQUIRE(raw);
    CHECK(raw->status == 415);
  }

  TEST_CASE("tokens: missing, forged, unsigned, expired, foreign and stale are refused") {
    ManualClock clock(SystemClock::instance().now_ms());
    ApiServer server({}, &clock);
    const std::string token = server.register_customer("eve@example.com");
    REQUIRE(server.call("GET", "/api/auth/me", {}, token).status == 200);

    CHECK(server.call("GET", "/api/auth/me").status == 401);
    CHECK(server.call("GET", "/api/auth/me", {}, "garbage").status == 401);
    // The bootstrap admin is account 1: claim it with the customer's signature.
    const std::string forged =
        with_payload(token, R"({"sub":"1","role":"admin","iss":"docket","aud":"docket",)"
                            R"("exp":9999999999})");
    CHECK(server.call("GET", "/api/auth/me", {}, forged).status == 401);
    CHECK(server.call("GET", "/api/admin/staff", {}, forged).status == 401);
    const std::string none = unsigned_token(
        R"({"sub":"1","role":"admin","iss":"docket","aud":"docket","exp":9999999999})");
    CHECK(server.call("GET", "/api/admin/staff", {}, none).status == 401);

    auth::JwtClaims claims;
    claims.sub = "1";
    claims.role = "admin";
    claims.iss = "docket";
    claims.aud = "docket";
    claims.exp = clock.now_ms() / 1000 + 600;
    const std::string foreign = auth::sign_hs256(claims, std::string(40, 'k'));
    CHECK(server.call("GET", "/api/admin/staff", {}, foreign).status == 401);
    // Signed with the server's own key, but the role kind disagrees with the account.
    const std::string secret = server_secret(server.data_dir());
    REQUIRE(secret.size() >= 32);
    claims.sub = "2";
    claims.role = "admin";
    CHECK(server.call("GET", "/api/admin/staff", {}, auth::sign_hs256(claims, secret)).status ==
          401);
    claims.sub = "1";
    claims.role = "customer";
    CHECK(server.call("GET", "/api/auth/me", {}, auth::sign_hs256(claims, secret)).status == 401);
    claims.role = "admin";
    CHECK(server.call("GET", "/api/admin/staff", {}, auth::sign_hs256(claims, secret)).status ==
          200);

    clock.advance(3700 * 1000);  // past the default 1 h lifetime and the 30 s leeway
    auto expired = server.call("GET", "/api/auth/me", {}, token);
    CHECK(expired.status == 401);
    std::string_view message;
    CHECK(!expired.json["message"].get_string().get(message));
    CHECK(message == "Token has expired");
  }

  TEST_CASE("guards: customers are not staff, permissions are checked per route") {
    ApiServer server;
    const std::string customer = server.register_customer("cust@example.com");
    const std::string admin = server.admin_token();
    REQUIRE(!admin.empty());

    auto denied = server.call("GET", "/api/admin/staff", {}, customer);
    CHECK(denied.status == 403);
    CHECK(denied.error_code() == "FORBIDDEN");

    auto created = server.call(
        "POST", "/api/admin/staff",
        R"({"email":"agent@example.com","password":"agent-pass-1","name":"Ann","role":"agent"})",
        admin);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    const std::int64_t agent_id = created.data_int("id");
    CHECK(simdjson::minify(created.json["data"]["permissions"]) ==
          R"(["SupportInquiries_READ","SupportInquiries_UPDATE","SupportRequests_READ",)"
          R"("SupportRequests_UPDATE","Feedback_READ"])");
    const std::string agent = server.login("agent@example.com", "agent-pass-1");
    REQUIRE(!agent.empty());
    CHECK(server.call("GET", "/api/auth/me", {}, agent).data_string("role") == "agent");

    auto no_perm = server.call("GET", "/api/admin/staff", {}, agent);
    CHECK(no_perm.status == 403);
    std::string_view perm;
    CHECK(!no_perm.json["details"]["permission"].get_string().get(perm));
    CHECK(perm == "Staff_MANAGE");
    CHECK(server.call("GET", "/api/admin/events", {}, agent).status == 403);

    SUBCASE("a permission change applies to the next request") {
      const std::string path = "/api/admin/staff/" + std::to_string(agent_id) + "/permissions";
      auto changed =
          server.call("PATCH", path, R"({"permissions":["Staff_MANAGE","Feedback_READ"]})", admin);
      REQUIRE_MESSAGE(changed.status == 200, changed.raw.body);
      CHECK(server.call("GET", "/api/admin/staff", {}, agent).status == 200);
      auto bad = server.call("PATCH", path, R"({"permissions":["Everything"]})", admin);
      CHECK(bad.status == 400);
      CHECK(
          simdjson::minify(bad.json["details"]).find(R"("field":"permissions[0]","rule":"enum")") !=
          std::string::npos);
      CHECK(simdjson::minify(bad.json["details"]).find("Everything") != std::string::npos);
    }
    SUBCASE("deactivation ends the agent's access and sign-in; reactivation restores it") {
      const std::string base = "/api/admin/staff/" + std::to_string(agent_id);
      REQUIRE(server.call("POST", base + "/deactivate", "{}", admin).status == 200);
      CHECK(server.call("GET", "/api/auth/me", {}, agent).status == 401);
      auto login = server.call("POST", "/api/auth/login",
                               R"({"email":"agent@example.com","password":"agent-pass-1"})");
      CHECK(login.status == 403);
      CHECK(login.error_code() == "ACCOUNT_DEACTIVATED");
      auto twice = server.call("POST", base + "/deactivate", "{}", admin);
      CHECK(twice.status == 409);
      CHECK(twice.error_code() == "ACCOUNT_STATE_CONFLICT");
      REQUIRE(server.call("POST", base + "/reactivate", "{}", admin).status == 200);
      CHECK(server.call("GET", "/api/auth/me", {}, agent).status == 200);
    }
    SUBCASE("staff views: list with filters, one, unknown, own deactivation refused") {
      auto list = server.call("GET", "/api/admin/staff?role=agent&pageSize=10", {}, admin);
      REQUIRE(list.status == 200);
      CHECK(list.json["pagination"]["total"].get_int64().value() == 1);
      auto all = server.call("GET", "/api/admin/staff?search=EXAMPLE", {}, admin);
      CHECK(all.json["pagination"]["total"].get_int64().value() == 2);  // customers excluded
      CHECK(server.call("GET", "/api/admin/staff?role=boss", {}, admin).status == 400);
      CHECK(server.call("GET", "/api/admin/staff/999", {}, admin).error_code() ==
            "STAFF_NOT_FOUND");
      CHECK(server.call("GET", "/api/admin/staff/2", {}, admin).error_code() ==
            "STAFF_NOT_FOUND");  // account 2 is the customer
      auto self = server.call("POST", "/api/admin/staff/1/deactivate", "{}", admin);
      CHECK(self.status == 409);
      auto dup = server.call(
          "POST", "/api/admin/staff",
          R"({"email":"CUST@example.com","password":"agent-pass-1","name":"X","role":"admin"})",
          admin);
      CHECK(dup.error_code() == "EMAIL_ALREADY_REGISTERED");
    }
  }

  TEST_CASE("audit: the log is readable by Audit_READ, paged, filtered, without secrets") {
    ApiServer server;
    server.register_customer("a1@example.com", "first-secret-pw");
    server.register_customer("a2@example.com", "second-secret-pw");
    const std::string admin = server.admin_token();

    auto page = server.call("GET", "/api/admin/events?limit=2", {}, admin);
    REQUIRE_MESSAGE(page.status == 200, page.raw.body);
    CHECK(page.json["data"]["events"].get_array().value().size() == 2);
    const std::int64_t next = page.json["data"]["nextAfter"].get_int64().value();
    CHECK(next == 2);
    auto rest = server.call("GET", "/api/admin/events?after=2&limit=100", {}, admin);
    CHECK(rest.json["data"]["events"].get_array().value().at(0)["eventId"].get_int64().value() ==
          3);

    auto registered = server.call("GET", "/api/admin/events?type=account.registered", {}, admin);
    const std::string body = registered.raw.body;
    CHECK(registered.json["data"]["events"].get_array().value().size() == 2);
    CHECK(body.find(R"("passwordHash":"[redacted]")") != std::string::npos);
    CHECK(body.find("$argon2") == std::string::npos);

    auto stream = server.call("GET", "/api/admin/events?stream=account-2", {}, admin);
    CHECK(stream.json["data"]["events"].get_array().value().size() == 1);
    CHECK(server.call("GET", "/api/admin/events?limit=0", {}, admin).status == 400);
    CHECK(server.call("GET", "/api/admin/events?color=red", {}, admin).status == 400);

    // Nothing in the whole log holds a password.
    auto all = server.call("GET", "/api/admin/events?limit=1000", {}, admin);
    CHECK(all.raw.body.find("first-secret-pw") == std::string::npos);
    CHECK(all.raw.body.find("second-secret-pw") == std::string::npos);
    CHECK(all.raw.body.find(std::string(kAdminPassword)) == std::string::npos);

    // The hash chain, checked from the first event to the head.
    auto chain = server.call("GET", "/api/admin/events/verify", {}, admin);
    REQUIRE_MESSAGE(chain.status == 200, chain.raw.body);
    const std::int64_t head = all.json["data"]["head"].get_int64().value();
    CHECK(chain.json["data"]["ok"].get_bool().value());
    CHECK(chain.json["data"]["head"].get_int64().value() >= head);
    CHECK(chain.json["data"]["eventsChecked"].get_int64().value() ==
          chain.json["data"]["head"].get_int64().value());
    CHECK(chain.json["data"]["badEventId"].get_int64().value() == 0);
    CHECK(server.call("GET", "/api/admin/events/verify").status == 401);
  }

  TEST_CASE("projections: status and an online rebuild over the API") {
    ApiServer server;
    const std::string customer = server.register_customer("p@example.com");
    const std::string admin = server.admin_token();
    auto status = server.call("GET", "/api/admin/projections", {}, admin);
    REQUIRE(status.status == 200);
    CHECK(status.raw.body.find(R"("name":"accounts")") != std::string::npos);
    CHECK(server.call("GET", "/api/admin/projections", {}, customer).status == 403);

    auto started = server.call("POST", "/api/admin/projections/accounts/rebuild", "{}", admin);
    CHECK(started.status == 202);
    REQUIRE(server.wait_rebuilt(admin));
    CHECK(server.call("GET", "/api/auth/me", {}, customer).data_string("email") == "p@example.com");
    auto unknown = server.call("POST", "/api/admin/projections/nope/rebuild", "{}", admin);
    CHECK(unknown.status == 404);
    CHECK(unknown.error_code() == "PROJECTION_NOT_FOUND");
  }

  TEST_CASE("restart: same secret, one catalogue event, the bootstrap admin only once") {
    testing::TempDir dir;
    const std::string data = dir.sub("data");
    std::string token;
    {
      ApiServer first(data);
      token = first.register_customer("r@example.com");
    }
    ApiServer second(data);
    CHECK(server_has_secret_file(data));
    CHECK(second.call("GET", "/api/auth/me", {}, token).status == 200);
    const std::string admin = second.admin_token();
    auto catalogue = second.call("GET", "/api/admin/events?stream=permission_catalogue", {}, admin);
    CHECK(catalogue.json["data"]["events"].get_array().value().size() == 1);
    auto staff = second.call("GET", "/api/admin/staff", {}, admin);
    CHECK(staff.json["pagination"]["total"].get_int64().value() == 1);
  }
}

}  // namespace docket::api_testing

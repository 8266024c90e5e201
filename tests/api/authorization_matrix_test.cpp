// The authorization matrix: every route of the production route table, called as
// anonymous, with a malformed credential, as a guest, as a customer, as staff with no
// permission, as staff holding every permission but the route's own, and as an admin;
// each answer checked against the route's declared access (http/router.h, Access). And
// the declarations themselves: admin paths are staff-only under a permission, mobile
// paths customer-only; another customer's request answers like one that does not exist,
// another customer's inquiry is ACCESS_DENIED (seed 000 §16).
#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/auth/permissions.h"
#include "http/router.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

using http::Access;

std::string str(simdjson::dom::element e) {
  std::string_view v;
  return e.get_string().get(v) ? std::string() : std::string(v);
}

// A concrete path for a pattern: ids that exist nowhere, other parameters "x".
std::string concrete(const http::Route& route) {
  std::string path = route.pattern;
  for (const std::string& name : route.param_names) {
    const std::size_t at = path.find("{" + name + "}");
    REQUIRE(at != std::string::npos);
    const bool id = name == "id" || name.ends_with("Id");
    path.replace(at, name.size() + 2, id ? "999999" : "x");
  }
  return path;
}

// Open routes whose handler turns staff away by design (customers and guests use them).
const std::set<std::string> kRefusesStaff = {"/api/journeys/{id}/submit"};

// Did the guard refuse? 401, or 403 FORBIDDEN (a domain 403 such as a guest token that
// does not fit the inquiry comes from the handler, after the guard let the call in).
bool refused_by_guard(const ApiResponse& r) {
  return r.status == 401 || (r.status == 403 && r.error_code() == "FORBIDDEN");
}

struct Identities {
  ApiServer& server;
  std::string admin = server.admin_token();
  std::string customer = server.register_customer("matrix-a@example.com");
  std::string other_customer = server.register_customer("matrix-b@example.com");
  std::string bare_staff;
  // Per permission: staff holding every permission except it.
  std::map<std::string, std::string> all_but;
  std::string guest;

  explicit Identities(ApiServer& s) : server(s) {
    bare_staff = staff("bare@example.com", "[]");
    const auto email_for = [](std::string_view permission) {
      std::string email = "no-";
      for (char c : permission)
        email += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return email + "@example.com";
    };
    for (const auto& info : auth::permission_catalogue()) {
      std::string others = "[";
      for (const auto& other : auth::permission_catalogue()) {
        if (other.permission == info.permission) continue;
        others += std::string(others.size() > 1 ? "," : "") + "\"" + std::string(other.name) + "\"";
      }
      others += "]";
      all_but[std::string(info.name)] = staff(email_for(info.name), others);
    }
    auto inquiry = server.call("POST", "/api/support-inquiries", R"({"subject":"Matrix"})");
    REQUIRE(inquiry.status == 201);
    guest = inquiry.data_string("inquiryAccessToken");
  }

  std::string staff(const std::string& email, const std::string& permissions) {
    auto created = server.call("POST", "/api/admin/staff",
                               R"({"email":")" + email +
                                   R"(","password":"matrix-pass-1","name":"M","role":"agent",)"
                                   R"("permissions":)" +
                                   permissions + "}",
                               admin);
    REQUIRE_MESSAGE(created.status == 201, created.raw.body);
    return server.login(email, "matrix-pass-1");
  }
};

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("every route answers each kind of caller as its declared access says") {
    ApiServer server;
    Identities who(server);
    std::size_t checked = 0;
    for (const http::Route& route : server.runtime().router().routes()) {
      if (route.mount) continue;  // the Socket.IO transport: its own handshake
      const std::string method(http::method_name(route.method));
      const std::string path = concrete(route);
      const Access access = route.meta.access;
      const bool has_body = method == "POST" || method == "PATCH" || method == "PUT";
      const std::string body = has_body ? "{}" : "";
      CAPTURE(method);
      CAPTURE(route.pattern);
      auto call = [&](const std::string& token) { return server.call(method, path, body, token); };

      // The declarations: where a route lives says who may call it.
      if (route.pattern.starts_with("/api/admin/")) {
        CHECK(access == Access::kStaff);
        CHECK((route.meta.permission.has_value() || !route.meta.any_permission.empty()));
      }
      if (route.pattern.starts_with("/api/mobile/")) CHECK(access == Access::kCustomer);

      const ApiResponse anonymous = call("");
      const ApiResponse garbage = call("not-a-token");
      const ApiResponse guest = call(who.guest);
      const ApiResponse customer = call(who.customer);
      const ApiResponse bare = call(who.bare_staff);
      const ApiResponse admin = call(who.admin);
      switch (access) {
        case Access::kPublic:
          // Credentials are ignored, even malformed ones.
          for (const ApiResponse* r : {&anonymous, &garbage, &guest, &customer, &bare, &admin})
            CHECK_MESSAGE(!refused_by_guard(*r), r->raw.body);
          break;
        case Access::kOptional:
          CHECK_MESSAGE(!refused_by_guard(anonymous), anonymous.raw.body);
          CHECK(garbage.status == 401);  // a present but invalid credential
          for (const ApiResponse* r : {&guest, &customer})
            CHECK_MESSAGE(!refused_by_guard(*r), r->raw.body);
          // Staff pass the guard; a route for the people who ask for help may still turn
          // them away itself, and says so.
          for (const ApiResponse* r : {&bare, &admin}) {
            if (kRefusesStaff.count(route.pattern) != 0) {
              CHECK(r->status == 403);
            } else {
              CHECK_MESSAGE(!refused_by_guard(*r), r->raw.body);
            }
          }
          break;
        case Access::kCustomer:
          CHECK(anonymous.status == 401);
          CHECK(garbage.status == 401);
          CHECK(guest.status == 403);
          CHECK_MESSAGE(!refused_by_guard(customer), customer.raw.body);
          CHECK(bare.status == 403);
          CHECK(admin.status == 403);
          break;
        case Access::kAuthenticated:
          CHECK(anonymous.status == 401);
          CHECK(garbage.status == 401);
          CHECK(guest.status == 401);
          for (const ApiResponse* r : {&customer, &bare, &admin})
            CHECK_MESSAGE(!refused_by_guard(*r), r->raw.body);
          break;
        case Access::kStaff:
          CHECK(anonymous.status == 401);
          CHECK(garbage.status == 401);
          CHECK(guest.status == 403);
          CHECK(customer.status == 403);
          CHECK_MESSAGE(!refused_by_guard(admin), admin.raw.body);
          if (route.meta.permission) {
            const std::string name(auth::permission_name(*route.meta.permission));
            CHECK(bare.status == 403);
            CHECK(str(bare.json["details"]["permission"]) == name);
            // Every other permission is not enough.
            const ApiResponse almost = call(who.all_but.at(name));
            CHECK(almost.status == 403);
            CHECK(str(almost.json["details"]["permission"]) == name);
          } else if (!route.meta.any_permission.empty()) {
            // One of several: without any of them the guard refuses, naming them all.
            CHECK(bare.status == 403);
            simdjson::dom::array named;
            CHECK(bare.json["details"]["permissions"].get(named) == simdjson::SUCCESS);
            CHECK(named.size() == route.meta.any_permission.size());
          } else {
            CHECK_MESSAGE(!refused_by_guard(bare), bare.raw.body);
          }
          break;
      }
      ++checked;
    }
    CHECK(checked >= 85);
    MESSAGE(checked, " routes checked");
  }

  TEST_CASE("another customer's conversation stays closed to a customer") {
    ApiServer server;
    Identities who(server);
    auto request =
        server.call("POST", "/api/mobile/support-requests",
                    R"({"subject":"Mine","category":"general","message":"Private"})", who.customer);
    REQUIRE(request.status == 201);
    auto inquiry =
        server.call("POST", "/api/support-inquiries", R"({"subject":"Mine too"})", who.customer);
    REQUIRE(inquiry.status == 201);
    const std::string request_id = std::to_string(request.data_int("id"));
    const std::string inquiry_id = std::to_string(inquiry.data_int("id"));
    std::size_t checked = 0;
    for (const http::Route& route : server.runtime().router().routes()) {
      if (route.param_names.size() != 1 || route.param_names.front() != "id") continue;
      std::string id;
      if (route.pattern.starts_with("/api/mobile/support-requests/{id}")) id = request_id;
      if (route.pattern.starts_with("/api/support-inquiries/{id}")) id = inquiry_id;
      if (id.empty()) continue;
      const std::string method(http::method_name(route.method));
      // Reads, and posting a message: bodies that pass validation, so the answer is the
      // handler's.
      std::string body;
      if (method == "POST" && route.pattern.ends_with("/messages")) {
        body = R"({"message":"Let me in"})";
      } else if (method != "GET") {
        continue;
      }
      std::string path = route.pattern;
      path.replace(path.find("{id}"), 4, id);
      CAPTURE(method);
      CAPTURE(path);
      const ApiResponse owner = server.call(method, path, body, who.customer);
      CHECK_MESSAGE(owner.status < 300, owner.raw.body);
      const ApiResponse other = server.call(method, path, body, who.other_customer);
      if (id == inquiry_id) {
        // Seed 000 §16: someone else's inquiry is ACCESS_DENIED ("log in or use the
        // original link"), an id that does not exist NOT_FOUND.
        CHECK(other.status == 403);
        CHECK(other.error_code() == "SUPPORT_INQUIRY_ACCESS_DENIED");
      } else {
        // Another customer's request answers exactly as an id that does not exist.
        std::string nowhere = route.pattern;
        nowhere.replace(nowhere.find("{id}"), 4, "999999");
        const ApiResponse missing = server.call(method, nowhere, body, who.other_customer);
        CHECK(other.status == 404);
        CHECK(other.status == missing.status);
        CHECK(other.error_code() == missing.error_code());
        CHECK(other.raw.body.find("Mine") == std::string::npos);
      }
      ++checked;
    }
    CHECK(checked >= 4);
  }
}

}  // namespace docket::api_testing

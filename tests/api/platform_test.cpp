// Platform rules over real HTTP on the production route table: the OpenAPI document
// covers every route, and rate limits answer 429 with Retry-After.
#include <doctest/doctest.h>

#include <cctype>
#include <set>

#include "http/method.h"
#include "http/router.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {

TEST_SUITE("api.integration") {
  TEST_CASE("the OpenAPI document lists every routed path and method") {
    ApiServer server;
    auto doc = server.call("GET", "/api/openapi.json");
    REQUIRE(doc.status == 200);
    std::string_view version;
    REQUIRE(!doc.json["openapi"].get_string().get(version));
    CHECK(version == "3.1.0");
    simdjson::dom::object paths;
    REQUIRE(!doc.json["paths"].get_object().get(paths));
    std::size_t routes = 0;
    for (const http::Route& route : server.runtime().router().routes()) {
      if (route.mount) {  // the Engine.IO endpoint is a protocol, not an operation
        CHECK(paths[route.pattern].error() == simdjson::NO_SUCH_FIELD);
        continue;
      }
      ++routes;
      std::string method(http::method_name(route.method));
      for (char& c : method)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      simdjson::dom::object operation;
      CHECK_MESSAGE(!paths[route.pattern][method].get_object().get(operation),
                    "missing from the OpenAPI document: ", method, " ", route.pattern);
      std::string_view tag;
      CHECK(!operation["tags"].at(0).get_string().get(tag));
      CHECK(tag == route.meta.tag);
    }
    CHECK(routes >= 17);
    // The seed's tags are declared even before their routes exist.
    std::set<std::string> tags;
    simdjson::dom::array declared;
    REQUIRE(!doc.json["tags"].get_array().get(declared));
    for (simdjson::dom::element t : declared) {
      std::string_view name;
      if (!t["name"].get_string().get(name)) tags.insert(std::string(name));
      std::string_view description;
      CHECK_MESSAGE(!t["description"].get_string().get(description), "no description: ", name);
    }
    for (const char* name :
         {"Support Inquiries", "Support Inquiries (Admin)", "Support Requests",
          "Support Requests (Admin)", "Feedback", "Feedback (Admin)", "Auth", "Operations"}) {
      CHECK_MESSAGE(tags.count(name) == 1, name);
    }
  }

  TEST_CASE("login is rate limited per client: 429 with Retry-After and RateLimit headers") {
    ApiServer server({}, nullptr, [](Config& c) {
      c.rate_limit_enabled = true;
      c.rate_limit_login = {3, 60};
    });
    const std::string body = R"({"email":"x@example.com","password":"whatever-123"})";
    for (int i = 0; i < 3; ++i) {
      auto r = server.call("POST", "/api/auth/login", body);
      CHECK(r.status == 401);
      CHECK(r.raw.header("RateLimit-Limit") == "3");
      CHECK(r.raw.header("RateLimit-Remaining") == std::to_string(2 - i));
    }
    auto limited = server.call("POST", "/api/auth/login", body);
    CHECK(limited.status == 429);
    CHECK(limited.error_code() == "RATE_LIMIT_EXCEEDED");
    const int retry = std::stoi(limited.raw.header("Retry-After"));
    CHECK(retry >= 1);
    CHECK(retry <= 20);  // one token every 20 s
    // Other routes are not in the login group.
    CHECK(server.call("GET", "/healthz").status == 200);
  }
}

}  // namespace docket::api_testing

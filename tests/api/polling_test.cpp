// Engine.IO long-polling over real HTTP on the production server: a GET that waits is
// woken by what a POST on another connection causes, the overlap rule, and a stop
// while a GET waits. (tests/e2e/polling.test.js drives it with socket.io-client.)
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "http/testing/raw_client.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

using http::testing::RawClient;
using http::testing::RawResponse;

std::string get_request(const std::string& query) {
  return "GET /socket.io/?" + query + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

std::string post_request(const std::string& query, std::string_view body) {
  return http::testing::body_request("POST", "/socket.io/?" + query, "text/plain;charset=UTF-8",
                                     body);
}

// The sid of a new polling session.
std::string handshake(ApiServer& server) {
  auto open = http::testing::fetch(server.port(), get_request("EIO=4&transport=polling"));
  REQUIRE(open.has_value());
  REQUIRE(open->status == 200);
  CHECK(open->header("Content-Type").starts_with("text/plain"));
  REQUIRE(open->body.starts_with(R"(0{"sid":")"));
  CHECK(open->body.find(R"("upgrades":["websocket"])") != std::string::npos);
  return open->body.substr(9, 20);
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("long-polling: a waiting GET is answered when a POST elsewhere queues a packet") {
    ApiServer server;
    const std::string sid = handshake(server);
    const std::string q = "EIO=4&transport=polling&sid=" + sid;
    auto posted = http::testing::fetch(server.port(), post_request(q, "40/support,"));
    REQUIRE(posted.has_value());
    CHECK(posted->body == "ok");
    auto connected = http::testing::fetch(server.port(), get_request(q));
    REQUIRE(connected.has_value());
    CHECK(connected->body.starts_with(R"(40/support,{"sid":")"));

    // A GET waits on one connection; an event with an ack id, POSTed on another, wakes it.
    RawClient waiting(server.port());
    REQUIRE(waiting.send(get_request(q)));
    CHECK_FALSE(waiting.read_response(std::chrono::milliseconds(200)).has_value());
    auto event = http::testing::fetch(
        server.port(),
        post_request(q, R"(42/support,5["support:join_request_messages",{"supportRequestId":1}])"));
    REQUIRE(event.has_value());
    CHECK(event->status == 200);
    std::optional<RawResponse> woken = waiting.read_response(std::chrono::milliseconds(3000));
    REQUIRE(woken.has_value());
    CHECK(woken->status == 200);
    CHECK(woken->body.starts_with(R"(43/support,5[{"ok":false,"errorCode":"UNAUTHORIZED")"));

    // A second GET while one waits closes the session; the first gets the close packet.
    RawClient first(server.port());
    REQUIRE(first.send(get_request(q)));
    CHECK_FALSE(first.read_response(std::chrono::milliseconds(100)).has_value());
    auto second = http::testing::fetch(server.port(), get_request(q));
    REQUIRE(second.has_value());
    CHECK(second->status == 400);
    CHECK(second->body == R"({"code":3,"message":"Bad request"})");
    auto closed = first.read_response(std::chrono::milliseconds(3000));
    REQUIRE(closed.has_value());
    CHECK(closed->body == "1");
  }

  TEST_CASE("long-polling: stopping the server answers a waiting GET with the close packet") {
    ApiServer server;
    const std::string sid = handshake(server);
    const std::string q = "EIO=4&transport=polling&sid=" + sid;
    REQUIRE(http::testing::fetch(server.port(), post_request(q, "40/support,")).has_value());
    REQUIRE(http::testing::fetch(server.port(), get_request(q)).has_value());
    RawClient waiting(server.port());
    REQUIRE(waiting.send(get_request(q)));
    CHECK_FALSE(waiting.read_response(std::chrono::milliseconds(100)).has_value());
    server.stop();
    auto answer = waiting.read_response(std::chrono::milliseconds(3000));
    REQUIRE(answer.has_value());
    CHECK(answer->body == "1");
  }
}

}  // namespace docket::api_testing

#include "http/upgrade.h"

#include <doctest/doctest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <thread>

#include "http/request_context.h"
#include "http/testing/raw_client.h"
#include "tests/http/test_server.h"
#include "tests/support/test_support.h"

namespace docket::http {
namespace {

using namespace std::chrono_literals;

// Takes the socket over: answers 101 and a marker, then closes. Records what it got.
class RecordingUpgrade final : public UpgradeHandler {
 public:
  void upgrade(PlainStream stream, UpgradeContext context) override {
    {
      std::lock_guard lock(mu);
      target = std::string(context.request.target());
      key = std::string(context.request["Sec-WebSocket-Key"]);
      request_id = std::string(context.request_id.view());
      client_ip = context.client_ip;
      calls++;
    }
    auto owned = std::make_shared<PlainStream>(std::move(stream));
    boost::asio::post(owned->get_executor(), [owned] {
      static constexpr std::string_view kAnswer =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
          "taken-over";
      boost::system::error_code ec;
      boost::asio::write(*owned, boost::asio::buffer(kAnswer), ec);
      owned->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      owned->close(ec);
    });
  }
  void upgrade(TlsStream, UpgradeContext) override { tls_calls++; }

  std::mutex mu;
  std::string target, key, request_id, client_ip;
  int calls = 0;
  int tls_calls = 0;
};

std::string upgrade_request(std::string_view path) {
  return "GET " + std::string(path) +
         " HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "X-Request-Id: ws-1\r\n\r\n";
}

void routes(Router& r) {
  r.get("/ping", [](RequestContext&) { return Response::ok_json("true"); });
}

}  // namespace

TEST_SUITE("http.integration") {
  TEST_CASE("an upgrade request on a registered prefix is handed to its handler") {
    testing::TestServer ts(routes);
    auto handler = std::make_shared<RecordingUpgrade>();
    ts.server->add_upgrade_handler("/socket.io/", handler);
    const auto port = ts.start();

    testing::RawClient c(port);
    REQUIRE(c.send(upgrade_request("/socket.io/?EIO=4&transport=websocket")));
    const auto answer = c.read_response();
    REQUIRE(answer.has_value());
    CHECK(answer->status == 101);
    CHECK(c.wait_closed(2000ms));
    {
      std::lock_guard lock(handler->mu);
      CHECK(handler->calls == 1);
      CHECK(handler->target == "/socket.io/?EIO=4&transport=websocket");
      CHECK(handler->key == "dGhlIHNhbXBsZSBub25jZQ==");
      CHECK(handler->request_id == "ws-1");
      CHECK(handler->client_ip == "127.0.0.1");
      CHECK(handler->tls_calls == 0);
    }
    // The handed-over connection no longer counts against the server.
    CHECK(docket::testing::eventually([&] { return ts.server->connection_count() == 0; }));
  }

  TEST_CASE("upgrade requests elsewhere and plain requests are routed as HTTP") {
    testing::TestServer ts(routes);
    auto handler = std::make_shared<RecordingUpgrade>();
    ts.server->add_upgrade_handler("/socket.io/", handler);
    const auto port = ts.start();
    const auto other = testing::fetch(port, upgrade_request("/ping"));
    REQUIRE(other.has_value());
    CHECK(other->status == 200);
    const auto plain = testing::fetch(port, testing::get_request("/socket.io/"));
    REQUIRE(plain.has_value());
    CHECK(plain->status == 404);
    std::lock_guard lock(handler->mu);
    CHECK(handler->calls == 0);
  }
}

}  // namespace docket::http

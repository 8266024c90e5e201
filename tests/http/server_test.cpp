#include "http/server.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/endpoint.h"
#include "http/request_context.h"
#include "http/testing/raw_client.h"
#include "http/validation.h"
#include "tests/http/test_server.h"
#include "tests/support/test_support.h"

namespace docket::http {
namespace {

using namespace std::chrono_literals;
using testing::body_request;
using testing::fetch;
using testing::get_request;
using testing::RawClient;
using testing::RawResponse;
using testing::test_options;
using testing::TestServer;

bool contains(const std::string& s, std::string_view needle) {
  return s.find(needle) != std::string::npos;
}

// The routes most tests use.
void basic_routes(Router& r) {
  r.get("/ping", [](RequestContext&) {
    return Response::ok([](JsonWriter& w) { w.begin_object().field("pong", true).end_object(); });
  });
  r.get("/n/{n}", [](RequestContext& ctx) {
    return Response::ok([&](JsonWriter& w) { w.value(ctx.param("n")); });
  });
  struct Echo {
    std::string text;
  };
  auto echo = std::make_shared<BodyContract<Echo>>();
  echo->field(Text("text").length(1, 100), &Echo::text);
  add_route(r, Method::kPost, "/echo", {}, echo, [](RequestContext&, Echo body) {
    return Response::ok([&](JsonWriter& w) { w.value(body.text); });
  });
  r.get("/throw", [](RequestContext&) -> Response { throw std::logic_error("internal detail"); });
}

// A streamed body of `pieces` pieces "<i>:" followed by 1,000 copies of 'x', or a
// source that fails after its first piece.
class CountingSource final : public BodySource {
 public:
  CountingSource(int pieces, bool fail_after_first) : pieces_(pieces), fail_(fail_after_first) {}
  Step next(std::string& out) override {
    if (fail_ && made_ == 1) return Step::kFailed;
    out += std::to_string(made_) + ":" + std::string(1000, 'x');
    ++made_;
    return made_ == pieces_ ? Step::kDone : Step::kMore;
  }

 private:
  int pieces_;
  bool fail_;
  int made_ = 0;
};

std::string counted_body(int pieces) {
  std::string body;
  for (int i = 0; i < pieces; ++i)
    body += std::to_string(i) + ":" + std::string(1000, 'x');
  return body;
}

void streaming_routes(Router& r) {
  basic_routes(r);
  r.get("/stream/{n}", [](RequestContext& ctx) {
    return Response::stream("text/plain", std::make_shared<CountingSource>(
                                              std::stoi(std::string(ctx.param("n"))), false));
  });
  r.get("/broken-stream", [](RequestContext&) {
    return Response::stream("text/plain", std::make_shared<CountingSource>(5, true));
  });
}

using docket::testing::eventually;

}  // namespace

TEST_SUITE("http.integration") {
  TEST_CASE("keep-alive serves several requests on one connection") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.connected());
    for (int i = 0; i < 3; ++i) {
      REQUIRE(c.send(get_request("/n/" + std::to_string(i))));
      const auto r = c.read_response();
      REQUIRE(r.has_value());
      CHECK(r->status == 200);
      CHECK(r->body == R"({"success":true,"data":")" + std::to_string(i) + "\"}");
      CHECK(r->header("Content-Type") == "application/json; charset=utf-8");
      CHECK(r->header("X-Content-Type-Options") == "nosniff");
      CHECK(r->header("Cache-Control") == "no-store");
      CHECK(r->has_header("Date"));
      CHECK(r->header("X-Request-Id").size() == 32);
      CHECK_FALSE(r->has_header("Connection"));
    }
    CHECK(ts.server->connection_count() == 1);
    CHECK(contains(ts.metrics.render(),
                   "docket_http_requests_total{route=\"/n/{n}\",method=\"GET\",status=\"200\"} 3"));
  }

  TEST_CASE("JSON bodies: malformed, wrong media type, valid") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(body_request("POST", "/echo", "application/json", R"({"text": "hi",)")));
    auto bad = c.read_response();
    REQUIRE(bad.has_value());
    CHECK(bad->status == 400);
    CHECK(contains(bad->body, R"("errorCode":"VALIDATION_ERROR")"));
    CHECK(contains(bad->body, R"("rule":"json")"));

    REQUIRE(c.send(body_request("POST", "/echo", "text/plain", R"({"text":"hi"})")));
    auto media = c.read_response();
    REQUIRE(media.has_value());
    CHECK(media->status == 415);
    CHECK(contains(media->body, R"("errorCode":"UNSUPPORTED_MEDIA_TYPE")"));

    REQUIRE(c.send(body_request("POST", "/echo", "application/json", R"({"text":"hi","x":1})")));
    auto unknown = c.read_response();
    REQUIRE(unknown.has_value());
    CHECK(unknown->status == 400);
    CHECK(contains(unknown->body, R"({"field":"x","rule":"unknown")"));

    // The connection survived all three errors.
    REQUIRE(c.send(body_request("POST", "/echo", "application/json", R"({"text":" hi "})")));
    auto ok = c.read_response();
    REQUIRE(ok.has_value());
    CHECK(ok->status == 200);
    CHECK(ok->body == R"({"success":true,"data":"hi"})");
  }

  TEST_CASE("an oversize body is 413 in the error contract, then the connection closes") {
    TestServer ts(basic_routes);  // max_body_bytes = 1024
    const auto port = ts.start();
    SUBCASE("declared by Content-Length: answered before the body is read") {
      RawClient c(port);
      REQUIRE(
          c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 "X-Request-Id: big-upload\r\nContent-Length: 5000\r\n\r\n" +
                 std::string(100, ' ')));
      const auto r = c.read_response();
      REQUIRE(r.has_value());
      CHECK(r->status == 413);
      CHECK(r->header("Connection") == "close");
      CHECK(r->header("X-Request-Id") == "big-upload");
      CHECK(contains(r->body, R"({"success":false,"errorCode":"PAYLOAD_TOO_LARGE")"));
      CHECK(contains(r->body, R"("requestId":"big-upload")"));
      CHECK(c.wait_closed(3000ms));
    }
    SUBCASE("chunked: cut off while reading") {
      RawClient c(port);
      const std::string chunk(2000, 'a');
      REQUIRE(
          c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n7d0\r\n" +
                 chunk + "\r\n0\r\n\r\n"));
      const auto r = c.read_response();
      REQUIRE(r.has_value());
      CHECK(r->status == 413);
      CHECK(contains(r->body, R"("errorCode":"PAYLOAD_TOO_LARGE")"));
      CHECK(c.wait_closed(3000ms));
    }
  }

  TEST_CASE("an oversize request head is 431") {
    TestServer ts(basic_routes);  // max_header_bytes = 4096
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/ping", "X-Big: " + std::string(8000, 'b') + "\r\n")));
    const auto r = c.read_response();
    REQUIRE(r.has_value());
    CHECK(r->status == 431);
    CHECK(contains(r->body, R"("errorCode":"PAYLOAD_TOO_LARGE")"));
    CHECK(r->header("Connection") == "close");
    CHECK(c.wait_closed(3000ms));
  }

  TEST_CASE("malformed HTTP is 400 and closes") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send("GARBAGE\x01 / HTTP/1.1\r\n\r\n"));
    const auto r = c.read_response();
    REQUIRE(r.has_value());
    CHECK(r->status == 400);
    CHECK(contains(r->body, R"("errorCode":"VALIDATION_ERROR")"));
    CHECK(c.wait_closed(3000ms));
  }

  TEST_CASE("ambiguous message framing is refused") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    for (const char* head : {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
                             "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             "Content-Length: 4\r\nContent-Length: 5\r\n\r\n"}) {
      CAPTURE(head);
      RawClient c(port);
      REQUIRE(c.send(std::string(head) + "{}{}"));
      const auto r = c.read_response();
      REQUIRE(r.has_value());
      CHECK(r->status == 400);
      CHECK(r->header("Connection") == "close");
      CHECK(c.wait_closed(3000ms));
    }
  }

  TEST_CASE("slow-loris: a stalled or trickling request is cut at the request timeout") {
    ServerOptions o = test_options();
    o.request_timeout = 300ms;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();

    RawClient stalled(port);
    REQUIRE(stalled.send("GET /ping HTTP/1.1\r\nHost: t\r\n"));  // head never finishes
    const auto start = std::chrono::steady_clock::now();

    // Others are served meanwhile, on both IO threads.
    for (int i = 0; i < 4; ++i) {
      const auto r = fetch(port, get_request("/ping"));
      REQUIRE(r.has_value());
      CHECK(r->status == 200);
    }
    RawClient trickle(port);
    REQUIRE(trickle.send("G"));
    bool cut = false;
    for (const char ch : std::string("ET /ping HTTP/1.1\r\nHost: t\r\nX-Pad: aaaaaaaaaaaaaaa")) {
      std::this_thread::sleep_for(40ms);  // the slow client itself: one byte per 40 ms
      if (!trickle.send(std::string(1, ch))) {
        cut = true;
        break;
      }
      if (std::chrono::steady_clock::now() - start > 1500ms) break;
    }
    CHECK(stalled.wait_closed(3000ms));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed >= 250ms);
    CHECK((cut || trickle.wait_closed(3000ms)));
    CHECK_FALSE(trickle.read_response(100ms).has_value());
  }

  TEST_CASE("idle keep-alive connections are closed after the idle timeout") {
    ServerOptions o = test_options();
    o.idle_timeout = 200ms;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/ping")));
    REQUIRE(c.read_response().has_value());
    CHECK_FALSE(c.wait_closed(100ms));
    CHECK(c.wait_closed(2000ms));
    CHECK(eventually([&] { return ts.server->connection_count() == 0; }));
  }

  TEST_CASE("pipelined requests are answered in order") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/n/1") + get_request("/n/2") + get_request("/n/3")));
    for (const char* n : {"1", "2", "3"}) {
      const auto r = c.read_response();
      REQUIRE(r.has_value());
      CHECK(r->body == std::string(R"({"success":true,"data":")") + n + "\"}");
    }
  }

  TEST_CASE("requests per connection are capped, pipelined or not") {
    ServerOptions o = test_options();
    o.max_requests_per_connection = 2;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/n/1") + get_request("/n/2") + get_request("/n/3")));
    const auto first = c.read_response();
    REQUIRE(first.has_value());
    CHECK_FALSE(first->has_header("Connection"));
    const auto second = c.read_response();
    REQUIRE(second.has_value());
    CHECK(second->body == R"({"success":true,"data":"2"})");
    CHECK(second->header("Connection") == "close");
    CHECK_FALSE(c.read_response(500ms).has_value());
    CHECK(c.wait_closed(2000ms));
  }

  TEST_CASE("connections beyond the limit get 503") {
    ServerOptions o = test_options();
    o.max_connections = 2;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    auto a = std::make_unique<RawClient>(port);
    RawClient b(port);
    for (RawClient* c : {a.get(), &b}) {
      REQUIRE(c->send(get_request("/ping")));
      REQUIRE(c->read_response().has_value());
    }
    CHECK(ts.server->connection_count() == 2);

    RawClient third(port);
    REQUIRE(third.connected());
    third.send(get_request("/ping"));
    const auto refused = third.read_response();
    REQUIRE(refused.has_value());
    CHECK(refused->status == 503);
    CHECK(contains(refused->body, R"("errorCode":"SERVICE_UNAVAILABLE")"));
    CHECK(refused->header("Connection") == "close");
    CHECK(third.wait_closed(3000ms));

    a.reset();  // frees a slot
    REQUIRE(eventually([&] { return ts.server->connection_count() == 1; }));
    const auto r = fetch(port, get_request("/ping"));
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
  }

  TEST_CASE("2,000 idle connections from one address: it gets its share, another gets in") {
    ServerOptions o = test_options();
    o.max_connections = 1000;
    o.max_connections_per_ip = 64;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    std::vector<std::unique_ptr<RawClient>> hoard;
    for (int i = 0; i < 2000; ++i) {
      hoard.push_back(std::make_unique<RawClient>(port));
      REQUIRE(hoard.back()->connected());
    }
    // The last one was accepted and refused (503, or closed unanswered once a thousand
    // refusals are already draining): everything before it was handled too.
    REQUIRE(hoard.back()->send(get_request("/ping")));
    const auto refused = hoard.back()->read_response();
    if (refused) {
      CHECK(refused->status == 503);
      CHECK(contains(refused->body, R"("errorCode":"SERVICE_UNAVAILABLE")"));
    } else {
      CHECK(hoard.back()->wait_closed(2000ms));
    }
    CHECK(ts.server->connection_count() == 64);

    const auto start = std::chrono::steady_clock::now();
    RawClient other(port, "127.0.0.2");
    REQUIRE(other.connected());
    REQUIRE(other.send(get_request("/ping")));
    const auto answer = other.read_response();
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(answer.has_value());
    CHECK(answer->status == 200);
    CHECK(took < 100ms);
    // One of the 64 admitted is served as usual.
    REQUIRE(hoard.front()->send(get_request("/ping")));
    const auto first = hoard.front()->read_response();
    REQUIRE(first.has_value());
    CHECK(first->status == 200);
  }

  TEST_CASE("at the limit, a new address takes a reserved place and silent connections give way") {
    ServerOptions o = test_options();
    o.max_connections = 4;
    o.header_timeout = 150ms;
    o.idle_timeout = 60s;
    o.request_timeout = 60s;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    std::vector<std::unique_ptr<RawClient>> silent;
    for (int i = 0; i < 4; ++i)
      silent.push_back(std::make_unique<RawClient>(port));
    REQUIRE(eventually([&] { return ts.server->connection_count() == 4; }));

    // An address with no connection yet: a reserved place.
    const auto probe = fetch(port, get_request("/ping"), "127.0.0.3");
    REQUIRE(probe.has_value());
    CHECK(probe->status == 200);

    // The same address again, once the silent ones are older than the header timeout: the
    // oldest silent connection is closed and the newcomer served.
    bool served = eventually([&] {
      RawClient next(port);
      if (!next.send(get_request("/ping"))) return false;
      const auto r = next.read_response();
      return r.has_value() && r->status == 200;
    });
    CHECK(served);
    CHECK(silent.front()->wait_closed(2000ms));
  }

  TEST_CASE("CORS preflight and actual requests over the wire") {
    ServiceOptions so;
    so.cors_origins = {"https://app.example.com"};
    TestServer ts(basic_routes, test_options(), so);
    const auto port = ts.start();
    const auto pre =
        fetch(port,
              "OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example.com\r\n"
              "Access-Control-Request-Method: POST\r\n"
              "Access-Control-Request-Headers: content-type\r\n\r\n");
    REQUIRE(pre.has_value());
    CHECK(pre->status == 204);
    CHECK(pre->header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(pre->header("Access-Control-Allow-Methods") == "POST, OPTIONS");
    CHECK(contains(pre->header("Access-Control-Allow-Headers"), "Content-Type"));
    CHECK(pre->header("Vary") == "Origin");
    CHECK_FALSE(pre->has_header("Content-Length"));

    const auto actual = fetch(port, get_request("/ping", "Origin: https://app.example.com\r\n"));
    REQUIRE(actual.has_value());
    CHECK(actual->header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(actual->header("Access-Control-Expose-Headers") == CorsPolicy::kExposeHeaders);

    const auto foreign = fetch(port, get_request("/ping", "Origin: https://evil.example\r\n"));
    REQUIRE(foreign.has_value());
    CHECK(foreign->status == 200);
    CHECK_FALSE(foreign->has_header("Access-Control-Allow-Origin"));
  }

  TEST_CASE("X-Request-Id is echoed when well-formed and generated otherwise") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    const auto echoed = fetch(port, get_request("/nothing", "X-Request-Id: trace-42.a_b\r\n"));
    REQUIRE(echoed.has_value());
    CHECK(echoed->header("X-Request-Id") == "trace-42.a_b");
    CHECK(contains(echoed->body, R"("requestId":"trace-42.a_b")"));

    const auto generated =
        fetch(port, get_request("/nothing", "X-Request-Id: " + std::string(65, 'x') + "\r\n"));
    REQUIRE(generated.has_value());
    const std::string id = generated->header("X-Request-Id");
    CHECK(id.size() == 32);
    CHECK(contains(generated->body, "\"requestId\":\"" + id + "\""));
  }

  TEST_CASE("a throwing handler is 500 without internals") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    const auto r = fetch(port, get_request("/throw"));
    REQUIRE(r.has_value());
    CHECK(r->status == 500);
    CHECK(contains(r->body, R"("errorCode":"INTERNAL_ERROR","message":"Internal server error")"));
    CHECK_FALSE(contains(r->body, "internal detail"));
  }

  TEST_CASE("HEAD sends headers only; Expect: 100-continue; HTTP/1.0") {
    TestServer ts(basic_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send("HEAD /ping HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto head = c.read_response(3000ms, /*head_only=*/true);
    REQUIRE(head.has_value());
    CHECK(head->status == 200);
    CHECK(head->header("Content-Length") ==
          std::to_string(std::string_view(R"({"success":true,"data":{"pong":true}})").size()));
    // No body bytes followed: the next answer parses cleanly.
    REQUIRE(c.send(get_request("/n/9")));
    const auto next = c.read_response();
    REQUIRE(next.has_value());
    CHECK(next->body == R"({"success":true,"data":"9"})");

    const std::string body = R"({"text":"continued"})";
    REQUIRE(
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               "Expect: 100-continue\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n"));
    const auto interim = c.read_response();
    REQUIRE(interim.has_value());
    CHECK(interim->status == 100);
    REQUIRE(c.send(body));
    const auto final_answer = c.read_response();
    REQUIRE(final_answer.has_value());
    CHECK(final_answer->body == R"({"success":true,"data":"continued"})");

    RawClient old(port);
    REQUIRE(old.send("GET /ping HTTP/1.0\r\n\r\n"));
    const auto r10 = old.read_response();
    REQUIRE(r10.has_value());
    CHECK(r10->header("Connection") == "close");
    CHECK(old.wait_closed(2000ms));

    RawClient keep(port);
    REQUIRE(keep.send("GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto k10 = keep.read_response();
    REQUIRE(k10.has_value());
    CHECK(k10->header("Connection") == "keep-alive");
    REQUIRE(keep.send("GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(keep.read_response().has_value());
  }

  TEST_CASE("a streamed body goes out in chunks; the connection stays usable after it") {
    TestServer ts(streaming_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/stream/300")));
    const auto streamed = c.read_response();
    REQUIRE(streamed.has_value());
    CHECK(streamed->status == 200);
    CHECK(streamed->header("Transfer-Encoding") == "chunked");
    CHECK_FALSE(streamed->has_header("Content-Length"));
    CHECK(streamed->header("Content-Type") == "text/plain");
    CHECK(streamed->body == counted_body(300));
    // The last chunk ended the body: the next answer on the connection parses cleanly.
    REQUIRE(c.send(get_request("/ping")));
    const auto next = c.read_response();
    REQUIRE(next.has_value());
    CHECK(next->body == R"({"success":true,"data":{"pong":true}})");

    // HEAD: the same head, no chunks.
    REQUIRE(c.send("HEAD /stream/3 HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto head = c.read_response(3000ms, /*head_only=*/true);
    REQUIRE(head.has_value());
    CHECK(head->header("Transfer-Encoding") == "chunked");
    REQUIRE(c.send(get_request("/n/4")));
    const auto after_head = c.read_response();
    REQUIRE(after_head.has_value());
    CHECK(after_head->body == R"({"success":true,"data":"4"})");

    // HTTP/1.0 has no chunks: the body ends with the connection.
    RawClient old(port);
    REQUIRE(old.send("GET /stream/3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r10 = old.read_response();
    REQUIRE(r10.has_value());
    CHECK_FALSE(r10->has_header("Transfer-Encoding"));
    CHECK(r10->header("Connection") == "close");
    CHECK(r10->body == counted_body(3));
  }

  TEST_CASE("a stream that fails mid-way is cut off without its last chunk") {
    TestServer ts(streaming_routes);
    const auto port = ts.start();
    RawClient c(port);
    REQUIRE(c.send(get_request("/broken-stream")));
    // The head and the first chunk arrive, the terminating chunk never does: the client
    // cannot take the body as complete.
    CHECK_FALSE(c.read_response(1000ms).has_value());
    CHECK(c.wait_closed(2000ms));
  }

  TEST_CASE("graceful shutdown finishes in-flight requests and refuses new connections") {
    std::atomic<bool> entered{false};
    std::promise<void> release;  // the handler stays in flight until the test says
    std::shared_future<void> released = release.get_future().share();
    TestServer ts([&](Router& r) {
      basic_routes(r);
      r.get("/slow", [&](RequestContext&) {
        entered = true;
        released.wait();
        return Response::ok([](JsonWriter& w) { w.value("done"); });
      });
    });
    const auto port = ts.start();

    RawClient idle(port);  // a keep-alive connection waiting for its next request
    REQUIRE(idle.send(get_request("/ping")));
    REQUIRE(idle.read_response().has_value());

    RawClient busy(port);
    REQUIRE(busy.send(get_request("/slow")));
    REQUIRE(eventually([&] { return entered.load(); }));

    const auto stop_started = std::chrono::steady_clock::now();
    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
      ts.server->stop();
      stopped = true;
    });
    // The listener closes and the idle connection ends while /slow is still in flight;
    // stop() cannot return before the handler does.
    CHECK(eventually([&] { return !RawClient(port).connected(); }));
    CHECK(idle.wait_closed(2000ms));
    CHECK_FALSE(stopped.load());

    release.set_value();
    const auto answer = busy.read_response();
    REQUIRE(answer.has_value());
    CHECK(answer->status == 200);
    CHECK(answer->body == R"({"success":true,"data":"done"})");
    CHECK(answer->header("Connection") == "close");
    CHECK(busy.wait_closed(2000ms));
    stopper.join();
    CHECK(stopped.load());
    CHECK(std::chrono::steady_clock::now() - stop_started < 3000ms);
    CHECK(ts.server->connection_count() == 0);
  }

  TEST_CASE("shutdown closes connections that outlive the grace period") {
    ServerOptions o = test_options();
    o.shutdown_grace = 200ms;
    o.request_timeout = 5000ms;
    TestServer ts(basic_routes, o);
    const auto port = ts.start();
    RawClient partial(port);
    // One write: a whole request and the start of the next. Once the first answer has
    // arrived, the server has read the partial head behind it: the connection is
    // mid-request, not idle.
    REQUIRE(partial.send(get_request("/ping") + "GET /ping HTTP/1.1\r\n"));
    REQUIRE(partial.read_response().has_value());
    const auto start = std::chrono::steady_clock::now();
    ts.server->stop();
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 150ms);
    CHECK(took < 2000ms);
    CHECK(partial.wait_closed(1000ms));
  }

  TEST_CASE("start reports bad configuration and busy ports") {
    TestServer first(basic_routes);
    const auto port = first.start();

    ServerOptions same = test_options();
    same.port = port;
    TestServer second(basic_routes, same);
    CHECK(second.server->start().IsIOError());

    ServerOptions half_tls = test_options();
    half_tls.tls_cert_file = "/nonexistent/cert.pem";
    TestServer tls(basic_routes, half_tls);
    CHECK(tls.server->start().IsInvalidArgument());

    ServerOptions bad_bind = test_options();
    bad_bind.bind = "not-an-address";
    TestServer bind(basic_routes, bad_bind);
    CHECK(bind.server->start().IsInvalidArgument());

    TestServer bad_routes(
        [](Router& r) { r.get("oops", [](RequestContext&) { return Response(); }); });
    CHECK(bad_routes.server->start().IsInvalidArgument());
  }
}

}  // namespace docket::http

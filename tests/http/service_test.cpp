#include "http/service.h"

#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include "core/metrics.h"
#include "http/read_fence.h"

namespace docket::http {
namespace {

// Collects access-log records (copies of their fields).
struct CapturedLog {
  struct Line {
    std::string request_id, method, route, actor_type, actor_id, ip;
    int status;
  };
  std::mutex mu;
  std::vector<Line> lines;

  AccessLogSink sink() {
    return [this](const AccessLogRecord& r) {
      std::lock_guard lock(mu);
      lines.push_back({std::string(r.request_id), std::string(r.method), std::string(r.route),
                       std::string(r.actor_type), std::string(r.actor_id), std::string(r.client_ip),
                       r.status});
    };
  }
};

struct Fixture {
  Router router;
  MetricsRegistry metrics;
  CapturedLog log;
  std::unique_ptr<HttpService> service;

  Fixture() {
    router.get("/items/{id}", [](RequestContext& ctx) {
      std::int64_t id = 0;
      if (auto err = ctx.param_id("id", id)) return Response(*err);
      return Response::ok([&](JsonWriter& w) {
        w.begin_object().field("id", id).field("ip", ctx.client_ip()).end_object();
      });
    });
    router.post("/items", [](RequestContext&) {
      return Response::created([](JsonWriter& w) { w.value(1); });
    });
    router.get("/throws", [](RequestContext&) -> Response {
      throw std::runtime_error("db password is hunter2");
    });
    router.get("/throws-api",
               [](RequestContext&) -> Response { throw ApiError::conflict("already assigned"); });
    router.get("/returns-api", [](RequestContext&) -> Response {
      return ApiError(404, "SUPPORT_INQUIRY_NOT_FOUND", "Inquiry not found");
    });
    router.get("/whoami", [](RequestContext& ctx) {
      return Response::ok([&](JsonWriter& w) { w.value(ctx.actor.type); });
    });
    router.get("/names/{name}", [](RequestContext& ctx) {
      return Response::ok([&](JsonWriter& w) { w.value(ctx.param("name")); });
    });
    ServiceOptions options;
    options.cors_origins = {"https://app.example.com"};
    options.trusted_proxies = {"10.0.0.1"};
    options.metrics = &metrics;
    options.access_log = log.sink();
    service = std::make_unique<HttpService>(router, std::move(options));
  }

  Response call(const RequestData& data) {
    return service->handle(data.view(), std::chrono::steady_clock::now());
  }
};

// A read fence the test moves by hand.
struct ManualFence final : ReadFence {
  std::uint64_t head_id = 0, applied_id = 0;
  std::multimap<std::uint64_t, std::function<void()>> waiters;
  std::uint64_t head() const override { return head_id; }
  std::uint64_t applied() const override { return applied_id; }
  void when_applied(std::uint64_t id, std::function<void()> then) override {
    if (applied_id >= id) return then();
    waiters.emplace(id, std::move(then));
  }
  void apply(std::uint64_t id) {
    applied_id = id;
    while (!waiters.empty() && waiters.begin()->first <= id) {
      auto then = std::move(waiters.begin()->second);
      waiters.erase(waiters.begin());
      then();
    }
  }
};

// A service behind a ManualFence whose posted work runs when the test says.
struct FencedFixture {
  Router router;
  ManualFence fence;
  std::unique_ptr<HttpService> service;
  std::deque<std::function<void()>> posted;
  std::vector<std::unique_ptr<RequestData>> requests;
  std::vector<std::unique_ptr<Request>> views;
  std::vector<Response> answered;
  int handled = 0;

  FencedFixture() {
    router.get("/items", [this](RequestContext&) {
      ++handled;
      return Response::ok([](JsonWriter& w) { w.value(1); });
    });
    router.post("/items", [this](RequestContext&) {
      ++handled;
      return Response::created([](JsonWriter& w) { w.value(1); });
    });
    ServiceOptions options;
    options.fence = &fence;
    service = std::make_unique<HttpService>(router, std::move(options));
  }
  // The answer when ready at once; otherwise nullopt (it lands in `answered`).
  // The request is kept: a held one is read when it resumes.
  std::optional<Response> serve(RequestData data) {
    requests.push_back(std::make_unique<RequestData>(std::move(data)));
    views.push_back(std::make_unique<Request>(requests.back()->view()));
    return service->serve(
        *views.back(), std::chrono::steady_clock::now(),
        [this](std::function<void()> work) { posted.push_back(std::move(work)); },
        [this](Response r) { answered.push_back(std::move(r)); });
  }
  void run_posted() {
    while (!posted.empty()) {
      auto work = std::move(posted.front());
      posted.pop_front();
      work();
    }
  }
};

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("service answers a route with the envelope and a request id") {
    Fixture f;
    const Response r = f.call(RequestData(Method::kGet, "/items/42"));
    CHECK(r.status() == 200);
    CHECK(r.body() == R"({"success":true,"data":{"id":42,"ip":"127.0.0.1"}})");
    CHECK(r.request_id().view().size() == 32);
    REQUIRE(f.log.lines.size() == 1);
    CHECK(f.log.lines[0].route == "/items/{id}");
    CHECK(f.log.lines[0].method == "GET");
    CHECK(f.log.lines[0].status == 200);
    CHECK(f.log.lines[0].actor_type == "anonymous");
    CHECK(f.log.lines[0].request_id == r.request_id().view());
  }

  TEST_CASE("service keeps a well-formed X-Request-Id and replaces a bad one") {
    Fixture f;
    RequestData good(Method::kGet, "/items/1");
    good.header("X-Request-Id", "client-abc.123");
    CHECK(f.call(good).request_id().view() == "client-abc.123");
    RequestData bad(Method::kGet, "/items/1");
    bad.header("x-request-id", "contains spaces and\ttabs");
    const Response r = f.call(bad);
    CHECK(r.request_id().view().size() == 32);
    CHECK(r.request_id().view() != "contains spaces and\ttabs");
  }

  TEST_CASE("service: 404 and 405 in the error contract") {
    Fixture f;
    const Response missing = f.call(RequestData(Method::kGet, "/nothing?token=secret"));
    CHECK(missing.status() == 404);
    CHECK(contains(missing.body(), R"("success":false,"errorCode":"NOT_FOUND")"));
    CHECK(contains(missing.body(), std::string(R"("requestId":")") +
                                       std::string(missing.request_id().view()) + "\""));
    CHECK(f.log.lines.back().route == "unmatched");

    const Response wrong = f.call(RequestData(Method::kDelete, "/items/1"));
    CHECK(wrong.status() == 405);
    CHECK(contains(wrong.body(), R"("errorCode":"METHOD_NOT_ALLOWED")"));
    CHECK(wrong.find_header("Allow") == "GET, HEAD, OPTIONS");
  }

  TEST_CASE("service: bad path parameters are validation errors") {
    Fixture f;
    const Response r = f.call(RequestData(Method::kGet, "/items/abc"));
    CHECK(r.status() == 400);
    CHECK(contains(r.body(), R"("details":[{"field":"id","rule":"type")"));
    const Response encoded = f.call(RequestData(Method::kGet, "/names/%E0%A4"));
    CHECK(encoded.status() == 400);
    CHECK(f.call(RequestData(Method::kGet, "/names/J%C3%BCrgen")).body() ==
          R"({"success":true,"data":"Jürgen"})");
  }

  TEST_CASE("service: HEAD runs the GET route without a body") {
    Fixture f;
    const Response r = f.call(RequestData(Method::kHead, "/items/5"));
    CHECK(r.status() == 200);
    CHECK(r.omit_body());
    CHECK_FALSE(r.body().empty());  // Content-Length still describes the GET body
  }

  TEST_CASE("service: OPTIONS and CORS preflight") {
    Fixture f;
    const Response plain = f.call(RequestData(Method::kOptions, "/items/5"));
    CHECK(plain.status() == 204);
    CHECK(plain.find_header("Allow") == "GET, HEAD, OPTIONS");
    CHECK_FALSE(plain.find_header("Access-Control-Allow-Origin").has_value());

    RequestData preflight(Method::kOptions, "/items");
    preflight.header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, authorization");
    const Response ok = f.call(preflight);
    CHECK(ok.status() == 204);
    CHECK(ok.find_header("Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(ok.find_header("Access-Control-Allow-Methods") == "POST, OPTIONS");
    CHECK(ok.find_header("Vary") == "Origin");

    RequestData evil(Method::kOptions, "/items");
    evil.header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST");
    const Response refused = f.call(evil);
    CHECK(refused.status() == 403);
    CHECK_FALSE(refused.find_header("Access-Control-Allow-Origin").has_value());

    CHECK(f.call(RequestData(Method::kOptions, "/nothing")).status() == 404);
  }

  TEST_CASE("service: CORS headers on normal responses, errors included") {
    Fixture f;
    RequestData allowed(Method::kGet, "/nothing");
    allowed.header("Origin", "https://app.example.com");
    const Response r = f.call(allowed);
    CHECK(r.status() == 404);
    CHECK(r.find_header("Access-Control-Allow-Origin") == "https://app.example.com");
    RequestData other(Method::kGet, "/items/1");
    other.header("Origin", "https://evil.example");
    const Response o = f.call(other);
    CHECK_FALSE(o.find_header("Access-Control-Allow-Origin").has_value());
    CHECK(o.find_header("Vary") == "Origin");
  }

  TEST_CASE("service: exceptions and returned errors") {
    Fixture f;
    const Response boom = f.call(RequestData(Method::kGet, "/throws"));
    CHECK(boom.status() == 500);
    CHECK(
        contains(boom.body(), R"("errorCode":"INTERNAL_ERROR","message":"Internal server error")"));
    CHECK_FALSE(contains(boom.body(), "hunter2"));

    const Response thrown = f.call(RequestData(Method::kGet, "/throws-api"));
    CHECK(thrown.status() == 409);
    CHECK(contains(thrown.body(), R"("errorCode":"CONFLICT","message":"already assigned")"));

    const Response returned = f.call(RequestData(Method::kGet, "/returns-api"));
    CHECK(returned.status() == 404);
    CHECK(contains(returned.body(), R"("errorCode":"SUPPORT_INQUIRY_NOT_FOUND")"));
  }

  TEST_CASE("service: middleware fills the actor or answers early") {
    Fixture f;
    f.service->use([](RequestContext& ctx) -> std::optional<Response> {
      const std::string_view auth = ctx.request().header("Authorization");
      if (auth == "Bearer bad") return Response(ApiError::unauthorized());
      if (auth == "Bearer admin-7") {
        ctx.actor.type = "admin";
        ctx.actor.id = "7";
      }
      return std::nullopt;
    });
    RequestData admin(Method::kGet, "/whoami");
    admin.header("Authorization", "Bearer admin-7");
    CHECK(f.call(admin).body() == R"({"success":true,"data":"admin"})");
    CHECK(f.log.lines.back().actor_type == "admin");
    CHECK(f.log.lines.back().actor_id == "7");

    RequestData bad(Method::kGet, "/whoami");
    bad.header("Authorization", "Bearer bad");
    CHECK(f.call(bad).status() == 401);
    CHECK(f.log.lines.back().actor_type == "anonymous");
  }

  TEST_CASE("service: the client address honours trusted proxies only") {
    Fixture f;
    RequestData via_proxy(Method::kGet, "/items/1");
    via_proxy.peer("10.0.0.1").header("X-Forwarded-For", "203.0.113.9");
    CHECK(contains(f.call(via_proxy).body(), R"("ip":"203.0.113.9")"));
    CHECK(f.log.lines.back().ip == "203.0.113.9");
    RequestData spoofed(Method::kGet, "/items/1");
    spoofed.peer("198.51.100.1").header("X-Forwarded-For", "203.0.113.9");
    CHECK(contains(f.call(spoofed).body(), R"("ip":"198.51.100.1")"));
  }

  TEST_CASE("service: metrics count every answer") {
    Fixture f;
    f.call(RequestData(Method::kGet, "/items/1"));
    f.call(RequestData(Method::kGet, "/items/2"));
    f.call(RequestData(Method::kGet, "/nowhere"));
    const std::string text = f.metrics.render();
    CHECK(contains(
        text,
        "docket_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"200\"} 2\n"));
    CHECK(contains(
        text, "docket_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"));
  }

  TEST_CASE("service: transport rejections use the same contract") {
    Fixture f;
    const Response r =
        f.service->reject(ApiError::payload_too_large(), nullptr, std::chrono::steady_clock::now());
    CHECK(r.status() == 413);
    CHECK(contains(r.body(), R"("errorCode":"PAYLOAD_TOO_LARGE")"));
    CHECK(r.request_id().view().size() == 32);
    CHECK(f.log.lines.back().route == "unmatched");

    RequestData head(Method::kPost, "/items");
    head.header("X-Request-Id", "upload-1");
    const Request view = head.view();
    const Response with_head =
        f.service->reject(ApiError::payload_too_large(), &view, std::chrono::steady_clock::now());
    CHECK(with_head.request_id().view() == "upload-1");
    CHECK(f.log.lines.back().route == "/items");
  }

  TEST_CASE("service: a request target that is not a path is refused") {
    Fixture f;
    CHECK(f.call(RequestData(Method::kGet, "*")).status() == 400);
    CHECK(f.call(RequestData(Method::kGet, "http://host/items/1")).status() == 400);
  }

  TEST_CASE("service: reads wait for the read models to reach the head as they arrived") {
    FencedFixture f;
    f.fence.head_id = 10;
    f.fence.applied_id = 10;
    REQUIRE(f.serve(RequestData(Method::kGet, "/items")));  // caught up: answered at once

    f.fence.head_id = 12;  // acknowledged on durability, not applied yet
    CHECK_FALSE(f.serve(RequestData(Method::kGet, "/items")));
    CHECK_FALSE(f.serve(RequestData(Method::kHead, "/items")));
    CHECK(f.handled == 1);
    // Writes do not wait.
    const auto post = f.serve(RequestData(Method::kPost, "/items"));
    REQUIRE(post);
    CHECK(post->status() == 201);
    CHECK(f.handled == 2);

    f.fence.apply(11);
    f.run_posted();
    CHECK(f.answered.empty());
    f.fence.apply(12);
    f.run_posted();
    REQUIRE(f.answered.size() == 2);
    CHECK(f.answered[0].status() == 200);
    CHECK(f.handled == 4);
  }

  TEST_CASE("service: X-Docket-Min-Event-Id holds any request until that event is applied") {
    FencedFixture f;
    f.fence.head_id = 20;
    f.fence.applied_id = 15;
    RequestData named(Method::kPost, "/items");
    named.header("X-Docket-Min-Event-Id", "18");
    CHECK_FALSE(f.serve(std::move(named)));
    f.fence.apply(18);
    f.run_posted();
    REQUIRE(f.answered.size() == 1);
    CHECK(f.answered[0].status() == 201);

    // Past the head: waits for the head only (nothing later was acknowledged).
    RequestData ahead(Method::kPost, "/items");
    ahead.header("X-Docket-Min-Event-Id", "999999");
    CHECK_FALSE(f.serve(std::move(ahead)));
    f.fence.apply(20);
    f.run_posted();
    CHECK(f.answered.size() == 2);

    for (const char* bad : {"", "abc", "-1", "12345678901234567890", "1.5"}) {
      RequestData malformed(Method::kGet, "/items");
      malformed.header("X-Docket-Min-Event-Id", bad);
      const auto r = f.serve(std::move(malformed));
      REQUIRE_MESSAGE(r, bad);
      CHECK(r->status() == 400);
      CHECK(contains(r->body(), R"("errorCode":"VALIDATION_ERROR")"));
      CHECK(contains(r->body(), "X-Docket-Min-Event-Id"));
    }
  }

  TEST_CASE("service reports a bad route table") {
    Router router;
    router.get("bad", [](RequestContext&) { return Response(); });
    const HttpService service(router);
    CHECK(service.status().IsInvalidArgument());
  }
}

}  // namespace docket::http

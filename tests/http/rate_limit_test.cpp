#include "http/rate_limit.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "http/request.h"
#include "http/request_context.h"
#include "http/router.h"
#include "http/service.h"

namespace docket::http {
namespace {

constexpr UnixMillis kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

RateLimitOptions options(std::vector<std::pair<std::string, RateLimitRule>> groups,
                         RateLimitRule global = {1200, 60}) {
  RateLimitOptions o;
  o.global = global;
  o.groups = std::move(groups);
  return o;
}

std::string ipv4(std::uint32_t n) {
  return std::to_string(n >> 24) + "." + std::to_string((n >> 16) & 0xFF) + "." +
         std::to_string((n >> 8) & 0xFF) + "." + std::to_string(n & 0xFF);
}

Result<Config> load(const std::map<std::string, std::string>& env) {
  return load_config([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("rate limit: a burst of count, then 429 with the wait for one token") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.create", {3, 600}}}), clock);
    const std::uint64_t remaining[] = {2, 1, 0};
    const std::uint64_t reset[] = {200, 400, 600};
    for (int i = 0; i < 3; ++i) {
      CAPTURE(i);
      const RateLimitDecision d = limiter.check("203.0.113.7", "public.create");
      CHECK(d.allowed);
      CHECK(d.report);
      CHECK(d.group == "public.create");
      CHECK(d.limit == 3);
      CHECK(d.window_seconds == 600);
      CHECK(d.remaining == remaining[i]);
      CHECK(d.reset_seconds == reset[i]);
    }
    const RateLimitDecision refused = limiter.check("203.0.113.7", "public.create");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.report);
    CHECK(refused.group == "public.create");
    CHECK(refused.remaining == 0);
    CHECK(refused.retry_after_seconds == 200);
    CHECK(refused.reset_seconds == 600);

    clock.advance(150'500);  // 49.5 s left: rounded up
    CHECK(limiter.check("203.0.113.7", "public.create").retry_after_seconds == 50);
    clock.advance(49'499);  // 1 ms left: at least 1
    CHECK(limiter.check("203.0.113.7", "public.create").retry_after_seconds == 1);
  }

  TEST_CASE("rate limit: buckets refill evenly, up to count") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.lookup", {20, 300}}}), clock);
    for (int i = 0; i < 20; ++i)
      REQUIRE(limiter.check("198.51.100.1", "public.lookup").allowed);
    CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);

    SUBCASE("one token per window/count") {
      clock.advance(14'999);
      CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);
      clock.advance(1);
      const RateLimitDecision d = limiter.check("198.51.100.1", "public.lookup");
      CHECK(d.allowed);
      CHECK(d.remaining == 0);
      CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);
      clock.advance(45'000);
      for (int i = 0; i < 3; ++i)
        CHECK(limiter.check("198.51.100.1", "public.lookup").allowed);
      CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);
    }
    SUBCASE("a long pause refills the burst, never more") {
      clock.advance(3'600'000);
      const RateLimitDecision first = limiter.check("198.51.100.1", "public.lookup");
      CHECK(first.remaining == 19);
      CHECK(first.reset_seconds == 15);
      for (int i = 0; i < 19; ++i)
        CHECK(limiter.check("198.51.100.1", "public.lookup").allowed);
      CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);
    }
    SUBCASE("refused requests draw nothing") {
      for (int i = 0; i < 100; ++i)
        CHECK_FALSE(limiter.check("198.51.100.1", "public.lookup").allowed);
      clock.advance(15'000);
      CHECK(limiter.check("198.51.100.1", "public.lookup").allowed);
    }
  }

  TEST_CASE("rate limit: groups are independent; every request counts globally") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"auth.login", {2, 60}}, {"auth.register", {1, 600}}}, {5, 60}),
                        clock);
    const std::string ip = "192.0.2.10";
    CHECK(limiter.check(ip, "auth.login").allowed);
    CHECK(limiter.check(ip, "auth.login").allowed);
    CHECK_FALSE(limiter.check(ip, "auth.login").allowed);  // drew no global token
    CHECK(limiter.check(ip, "auth.register").allowed);
    CHECK_FALSE(limiter.check(ip, "auth.register").allowed);

    // Ungrouped and unknown groups: global only, and nothing to report while allowed.
    const RateLimitDecision plain = limiter.check(ip, "");
    CHECK(plain.allowed);
    CHECK_FALSE(plain.report);
    CHECK(limiter.check(ip, "no.such.group").allowed);  // the 5th global token

    const RateLimitDecision global = limiter.check(ip, "");
    CHECK_FALSE(global.allowed);
    CHECK(global.group == "global");
    CHECK(global.limit == 5);
    CHECK(global.retry_after_seconds == 12);

    // An empty global bucket refuses grouped routes too.
    clock.advance(60'000);  // every bucket full again
    for (int i = 0; i < 5; ++i)
      REQUIRE(limiter.check(ip, "").allowed);
    const RateLimitDecision grouped = limiter.check(ip, "auth.login");
    CHECK_FALSE(grouped.allowed);
    CHECK(grouped.group == "global");
    clock.advance(12'000);
    const RateLimitDecision after = limiter.check(ip, "auth.login");
    CHECK(after.allowed);
    CHECK(after.remaining == 1);  // the refusal drew no login token
  }

  TEST_CASE("rate limit: the longer wait of two empty buckets is reported") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.create", {1, 600}}}, {1, 60}), clock);
    CHECK(limiter.check("192.0.2.1", "public.create").allowed);
    const RateLimitDecision d = limiter.check("192.0.2.1", "public.create");
    CHECK(d.group == "public.create");
    CHECK(d.retry_after_seconds == 600);
  }

  TEST_CASE("rate limit: addresses are independent; IPv6 counts per /64") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.create", {1, 600}}}), clock);
    CHECK(limiter.check("203.0.113.7", "public.create").allowed);
    CHECK_FALSE(limiter.check("203.0.113.7", "public.create").allowed);
    CHECK(limiter.check("203.0.113.8", "public.create").allowed);
    CHECK_FALSE(limiter.check("::ffff:203.0.113.8", "public.create").allowed);

    CHECK(limiter.check("2001:db8:1:2::1", "public.create").allowed);
    CHECK_FALSE(limiter.check("2001:db8:1:2:ffff::9", "public.create").allowed);
    CHECK(limiter.check("2001:db8:1:3::1", "public.create").allowed);

    // Text that is no address is keyed by itself.
    CHECK(limiter.check("unix-socket", "public.create").allowed);
    CHECK_FALSE(limiter.check("unix-socket", "public.create").allowed);
    CHECK(limiter.check("", "public.create").allowed);
    CHECK(limiter.tracked_clients() == 6);
  }

  TEST_CASE("rate limit: switched off entirely or per limit") {
    ManualClock clock(kStart);
    SUBCASE("enabled = false") {
      RateLimitOptions o = options({{"public.create", {1, 600}}}, {1, 60});
      o.enabled = false;
      RateLimiter limiter(o, clock);
      CHECK_FALSE(limiter.enabled());
      for (int i = 0; i < 100; ++i) {
        const RateLimitDecision d = limiter.check("203.0.113.7", "public.create");
        CHECK(d.allowed);
        CHECK_FALSE(d.report);
      }
      CHECK(limiter.tracked_clients() == 0);
    }
    SUBCASE("count 0 switches one limit off") {
      RateLimiter limiter(
          options({{"public.create", {0, 600}}, {"public.lookup", {1, 60}}}, {0, 60}), clock);
      for (int i = 0; i < 100; ++i)
        CHECK(limiter.check("203.0.113.7", "public.create").allowed);
      CHECK(limiter.tracked_clients() == 0);  // nothing applied, nothing kept
      CHECK(limiter.check("203.0.113.7", "public.lookup").allowed);
      CHECK_FALSE(limiter.check("203.0.113.7", "public.lookup").allowed);
    }
  }

  TEST_CASE("rate limit: configuration") {
    const auto defaults = load({});
    REQUIRE(defaults.ok());
    const RateLimitOptions d = RateLimitOptions::from_config(*defaults);
    CHECK(d.enabled);
    CHECK(d.global.count == 1200);
    CHECK(d.global.seconds == 60);
    CHECK(d.max_clients == 100'000);
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> groups;
    for (const auto& [name, rule] : d.groups)
      groups[name] = {rule.count, rule.seconds};
    CHECK(groups == std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>{
                        {"public.create", {10, 600}},
                        {"public.lookup", {20, 300}},
                        {"public.ticket", {3, 600}},
                        {"support.stats", {30, 60}},
                        {"inquiry.write", {60, 60}},
                        {"inquiry.verify", {10, 600}},
                        {"auth.login", {10, 60}},
                        {"auth.register", {5, 600}}});

    const auto custom = load({{"DOCKET_RATE_LIMIT_ENABLED", "false"},
                              {"DOCKET_RATE_LIMIT_GLOBAL", "6000/60"},
                              {"DOCKET_RATE_LIMIT_LOGIN", "off"},
                              {"DOCKET_RATE_LIMIT_REGISTER", "0/600"},
                              {"DOCKET_RATE_LIMIT_PUBLIC_CREATE", "1/86400"},
                              {"DOCKET_RATE_LIMIT_MAX_CLIENTS", "5000"}});
    REQUIRE(custom.ok());
    CHECK_FALSE(custom->rate_limit_enabled);
    CHECK(custom->rate_limit_global.count == 6000);
    CHECK(custom->rate_limit_login.count == 0);
    CHECK(custom->rate_limit_register.count == 0);
    CHECK(custom->rate_limit_public_create.seconds == 86'400);
    CHECK(custom->rate_limit_max_clients == 5000);

    for (const char* bad : {"3", "3/", "/60", "3/0", "3/86401", "1000001/1", "a/b", "-1/60",
                            "3/60/1", " 3/60", "OFF"}) {
      CAPTURE(bad);
      CHECK_FALSE(load({{"DOCKET_RATE_LIMIT_PUBLIC_LOOKUP", bad}}).ok());
    }
    CHECK_FALSE(load({{"DOCKET_RATE_LIMIT_MAX_CLIENTS", "999"}}).ok());
    CHECK_FALSE(load({{"DOCKET_RATE_LIMIT_ENABLED", "maybe"}}).ok());
  }

  TEST_CASE("rate limit: a clock stepping backwards counts as no time passing") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.create", {3, 600}}}), clock);
    for (int i = 0; i < 3; ++i)
      REQUIRE(limiter.check("203.0.113.7", "public.create").allowed);
    clock.advance(-3'600'000);
    const RateLimitDecision d = limiter.check("203.0.113.7", "public.create");
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after_seconds == 200);  // not 3800
    clock.advance(200'000);
    CHECK(limiter.check("203.0.113.7", "public.create").allowed);
  }

  TEST_CASE("rate limit: memory stays bounded under a million addresses") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.create", {3, 600}}}), clock);
    REQUIRE(limiter.max_clients() == 100'000);
    for (int i = 0; i < 3; ++i)
      REQUIRE(limiter.check("198.51.100.77", "public.create").allowed);

    for (std::uint32_t i = 0; i < 1'000'000; ++i) {
      const RateLimitDecision d = limiter.check(ipv4(0x0A000000u + i), "");
      if (!d.allowed) FAIL("address " << i << " was refused");
    }
    CHECK(limiter.tracked_clients() == 100'000);

    // The flood's buckets are full again within 50 ms; the exhausted client's in 600 s:
    // eviction forgets the flood, not the client.
    CHECK_FALSE(limiter.check("198.51.100.77", "public.create").allowed);

    char ipv6[64];
    for (std::uint32_t i = 0; i < 200'000; ++i) {
      std::snprintf(ipv6, sizeof(ipv6), "2001:db8:%x:%x::1", i >> 16, i & 0xFFFF);
      limiter.check(ipv6, "");
    }
    CHECK(limiter.tracked_clients() == 100'000);
  }

  TEST_CASE("rate limit: a full shard forgets idle addresses first, then the soonest full") {
    ManualClock clock(kStart);
    RateLimitOptions o = options({{"public.create", {3, 600}}});
    o.max_clients = 4;
    o.shards = 1;
    RateLimiter limiter(o, clock);
    for (int i = 0; i < 3; ++i)
      REQUIRE(limiter.check("192.0.2.1", "public.create").allowed);  // A: full in 600 s
    for (const char* ip : {"192.0.2.2", "192.0.2.3", "192.0.2.4"})
      REQUIRE(limiter.check(ip, "").allowed);  // B, C, D: full in 50 ms
    clock.advance(1'000);                      // B, C, D idle
    CHECK(limiter.tracked_clients() == 4);

    // E, F, G replace the idle B, C, D although A is older.
    for (const char* ip : {"192.0.2.5", "192.0.2.6", "192.0.2.7"})
      REQUIRE(limiter.check(ip, "public.create").allowed);
    CHECK(limiter.tracked_clients() == 4);

    // None idle: H replaces the address full again soonest (F), not the oldest (A).
    REQUIRE(limiter.check("192.0.2.5", "public.create").allowed);  // E: full again after F, G
    REQUIRE(limiter.check("192.0.2.8", "").allowed);
    CHECK(limiter.tracked_clients() == 4);
    CHECK_FALSE(limiter.check("192.0.2.1", "public.create").allowed);   // A kept
    CHECK(limiter.check("192.0.2.7", "public.create").remaining == 1);  // G kept
    CHECK(limiter.check("192.0.2.6", "public.create").remaining == 2);  // F forgotten
  }

  TEST_CASE("rate limit: with equal buckets a full shard keeps the most recently seen") {
    // Each address may send once per hour, so "kept" shows as a refusal and "forgotten"
    // as an allowed request; with the clock standing still every kept bucket is full
    // again at the same instant and eviction is plain least-recently-seen. A model list
    // checks the shard's index (probing, deletion) and order over many replacements.
    ManualClock clock(kStart);
    RateLimitOptions o = options({{"g", {1, 3600}}}, {0, 60});
    o.max_clients = 64;
    o.shards = 1;
    RateLimiter limiter(o, clock);
    std::vector<std::string> model;  // most recent first
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (int step = 0; step < 20'000; ++step) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const std::string ip = ipv4(0xC0000200u + static_cast<std::uint32_t>((state >> 33) % 150));
      const auto it = std::find(model.begin(), model.end(), ip);
      const bool kept = it != model.end();
      if (kept) model.erase(it);
      model.insert(model.begin(), ip);
      if (model.size() > 64) model.pop_back();
      const RateLimitDecision d = limiter.check(ip, "g");
      if (d.allowed == kept) FAIL("step " << step << ": " << ip << " kept=" << kept);
    }
    CHECK(limiter.tracked_clients() == 64);
  }

  TEST_CASE("rate limit: concurrent checks never allow more than the bucket holds") {
    ManualClock clock(kStart);
    RateLimiter limiter(options({{"public.lookup", {100, 3600}}}), clock);
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          if (limiter.check("203.0.113.7", "public.lookup").allowed) allowed.fetch_add(1);
          limiter.check(ipv4(0xC6336400u + static_cast<std::uint32_t>(i)), "public.lookup");
        }
      });
    }
    for (std::thread& t : threads)
      t.join();
    CHECK(allowed.load() == 100);
  }

  TEST_CASE("rate limit middleware: the 4th public creation is 429 in the error contract") {
    ManualClock clock(kStart);
    Router router;
    int created = 0;
    RouteMeta create;
    create.name = "inquiries.create";
    create.rate_group = std::string(rate_group::kPublicCreate);
    router.post(
        "/api/support-inquiries",
        [&](RequestContext&) {
          ++created;
          return Response::created([&](JsonWriter& w) { w.value(created); });
        },
        create);
    router.get("/api/ping", [](RequestContext&) { return Response::ok_json("true"); });
    MetricsRegistry metrics;
    ServiceOptions service_options;
    service_options.trusted_proxies = {"10.0.0.1"};
    service_options.metrics = &metrics;
    service_options.access_log = nullptr;
    HttpService service(router, std::move(service_options));
    Config config;
    config.rate_limit_public_create = {3, 600};
    auto limiter = std::make_shared<RateLimiter>(RateLimitOptions::from_config(config), clock);
    service.use(rate_limit_middleware(limiter, &metrics));

    auto post = [&](std::string client) {
      RequestData data(Method::kPost, "/api/support-inquiries");
      data.peer("10.0.0.1").header("X-Forwarded-For", std::move(client));
      data.header("X-Request-Id", "req-" + std::to_string(created));
      return service.handle(data.view(), std::chrono::steady_clock::now());
    };

    const char* remaining[] = {"2", "1", "0"};
    const char* reset[] = {"200", "400", "600"};
    for (int i = 0; i < 3; ++i) {
      CAPTURE(i);
      const Response r = post("203.0.113.7");
      CHECK(r.status() == 201);
      CHECK(r.find_header("RateLimit-Limit") == "3");
      CHECK(r.find_header("RateLimit-Remaining") == remaining[i]);
      CHECK(r.find_header("RateLimit-Reset") == reset[i]);
      CHECK(r.find_header("RateLimit-Policy") == "3;w=600");
      CHECK_FALSE(r.find_header("Retry-After").has_value());
    }

    const Response refused = post("203.0.113.7");
    CHECK(refused.status() == 429);
    CHECK(created == 3);  // the handler did not run
    CHECK(refused.body() == R"({"success":false,"errorCode":"RATE_LIMIT_EXCEEDED",)"
                            R"("message":"Too many requests; retry in 200 seconds","details":null,)"
                            R"("requestId":"req-3"})");
    CHECK(refused.find_header("Retry-After") == "200");
    CHECK(refused.find_header("RateLimit-Limit") == "3");
    CHECK(refused.find_header("RateLimit-Remaining") == "0");
    CHECK(refused.find_header("RateLimit-Reset") == "600");
    CHECK(refused.find_header("RateLimit-Policy") == "3;w=600");
    CHECK(refused.content_type() == kJsonContentType);

    // Another client behind the same proxy has its own bucket.
    CHECK(post("203.0.113.8").status() == 201);
    // Routes without a group carry no RateLimit headers.
    const Response ping = service.handle(RequestData(Method::kGet, "/api/ping").view(),
                                         std::chrono::steady_clock::now());
    CHECK(ping.status() == 200);
    CHECK_FALSE(ping.find_header("RateLimit-Limit").has_value());

    clock.advance(200'000);
    CHECK(post("203.0.113.7").status() == 201);

    const std::string text = metrics.render();
    CHECK(text.find("docket_rate_limit_rejections_total{group=\"public.create\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("docket_rate_limit_rejections_total{group=\"global\"} 0\n") !=
          std::string::npos);
    CHECK(text.find("docket_http_requests_total{route=\"/api/support-inquiries\",method=\"POST\","
                    "status=\"429\"} 1\n") != std::string::npos);
  }

  TEST_CASE("rate limit middleware: switched off, it changes nothing") {
    ManualClock clock(kStart);
    Router router;
    RouteMeta create;
    create.rate_group = std::string(rate_group::kPublicCreate);
    router.post(
        "/api/support-inquiries", [](RequestContext&) { return Response::ok_json("1", 201); },
        create);
    ServiceOptions service_options;
    service_options.access_log = nullptr;
    HttpService service(router, std::move(service_options));
    Config config;
    config.rate_limit_enabled = false;
    service.use(rate_limit_middleware(
        std::make_shared<RateLimiter>(RateLimitOptions::from_config(config), clock)));
    for (int i = 0; i < 20; ++i) {
      const Response r = service.handle(RequestData(Method::kPost, "/api/support-inquiries").view(),
                                        std::chrono::steady_clock::now());
      CHECK(r.status() == 201);
      CHECK_FALSE(r.find_header("RateLimit-Limit").has_value());
    }
  }

  TEST_CASE("response_headers from middleware reach early answers and errors too") {
    Router router;
    router.get("/boom", [](RequestContext&) -> Response { throw ApiError::conflict("no"); });
    ServiceOptions service_options;
    service_options.access_log = nullptr;
    HttpService service(router, std::move(service_options));
    service.use([](RequestContext& ctx) -> std::optional<Response> {
      ctx.response_headers.emplace_back("X-Seen", "1");
      return std::nullopt;
    });
    const Response r =
        service.handle(RequestData(Method::kGet, "/boom").view(), std::chrono::steady_clock::now());
    CHECK(r.status() == 409);
    CHECK(r.find_header("X-Seen") == "1");
  }
}

}  // namespace docket::http

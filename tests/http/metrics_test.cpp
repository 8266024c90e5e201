#include "core/metrics.h"

#include <doctest/doctest.h>

#include <thread>

#include "http/http_metrics.h"
#include "http/request_context.h"
#include "http/router.h"

namespace docket::http {

TEST_SUITE("http") {
  TEST_CASE("counters render in Prometheus text format") {
    MetricsRegistry registry;
    CounterFamily& f = registry.counter("docket_things_total", "Things.\nSecond line", {"kind"});
    f.labels({"a"}).inc();
    f.labels({"a"}).inc(2);
    f.labels({"quote\"back\\slash\nnl"}).inc();
    CHECK(&f.labels({"a"}) == &f.labels({"a"}));
    CHECK(&registry.counter("docket_things_total", "", {"kind"}) == &f);
    CHECK(registry.render() ==
          "# HELP docket_things_total Things.\\nSecond line\n"
          "# TYPE docket_things_total counter\n"
          "docket_things_total{kind=\"a\"} 3\n"
          "docket_things_total{kind=\"quote\\\"back\\\\slash\\nnl\"} 1\n");
  }

  TEST_CASE("a counter without labels") {
    MetricsRegistry registry;
    registry.counter("docket_up", "Up.", {}).labels({}).inc();
    CHECK(registry.render() == "# HELP docket_up Up.\n# TYPE docket_up counter\ndocket_up 1\n");
  }

  TEST_CASE("histograms have cumulative buckets, sum and count") {
    MetricsRegistry registry;
    Histogram& h =
        registry.histogram("docket_latency_seconds", "Latency.", {"route"}, {0.25, 0.5, 1})
            .labels({"/x"});
    h.observe(0.125);
    h.observe(0.25);  // bounds are inclusive (le)
    h.observe(0.75);
    h.observe(3);
    CHECK(h.count() == 4);
    CHECK(h.cumulative(0) == 2);
    CHECK(h.cumulative(2) == 3);
    CHECK(h.cumulative(3) == 4);
    CHECK(registry.render() ==
          "# HELP docket_latency_seconds Latency.\n"
          "# TYPE docket_latency_seconds histogram\n"
          "docket_latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"
          "docket_latency_seconds_bucket{route=\"/x\",le=\"0.5\"} 2\n"
          "docket_latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
          "docket_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
          "docket_latency_seconds_sum{route=\"/x\"} 4.125\n"
          "docket_latency_seconds_count{route=\"/x\"} 4\n");
  }

  TEST_CASE("concurrent updates are not lost") {
    MetricsRegistry registry;
    CounterFamily& f = registry.counter("docket_hits_total", "Hits.", {"t"});
    Histogram& h = registry.histogram("docket_h", "H.", {}, {1}).labels({});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 10000; ++i) {
          f.labels({"x"}).inc();
          h.observe(0.5);
        }
      });
    }
    for (auto& t : threads)
      t.join();
    CHECK(f.labels({"x"}).value() == 40000);
    CHECK(h.count() == 40000);
    CHECK(h.sum() == doctest::Approx(20000.0));
  }

  TEST_CASE("HTTP metrics label by route pattern, method and status") {
    Router router;
    router.get("/items/{id}", [](RequestContext&) { return Response(); });
    MetricsRegistry registry;
    HttpMetrics metrics(registry, router);
    const Route* route = &router.routes()[0];
    metrics.record(route, Method::kGet, 200, 0.002);
    metrics.record(route, Method::kGet, 200, 0.003);
    metrics.record(route, Method::kHead, 200, 0.001);
    metrics.record(route, Method::kGet, 404, 0.001);
    metrics.record(nullptr, Method::kPost, 404, 0.001);
    const std::string text = registry.render();
    CHECK(text.find("docket_http_requests_total{route=\"/items/"
                    "{id}\",method=\"GET\",status=\"200\"} 2\n") != std::string::npos);
    CHECK(text.find("docket_http_requests_total{route=\"/items/"
                    "{id}\",method=\"HEAD\",status=\"200\"} 1\n") != std::string::npos);
    CHECK(text.find("docket_http_requests_total{route=\"/items/"
                    "{id}\",method=\"GET\",status=\"404\"} 1\n") != std::string::npos);
    CHECK(
        text.find(
            "docket_http_requests_total{route=\"unmatched\",method=\"POST\",status=\"404\"} 1\n") !=
        std::string::npos);
    CHECK(text.find("docket_http_request_duration_seconds_count{route=\"/items/{id}\"} 4\n") !=
          std::string::npos);
    CHECK(text.find("docket_http_request_duration_seconds_bucket{route=\"/items/"
                    "{id}\",le=\"0.0025\"} 3\n") != std::string::npos);
  }

  TEST_CASE("HTTP metrics stay exact beyond the lock-free cache") {
    Router router;
    router.get("/x", [](RequestContext&) { return Response(); });
    MetricsRegistry registry;
    HttpMetrics metrics(registry, router);
    // More (method, status) combinations than the per-route cache holds.
    for (int status = 200; status < 260; ++status) {
      metrics.record(&router.routes()[0], Method::kGet, status, 0.001);
      metrics.record(&router.routes()[0], Method::kGet, status, 0.001);
    }
    const std::string text = registry.render();
    CHECK(text.find("status=\"200\"} 2\n") != std::string::npos);
    CHECK(text.find("status=\"259\"} 2\n") != std::string::npos);
  }
}

}  // namespace docket::http

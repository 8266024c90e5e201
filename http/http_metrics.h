// HttpMetrics: the per-request series of the HTTP layer.
//
//   docket_http_requests_total{route,method,status}      counter
//   docket_http_request_duration_seconds{route}          histogram (default buckets)
//
// `route` is the route pattern ("/api/support-inquiries/{id}") or "unmatched", never the
// raw path, so cardinality stays bounded by the route table. After the first request of
// each (route, method, status) combination, record() takes no lock: each route keeps a
// small append-only table of the counters it has seen. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "http/method.h"

namespace docket::http {

class Router;
struct Route;

class HttpMetrics {
 public:
  // REQUIRES: `registry` and `router` outlive this object; the router's table is final.
  HttpMetrics(MetricsRegistry& registry, const Router& router);
  ~HttpMetrics();

  // Records one finished request. `route` is null for requests that matched no route.
  void record(const Route* route, Method method, int status, double seconds);

 private:
  static constexpr std::size_t kCachedCounters = 32;

  struct Slot {
    std::string label;
    Histogram* duration = nullptr;
    // Entries fill in order and are never removed. Invariant: when keys[i] != 0 (read
    // with acquire) counters[i] is set; the writer holds `mu` and stores the key last.
    std::array<std::atomic<std::uint32_t>, kCachedCounters> keys{};
    std::array<Counter*, kCachedCounters> counters{};
    std::mutex mu;
  };

  Counter& counter(Slot& slot, Method method, int status);

  CounterFamily& requests_;
  HistogramFamily& durations_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one per route, then "unmatched"
};

}  // namespace docket::http

#include "http/http_metrics.h"

#include <string_view>

#include "http/router.h"

namespace docket::http {

HttpMetrics::HttpMetrics(MetricsRegistry& registry, const Router& router)
    : requests_(registry.counter("docket_http_requests_total",
                                 "HTTP requests answered, by route pattern, method and status.",
                                 {"route", "method", "status"})),
      durations_(registry.histogram(
          "docket_http_request_duration_seconds",
          "Time from a request head being read to its response being ready, by route pattern.",
          {"route"}, default_latency_buckets())) {
  for (const Route& route : router.routes()) {
    auto slot = std::make_unique<Slot>();
    slot->label = route.pattern;
    slots_.push_back(std::move(slot));
  }
  auto unmatched = std::make_unique<Slot>();
  unmatched->label = "unmatched";
  slots_.push_back(std::move(unmatched));
  for (auto& slot : slots_)
    slot->duration = &durations_.labels({slot->label});
}

HttpMetrics::~HttpMetrics() = default;

Counter& HttpMetrics::counter(Slot& slot, Method method, int status) {
  const std::uint32_t key =
      (static_cast<std::uint32_t>(method) << 16) | static_cast<std::uint32_t>(status & 0xFFFF);
  for (std::size_t i = 0; i < kCachedCounters; ++i) {
    const std::uint32_t k = slot.keys[i].load(std::memory_order_acquire);
    if (k == key) return *slot.counters[i];
    if (k == 0) break;
  }
  const std::string status_text = std::to_string(status);
  Counter& c = requests_.labels({slot.label, method_name(method), status_text});
  std::lock_guard lock(slot.mu);
  for (std::size_t i = 0; i < kCachedCounters; ++i) {
    const std::uint32_t k = slot.keys[i].load(std::memory_order_relaxed);
    if (k == key) return c;
    if (k == 0) {
      slot.counters[i] = &c;
      slot.keys[i].store(key, std::memory_order_release);
      return c;
    }
  }
  return c;  // table full: this combination keeps taking the family lock
}

void HttpMetrics::record(const Route* route, Method method, int status, double seconds) {
  Slot& slot =
      route != nullptr && route->index < slots_.size() - 1 ? *slots_[route->index] : *slots_.back();
  counter(slot, method, status).inc();
  slot.duration->observe(seconds);
}

}  // namespace docket::http

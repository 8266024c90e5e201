// Operations routes: liveness, readiness, health and Prometheus metrics.
//
//   GET /healthz              200 {"success":true,"data":{"status":"ok"}} while the process serves
//   GET /readyz               200 when the log is open and every read model is caught up
//                             (state ready, lag 0); otherwise 503 SERVICE_UNAVAILABLE
//   GET /api/support/health   the log head, epoch and each read model's state
//   GET /metrics              Prometheus text: HTTP series plus log and projection gauges
//
// REQUIRES: `store`, `engine` and `metrics` outlive the router the routes are added to.
#pragma once

#include <functional>
#include <string>

namespace docket::events {
class EventStore;
}
namespace docket::projections {
class ProjectionEngine;
}

namespace docket::http {

class MetricsRegistry;
class Router;

// Text appended to /metrics at scrape time by parts outside http/ (the mail outbox).
using MetricsAppender = std::function<void(std::string& out)>;

void add_operations_routes(Router& router, const events::EventStore& store,
                           const projections::ProjectionEngine& engine,
                           const MetricsRegistry& metrics, MetricsAppender append = {});

}  // namespace docket::http

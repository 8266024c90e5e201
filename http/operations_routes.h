// Operations routes: liveness, readiness, health and Prometheus metrics.
//
//   GET /healthz              200 {"success":true,"data":{"status":"ok"}} while the process serves
//   GET /readyz               200 when the log is open and every read model is caught up
//                             (state ready, lag 0); otherwise 503 SERVICE_UNAVAILABLE
//   GET /api/support/health   the log head, epoch and each read model's state
//   GET /metrics              Prometheus text: every family of the registry (each component
//                             registers its own)
//
// REQUIRES: `store`, `engine` and `metrics` outlive the router the routes are added to.
#pragma once

#include "http/shape.h"
#include "projections/projection_status.h"

namespace docket {
class MetricsRegistry;
}
namespace docket::events {
class EventStore;
}
namespace docket::projections {
class ProjectionEngine;
}  // namespace docket::projections

namespace docket::http {

class Router;

// A read model's status as the health and projection routes show it.
const Shape<projections::ProjectionStatus>& projection_status_shape();

void add_operations_routes(Router& router, const events::EventStore& store,
                           const projections::ProjectionEngine& engine,
                           const MetricsRegistry& metrics);

}  // namespace docket::http

#include "http/operations_routes.h"

#include "core/api_error.h"
#include "core/error_codes.h"
#include "core/json_writer.h"
#include "core/metrics.h"
#include "events/event_store.h"
#include "http/response.h"
#include "http/route_kit.h"
#include "http/router.h"
#include "projections/projection_engine.h"
#include "projections/projection_status.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Operations";

struct Probe {
  std::string status;
  std::optional<std::uint64_t> head;
};

const Shape<Probe>& liveness_shape() {
  static const Shape<Probe> shape = [] {
    Shape<Probe> s;
    s.field("status", &Probe::status, {.values = {"ok"}});
    return s;
  }();
  return shape;
}

const Shape<Probe>& readiness_shape() {
  static const Shape<Probe> shape = [] {
    Shape<Probe> s;
    s.field("status", &Probe::status, {.values = {"ready"}})
        .field("head", &Probe::head, {.description = "The last durable eventId"});
    return s;
  }();
  return shape;
}

struct Health {
  std::string status;
  std::uint64_t head = 0;
  std::string logEpoch;
  std::vector<projections::ProjectionStatus> projections;
};

const Shape<Health>& health_shape() {
  static const Shape<Health> shape = [] {
    Shape<Health> s;
    s.field("status", &Health::status, {.values = {"ok", "degraded"}})
        .computed("log",
                  R"({"type":"object","required":["head","logEpoch"],"properties":{)"
                  R"("head":{"type":"integer"},"logEpoch":{"type":"string"}}})",
                  [](JsonWriter& w, const Health& h) {
                    w.begin_object().field("head", h.head).field("logEpoch", h.logEpoch);
                    w.end_object();
                  })
        .array("projections", &Health::projections, projection_status_shape());
    return s;
  }();
  return shape;
}

bool all_caught_up(const std::vector<projections::ProjectionStatus>& statuses) {
  for (const auto& st : statuses) {
    if (st.state != projections::ProjectionState::kReady || st.lag != 0) return false;
  }
  return true;
}

}  // namespace

const Shape<projections::ProjectionStatus>& projection_status_shape() {
  static const Shape<projections::ProjectionStatus> shape = [] {
    using P = projections::ProjectionStatus;
    Shape<P> s;
    s.field("name", &P::name)
        .field("schemaVersion", &P::schemaVersion)
        .field("checkpoint", &P::checkpoint)
        .field("head", &P::head)
        .field("lag", &P::lag)
        .computed("state",
                  R"({"type":"string","enum":["ready","catching_up","rebuilding","failed"]})",
                  [](JsonWriter& w, const P& p) { w.value(projections::state_name(p.state)); })
        .field("lastError", &P::lastError);
    return s;
  }();
  return shape;
}

void add_operations_routes(Router& router, const events::EventStore& store,
                           const projections::ProjectionEngine& engine,
                           const MetricsRegistry& metrics) {
  RouteMeta live = route_meta("ops.healthz", kTag, "Liveness probe", Access::kPublic);
  live.response = schema_of(liveness_shape());
  live.fenced = false;
  router.get(
      "/healthz",
      [](RequestContext&) {
        return answer(liveness_shape(), Probe{"ok", {}});
      },
      std::move(live));

  RouteMeta ready = route_meta("ops.readyz", kTag,
                               "Readiness probe: log open and taking writes, read models caught "
                               "up (503 while they catch up, or STORAGE_UNAVAILABLE)",
                               Access::kPublic);
  ready.response = schema_of(readiness_shape());
  ready.fenced = false;
  ready.errors = {{503, error_code::kStorageUnavailable}};
  router.get(
      "/readyz",
      [&store, &engine](RequestContext&) -> Response {
        if (!store.write_failure().ok()) {
          return ApiError(503, error_code::kStorageUnavailable,
                          "The event log cannot take writes; the server restarts once its disk "
                          "has room");
        }
        if (!all_caught_up(engine.status())) {
          return ApiError::service_unavailable("Read models are catching up with the log");
        }
        return answer(readiness_shape(), Probe{"ready", store.head()});
      },
      std::move(ready));

  RouteMeta health =
      route_meta("ops.health", kTag, "Health of the log and the read models", Access::kPublic);
  health.response = schema_of(health_shape());
  health.fenced = false;
  router.get(
      "/api/support/health",
      [&store, &engine](RequestContext&) {
        Health h;
        h.projections = engine.status();
        h.status = all_caught_up(h.projections) ? "ok" : "degraded";
        h.head = store.head();
        h.logEpoch = store.log_epoch();
        return answer(health_shape(), h);
      },
      std::move(health));

  router.get("/metrics",
             [&metrics](RequestContext&) {
               return Response::raw(200, std::string(kPrometheusContentType), metrics.render());
             },
             {.name = "ops.metrics",
              .tag = std::string(kTag),
              .summary = "Prometheus metrics",
              .fenced = false});
}

}  // namespace docket::http

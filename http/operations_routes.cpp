#include "http/operations_routes.h"

#include <fmt/format.h>

#include "core/json_writer.h"
#include "events/event_store.h"
#include "http/api_error.h"
#include "http/metrics.h"
#include "http/response.h"
#include "http/router.h"
#include "projections/projection_engine.h"
#include "projections/projection_status.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Operations";

bool all_caught_up(const std::vector<projections::ProjectionStatus>& statuses) {
  for (const auto& st : statuses) {
    if (st.state != projections::ProjectionState::kReady || st.lag != 0) return false;
  }
  return true;
}

// Gauges read at scrape time from the store and the engine, appended after the
// registry's own series.
void append_log_metrics(std::string& out, const events::EventStore& store,
                        const projections::ProjectionEngine& engine) {
  const events::StoreStats s = store.stats();
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "# HELP docket_log_head_event_id The last durable eventId.\n"
                 "# TYPE docket_log_head_event_id gauge\n"
                 "docket_log_head_event_id {}\n"
                 "# HELP docket_log_events_appended_total Events appended since start.\n"
                 "# TYPE docket_log_events_appended_total counter\n"
                 "docket_log_events_appended_total {}\n"
                 "# HELP docket_log_groups_total Group commits written since start.\n"
                 "# TYPE docket_log_groups_total counter\n"
                 "docket_log_groups_total {}\n"
                 "# HELP docket_log_commands_rejected_total Commands rejected by validation "
                 "(version conflicts, taken unique keys) since start.\n"
                 "# TYPE docket_log_commands_rejected_total counter\n"
                 "docket_log_commands_rejected_total {}\n"
                 "# HELP docket_log_last_group_commands Commands in the latest group.\n"
                 "# TYPE docket_log_last_group_commands gauge\n"
                 "docket_log_last_group_commands {}\n"
                 "# HELP docket_log_last_write_seconds Duration of the latest group write "
                 "(WAL write and fsync).\n"
                 "# TYPE docket_log_last_write_seconds gauge\n"
                 "docket_log_last_write_seconds {}\n"
                 "# HELP docket_log_disk_bytes Approximate size of the log on disk.\n"
                 "# TYPE docket_log_disk_bytes gauge\n"
                 "docket_log_disk_bytes {}\n",
                 s.head, s.events_appended, s.groups, s.commands_rejected, s.last_group_commands,
                 s.last_fsync_ms / 1000.0, store.disk_bytes());
  const auto statuses = engine.status();
  out +=
      "# HELP docket_projection_lag_events Events in the log not yet applied to the read "
      "model.\n# TYPE docket_projection_lag_events gauge\n";
  for (const auto& st : statuses) {
    fmt::format_to(it, "docket_projection_lag_events{{projection=\"{}\"}} {}\n", st.name, st.lag);
  }
  out +=
      "# HELP docket_projection_checkpoint_event_id The last eventId applied to the read "
      "model.\n# TYPE docket_projection_checkpoint_event_id gauge\n";
  for (const auto& st : statuses) {
    fmt::format_to(it, "docket_projection_checkpoint_event_id{{projection=\"{}\"}} {}\n", st.name,
                   st.checkpoint);
  }
}

}  // namespace

void add_operations_routes(Router& router, const events::EventStore& store,
                           const projections::ProjectionEngine& engine,
                           const MetricsRegistry& metrics, MetricsAppender append) {
  router.get("/healthz",
             [](RequestContext&) {
               return Response::ok(
                   [](JsonWriter& w) { w.begin_object().field("status", "ok").end_object(); });
             },
             {.name = "ops.healthz", .tag = std::string(kTag), .summary = "Liveness probe"});

  router.get("/readyz",
             [&store, &engine](RequestContext&) -> Response {
               const auto statuses = engine.status();
               if (!all_caught_up(statuses)) {
                 return ApiError::service_unavailable("Read models are catching up with the log");
               }
               return Response::ok([&](JsonWriter& w) {
                 w.begin_object().field("status", "ready").field("head", store.head()).end_object();
               });
             },
             {.name = "ops.readyz",
              .tag = std::string(kTag),
              .summary = "Readiness probe: log open and read models caught up"});

  router.get("/api/support/health",
             [&store, &engine](RequestContext&) {
               const auto statuses = engine.status();
               return Response::ok([&](JsonWriter& w) {
                 w.begin_object();
                 w.field("status", all_caught_up(statuses) ? "ok" : "degraded");
                 w.key("log").begin_object();
                 w.field("head", store.head()).field("logEpoch", store.log_epoch());
                 w.end_object();
                 w.key("projections").begin_array();
                 for (const auto& st : statuses)
                   projections::write_status_json(w, st);
                 w.end_array();
                 w.end_object();
               });
             },
             {.name = "ops.health",
              .tag = std::string(kTag),
              .summary = "Health of the log and the read models"});

  router.get("/metrics",
             [&store, &engine, &metrics, append = std::move(append)](RequestContext&) {
               std::string body = metrics.render();
               append_log_metrics(body, store, engine);
               if (append) append(body);
               return Response::raw(200, std::string(kPrometheusContentType), std::move(body));
             },
             {.name = "ops.metrics", .tag = std::string(kTag), .summary = "Prometheus metrics"});
}

}  // namespace docket::http

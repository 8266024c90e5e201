#include "http/access_log.h"

#include <cmath>

#include "core/log.h"

namespace docket::http {

void write_access_log_fields(JsonWriter& w, const AccessLogRecord& r) {
  w.field("requestId", r.request_id);
  w.field("method", r.method);
  w.field("route", r.route);
  w.field("status", r.status);
  // Microsecond resolution is plenty and keeps lines short.
  w.field("durationMs", std::round(r.duration_ms * 1000.0) / 1000.0);
  w.field("actorType", r.actor_type);
  w.key("actorId");
  if (r.actor_id.empty()) {
    w.null();
  } else {
    w.value(r.actor_id);
  }
  w.field("ip", r.client_ip);
  w.key("bytes");
  if (r.streamed) {
    w.null();
  } else {
    w.value(static_cast<std::uint64_t>(r.response_bytes));
  }
}

void log_access(const AccessLogRecord& record) {
  if (log_level() > LogLevel::kInfo) return;
  log_info("http.request", [&record](JsonWriter& w) { write_access_log_fields(w, record); });
}

}  // namespace docket::http

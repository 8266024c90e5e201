// The access log: one structured line per answered request.
//
//   {"time":"…","level":"info","msg":"http.request","requestId":"…","method":"GET",
//    "route":"/api/support-inquiries/{id}","status":200,"durationMs":0.412,
//    "actorType":"anonymous","actorId":null,"ip":"203.0.113.7","bytes":187}
//
// The route is the pattern, never the raw path or query string, and no header or body
// is logged, so ids in paths, tokens in query strings and Authorization values never
// reach the log.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "core/json_writer.h"

namespace docket::http {

// Every view is valid only for the duration of the sink call.
struct AccessLogRecord {
  std::string_view request_id;
  std::string_view method;  // method_name(): a fixed set, "OTHER" for unknown methods
  std::string_view route;   // pattern, or "unmatched"
  int status = 0;
  double duration_ms = 0;
  std::string_view actor_type;
  std::string_view actor_id;  // empty: anonymous
  std::string_view client_ip;
  std::size_t response_bytes = 0;
  // A streamed body (Response::stream): its length is not known when the record is
  // written, so "bytes" is null; the server logs "http.stream_end" with the length.
  bool streamed = false;
};

// Adds the record's fields to an open JSON object.
void write_access_log_fields(JsonWriter& w, const AccessLogRecord& record);

// Receives each record; called on the IO thread that served the request, so it must be
// thread-safe and quick.
using AccessLogSink = std::function<void(const AccessLogRecord&)>;

// The default sink: log_info("http.request", …) through core/log.h. Skips all work when
// the log level is above info.
void log_access(const AccessLogRecord& record);

}  // namespace docket::http

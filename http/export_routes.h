// Streamed bulk exports (docs/analytics.md, "Exports"):
//
//   GET /api/admin/analytics/items          Analytics_READ: one row per support request
//                                           and inquiry created in the range, with its
//                                           analytics fields; CSV (default) or JSON Lines
//   GET /api/admin/export/conversations     Data_EXPORT: every support request and
//                                           inquiry created in the range with its
//                                           messages; JSON Lines (default; one
//                                           conversation per line) or CSV (one message
//                                           per row)
//
// Both take from, to and tz as the reports do (http/report_range.h) and are sent as
// they are read (Response::stream): memory stays bounded by one piece whatever the
// export's length.
#pragma once

#include "http/api_context.h"
#include "http/router.h"

namespace docket::http {

// REQUIRES: `api` outlives the router.
void add_export_routes(Router& router, ApiContext& api);

}  // namespace docket::http

// SLA configuration (docs/sla.md), permission Operations_MANAGE:
//
//   GET    /api/admin/sla/calendars        every calendar (24x7 is calendarId null)
//   POST   /api/admin/sla/calendars        {name, timezone, weekly, holidays?}
//   GET    /api/admin/sla/calendars/{id}
//   PATCH  /api/admin/sla/calendars/{id}   any of the fields
//   DELETE /api/admin/sla/calendars/{id}   409 SLA_CALENDAR_IN_USE while a policy uses it
//   GET    /api/admin/sla/policies         every policy
//   POST   /api/admin/sla/policies         {name, calendarId, appliesTo, categories?,
//                                           targets, pauseStatuses?}
//   GET    /api/admin/sla/policies/{id}
//   PATCH  /api/admin/sla/policies/{id}    any of the fields
//
// And the `sla` object the request and inquiry responses carry (sla_shape).
#pragma once

#include <cstdint>

#include "http/shape.h"
#include "projections/sla_query.h"

namespace docket::http {

class Router;
struct ApiContext;

// {policyId, policyVersion, firstResponseDueAt, resolutionDueAt, nextResponseDueAt,
// firstResponseStatus, resolutionStatus, nextResponseStatus, paused, breaches}.
const Shape<projections::SlaView>& sla_shape();

// Fills row.sla from row.slaClock as of `now_ms` (rows of requests and inquiries).
template <typename Row>
void stamp_sla(Row& row, std::int64_t now_ms) {
  if (row.slaClock) row.sla = projections::sla_view(*row.slaClock, now_ms);
}

// REQUIRES: `api` outlives the router.
void add_sla_routes(Router& router, ApiContext& api);

}  // namespace docket::http

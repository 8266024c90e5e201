// Analytics reports (docs/analytics.md), staff with Analytics_READ:
//
//   GET /api/admin/analytics/overview   created, resolved, reopened, backlog; first
//                                       response and resolution times (avg, p50, p90;
//                                       wall and business); SLA compliance; CSAT; by channel
//   GET /api/admin/analytics/volume     created and resolved per day, week, category,
//                                       priority, channel or journey
//   GET /api/admin/analytics/agents     per agent: assignments, resolutions, times, SLA,
//                                       CSAT, load now
//   GET /api/admin/analytics/queue      waiting times and the queue's depth over time
//
// Each takes from, to (local dates, both included; default the last 30 days), tz (an
// IANA zone; default UTC) and format=json|csv. They read the analytics projection's
// aggregates (projections/analytics_query.h).
#pragma once

#include "http/api_context.h"
#include "http/router.h"

namespace docket::http {

// REQUIRES: `api` outlives the router.
void add_analytics_routes(Router& router, ApiContext& api);

}  // namespace docket::http

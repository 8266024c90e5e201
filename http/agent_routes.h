// Agents and the work queue (docs/agents-and-queue.md):
//
//   GET   /api/agents/me                 staff          the caller's agent profile
//   PATCH /api/agents/me/status          staff          {status}
//   GET   /api/admin/agents              Agents_MANAGE  every agent with load and metrics
//   GET   /api/admin/agents/{id}         Agents_MANAGE
//   PATCH /api/admin/agents/{id}         Agents_MANAGE  {maxOpenItems?, skills?, shift?, status?}
//   GET   /api/admin/queue               SupportRequests_READ  waiting items in queue order
//   GET   /api/admin/queue/stats         SupportRequests_READ  depth per priority/category
//   POST  /api/admin/queue/take          staff          {supportRequestId} | {supportInquiryId} |
//   {}
#pragma once

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` outlives the router.
void add_agent_routes(Router& router, ApiContext& api);

}  // namespace docket::http

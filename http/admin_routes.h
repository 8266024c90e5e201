// Operator and auditor routes under /api/admin:
//   GET  /api/admin/events                      Audit_READ        the log, paged by eventId
//   GET  /api/admin/projections                 Operations_MANAGE read model status
//   POST /api/admin/projections/{name}/rebuild  Operations_MANAGE rebuild online (202)
// Contracts in docs/http.md and the OpenAPI document.
#pragma once

namespace docket::projections {
class RebuildJobs;
}

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` and `jobs` outlive the router.
void add_admin_routes(Router& router, ApiContext& api, projections::RebuildJobs& jobs);

}  // namespace docket::http

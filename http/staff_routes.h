// Staff management under /api/admin/staff, guarded by Staff_MANAGE: create, list, read,
// change role and permissions, deactivate and reactivate. Contracts in docs/http.md and
// the OpenAPI document.
#pragma once

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` outlives the router.
void add_staff_routes(Router& router, ApiContext& api);

}  // namespace docket::http

// Support request routes: the customer's own tickets under /api/mobile/support-requests
// (customer JWT) and the staff workflow under /api/admin/support-requests
// (SupportRequests_READ / SupportRequests_UPDATE). Contracts in docs/support-requests.md
// and the OpenAPI document.
#pragma once

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` outlives the router.
void add_support_request_routes(Router& router, ApiContext& api);

}  // namespace docket::http

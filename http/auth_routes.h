// Routes of the Auth tag: POST /api/auth/register, POST /api/auth/login,
// GET /api/auth/me. Contracts in docs/http.md and the OpenAPI document.
#pragma once

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` outlives the router.
void add_auth_routes(Router& router, ApiContext& api);

}  // namespace docket::http

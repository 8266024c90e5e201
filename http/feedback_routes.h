// Feedback (seed 000 §6.3): customers submit one-way app feedback under
// /api/mobile/feedback; staff list, open and mark it reviewed under /api/admin/feedback
// (Feedback_READ, Feedback_UPDATE). Contracts in docs/http.md and the OpenAPI document.
#pragma once

namespace docket::http {

class Router;
struct ApiContext;

// REQUIRES: `api` outlives the router.
void add_feedback_routes(Router& router, ApiContext& api);

}  // namespace docket::http

// Intake journey routes (docs/journeys.md): the admin's journeys and definition versions
// under /api/admin/journeys (Operations_MANAGE), and the customers' and guests' side
// under /api/journeys — the active journeys, a journey's graph, evaluating answers and
// submitting them, which creates the end node's support request or inquiry.
#pragma once

#include <string_view>

#include "http/api_context.h"
#include "http/router.h"
#include "http/support_inquiry_routes.h"

namespace docket::http {

// The schema of the `journey` member of request and inquiry details.
inline constexpr std::string_view kJourneyRunSchema =
    R"({"type":["object","null"],"properties":{"id":{"type":"integer"},)"
    R"("version":{"type":"integer"},"answers":{"type":"object","description":)"
    R"("nodeId: the answer as given, a string or a list of strings"}}})";

// REQUIRES: `api` outlives the router. `inquiries`: the guest token lifetime and the
// greeting of the inquiries a journey creates.
void add_journey_routes(Router& router, ApiContext& api, InquiryOptions inquiries);

}  // namespace docket::http

// Seed 001's public ticket API, as the sites built against it call it (docs/http.md,
// "Seed 001's ticket API"; decision 0029):
//
//   POST /api/support/ticket  seed 001's CreateSupportTicketRequest; a signed-in customer
//                             files a support request, anyone else a form ticket (a
//                             guest inquiry with a SUP number and its access token);
//                             answers in seed 001's response shape
//   GET  /api/support/stats   Analytics_READ: seed 001's statistics (status totals,
//                             priority distribution, subject breakdown, average
//                             response time, resolved per day)
//
// The lookup (GET /api/support/ticket/{code}) is with the inquiry routes, and
// GET /api/support/health with the operations routes.
#pragma once

#include "http/api_context.h"
#include "http/router.h"
#include "http/support_inquiry_routes.h"

namespace docket::http {

// REQUIRES: `api` outlives the router. `inquiries`: the guest token lifetime and the
// greeting of the form tickets.
void add_support_ticket_routes(Router& router, ApiContext& api, InquiryOptions inquiries);

}  // namespace docket::http

// Support inquiry routes (seed 000 §2–§9, §11–§12, §16): the website chat under
// /api/support-inquiries (optional auth: a customer JWT or a guest's `Bearer si_…`),
// the staff workflow under /api/admin/support-inquiries (SupportInquiries_READ /
// SupportInquiries_UPDATE) and the public status lookup /api/support/ticket/{code}.
// Contracts in docs/support-inquiries.md and the OpenAPI document.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "projections/authenticator.h"

namespace docket::http {

class Router;
struct ApiContext;

struct InquiryOptions {
  UnixMillis token_ttl_ms = 30LL * 86'400'000;        // guest token lifetime from creation
  UnixMillis otp_ttl_ms = 600'000;                    // one-time code lifetime
  int otp_max_attempts = 5;                           // wrong codes per requested code
  std::string greeting = "Thanks for reaching out!";  // the system greeting message
};

// REQUIRES: `api` outlives the router.
void add_support_inquiry_routes(Router& router, ApiContext& api, InquiryOptions options);

// Resolves a guest token through the token read model: the inquiry it grants, or nullopt
// when it is unknown, revoked or expired. REQUIRES: `api` outlives the resolver.
projections::GuestTokenResolver make_guest_token_resolver(ApiContext& api);

}  // namespace docket::http

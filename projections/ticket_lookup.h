// TicketLookup: the public status lookup of seed 001 (`GET /api/support/ticket/{code}`).
//
// A reference is an inquiry tracking code (INQ-XXXXXX) or a support request ticket number
// (SUP-YYYY-NNNNNN). It is found only together with the e-mail it was filed under: an
// inquiry's guest e-mail or its customer's account e-mail; a support request's
// customer's account e-mail. Nothing says which half was wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace docket::projections {

class Database;

struct TicketStatus {
  std::string reference;
  std::string kind;  // "inquiry" or "support_request"
  std::string status;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> closedAt;    // inquiries: when closed or marked spam
  std::optional<std::string> resolvedAt;  // support requests: when last resolved
};

// nullopt when no reference of that kind matches with that (normalized) e-mail.
// REQUIRES: `db` has support_inquiries, support_requests and accounts attached.
Result<std::optional<TicketStatus>> lookup_ticket(Database& db, std::string_view reference,
                                                  std::string_view email);

}  // namespace docket::projections

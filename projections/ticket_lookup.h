// TicketLookup: the public status lookup of seed 001 (`GET /api/support/ticket/{code}`).
//
// A reference is an inquiry tracking code (INQ-XXXXXX) or a ticket number
// (SUP-YYYY-NNNNNN) — a support request's, or a form ticket's (an inquiry opened through
// seed 001's form, which takes a number from the same sequence). Ticket numbers are
// sequential, so the reference alone shows nothing personal: status, priority and
// timestamps. The subject and category are shown only when the e-mail the ticket was
// filed under is given too (an inquiry's guest e-mail or its customer's account e-mail;
// a support request's customer's account e-mail); a wrong e-mail gets the same answer as
// none, so nothing says which half was wrong.
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
  std::string priority;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> closedAt;    // inquiries: when closed or marked spam
  std::optional<std::string> resolvedAt;  // support requests: when last resolved
  bool emailMatched = false;              // the e-mail given is the ticket's
  std::optional<std::string> subject;     // emailMatched only
  std::optional<std::string> category;    // emailMatched only
};

// nullopt when no ticket has that reference. `email`: normalized, or empty for none.
// REQUIRES: `db` has support_inquiries, support_requests and accounts attached.
Result<std::optional<TicketStatus>> lookup_ticket(Database& db, std::string_view reference,
                                                  std::string_view email);

}  // namespace docket::projections

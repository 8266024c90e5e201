#include "projections/ticket_lookup.h"

#include "projections/sqlite.h"

namespace docket::projections {

Result<std::optional<TicketStatus>> lookup_ticket(Database& db, std::string_view reference,
                                                  std::string_view email) {
  const bool inquiry = reference.starts_with("INQ-");
  // Both queries find the row by its unique reference first, then compare the e-mail.
  Result<CachedStatement> st =
      inquiry ? db.cached(
                    "SELECT i.status, i.created_at, i.updated_at, i.closed_at, NULL "
                    "FROM support_inquiries.inquiries i "
                    "LEFT JOIN accounts.accounts a ON a.id = i.customer_id "
                    "WHERE i.tracking_code = ?1 AND (i.guest_email = ?2 OR a.email = ?2)")
              : db.cached(
                    "SELECT r.status, r.created_at, r.updated_at, NULL, r.resolved_at "
                    "FROM support_requests.requests r "
                    "JOIN accounts.accounts a ON a.id = r.customer_id "
                    "WHERE r.ticket_number = ?1 AND a.email = ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, reference); !s.ok()) return s;
  if (Status s = (*st)->bind(2, email); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<TicketStatus>{};
  const Statement& r = **st;
  TicketStatus t{std::string(reference),        inquiry ? "inquiry" : "support_request",
                 std::string(r.column_text(0)), std::string(r.column_text(1)),
                 std::string(r.column_text(2)), r.column_optional_text(3),
                 r.column_optional_text(4)};
  (*st)->reset();
  return std::optional<TicketStatus>(std::move(t));
}

}  // namespace docket::projections

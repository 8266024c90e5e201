#include "projections/ticket_lookup.h"

#include "projections/sqlite.h"

namespace docket::projections {

Result<std::optional<TicketStatus>> lookup_ticket(Database& db, std::string_view reference,
                                                  std::string_view email) {
  const bool tracking = reference.starts_with("INQ-");
  // Each query finds the row by its unique reference; the e-mail only decides whether
  // the personal columns are shown.
  Result<CachedStatement> st =
      tracking ? db.cached(
                     "SELECT 'inquiry', i.status, i.priority, i.created_at, i.updated_at, "
                     "i.closed_at, NULL, (i.guest_email = ?2 OR a.email = ?2), i.subject, "
                     "i.category FROM support_inquiries.inquiries i "
                     "LEFT JOIN accounts.accounts a ON a.id = i.customer_id "
                     "WHERE i.tracking_code = ?1")
               : db.cached(
                     "SELECT 'support_request', r.status, r.priority, r.created_at, "
                     "r.updated_at, NULL, r.resolved_at, a.email = ?2, r.subject, r.category "
                     "FROM support_requests.requests r "
                     "JOIN accounts.accounts a ON a.id = r.customer_id "
                     "WHERE r.ticket_number = ?1 "
                     "UNION ALL "
                     "SELECT 'inquiry', i.status, i.priority, i.created_at, i.updated_at, "
                     "i.closed_at, NULL, (i.guest_email = ?2 OR a.email = ?2), i.subject, "
                     "i.category FROM support_inquiries.inquiries i "
                     "LEFT JOIN accounts.accounts a ON a.id = i.customer_id "
                     "WHERE i.ticket_number = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, reference); !s.ok()) return s;
  if (Status s = (*st)->bind(2, email); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<TicketStatus>{};
  const Statement& r = **st;
  TicketStatus t;
  t.reference = std::string(reference);
  t.kind = std::string(r.column_text(0));
  t.status = std::string(r.column_text(1));
  t.priority = std::string(r.column_text(2));
  t.createdAt = std::string(r.column_text(3));
  t.updatedAt = std::string(r.column_text(4));
  t.closedAt = r.column_optional_text(5);
  t.resolvedAt = r.column_optional_text(6);
  t.emailMatched = !email.empty() && r.column_optional_int64(7).value_or(0) != 0;
  if (t.emailMatched) {
    t.subject = std::string(r.column_text(8));
    t.category = r.column_optional_text(9);
  }
  (*st)->reset();
  return std::optional<TicketStatus>(std::move(t));
}

}  // namespace docket::projections

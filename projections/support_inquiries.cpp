#include "projections/support_inquiries.h"

#include <optional>
#include <string>

#include "core/time_format.h"
#include "domain/support_inquiry.h"
#include "projections/journeys.h"
#include "projections/message_thread.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

Status count_status(Database& db, const std::string& status, int delta) {
  return move_status_count(db, "inquiry_status_counts", status, delta);
}

// The searchable text of one inquiry, as indexed.
struct SearchText {
  std::string tracking;
  std::string subject;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> phone;
};

Status index(Database& db, std::int64_t id, const SearchText& t, bool remove) {
  // A contentless FTS5 table forgets a row only when given the values it indexed.
  if (remove) {
    return run_sql(db,
                   "INSERT INTO inquiry_search(inquiry_search, rowid, tracking_text, subject_text, "
                   "email_text, name_text, phone_text) VALUES('delete', ?1, ?2, ?3, ?4, ?5, ?6)",
                   id, t.tracking, t.subject, t.email, t.name, t.phone);
  }
  return run_sql(db,
                 "INSERT INTO inquiry_search(rowid, tracking_text, subject_text, email_text, "
                 "name_text, phone_text) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                 id, t.tracking, t.subject, t.email, t.name, t.phone);
}

Result<std::optional<SearchText>> indexed_text(Database& db, std::int64_t id) {
  Result<CachedStatement> st = db.cached(
      "SELECT tracking_code || coalesce(' ' || ticket_number, ''), subject, guest_email, "
      "guest_name, guest_phone FROM inquiries "
      "WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SearchText>{};
  const Statement& r = **st;
  SearchText t{std::string(r.column_text(0)), std::string(r.column_text(1)),
               r.column_optional_text(2), r.column_optional_text(3), r.column_optional_text(4)};
  (*st)->reset();
  return std::optional<SearchText>(std::move(t));
}

}  // namespace

Status SupportInquiriesProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE inquiries("
      "id INTEGER PRIMARY KEY, tracking_code TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, "
      "category TEXT, status TEXT NOT NULL, customer_id INTEGER, assigned_admin_id INTEGER, "
      "support_request_id INTEGER, guest_name TEXT, guest_email TEXT, guest_phone TEXT, "
      "email_verified INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, "
      "updated_at TEXT NOT NULL, closed_at TEXT, created_ms INTEGER NOT NULL, "
      "updated_ms INTEGER NOT NULL, message_count INTEGER NOT NULL DEFAULT 0, journey TEXT, "
      "priority TEXT NOT NULL DEFAULT 'medium', ticket_number TEXT UNIQUE, source TEXT, "
      "satisfaction_rating INTEGER, satisfaction_comment TEXT, satisfaction_at TEXT);"
      // Partial: a guest's or an unassigned inquiry (most of them) has no entry to move
      // when a message changes updated_at. `customer_id = ?` and `assigned_admin_id = ?`
      // imply the condition, so those lists still walk them.
      "CREATE INDEX inquiries_by_customer ON inquiries(customer_id, updated_at) "
      "WHERE customer_id IS NOT NULL;"
      "CREATE INDEX inquiries_by_status ON inquiries(status, updated_at);"
      "CREATE INDEX inquiries_by_assignee ON inquiries(assigned_admin_id, updated_at) "
      "WHERE assigned_admin_id IS NOT NULL;"
      "CREATE INDEX inquiries_by_updated ON inquiries(updated_at);"
      "CREATE INDEX inquiries_by_customer_id ON inquiries(customer_id);"
      "CREATE INDEX inquiries_by_status_id ON inquiries(status);"
      "CREATE INDEX inquiries_by_assignee_id ON inquiries(assigned_admin_id);"
      "CREATE INDEX inquiries_by_request ON inquiries(support_request_id);"
      "CREATE TABLE inquiry_messages("
      "inquiry_id INTEGER NOT NULL, id INTEGER NOT NULL, sender_type TEXT NOT NULL, "
      "sender_id INTEGER, message TEXT NOT NULL, created_at TEXT NOT NULL, "
      "event_id INTEGER NOT NULL, attachments TEXT, PRIMARY KEY(inquiry_id, id)) WITHOUT ROWID;"
      "CREATE TABLE support_inquiry_tokens("
      "token_hash TEXT PRIMARY KEY, inquiry_id INTEGER NOT NULL, expires_at_ms INTEGER, "
      "revoked_at_ms INTEGER) WITHOUT ROWID;"
      // A revocation names the inquiry, not the hash.
      "CREATE INDEX support_inquiry_tokens_by_inquiry ON support_inquiry_tokens(inquiry_id);"
      "CREATE VIRTUAL TABLE inquiry_search USING fts5(tracking_text, subject_text, email_text, "
      "name_text, phone_text, content='', tokenize='trigram');"
      "CREATE TABLE inquiry_status_counts(status TEXT PRIMARY KEY, n INTEGER NOT NULL) "
      "WITHOUT ROWID;");
}

// Replaces the indexed contact text of an inquiry; `change` edits the stored text.
template <typename Change>
Status reindex(Database& db, std::int64_t id, Change&& change) {
  auto old = indexed_text(db, id);
  if (!old.ok()) return old.status();
  if (!*old) return Status::Corruption("contact data for an unknown inquiry");
  SearchText now = **old;
  change(now);
  Status s = index(db, id, **old, true);
  if (s.ok()) s = index(db, id, now, false);
  return s;
}

Status SupportInquiriesProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::SupportInquiryEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::SupportInquiryEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  const std::string at = format_iso8601(event.occurredAt);
  const std::int64_t ms = event.occurredAt;

  if (const auto* e = std::get_if<domain::InquiryCreated>(&*decoded)) {
    // The indexed reference text: the tracking code and, for a form ticket, its number.
    const std::string reference =
        e->ticketNumber ? e->trackingCode + " " + *e->ticketNumber : e->trackingCode;
    const SearchText t{reference, e->subject, e->guestEmail, e->guestName, e->guestPhone};
    Status s = run_sql(db,
                       "INSERT INTO inquiries(id, tracking_code, subject, category, status, "
                       "customer_id, guest_name, guest_email, guest_phone, created_at, updated_at, "
                       "created_ms, updated_ms, journey, priority, ticket_number, source) "
                       "VALUES(?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?10, ?11, ?12, "
                       "?13, ?14)",
                       e->supportInquiryId, e->trackingCode, t.subject, e->category, e->customerId,
                       t.name, t.email, t.phone, at, ms, journey_json(e->journey),
                       e->priority.value_or("medium"), e->ticketNumber, e->source);
    if (s.ok()) s = count_status(db, "open", 1);
    if (s.ok()) s = index(db, e->supportInquiryId, t, false);
    if (!s.ok() || !e->tokenHash) return s;
    return run_sql(db,
                   "INSERT INTO support_inquiry_tokens(token_hash, inquiry_id, expires_at_ms) "
                   "VALUES(?1, ?2, ?3)",
                   *e->tokenHash, e->supportInquiryId, e->tokenExpiresAt);
  }

  // SLA bookkeeping is not activity: the sla read model (projections/sla.h) keeps it.
  if (std::holds_alternative<domain::InquirySlaUpdated>(*decoded) ||
      std::holds_alternative<domain::InquirySlaBreached>(*decoded)) {
    return Status::Ok();
  }
  if (const auto* e = std::get_if<domain::InquirySatisfactionRated>(&*decoded)) {
    return run_sql(db,
                   "UPDATE inquiries SET satisfaction_rating = ?2, satisfaction_comment = ?3, "
                   "satisfaction_at = ?4 WHERE id = ?1",
                   e->supportInquiryId, e->rating, e->comment, at);
  }
  if (const auto* e = std::get_if<domain::InquiryPriorityChanged>(&*decoded)) {
    return run_sql(db, "UPDATE inquiries SET priority = ?2 WHERE id = ?1", e->supportInquiryId,
                   e->to);
  }

  // Every later event is activity. A message also counts (one row update, not two: the
  // row's four updated_at indexes move once).
  const std::int64_t id = std::visit([](const auto& e) { return e.supportInquiryId; }, *decoded);
  const bool message = std::holds_alternative<domain::InquiryMessageCreated>(*decoded);
  Status s = run_sql(db,
                     "UPDATE inquiries SET updated_at = ?2, updated_ms = ?3, "
                     "message_count = message_count + ?4 WHERE id = ?1",
                     id, at, ms, message ? 1 : 0);
  if (!s.ok()) return s;

  return std::visit(
      events::Overloaded{
          [&](const domain::InquiryCreated&) { return Status::Ok(); },  // handled above
          [&](const domain::InquiryMessageCreated& e) -> Status {
            return run_sql(db,
                           "INSERT INTO inquiry_messages(inquiry_id, id, sender_type, "
                           "sender_id, message, created_at, event_id, attachments) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           id, e.messageId, e.senderType, e.senderId, e.message, at, event.eventId,
                           message_attachments_json(e.attachments));
          },
          [&](const domain::InquiryStatusChanged& e) -> Status {
            const bool ends = e.to == domain::kInquiryClosed || e.to == domain::kInquirySpam;
            Status s = count_status(db, e.from, -1);
            if (s.ok()) s = count_status(db, e.to, 1);
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE inquiries SET status = ?2, closed_at = CASE WHEN ?3 THEN ?4 "
                           "ELSE closed_at END WHERE id = ?1",
                           id, e.to, ends ? 1 : 0, at);
          },
          [&](const domain::InquiryLinked& e) -> Status {
            Status s = count_status(db, e.from, -1);
            if (s.ok()) s = count_status(db, std::string(domain::kInquiryLinked), 1);
            if (!s.ok()) return s;
            return run_sql(
                db, "UPDATE inquiries SET status = ?2, support_request_id = ?3 WHERE id = ?1", id,
                domain::kInquiryLinked, e.supportRequestId);
          },
          [&](const domain::InquiryTokenRevoked&) {
            return run_sql(db,
                           "UPDATE support_inquiry_tokens SET revoked_at_ms = ?2 "
                           "WHERE inquiry_id = ?1 AND revoked_at_ms IS NULL",
                           id, ms);
          },
          [&](const domain::InquiryAssigned& e) {
            return run_sql(db, "UPDATE inquiries SET assigned_admin_id = ?2 WHERE id = ?1", id,
                           e.assignedAdminId);
          },
          [&](const domain::InquiryContactIdentified& e) -> Status {
            Status s = reindex(db, id, [&](SearchText& t) {
              t.email = e.guestEmail;
              t.name = e.guestName;
              t.phone = e.guestPhone;
            });
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE inquiries SET email_verified = CASE WHEN guest_email IS ?3 THEN "
                           "email_verified ELSE 0 END, guest_name = ?2, guest_email = ?3, "
                           "guest_phone = ?4 WHERE id = ?1",
                           id, e.guestName, e.guestEmail, e.guestPhone);
          },
          [&](const domain::InquiryEmailVerified& e) -> Status {
            Status s = reindex(db, id, [&](SearchText& t) { t.email = e.email; });
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE inquiries SET guest_email = ?2, email_verified = 1, "
                           "customer_id = coalesce(?3, customer_id) WHERE id = ?1",
                           id, e.email, e.customerId);
          },
          // Verification requested or failed: activity only.
          [&](const domain::InquiryVerificationRequested&) { return Status::Ok(); },
          [&](const domain::InquiryVerificationFailed&) { return Status::Ok(); },
          [&](const auto&) { return Status::Ok(); },  // SLA events: skipped above
      },
      *decoded);
}

}  // namespace docket::projections

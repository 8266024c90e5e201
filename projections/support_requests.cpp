#include "projections/support_requests.h"

#include <string>

#include "core/time_format.h"
#include "domain/support_request.h"
#include "projections/journeys.h"
#include "projections/message_thread.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

Status count_status(Database& db, const std::string& status, int delta) {
  return move_status_count(db, "status_counts", status, delta);
}

}  // namespace

Status SupportRequestsProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE requests("
      "id INTEGER PRIMARY KEY, ticket_number TEXT NOT NULL UNIQUE, customer_id INTEGER NOT NULL, "
      "subject TEXT NOT NULL, category TEXT NOT NULL, priority TEXT NOT NULL, "
      "priority_rank INTEGER NOT NULL, status TEXT NOT NULL, assigned_admin_id INTEGER, "
      "resolution_note TEXT, metadata TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
      "first_response_at TEXT, resolved_at TEXT, created_ms INTEGER NOT NULL, "
      "first_response_ms INTEGER, resolved_ms INTEGER, message_count INTEGER NOT NULL DEFAULT 0, "
      "journey TEXT, source TEXT, satisfaction_rating INTEGER, satisfaction_comment TEXT, "
      "satisfaction_at TEXT);"
      "CREATE INDEX requests_by_customer ON requests(customer_id, updated_at);"
      "CREATE INDEX requests_by_status ON requests(status, updated_at);"
      // Partial: an unassigned request's reply moves no entry here.
      "CREATE INDEX requests_by_assignee ON requests(assigned_admin_id, updated_at) "
      "WHERE assigned_admin_id IS NOT NULL;"
      "CREATE INDEX requests_by_updated ON requests(updated_at);"
      "CREATE INDEX requests_by_created ON requests(created_at);"
      // Newest-first lists of one customer, status or assignee walk these (their
      // entries end with the id) instead of sorting every match.
      "CREATE INDEX requests_by_customer_id ON requests(customer_id);"
      "CREATE INDEX requests_by_status_id ON requests(status);"
      "CREATE INDEX requests_by_assignee_id ON requests(assigned_admin_id);"
      // Requests per status, so the admin inbox's tabs count without a scan.
      "CREATE TABLE status_counts(status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
      // Substring search over subject and ticket number: trigram index, ids only
      // (contentless; the text stays in `requests`).
      "CREATE VIRTUAL TABLE requests_search USING fts5(subject_text, ticket_text, content='', "
      "tokenize='trigram');"
      // Clustered by request: a thread is one contiguous range of the table.
      "CREATE TABLE messages("
      "request_id INTEGER NOT NULL, id INTEGER NOT NULL, sender_type TEXT NOT NULL, "
      "sender_id INTEGER, message TEXT NOT NULL, created_at TEXT NOT NULL, "
      "event_id INTEGER NOT NULL, attachments TEXT, PRIMARY KEY(request_id, id)) WITHOUT ROWID;");
}

Status SupportRequestsProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::SupportRequestEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::SupportRequestEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  const std::string at = format_iso8601(event.occurredAt);
  const std::int64_t ms = event.occurredAt;
  return std::visit(
      events::Overloaded{
          [&](const domain::SupportRequestCreated& e) -> Status {
            Status s = run_sql(
                db,
                "INSERT INTO requests(id, ticket_number, customer_id, subject, category, "
                "priority, priority_rank, status, metadata, created_at, updated_at, created_ms, "
                "journey, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, ?9, ?10, ?11, "
                "?12)",
                e.supportRequestId, e.ticketNumber, e.customerId, e.subject, e.category, e.priority,
                domain::priority_rank(e.priority), e.metadata.text, at, ms, journey_json(e.journey),
                e.source);
            if (s.ok()) s = count_status(db, "open", 1);
            if (!s.ok()) return s;
            return run_sql(
                db,
                "INSERT INTO requests_search(rowid, subject_text, ticket_text) VALUES(?1, ?2, ?3)",
                e.supportRequestId, e.subject, e.ticketNumber);
          },
          [&](const domain::SupportRequestMessageCreated& e) -> Status {
            Status s = run_sql(db,
                               "INSERT INTO messages(id, request_id, sender_type, sender_id, "
                               "message, created_at, event_id, attachments) "
                               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                               e.messageId, e.supportRequestId, e.senderType, e.senderId, e.message,
                               at, event.eventId, message_attachments_json(e.attachments));
            if (s.ok() && e.senderType == "admin") {
              s = run_sql(db,
                          "UPDATE requests SET first_response_at = ?2, first_response_ms = ?3 "
                          "WHERE id = ?1 AND first_response_at IS NULL",
                          e.supportRequestId, at, ms);
            }
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE requests SET message_count = message_count + 1, "
                           "updated_at = ?2 WHERE id = ?1",
                           e.supportRequestId, at);
          },
          [&](const domain::SupportRequestStatusChanged& e) -> Status {
            Status s = count_status(db, e.from, -1);
            if (s.ok()) s = count_status(db, e.to, 1);
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE requests SET status = ?2, resolution_note = coalesce(?3, "
                           "resolution_note), resolved_at = CASE WHEN ?2 = 'resolved' THEN ?4 ELSE "
                           "resolved_at END, resolved_ms = CASE WHEN ?2 = 'resolved' THEN ?5 ELSE "
                           "resolved_ms END, updated_at = ?4 WHERE id = ?1",
                           e.supportRequestId, e.to, e.resolutionNote, at, ms);
          },
          [&](const domain::SupportRequestAssigned& e) {
            return run_sql(db,
                           "UPDATE requests SET assigned_admin_id = ?2, updated_at = ?3 "
                           "WHERE id = ?1",
                           e.supportRequestId, e.assignedAdminId, at);
          },
          [&](const domain::SupportRequestPriorityChanged& e) {
            return run_sql(db,
                           "UPDATE requests SET priority = ?2, priority_rank = ?3, "
                           "updated_at = ?4 WHERE id = ?1",
                           e.supportRequestId, e.to, domain::priority_rank(e.to), at);
          },
          // SLA clocks and breaches live in the sla read model (projections/sla.h).
          [&](const domain::SupportRequestSlaUpdated&) { return Status::Ok(); },
          [&](const domain::SupportRequestSlaBreached&) { return Status::Ok(); },
          [&](const domain::SupportRequestSatisfactionRated& e) {
            return run_sql(db,
                           "UPDATE requests SET satisfaction_rating = ?2, "
                           "satisfaction_comment = ?3, satisfaction_at = ?4 WHERE id = ?1",
                           e.supportRequestId, e.rating, e.comment, at);
          },
      },
      *decoded);
}

}  // namespace docket::projections

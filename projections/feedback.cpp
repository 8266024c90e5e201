#include "projections/feedback.h"

#include <optional>
#include <string>

#include "core/time_format.h"
#include "domain/feedback.h"
#include "projections/sqlite.h"

namespace docket::projections {

Status FeedbackProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE feedback("
      "id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, category TEXT NOT NULL, "
      "message TEXT NOT NULL, rating INTEGER, app_version TEXT, platform TEXT, "
      "status TEXT NOT NULL, reviewed_by INTEGER, reviewed_at TEXT, "
      "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL);"
      "CREATE INDEX feedback_by_created ON feedback(created_at, id);"
      "CREATE INDEX feedback_by_updated ON feedback(updated_at, id);"
      "CREATE INDEX feedback_by_status ON feedback(status, created_at, id);"
      "CREATE INDEX feedback_by_category ON feedback(category, created_at, id);"
      "CREATE INDEX feedback_by_customer ON feedback(customer_id, created_at, id);");
}

Status FeedbackProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::FeedbackEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::FeedbackEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  const std::string at = format_iso8601(event.occurredAt);
  return std::visit(
      events::Overloaded{
          [&](const domain::FeedbackSubmitted& e) -> Status {
            Result<CachedStatement> insert = db.cached(
                "INSERT INTO feedback(id, customer_id, category, message, rating, app_version, "
                "platform, status, created_at, updated_at, version) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?8, ?9)");
            if (!insert.ok()) return insert.status();
            Status s =
                (*insert)->bind_all(e.feedbackId, e.customerId, e.category, e.message, e.rating,
                                    e.appVersion, e.platform, at, event.streamVersion);
            return s.ok() ? (*insert)->run() : s;
          },
          [&](const domain::FeedbackReviewed& e) -> Status {
            Result<CachedStatement> update = db.cached(
                "UPDATE feedback SET status = 'reviewed', reviewed_by = ?2, reviewed_at = ?3, "
                "updated_at = ?3, version = ?4 WHERE id = ?1");
            if (!update.ok()) return update.status();
            Status s =
                (*update)->bind_all(e.feedbackId, e.reviewedByAdminId, at, event.streamVersion);
            return s.ok() ? (*update)->run() : s;
          },
      },
      *decoded);
}

}  // namespace docket::projections

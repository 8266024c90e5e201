#include "projections/feedback.h"

#include <optional>
#include <string>

#include <simdjson.h>

#include "core/time_format.h"
#include "domain/feedback.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

std::optional<std::string> optional_text(simdjson::dom::object data, const char* key) {
  std::string_view v;
  if (data[key].get_string().get(v)) return std::nullopt;
  return std::string(v);
}

std::optional<std::int64_t> optional_int(simdjson::dom::object data, const char* key) {
  std::int64_t v = 0;
  if (data[key].get_int64().get(v)) return std::nullopt;
  return v;
}

Status corrupt(const events::EventRecord& event, std::string_view what) {
  return Status::Corruption("event " + std::to_string(event.eventId) + ": " + std::string(what));
}

}  // namespace

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
  if (event.type != domain::kFeedbackSubmitted && event.type != domain::kFeedbackReviewed) {
    return Status::Ok();
  }
  thread_local simdjson::dom::parser parser;  // buffers reused from event to event
  simdjson::dom::object data;
  if (parser.parse(event.data).get_object().get(data)) {
    return corrupt(event, "data is not an object");
  }
  std::int64_t id = 0;
  if (data["feedbackId"].get_int64().get(id)) return corrupt(event, "no feedbackId");
  const std::string at = format_iso8601(event.occurredAt);

  if (event.type == domain::kFeedbackSubmitted) {
    std::int64_t customer = 0;
    if (data["customerId"].get_int64().get(customer)) return corrupt(event, "no customerId");
    Result<CachedStatement> insert = db.cached(
        "INSERT INTO feedback(id, customer_id, category, message, rating, app_version, platform, "
        "status, created_at, updated_at, version) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?8, ?9)");
    if (!insert.ok()) return insert.status();
    Status s = (*insert)->bind_all(id, customer, optional_text(data, "category").value_or(""),
                                   optional_text(data, "message").value_or(""),
                                   optional_int(data, "rating"), optional_text(data, "appVersion"),
                                   optional_text(data, "platform"), at, event.streamVersion);
    return s.ok() ? (*insert)->run() : s;
  }
  std::int64_t by = 0;
  if (data["reviewedByAdminId"].get_int64().get(by)) return corrupt(event, "no reviewedByAdminId");
  Result<CachedStatement> update = db.cached(
      "UPDATE feedback SET status = 'reviewed', reviewed_by = ?2, reviewed_at = ?3, "
      "updated_at = ?3, version = ?4 WHERE id = ?1");
  if (!update.ok()) return update.status();
  Status s = (*update)->bind_all(id, by, at, event.streamVersion);
  return s.ok() ? (*update)->run() : s;
}

}  // namespace docket::projections

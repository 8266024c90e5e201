#include "projections/journeys.h"

#include "core/json_writer.h"
#include "core/time_format.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

Status upsert(Database& db, std::int64_t id, const domain::JourneyRecord& j,
              const std::string& at) {
  return run_sql(db,
                 "INSERT INTO journeys(id, name, description, channel, category, archived, "
                 "version_count, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?6) "
                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = "
                 "excluded.description, channel = excluded.channel, category = excluded.category, "
                 "updated_at = excluded.updated_at",
                 id, j.name, j.description, j.channel, j.category, at);
}

}  // namespace

std::optional<std::string> journey_json(const std::optional<domain::JourneyRunRecord>& run) {
  if (!run) return std::nullopt;
  JsonWriter w;
  w.begin_object()
      .field("id", run->journeyId)
      .field("version", run->version)
      .field_raw("answers", run->answers.text)
      .end_object();
  return w.take();
}

bool JourneysProjection::wants(std::string_view type) const {
  return domain::JourneyEvent::contains(type);
}

Status JourneysProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE journeys(id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT, "
      "channel TEXT NOT NULL, category TEXT, archived INTEGER NOT NULL, current_version INTEGER, "
      "version_count INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
      "CREATE TABLE versions(journey_id INTEGER NOT NULL, version INTEGER NOT NULL, "
      "definition TEXT NOT NULL, valid INTEGER NOT NULL, published INTEGER NOT NULL, "
      "created_at TEXT NOT NULL, published_at TEXT, PRIMARY KEY(journey_id, version)) "
      "WITHOUT ROWID;");
}

Status JourneysProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::JourneyEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::JourneyEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  const std::string at = format_iso8601(event.occurredAt);
  return std::visit(
      events::Overloaded{
          [&](const domain::JourneyCreated& e) { return upsert(db, e.journeyId, e.journey, at); },
          [&](const domain::JourneyUpdated& e) { return upsert(db, e.journeyId, e.journey, at); },
          [&](const domain::JourneyVersionAdded& e) {
            Status s = run_sql(db,
                               "INSERT INTO versions(journey_id, version, definition, valid, "
                               "published, created_at) VALUES(?1, ?2, ?3, ?4, 0, ?5)",
                               e.journeyId, e.version, e.definition.text, e.valid ? 1 : 0, at);
            if (!s.ok()) return s;
            return run_sql(db,
                           "UPDATE journeys SET version_count = ?2, updated_at = ?3 WHERE id = ?1",
                           e.journeyId, e.version, at);
          },
          [&](const domain::JourneyVersionPublished& e) {
            Status s = run_sql(db,
                               "UPDATE versions SET published = 1, published_at = ?3 "
                               "WHERE journey_id = ?1 AND version = ?2",
                               e.journeyId, e.version, at);
            if (!s.ok()) return s;
            return run_sql(
                db, "UPDATE journeys SET current_version = ?2, updated_at = ?3 WHERE id = ?1",
                e.journeyId, e.version, at);
          },
          [&](const domain::JourneyArchived& e) {
            return run_sql(db, "UPDATE journeys SET archived = 1, updated_at = ?2 WHERE id = ?1",
                           e.journeyId, at);
          },
      },
      *decoded);
}

}  // namespace docket::projections

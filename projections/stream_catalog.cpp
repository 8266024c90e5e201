#include "projections/stream_catalog.h"

#include <string>

#include "core/time_format.h"
#include "projections/sqlite.h"

namespace docket::projections {

std::string_view stream_category(std::string_view stream) {
  std::size_t dash = stream.rfind('-');
  return dash == std::string_view::npos ? stream : stream.substr(0, dash);
}

Status StreamCatalog::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE streams("
      "stream TEXT PRIMARY KEY, category TEXT NOT NULL, version INTEGER NOT NULL, "
      "first_event_id INTEGER NOT NULL, last_event_id INTEGER NOT NULL, "
      "last_event_type TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL"
      ") WITHOUT ROWID;"
      "CREATE INDEX streams_by_category ON streams(category, stream);");
}

Status StreamCatalog::apply(Database& db, const events::EventRecord& event) {
  Result<CachedStatement> upsert = db.cached(
      "INSERT INTO streams(stream, category, version, first_event_id, last_event_id, "
      "last_event_type, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?4, ?5, ?6, ?6) "
      "ON CONFLICT(stream) DO UPDATE SET version = excluded.version, "
      "last_event_id = excluded.last_event_id, last_event_type = excluded.last_event_type, "
      "updated_at = excluded.updated_at");
  if (!upsert.ok()) return upsert.status();
  std::string at = format_iso8601(event.occurredAt);
  Status status = (*upsert)->bind_all(event.stream, stream_category(event.stream),
                                      event.streamVersion, event.eventId, event.type, at);
  if (!status.ok()) return status;
  return (*upsert)->run();
}

}  // namespace docket::projections

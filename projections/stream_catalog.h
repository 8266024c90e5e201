// StreamCatalog: the "stream_catalog" projection, one row per stream of the log.
//
//   streams(stream TEXT PRIMARY KEY, category TEXT, version INTEGER,
//           first_event_id INTEGER, last_event_id INTEGER, last_event_type TEXT,
//           created_at TEXT, updated_at TEXT)            -- index on (category, stream)
//
// Every event upserts its stream's row: the first event of a stream sets
// first_event_id and created_at; every event sets version (its streamVersion),
// last_event_id, last_event_type and updated_at (its occurredAt, ISO-8601 UTC).
// Queries: projections/stream_catalog_query.h.
#pragma once

#include <string_view>

#include "projections/projection.h"

namespace docket::projections {

// The category of a stream: its name up to the last '-' ("support_request-42" ->
// "support_request"); the whole name when it has no '-'.
std::string_view stream_category(std::string_view stream);

// Stateless; thread-safe.
class StreamCatalog final : public Projection {
 public:
  static constexpr std::string_view kName = "stream_catalog";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
};

}  // namespace docket::projections

// The "journeys" projection: intake journeys and their definition versions
// (docs/journeys.md).
//
//   journeys(id, name, description, channel, category, archived (0/1), current_version
//            (the last published; NULL before the first), version_count, created_at,
//            updated_at)
//   versions(journey_id, version, definition (JSON text), valid (0/1), published (0/1),
//            created_at, published_at; PRIMARY KEY (journey_id, version)) WITHOUT ROWID
//
// Built from the journey.* events. Queries: projections/journey_query.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/journey_events.h"
#include "projections/projection.h"

namespace docket::projections {

// Stateless; thread-safe.
class JourneysProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "journeys";
  static constexpr int kSchemaVersion = 1;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override;
};

// The JSON an item's read model keeps of the journey that created it:
// {"id": …, "version": …, "answers": {…}}; none for an item created otherwise.
std::optional<std::string> journey_json(const std::optional<domain::JourneyRunRecord>& run);

}  // namespace docket::projections

// Projection: one SQLite read model derived from the event log.
//
// Each projection lives in its own SQLite file, <data>/projections/<name>.sqlite, with
// its checkpoint (the last eventId applied) and schema version stored in the same file
// and written in the same transaction as the rows: a projection applies every event
// exactly once, in log order, and can be deleted and rebuilt from the log at any time.
// Implementations are driven by ProjectionEngine: on the writer thread for the live
// file, and, during an online rebuild, on the rebuilding thread for the shadow file at
// the same time. So an implementation keeps no mutable state of its own: everything
// lives in the Database it is given (whose cached statements are per connection), and
// create_schema/apply may run concurrently on two different Databases.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "events/event.h"

namespace docket::projections {

class Database;

class Projection {
 public:
  virtual ~Projection() = default;

  // Stable name: the file name and the schema name readers ATTACH it under.
  // REQUIRES: [a-z_]+, unique within an engine.
  virtual std::string_view name() const = 0;
  // Bump whenever create_schema or apply changes meaning: the engine then rebuilds
  // the projection from the log on the next start.
  virtual int schema_version() const = 0;
  // Creates tables and indexes in an empty database; runs inside a transaction.
  virtual Status create_schema(Database& db) = 0;
  // Applies one event inside the engine's open transaction. Events arrive in eventId
  // order, each once. Return non-OK only for storage failures: an event this projection
  // does not care about is simply ignored.
  virtual Status apply(Database& db, const events::EventRecord& event) = 0;
  // Whether apply() may change anything for events of `type`. A group of events none of
  // which is wanted costs the projection no transaction (its checkpoint then lags
  // behind, within a bound, until a wanted event or shutdown). The default wants all.
  virtual bool wants(std::string_view /*type*/) const { return true; }
};

// For an apply() over several event sets: when `event` is of the set `Events`, decodes
// it and returns apply(variant) (or the decoding error); nullopt for other types.
template <typename Events, typename Apply>
std::optional<Status> apply_as(const events::EventRecord& event, Apply&& apply) {
  if (!Events::contains(event.type)) return std::nullopt;
  auto decoded = Events::decode(event);
  if (!decoded.ok()) return decoded.status();
  return apply(*decoded);
}

}  // namespace docket::projections

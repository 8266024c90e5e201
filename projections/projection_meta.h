// The meta table every projection file carries: which projection the file holds, the
// schema version it was built with, the log it was built from, and its checkpoint.
//
//   CREATE TABLE docket_projection(
//     name TEXT PRIMARY KEY, schema_version INTEGER NOT NULL,
//     checkpoint INTEGER NOT NULL, log_epoch TEXT NOT NULL, updated_at TEXT NOT NULL)
//
// It holds exactly one row. The checkpoint is the eventId of the last event applied and
// is written in the same transaction as the rows that event produced, so the file is
// always consistent with "every event up to checkpoint, applied once".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace docket::projections {

class Database;

inline constexpr std::string_view kMetaTable = "docket_projection";

struct ProjectionMeta {
  std::string name;
  int schemaVersion = 0;
  std::uint64_t checkpoint = 0;  // 0: no event applied yet
  std::string logEpoch;          // EventStore::log_epoch() of the log it was built from
  std::string updatedAt;         // ISO-8601, when the checkpoint last moved
};

// Creates the meta table and its row. REQUIRES: inside a transaction on a writable
// database without the table.
Status create_meta_table(Database& db, const ProjectionMeta& meta, UnixMillis now);

// Reads the row. NotFound when the file has no meta table or no row (an empty or
// foreign file); other errors come from SQLite (Corruption for a damaged file).
Result<ProjectionMeta> read_meta(Database& db);

// Moves the checkpoint. REQUIRES: inside the transaction that applied the events.
Status write_checkpoint(Database& db, std::uint64_t checkpoint, UnixMillis now);

}  // namespace docket::projections

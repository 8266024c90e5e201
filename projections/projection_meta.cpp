#include "projections/projection_meta.h"

#include "core/time_format.h"
#include "projections/sqlite.h"

namespace docket::projections {

Status create_meta_table(Database& db, const ProjectionMeta& meta, UnixMillis now) {
  Status status = db.exec(
      "CREATE TABLE docket_projection("
      "name TEXT PRIMARY KEY, schema_version INTEGER NOT NULL, "
      "checkpoint INTEGER NOT NULL, log_epoch TEXT NOT NULL, updated_at TEXT NOT NULL)");
  if (!status.ok()) return status;
  Result<CachedStatement> insert = db.cached(
      "INSERT INTO docket_projection(name, schema_version, checkpoint, log_epoch, updated_at) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  status = (*insert)->bind_all(meta.name, meta.schemaVersion, meta.checkpoint, meta.logEpoch,
                               format_iso8601(now));
  if (!status.ok()) return status;
  return (*insert)->run();
}

Result<ProjectionMeta> read_meta(Database& db) {
  Result<CachedStatement> exists =
      db.cached("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!exists.ok()) return exists.status();
  if (Status s = (*exists)->bind(1, kMetaTable); !s.ok()) return s;
  Result<bool> row = (*exists)->step();
  if (!row.ok()) return row.status();
  if (!*row || (*exists)->column_int64(0) == 0) {
    return Status::NotFound("no " + std::string(kMetaTable) + " table in " + db.path());
  }

  Result<CachedStatement> select = db.cached(
      "SELECT name, schema_version, checkpoint, log_epoch, updated_at FROM docket_projection");
  if (!select.ok()) return select.status();
  row = (*select)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("empty " + std::string(kMetaTable) + " table in " + db.path());
  Statement& st = **select;
  ProjectionMeta meta;
  meta.name = std::string(st.column_text(0));
  meta.schemaVersion = static_cast<int>(st.column_int64(1));
  std::int64_t checkpoint = st.column_int64(2);
  if (checkpoint < 0) {
    return Status::Corruption("negative checkpoint in " + db.path());
  }
  meta.checkpoint = static_cast<std::uint64_t>(checkpoint);
  meta.logEpoch = std::string(st.column_text(3));
  meta.updatedAt = std::string(st.column_text(4));
  return meta;
}

Status write_checkpoint(Database& db, std::uint64_t checkpoint, UnixMillis now) {
  Result<CachedStatement> update =
      db.cached("UPDATE docket_projection SET checkpoint = ?1, updated_at = ?2");
  if (!update.ok()) return update.status();
  if (Status s = (*update)->bind_all(checkpoint, format_iso8601(now)); !s.ok()) return s;
  if (Status s = (*update)->run(); !s.ok()) return s;
  // Invariant: the meta table holds exactly one row.
  if (db.changes() != 1) {
    return Status::Corruption("the " + std::string(kMetaTable) + " row is missing in " + db.path());
  }
  return Status::Ok();
}

}  // namespace docket::projections

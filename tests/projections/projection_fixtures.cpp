#include "tests/projections/projection_fixtures.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "projections/sqlite.h"

namespace docket::projections::testing {

Status RecordingProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE applied(event_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, "
      "stream TEXT NOT NULL, stream_version INTEGER NOT NULL, type TEXT NOT NULL, "
      "data TEXT NOT NULL)");
}

Status RecordingProjection::apply(Database& db, const events::EventRecord& event) {
  if (faults_ && faults_->fail_at.load() == event.eventId) {
    const std::string what = "injected failure at eventId " + std::to_string(event.eventId);
    return faults_->no_space.load() ? Status::NoSpace(what) : Status::IOError(what);
  }
  Result<CachedStatement> insert = db.cached(
      "INSERT INTO applied(event_id, seq, stream, stream_version, type, data) "
      "VALUES(?1, (SELECT count(*) + 1 FROM applied), ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  Status s =
      (*insert)->bind_all(event.eventId, event.stream, event.streamVersion, event.type, event.data);
  if (s.ok()) s = (*insert)->run();
  if (s.ok() && faults_) faults_->applied.fetch_add(1);
  return s;
}

TableDump dump_tables(const std::string& path) {
  TableDump dump;
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::reader());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  std::vector<std::pair<std::string, std::string>> tables;
  {
    Result<Statement> list = (*db)->prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name <> 'docket_projection' ORDER BY name");
    REQUIRE(list.ok());
    for (;;) {
      Result<bool> row = list->step();
      REQUIRE(row.ok());
      if (!*row) break;
      tables.emplace_back(std::string(list->column_text(0)), std::string(list->column_text(1)));
    }
  }
  for (const auto& [name, create] : tables) {
    std::vector<std::string>& rows = dump["table " + name];
    Result<Statement> select = (*db)->prepare("SELECT * FROM \"" + name + "\"");
    REQUIRE(select.ok());
    for (;;) {
      Result<bool> row = select->step();
      REQUIRE(row.ok());
      if (!*row) break;
      std::string line;
      for (int c = 0; c < select->column_count(); ++c) {
        line += c == 0 ? "" : " | ";
        line += select->column_is_null(c) ? "NULL" : std::string(select->column_text(c));
      }
      rows.push_back(std::move(line));
    }
    std::sort(rows.begin(), rows.end());
    rows.insert(rows.begin(), create);
  }
  return dump;
}

ProjectionMeta meta_of(const std::string& path) {
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::reader());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  Result<ProjectionMeta> meta = read_meta(**db);
  REQUIRE_MESSAGE(meta.ok(), meta.status().ToString());
  return *meta;
}

void write_sql(const std::string& path, const std::string& sql) {
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::writer());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  Status s = (*db)->exec(sql);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

std::int64_t query_int(const std::string& path, const std::string& sql) {
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::reader());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  Result<std::int64_t> value = (*db)->query_int64(sql);
  REQUIRE_MESSAGE(value.ok(), value.status().ToString());
  return *value;
}

}  // namespace docket::projections::testing

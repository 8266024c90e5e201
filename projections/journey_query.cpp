#include "projections/journey_query.h"

#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, name, description, channel, category, archived, current_version, version_count, "
    "created_at, updated_at";

JourneyRow read_journey(const Statement& st) {
  JourneyRow r;
  r.id = st.column_int64(0);
  r.name = std::string(st.column_text(1));
  r.description = st.column_optional_text(2);
  r.channel = std::string(st.column_text(3));
  r.category = st.column_optional_text(4);
  r.archived = st.column_int64(5) != 0;
  r.currentVersion = st.column_optional_int64(6);
  r.versionCount = st.column_int64(7);
  r.createdAt = std::string(st.column_text(8));
  r.updatedAt = std::string(st.column_text(9));
  return r;
}

JourneyVersionRow read_version(const Statement& st) {
  JourneyVersionRow r;
  r.journeyId = st.column_int64(0);
  r.version = st.column_int64(1);
  r.definition = std::string(st.column_text(2));
  r.valid = st.column_int64(3) != 0;
  r.published = st.column_int64(4) != 0;
  r.createdAt = std::string(st.column_text(5));
  r.publishedAt = st.column_optional_text(6);
  return r;
}

template <typename Row>
Result<std::optional<Row>> first_of(Result<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Row>{};
  return std::optional<Row>(std::move(rows->front()));
}

}  // namespace

Result<std::vector<JourneyRow>> JourneyQuery::list(const JourneyListRequest& request) {
  Result<CachedStatement> st = db_.cached(
      "SELECT " + std::string(kColumns) +
      " FROM journeys.journeys WHERE (?1 = 0 OR (archived = 0 AND current_version IS NOT NULL)) "
      "AND (?2 IS NULL OR channel = ?2 OR channel = 'any') AND (?3 IS NULL OR category = ?3) "
      "ORDER BY id");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(request.activeOnly ? 1 : 0, request.channel, request.category);
      !s.ok()) {
    return s;
  }
  return read_rows<JourneyRow>(**st, read_journey);
}

Result<std::optional<JourneyRow>> JourneyQuery::find(std::int64_t id) {
  Result<CachedStatement> st =
      db_.cached("SELECT " + std::string(kColumns) + " FROM journeys.journeys WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  return first_of(read_rows<JourneyRow>(**st, read_journey));
}

Result<std::vector<JourneyVersionRow>> JourneyQuery::versions(std::int64_t id) {
  Result<CachedStatement> st = db_.cached(
      "SELECT journey_id, version, '', valid, published, created_at, published_at "
      "FROM journeys.versions WHERE journey_id = ?1 ORDER BY version");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  return read_rows<JourneyVersionRow>(**st, read_version);
}

Result<std::optional<JourneyVersionRow>> JourneyQuery::version(std::int64_t id,
                                                               std::int64_t version) {
  Result<CachedStatement> st = db_.cached(
      "SELECT journey_id, version, definition, valid, published, created_at, published_at "
      "FROM journeys.versions WHERE journey_id = ?1 AND version = ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(id, version); !s.ok()) return s;
  return first_of(read_rows<JourneyVersionRow>(**st, read_version));
}

}  // namespace docket::projections

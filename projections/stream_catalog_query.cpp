#include "projections/stream_catalog_query.h"

#include <cassert>

#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "stream, category, version, first_event_id, last_event_id, last_event_type, created_at, "
    "updated_at";

StreamSummary read_summary(const Statement& st) {
  StreamSummary s;
  s.stream = std::string(st.column_text(0));
  s.category = std::string(st.column_text(1));
  s.version = static_cast<std::uint64_t>(st.column_int64(2));
  s.firstEventId = static_cast<std::uint64_t>(st.column_int64(3));
  s.lastEventId = static_cast<std::uint64_t>(st.column_int64(4));
  s.lastEventType = std::string(st.column_text(5));
  s.createdAt = std::string(st.column_text(6));
  s.updatedAt = std::string(st.column_text(7));
  return s;
}

}  // namespace

StreamCatalogQuery::StreamCatalogQuery(Database& db, std::string schema)
    : db_(db), schema_(std::move(schema)) {
  // Invariant: the schema name is spliced into SQL text, so it is a plain identifier.
  assert(!schema_.empty() &&
         schema_.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
}

Result<StreamPage> StreamCatalogQuery::list(const StreamListRequest& request) {
  if (request.page == 0) return Status::InvalidArgument("page starts at 1");
  if (request.pageSize == 0 || request.pageSize > kMaxStreamPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and " +
                                   std::to_string(kMaxStreamPageSize));
  }
  const std::string table = schema_ + ".streams";
  const std::string where = request.category ? " WHERE category = ?1" : "";

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  StreamPage page;
  {
    Result<CachedStatement> count = db_.cached("SELECT count(*) FROM " + table + where);
    if (!count.ok()) return count.status();
    if (request.category) {
      if (Status s = (*count)->bind(1, *request.category); !s.ok()) return s;
    }
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
  }
  {
    const char* order =
        request.order == StreamOrder::kByName ? " ORDER BY stream" : " ORDER BY last_event_id DESC";
    Result<CachedStatement> select = db_.cached("SELECT " + std::string(kColumns) + " FROM " +
                                                table + where + order + " LIMIT ?2 OFFSET ?3");
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status status = request.category ? st.bind(1, *request.category) : Status::Ok();
    if (status.ok()) status = st.bind(2, static_cast<std::int64_t>(request.pageSize));
    if (status.ok()) {
      status = st.bind(3, static_cast<std::int64_t>(request.page - 1) * request.pageSize);
    }
    if (!status.ok()) return status;
    for (;;) {
      Result<bool> row = st.step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(read_summary(st));
    }
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  return page;
}

Result<StreamSummary> StreamCatalogQuery::find(std::string_view stream) {
  Result<CachedStatement> select = db_.cached("SELECT " + std::string(kColumns) + " FROM " +
                                              schema_ + ".streams WHERE stream = ?1");
  if (!select.ok()) return select.status();
  if (Status s = (*select)->bind(1, stream); !s.ok()) return s;
  Result<bool> row = (*select)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no stream " + std::string(stream));
  return read_summary(**select);
}

}  // namespace docket::projections

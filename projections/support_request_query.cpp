#include "projections/support_request_query.h"

#include "projections/like_pattern.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, ticket_number, customer_id, subject, category, priority, status, assigned_admin_id, "
    "resolution_note, metadata, created_at, updated_at, first_response_at, resolved_at, "
    "message_count";

SupportRequestRow read_row(const Statement& st) {
  SupportRequestRow r;
  r.id = st.column_int64(0);
  r.ticketNumber = std::string(st.column_text(1));
  r.customerId = st.column_int64(2);
  r.subject = std::string(st.column_text(3));
  r.category = std::string(st.column_text(4));
  r.priority = std::string(st.column_text(5));
  r.status = std::string(st.column_text(6));
  r.assignedAdminId = st.column_optional_int64(7);
  r.resolutionNote = st.column_optional_text(8);
  r.metadata = st.column_is_null(9) ? "null" : std::string(st.column_text(9));
  r.createdAt = std::string(st.column_text(10));
  r.updatedAt = std::string(st.column_text(11));
  r.firstResponseAt = st.column_optional_text(12);
  r.resolvedAt = st.column_optional_text(13);
  r.messageCount = st.column_int64(14);
  return r;
}

}  // namespace

Result<SupportRequestRow> SupportRequestQuery::find(std::int64_t id,
                                                    std::optional<std::int64_t> customer_id) {
  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  SupportRequestRow row;
  {
    Result<CachedStatement> select =
        db_.cached("SELECT " + std::string(kColumns) +
                   " FROM support_requests.requests WHERE id = ?1 AND (?2 IS NULL OR "
                   "customer_id = ?2)");
    if (!select.ok()) return select.status();
    if (Status s = (*select)->bind_all(id, customer_id); !s.ok()) return s;
    Result<bool> found = (*select)->step();
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("no such support request");
    row = read_row(**select);
  }
  Result<CachedStatement> messages = db_.cached(
      "SELECT id, sender_type, sender_id, message, created_at, event_id "
      "FROM support_requests.messages WHERE request_id = ?1 ORDER BY id");
  if (!messages.ok()) return messages.status();
  if (Status s = (*messages)->bind(1, id); !s.ok()) return s;
  for (;;) {
    Result<bool> more = (*messages)->step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Statement& st = **messages;
    row.messages.push_back({st.column_int64(0), std::string(st.column_text(1)),
                            st.column_optional_int64(2), std::string(st.column_text(3)),
                            std::string(st.column_text(4)),
                            static_cast<std::uint64_t>(st.column_int64(5))});
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  return row;
}

Result<SupportRequestPage> SupportRequestQuery::list(const SupportRequestListRequest& r) {
  if (r.page == 0) return Status::InvalidArgument("page starts at 1");
  if (r.pageSize == 0 || r.pageSize > kMaxSupportRequestPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and 100");
  }
  std::string order;
  if (r.sortBy == "createdAt") {
    order = "id";
  } else if (r.sortBy == "updatedAt") {
    order = "updated_at";
  } else if (r.sortBy == "priority") {
    order = "priority_rank";
  } else {
    return Status::InvalidArgument("unknown sortBy");
  }
  const char* direction = r.ascending ? " ASC" : " DESC";
  const std::string where =
      " FROM support_requests.requests WHERE (?1 IS NULL OR customer_id = ?1)"
      " AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR category = ?3)"
      " AND (?4 IS NULL OR priority = ?4) AND (?5 IS NULL OR assigned_admin_id = ?5)"
      " AND (?6 = 0 OR assigned_admin_id IS NULL)"
      " AND (?7 IS NULL OR subject LIKE ?7 ESCAPE '\\' OR ticket_number LIKE ?7 ESCAPE '\\')";
  std::optional<std::string> pattern;
  if (r.search) pattern = like_pattern(*r.search);
  auto bind = [&](Statement& st) {
    return st.bind_all(r.customerId, r.status, r.category, r.priority, r.assignedAdminId,
                       r.unassigned ? 1 : 0, pattern);
  };

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  SupportRequestPage page;
  {
    Result<CachedStatement> count = db_.cached("SELECT count(*)" + where);
    if (!count.ok()) return count.status();
    if (Status s = bind(**count); !s.ok()) return s;
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
  }
  {
    Result<CachedStatement> select =
        db_.cached("SELECT " + std::string(kColumns) + where + " ORDER BY " + order + direction +
                   ", id" + direction + " LIMIT ?8 OFFSET ?9");
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status s = bind(st);
    if (s.ok()) s = st.bind(8, static_cast<std::int64_t>(r.pageSize));
    if (s.ok()) s = st.bind(9, static_cast<std::int64_t>(r.page - 1) * r.pageSize);
    if (!s.ok()) return s;
    for (;;) {
      Result<bool> row = st.step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(read_row(st));
    }
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  return page;
}

}  // namespace docket::projections

#include "projections/feedback_query.h"

#include <string_view>

#include "projections/like_pattern.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, customer_id, category, message, rating, app_version, platform, status, reviewed_by, "
    "reviewed_at, created_at, updated_at";

FeedbackRow read_row(const Statement& st) {
  FeedbackRow r;
  r.id = st.column_int64(0);
  r.customerId = st.column_int64(1);
  r.category = std::string(st.column_text(2));
  r.message = std::string(st.column_text(3));
  r.rating = st.column_optional_int64(4);
  r.appVersion = st.column_optional_text(5);
  r.platform = st.column_optional_text(6);
  r.status = std::string(st.column_text(7));
  r.reviewedByAdminId = st.column_optional_int64(8);
  r.reviewedAt = st.column_optional_text(9);
  r.createdAt = std::string(st.column_text(10));
  r.updatedAt = std::string(st.column_text(11));
  return r;
}

// One of four fixed clauses: column names cannot be bound, so they come from this
// whitelist and each combination stays one cached statement.
std::string_view order_by(std::string_view sort, bool ascending) {
  if (sort == "updatedAt") {
    return ascending ? " ORDER BY updated_at, id" : " ORDER BY updated_at DESC, id DESC";
  }
  return ascending ? " ORDER BY created_at, id" : " ORDER BY created_at DESC, id DESC";
}

}  // namespace

Result<FeedbackRow> FeedbackQuery::find(std::int64_t id) {
  Result<CachedStatement> select =
      db_.cached("SELECT " + std::string(kColumns) + " FROM feedback.feedback WHERE id = ?1");
  if (!select.ok()) return select.status();
  if (Status s = (*select)->bind(1, id); !s.ok()) return s;
  Result<bool> row = (*select)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such feedback");
  return read_row(**select);
}

Result<FeedbackPage> FeedbackQuery::list(const FeedbackListRequest& request) {
  if (request.page == 0) return Status::InvalidArgument("page starts at 1");
  if (request.pageSize == 0 || request.pageSize > kMaxFeedbackPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and " +
                                   std::to_string(kMaxFeedbackPageSize));
  }
  // Fixed SQL with optional filters: (?n IS NULL OR …) keeps one cached statement.
  const std::string where =
      " FROM feedback.feedback WHERE (?1 IS NULL OR status = ?1)"
      " AND (?2 IS NULL OR category = ?2) AND (?3 IS NULL OR customer_id = ?3)"
      " AND (?4 IS NULL OR message LIKE ?4 ESCAPE '\\')";
  std::optional<std::string> pattern;
  if (request.search) pattern = like_pattern(*request.search);

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  FeedbackPage page;
  {
    Result<CachedStatement> count = db_.cached("SELECT count(*)" + where);
    if (!count.ok()) return count.status();
    Status s = (*count)->bind_all(request.status, request.category, request.customerId, pattern);
    if (!s.ok()) return s;
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
  }
  {
    Result<CachedStatement> select = db_.cached(
        "SELECT " + std::string(kColumns) + where +
        std::string(order_by(request.sortBy, request.ascending)) + " LIMIT ?5 OFFSET ?6");
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status s = st.bind_all(request.status, request.category, request.customerId, pattern,
                           static_cast<std::int64_t>(request.pageSize),
                           static_cast<std::int64_t>(request.page - 1) * request.pageSize);
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

#include "projections/account_query.h"

#include "projections/like_pattern.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, role, email, name, phone, permissions, active, created_at, updated_at, "
    "deactivated_at, created_by";

AccountRow read_row(const Statement& st) {
  AccountRow r;
  r.id = st.column_int64(0);
  r.role = std::string(st.column_text(1));
  r.email = std::string(st.column_text(2));
  r.name = std::string(st.column_text(3));
  r.phone = st.column_optional_text(4);
  auto perms = auth::PermissionSet::from_json(st.column_text(5));
  if (perms.ok()) r.permissions = *perms;
  r.active = st.column_int64(6) != 0;
  r.createdAt = std::string(st.column_text(7));
  r.updatedAt = std::string(st.column_text(8));
  r.deactivatedAt = st.column_optional_text(9);
  r.createdBy = st.column_optional_int64(10);
  return r;
}

}  // namespace

Result<AccountRow> AccountQuery::find(std::int64_t id) {
  Result<CachedStatement> select =
      db_.cached("SELECT " + std::string(kColumns) + " FROM accounts.accounts WHERE id = ?1");
  if (!select.ok()) return select.status();
  if (Status s = (*select)->bind(1, id); !s.ok()) return s;
  Result<bool> row = (*select)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such account");
  return read_row(**select);
}

Result<std::vector<std::int64_t>> AccountQuery::active_staff_holding(auth::Permission permission) {
  Result<CachedStatement> select =
      db_.cached("SELECT " + std::string(kColumns) +
                 " FROM accounts.accounts WHERE role != 'customer' AND active = 1 ORDER BY id");
  if (!select.ok()) return select.status();
  std::vector<std::int64_t> ids;
  for (;;) {
    Result<bool> row = (*select)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    AccountRow account = read_row(**select);
    if (account.permissions.has(permission)) ids.push_back(account.id);
  }
  return ids;
}

Result<StaffPage> AccountQuery::list_staff(const StaffListRequest& request) {
  if (request.page == 0) return Status::InvalidArgument("page starts at 1");
  if (request.pageSize == 0 || request.pageSize > kMaxAccountPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and " +
                                   std::to_string(kMaxAccountPageSize));
  }
  // Fixed SQL with optional filters: (?n IS NULL OR …) keeps one cached statement.
  const std::string where =
      " FROM accounts.accounts WHERE role <> 'customer'"
      " AND (?1 IS NULL OR role = ?1) AND (?2 IS NULL OR active = ?2)"
      " AND (?3 IS NULL OR email LIKE ?3 ESCAPE '\\' OR name LIKE ?3 ESCAPE '\\')";
  std::optional<std::int64_t> active;
  if (request.active) active = *request.active ? 1 : 0;
  std::optional<std::string> pattern;
  if (request.search) pattern = like_pattern(*request.search);

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  StaffPage page;
  {
    Result<CachedStatement> count = db_.cached("SELECT count(*)" + where);
    if (!count.ok()) return count.status();
    if (Status s = (*count)->bind_all(request.role, active, pattern); !s.ok()) return s;
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
  }
  {
    Result<CachedStatement> select =
        db_.cached("SELECT " + std::string(kColumns) + where + " ORDER BY id LIMIT ?4 OFFSET ?5");
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status s =
        st.bind_all(request.role, active, pattern, static_cast<std::int64_t>(request.pageSize),
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

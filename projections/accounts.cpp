#include "projections/accounts.h"

#include <string>

#include "core/time_format.h"
#include "domain/account.h"
#include "projections/sqlite.h"

namespace docket::projections {

Status AccountsProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE accounts("
      "id INTEGER PRIMARY KEY, role TEXT NOT NULL, email TEXT NOT NULL UNIQUE, "
      "name TEXT NOT NULL, phone TEXT, permissions TEXT NOT NULL, active INTEGER NOT NULL, "
      "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deactivated_at TEXT, "
      "created_by INTEGER, version INTEGER NOT NULL);"
      "CREATE INDEX accounts_by_role ON accounts(role, id);");
}

Status AccountsProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::AccountEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::AccountEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  const std::string at = format_iso8601(event.occurredAt);
  const auto insert = [&](std::int64_t id, std::string_view role, const std::string& email,
                          const std::string& name, const std::optional<std::string>& phone,
                          const std::string& permissions,
                          std::optional<std::int64_t> created_by) -> Status {
    Result<CachedStatement> st = db.cached(
        "INSERT INTO accounts(id, role, email, name, phone, permissions, active, created_at, "
        "updated_at, created_by, version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8, ?9)");
    if (!st.ok()) return st.status();
    Status s = (*st)->bind_all(id, role, email, name, phone, permissions, at, created_by,
                               event.streamVersion);
    return s.ok() ? (*st)->run() : s;
  };
  const auto set_active = [&](std::int64_t id, bool active) -> Status {
    Result<CachedStatement> st = db.cached(
        "UPDATE accounts SET active = ?2, deactivated_at = ?3, updated_at = ?4, version = ?5 "
        "WHERE id = ?1");
    if (!st.ok()) return st.status();
    std::optional<std::string> deactivated_at;
    if (!active) deactivated_at = at;
    Status s = (*st)->bind_all(id, active ? 1 : 0, deactivated_at, at, event.streamVersion);
    return s.ok() ? (*st)->run() : s;
  };
  return std::visit(
      events::Overloaded{
          [&](const domain::AccountRegistered& e) {
            return insert(e.accountId, domain::kRoleCustomer, e.email, e.name, e.phone, "[]",
                          std::nullopt);
          },
          [&](const domain::StaffCreated& e) {
            return insert(e.accountId, e.role, e.email, e.name, std::nullopt,
                          domain::permission_set(e.permissions).to_json(), e.createdByAccountId);
          },
          [&](const domain::StaffPermissionsChanged& e) -> Status {
            Result<CachedStatement> st = db.cached(
                "UPDATE accounts SET role = ?2, permissions = ?3, updated_at = ?4, version = ?5 "
                "WHERE id = ?1");
            if (!st.ok()) return st.status();
            Status s = (*st)->bind_all(e.accountId, e.role,
                                       domain::permission_set(e.permissions).to_json(), at,
                                       event.streamVersion);
            return s.ok() ? (*st)->run() : s;
          },
          [&](const domain::AccountDeactivated& e) { return set_active(e.accountId, false); },
          [&](const domain::AccountReactivated& e) { return set_active(e.accountId, true); },
          [&](const domain::AccountPasswordReset& e) -> Status {
            // The read model holds no password; the account changed all the same.
            Result<CachedStatement> st =
                db.cached("UPDATE accounts SET updated_at = ?2, version = ?3 WHERE id = ?1");
            if (!st.ok()) return st.status();
            Status s = (*st)->bind_all(e.accountId, at, event.streamVersion);
            return s.ok() ? (*st)->run() : s;
          },
      },
      *decoded);
}

}  // namespace docket::projections

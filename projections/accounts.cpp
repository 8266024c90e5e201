#include "projections/accounts.h"

#include <string>

#include <simdjson.h>

#include "core/auth/permissions.h"
#include "core/time_format.h"
#include "domain/account.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

// The permission names of `data.permissions`, normalized to catalogue order.
std::string permissions_json(simdjson::dom::object data) {
  std::string raw = simdjson::minify(data["permissions"]);
  auto set = auth::PermissionSet::from_json(raw);
  return set.ok() ? set->to_json() : "[]";
}

std::string text(simdjson::dom::object data, const char* key) {
  std::string_view v;
  return data[key].get_string().get(v) ? std::string() : std::string(v);
}

}  // namespace

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
  if (!event.type.starts_with("account.")) return Status::Ok();
  thread_local simdjson::dom::parser parser;  // buffers reused from event to event
  simdjson::dom::object data;
  if (parser.parse(event.data).get_object().get(data)) {
    return Status::Corruption("event " + std::to_string(event.eventId) + ": data is not an object");
  }
  std::int64_t id = 0;
  if (data["accountId"].get_int64().get(id)) {
    return Status::Corruption("event " + std::to_string(event.eventId) + ": no accountId");
  }
  const std::string at = format_iso8601(event.occurredAt);

  if (event.type == domain::kAccountRegistered || event.type == domain::kStaffCreated) {
    const bool staff = event.type == domain::kStaffCreated;
    Result<CachedStatement> insert = db.cached(
        "INSERT INTO accounts(id, role, email, name, phone, permissions, active, created_at, "
        "updated_at, created_by, version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8, ?9)");
    if (!insert.ok()) return insert.status();
    std::optional<std::string> phone;
    std::string_view p;
    if (!data["phone"].get_string().get(p)) phone = std::string(p);
    std::optional<std::int64_t> created_by;
    std::int64_t by = 0;
    if (!data["createdByAccountId"].get_int64().get(by)) created_by = by;
    Status s = (*insert)->bind_all(
        id, staff ? text(data, "role") : std::string(domain::kRoleCustomer), text(data, "email"),
        text(data, "name"), phone, staff ? permissions_json(data) : std::string("[]"), at,
        created_by, event.streamVersion);
    return s.ok() ? (*insert)->run() : s;
  }
  if (event.type == domain::kAccountPermissionsChanged) {
    Result<CachedStatement> update = db.cached(
        "UPDATE accounts SET role = ?2, permissions = ?3, updated_at = ?4, version = ?5 "
        "WHERE id = ?1");
    if (!update.ok()) return update.status();
    Status s = (*update)->bind_all(id, text(data, "role"), permissions_json(data), at,
                                   event.streamVersion);
    return s.ok() ? (*update)->run() : s;
  }
  if (event.type == domain::kAccountDeactivated || event.type == domain::kAccountReactivated) {
    const bool active = event.type == domain::kAccountReactivated;
    Result<CachedStatement> update = db.cached(
        "UPDATE accounts SET active = ?2, deactivated_at = ?3, updated_at = ?4, version = ?5 "
        "WHERE id = ?1");
    if (!update.ok()) return update.status();
    std::optional<std::string> deactivated_at;
    if (!active) deactivated_at = at;
    Status s = (*update)->bind_all(id, active ? 1 : 0, deactivated_at, at, event.streamVersion);
    return s.ok() ? (*update)->run() : s;
  }
  return Status::Ok();
}

}  // namespace docket::projections

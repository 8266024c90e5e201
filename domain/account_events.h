// The events of the account aggregate (domain/account.h) in stream `account-<id>`, and
// the permission catalogue's (domain/permission_catalogue.h). Writers and every reader
// use these structs; docs/events.md lists them. See events/payload.h for encoding,
// strict decoding and schema versions.
//
// passwordHash is a self-describing Argon2id string, never a password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "events/payload.h"

namespace docket::domain {

// A customer signed up.
struct AccountRegistered {
  static constexpr std::string_view kType = "account.registered";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string email;  // normalized
  std::string name;
  std::optional<std::string> phone;
  std::string passwordHash;
  static constexpr auto fields() {
    using E = AccountRegistered;
    return std::tuple{events::field("accountId", &E::accountId), events::field("email", &E::email),
                      events::field("name", &E::name), events::field("phone", &E::phone),
                      events::field("passwordHash", &E::passwordHash)};
  }
};

// An admin or the operator created a staff member (role "agent" or "admin").
// permissions: catalogue names in catalogue order; a name a later build drops grants
// nothing.
struct StaffCreated {
  static constexpr std::string_view kType = "account.staff_created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string email;
  std::string name;
  std::string role;
  std::vector<std::string> permissions;
  std::string passwordHash;
  std::optional<std::int64_t> createdByAccountId;  // none: the operator or bootstrap
  static constexpr auto fields() {
    using E = StaffCreated;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("email", &E::email),
                      events::field("name", &E::name),
                      events::field("role", &E::role),
                      events::field("permissions", &E::permissions),
                      events::field("passwordHash", &E::passwordHash),
                      events::field("createdByAccountId", &E::createdByAccountId)};
  }
};

// The whole new role and permission set of a staff member.
struct StaffPermissionsChanged {
  static constexpr std::string_view kType = "account.permissions_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string role;
  std::vector<std::string> permissions;
  static constexpr auto fields() {
    using E = StaffPermissionsChanged;
    return std::tuple{events::field("accountId", &E::accountId), events::field("role", &E::role),
                      events::field("permissions", &E::permissions)};
  }
};

struct AccountDeactivated {
  static constexpr std::string_view kType = "account.deactivated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  static constexpr auto fields() {
    return std::tuple{events::field("accountId", &AccountDeactivated::accountId)};
  }
};

struct AccountReactivated {
  static constexpr std::string_view kType = "account.reactivated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  static constexpr auto fields() {
    return std::tuple{events::field("accountId", &AccountReactivated::accountId)};
  }
};

// A staff member's new password, set by the operator (docket accounts reset-admin):
// the Argon2id hash, never the password.
struct AccountPasswordReset {
  static constexpr std::string_view kType = "account.password_reset";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string passwordHash;
  static constexpr auto fields() {
    using E = AccountPasswordReset;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("passwordHash", &E::passwordHash)};
  }
};

using AccountEvent = events::EventSet<AccountRegistered, StaffCreated, StaffPermissionsChanged,
                                      AccountDeactivated, AccountReactivated, AccountPasswordReset>;

// One permission of the catalogue as recorded.
struct PermissionEntry {
  std::string name;
  std::string description;
  static constexpr auto fields() {
    return std::tuple{events::field("name", &PermissionEntry::name),
                      events::field("description", &PermissionEntry::description)};
  }
};

// The staff permission catalogue this build knows, recorded in stream
// `permission_catalogue` when it differs from the latest recorded one.
struct PermissionCatalogueSeeded {
  static constexpr std::string_view kType = "permission.catalogue_seeded";
  static constexpr std::uint32_t kVersion = 1;
  std::vector<PermissionEntry> permissions;
  static constexpr auto fields() {
    return std::tuple{events::field("permissions", &PermissionCatalogueSeeded::permissions)};
  }
};

}  // namespace docket::domain

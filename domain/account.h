// The account aggregate: customers, who register themselves, and staff (agents and
// admins), whom an admin or the operator creates.
//
// Stream `account-<id>`; ids come from the id sequence "account" (1, 2, 3, ...). An
// account's e-mail is normalized (trimmed, lower-cased) and owned through the unique key
// `email:<email>`, so two accounts can never share one. Events (docs/events.md):
//
//   account.registered           customer signed up       {accountId, email, name, phone,
//                                                           passwordHash}
//   account.staff_created        staff member created     {accountId, email, name, role,
//                                                           permissions, passwordHash,
//                                                           createdByAccountId}
//   account.permissions_changed  staff role/permissions   {accountId, role, permissions}
//   account.deactivated          staff can no longer sign in  {accountId}
//   account.reactivated          and again can               {accountId}
//
// passwordHash is a self-describing Argon2id string (never the password). Pure: folding
// and the decisions in account_commands.h do no I/O. Thread-safe (values only).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/auth/permissions.h"
#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"

namespace docket::domain {

inline constexpr std::string_view kAccountSequence = "account";
inline constexpr std::string_view kAccountRegistered = "account.registered";
inline constexpr std::string_view kStaffCreated = "account.staff_created";
inline constexpr std::string_view kAccountPermissionsChanged = "account.permissions_changed";
inline constexpr std::string_view kAccountDeactivated = "account.deactivated";
inline constexpr std::string_view kAccountReactivated = "account.reactivated";

inline constexpr std::string_view kRoleCustomer = "customer";

// "account-<id>".
std::string account_stream(std::int64_t id);
// The account id of an "account-<id>" stream; nullopt for any other name.
std::optional<std::int64_t> account_id_of_stream(std::string_view stream);
// Trimmed (ASCII space, tab, CR, LF) and lower-cased (ASCII).
std::string normalize_email(std::string_view email);
// The unique key that owns a normalized e-mail: "email:<email>".
std::string email_key(std::string_view normalized_email);

struct Account {
  std::int64_t id = 0;
  std::string role;  // "customer", "agent", "admin"
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  auth::PermissionSet permissions;  // staff only
  bool active = true;
  std::string passwordHash;
  UnixMillis createdAt = 0;
  UnixMillis updatedAt = 0;
  std::uint64_t version = 0;  // stream version folded so far

  bool is_staff() const { return role != kRoleCustomer; }
};

// Folds the events of one account stream, oldest first. NotFound when `events` is
// empty; Corruption when an event is not an account event or its data is malformed.
Result<Account> fold_account(std::span<const events::EventRecord> events);

}  // namespace docket::domain

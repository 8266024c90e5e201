// The account aggregate: customers, who register themselves, and staff (agents and
// admins), whom an admin or the operator creates.
//
// Stream `account-<id>`; ids come from the id sequence "account" (1, 2, 3, ...). An
// account's e-mail is normalized (trimmed, lower-cased) and owned through the unique key
// `email:<email>`, so two accounts can never share one. The events are in
// domain/account_events.h.
//
// passwordHash is a self-describing Argon2id string (never the password). Pure: folding
// and the decisions in account_commands.h do no I/O. Thread-safe (values only).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/permissions.h"
#include "core/clock.h"
#include "core/result.h"
#include "domain/account_events.h"
#include "events/event.h"

namespace docket::domain {

inline constexpr std::string_view kAccountSequence = "account";
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

// The permission set an event's names grant: a name no longer in the catalogue grants
// nothing (the others still do).
auth::PermissionSet permission_set(const std::vector<std::string>& names);

// Applies one event of the account's stream (the caller sets `version`).
Status apply(Account& a, const AccountEvent::Variant& event, const events::EventRecord& record);
// Folds the events of one account stream, oldest first. Refused kAccountNotFound when
// `events` is empty; Corruption when an event is not an account event or its data is
// malformed.
Result<Account> fold_account(std::span<const events::EventRecord> events);

}  // namespace docket::domain

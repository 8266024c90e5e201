// Decisions of the account aggregate (domain/account.h), as PrepareFns run on the
// writer thread against the staged view, and the reads login and the CLI need.
//
// Each decision reads only what it needs from the view (the e-mail's unique key, the
// account's own stream, the id sequence) and returns the AppendRequest of the events,
// or a refusal (domain/refusal.h) that rejects only this command:
//   kEmailTaken            the e-mail belongs to another account
//   kStaffNotFound         no such staff account (staff commands)
//   kAccountStateConflict  already active / deactivated, or deactivating oneself
//   kStaffExists           the bootstrap admin when a staff account exists
//   kLastStaffManager      the change would leave no active staff member holding
//                          Staff_MANAGE (checked against `managers`, below)
// Passwords are hashed by the caller before the command is queued (hashing takes tens
// of milliseconds and must not run on the writer thread); commands carry only hashes.
// Thread-safe: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/permissions.h"
#include "core/result.h"
#include "domain/account.h"
#include "domain/command_meta.h"
#include "events/event_store.h"

namespace docket::domain {

// Claimed by the first staff account ever created; lets DOCKET_BOOTSTRAP_ADMIN_* act
// only on a log without staff.
inline constexpr std::string_view kFirstStaffKey = "staff:first";

struct RegisterCustomer {
  static constexpr std::string_view kName = "account.register_customer";
  std::string email;  // REQUIRES: normalized, valid
  std::string name;
  std::optional<std::string> phone;
  std::string passwordHash;
};

struct CreateStaff {
  static constexpr std::string_view kName = "account.create_staff";
  std::string email;  // REQUIRES: normalized, valid
  std::string name;
  std::string role;  // REQUIRES: "agent" or "admin"
  auth::PermissionSet permissions;
  std::string passwordHash;
  std::optional<std::int64_t> createdBy;  // the admin; none for the operator/bootstrap
  // Refused kStaffExists when any staff account exists already (bootstrap).
  bool onlyIfFirstStaff = false;
};

// The staff accounts that held Staff_MANAGE as the read model saw them when a command
// was made. A decision that would take Staff_MANAGE away from an active holder (a
// permission change, a deactivation) re-reads each of them from the log and refuses
// kLastStaffManager when none other is an active holder any more. The decision checks
// the log, so two admins demoting each other at once cannot both succeed; a holder the
// read model did not have yet can only make it refuse, never allow.
using StaffManagers = std::vector<std::int64_t>;

struct ChangeStaffPermissions {
  static constexpr std::string_view kName = "account.change_staff_permissions";
  std::int64_t accountId = 0;
  std::optional<std::string> role;  // REQUIRES: "agent" or "admin"; none: keep the role
  auth::PermissionSet permissions;
  StaffManagers managers;
};

struct SetStaffActive {
  static constexpr std::string_view kName = "account.set_staff_active";
  std::int64_t accountId = 0;
  bool active = false;
  std::optional<std::int64_t> byAccountId;  // kAccountStateConflict when deactivating oneself
  StaffManagers managers;
};

// The operator's way back in (docket accounts reset-admin): makes the staff account an
// active admin holding every permission, and sets its password when one is given.
// Refused kStaffNotFound for an id that is not a staff account.
struct ResetAdmin {
  static constexpr std::string_view kName = "account.reset_admin";
  std::int64_t accountId = 0;
  std::optional<std::string> passwordHash;
};

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RegisterCustomer& command, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const CreateStaff& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeStaffPermissions& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const SetStaffActive& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const ResetAdmin& command,
                                     const CommandMeta& meta);

// OK when `assignee` is none (unassigning) or an active staff member; refused
// kAssigneeNotActiveStaff otherwise. Shared by every aggregate that assigns work.
Status check_assignee(const events::StagedView& view, std::optional<std::int64_t> assignee);

// The account with this id, folded from its stream (durable and staged events).
Result<Account> load_account(const events::StagedView& view, std::int64_t id);
// The account with this id from the durable log. Refused kAccountNotFound when there
// is none.
Result<Account> load_account(const events::EventStore& store, std::int64_t id);
// The account owning a normalized e-mail, or nullopt.
Result<std::optional<Account>> find_account_by_email(const events::EventStore& store,
                                                     std::string_view normalized_email);

}  // namespace docket::domain

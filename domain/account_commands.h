// Decisions of the account aggregate (domain/account.h), as PrepareFns run on the
// writer thread against the staged view, and the reads login and the CLI need.
//
// Each decide_* reads only what it needs from the view (the e-mail's unique key, the
// account's own stream, the id sequence) and returns the AppendRequest of the events,
// or an error that rejects only this command:
//   AlreadyExists       the e-mail belongs to another account
//   NotFound            no such account (or not a staff account, for staff commands)
//   FailedPrecondition  the command does not apply in the account's state
// Passwords are hashed by the caller before the command is queued (hashing takes tens
// of milliseconds and must not run on the writer thread); commands carry only hashes.
// Thread-safe: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
  std::string email;  // REQUIRES: normalized, valid
  std::string name;
  std::optional<std::string> phone;
  std::string passwordHash;
};

struct CreateStaff {
  std::string email;  // REQUIRES: normalized, valid
  std::string name;
  std::string role;  // REQUIRES: "agent" or "admin"
  auth::PermissionSet permissions;
  std::string passwordHash;
  std::optional<std::int64_t> createdBy;  // the admin; none for the operator/bootstrap
  // FailedPrecondition when any staff account exists already (bootstrap).
  bool onlyIfFirstStaff = false;
};

struct ChangeStaffPermissions {
  std::int64_t accountId = 0;
  std::string role;  // REQUIRES: "agent" or "admin"
  auth::PermissionSet permissions;
};

struct SetStaffActive {
  std::int64_t accountId = 0;
  bool active = false;
  std::optional<std::int64_t> byAccountId;  // FailedPrecondition when deactivating oneself
};

Result<events::AppendRequest> decide_register_customer(const events::StagedView& view,
                                                       const RegisterCustomer& command,
                                                       const CommandMeta& meta);
Result<events::AppendRequest> decide_create_staff(const events::StagedView& view,
                                                  const CreateStaff& command,
                                                  const CommandMeta& meta);
Result<events::AppendRequest> decide_change_staff_permissions(const events::StagedView& view,
                                                              const ChangeStaffPermissions& command,
                                                              const CommandMeta& meta);
Result<events::AppendRequest> decide_set_staff_active(const events::StagedView& view,
                                                      const SetStaffActive& command,
                                                      const CommandMeta& meta);

// The account with this id, folded from its stream (durable and staged events).
Result<Account> load_account(const events::StagedView& view, std::int64_t id);
// The account with this id from the durable log. NotFound when there is none.
Result<Account> load_account(const events::EventStore& store, std::int64_t id);
// The account owning a normalized e-mail, or nullopt.
Result<std::optional<Account>> find_account_by_email(const events::EventStore& store,
                                                     std::string_view normalized_email);

}  // namespace docket::domain

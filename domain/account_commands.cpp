#include "domain/account_commands.h"

#include "domain/append.h"
#include "domain/refusal.h"

namespace docket::domain {
namespace {

// Reserves the next account id and the e-mail; refused kEmailTaken when it is taken.
Result<std::int64_t> reserve(const events::StagedView& view, std::string_view email) {
  auto owner = view.unique_owner(email_key(email));
  if (!owner.ok()) return owner.status();
  if (!owner->empty()) return refuse(Refusal::kEmailTaken);
  auto last = view.last_id(kAccountSequence);
  if (!last.ok()) return last.status();
  return static_cast<std::int64_t>(*last + 1);
}

// A new account's stream with its id and e-mail claims.
events::StreamAppend& open_account(events::AppendRequest& req, std::int64_t id,
                                   std::string_view email) {
  const std::string stream = account_stream(id);
  req.ids.push_back({std::string(kAccountSequence), static_cast<std::uint64_t>(id)});
  req.claims.push_back({email_key(email), stream});
  return open_stream(req, stream, events::kNoStream);
}

std::vector<std::string> permission_names(const auth::PermissionSet& set) {
  std::vector<std::string> names;
  for (std::string_view name : set.names())
    names.emplace_back(name);
  return names;
}

Result<Account> load_staff(const events::StagedView& view, std::int64_t id) {
  auto account = load_account(view, id);
  if (!account.ok()) {
    if (refusal_of(account.status()) == Refusal::kAccountNotFound) {
      return refuse(Refusal::kStaffNotFound);
    }
    return account.status();
  }
  if (!account->is_staff()) return refuse(Refusal::kStaffNotFound);
  return account;
}

bool holds_staff_manage(const Account& account) {
  return account.is_staff() && account.active &&
         account.permissions.has(auth::Permission::kStaffManage);
}

// Refused kLastStaffManager when `target` holds Staff_MANAGE now, would not after the
// command (`keeps`), and no other account of `managers` is an active holder in the log.
Status keep_a_manager(const events::StagedView& view, const Account& target, bool keeps,
                      const StaffManagers& managers) {
  if (!holds_staff_manage(target) || keeps) return Status::Ok();
  for (std::int64_t id : managers) {
    if (id == target.id) continue;
    auto other = load_account(view, id);
    if (!other.ok()) {
      if (refusal_of(other.status()) == Refusal::kAccountNotFound) continue;
      return other.status();
    }
    if (holds_staff_manage(*other)) return Status::Ok();
  }
  return refuse(Refusal::kLastStaffManager);
}

}  // namespace

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RegisterCustomer& command, const CommandMeta& meta) {
  auto id = reserve(view, command.email);
  if (!id.ok()) return id.status();
  auto req = start_append(meta);
  add_event(
      open_account(req, *id, command.email),
      AccountRegistered{*id, command.email, command.name, command.phone, command.passwordHash});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateStaff& command,
                                     const CommandMeta& meta) {
  auto first = view.unique_owner(kFirstStaffKey);
  if (!first.ok()) return first.status();
  if (command.onlyIfFirstStaff && !first->empty()) return refuse(Refusal::kStaffExists);
  auto id = reserve(view, command.email);
  if (!id.ok()) return id.status();
  auto req = start_append(meta);
  add_event(
      open_account(req, *id, command.email),
      StaffCreated{*id, command.email, command.name, command.role,
                   permission_names(command.permissions), command.passwordHash, command.createdBy});
  if (first->empty()) req.claims.push_back({std::string(kFirstStaffKey), account_stream(*id)});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeStaffPermissions& command,
                                     const CommandMeta& meta) {
  auto account = load_staff(view, command.accountId);
  if (!account.ok()) return account.status();
  if (Status st =
          keep_a_manager(view, *account, command.permissions.has(auth::Permission::kStaffManage),
                         command.managers);
      !st.ok()) {
    return st;
  }
  auto req = start_append(meta);
  add_event(open_stream(req, account_stream(command.accountId), account->version),
            StaffPermissionsChanged{command.accountId, command.role.value_or(account->role),
                                    permission_names(command.permissions)});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const SetStaffActive& command,
                                     const CommandMeta& meta) {
  auto account = load_staff(view, command.accountId);
  if (!account.ok()) return account.status();
  if (account->active == command.active) {
    return refuse(Refusal::kAccountStateConflict, command.active
                                                      ? "the account is already active"
                                                      : "the account is already deactivated");
  }
  if (!command.active && command.byAccountId == command.accountId) {
    return refuse(Refusal::kAccountStateConflict, "staff cannot deactivate their own account");
  }
  if (Status st = keep_a_manager(view, *account, command.active, command.managers); !st.ok()) {
    return st;
  }
  auto req = start_append(meta);
  auto& stream = open_stream(req, account_stream(command.accountId), account->version);
  if (command.active) {
    add_event(stream, AccountReactivated{command.accountId});
  } else {
    add_event(stream, AccountDeactivated{command.accountId});
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const ResetAdmin& command,
                                     const CommandMeta& meta) {
  auto account = load_staff(view, command.accountId);
  if (!account.ok()) return account.status();
  auto req = start_append(meta);
  auto& stream = open_stream(req, account_stream(command.accountId), account->version);
  const auth::PermissionSet every = auth::PermissionSet::all();
  if (account->role != "admin" || account->permissions != every) {
    add_event(stream, StaffPermissionsChanged{command.accountId, "admin", permission_names(every)});
  }
  if (!account->active) add_event(stream, AccountReactivated{command.accountId});
  if (command.passwordHash) {
    add_event(stream, AccountPasswordReset{command.accountId, *command.passwordHash});
  }
  if (stream.events.empty()) {
    return refuse(Refusal::kAccountStateConflict,
                  "the account is an active admin with every permission already");
  }
  return req;
}

Status check_assignee(const events::StagedView& view, std::optional<std::int64_t> assignee) {
  if (!assignee) return Status::Ok();
  auto staff = load_account(view, *assignee);
  if (!staff.ok() && refusal_of(staff.status()) != Refusal::kAccountNotFound) {
    return staff.status();
  }
  if (!staff.ok() || !staff->is_staff() || !staff->active) {
    return refuse(Refusal::kAssigneeNotActiveStaff);
  }
  return Status::Ok();
}

Result<Account> load_account(const events::StagedView& view, std::int64_t id) {
  auto records = view.read_stream(account_stream(id), 1);
  if (!records.ok()) return records.status();
  return fold_account(*records);
}

Result<Account> load_account(const events::EventStore& store, std::int64_t id) {
  auto records = store.read_stream(account_stream(id), 1, SIZE_MAX);
  if (!records.ok()) return records.status();
  return fold_account(*records);
}

Result<std::optional<Account>> find_account_by_email(const events::EventStore& store,
                                                     std::string_view normalized_email) {
  auto owner = store.unique_owner(email_key(normalized_email));
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return std::optional<Account>();
  auto id = account_id_of_stream(*owner);
  if (!id) return Status::Corruption("e-mail key owned by " + *owner);
  auto account = load_account(store, *id);
  if (!account.ok()) return account.status();
  return std::optional<Account>(std::move(account).value());
}

}  // namespace docket::domain

#include "domain/account_commands.h"

#include "core/json_writer.h"

namespace docket::domain {
namespace {

events::AppendRequest one_event(std::string stream, std::uint64_t expected, std::string_view type,
                                std::string data, const CommandMeta& meta) {
  events::AppendRequest req;
  req.streams.push_back(
      {std::move(stream), expected, {events::NewEvent{std::string(type), 1, std::move(data)}}});
  req.actor = meta.actor;
  req.meta = meta.request;
  return req;
}

Status email_taken() {
  return Status::AlreadyExists("an account with this e-mail already exists");
}

// Reserves the next account id and the e-mail; AlreadyExists when the e-mail is taken.
Result<std::int64_t> reserve(const events::StagedView& view, std::string_view email) {
  auto owner = view.unique_owner(email_key(email));
  if (!owner.ok()) return owner.status();
  if (!owner->empty()) return email_taken();
  auto last = view.last_id(kAccountSequence);
  if (!last.ok()) return last.status();
  return static_cast<std::int64_t>(*last + 1);
}

void claim(events::AppendRequest& req, std::int64_t id, std::string_view email) {
  const std::string stream = account_stream(id);
  req.ids.push_back({std::string(kAccountSequence), static_cast<std::uint64_t>(id)});
  req.claims.push_back({email_key(email), stream});
}

Result<Account> load_staff(const events::StagedView& view, std::int64_t id) {
  auto account = load_account(view, id);
  if (!account.ok()) return account.status();
  if (!account->is_staff()) return Status::NotFound("no such staff account");
  return account;
}

}  // namespace

Result<events::AppendRequest> decide_register_customer(const events::StagedView& view,
                                                       const RegisterCustomer& command,
                                                       const CommandMeta& meta) {
  auto id = reserve(view, command.email);
  if (!id.ok()) return id.status();
  JsonWriter w;
  w.begin_object().field("accountId", *id).field("email", command.email);
  w.field("name", command.name).field("phone", command.phone);
  w.field("passwordHash", command.passwordHash).end_object();
  auto req = one_event(account_stream(*id), events::kNoStream, kAccountRegistered, w.take(), meta);
  claim(req, *id, command.email);
  return req;
}

Result<events::AppendRequest> decide_create_staff(const events::StagedView& view,
                                                  const CreateStaff& command,
                                                  const CommandMeta& meta) {
  auto first = view.unique_owner(kFirstStaffKey);
  if (!first.ok()) return first.status();
  if (command.onlyIfFirstStaff && !first->empty()) {
    return Status::FailedPrecondition("a staff account exists already");
  }
  auto id = reserve(view, command.email);
  if (!id.ok()) return id.status();
  JsonWriter w;
  w.begin_object().field("accountId", *id).field("email", command.email);
  w.field("name", command.name).field("role", command.role);
  w.field_raw("permissions", command.permissions.to_json());
  w.field("passwordHash", command.passwordHash).field("createdByAccountId", command.createdBy);
  w.end_object();
  auto req = one_event(account_stream(*id), events::kNoStream, kStaffCreated, w.take(), meta);
  claim(req, *id, command.email);
  if (first->empty()) req.claims.push_back({std::string(kFirstStaffKey), account_stream(*id)});
  return req;
}

Result<events::AppendRequest> decide_change_staff_permissions(const events::StagedView& view,
                                                              const ChangeStaffPermissions& command,
                                                              const CommandMeta& meta) {
  auto account = load_staff(view, command.accountId);
  if (!account.ok()) return account.status();
  JsonWriter w;
  w.begin_object().field("accountId", command.accountId).field("role", command.role);
  w.field_raw("permissions", command.permissions.to_json()).end_object();
  return one_event(account_stream(command.accountId), account->version, kAccountPermissionsChanged,
                   w.take(), meta);
}

Result<events::AppendRequest> decide_set_staff_active(const events::StagedView& view,
                                                      const SetStaffActive& command,
                                                      const CommandMeta& meta) {
  auto account = load_staff(view, command.accountId);
  if (!account.ok()) return account.status();
  if (account->active == command.active) {
    return Status::FailedPrecondition(command.active ? "the account is already active"
                                                     : "the account is already deactivated");
  }
  if (!command.active && command.byAccountId == command.accountId) {
    return Status::FailedPrecondition("staff cannot deactivate their own account");
  }
  JsonWriter w;
  w.begin_object().field("accountId", command.accountId).end_object();
  return one_event(account_stream(command.accountId), account->version,
                   command.active ? kAccountReactivated : kAccountDeactivated, w.take(), meta);
}

Result<Account> load_account(const events::StagedView& view, std::int64_t id) {
  auto events = view.read_stream(account_stream(id), 1);
  if (!events.ok()) return events.status();
  return fold_account(*events);
}

Result<Account> load_account(const events::EventStore& store, std::int64_t id) {
  auto events = store.read_stream(account_stream(id), 1, SIZE_MAX);
  if (!events.ok()) return events.status();
  return fold_account(*events);
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

#include "domain/account.h"

#include <charconv>

#include <fmt/format.h>

#include "domain/stream_snapshot.h"

namespace docket::domain {
namespace {}  // namespace

std::string account_stream(std::int64_t id) {
  return fmt::format("account-{}", id);
}

std::optional<std::int64_t> account_id_of_stream(std::string_view stream) {
  constexpr std::string_view kPrefix = "account-";
  if (!stream.starts_with(kPrefix)) return std::nullopt;
  std::string_view digits = stream.substr(kPrefix.size());
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

std::string normalize_email(std::string_view email) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!email.empty() && is_space(email.front()))
    email.remove_prefix(1);
  while (!email.empty() && is_space(email.back()))
    email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string email_key(std::string_view normalized_email) {
  return fmt::format("email:{}", normalized_email);
}

auth::PermissionSet permission_set(const std::vector<std::string>& names) {
  auth::PermissionSet set;
  for (const std::string& name : names) {
    if (auto p = auth::parse_permission(name)) set.add(*p);
  }
  return set;
}

Status apply(Account& a, const AccountEvent::Variant& event, const events::EventRecord& record) {
  const bool created = std::holds_alternative<AccountRegistered>(event) ||
                       std::holds_alternative<StaffCreated>(event);
  if (Status s = check_creation_order(created, a.version, record, "account"); !s.ok()) return s;
  std::visit(events::Overloaded{
                 [&](const AccountRegistered& e) {
                   a.id = e.accountId;
                   a.email = e.email;
                   a.name = e.name;
                   a.passwordHash = e.passwordHash;
                   a.createdAt = record.occurredAt;
                   a.role = std::string(kRoleCustomer);
                   a.phone = e.phone;
                 },
                 [&](const StaffCreated& e) {
                   a.id = e.accountId;
                   a.email = e.email;
                   a.name = e.name;
                   a.passwordHash = e.passwordHash;
                   a.createdAt = record.occurredAt;
                   a.role = e.role;
                   a.permissions = permission_set(e.permissions);
                 },
                 [&](const StaffPermissionsChanged& e) {
                   a.role = e.role;
                   a.permissions = permission_set(e.permissions);
                 },
                 [&](const AccountDeactivated&) { a.active = false; },
                 [&](const AccountReactivated&) { a.active = true; },
                 [&](const AccountPasswordReset& e) { a.passwordHash = e.passwordHash; },
             },
             event);
  a.updatedAt = record.occurredAt;
  return Status::Ok();
}

Result<Account> fold_account(std::span<const events::EventRecord> records) {
  return fold_stream<AccountEvent, Account>(records, Refusal::kAccountNotFound);
}

}  // namespace docket::domain

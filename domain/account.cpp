#include "domain/account.h"

#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

namespace docket::domain {
namespace {

Status malformed(const events::EventRecord& e, std::string_view what) {
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: {}", e.eventId, e.type, e.stream, what));
}

Result<auth::PermissionSet> read_permissions(simdjson::dom::object data) {
  simdjson::dom::array list;
  if (data["permissions"].get_array().get(list)) {
    return Status::Corruption("permissions is not an array");
  }
  auth::PermissionSet set;
  for (simdjson::dom::element item : list) {
    std::string_view name;
    if (item.get_string().get(name)) return Status::Corruption("permission is not a string");
    // A name no longer in the catalogue grants nothing.
    if (auto p = auth::parse_permission(name)) set.add(*p);
  }
  return set;
}

}  // namespace

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

Result<Account> fold_account(std::span<const events::EventRecord> events) {
  if (events.empty()) return Status::NotFound("no such account");
  Account a;
  simdjson::dom::parser parser;
  for (const events::EventRecord& e : events) {
    simdjson::dom::object data;
    if (parser.parse(e.data).get_object().get(data)) return malformed(e, "data is not an object");
    if (e.type == kAccountRegistered || e.type == kStaffCreated) {
      if (a.version != 0) return malformed(e, "account created twice");
      std::int64_t id = 0;
      std::string_view email, name, hash;
      if (data["accountId"].get_int64().get(id) || data["email"].get_string().get(email) ||
          data["name"].get_string().get(name) || data["passwordHash"].get_string().get(hash)) {
        return malformed(e, "missing accountId, email, name or passwordHash");
      }
      a.id = id;
      a.email = std::string(email);
      a.name = std::string(name);
      a.passwordHash = std::string(hash);
      a.createdAt = e.occurredAt;
      if (e.type == kAccountRegistered) {
        a.role = std::string(kRoleCustomer);
        std::string_view phone;
        if (!data["phone"].get_string().get(phone)) a.phone = std::string(phone);
      } else {
        std::string_view role;
        if (data["role"].get_string().get(role)) return malformed(e, "missing role");
        a.role = std::string(role);
        auto perms = read_permissions(data);
        if (!perms.ok()) return malformed(e, perms.status().message());
        a.permissions = *perms;
      }
    } else if (a.version == 0) {
      return malformed(e, "event before the account was created");
    } else if (e.type == kAccountPermissionsChanged) {
      std::string_view role;
      if (data["role"].get_string().get(role)) return malformed(e, "missing role");
      a.role = std::string(role);
      auto perms = read_permissions(data);
      if (!perms.ok()) return malformed(e, perms.status().message());
      a.permissions = *perms;
    } else if (e.type == kAccountDeactivated) {
      a.active = false;
    } else if (e.type == kAccountReactivated) {
      a.active = true;
    } else {
      return malformed(e, "not an account event");
    }
    a.updatedAt = e.occurredAt;
    a.version = e.streamVersion;
  }
  return a;
}

}  // namespace docket::domain

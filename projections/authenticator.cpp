#include "projections/authenticator.h"

#include <charconv>

#include "core/auth/guest_token.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "projections/account_cache.h"
#include "projections/reader_pool.h"

namespace docket::projections {
namespace {

constexpr std::string_view kBearer = "Bearer ";

Authenticator::Outcome invalid(std::string message) {
  return {Authenticator::Outcome::kInvalid, auth::Identity::anonymous(), std::nullopt,
          std::move(message)};
}

Authenticator::Outcome valid(auth::Identity identity,
                             std::optional<AccountRow> account = std::nullopt) {
  return {Authenticator::Outcome::kValid, std::move(identity), std::move(account), {}};
}

bool case_insensitive_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

Authenticator::Outcome unavailable(std::string message) {
  return {Authenticator::Outcome::kUnavailable, auth::Identity::anonymous(), std::nullopt,
          std::move(message)};
}

}  // namespace

Authenticator::Outcome Authenticator::authenticate(std::string_view authorization) const {
  if (authorization.empty()) return {};
  if (!case_insensitive_prefix(authorization, kBearer)) {
    return invalid("Authorization must be a Bearer token");
  }
  std::string_view credential = authorization.substr(kBearer.size());
  while (!credential.empty() && credential.front() == ' ')
    credential.remove_prefix(1);
  if (credential.empty()) return invalid("Authorization must be a Bearer token");
  if (credential.starts_with(auth::kGuestTokenPrefix)) {
    Outcome refused = invalid("The inquiry access token is invalid, expired or revoked");
    refused.kind = Outcome::kInvalidGuestToken;
    if (!guest_ || !auth::looks_like_guest_token(credential)) return refused;
    auto inquiry = guest_(credential);
    if (!inquiry.ok()) return unavailable("Inquiry tokens are not readable right now");
    if (!*inquiry) return refused;
    return valid(auth::Identity::guest(**inquiry));
  }
  return from_jwt(credential);
}

Authenticator::Outcome Authenticator::from_jwt(std::string_view token) const {
  auth::JwtError reason = auth::JwtError::kNone;
  auto claims = verifier_.verify(token, &reason);
  if (!claims.ok()) {
    log(LogLevel::kDebug, "auth.token_rejected",
        [&](JsonWriter& w) { w.field("reason", claims.status().message()); });
    return invalid(reason == auth::JwtError::kExpired ? "Token has expired" : "Invalid token");
  }
  std::int64_t id = 0;
  const std::string& sub = claims->sub;
  auto [end, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), id);
  // Canonical decimal only: "01" is not account 1.
  if (sub.empty() || sub.front() == '0' || ec != std::errc() || end != sub.data() + sub.size() ||
      id <= 0) {
    return invalid("Invalid token");
  }
  auto account = this->account(id);
  if (!account.ok()) {
    if (account.status().IsNotFound()) return invalid("Invalid token");
    return unavailable("Accounts are not readable right now");
  }
  if (!account->active) return invalid("Account is deactivated");
  const bool token_says_customer = claims->role == "customer";
  if (!claims->role.empty() && token_says_customer == account->is_staff()) {
    return invalid("Invalid token");
  }
  auth::Identity identity = account->is_staff()
                                ? auth::Identity::staff(id, account->role, account->permissions)
                                : auth::Identity::customer(id);
  return valid(std::move(identity), std::move(account).value());
}

Result<AccountRow> Authenticator::account(std::int64_t id) const {
  if (cache_ != nullptr) {
    if (auto cached = cache_->find(id)) return std::move(*cached);
  }
  const std::uint64_t version = cache_ != nullptr ? cache_->version() : 0;
  auto lease = readers_.lease();
  if (!lease.ok()) return lease.status();
  auto row = AccountQuery(lease->db()).find(id);
  if (row.ok() && cache_ != nullptr) cache_->put(*row, version);
  return row;
}

}  // namespace docket::projections

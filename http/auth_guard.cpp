#include "http/auth_guard.h"

#include <charconv>

#include "core/auth/guest_token.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "http/account_cache.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

constexpr std::string_view kBearer = "Bearer ";

Authenticator::Outcome invalid(std::string message) {
  return {Authenticator::Outcome::kInvalid, auth::Identity::anonymous(), std::nullopt,
          std::move(message)};
}

Authenticator::Outcome valid(auth::Identity identity,
                             std::optional<projections::AccountRow> account = std::nullopt) {
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

void set_actor(RequestContext& ctx) {
  const auth::Identity& id = ctx.identity;
  switch (id.kind) {
    case auth::Identity::kCustomer:
      ctx.actor = {"customer", std::to_string(id.accountId)};
      break;
    case auth::Identity::kStaff:
      ctx.actor = {"staff", std::to_string(id.accountId)};
      break;
    case auth::Identity::kGuest:
      ctx.actor = {"guest", std::to_string(id.inquiryId)};
      break;
    case auth::Identity::kAnonymous:
      ctx.actor = {"anonymous", ""};
      break;
  }
}

ApiError missing_permission(auth::Permission p) {
  JsonWriter w;
  w.begin_object().field("permission", auth::permission_name(p)).end_object();
  return ApiError(403, error_code::kForbidden,
                  "This action needs the " + std::string(auth::permission_name(p)) + " permission",
                  w.take());
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
    if (!inquiry) return refused;
    return valid(auth::Identity::guest(*inquiry));
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
  if (ec != std::errc() || end != sub.data() + sub.size() || id <= 0) {
    return invalid("Invalid token");
  }
  auto account = this->account(id);
  if (!account.ok()) {
    if (account.status().IsNotFound()) return invalid("Invalid token");
    throw ApiError::service_unavailable("Accounts are not readable right now");
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

Result<projections::AccountRow> Authenticator::account(std::int64_t id) const {
  if (cache_ != nullptr) {
    if (auto cached = cache_->find(id)) return std::move(*cached);
  }
  const std::uint64_t version = cache_ != nullptr ? cache_->version() : 0;
  auto lease = readers_.lease();
  if (!lease.ok()) return lease.status();
  auto row = projections::AccountQuery(lease->db()).find(id);
  if (row.ok() && cache_ != nullptr) cache_->put(*row, version);
  return row;
}

Middleware make_auth_guard(const Authenticator& authenticator) {
  return [&authenticator](RequestContext& ctx) -> std::optional<Response> {
    const RouteMeta& meta = ctx.route().meta;
    if (meta.access == Access::kPublic) return std::nullopt;
    auto outcome = authenticator.authenticate(ctx.request().header("authorization"));
    if (outcome.kind == Authenticator::Outcome::kInvalid) {
      return Response(ApiError::unauthorized(outcome.message));
    }
    if (outcome.kind == Authenticator::Outcome::kInvalidGuestToken) {
      return Response(ApiError(403, error_code::kSupportInquiryTokenInvalid, outcome.message));
    }
    ctx.identity = std::move(outcome.identity);
    ctx.account = std::move(outcome.account);
    set_actor(ctx);
    const auth::Identity& id = ctx.identity;
    switch (meta.access) {
      case Access::kPublic:
      case Access::kOptional:
        return std::nullopt;
      case Access::kCustomer:
        if (id.is_anonymous()) return Response(ApiError::unauthorized());
        if (!id.is_customer()) return Response(ApiError::forbidden("Customer access only"));
        return std::nullopt;
      case Access::kAuthenticated:
        if (!id.is_customer() && !id.is_staff()) return Response(ApiError::unauthorized());
        return std::nullopt;
      case Access::kStaff:
        if (id.is_anonymous()) return Response(ApiError::unauthorized());
        if (!id.is_staff()) return Response(ApiError::forbidden("Staff access only"));
        if (meta.permission && !id.has(*meta.permission)) {
          return Response(missing_permission(*meta.permission));
        }
        return std::nullopt;
    }
    return std::nullopt;
  };
}

}  // namespace docket::http

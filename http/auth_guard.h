// Authentication and authorization of requests: who is calling (Authenticator), and
// whether a route lets them in (the guard middleware, from RouteMeta::access).
//
// Credentials come from `Authorization: Bearer <credential>`:
//   * a JWT — Docket's own HS256 token or an external RS256/ES256 one (JwtVerifier);
//     `sub` is the Docket account id. The account is read from the accounts read model
//     on every request, so deactivation and permission changes apply at once; a token
//     whose role kind (customer vs staff) no longer matches the account is refused.
//   * `si_…` — a guest inquiry token, resolved by the GuestTokenResolver the inquiry
//     routes install. A credential starting with `si_` that is malformed, unknown,
//     expired or revoked (or any when no resolver is installed) is kInvalidGuestToken:
//     403 SUPPORT_INQUIRY_TOKEN_INVALID, so the chat widget knows to start over.
//
// Route access (router.h Access):
//   kPublic         credentials are not read
//   kOptional       none -> anonymous; customer, staff or guest -> that identity;
//                   a present but invalid credential -> 401 (never a downgrade, never
//                   an admin identity)
//   kCustomer       401 without a valid credential, 403 for a non-customer
//   kAuthenticated  401 unless a valid customer or staff JWT
//   kStaff          401 without a valid credential, 403 for a non-staff identity or
//                   without RouteMeta::permission (details name the permission)
// On success ctx.identity, ctx.actor and (for a JWT) ctx.account are set.
//
// Thread-safe after construction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/auth/identity.h"
#include "core/auth/jwt.h"
#include "http/service.h"
#include "projections/account_query.h"

namespace docket::projections {
class ReaderPool;
}

namespace docket::http {

class AccountCache;

// Maps a raw guest token (`si_…`) to the inquiry it grants; nullopt when unknown.
using GuestTokenResolver = std::function<std::optional<std::int64_t>(std::string_view token)>;

class Authenticator {
 public:
  struct Outcome {
    enum Kind { kNone, kValid, kInvalid, kInvalidGuestToken };
    Kind kind = kNone;
    auth::Identity identity;  // kValid
    // kValid with a JWT: the account's read-model row, so handlers need no second read.
    std::optional<projections::AccountRow> account;
    std::string message;  // kInvalid*: for the error body (never echoes the credential)
  };

  // REQUIRES: `readers` and `cache` (when given) outlive the authenticator; `cache`
  // observes the store the read model is built from.
  Authenticator(auth::JwtVerifier verifier, projections::ReaderPool& readers,
                AccountCache* cache = nullptr)
      : verifier_(std::move(verifier)), readers_(readers), cache_(cache) {}

  // REQUIRES: before serving.
  void set_guest_resolver(GuestTokenResolver resolver) { guest_ = std::move(resolver); }

  // Reads an Authorization header value ("" when absent).
  Outcome authenticate(std::string_view authorization) const;

 private:
  Outcome from_jwt(std::string_view token) const;

  // The account row: from the cache when current, else from the read model.
  Result<projections::AccountRow> account(std::int64_t id) const;

  const auth::JwtVerifier verifier_;
  projections::ReaderPool& readers_;
  AccountCache* cache_;
  GuestTokenResolver guest_;
};

// The guard middleware. REQUIRES: `authenticator` outlives the service.
Middleware make_auth_guard(const Authenticator& authenticator);

}  // namespace docket::http

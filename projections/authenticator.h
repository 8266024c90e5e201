// Authenticator: who is calling, from an `Authorization` header value — the one
// answer both the HTTP guard (http/auth_guard.h) and the realtime CONNECT
// (realtime/socket_server.h) use.
//
// Credentials come from `Bearer <credential>`:
//   * a JWT — Docket's own HS256 token or an external RS256/ES256 one (JwtVerifier);
//     `sub` is the Docket account id in canonical decimal ("01" is refused). The
//     account is read from the accounts read model on every call (through the
//     AccountCache when given), so deactivation and permission changes apply at once;
//     a token whose role kind (customer vs staff) no longer matches the account is
//     refused.
//   * `si_…` — a guest inquiry token, resolved by the GuestTokenResolver the inquiry
//     routes install. A credential starting with `si_` that is malformed, unknown,
//     expired or revoked (or any when no resolver is installed) is kInvalidGuestToken:
//     the chat widget learns to start over.
// The read models failing is kUnavailable (never an error that reads as "wrong
// credential"). No exceptions. Thread-safe after construction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/auth/identity.h"
#include "core/auth/jwt.h"
#include "core/result.h"
#include "projections/account_query.h"

namespace docket::projections {

class AccountCache;
class ReaderPool;

// Maps a raw guest token (`si_…`) to the inquiry it grants; nullopt when unknown,
// revoked or expired; an error when the read model cannot answer.
using GuestTokenResolver =
    std::function<Result<std::optional<std::int64_t>>(std::string_view token)>;

class Authenticator {
 public:
  struct Outcome {
    enum Kind { kNone, kValid, kInvalid, kInvalidGuestToken, kUnavailable };
    Kind kind = kNone;
    auth::Identity identity;  // kValid
    // kValid with a JWT: the account's read-model row, so callers need no second read.
    std::optional<AccountRow> account;
    std::string message;  // kInvalid*, kUnavailable: for the error (never the credential)
  };

  // REQUIRES: `readers` and `cache` (when given) outlive the authenticator; `cache`
  // observes the store the read model is built from.
  Authenticator(auth::JwtVerifier verifier, ReaderPool& readers, AccountCache* cache = nullptr)
      : verifier_(std::move(verifier)), readers_(readers), cache_(cache) {}

  // REQUIRES: before serving.
  void set_guest_resolver(GuestTokenResolver resolver) { guest_ = std::move(resolver); }

  // Reads an Authorization header value ("" when absent: kNone, anonymous).
  Outcome authenticate(std::string_view authorization) const;

 private:
  Outcome from_jwt(std::string_view token) const;
  // The account row: from the cache when current, else from the read model.
  Result<AccountRow> account(std::int64_t id) const;

  const auth::JwtVerifier verifier_;
  ReaderPool& readers_;
  AccountCache* cache_;
  GuestTokenResolver guest_;
};

}  // namespace docket::projections

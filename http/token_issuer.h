// TokenIssuer: the HS256 access tokens Docket hands out at login and registration.
//
// Claims: sub (the account id as a decimal string), role, iss, aud, iat, exp
// (iat + ttl). The same secret, issuer and audience configure the JwtVerifier that
// accepts them (see docs/security.md). Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace docket::http {

struct IssuedToken {
  std::string token;
  UnixMillis expiresAt = 0;
};

class TokenIssuer {
 public:
  // REQUIRES: secret of at least 32 bytes; ttl_seconds > 0; `clock` outlives the issuer.
  TokenIssuer(std::string secret, std::string issuer, std::string audience,
              std::int64_t ttl_seconds, const Clock& clock)
      : secret_(std::move(secret)),
        issuer_(std::move(issuer)),
        audience_(std::move(audience)),
        ttl_seconds_(ttl_seconds),
        clock_(clock) {}

  IssuedToken issue(std::int64_t account_id, std::string_view role) const;

 private:
  const std::string secret_;
  const std::string issuer_;
  const std::string audience_;
  const std::int64_t ttl_seconds_;
  const Clock& clock_;
};

}  // namespace docket::http

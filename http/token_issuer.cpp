#include "http/token_issuer.h"

#include "core/auth/jwt.h"

namespace docket::http {

IssuedToken TokenIssuer::issue(std::int64_t account_id, std::string_view role) const {
  const std::int64_t now = clock_.now_ms() / 1000;
  auth::JwtClaims claims;
  claims.sub = std::to_string(account_id);
  claims.role = std::string(role);
  claims.iss = issuer_;
  claims.aud = audience_;
  claims.iat = now;
  claims.exp = now + ttl_seconds_;
  return IssuedToken{auth::sign_hs256(claims, secret_), claims.exp * 1000};
}

}  // namespace docket::http

// JwtError: why a JWT was rejected.
//
// The reasons are stable: callers may switch on them, count them in metrics and write
// their names to logs. HTTP answers every one of them with 401 UNAUTHORIZED and does
// not echo the reason to the client.
#pragma once

#include <string_view>

#include "core/status.h"

namespace docket::auth {

enum class JwtError : unsigned char {
  kNone = 0,             // accepted
  kTooLarge,             // longer than kMaxJwtBytes; nothing was parsed
  kMalformed,            // not three base64url parts, bad JSON, not an object, a claim of
                         // the wrong type, a duplicated member, an unsupported `crit`
  kAlgNone,              // `alg` is "none" in any letter case; never accepted
  kAlgorithmNotAllowed,  // `alg` unsupported, or no key of that algorithm's kind is
                         // configured (HS256 needs the secret; RS256/ES256 a public key)
  kUnknownKey,           // `kid` names no configured public key
  kBadSignature,         // the signature does not verify
  kMissingClaim,         // `sub` (or an empty one) or `exp` is absent
  kExpired,              // now >= exp + leeway
  kNotYetValid,          // nbf or iat later than now + leeway
  kWrongIssuer,          // `iss` absent or not one of the accepted issuers
  kWrongAudience,        // `aud` absent or does not contain the expected audience
  kInternal,             // the crypto library failed (out of memory)
};

// "malformed", "alg_none", "bad_signature", ... — snake_case, stable.
std::string_view jwt_error_name(JwtError error);

// The Status a rejected verification returns: Internal for kInternal, otherwise
// InvalidArgument with the message "jwt <name>: <detail>".
// REQUIRES: error != kNone.
Status jwt_error_status(JwtError error, std::string_view detail);

}  // namespace docket::auth

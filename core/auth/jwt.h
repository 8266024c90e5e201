// JSON Web Tokens (RFC 7519) for Docket's API: HS256 tokens Docket issues at login, and
// RS256/ES256 tokens issued by an external identity provider. docs/security.md states
// the rules; this header is the contract.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/jwt_error.h"
#include "core/auth/jwt_keys.h"
#include "core/clock.h"
#include "core/result.h"

namespace docket::auth {

// Tokens longer than this are rejected (kTooLarge) before any decoding.
inline constexpr std::size_t kMaxJwtBytes = 8 * 1024;
// Shortest HS256 secret a verifier accepts (RFC 7518 §3.2: at least the hash size).
inline constexpr std::size_t kMinHs256SecretBytes = 32;

// The registered claims Docket reads, plus the whole payload for any other claim.
// NumericDates are seconds since the Unix epoch.
struct JwtClaims {
  std::string sub;   // the account id as a decimal string, or the IdP's subject; not empty
  std::string role;  // "customer", "agent", "admin"; empty when the token has none
  std::string iss;
  // Signing: written as a string. Verifying: the verifier's expected audience (a token
  // may list several in an array; payload_json has them all).
  std::string aud;
  std::optional<std::int64_t> iat;
  std::int64_t exp = 0;
  std::optional<std::int64_t> nbf;
  // Verifying: the decoded payload JSON object, verbatim. Ignored when signing.
  std::string payload_json;
};

// Makes a compact HS256 JWS: header {"alg":"HS256","typ":"JWT"}; payload sub, role (when
// not empty), iss, aud, iat and nbf (when set), exp. The caller sets iat and exp from its
// Clock. If OpenSSL cannot allocate its HMAC context (out of memory) the signature is all
// zeros and the token is rejected by every verifier.
// REQUIRES: secret is not empty; sub is not empty. Thread-safe.
std::string sign_hs256(const JwtClaims& claims, std::string_view secret);

struct JwtVerifierOptions {
  // Accepts HS256 tokens signed with this secret (at least kMinHs256SecretBytes).
  // Without it, HS256 tokens are rejected (kAlgorithmNotAllowed).
  std::optional<std::string> hs256_secret;
  // Accepts RS256/ES256 tokens signed by these keys (see JwtKeySet).
  std::vector<JwtPublicKey> public_keys;
  // `iss` must equal one of these. REQUIRES: not empty.
  std::vector<std::string> issuers;
  // `aud` (a string, or an array of strings) must contain this. REQUIRES: not empty.
  std::string audience;
  // Clock skew tolerated on exp, nbf and iat. REQUIRES: 0 <= leeway_seconds <= 600.
  std::int64_t leeway_seconds = 30;
  // Source of "now"; null means SystemClock::instance(). Must outlive the verifier.
  const Clock* clock = nullptr;
};

// Verifies compact JWS tokens against a fixed configuration.
//
// Immutable after create(); copies share the parsed keys. Thread-safe: verify() may be
// called from any number of threads at once. A verify of an HS256 token does no heap
// allocation beyond the claim strings it returns.
class JwtVerifier {
 public:
  // InvalidArgument when neither a secret nor a key is given, the secret is short, a
  // key does not load (see JwtKeySet::load), or issuers/audience/leeway break the
  // REQUIRES above.
  static Result<JwtVerifier> create(JwtVerifierOptions options);

  // Accepts `token` (without "Bearer ") when every check passes, in this order: size,
  // shape and header JSON, alg (never "none"; HS256 only with the secret, RS256/ES256
  // only with a public key of that kind — never a public key as an HMAC secret),
  // signature (HMAC compared in constant time), payload JSON, sub (not empty) and exp present, exp,
  // nbf, iat, iss, aud. On rejection returns jwt_error_status(reason, detail) and sets
  // `*reason` when given; on success sets it to kNone.
  Result<JwtClaims> verify(std::string_view token, JwtError* reason = nullptr) const;

 private:
  struct Impl;
  explicit JwtVerifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace docket::auth

#include "core/auth/jwt.h"

#include <algorithm>
#include <cassert>

#include "core/auth/base64url.h"
#include "core/auth/hmac.h"
#include "core/auth/jwt_json.h"
#include "core/crypto.h"

namespace docket::auth {
namespace {

// base64url of {"alg":"HS256","typ":"JWT"}
constexpr std::string_view kHs256HeaderB64 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
constexpr std::int64_t kMaxLeewaySeconds = 600;

bool is_none_alg(std::string_view alg) {
  if (alg.size() != 4) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if ((alg[i] | 0x20) != "none"[i]) return false;
  }
  return true;
}

// Per-thread decode buffers: their capacity survives between calls.
std::string& scratch_header() {
  thread_local std::string s;
  return s;
}
std::string& scratch_signature() {
  thread_local std::string s;
  return s;
}

}  // namespace

struct JwtVerifier::Impl {
  std::optional<std::string> hs256_secret;
  JwtKeySet keys;
  std::vector<std::string> issuers;
  std::string audience;
  std::int64_t leeway_ms = 0;
  const Clock* clock = nullptr;
};

std::string sign_hs256(const JwtClaims& claims, std::string_view secret) {
  assert(!secret.empty());
  std::string token(kHs256HeaderB64);
  token += '.';
  token += base64url_encode(jwt_json::write_payload(claims));
  Sha256Digest mac{};  // stays all zeros, which no verifier accepts, if HMAC fails
  const bool ok = hmac_sha256(secret, token, mac);
  assert(ok && "HMAC context allocation failed");
  (void)ok;
  token += '.';
  token +=
      base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

Result<JwtVerifier> JwtVerifier::create(JwtVerifierOptions options) {
  if (!options.hs256_secret && options.public_keys.empty()) {
    return Status::InvalidArgument("jwt verifier needs an HS256 secret or a public key");
  }
  if (options.hs256_secret && options.hs256_secret->size() < kMinHs256SecretBytes) {
    return Status::InvalidArgument("jwt HS256 secret must be at least 32 bytes");
  }
  if (options.issuers.empty() || std::any_of(options.issuers.begin(), options.issuers.end(),
                                             [](const std::string& s) { return s.empty(); })) {
    return Status::InvalidArgument("jwt verifier needs at least one non-empty issuer");
  }
  if (options.audience.empty()) {
    return Status::InvalidArgument("jwt verifier needs an audience");
  }
  if (options.leeway_seconds < 0 || options.leeway_seconds > kMaxLeewaySeconds) {
    return Status::InvalidArgument("jwt leeway must be between 0 and 600 seconds");
  }
  Result<JwtKeySet> keys = JwtKeySet::load(options.public_keys);
  if (!keys.ok()) return keys.status();

  auto impl = std::make_shared<Impl>();
  impl->hs256_secret = std::move(options.hs256_secret);
  impl->keys = std::move(keys).value();
  impl->issuers = std::move(options.issuers);
  impl->audience = std::move(options.audience);
  impl->leeway_ms = options.leeway_seconds * 1000;
  impl->clock = options.clock != nullptr ? options.clock : &SystemClock::instance();
  return JwtVerifier(std::move(impl));
}

Result<JwtClaims> JwtVerifier::verify(std::string_view token, JwtError* reason) const {
  std::string detail;
  auto reject = [&](JwtError error) -> Status {
    if (reason != nullptr) *reason = error;
    return jwt_error_status(error, detail);
  };
  if (reason != nullptr) *reason = JwtError::kNone;

  if (token.size() > kMaxJwtBytes) {
    detail = "token is longer than " + std::to_string(kMaxJwtBytes) + " bytes";
    return reject(JwtError::kTooLarge);
  }
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
  if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos) {
    detail = "token is not three dot-separated parts";
    return reject(JwtError::kMalformed);
  }
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_b64 = token.substr(dot2 + 1);
  const std::string_view signing_input = token.substr(0, dot2);

  // Header and algorithm.
  std::string& header_json = scratch_header();
  jwt_json::reserve_for_parse(header_json, header_b64.size());
  if (!base64url_decode_vartime(header_b64, header_json)) {
    detail = "header is not base64url";
    return reject(JwtError::kMalformed);
  }
  jwt_json::Header header;
  if (JwtError e = jwt_json::parse_header(header_json, header, detail); e != JwtError::kNone) {
    return reject(e);
  }
  if (is_none_alg(header.alg)) {
    detail = "unsigned tokens are never accepted";
    return reject(JwtError::kAlgNone);
  }
  const bool hs256 = header.alg == "HS256";
  if (!hs256 && header.alg != "RS256" && header.alg != "ES256") {
    detail = "alg is not one of HS256, RS256, ES256";
    return reject(JwtError::kAlgorithmNotAllowed);
  }

  // Signature.
  std::string& signature = scratch_signature();
  if (!base64url_decode_vartime(signature_b64, signature)) {
    detail = "signature is not base64url";
    return reject(JwtError::kMalformed);
  }
  if (hs256) {
    // Only the shared secret verifies HS256; a public key is never an HMAC key.
    if (!impl_->hs256_secret) {
      detail = "HS256 is not accepted: no shared secret is configured";
      return reject(JwtError::kAlgorithmNotAllowed);
    }
    Sha256Digest mac{};
    if (!hmac_sha256(*impl_->hs256_secret, signing_input, mac)) {
      detail = "cannot compute HMAC";
      return reject(JwtError::kInternal);
    }
    const std::string_view expected(reinterpret_cast<const char*>(mac.data()), mac.size());
    if (!constant_time_equals(expected, signature)) {
      detail = "HS256 signature does not verify";
      return reject(JwtError::kBadSignature);
    }
  } else {
    const JwtKeyKind kind = header.alg == "RS256" ? JwtKeyKind::kRsa : JwtKeyKind::kEcP256;
    const std::optional<std::string_view> kid =
        header.has_kid ? std::optional<std::string_view>(header.kid) : std::nullopt;
    if (JwtError e = impl_->keys.verify(kind, kid, signing_input, signature, detail);
        e != JwtError::kNone) {
      return reject(e);
    }
  }

  // Payload (only read once the signature holds).
  std::string payload_json;
  jwt_json::reserve_for_parse(payload_json, payload_b64.size());
  if (!base64url_decode_vartime(payload_b64, payload_json)) {
    detail = "payload is not base64url";
    return reject(JwtError::kMalformed);
  }
  jwt_json::Payload payload;
  if (JwtError e = jwt_json::parse_payload(payload_json, impl_->audience, payload, detail);
      e != JwtError::kNone) {
    return reject(e);
  }
  JwtClaims& claims = payload.claims;
  if (!payload.has_sub || claims.sub.empty()) {
    detail = "sub is missing or empty";
    return reject(JwtError::kMissingClaim);
  }
  if (!payload.has_exp) {
    detail = "exp is missing";
    return reject(JwtError::kMissingClaim);
  }

  // Time, in milliseconds so that the comparison is exact.
  const UnixMillis now = impl_->clock->now_ms();
  const std::int64_t leeway = impl_->leeway_ms;
  if (now >= claims.exp * 1000 + leeway) {
    detail = "expired at " + std::to_string(claims.exp);
    return reject(JwtError::kExpired);
  }
  if (claims.nbf && *claims.nbf * 1000 > now + leeway) {
    detail = "not valid before " + std::to_string(*claims.nbf);
    return reject(JwtError::kNotYetValid);
  }
  if (claims.iat && *claims.iat * 1000 > now + leeway) {
    detail = "issued in the future at " + std::to_string(*claims.iat);
    return reject(JwtError::kNotYetValid);
  }

  // Issuer and audience.
  if (!payload.has_iss) {
    detail = "iss is missing";
    return reject(JwtError::kWrongIssuer);
  }
  if (std::find(impl_->issuers.begin(), impl_->issuers.end(), claims.iss) == impl_->issuers.end()) {
    detail = "iss is not an accepted issuer";
    return reject(JwtError::kWrongIssuer);
  }
  if (!payload.has_aud || !payload.aud_matched) {
    detail = payload.has_aud ? "aud does not contain the expected audience" : "aud is missing";
    return reject(JwtError::kWrongAudience);
  }

  claims.payload_json = std::move(payload_json);
  return std::move(claims);
}

}  // namespace docket::auth

// JwtKeySet: the public keys of external identity providers (RS256 and ES256).
//
// Docket verifies, never signs, with these keys. Each key is a SubjectPublicKeyInfo
// PEM ("-----BEGIN PUBLIC KEY-----"): RSA of at least 2048 bits, used only for RS256,
// or EC on P-256, used only for ES256. A key is never used as an HMAC secret.
//
// Immutable after load(); copies share the parsed keys. Thread-safe: verify() may run on
// many threads at once (each call has its own OpenSSL verification context).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/jwt_error.h"
#include "core/result.h"

namespace docket::auth {

// One configured public key.
struct JwtPublicKey {
  // The JWS `kid` this key answers to. Empty: the key has no id and is tried for every
  // token of its algorithm whose kid matches no key.
  std::string kid;
  std::string pem;
};

enum class JwtKeyKind : unsigned char {
  kRsa,     // verifies RS256 (RSASSA-PKCS1-v1_5 with SHA-256)
  kEcP256,  // verifies ES256 (ECDSA P-256 with SHA-256, JWS raw r||s signatures)
};

class JwtKeySet {
 public:
  // An empty set: verify() answers kAlgorithmNotAllowed.
  JwtKeySet();

  // Parses every key. InvalidArgument names the first key (by position and kid) that is
  // not a PEM public key, is of another type or curve, is RSA below 2048 bits, or
  // repeats a non-empty kid.
  static Result<JwtKeySet> load(const std::vector<JwtPublicKey>& keys);

  std::size_t size() const;
  bool has_kind(JwtKeyKind kind) const;

  // Verifies a JWS `signature` (already base64url-decoded) over `signing_input`
  // ("<header>.<payload>" as sent). When `kid` is given, the key with that kid is used
  // (kid-less keys of `kind` are the fallback when no key has that kid); otherwise
  // every key of `kind` is tried. Returns kNone when one verifies, else
  // kAlgorithmNotAllowed (no key of `kind`, or the kid names a key of another kind),
  // kUnknownKey, kBadSignature or kInternal; `detail` then says why (no key material).
  JwtError verify(JwtKeyKind kind, std::optional<std::string_view> kid,
                  std::string_view signing_input, std::string_view signature,
                  std::string& detail) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace docket::auth

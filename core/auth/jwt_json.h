// The JSON side of JWTs: reading the JOSE header and the claims set, writing claims.
//
// Used by jwt.cpp; separate so the parsing rules can be read (and tested through
// JwtVerifier) on their own. Thread-safe: each thread parses with its own parser.
#pragma once

#include <string>
#include <string_view>

#include "core/auth/jwt.h"
#include "core/auth/jwt_error.h"

namespace docket::auth::jwt_json {

// The header members Docket reads. `jku`, `x5u`, `jwk` and the like are ignored: keys
// only ever come from the verifier's configuration.
struct Header {
  std::string alg;
  std::string kid;
  bool has_kid = false;
};

// Parses the decoded header. kMalformed (with `detail`) when it is not a JSON object,
// `alg` is missing or not a string, `kid` is not a string, a member is repeated, or
// `crit` is present (no extension is understood, so RFC 7515 §4.1.11 requires refusal).
// REQUIRES: json.capacity() >= json.size() + simdjson::SIMDJSON_PADDING (see
// reserve_for_parse).
JwtError parse_header(const std::string& json, Header& out, std::string& detail);

// What the payload says, before the verifier's policy is applied.
struct Payload {
  JwtClaims claims;  // payload_json is left empty; the caller owns the text
  bool has_sub = false;
  bool has_exp = false;
  bool has_iss = false;
  bool has_aud = false;
  bool aud_matched = false;  // aud is, or lists, `expected_audience`
};

// Parses the decoded payload. kMalformed when it is not a JSON object, a registered
// claim has the wrong type (sub/role/iss: string; aud: string or array of strings;
// exp/nbf/iat: a number in [0, 253402300799]), or a registered claim is repeated.
// Fractional NumericDates are truncated. REQUIRES: as for parse_header.
JwtError parse_payload(const std::string& json, std::string_view expected_audience, Payload& out,
                       std::string& detail);

// Makes `s` parseable in place: reserves the padding the parser reads past the end.
void reserve_for_parse(std::string& s, std::size_t size_hint);

// The compact JSON payload sign_hs256 writes.
std::string write_payload(const JwtClaims& claims);

}  // namespace docket::auth::jwt_json

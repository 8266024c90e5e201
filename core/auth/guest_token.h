// Guest inquiry access tokens ("si_..."), the bearer credential of a guest's inquiry.
//
// Format: "si_" + base64url without padding of 32 bytes from the CSPRNG: 46 characters,
// 256 bits of entropy. The token is shown to the guest once, when the inquiry is
// created; Docket keeps only guest_token_hash(token) (in events and read models), so a
// leaked log or database does not grant access. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace docket::auth {

inline constexpr std::string_view kGuestTokenPrefix = "si_";
inline constexpr std::size_t kGuestTokenRandomBytes = 32;
inline constexpr std::size_t kGuestTokenLength = 46;  // 3 + 43

// A new token. REQUIRES: init_crypto() ran.
std::string generate_guest_token();

// What is stored for a token: the lower-case hex SHA-256 (64 characters) of the whole
// token string, prefix included. Look tokens up by this hash.
std::string guest_token_hash(std::string_view token);

// True when `text` has the token's shape: the prefix, kGuestTokenLength characters,
// base64url alphabet, and a last character whose unused low bits are zero (as every
// encoding of 32 bytes has). Cheap; use it to route "Bearer si_..." to guest auth and
// to refuse garbage before hashing. Says nothing about whether the token is valid.
bool looks_like_guest_token(std::string_view text);

// True when `token` hashes to `stored_hash`; the hashes are compared in constant time.
bool guest_token_matches(std::string_view token, std::string_view stored_hash);

}  // namespace docket::auth

// One-time codes (OTP) that verify a guest's e-mail address.
//
// A code is 6 decimal digits, uniform over 000000..999999 from the CSPRNG (leading zeros
// kept). It is never logged and never stored raw: Docket stores otp_hash(code, salt)
// and the salt. The salt is new_otp_salt(scope): the scope (e.g. "inquiry-42") joined
// to a fresh random nonce, so equal codes for different requests hash differently and
// a hash cannot be replayed for another inquiry. Because there are only 10^6 codes, the
// hash only keeps codes out of logs, events and read models; what makes guessing fail
// is the short expiry and the attempt limit enforced by the inquiry domain.
// Pure functions; thread-safe. REQUIRES: init_crypto() ran (for the random ones).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace docket::auth {

inline constexpr std::size_t kOtpDigits = 6;

// A new code: kOtpDigits ASCII digits.
std::string generate_otp_code();

// True when `text` is exactly kOtpDigits ASCII digits.
bool looks_like_otp_code(std::string_view text);

// "<scope>:<base64url of 16 random bytes>". The salt is not secret; store it beside
// the hash.
std::string new_otp_salt(std::string_view scope);

// Lower-case hex SHA-256 of salt || code. Codes have a fixed length, so the
// concatenation is unambiguous. REQUIRES: looks_like_otp_code(code).
std::string otp_hash(std::string_view code, std::string_view salt);

// True when `code` is well formed and otp_hash(code, salt) equals `stored_hash`,
// compared in constant time.
bool otp_matches(std::string_view code, std::string_view salt, std::string_view stored_hash);

}  // namespace docket::auth

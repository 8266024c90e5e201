#include "core/auth/guest_token.h"

#include "core/crypto.h"

namespace docket::auth {
namespace {

// The index of `c` in the base64url alphabet, or -1.
int base64url_index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string generate_guest_token() {
  std::string token(kGuestTokenPrefix);
  token += base64url_encode(random_bytes(kGuestTokenRandomBytes));
  return token;
}

std::string guest_token_hash(std::string_view token) {
  return sha256_hex(token);
}

bool looks_like_guest_token(std::string_view text) {
  if (text.size() != kGuestTokenLength || !text.starts_with(kGuestTokenPrefix)) return false;
  const std::string_view body = text.substr(kGuestTokenPrefix.size());
  for (char c : body) {
    if (base64url_index(c) < 0) return false;
  }
  // 43 characters carry 258 bits; the last 2 are padding and must be zero.
  return (base64url_index(body.back()) & 0x3) == 0;
}

bool guest_token_matches(std::string_view token, std::string_view stored_hash) {
  return constant_time_equals(guest_token_hash(token), stored_hash);
}

}  // namespace docket::auth

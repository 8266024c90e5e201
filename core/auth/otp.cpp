#include "core/auth/otp.h"

#include <cassert>
#include <cstdint>

#include "core/crypto.h"

namespace docket::auth {
namespace {

constexpr std::uint32_t kOtpSpace = 1'000'000;  // 10^kOtpDigits
constexpr std::size_t kOtpSaltNonceBytes = 16;

}  // namespace

std::string generate_otp_code() {
  std::uint32_t n = random_uniform(kOtpSpace);
  std::string code(kOtpDigits, '0');
  for (std::size_t i = kOtpDigits; i-- > 0;) {
    code[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return code;
}

bool looks_like_otp_code(std::string_view text) {
  if (text.size() != kOtpDigits) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string new_otp_salt(std::string_view scope) {
  std::string salt(scope);
  salt += ':';
  salt += base64url_encode(random_bytes(kOtpSaltNonceBytes));
  return salt;
}

std::string otp_hash(std::string_view code, std::string_view salt) {
  assert(looks_like_otp_code(code));
  std::string input;
  input.reserve(salt.size() + code.size());
  input += salt;
  input += code;
  return sha256_hex(input);
}

bool otp_matches(std::string_view code, std::string_view salt, std::string_view stored_hash) {
  if (!looks_like_otp_code(code)) return false;
  return constant_time_equals(otp_hash(code, salt), stored_hash);
}

}  // namespace docket::auth

// The password policy: which passwords Docket accepts when one is set or changed.
//
// Length is counted in characters (Unicode code points, 8..256), as every other text
// length of the API and its JSON Schema are; 256 characters bound the work of hashing
// at 1 KiB of UTF-8. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace docket::auth {

inline constexpr std::size_t kPasswordMinChars = 8;
inline constexpr std::size_t kPasswordMaxChars = 256;

// The rule a password breaks; kOk when it breaks none.
enum class PasswordRule : unsigned char {
  kOk = 0,
  kTooShort,     // fewer than kPasswordMinChars characters
  kTooLong,      // more than kPasswordMaxChars characters
  kInvalidUtf8,  // not well-formed UTF-8
};

// The rule `password` breaks: well-formed UTF-8 first, then its length.
PasswordRule check_password_policy(std::string_view password);

// A sentence for the user: "Password must be at least 8 characters long." ("" for kOk).
std::string_view password_rule_message(PasswordRule rule);

}  // namespace docket::auth

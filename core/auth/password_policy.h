// The password policy: which passwords Docket accepts when one is set or changed.
//
// Length is counted in bytes of UTF-8 (8..256), so the limit is the same for every
// client and bounds the work of hashing. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace docket::auth {

inline constexpr std::size_t kPasswordMinBytes = 8;
inline constexpr std::size_t kPasswordMaxBytes = 256;

// The rule a password breaks; kOk when it breaks none.
enum class PasswordRule : unsigned char {
  kOk = 0,
  kTooShort,     // fewer than kPasswordMinBytes bytes
  kTooLong,      // more than kPasswordMaxBytes bytes
  kInvalidUtf8,  // not well-formed UTF-8
};

// The first rule `password` breaks, checked in the order above.
PasswordRule check_password_policy(std::string_view password);

// A sentence for the user: "Password must be at least 8 bytes long." ("" for kOk).
std::string_view password_rule_message(PasswordRule rule);

}  // namespace docket::auth

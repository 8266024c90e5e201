#include "core/auth/password_policy.h"

#include <simdjson.h>

namespace docket::auth {

PasswordRule check_password_policy(std::string_view password) {
  if (password.size() < kPasswordMinBytes) return PasswordRule::kTooShort;
  if (password.size() > kPasswordMaxBytes) return PasswordRule::kTooLong;
  if (!simdjson::validate_utf8(password.data(), password.size())) {
    return PasswordRule::kInvalidUtf8;
  }
  return PasswordRule::kOk;
}

std::string_view password_rule_message(PasswordRule rule) {
  switch (rule) {
    case PasswordRule::kOk:
      return "";
    case PasswordRule::kTooShort:
      return "Password must be at least 8 bytes long.";
    case PasswordRule::kTooLong:
      return "Password must be at most 256 bytes long.";
    case PasswordRule::kInvalidUtf8:
      return "Password must be valid UTF-8 text.";
  }
  return "";
}

}  // namespace docket::auth

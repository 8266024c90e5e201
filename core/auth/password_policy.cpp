#include "core/auth/password_policy.h"

#include "core/utf8.h"

namespace docket::auth {

PasswordRule check_password_policy(std::string_view password) {
  const std::size_t length = utf8_length(password);
  if (length == std::string_view::npos) return PasswordRule::kInvalidUtf8;
  if (length < kPasswordMinChars) return PasswordRule::kTooShort;
  if (length > kPasswordMaxChars) return PasswordRule::kTooLong;
  return PasswordRule::kOk;
}

std::string_view password_rule_message(PasswordRule rule) {
  switch (rule) {
    case PasswordRule::kOk:
      return "";
    case PasswordRule::kTooShort:
      return "Password must be at least 8 characters long.";
    case PasswordRule::kTooLong:
      return "Password must be at most 256 characters long.";
    case PasswordRule::kInvalidUtf8:
      return "Password must be valid UTF-8 text.";
  }
  return "";
}

}  // namespace docket::auth

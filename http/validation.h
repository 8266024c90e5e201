// Validation failures and their rendering: the VALIDATION_ERROR of the error contract,
// whose `details` is an array of {"field","rule","message"}. Request contracts
// (http/contract.h) collect every failing field and rule, not just the first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_error.h"

namespace docket::http {

// Stable rule names used in `details[].rule`.
namespace rule {
inline constexpr std::string_view kRequired = "required";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kMinLength = "minLength";
inline constexpr std::string_view kMaxLength = "maxLength";
inline constexpr std::string_view kFormat = "format";  // control characters, bad encoding
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kEnum = "enum";
inline constexpr std::string_view kMin = "min";
inline constexpr std::string_view kMax = "max";
inline constexpr std::string_view kUnknown = "unknown";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kJson = "json";  // the body is not JSON / not an object
}  // namespace rule

struct FieldError {
  std::string field;
  std::string rule;
  std::string message;
};

// A list of failures and its rendering as VALIDATION_ERROR. Keeps at most kMaxItems so
// a hostile body cannot grow the error response without bound.
class ValidationErrors {
 public:
  static constexpr std::size_t kMaxItems = 100;

  void add(std::string_view field, std::string_view rule, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<FieldError>& items() const { return items_; }
  // 400 VALIDATION_ERROR with details = [{field, rule, message}, …].
  ApiError to_api_error(std::string message = "Request validation failed") const;

 private:
  std::vector<FieldError> items_;
};

// Largest id a JavaScript client can hold exactly (2^53 - 1).
inline constexpr std::int64_t kMaxId = 9007199254740991;

// Checks a trimmed e-mail address (already lower-cased): local@domain.tld, at most 254
// characters.
bool is_valid_email(std::string_view email);

}  // namespace docket::http

// Query strings: parsing into decoded key/value pairs. Request contracts
// (http/contract.h) validate them.
//
// Keys and values are percent-decoded ('+' is a space). Invalid encoding, invalid
// UTF-8, control characters or more than kMaxParams pairs are refused with one 400
// VALIDATION_ERROR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/api_error.h"
#include "http/validation.h"

namespace docket::http {

class QueryParams {
 public:
  static constexpr std::size_t kMaxParams = 64;

  // Parses `raw` (the part after '?'). On failure — a bad %-escape, invalid UTF-8, a
  // control character, more than kMaxParams pairs — returns 400 VALIDATION_ERROR and
  // leaves `out` unspecified.
  static std::optional<ApiError> parse(std::string_view raw, QueryParams& out);

  // First value of `key`, or nullopt.
  std::optional<std::string_view> get(std::string_view key) const;
  std::size_t count(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace docket::http

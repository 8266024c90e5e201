#include "http/request_context.h"

#include <charconv>

#include <fmt/format.h>

#include "http/validation.h"

namespace docket::http {

std::optional<ApiError> RequestContext::param_id(std::string_view name, std::int64_t& out) const {
  const std::string_view text = param(name);
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  // Canonical decimal only: "01" and "+1" name no record.
  if (text.empty() || text.front() == '0' || ec != std::errc() || ptr != end || v < 1 ||
      v > kMaxId) {
    ValidationErrors errors;
    errors.add(name, rule::kType, fmt::format("{} must be a positive integer id", name));
    return errors.to_api_error("Invalid path parameter");
  }
  out = v;
  return std::nullopt;
}

}  // namespace docket::http

#include "http/query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "http/text.h"
#include "http/url.h"

namespace docket::http {
namespace {

bool acceptable(std::string_view decoded) {
  return utf8_length(decoded) != std::string_view::npos && !has_control_chars(decoded, false);
}

}  // namespace

std::optional<ApiError> QueryParams::parse(std::string_view raw, QueryParams& out) {
  out.items_.clear();
  ValidationErrors errors;
  while (!raw.empty()) {
    const std::size_t amp = raw.find('&');
    const std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    if (out.items_.size() == kMaxParams) {
      errors.add("query", rule::kMax, fmt::format("at most {} query parameters", kMaxParams));
      return errors.to_api_error("Invalid query string");
    }
    const std::size_t eq = pair.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(pair.substr(0, eq), key, true) || !acceptable(key)) {
      errors.add("query", rule::kFormat, "a query parameter name is not properly encoded");
      return errors.to_api_error("Invalid query string");
    }
    if (eq != std::string_view::npos &&
        (!percent_decode(pair.substr(eq + 1), value, true) || !acceptable(value))) {
      errors.add(key, rule::kFormat, fmt::format("{} is not properly encoded", key));
      return errors.to_api_error("Invalid query string");
    }
    out.items_.emplace_back(std::move(key), std::move(value));
  }
  return std::nullopt;
}

std::optional<std::string_view> QueryParams::get(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

std::size_t QueryParams::count(std::string_view key) const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; }));
}

}  // namespace docket::http

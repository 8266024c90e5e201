#include "http/query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "http/text.h"
#include "http/url.h"

namespace docket::http {
namespace {

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

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

void QueryValidator::fail(std::string_view key, std::string_view rule, std::string message) {
  errors_.add(key, rule, std::move(message));
}

std::optional<std::string_view> QueryValidator::take(std::string_view key) {
  declared_.emplace_back(key);
  if (params_->count(key) > 1) {
    fail(key, rule::kDuplicate, fmt::format("{} appears more than once", key));
    return std::nullopt;
  }
  const std::optional<std::string_view> value = params_->get(key);
  if (!value || trim(*value).empty()) return std::nullopt;
  return trim(*value);
}

PageRequest QueryValidator::page(std::int64_t default_page_size, std::int64_t max_page_size) {
  PageRequest out;
  out.page_size = default_page_size;
  if (auto v = integer("page", 1, kMaxPage)) out.page = *v;
  if (auto v = integer("pageSize", 1, max_page_size)) out.page_size = *v;
  return out;
}

std::string QueryValidator::sort_by(std::span<const std::string_view> allowed,
                                    std::string_view default_value) {
  if (auto v = enumeration("sortBy", allowed)) return *v;
  return std::string(default_value);
}

SortOrder QueryValidator::sort_order(SortOrder default_value) {
  const std::optional<std::string> v = enumeration("sortOrder", {"asc", "desc"});
  if (!v) return default_value;
  return *v == "asc" ? SortOrder::kAsc : SortOrder::kDesc;
}

std::optional<std::int64_t> QueryValidator::integer(std::string_view key, std::int64_t min,
                                                    std::int64_t max) {
  const std::optional<std::string_view> text = take(key);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  if (!parse_int(*text, v)) {
    fail(key, rule::kType, fmt::format("{} must be an integer", key));
    return std::nullopt;
  }
  if (v < min) {
    fail(key, rule::kMin, fmt::format("{} must be at least {}", key, min));
    return std::nullopt;
  }
  if (v > max) {
    fail(key, rule::kMax, fmt::format("{} must be at most {}", key, max));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> QueryValidator::assignee(std::string_view key, bool& unassigned) {
  const std::optional<std::string_view> text = take(key);
  if (!text) return std::nullopt;
  if (*text == "unassigned") {
    unassigned = true;
    return std::nullopt;
  }
  std::int64_t v = 0;
  if (!parse_int(*text, v) || v < 1 || v > 9007199254740991) {
    fail(key, rule::kType, fmt::format("{} must be an id or 'unassigned'", key));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> QueryValidator::string(std::string_view key, std::size_t max_length) {
  const std::optional<std::string_view> text = take(key);
  if (!text) return std::nullopt;
  if (utf8_length(*text) > max_length) {
    fail(key, rule::kMaxLength, fmt::format("{} must be at most {} characters", key, max_length));
    return std::nullopt;
  }
  return std::string(*text);
}

std::optional<std::string> QueryValidator::enumeration(std::string_view key,
                                                       std::span<const std::string_view> allowed) {
  const std::optional<std::string_view> text = take(key);
  if (!text) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
    fail(key, rule::kEnum, fmt::format("{} must be one of: {}", key, fmt::join(allowed, ", ")));
    return std::nullopt;
  }
  return std::string(*text);
}

std::optional<bool> QueryValidator::boolean(std::string_view key) {
  const std::optional<std::string_view> text = take(key);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  fail(key, rule::kType, fmt::format("{} must be true or false", key));
  return std::nullopt;
}

std::optional<ApiError> QueryValidator::finish() {
  std::vector<std::string_view> reported;
  for (const auto& [key, value] : params_->items()) {
    (void)value;
    if (std::find(declared_.begin(), declared_.end(), key) != declared_.end()) continue;
    if (std::find(reported.begin(), reported.end(), key) != reported.end()) continue;
    reported.push_back(key);
    fail(key, rule::kUnknown, fmt::format("{} is not an accepted query parameter", key));
  }
  if (errors_.empty()) return std::nullopt;
  return errors_.to_api_error();
}

}  // namespace docket::http

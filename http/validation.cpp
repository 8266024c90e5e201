#include "http/validation.h"

#include <simdjson.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "http/text.h"

namespace docket::http {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_email_local_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_valid_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!is_email_local_char(c)) return false;
  }
  std::size_t labels = 0;
  std::string_view rest = domain;
  std::string_view last;
  for (;;) {
    const std::size_t dot = rest.find('.');
    last = rest.substr(0, dot);
    if (!is_domain_label(last)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (labels < 2 || last.size() < 2) return false;
  return std::any_of(last.begin(), last.end(), [](char c) { return c < '0' || c > '9'; });
}

void ValidationErrors::add(std::string_view field, std::string_view rule, std::string message) {
  if (items_.size() >= kMaxItems) return;
  items_.push_back({std::string(field), std::string(rule), std::move(message)});
}

ApiError ValidationErrors::to_api_error(std::string message) const {
  JsonWriter w;
  w.begin_array();
  for (const FieldError& e : items_) {
    w.begin_object();
    w.field("field", e.field);
    w.field("rule", e.rule);
    w.field("message", e.message);
    w.end_object();
  }
  w.end_array();
  return ApiError::validation(std::move(message), w.take());
}

BodyValidator::BodyValidator(const simdjson::dom::object& object) : object_(&object) {}

void BodyValidator::fail(std::string_view field, std::string_view rule, std::string message) {
  errors_.add(field, rule, std::move(message));
}

namespace {

// Looks `field` up. Returns false when it is absent or (for optional fields) null; a
// missing required field is recorded.
bool lookup(const simdjson::dom::object& object, std::string_view field, Presence presence,
            ValidationErrors& errors, element& out) {
  auto found = object.at_key(field);
  const bool absent = found.error() != simdjson::SUCCESS;
  if (!absent) out = found.value_unsafe();
  if (!absent && !(out.is_null() && presence == Presence::kOptional)) return true;
  if (presence == Presence::kRequired) {
    if (absent) {
      errors.add(field, rule::kRequired, fmt::format("{} is required", field));
    } else {
      errors.add(field, rule::kType, fmt::format("{} must not be null", field));
    }
  }
  return false;
}

}  // namespace

std::optional<std::vector<std::string>> BodyValidator::string_array(std::string_view field,
                                                                    Presence presence,
                                                                    std::size_t max_items,
                                                                    std::size_t max_length) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, presence, errors_, e)) return std::nullopt;
  simdjson::dom::array array;
  if (e.get_array().get(array)) {
    fail(field, rule::kType, fmt::format("{} must be an array of strings", field));
    return std::nullopt;
  }
  if (array.size() > max_items) {
    fail(field, rule::kMaxLength, fmt::format("{} must have at most {} items", field, max_items));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  std::size_t i = 0;
  for (element item : array) {
    const std::string name = fmt::format("{}[{}]", field, i++);
    std::string_view text;
    if (item.get_string().get(text)) {
      fail(name, rule::kType, fmt::format("{} must be a string", name));
      ok = false;
      continue;
    }
    const std::size_t length = utf8_length(text);
    if (length == std::string_view::npos || has_control_chars(text, false)) {
      fail(name, rule::kFormat, fmt::format("{} is not plain text", name));
      ok = false;
    } else if (length == 0 || length > max_length) {
      fail(name, length == 0 ? rule::kMinLength : rule::kMaxLength,
           fmt::format("{} must be 1 to {} characters", name, max_length));
      ok = false;
    } else {
      out.emplace_back(text);
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> BodyValidator::string(std::string_view field, const StringRule& r) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, r.presence, errors_, e)) return std::nullopt;
  if (!e.is_string()) {
    fail(field, rule::kType, fmt::format("{} must be a string", field));
    return std::nullopt;
  }
  std::string_view text = e.get_string().value_unsafe();
  if (r.trim) text = trim(text);
  if (has_control_chars(text, r.allow_line_breaks)) {
    fail(field, rule::kFormat, fmt::format("{} contains control characters", field));
    return std::nullopt;
  }
  const std::size_t length = utf8_length(text);
  if (length == std::string_view::npos) {
    fail(field, rule::kFormat, fmt::format("{} is not valid UTF-8", field));
    return std::nullopt;
  }
  if (length < r.min_length) {
    fail(field, rule::kMinLength,
         r.min_length == 1 ? fmt::format("{} must not be empty", field)
                           : fmt::format("{} must be at least {} characters", field, r.min_length));
    return std::nullopt;
  }
  if (length > r.max_length) {
    fail(field, rule::kMaxLength,
         fmt::format("{} must be at most {} characters", field, r.max_length));
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<std::string> BodyValidator::email(std::string_view field, Presence presence) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, presence, errors_, e)) return std::nullopt;
  if (!e.is_string()) {
    fail(field, rule::kType, fmt::format("{} must be a string", field));
    return std::nullopt;
  }
  std::string email = to_lower_ascii(trim(e.get_string().value_unsafe()));
  if (!is_valid_email(email)) {
    fail(field, rule::kEmail, fmt::format("{} must be a valid e-mail address", field));
    return std::nullopt;
  }
  return email;
}

std::optional<std::string> BodyValidator::enumeration(std::string_view field,
                                                      std::span<const std::string_view> allowed,
                                                      Presence presence) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, presence, errors_, e)) return std::nullopt;
  if (!e.is_string()) {
    fail(field, rule::kType, fmt::format("{} must be a string", field));
    return std::nullopt;
  }
  const std::string_view value = e.get_string().value_unsafe();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    fail(field, rule::kEnum, fmt::format("{} must be one of: {}", field, fmt::join(allowed, ", ")));
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<std::int64_t> BodyValidator::integer(std::string_view field, const IntegerRule& r) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, r.presence, errors_, e)) return std::nullopt;
  if (e.type() == element_type::UINT64) {  // only values above INT64_MAX land here
    fail(field, rule::kMax, fmt::format("{} must be at most {}", field, r.max));
    return std::nullopt;
  }
  if (e.type() != element_type::INT64) {
    fail(field, rule::kType, fmt::format("{} must be an integer", field));
    return std::nullopt;
  }
  const std::int64_t v = e.get_int64().value_unsafe();
  if (v < r.min) {
    fail(field, rule::kMin, fmt::format("{} must be at least {}", field, r.min));
    return std::nullopt;
  }
  if (v > r.max) {
    fail(field, rule::kMax, fmt::format("{} must be at most {}", field, r.max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> BodyValidator::boolean(std::string_view field, Presence presence) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, presence, errors_, e)) return std::nullopt;
  if (!e.is_bool()) {
    fail(field, rule::kType, fmt::format("{} must be a boolean", field));
    return std::nullopt;
  }
  return e.get_bool().value_unsafe();
}

std::optional<std::string> BodyValidator::object_json(std::string_view field, Presence presence,
                                                      std::size_t max_bytes) {
  declared_.emplace_back(field);
  element e;
  if (!lookup(*object_, field, presence, errors_, e)) return std::nullopt;
  if (e.type() != element_type::OBJECT) {
    fail(field, rule::kType, fmt::format("{} must be an object", field));
    return std::nullopt;
  }
  std::string text = simdjson::minify(e);
  if (text.size() > max_bytes) {
    fail(field, rule::kMaxLength, fmt::format("{} must be at most {} bytes", field, max_bytes));
    return std::nullopt;
  }
  return text;
}

NullableId BodyValidator::nullable_id(std::string_view field, Presence presence) {
  declared_.emplace_back(field);
  NullableId out;
  auto found = object_->at_key(field);
  if (found.error() != simdjson::SUCCESS) {
    if (presence == Presence::kRequired) {
      fail(field, rule::kRequired, fmt::format("{} is required (an id or null)", field));
    }
    return out;
  }
  const element e = found.value_unsafe();
  if (e.is_null()) {
    out.present = true;
    return out;
  }
  if (e.type() != element_type::INT64 && e.type() != element_type::UINT64) {
    fail(field, rule::kType, fmt::format("{} must be an integer id or null", field));
    return out;
  }
  if (e.type() == element_type::UINT64 || e.get_int64().value_unsafe() > kMaxId) {
    fail(field, rule::kMax, fmt::format("{} must be at most {}", field, kMaxId));
    return out;
  }
  const std::int64_t v = e.get_int64().value_unsafe();
  if (v < 1) {
    fail(field, rule::kMin, fmt::format("{} must be at least 1", field));
    return out;
  }
  out.present = true;
  out.value = v;
  return out;
}

std::optional<ApiError> BodyValidator::finish() {
  std::vector<std::string_view> seen;
  for (auto [key, value] : *object_) {
    (void)value;
    const bool declared = std::find(declared_.begin(), declared_.end(), key) != declared_.end();
    const bool repeated = std::find(seen.begin(), seen.end(), key) != seen.end();
    if (repeated) {
      // Report each repeated key once.
      if (std::count(seen.begin(), seen.end(), key) == 1) {
        fail(key, rule::kDuplicate, fmt::format("{} appears more than once", key));
      }
    } else if (!declared) {
      fail(key, rule::kUnknown, fmt::format("{} is not an accepted field", key));
    }
    seen.push_back(key);
  }
  if (errors_.empty()) return std::nullopt;
  return errors_.to_api_error();
}

}  // namespace docket::http

#include "http/validation.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "http/text.h"

namespace docket::http {
namespace {

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

}  // namespace docket::http

// Reading the data object of an event in folds and projections: the field getters and
// the error for an event that is not what its type promises. Header-only; pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/status.h"
#include "events/event.h"

namespace docket::events {

// The string field `key`; nullopt when absent, null or not a string.
inline std::optional<std::string> optional_text(simdjson::dom::object data, const char* key) {
  std::string_view v;
  if (data[key].get_string().get(v)) return std::nullopt;
  return std::string(v);
}

// The string field `key`, or "" when absent, null or not a string.
inline std::string text(simdjson::dom::object data, const char* key) {
  return optional_text(data, key).value_or(std::string());
}

// The integer field `key`; nullopt when absent, null or not an integer.
inline std::optional<std::int64_t> optional_int(simdjson::dom::object data, const char* key) {
  std::int64_t v = 0;
  if (data[key].get_int64().get(v)) return std::nullopt;
  return v;
}

// Corruption naming the event: "event 12 (support.request.created) of support_request-3:
// <what>".
inline Status malformed(const EventRecord& e, std::string_view what) {
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: {}", e.eventId, e.type, e.stream, what));
}

}  // namespace docket::events

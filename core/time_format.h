// ISO-8601 UTC timestamps with millisecond precision: "2026-11-22T01:50:24.123Z".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace docket {

// Formats milliseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601(UnixMillis ms);
// Appends the same text to `out`.
void append_iso8601(std::string& out, UnixMillis ms);

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DDTHH:MM:SS.mmmZ" and
// "+HH:MM"/"-HH:MM" offsets. Returns nullopt for anything else.
std::optional<UnixMillis> parse_iso8601(std::string_view text);

}  // namespace docket

// An agent's working hours: weekly windows of local time in an IANA time zone
// (docs/agents-and-queue.md, "Shifts"). Whether an instant falls in a shift is decided in
// that zone's local time, with its daylight-saving rules from the tz database
// (date/tz.h over the system's /usr/share/zoneinfo); never a fixed offset.
//
// A window is a weekday and a local start and end ("09:00"–"17:00"). An end at or before
// the start crosses midnight: "mon 22:00–06:00" runs from Monday 22:00 to Tuesday 06:00.
// A start equal to the end is the whole day from that time. On the day a clock change
// skips local times, a window is as long as the local times it covers: "mon 01:00–04:00"
// on a spring-forward Monday lasts two hours; on a fall-back day, three hours and
// the repeated hour.
//
// Pure functions of their arguments and the tz database; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace docket::domain {

// The tz database zone named `name` (an IANA name), or null when it does not know it.
const date::time_zone* find_time_zone(const std::string& name);

enum class Weekday : unsigned char { kMon, kTue, kWed, kThu, kFri, kSat, kSun };

// "mon" .. "sun" (lower case, as the API writes them).
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                                  "fri", "sat", "sun"};
std::optional<Weekday> parse_weekday(std::string_view text);
std::string_view weekday_name(Weekday day);

// "HH:MM", 00:00 .. 23:59, two digits each: minutes since local midnight.
std::optional<int> parse_clock(std::string_view text);
std::string format_clock(int minutes);

struct ShiftWindow {
  Weekday day = Weekday::kMon;
  int start_minute = 0;  // 0 .. 1439
  int end_minute = 0;    // 0 .. 1439; <= start_minute: ends on the next day
  bool operator==(const ShiftWindow&) const = default;
};

struct Shift {
  std::string timezone;  // an IANA zone name known to the tz database, e.g. "Europe/Berlin"
  std::vector<ShiftWindow> weekly;
  bool operator==(const Shift&) const = default;
};

// The most windows a shift may have (a few per day).
inline constexpr std::size_t kMaxShiftWindows = 28;

// InvalidArgument naming what is wrong: an unknown time zone, no windows or too many, a
// minute out of range.
Status validate_shift(const Shift& shift);

// Whether the instant `at_ms` (milliseconds since the Unix epoch, UTC) falls in one of
// the shift's windows. REQUIRES: validate_shift(shift).ok() (an unknown zone is
// InvalidArgument).
Result<bool> in_shift(const Shift& shift, std::int64_t at_ms);

// The first instant after `at_ms` at which in_shift() changes (a window opens or
// closes), or nullopt when it never changes within the coming eight days (a shift
// that covers the whole week). The queue uses it to look again when an agent comes
// into shift. REQUIRES: validate_shift(shift).ok().
Result<std::optional<std::int64_t>> next_shift_change(const Shift& shift, std::int64_t at_ms);

}  // namespace docket::domain

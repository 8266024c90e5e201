// Shifts in local time with the tz database's daylight-saving rules.
#include "domain/shift.h"

#include <doctest/doctest.h>

#include <chrono>

#include <date/date.h>

namespace docket::domain {
namespace {

using namespace date::literals;  // NOLINT: 2026_y, mar, …

// Milliseconds since the epoch of a UTC date and time.
std::int64_t utc(date::year_month_day day, int hour, int minute = 0) {
  const auto t = date::sys_days(day) + std::chrono::hours(hour) + std::chrono::minutes(minute);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool in(const Shift& shift, std::int64_t at) {
  auto r = in_shift(shift, at);
  REQUIRE(r.ok());
  return *r;
}

TEST_SUITE("domain shift") {
  TEST_CASE("weekdays and clock times parse strictly") {
    CHECK(parse_weekday("mon") == Weekday::kMon);
    CHECK(parse_weekday("sun") == Weekday::kSun);
    CHECK_FALSE(parse_weekday("Mon").has_value());
    CHECK_FALSE(parse_weekday("monday").has_value());
    CHECK(parse_clock("00:00") == 0);
    CHECK(parse_clock("09:30") == 570);
    CHECK(parse_clock("23:59") == 1439);
    for (const char* bad : {"24:00", "9:30", "09:60", "09-30", "0930", " 09:30", "09:3a", ""}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_clock(bad).has_value());
    }
    CHECK(format_clock(570) == "09:30");
  }

  TEST_CASE("a shift names a zone the tz database knows and has windows") {
    const ShiftWindow nine_to_five{Weekday::kMon, 540, 1020};
    CHECK(validate_shift({"Europe/Berlin", {nine_to_five}}).ok());
    CHECK(validate_shift({"Mars/Olympus", {nine_to_five}}).IsInvalidArgument());
    CHECK(validate_shift({"+02:00", {nine_to_five}}).IsInvalidArgument());
    CHECK(validate_shift({"Europe/Berlin", {}}).IsInvalidArgument());
    CHECK(validate_shift({"Europe/Berlin", {{Weekday::kMon, 540, 1440}}}).IsInvalidArgument());
    CHECK(in_shift({"Nowhere/Place", {nine_to_five}}, 0).status().IsInvalidArgument());
  }

  TEST_CASE("09:00-17:00 in Berlin follows the clock change, which a fixed offset would not") {
    const Shift shift{"Europe/Berlin", {{Weekday::kMon, 540, 1020}}};
    // Monday 23 March 2026, CET (UTC+1): 09:00 local is 08:00 UTC.
    CHECK_FALSE(in(shift, utc(2026_y / date::mar / 23, 7, 59)));
    CHECK(in(shift, utc(2026_y / date::mar / 23, 8, 0)));
    CHECK(in(shift, utc(2026_y / date::mar / 23, 15, 59)));
    CHECK_FALSE(in(shift, utc(2026_y / date::mar / 23, 16, 0)));
    // Monday 30 March 2026, CEST (UTC+2) since the 29th: 09:00 local is 07:00 UTC.
    CHECK(in(shift, utc(2026_y / date::mar / 30, 7, 0)));
    CHECK_FALSE(in(shift, utc(2026_y / date::mar / 30, 15, 0)));
    // Other days are out of shift.
    CHECK_FALSE(in(shift, utc(2026_y / date::mar / 24, 10, 0)));
  }

  TEST_CASE("a window across midnight runs into the next day") {
    const Shift night{"America/New_York", {{Weekday::kSun, 22 * 60, 6 * 60}}};
    // Sunday 1 November 2026 is the US fall-back day (EDT -> EST at 02:00 local).
    // Sunday 22:00 EST is Monday 03:00 UTC; Monday 06:00 EST is 11:00 UTC.
    CHECK_FALSE(in(night, utc(2026_y / date::nov / 2, 2, 59)));
    CHECK(in(night, utc(2026_y / date::nov / 2, 3, 0)));
    CHECK(in(night, utc(2026_y / date::nov / 2, 10, 59)));
    CHECK_FALSE(in(night, utc(2026_y / date::nov / 2, 11, 0)));
    // A start equal to the end is a whole day from that time.
    const Shift day{"UTC", {{Weekday::kWed, 600, 600}}};
    CHECK(in(day, utc(2026_y / date::dec / 2, 10, 0)));  // Wednesday 10:00
    CHECK(in(day, utc(2026_y / date::dec / 3, 9, 59)));  // Thursday 09:59
    CHECK_FALSE(in(day, utc(2026_y / date::dec / 3, 10, 0)));
  }

  TEST_CASE("the next change of in-shift is the next window edge that flips it") {
    const Shift shift{
        "Europe/Berlin",
        {{Weekday::kMon, 540, 1020}, {Weekday::kMon, 1020, 1080}, {Weekday::kWed, 540, 720}}};
    const auto next = [&](std::int64_t at) {
      auto r = next_shift_change(shift, at);
      REQUIRE(r.ok());
      return *r;
    };
    // Monday 23 March 2026 07:00 UTC (08:00 CET): in shift at 09:00 CET = 08:00 UTC.
    CHECK(next(utc(2026_y / date::mar / 23, 7, 0)) == utc(2026_y / date::mar / 23, 8, 0));
    // In shift: the adjoining windows 09:00-17:00 and 17:00-18:00 end at 18:00 CET.
    CHECK(next(utc(2026_y / date::mar / 23, 8, 0)) == utc(2026_y / date::mar / 23, 17, 0));
    // After Monday: Wednesday 09:00 CET.
    CHECK(next(utc(2026_y / date::mar / 23, 17, 0)) == utc(2026_y / date::mar / 25, 8, 0));
    // From Wednesday's end, across the clock change: Monday 30 March 09:00 CEST = 07:00 UTC.
    CHECK(next(utc(2026_y / date::mar / 25, 11, 0)) == utc(2026_y / date::mar / 30, 7, 0));
    // A shift that never ends has no next change.
    const Shift always{"UTC",
                       {{Weekday::kMon, 0, 0},
                        {Weekday::kTue, 0, 0},
                        {Weekday::kWed, 0, 0},
                        {Weekday::kThu, 0, 0},
                        {Weekday::kFri, 0, 0},
                        {Weekday::kSat, 0, 0},
                        {Weekday::kSun, 0, 0}}};
    auto none = next_shift_change(always, utc(2026_y / date::mar / 25, 11, 0));
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
  }

  TEST_CASE("on clock-change days a window covers the local times that exist") {
    const Shift early{"Europe/Berlin", {{Weekday::kSun, 60, 240}}};  // sun 01:00-04:00
    // Spring forward, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST. 01:00 CET is
    // 00:00 UTC, 04:00 CEST is 02:00 UTC: two hours.
    CHECK_FALSE(in(early, utc(2026_y / date::mar / 28, 23, 59)));
    CHECK(in(early, utc(2026_y / date::mar / 29, 0, 0)));
    CHECK(in(early, utc(2026_y / date::mar / 29, 1, 59)));
    CHECK_FALSE(in(early, utc(2026_y / date::mar / 29, 2, 0)));
    // Fall back, Sunday 25 October 2026: 03:00 CEST goes back to 02:00 CET. 01:00 CEST is
    // 23:00 UTC the day before, 04:00 CET is 03:00 UTC: four hours.
    CHECK_FALSE(in(early, utc(2026_y / date::oct / 24, 22, 59)));
    CHECK(in(early, utc(2026_y / date::oct / 24, 23, 0)));
    CHECK(in(early, utc(2026_y / date::oct / 25, 2, 59)));
    CHECK_FALSE(in(early, utc(2026_y / date::oct / 25, 3, 0)));
  }
}

}  // namespace
}  // namespace docket::domain

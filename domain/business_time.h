// Business time: deadlines counted only inside a calendar's working hours (the SLA
// deadlines of docs/sla.md are computed with it). Pure; thread-safe.
//
// A calendar is an IANA time zone, weekly periods of local time (any number per day)
// and holidays. A period belongs to the local date it starts on:
//   - start < end: that day from start to end;
//   - end <= start: it runs past midnight and ends at `end` on the next day (start ==
//     end: 24 hours from start);
//   - a holiday removes every period that starts on it (an overnight period that
//     started the day before still runs into it).
// Business time is the set of instants whose local time falls in a period, as the tz
// database maps instants to local time: on a spring-forward day the missing local
// hour is no business time; on a fall-back day a period over the repeated hour covers
// both occurrences. Overlapping periods count once.
//
// tests/domain/business_time_test.cpp checks both functions against a brute-force
// reference (minute by minute) on randomized calendars.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "domain/shift.h"

namespace docket::domain {

struct Holiday {
  int year = 0;  // ignored when recurring
  int month = 1;
  int day = 1;
  bool recurring = false;  // every year on month/day
  bool operator==(const Holiday&) const = default;
};

struct BusinessCalendar {
  std::string timezone;             // an IANA zone name
  std::vector<ShiftWindow> weekly;  // the periods (day, start, end), as shifts have them
  std::vector<Holiday> holidays;
  bool always = false;  // 24x7: every instant is business time
};

// InvalidArgument for a zone the tz database does not know, a period outside 00:00 ..
// 23:59, or an impossible holiday date.
Status validate_calendar(const BusinessCalendar& calendar);

// Whether `at_ms` is business time.
Result<bool> in_business_time(const BusinessCalendar& calendar, std::int64_t at_ms);

// The first instant t >= from_ms at which `duration_ms` of business time have passed
// since from_ms (from_ms itself for 0). FailedPrecondition when the calendar has no
// business time within ten years.
Result<std::int64_t> add_business_time(const BusinessCalendar& calendar, std::int64_t from_ms,
                                       std::int64_t duration_ms);

// The business time in [from_ms, to_ms) (0 when to_ms <= from_ms).
Result<std::int64_t> business_time_between(const BusinessCalendar& calendar, std::int64_t from_ms,
                                           std::int64_t to_ms);

// The business time in [from_ms, to_ms) as disjoint intervals [begin, end) in time
// order, touching ones joined (empty when to_ms <= from_ms). What a client needs to
// count a deadline down in business time itself.
struct BusinessInterval {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  bool operator==(const BusinessInterval&) const = default;
};
Result<std::vector<BusinessInterval>> business_intervals(const BusinessCalendar& calendar,
                                                         std::int64_t from_ms, std::int64_t to_ms);

}  // namespace docket::domain

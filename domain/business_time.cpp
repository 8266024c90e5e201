#include "domain/business_time.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include <date/tz.h>
#include <fmt/format.h>

namespace docket::domain {
namespace {

using std::chrono::milliseconds;
using Ms = std::int64_t;
constexpr Ms kMinute = 60'000;
constexpr Ms kDay = 86'400'000;
constexpr int kBatchDays = 16;
constexpr int kBackDays = 5;  // a batch re-reads the periods that may reach past its start
constexpr int kMaxDays = 3660;

struct Interval {
  Ms begin;
  Ms end;
};

bool is_holiday(const BusinessCalendar& c, date::year_month_day ymd) {
  const int y = static_cast<int>(ymd.year());
  const int m = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  return std::any_of(c.holidays.begin(), c.holidays.end(), [&](const Holiday& h) {
    return h.month == m && h.day == d && (h.recurring || h.year == y);
  });
}

// Adds to `out` the instants (UTC ms) whose local time is in [local_begin, local_end)
// (local ms since the epoch, as if local time were UTC), one piece per offset segment.
void add_local_interval(const date::time_zone& zone, Ms local_begin, Ms local_end,
                        std::vector<Interval>& out) {
  using date::sys_seconds;
  auto t = sys_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(milliseconds(local_begin - 2 * kDay)));
  const Ms stop = local_end + 2 * kDay;
  for (;;) {
    const date::sys_info info = zone.get_info(t);
    const Ms begin =
        std::chrono::duration_cast<milliseconds>(info.begin.time_since_epoch()).count();
    const Ms end = std::chrono::duration_cast<milliseconds>(info.end.time_since_epoch()).count();
    const Ms offset = std::chrono::duration_cast<milliseconds>(info.offset).count();
    const Ms piece_begin = std::max(local_begin - offset, begin);
    const Ms piece_end = std::min(local_end - offset, end);
    if (piece_begin < piece_end) out.push_back({piece_begin, piece_end});
    if (end >= stop) break;
    t = info.end;
  }
}

// The business intervals of the periods starting on local dates [first, first + days),
// sorted and merged.
std::vector<Interval> intervals(const BusinessCalendar& c, const date::time_zone& zone,
                                date::local_days first, int days) {
  std::vector<Interval> out;
  for (int n = 0; n < days; ++n) {
    const date::local_days day = first + date::days(n);
    if (is_holiday(c, date::year_month_day(day))) continue;
    // date::weekday: Sunday 0; Weekday: Monday 0.
    const unsigned iso = (date::weekday(day).c_encoding() + 6) % 7;
    const Ms midnight = std::chrono::duration_cast<milliseconds>(day.time_since_epoch()).count();
    for (const ShiftWindow& p : c.weekly) {
      if (static_cast<unsigned>(p.day) != iso) continue;
      const Ms begin = midnight + p.start_minute * kMinute;
      const Ms end = p.end_minute > p.start_minute ? midnight + p.end_minute * kMinute
                                                   : midnight + kDay + p.end_minute * kMinute;
      add_local_interval(zone, begin, end, out);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  std::vector<Interval> merged;
  for (const Interval& i : out) {
    if (!merged.empty() && i.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, i.end);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

// Walks the business intervals from `from_ms` on, batch by batch, calling
// visit(begin, end) for each part at or after from_ms in time order until it returns
// false. FailedPrecondition after ten years.
template <typename Visit>
Status walk(const BusinessCalendar& c, Ms from_ms, Visit&& visit) {
  const date::time_zone* zone = find_time_zone(c.timezone);
  if (zone == nullptr) {
    return Status::InvalidArgument(
        fmt::format("timezone '{}' is not in the tz database", c.timezone));
  }
  // The local date of from_ms, as if the offset were +14 h (the earliest any period
  // that may cover from_ms can start is two days before).
  const auto from_day =
      date::floor<date::days>(date::local_time<milliseconds>(milliseconds(from_ms)));
  date::local_days first = from_day - date::days(3);
  Ms cursor = from_ms;
  for (int scanned = 0; scanned < kMaxDays; scanned += kBatchDays - kBackDays) {
    const date::local_days end_day = first + date::days(kBatchDays);
    // Periods of later dates start after this (their local start minus at most 14 h).
    const Ms safe_end =
        std::chrono::duration_cast<milliseconds>(end_day.time_since_epoch()).count() - 2 * kDay;
    for (const Interval& i : intervals(c, *zone, first, kBatchDays)) {
      const Ms begin = std::max(i.begin, cursor);
      const Ms end = std::min(i.end, safe_end);
      if (begin >= end) continue;
      if (!visit(begin, end)) return Status::Ok();
    }
    cursor = std::max(cursor, safe_end);
    first = end_day - date::days(kBackDays);
  }
  return Status::FailedPrecondition("the calendar has no business time within ten years");
}

}  // namespace

Status validate_calendar(const BusinessCalendar& c) {
  if (c.always) return Status::Ok();
  if (find_time_zone(c.timezone) == nullptr) {
    return Status::InvalidArgument(
        fmt::format("timezone '{}' is not in the tz database", c.timezone));
  }
  for (const ShiftWindow& p : c.weekly) {
    if (p.start_minute < 0 || p.start_minute >= 1440 || p.end_minute < 0 || p.end_minute >= 1440) {
      return Status::InvalidArgument("a period runs from 00:00 to 23:59");
    }
  }
  for (const Holiday& h : c.holidays) {
    const date::year_month_day ymd{date::year(h.recurring ? 2024 : h.year),
                                   date::month(static_cast<unsigned>(h.month)),
                                   date::day(static_cast<unsigned>(h.day))};
    if (!ymd.ok()) return Status::InvalidArgument("a holiday is not a calendar date");
  }
  return Status::Ok();
}

Result<bool> in_business_time(const BusinessCalendar& c, std::int64_t at_ms) {
  if (c.always) return true;
  bool inside = false;
  Status s = walk(c, at_ms, [&](Ms begin, Ms) {
    inside = begin == at_ms;
    return false;
  });
  if (!s.ok() && !s.IsFailedPrecondition()) return s;
  return inside;
}

Result<std::int64_t> add_business_time(const BusinessCalendar& c, std::int64_t from_ms,
                                       std::int64_t duration_ms) {
  if (duration_ms <= 0) return from_ms;
  if (c.always) return from_ms + duration_ms;
  Ms left = duration_ms;
  Ms due = 0;
  Status s = walk(c, from_ms, [&](Ms begin, Ms end) {
    if (end - begin >= left) {
      due = begin + left;
      left = 0;
      return false;
    }
    left -= end - begin;
    return true;
  });
  if (!s.ok()) return s;
  if (left > 0)
    return Status::FailedPrecondition("the calendar has no business time within ten years");
  return due;
}

Result<std::int64_t> business_time_between(const BusinessCalendar& c, std::int64_t from_ms,
                                           std::int64_t to_ms) {
  if (to_ms <= from_ms) return std::int64_t{0};
  if (c.always) return to_ms - from_ms;
  Ms total = 0;
  Status s = walk(c, from_ms, [&](Ms begin, Ms end) {
    if (begin >= to_ms) return false;
    total += std::min(end, to_ms) - begin;
    return end < to_ms;
  });
  if (!s.ok() && !s.IsFailedPrecondition()) return s;
  return total;
}

Result<std::vector<BusinessInterval>> business_intervals(const BusinessCalendar& c,
                                                         std::int64_t from_ms, std::int64_t to_ms) {
  std::vector<BusinessInterval> out;
  if (to_ms <= from_ms) return out;
  if (c.always) {
    out.push_back({from_ms, to_ms});
    return out;
  }
  Status s = walk(c, from_ms, [&](Ms begin, Ms end) {
    if (begin >= to_ms) return false;
    end = std::min(end, to_ms);
    if (!out.empty() && out.back().end == begin) {
      out.back().end = end;
    } else {
      out.push_back({begin, end});
    }
    return end < to_ms;
  });
  if (!s.ok() && !s.IsFailedPrecondition()) return s;
  return out;
}

}  // namespace docket::domain

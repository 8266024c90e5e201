#include "http/report_range.h"

#include <chrono>
#include <cstdio>

#include <date/tz.h>
#include <fmt/format.h>

#include "domain/shift.h"

namespace docket::http {
namespace {

constexpr int kDefaultDays = 30;

std::optional<date::local_days> parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;  // NOLINT
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok() || y < 1970 || y > 9999) return std::nullopt;
  return date::local_days{ymd};
}

ApiError invalid(std::string_view field, std::string_view rule, std::string message) {
  ValidationErrors errors;
  errors.add(field, rule, message);
  return errors.to_api_error(std::move(message));
}

std::int64_t midnight(const date::time_zone* zone, date::local_days day) {
  // A midnight the zone skips (a clock change at 00:00) is the instant of the change.
  const auto at = zone->to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

ReportRange report_range(const ApiContext& api, const RangeParams& q, int max_days) {
  ReportRange r;
  r.tz = q.tz.value_or("UTC");
  const date::time_zone* zone = domain::find_time_zone(r.tz);
  if (zone == nullptr) {
    throw invalid("tz", "timezone", "tz is not an IANA time zone");
  }
  date::local_days last;
  if (q.to) {
    auto day = parse_day(*q.to);
    if (!day) throw invalid("to", "date", "to is not a date (YYYY-MM-DD)");
    last = *day;
  } else {
    const date::sys_time<std::chrono::milliseconds> now{
        std::chrono::milliseconds(api.clock.now_ms())};
    last = date::floor<date::days>(zone->to_local(now));
  }
  date::local_days first = last - date::days(kDefaultDays - 1);
  if (q.from) {
    auto day = parse_day(*q.from);
    if (!day) throw invalid("from", "date", "from is not a date (YYYY-MM-DD)");
    first = *day;
  }
  if (first > last) {
    throw invalid("from", "range", "from must not be after to");
  }
  if ((last - first).count() + 1 > max_days) {
    throw invalid("from", "range", fmt::format("A range covers at most {} days", max_days));
  }
  r.from = format_day(first);
  r.to = format_day(last);
  for (date::local_days d = first; d <= last + date::days(1); d += date::days(1)) {
    r.days.push_back(d);
    r.edges.push_back(midnight(zone, d));
  }
  return r;
}

std::string format_day(date::local_days day) {
  return date::format("%F", day);
}

}  // namespace docket::http

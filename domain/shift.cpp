#include "domain/shift.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include <date/tz.h>
#include <fmt/format.h>

namespace docket::domain {

const date::time_zone* find_time_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

namespace {

Weekday next_day(Weekday day, int delta) {
  return static_cast<Weekday>((static_cast<int>(day) + delta + 7) % 7);
}

}  // namespace

std::optional<Weekday> parse_weekday(std::string_view text) {
  for (std::size_t i = 0; i < kWeekdayNames.size(); ++i) {
    if (kWeekdayNames[i] == text) return static_cast<Weekday>(i);
  }
  return std::nullopt;
}

std::string_view weekday_name(Weekday day) {
  return kWeekdayNames[static_cast<std::size_t>(day)];
}

std::optional<int> parse_clock(std::string_view text) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string format_clock(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

Status validate_shift(const Shift& shift) {
  if (find_time_zone(shift.timezone) == nullptr) {
    return Status::InvalidArgument(
        fmt::format("timezone '{}' is not in the tz database", shift.timezone));
  }
  if (shift.weekly.empty() || shift.weekly.size() > kMaxShiftWindows) {
    return Status::InvalidArgument(
        fmt::format("a shift has 1 to {} weekly windows", kMaxShiftWindows));
  }
  for (const ShiftWindow& w : shift.weekly) {
    if (w.start_minute < 0 || w.start_minute >= 1440 || w.end_minute < 0 || w.end_minute >= 1440) {
      return Status::InvalidArgument("a window's start and end are times of day, 00:00 to 23:59");
    }
  }
  return Status();
}

Result<bool> in_shift(const Shift& shift, std::int64_t at_ms) {
  const date::time_zone* zone = find_time_zone(shift.timezone);
  if (zone == nullptr) {
    return Status::InvalidArgument(
        fmt::format("timezone '{}' is not in the tz database", shift.timezone));
  }
  const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds(at_ms)};
  const date::local_time<std::chrono::milliseconds> local = zone->to_local(at);
  const date::local_days day = date::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  // date::weekday counts from Sunday (0); Weekday from Monday.
  const Weekday today = static_cast<Weekday>((date::weekday(day).c_encoding() + 6) % 7);  // NOLINT
  const Weekday yesterday = next_day(today, -1);
  for (const ShiftWindow& w : shift.weekly) {
    if (w.end_minute > w.start_minute) {
      if (w.day == today && minute >= w.start_minute && minute < w.end_minute) return true;
    } else {  // crosses midnight (or the whole day from its start)
      if (w.day == today && minute >= w.start_minute) return true;
      if (w.day == yesterday && minute < w.end_minute) return true;
    }
  }
  return false;
}

Result<std::optional<std::int64_t>> next_shift_change(const Shift& shift, std::int64_t at_ms) {
  const date::time_zone* zone = find_time_zone(shift.timezone);
  if (zone == nullptr) {
    return Status::InvalidArgument(
        fmt::format("timezone '{}' is not in the tz database", shift.timezone));
  }
  using std::chrono::milliseconds;
  const date::sys_time<milliseconds> at{milliseconds(at_ms)};
  const date::local_days today = date::floor<date::days>(zone->to_local(at));
  // Every window edge on the local days around `at` is a candidate. A local time a
  // clock change skips maps to the instant of the change; a repeated one to its first
  // occurrence (choose::earliest): in_shift() is what decides, the edges only say when
  // to look.
  std::vector<std::int64_t> candidates;
  for (int offset = -1; offset <= 8; ++offset) {
    const date::local_days day = today + date::days(offset);
    const auto weekday = static_cast<Weekday>((date::weekday(day).c_encoding() + 6) % 7);
    for (const ShiftWindow& w : shift.weekly) {
      if (w.day != weekday) continue;
      const auto start = day + std::chrono::minutes(w.start_minute);
      const auto end = (w.end_minute > w.start_minute ? day : day + date::days(1)) +
                       std::chrono::minutes(w.end_minute);
      for (const auto local : {start, end}) {
        const auto instant = zone->to_sys(local, date::choose::earliest);
        const std::int64_t ms =
            std::chrono::duration_cast<milliseconds>(instant.time_since_epoch()).count();
        if (ms > at_ms) candidates.push_back(ms);
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  auto now = in_shift(shift, at_ms);
  if (!now.ok()) return now.status();
  for (const std::int64_t candidate : candidates) {
    auto then = in_shift(shift, candidate);
    if (!then.ok()) return then.status();
    if (*then != *now) return std::optional<std::int64_t>(candidate);
  }
  return std::optional<std::int64_t>();
}

}  // namespace docket::domain

#include "scheduler/cron.h"

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace docket::scheduler {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMs = 86'400'000;

struct Field {
  const char* name;
  int low;
  int high;
  std::array<std::string_view, 13> names;  // names[i] stands for low + i ("" for none)
};

constexpr Field kMinute{"minute", 0, 59, {}};
constexpr Field kHour{"hour", 0, 23, {}};
constexpr Field kDay{"day of month", 1, 31, {}};
constexpr Field kMonth{
    "month",
    1,
    12,
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
// 7 is accepted for Sunday and folded onto 0 by the caller.
constexpr Field kWeekday{"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

Status field_error(const Field& f, std::string_view part, std::string_view why) {
  return Status::InvalidArgument("cron " + std::string(f.name) + " '" + std::string(part) +
                                 "': " + std::string(why));
}

// A number or (for month and weekday) a three-letter name.
std::optional<int> value_of(const Field& f, std::string_view text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size()) return n;
  if (text.size() == 3) {
    std::string lower;
    for (char c : text)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (std::size_t i = 0; i < f.names.size(); ++i) {
      if (!f.names[i].empty() && f.names[i] == lower) return f.low + static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// Parses one field into `bits` (index = value).
template <std::size_t N>
Status parse_field(const Field& f, std::string_view text, std::bitset<N>& bits) {
  if (text.empty()) return field_error(f, text, "empty");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (part.empty()) return field_error(f, text, "empty list item");
    std::string_view range = part;
    int step = 1;
    if (const std::size_t slash = part.find('/'); slash != std::string_view::npos) {
      range = part.substr(0, slash);
      const std::string_view step_text = part.substr(slash + 1);
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (ec != std::errc() || end != step_text.data() + step_text.size() || step < 1) {
        return field_error(f, part, "step must be a positive number");
      }
    }
    int low = f.low;
    int high = f.high;
    if (range == "*") {
      if (&f == &kWeekday) high = 6;
    } else {
      const std::size_t dash = range.find('-');
      auto first = value_of(f, range.substr(0, dash));
      if (!first) return field_error(f, part, "not a number or name");
      low = *first;
      if (dash != std::string_view::npos) {
        auto last = value_of(f, range.substr(dash + 1));
        if (!last) return field_error(f, part, "not a number or name");
        high = *last;
      } else {
        // "N/step" runs from N to the end of the range; plain "N" is just N.
        high = part.find('/') != std::string_view::npos ? f.high : low;
        if (&f == &kWeekday && part.find('/') != std::string_view::npos) high = 6;
      }
    }
    if (low < f.low || high > f.high || low > high) {
      return field_error(f, part,
                         "out of range " + std::to_string(f.low) + "-" + std::to_string(f.high));
    }
    for (int v = low; v <= high; v += step)
      bits.set(static_cast<std::size_t>(&f == &kWeekday && v == 7 ? 0 : v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
struct Civil {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression) {
  std::string_view text = expression;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  static constexpr std::pair<std::string_view, std::string_view> kMacros[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  for (const auto& [macro, fields] : kMacros) {
    if (text == macro) text = fields;
  }
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    if (i > start) parts.push_back(text.substr(start, i - start));
  }
  if (parts.size() != 5) {
    return Status::InvalidArgument("cron expression '" + std::string(expression) +
                                   "' must have 5 fields (minute hour day month weekday), has " +
                                   std::to_string(parts.size()));
  }
  CronSchedule s;
  s.expression_ = std::string(expression);
  if (Status st = parse_field(kMinute, parts[0], s.minutes_); !st.ok()) return st;
  if (Status st = parse_field(kHour, parts[1], s.hours_); !st.ok()) return st;
  if (Status st = parse_field(kDay, parts[2], s.days_); !st.ok()) return st;
  if (Status st = parse_field(kMonth, parts[3], s.months_); !st.ok()) return st;
  std::bitset<8> weekdays;
  if (Status st = parse_field(kWeekday, parts[4], weekdays); !st.ok()) return st;
  for (std::size_t d = 0; d < 7; ++d)
    s.weekdays_[d] = weekdays[d];
  // A field is restricted when it leaves out part of its range ("*/2" does; "1-31"
  // does not), as croniter decides.
  s.days_restricted_ = s.days_.count() != 31;
  s.weekdays_restricted_ = s.weekdays_.count() != 7;
  return s;
}

bool CronSchedule::day_matches(int day_of_month, int weekday) const {
  const bool day = days_[static_cast<std::size_t>(day_of_month)];
  const bool week = weekdays_[static_cast<std::size_t>(weekday)];
  if (days_restricted_ && weekdays_restricted_) return day || week;
  return day && week;
}

bool CronSchedule::matches(UnixMillis at) const {
  const std::int64_t days = floor_div(at, kDayMs);
  const std::int64_t in_day = at - days * kDayMs;
  const Civil c = civil_from_days(days);
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  return months_[static_cast<std::size_t>(c.month)] && day_matches(c.day, weekday) &&
         hours_[static_cast<std::size_t>(in_day / 3'600'000)] &&
         minutes_[static_cast<std::size_t>((in_day / kMinuteMs) % 60)];
}

std::optional<UnixMillis> CronSchedule::next_after(UnixMillis after) const {
  std::int64_t t = floor_div(after, kMinuteMs) * kMinuteMs + kMinuteMs;
  const std::int64_t limit = t + 8 * 366 * kDayMs;
  while (t < limit) {
    const std::int64_t days = floor_div(t, kDayMs);
    const Civil c = civil_from_days(days);
    if (!months_[static_cast<std::size_t>(c.month)]) {  // to the 1st of the next month
      const int year = c.month == 12 ? c.year + 1 : c.year;
      const int month = c.month == 12 ? 1 : c.month + 1;
      t = days_from_civil(year, month, 1) * kDayMs;
      continue;
    }
    const int weekday = static_cast<int>(((days % 7) + 11) % 7);
    if (!day_matches(c.day, weekday)) {  // to the next midnight
      t = (days + 1) * kDayMs;
      continue;
    }
    const std::int64_t in_day = t - days * kDayMs;
    const auto hour = static_cast<std::size_t>(in_day / 3'600'000);
    if (!hours_[hour]) {  // to the next full hour
      t = days * kDayMs + static_cast<std::int64_t>(hour + 1) * 3'600'000;
      continue;
    }
    if (!minutes_[static_cast<std::size_t>((in_day / kMinuteMs) % 60)]) {
      t += kMinuteMs;
      continue;
    }
    return t;
  }
  return std::nullopt;
}

}  // namespace docket::scheduler

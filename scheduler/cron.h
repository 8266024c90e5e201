// CronSchedule: a standard five-field cron expression, evaluated in UTC.
//
//   ┌ minute        0-59
//   │ ┌ hour        0-23
//   │ │ ┌ day       1-31
//   │ │ │ ┌ month   1-12 or JAN-DEC
//   │ │ │ │ ┌ weekday 0-7 or SUN-SAT (0 and 7 are Sunday)
//   * * * * *
//
// Each field is a comma-separated list of `*`, `N`, `N-M`, each optionally followed
// by `/step` (`*/15`, `10-50/20`, `5/10` = 5-59/10). Names are case-insensitive. When
// both day and weekday are restricted (each leaves out part of its range), a day
// matches if either matches; otherwise both must — as croniter decides (Vixie cron
// counts any field starting with `*`, such as `*/2`, as unrestricted). The macros
// @yearly (@annually), @monthly, @weekly, @daily (@midnight) and @hourly are accepted;
// L, W, # and ? are not.
//
// Pure and thread-safe once parsed.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace docket::scheduler {

class CronSchedule {
 public:
  // InvalidArgument naming the field and the reason for a malformed expression.
  static Result<CronSchedule> parse(std::string_view expression);

  // The first minute strictly after `after` that matches, as ms since the epoch (UTC,
  // whole minutes); nullopt when none does within 8 years (e.g. "0 0 30 2 *").
  std::optional<UnixMillis> next_after(UnixMillis after) const;

  // Whether the minute containing `at` matches.
  bool matches(UnixMillis at) const;

  const std::string& expression() const { return expression_; }

 private:
  bool day_matches(int day_of_month, int weekday) const;

  std::string expression_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0..6, Sunday = 0
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace docket::scheduler

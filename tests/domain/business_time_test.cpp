// Business time (domain/business_time.h) against an independent brute-force reference:
// each UTC minute of a 30-day window is mapped to local time by the tz database and
// tested against the calendar's periods and holidays one by one. Randomized calendars
// (1-3 periods a day, days off, overnight periods, holidays on any day, recurring ones)
// in Europe/Berlin and America/New_York around both DST changes, in UTC and in
// Asia/Kolkata; at least 10,000 deadlines, 10,000 intervals and 10,000 instants per run
// from a fixed seed (printed on failure).
#include "domain/business_time.h"
#include "domain/sla.h"

#include <doctest/doctest.h>

#include <chrono>
#include <random>

#include <date/tz.h>

namespace docket::domain {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr int kWindowMinutes = 30 * 24 * 60;

std::int64_t utc_ms(int y, unsigned m, unsigned d) {
  const date::sys_days day = date::year(y) / date::month(m) / date::day(d);
  return std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
}

// The reference: is the UTC minute starting at `ms` business time?
bool reference_inside(const BusinessCalendar& c, const date::time_zone& zone, std::int64_t ms) {
  const auto local =
      zone.to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  const auto day = date::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  auto holiday = [&](date::local_days d) {
    const date::year_month_day ymd(d);
    for (const Holiday& h : c.holidays) {
      if (static_cast<unsigned>(ymd.month()) == static_cast<unsigned>(h.month) &&
          static_cast<unsigned>(ymd.day()) == static_cast<unsigned>(h.day) &&
          (h.recurring || static_cast<int>(ymd.year()) == h.year)) {
        return true;
      }
    }
    return false;
  };
  auto weekday = [](date::local_days d) {
    return static_cast<Weekday>((date::weekday(d).c_encoding() + 6) % 7);
  };
  const date::local_days yesterday = day - date::days(1);
  for (const ShiftWindow& p : c.weekly) {
    const bool overnight = p.end_minute <= p.start_minute;
    if (p.day == weekday(day) && !holiday(day)) {
      if (overnight ? minute >= p.start_minute
                    : minute >= p.start_minute && minute < p.end_minute) {
        return true;
      }
    }
    if (overnight && p.day == weekday(yesterday) && !holiday(yesterday) && minute < p.end_minute) {
      return true;
    }
  }
  return false;
}

BusinessCalendar random_calendar(std::mt19937_64& rng, const char* zone, int year, unsigned month) {
  BusinessCalendar c;
  c.timezone = zone;
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  for (int d = 0; d < 7; ++d) {
    if (pick(5) == 0) continue;  // a day off
    const int periods = 1 + pick(3);
    for (int p = 0; p < periods; ++p) {
      const int granularity = pick(2) == 0 ? 15 : 1;
      const int start = pick(1440 / granularity) * granularity;
      int end = pick(1440 / granularity) * granularity;
      // Mostly daytime periods; a quarter stay as drawn (overnight when end <= start).
      if (pick(4) != 0 && end <= start) end = std::min(1439, start + 60 + pick(600));
      c.weekly.push_back({static_cast<Weekday>(d), start, end});
    }
  }
  const int holidays = pick(4);
  for (int h = 0; h < holidays; ++h) {
    c.holidays.push_back({year, static_cast<int>(month) + pick(2), 1 + pick(28), pick(3) == 0});
  }
  return c;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("business time: the reference agrees on randomized calendars across DST") {
    const std::uint64_t seed = 20261202;
    std::mt19937_64 rng(seed);
    struct Window {
      const char* zone;
      int year;
      unsigned month;
      unsigned day;
    };
    const Window windows[] = {
        {"Europe/Berlin", 2026, 3, 15},
        {"Europe/Berlin", 2026, 10, 12},
        {"America/New_York", 2026, 2, 25},
        {"America/New_York", 2026, 10, 20},
        {"UTC", 2026, 6, 1},
        {"Asia/Kolkata", 2026, 6, 1},
    };
    int deadlines = 0, intervals = 0, instants = 0, calendars = 0;
    while (deadlines < 10'000 || intervals < 10'000 || instants < 10'000) {
      const Window& w = windows[calendars % std::size(windows)];
      const BusinessCalendar c = random_calendar(rng, w.zone, w.year, w.month);
      ++calendars;
      REQUIRE(validate_calendar(c).ok());
      const date::time_zone* zone = date::locate_zone(w.zone);
      const std::int64_t start = utc_ms(w.year, w.month, w.day);
      std::vector<unsigned char> inside(kWindowMinutes);
      for (int m = 0; m < kWindowMinutes; ++m)
        inside[m] = reference_inside(c, *zone, start + m * kMinute);
      for (int n = 0; n < 50; ++n) {
        CAPTURE(seed);
        CAPTURE(calendars);
        CAPTURE(n);
        const int from = static_cast<int>(rng() % (kWindowMinutes / 2));
        const std::int64_t from_ms = start + from * kMinute;
        // Instants.
        const int at = static_cast<int>(rng() % kWindowMinutes);
        CHECK(in_business_time(c, start + at * kMinute).value() == (inside[at] != 0));
        ++instants;
        // Intervals.
        const int to = from + static_cast<int>(rng() % (kWindowMinutes / 2));
        std::int64_t expected = 0;
        for (int m = from; m < to; ++m)
          expected += inside[m];
        CHECK(business_time_between(c, from_ms, start + to * kMinute).value() ==
              expected * kMinute);
        // The same span as intervals: the runs of business minutes, joined.
        std::vector<BusinessInterval> runs;
        for (int r = from; r < to; ++r) {
          if (!inside[r]) continue;
          const std::int64_t begin = start + r * kMinute;
          if (!runs.empty() && runs.back().end == begin) {
            runs.back().end = begin + kMinute;
          } else {
            runs.push_back({begin, begin + kMinute});
          }
        }
        CHECK(business_intervals(c, from_ms, start + to * kMinute).value() == runs);
        ++intervals;
        // Deadlines: the end of the k-th business minute after `from`.
        const int k = static_cast<int>(rng() % 3000);
        int m = from, counted = 0;
        while (m < kWindowMinutes && counted < k)
          counted += inside[m++];
        if (counted < k) continue;  // beyond the window
        CHECK(add_business_time(c, from_ms, k * kMinute).value() == start + m * kMinute);
        ++deadlines;
      }
    }
    MESSAGE("calendars=", calendars, " deadlines=", deadlines);
  }

  TEST_CASE("business time: a deadline across a weekend and the Berlin DST change") {
    // Mon-Fri 09:00-17:00 in Berlin. Friday 2026-03-27 16:00 local (15:00 UTC) plus 2
    // business hours: 1 h on Friday, then Monday 2026-03-30 09:00-10:00 local, which is
    // CEST (UTC+2) after the change on Sunday: 08:00 UTC.
    BusinessCalendar c{"Europe/Berlin", {}, {}, false};
    for (int d = 0; d < 5; ++d)
      c.weekly.push_back({static_cast<Weekday>(d), 540, 1020});
    const std::int64_t friday = utc_ms(2026, 3, 27) + 15 * 60 * kMinute;
    CHECK(add_business_time(c, friday, 120 * kMinute).value() ==
          utc_ms(2026, 3, 30) + 8 * 60 * kMinute);
    // A holiday on that Monday moves it to Tuesday.
    c.holidays.push_back({2026, 3, 30, false});
    CHECK(add_business_time(c, friday, 120 * kMinute).value() ==
          utc_ms(2026, 3, 31) + 8 * 60 * kMinute);
    // Exactly on a period edge: 1 h from Friday 16:00 is Friday 17:00, not Monday.
    CHECK(add_business_time(c, friday, 60 * kMinute).value() == friday + 60 * kMinute);
    CHECK(business_time_between(c, friday, utc_ms(2026, 3, 31) + 8 * 60 * kMinute).value() ==
          120 * kMinute);
  }

  TEST_CASE("business time: 24x7, no business time at all, and validation") {
    BusinessCalendar always{"", {}, {}, true};
    CHECK(add_business_time(always, 1000, 5000).value() == 6000);
    CHECK(business_time_between(always, 1000, 6000).value() == 5000);
    BusinessCalendar none{"UTC", {}, {}, false};
    CHECK(add_business_time(none, 0, kMinute).status().IsFailedPrecondition());
    CHECK(business_time_between(none, 0, 1'000'000'000).value() == 0);
    CHECK(business_intervals(always, 1000, 6000).value() ==
          std::vector<BusinessInterval>{{1000, 6000}});
    CHECK(business_intervals(always, 6000, 1000).value().empty());
    CHECK(business_intervals(none, 0, 1'000'000'000).value().empty());
    CHECK_FALSE(validate_calendar({"Nowhere/Town", {}, {}, false}).ok());
    CHECK_FALSE(validate_calendar({"UTC", {{Weekday::kMon, 0, 1440}}, {}, false}).ok());
    CHECK_FALSE(validate_calendar({"UTC", {}, {{2026, 2, 30, false}}, false}).ok());
    CHECK(validate_calendar({"UTC", {}, {{0, 2, 29, true}}, false}).ok());
  }
  TEST_CASE("sla clocks: pauses, also over days off, agree with the minute reference") {
    // A clock started at `from` for k business minutes, paused over [p1, p2): the
    // deadline is the end of the k-th business minute outside the pause; warningAt and
    // criticalAt likewise for k/2 and 4k/5 (a pause after a deadline leaves it alone).
    const std::uint64_t seed = 20261203;
    std::mt19937_64 rng(seed);
    const char* zones[] = {"Europe/Berlin", "America/New_York"};
    const unsigned months[] = {3, 10};
    int clocks = 0, calendars = 0;
    while (clocks < 10'000) {
      const char* zone_name = zones[calendars % 2];
      const unsigned month = months[(calendars / 2) % 2];
      const BusinessCalendar c = random_calendar(rng, zone_name, 2026, month);
      ++calendars;
      const date::time_zone* zone = date::locate_zone(zone_name);
      const std::int64_t start = utc_ms(2026, month, 10);
      std::vector<unsigned char> inside(kWindowMinutes);
      for (int m = 0; m < kWindowMinutes; ++m)
        inside[m] = reference_inside(c, *zone, start + m * kMinute);
      const SlaTerms terms{{}, {"waiting"}, c};
      for (int n = 0; n < 50; ++n) {
        CAPTURE(seed);
        CAPTURE(calendars);
        CAPTURE(n);
        const int from = static_cast<int>(rng() % (kWindowMinutes / 4));
        const int k = 10 * (1 + static_cast<int>(rng() % 200));
        const int p1 = from + static_cast<int>(rng() % (kWindowMinutes / 4));
        const int p2 = p1 + static_cast<int>(rng() % (kWindowMinutes / 4));
        // The end of the j-th counted minute from `from`, skipping [p1, p2); -1 beyond.
        auto reference = [&](int j) {
          int m = from, counted = 0;
          while (m < kWindowMinutes && counted < j) {
            if (m < p1 || m >= p2) counted += inside[m];
            ++m;
          }
          return counted < j ? -1 : m;
        };
        const int due = reference(k), warn = reference(k / 2), crit = reference(k * 4 / 5);
        if (due < 0) continue;  // beyond the window
        SlaTerms with_targets = terms;
        with_targets.targets.medium = {k, k, std::nullopt};
        auto clock = start_sla_clock(with_targets, "medium", start + from * kMinute);
        REQUIRE(clock.ok());
        REQUIRE(sla_status_change(*clock, with_targets, "active", "waiting", false,
                                  start + p1 * kMinute)
                    .ok());
        REQUIRE(sla_status_change(*clock, with_targets, "waiting", "active", false,
                                  start + p2 * kMinute)
                    .ok());
        const TargetClock& t = clock->firstResponse;
        CHECK(t.dueAt == start + due * kMinute);
        // A warning or critical instant already past when the pause began stays where
        // it was (counted without the pause); one after it moves with it.
        CHECK(t.warningAt == start + warn * kMinute);
        CHECK(t.criticalAt == start + crit * kMinute);
        CHECK(t.breachedAt.has_value() == (due <= p1));  // passed before the pause
        ++clocks;
      }
    }
    MESSAGE("calendars=", calendars, " clocks=", clocks);
  }
}

}  // namespace docket::domain

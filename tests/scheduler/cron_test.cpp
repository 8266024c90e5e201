// CronSchedule: parsing, errors, and next_after checked against croniter (Debian's
// python3-croniter) on hand-picked and generated expressions.
#include "scheduler/cron.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace docket::scheduler {
namespace {

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;

UnixMillis next(std::string_view expr, UnixMillis after) {
  auto s = CronSchedule::parse(expr);
  REQUIRE_MESSAGE(s.ok(), expr, ": ", s.status().ToString());
  auto t = s->next_after(after);
  REQUIRE(t.has_value());
  return *t;
}

std::string random_field(std::mt19937& rng, int low, int high) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string out;
  const int items = pick(1, 3);
  for (int i = 0; i < items; ++i) {
    if (!out.empty()) out += ",";
    switch (pick(i == 0 ? 0 : 2, 4)) {  // '*' only as the first item
      case 0:
        out += "*";
        break;
      case 1:
        out += "*/" + std::to_string(pick(1, (high - low) / 2 + 1));
        break;
      case 2:
        out += std::to_string(pick(low, high));
        break;
      case 3: {
        const int a = pick(low, high);
        out += std::to_string(a) + "-" + std::to_string(pick(a, high));
        break;
      }
      default: {
        const int a = pick(low, high);
        out += std::to_string(a) + "-" + std::to_string(pick(a, high)) + "/" +
               std::to_string(pick(1, 5));
      }
    }
    if (out.front() == '*') break;  // nothing to add to a whole range
  }
  return out;
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("cron: common schedules") {
    // 10:17:30 -> the next full hour, next quarter, next midnight, next Monday 09:00.
    CHECK(next("0 * * * *", kStart) == kStart + (42 * 60 + 30) * 1000);
    CHECK(next("*/15 * * * *", kStart) == kStart + (12 * 60 + 30) * 1000);
    CHECK(next("@daily", kStart) == kStart + ((13 * 60 + 42) * 60 + 30) * 1000);
    // 2026-11-22 is a Sunday: Monday 2026-11-23T09:00Z.
    CHECK(next("0 9 * * MON", kStart) == 1'795'424'400'000);
    CHECK(next("0 9 * * 1", kStart) == next("0 9 * * mon", kStart));
    CHECK(next("0 0 * * 7", kStart) == next("0 0 * * 0", kStart));  // 7 is Sunday too
    // Exactly on a match: strictly after.
    CHECK(next("* * * * *", 1'795'342'620'000) == 1'795'342'680'000);
    // February 29th: the next leap year, 2028.
    CHECK(next("0 0 29 2 *", kStart) == 1'835'395'200'000);
    auto never = CronSchedule::parse("0 0 30 2 *");
    REQUIRE(never.ok());
    CHECK_FALSE(never->next_after(kStart).has_value());
    auto hourly = CronSchedule::parse("0 * * * *");
    REQUIRE(hourly.ok());
    CHECK(hourly->matches(kStart + (42 * 60 + 30) * 1000));
    CHECK_FALSE(hourly->matches(kStart));
  }

  TEST_CASE("cron: malformed expressions are refused with the field named") {
    for (const char* bad :
         {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
          "* * * 13 *", "* * * * 8", "5-1 * * * *", "*/0 * * * *", "*/x * * * *", "a * * * *",
          "1,,2 * * * *", "* * * JANUARY *", "@every 5m", "L * * * *"}) {
      auto s = CronSchedule::parse(bad);
      CHECK_MESSAGE(!s.ok(), bad);
      if (!s.ok()) CHECK(s.status().IsInvalidArgument());
    }
    auto s = CronSchedule::parse("0 25 * * *");
    REQUIRE(!s.ok());
    CHECK(s.status().message().find("hour") != std::string::npos);
  }

  TEST_CASE("cron: next_after agrees with croniter on hand-picked and generated expressions") {
    std::vector<std::string> expressions = {
        "* * * * *",        "0 * * * *",    "*/5 * * * *",        "5/10 * * * *",
        "0 0 * * *",        "30 2 * * 1-5", "0 9-17 * * MON-FRI", "15 14 1 * *",
        "0 0 1 1 *",        "0 0 * * SUN",  "0 0 13 * FRI",       "0 12 1,15 * *",
        "10-50/20 * * * *", "0 */6 * * *",  "0 0 29 2 *",         "59 23 31 12 *",
        "0 0 * JAN,JUL *",  "0 0 1-7 * 1",  "0 4 8-14 * *",       "*/7 */5 */3 */2 */2",
        "0 0 31 * *",       "1 2 3 4 5"};
    std::mt19937 rng(20261122);
    for (int i = 0; i < 200; ++i) {
      expressions.push_back(random_field(rng, 0, 59) + " " + random_field(rng, 0, 23) + " " +
                            random_field(rng, 1, 28) + " " + random_field(rng, 1, 12) + " " +
                            random_field(rng, 0, 6));
    }
    const std::vector<std::int64_t> starts = {1'795'342'650,   // 2026-11-22T10:17:30Z
                                              1'830'297'599,   // 2027-12-31T23:59:59Z
                                              1'709'164'800};  // 2024-02-29T00:00:00Z
    constexpr int kCount = 5;
    docket::testing::TempDir dir;
    const std::string input = dir.sub("cron-input.txt");
    {
      std::ofstream in(input);
      for (const auto& e : expressions)
        for (std::int64_t s : starts)
          in << e << "|" << s << "|" << kCount << "\n";
    }
    const std::string command =
        "/usr/bin/python3 " DOCKET_SOURCE_DIR "/tests/scheduler/cron_reference.py < " + input;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
      output.append(buffer, n);
    REQUIRE_MESSAGE(pclose(pipe) == 0, "croniter reference failed (python3-croniter missing?)");

    std::istringstream lines(output);
    std::size_t compared = 0;
    for (const auto& e : expressions) {
      auto schedule = CronSchedule::parse(e);
      REQUIRE_MESSAGE(schedule.ok(), e, ": ", schedule.status().ToString());
      for (std::int64_t s : starts) {
        std::string line;
        REQUIRE(std::getline(lines, line));
        REQUIRE_MESSAGE(line.rfind("error", 0) != 0, e, ": croniter says ", line);
        std::istringstream expected(line);
        UnixMillis at = s * 1000;
        for (int k = 0; k < kCount; ++k) {
          std::int64_t want = 0;
          REQUIRE(static_cast<bool>(expected >> want));
          auto got = schedule->next_after(at);
          REQUIRE_MESSAGE(got.has_value(), e, " after ", at);
          CHECK_MESSAGE(*got == want * 1000, e, " after ", at, " (occurrence ", k + 1, ")");
          at = *got;
          ++compared;
        }
      }
    }
    CHECK(compared == expressions.size() * starts.size() * kCount);
  }
}

}  // namespace docket::scheduler

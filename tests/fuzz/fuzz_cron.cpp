// libFuzzer: five-field cron expressions (scheduler/cron.h). Input: the expression. A
// parsed schedule must agree with itself: the next matching minute after an instant
// matches, lies after it, and is a whole minute.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scheduler/cron.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto schedule = docket::scheduler::CronSchedule::parse(input);
  if (!schedule.ok()) return 0;
  constexpr docket::UnixMillis kFrom = 1'796'083'200'123;  // 2026-12-01T00:00:00.123Z
  const auto next = schedule->next_after(kFrom);
  if (next) {
    if (*next <= kFrom || *next % 60'000 != 0 || !schedule->matches(*next)) __builtin_trap();
  }
  return 0;
}

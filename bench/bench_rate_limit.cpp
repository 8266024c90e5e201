// Rate limiter memory under many client addresses: the limiter with the server's default
// limits (DOCKET_RATE_LIMIT_*, at most 100,000 addresses kept) sees --addresses distinct
// IPv4 addresses, each for one request of the global limit and one of a group, then as
// many distinct IPv6 /64 prefixes. Printed after each phase: the addresses kept, the
// process's anonymous memory (RssAnon) and the checks per second.
//
//   build/bench/bench_rate_limit [--addresses 1000000]
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "core/clock.h"
#include "core/config.h"
#include "http/rate_limit.h"

namespace {

// RssAnon of this process in kB (what the limiter allocates; no file pages).
std::uint64_t rss_anon_kb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  std::uint64_t value = 0;
  while (status >> key) {
    if (key == "RssAnon:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t addresses = docket::bench::flag_uint(argc, argv, "--addresses", 1'000'000);
  docket::http::RateLimiter limiter(docket::http::RateLimitOptions::from_config(docket::Config{}),
                                    docket::SystemClock::instance());
  const std::uint64_t before = rss_anon_kb();
  fmt::print("rate limiter: max_clients {}, RssAnon before {} kB\n", limiter.max_clients(), before);

  const auto phase = [&](std::string_view what, auto address_of) {
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t refused = 0;
    for (std::uint64_t i = 0; i < addresses; ++i) {
      const std::string ip = address_of(i);
      if (!limiter.check(ip, "").allowed) ++refused;
      if (!limiter.check(ip, docket::http::rate_group::kPublicCreate).allowed) ++refused;
    }
    const double seconds = docket::bench::seconds_since(t0);
    fmt::print(
        "{}: {} addresses, {} checks in {:.2f} s = {:.0f} checks/s, refused {}; "
        "kept {}, RssAnon {} kB (+{} kB)\n",
        what, addresses, 2 * addresses, seconds, 2.0 * addresses / seconds, refused,
        limiter.tracked_clients(), rss_anon_kb(), rss_anon_kb() - before);
  };
  phase("IPv4", [](std::uint64_t i) {
    return fmt::format("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
  });
  phase("IPv6 /64s", [](std::uint64_t i) {
    return fmt::format("2001:db8:{:x}:{:x}::1", (i >> 16) & 0xffff, i & 0xffff);
  });
  phase("IPv4 again", [](std::uint64_t i) {
    return fmt::format("172.{}.{}.{}", 16 + ((i >> 16) & 15), (i >> 8) & 255, i & 255);
  });
  return 0;
}

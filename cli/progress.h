// Progress: the progress line of a long operator job (rebuild, export, verify, backup).
//
// While stderr is a terminal it redraws one line at most every 200 ms:
//   "verify: 412,000 / 1,000,000 events  (301,254 events/s, 2 s left)"
// and finish() always prints a final summary line on stderr:
//   "verify: 1,000,000 events in 3.3 s (301,254 events/s)"
// Not thread-safe: one job, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace docket::cli {

class Progress {
 public:
  // `total` may be 0 when unknown (no "left" estimate then).
  Progress(std::string job, std::uint64_t total);
  void update(std::uint64_t done);
  // `what` follows the count in the summary, e.g. "events" or "events checked".
  void finish(std::uint64_t done, const std::string& what = "events");

 private:
  std::string job_;
  std::uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// 1234567 -> "1,234,567"
std::string with_thousands(std::uint64_t n);

}  // namespace docket::cli

#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace docket::cli {

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

Progress::Progress(std::string job, std::uint64_t total)
    : job_(std::move(job)),
      total_(total),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(std::uint64_t done) {
  if (!tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line = fmt::format("\r{}: {}", job_, with_thousands(done));
  if (total_ > 0) line += fmt::format(" / {}", with_thousands(total_));
  line += fmt::format(" events  ({} events/s", with_thousands(static_cast<std::uint64_t>(rate)));
  if (total_ > done && rate > 0) {
    line += fmt::format(", {:.0f} s left", static_cast<double>(total_ - done) / rate);
  }
  line += ")\x1b[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void Progress::finish(std::uint64_t done, const std::string& what) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  if (tty_) std::fputs("\r\x1b[K", stderr);
  std::fprintf(stderr, "%s: %s %s in %.1f s (%s events/s)\n", job_.c_str(),
               with_thousands(done).c_str(), what.c_str(), secs,
               with_thousands(static_cast<std::uint64_t>(rate)).c_str());
}

}  // namespace docket::cli

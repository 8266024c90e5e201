#include "core/log.h"

#include <sys/uio.h>
#include <unistd.h>

#include <atomic>

#include "core/clock.h"
#include "core/time_format.h"

namespace docket {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void set_log_level(LogLevel level) {
  g_level.store(level, std::memory_order_relaxed);
}
LogLevel log_level() {
  return g_level.load(std::memory_order_relaxed);
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void log(LogLevel level, std::string_view msg, const LogFields& fields) {
  if (level < log_level()) return;
  // One writer per thread, reused: a log line costs no allocation once warm. A line
  // logged from inside `fields` (nested) gets a writer of its own.
  thread_local JsonWriter pooled;
  thread_local std::string time_text;
  thread_local bool pooled_busy = false;
  JsonWriter nested;
  const bool use_pooled = !pooled_busy;
  JsonWriter& w = use_pooled ? pooled : nested;
  struct Release {
    bool active;
    ~Release() {
      if (active) pooled_busy = false;
    }
  } release{use_pooled};
  pooled_busy = true;
  w.clear();
  time_text.clear();
  append_iso8601(time_text, SystemClock::instance().now_ms());
  w.begin_object();
  w.field("time", time_text);
  w.field("level", level_name(level));
  w.field("msg", msg);
  if (fields) fields(w);
  w.end_object();
  // The line and its newline leave in one writev(2), so lines from threads never mix.
  const std::string& line = w.str();
  iovec parts[2] = {{const_cast<char*>(line.data()), line.size()}, {const_cast<char*>("\n"), 1}};
  std::size_t left = line.size() + 1;
  int first = 0;
  while (left > 0) {
    ssize_t n = ::writev(STDERR_FILENO, parts + first, 2 - first);
    if (n <= 0) break;
    left -= static_cast<std::size_t>(n);
    // A short write (rare: a full pipe) continues where it stopped.
    auto done = static_cast<std::size_t>(n);
    while (first < 2 && done >= parts[first].iov_len) {
      done -= parts[first].iov_len;
      ++first;
    }
    if (first < 2) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + done;
      parts[first].iov_len -= done;
    }
  }
}

}  // namespace docket

// Clock: the source of "now" for domain decisions, timestamps and schedulers.
//
// Injectable so tests can run scheduled jobs and expiry rules at chosen times.
// Thread-safe: now_ms() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace docket {

// Milliseconds since the Unix epoch, UTC.
using UnixMillis = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis now_ms() const = 0;
};

// The wall clock (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  UnixMillis now_ms() const override;
  // A process-wide instance; lives for the whole program.
  static const SystemClock& instance();
};

// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMillis start) : now_(start) {}
  UnixMillis now_ms() const override { return now_.load(std::memory_order_relaxed); }
  void set(UnixMillis t) { now_.store(t, std::memory_order_relaxed); }
  void advance(std::int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<UnixMillis> now_;
};

}  // namespace docket

#include "events/head_watch.h"

#include <cassert>

namespace docket::events {

void HeadWatch::publish(std::uint64_t head) {
  {
    // Stored under the mutex so a waiter cannot check the old value, miss the notify
    // and sleep through the change.
    std::lock_guard lock(mu_);
    // Invariant: head never moves backwards.
    assert(head >= head_.load(std::memory_order_relaxed));
    head_.store(head, std::memory_order_release);
  }
  cv_.notify_all();
}

std::uint64_t HeadWatch::wait_for(std::uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return head_.load(std::memory_order_acquire) > after; });
  return head_.load(std::memory_order_acquire);
}

}  // namespace docket::events

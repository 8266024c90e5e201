// HeadWatch: the last durable eventId, readable without a lock and waitable.
//
// The writer publishes a new head after a group's WriteBatch is durable; readers load
// it to bound what they return (nothing past head is ever visible), and tailers block
// in wait_for until it moves.
//
// Thread safety: publish() from the writer thread only; load() and wait_for() from
// any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace docket::events {

class HeadWatch {
 public:
  explicit HeadWatch(std::uint64_t initial) : head_(initial) {}

  std::uint64_t load() const { return head_.load(std::memory_order_acquire); }

  // REQUIRES: head >= load(). Wakes every waiter.
  void publish(std::uint64_t head);

  // Blocks until load() > after or `timeout` passes; returns load().
  std::uint64_t wait_for(std::uint64_t after, std::chrono::milliseconds timeout) const;

 private:
  std::atomic<std::uint64_t> head_;
  mutable std::mutex mu_;  // guards nothing but the wait; pairs with cv_
  mutable std::condition_variable cv_;
};

}  // namespace docket::events

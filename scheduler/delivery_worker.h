// DeliveryWorker: one thread that drains the Outbox through a MailSender.
//
// Each pass claims the due messages (a batch at a time), sends them one by one and
// records the outcome: sent; failed and rescheduled with backoff; or dead (last
// attempt, or a permanent error). Between passes the thread sleeps until the earliest
// next_attempt_at, at most poll_interval, or until notify() wakes it (call it right
// after Outbox::enqueue so a new message goes out at once). "Due" is judged by the
// injected Clock; sleeping uses real time, so with a ManualClock a test advances the
// clock and then calls notify().
//
// Metrics: scheduler/ must not depend on http/, so the worker keeps plain atomic
// totals (counters()) and the outbox answers the queue depth (Outbox::stats()); the
// HTTP metrics endpoint reads both at scrape time and renders
//   docket_outbox_sent_total, docket_outbox_failed_total, docket_outbox_dead_total
//   (counters) and docket_outbox_queued (gauge).
//
// Logs: outbox.sent / outbox.failed / outbox.dead with id, kind and attempt; never the
// body, never the subject (it may be personal), never a credential.
//
// Thread safety: start/stop from one owning thread; notify(), counters() and
// run_once() (tests only, with the thread not started) from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/result.h"

namespace docket::scheduler {

class MailSender;
class Outbox;

struct DeliveryOptions {
  std::chrono::milliseconds poll_interval{5'000};  // longest sleep between passes
  std::size_t batch = 16;                          // messages claimed per pass
};

struct DeliveryCounters {
  std::uint64_t sent = 0;    // messages delivered
  std::uint64_t failed = 0;  // attempts that failed (each retry counts)
  std::uint64_t dead = 0;    // messages given up
  std::uint64_t passes = 0;  // passes over the outbox, whether or not anything was due
};

class DeliveryWorker {
 public:
  // `outbox`, `sender` and `clock` must outlive the worker.
  DeliveryWorker(Outbox& outbox, MailSender& sender, const Clock& clock,
                 DeliveryOptions options = {});
  // Stops the thread if it runs.
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Starts the thread. REQUIRES: not started yet.
  void start();
  // Wakes the thread for a pass now. Cheap; safe from any thread, before start too.
  void notify();
  // Finishes the message being sent (a send is not interrupted; its timeouts bound
  // it), then joins. Idempotent.
  void stop();

  // One pass on the caller's thread: claims and sends every due message until none is
  // due. Returns how many were sent. For tests and operator commands; REQUIRES: the
  // thread is not running.
  Result<std::size_t> run_once();

  DeliveryCounters counters() const;

 private:
  void loop();
  // Sends one claimed batch; false when nothing was due.
  Result<std::size_t> pass(bool& claimed_any);

  Outbox& outbox_;
  MailSender& sender_;
  const Clock& clock_;
  const DeliveryOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool notified_ = false;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;

  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dead_{0};
  std::atomic<std::uint64_t> passes_{0};
};

}  // namespace docket::scheduler

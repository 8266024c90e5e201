#include "scheduler/delivery_worker.h"

#include <algorithm>
#include <cassert>

#include "core/log.h"
#include "scheduler/mail_sender.h"
#include "scheduler/outbox.h"

namespace docket::scheduler {

DeliveryWorker::DeliveryWorker(Outbox& outbox, MailSender& sender, const Clock& clock,
                               DeliveryOptions options)
    : outbox_(outbox), sender_(sender), clock_(clock), options_(options) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  assert(!thread_.joinable() && "DeliveryWorker started twice");
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void DeliveryWorker::notify() {
  {
    std::lock_guard lock(mu_);
    notified_ = true;
  }
  wake_.notify_one();
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

DeliveryCounters DeliveryWorker::counters() const {
  return {sent_.load(std::memory_order_relaxed), failed_.load(std::memory_order_relaxed),
          dead_.load(std::memory_order_relaxed), passes_.load(std::memory_order_relaxed)};
}

Result<std::size_t> DeliveryWorker::pass(bool& claimed_any) {
  auto claimed = outbox_.claim_due(options_.batch);
  if (!claimed.ok()) return claimed.status();
  claimed_any = !claimed->empty();
  std::size_t sent = 0;
  for (const ClaimedMail& m : *claimed) {
    const Status status = sender_.send({.to = m.to_address,
                                        .subject = m.subject,
                                        .body = m.body,
                                        .message_id = m.message_id,
                                        .date_ms = m.created_at});
    const std::uint32_t attempt = m.attempts + 1;
    if (status.ok()) {
      if (Status s = outbox_.mark_sent(m.id); !s.ok()) return s;
      sent_.fetch_add(1, std::memory_order_relaxed);
      ++sent;
      log_info("outbox.sent", [&](JsonWriter& w) {
        w.field("id", m.id).field("kind", m.kind).field("attempt", attempt);
        w.field("sender", sender_.name());
      });
      continue;
    }
    failed_.fetch_add(1, std::memory_order_relaxed);
    auto state = outbox_.mark_failed(m.id, status.ToString(), status.IsInvalidArgument());
    if (!state.ok()) return state.status();
    if (*state == MailState::kDead) {
      dead_.fetch_add(1, std::memory_order_relaxed);
      log_error("outbox.dead", [&](JsonWriter& w) {
        w.field("id", m.id).field("kind", m.kind).field("attempt", attempt);
        w.field("error", status.ToString());
      });
    } else {
      log_warn("outbox.failed", [&](JsonWriter& w) {
        w.field("id", m.id).field("kind", m.kind).field("attempt", attempt);
        w.field("retryInMs", static_cast<std::int64_t>(outbox_.backoff(attempt).count()));
        w.field("error", status.ToString());
      });
    }
  }
  return sent;
}

Result<std::size_t> DeliveryWorker::run_once() {
  std::size_t total = 0;
  for (;;) {
    bool claimed_any = false;
    auto sent = pass(claimed_any);
    passes_.fetch_add(1, std::memory_order_relaxed);
    if (!sent.ok()) return sent.status();
    total += *sent;
    if (!claimed_any) return total;
  }
}

void DeliveryWorker::loop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      notified_ = false;
    }
    bool claimed_any = false;
    auto sent = pass(claimed_any);
    passes_.fetch_add(1, std::memory_order_relaxed);
    if (!sent.ok()) {
      log_error("outbox.error", [&](JsonWriter& w) { w.field("error", sent.status().ToString()); });
      claimed_any = false;  // back off for a poll interval rather than spin on an error
    }
    if (claimed_any) continue;  // more may be due: claim the next batch at once

    std::chrono::milliseconds wait = options_.poll_interval;
    if (auto due = outbox_.next_due(); due.ok() && due->has_value()) {
      const std::int64_t until = **due - clock_.now_ms();
      wait = std::clamp(std::chrono::milliseconds(until), std::chrono::milliseconds(0),
                        options_.poll_interval);
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, wait, [this] { return stopping_ || notified_; });
  }
}

}  // namespace docket::scheduler

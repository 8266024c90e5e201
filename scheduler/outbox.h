// Outbox: the durable queue of e-mail waiting to be delivered, in its own SQLite file
// (<data dir>/outbox.sqlite, WAL, synchronous=FULL), outside the event log.
//
// Why outside the log (docs/decisions/0009-outbox-outside-the-log.md): a message may
// carry a one-time code, and nothing secret may enter the append-only, hash-chained
// log. The body of a message is erased as soon as it leaves the queue (sent or dead).
//
// A message moves queued -> sent, or queued -> queued (a failed attempt, retried after
// a backoff) -> ... -> dead (after max_attempts failed attempts or a permanent error):
//
//   attempt n fails -> next_attempt_at = now + min(retry_base * 2^(n-1), retry_cap)
//                      (+ up to jitter_fraction of it, random), or dead when n == max
//
// Delivery is at-least-once: claim_due() leases a message (next_attempt_at moves to
// now + claim_lease) before it is sent; a crash between the send and mark_sent() sends
// it again once the lease ends, with the same Message-ID.
//
// Thread safety: every method may be called from any thread (one internal mutex around
// the connection). enqueue() is typically called by request handlers or commit
// observers, the rest by the single DeliveryWorker.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/mail.h"
#include "core/result.h"

namespace docket::projections {
class Database;
}

namespace docket::scheduler {

// The mail the outbox queues: core/mail.h (validated by enqueue(): `to_address` a plain
// address, `subject` one line, `kind` and `dedupe_key` non-empty).
using docket::OutgoingMail;

enum class MailState { kQueued, kSent, kDead };
const char* mail_state_name(MailState state);

// A message taken from the queue for one delivery attempt.
struct ClaimedMail {
  std::int64_t id = 0;
  std::string kind;
  std::string to_address;
  std::string subject;
  std::string body;
  std::string message_id;  // "<outbox.<id>.<created_at>@docket>": the same on every attempt
  UnixMillis created_at = 0;
  std::uint32_t attempts = 0;  // attempts before this one
};

// Everything known about one message (for tests, operators and status pages).
struct MailRecord {
  std::int64_t id = 0;
  std::string kind;
  std::string to_address;
  std::string subject;
  std::string body;  // "" once sent or dead
  std::string dedupe_key;
  MailState state = MailState::kQueued;
  std::uint32_t attempts = 0;
  UnixMillis next_attempt_at = 0;
  std::string last_error;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> sent_at;
};

struct OutboxStats {
  std::uint64_t queued = 0;
  std::uint64_t sent = 0;
  std::uint64_t dead = 0;
  std::uint64_t failed_attempts = 0;  // attempts that failed, over every message kept
};

struct OutboxOptions {
  std::uint32_t max_attempts = 8;                // DOCKET_MAIL_MAX_ATTEMPTS; >= 1
  std::chrono::milliseconds retry_base{30'000};  // DOCKET_MAIL_RETRY_BASE_SECONDS
  std::chrono::milliseconds retry_cap{3'600'000};
  double jitter_fraction = 0.0;  // 0 .. 1: up to this share of the delay added at random
  // How long a claimed message stays invisible to claim_due(): longer than one send.
  std::chrono::milliseconds claim_lease{300'000};
};

class Outbox {
 public:
  // Opens or creates the outbox file at `path` (its directory must exist).
  // `clock` must outlive the Outbox.
  static Result<std::unique_ptr<Outbox>> open(const std::string& path, const Clock& clock,
                                              OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Queues `mail` for delivery now. Idempotent by dedupe_key: a second call with a key
  // already present (in any state) changes nothing and returns OK; `*inserted` (when
  // given) tells which happened. InvalidArgument for a malformed message; the message
  // is durable (fsync) when OK returns.
  Status enqueue(const OutgoingMail& mail, bool* inserted = nullptr);

  // Cursors: how far through the event log a producer of messages has read (see
  // NotificationRelay). nullopt when `name` never moved.
  Result<std::optional<std::uint64_t>> cursor(const std::string& name);
  // In one transaction: enqueues `mails` (idempotent by dedupe_key, as enqueue()) and
  // moves cursor `name` to `event_id`, so a crash leaves both or neither. Durable when
  // OK returns. InvalidArgument (and nothing written) when a message is malformed.
  Status enqueue_through(std::span<const OutgoingMail> mails, const std::string& name,
                         std::uint64_t event_id);

  // Up to `limit` queued messages whose next_attempt_at has come, oldest due first;
  // each is leased for options.claim_lease so no other claim returns it meanwhile.
  Result<std::vector<ClaimedMail>> claim_due(std::size_t limit);

  // The attempt on message `id` succeeded: state sent, body erased.
  Status mark_sent(std::int64_t id);

  // The attempt on message `id` failed with `error` (kept in last_error; must not
  // contain a secret). Retried after the backoff, or dead when this was attempt
  // max_attempts or `permanent`. Returns the state the message is now in.
  Result<MailState> mark_failed(std::int64_t id, const std::string& error, bool permanent = false);

  // The delay before the retry that follows failed attempt number `failed_attempts`
  // (1-based), without jitter: retry_base * 2^(n-1), at most retry_cap.
  std::chrono::milliseconds backoff(std::uint32_t failed_attempts) const;

  // The earliest next_attempt_at of a queued message; nullopt when none is queued.
  Result<std::optional<UnixMillis>> next_due();

  Result<OutboxStats> stats();
  // NotFound when there is no message `id`.
  Result<MailRecord> get(std::int64_t id);
  Result<std::optional<MailRecord>> find_by_dedupe_key(const std::string& dedupe_key);

  const OutboxOptions& options() const { return options_; }

 private:
  Outbox(std::unique_ptr<projections::Database> db, const Clock& clock, OutboxOptions options);

  std::mutex mu_;
  std::unique_ptr<projections::Database> db_;  // guarded by mu_
  const Clock& clock_;
  const OutboxOptions options_;
};

}  // namespace docket::scheduler

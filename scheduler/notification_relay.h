// NotificationRelay: turns events of the log into e-mail, with the outbox's cursor
// moving in the same transaction as the messages it queues.
//
// A command commits its events; mail about them must follow even when the process
// dies right after the commit. So mail is not queued by the request handler but by
// this relay, a tailer of the log on its own thread:
//
//   cursor = outbox.cursor("notifications")      (first start: the head; no mail
//                                                  for history)
//   loop: wait_for_head(cursor) -> scan (cursor, head] -> notification_for(event)
//         -> outbox.enqueue_through(mails, "notifications", last eventId)
//
// After a crash the relay resumes at its cursor: each event is turned into mail once
// (the cursor moves with the messages), and a message's dedupe key names its event
// ("support_request.admin_reply:<eventId>"), so even a replay queues nothing twice.
// Mail content is read from the log itself (the request's first event, the
// customer's account stream), never from projections, which may not have applied
// the group yet when its head becomes visible.
//
// Mail that must carry a secret (a one-time code) is not derived from the log (the
// log never holds one); it is queued directly with Outbox::enqueue.
//
// Thread safety: start/stop from one owning thread.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "core/result.h"
#include "events/event_store.h"
#include "scheduler/outbox.h"

namespace docket::scheduler {

class DeliveryWorker;

inline constexpr std::string_view kNotificationCursor = "notifications";

// Which optional mail the relay derives.
struct NotificationOptions {
  // DOCKET_CSAT_EMAIL: a satisfaction survey when a conversation ends (docs/analytics.md).
  bool csat_survey = false;
  // DOCKET_CSAT_WINDOW_DAYS, named in the survey.
  std::uint64_t csat_window_days = 7;
};

// The message `event` causes, if any: an admin's reply to a support request e-mails
// the request's customer; a breached SLA target e-mails the item's assignee
// (docs/sla.md); with `options.csat_survey`, a support request resolved, or an inquiry
// resolved or closed by staff, invites its customer (or its guest, at a verified
// address only) to rate it, unless it was rated already. nullopt for every other event.
// Errors only for reads of the log that failed (worth retrying); an event whose data is
// not what it should be is logged and causes no mail.
Result<std::optional<OutgoingMail>> notification_for(const events::EventStore& store,
                                                     const events::EventRecord& event,
                                                     const NotificationOptions& options = {});

class NotificationRelay {
 public:
  // `worker` (may be null) is woken after messages were queued. All must outlive the
  // relay.
  NotificationRelay(const events::EventStore& store, Outbox& outbox, DeliveryWorker* worker,
                    NotificationOptions options = {});
  ~NotificationRelay();
  NotificationRelay(const NotificationRelay&) = delete;
  NotificationRelay& operator=(const NotificationRelay&) = delete;

  // Reads (or, on a new outbox, sets to the head) the cursor and starts the thread.
  Status start();
  // Stops the thread after its current batch. Idempotent.
  void stop();

  // One pass over (cursor, head], at most `max_events` events; returns the new cursor.
  // For tests, with the thread not started.
  Result<std::uint64_t> run_once(std::size_t max_events = 512);
  std::uint64_t cursor() const { return cursor_.load(); }

 private:
  void run();

  const events::EventStore& store_;
  Outbox& outbox_;
  DeliveryWorker* worker_;
  NotificationOptions options_;
  std::atomic<std::uint64_t> cursor_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace docket::scheduler

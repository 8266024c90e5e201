#include "scheduler/notification_relay.h"

#include <limits>
#include <vector>

#include "core/log.h"
#include "domain/account.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "scheduler/delivery_worker.h"

namespace docket::scheduler {
namespace {

// How long the relay waits for a new head before checking whether it should stop.
constexpr auto kWaitSlice = std::chrono::milliseconds(200);
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

std::optional<OutgoingMail> skip(const events::EventRecord& event, std::string_view why) {
  log_warn("notifications.event_skipped", [&](JsonWriter& w) {
    w.field("eventId", event.eventId);
    w.field("type", event.type);
    w.field("reason", why);
  });
  return std::nullopt;
}

// The account `id` when it is active: the one to mail. nullopt for a deactivated account
// and for one whose events do not fold (logged); errors only for a failed read.
Result<std::optional<domain::Account>> active_account(const events::EventStore& store,
                                                      const events::EventRecord& event,
                                                      std::int64_t id) {
  auto account_events = store.read_stream(domain::account_stream(id), 1, kAll);
  if (!account_events.ok()) return account_events.status();
  auto account = domain::fold_account(*account_events);
  if (!account.ok()) {
    skip(event, account.status().ToString());
    return std::optional<domain::Account>{};
  }
  if (!account->active) return std::optional<domain::Account>{};
  return std::optional<domain::Account>(std::move(account).value());
}

// A breached SLA target e-mails the item's assignee (docs/sla.md): which item, which
// target, when it was due, the escalation note.
Result<std::optional<OutgoingMail>> breach_notification(const events::EventStore& store,
                                                        const events::EventRecord& event) {
  std::int64_t assignee = 0;
  std::string item, target, due, note;
  if (event.type == domain::SupportRequestSlaBreached::kType) {
    auto b = events::decode<domain::SupportRequestSlaBreached>(event);
    if (!b.ok()) return skip(event, b.status().message());
    if (!b->assignedAdminId) return std::optional<OutgoingMail>{};
    auto created = store.read_stream(domain::support_request_stream(b->supportRequestId), 1, 1);
    if (!created.ok()) return created.status();
    auto request = domain::fold_support_request(*created);
    if (!request.ok()) return skip(event, request.status().ToString());
    assignee = *b->assignedAdminId;
    item = "support request " + request->ticketNumber + " (" + request->subject + ")";
    target = b->target;
    due = b->dueAt;
    note = b->note;
  } else {
    auto b = events::decode<domain::InquirySlaBreached>(event);
    if (!b.ok()) return skip(event, b.status().message());
    if (!b->assignedAdminId) return std::optional<OutgoingMail>{};
    auto created = store.read_stream(domain::support_inquiry_stream(b->supportInquiryId), 1, 1);
    if (!created.ok()) return created.status();
    auto inquiry = domain::fold_support_inquiry(*created);
    if (!inquiry.ok()) return skip(event, inquiry.status().ToString());
    assignee = *b->assignedAdminId;
    item = "support inquiry " + inquiry->trackingCode + " (" + inquiry->subject + ")";
    target = b->target;
    due = b->dueAt;
    note = b->note;
  }
  auto found = active_account(store, event, assignee);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<OutgoingMail>{};
  const domain::Account& staff = **found;
  OutgoingMail mail;
  mail.kind = "sla.breach";
  mail.to_address = staff.email;
  mail.subject = "SLA breached: " + item;
  mail.body = "Hello " + staff.name + ",\n\nThe " + target + " target of " + item +
              " assigned to you was due at " + due + " and has been missed.\n\n" + note + "\n";
  mail.dedupe_key = "sla.breach:" + std::to_string(event.eventId);
  return std::optional<OutgoingMail>(std::move(mail));
}

std::string survey_body(std::string_view name, std::string_view what, std::string_view where,
                        std::uint64_t days) {
  return "Hello " + std::string(name) + ",\n\nYour " + std::string(what) +
         " has been resolved. How did we do? Rate it from 1 (poor) to 5 (great), with a "
         "comment if you like, " +
         std::string(where) + " within " + std::to_string(days) +
         " days.\n\nThank you for helping us improve.\n";
}

// A resolved support request invites its customer to rate it.
Result<std::optional<OutgoingMail>> request_survey(const events::EventStore& store,
                                                   const events::EventRecord& event,
                                                   const NotificationOptions& options) {
  auto change = events::decode<domain::SupportRequestStatusChanged>(event);
  if (!change.ok()) return skip(event, change.status().message());
  if (change->to != domain::kStatusResolved) return std::optional<OutgoingMail>{};
  auto stream =
      store.read_stream(domain::support_request_stream(change->supportRequestId), 1, kAll);
  if (!stream.ok()) return stream.status();
  auto request = domain::fold_support_request(*stream);
  if (!request.ok()) return skip(event, request.status().ToString());
  if (request->satisfaction) return std::optional<OutgoingMail>{};  // rated already
  auto found = active_account(store, event, request->customerId);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<OutgoingMail>{};
  const domain::Account& customer = **found;
  OutgoingMail mail;
  mail.kind = "csat.survey";
  mail.to_address = customer.email;
  mail.subject = "[" + request->ticketNumber + "] How did we do? " + request->subject;
  mail.body = survey_body(
      customer.name, "support request " + request->ticketNumber + " (" + request->subject + ")",
      "in the app, on the request", options.csat_window_days);
  mail.dedupe_key = "csat.survey:" + std::to_string(event.eventId);
  return std::optional<OutgoingMail>(std::move(mail));
}

// An inquiry resolved or closed by staff (not closed for inactivity) invites its customer,
// or its guest when the guest proved the e-mail address: an address a guest merely typed
// is contact data and is never mailed unasked (docs/security.md).
Result<std::optional<OutgoingMail>> inquiry_survey(const events::EventStore& store,
                                                   const events::EventRecord& event,
                                                   const NotificationOptions& options) {
  auto change = events::decode<domain::InquiryStatusChanged>(event);
  if (!change.ok()) return skip(event, change.status().message());
  const bool ended = change->to == domain::kInquiryResolved ||
                     (change->to == domain::kInquiryClosed && change->reason != "inactive");
  if (!ended || change->from == domain::kInquiryResolved) return std::optional<OutgoingMail>{};
  auto stream =
      store.read_stream(domain::support_inquiry_stream(change->supportInquiryId), 1, kAll);
  if (!stream.ok()) return stream.status();
  auto inquiry = domain::fold_support_inquiry(*stream);
  if (!inquiry.ok()) return skip(event, inquiry.status().ToString());
  if (inquiry->satisfaction) return std::optional<OutgoingMail>{};
  std::string address, name;
  if (inquiry->customerId) {
    auto found = active_account(store, event, *inquiry->customerId);
    if (!found.ok()) return found.status();
    if (!*found) return std::optional<OutgoingMail>{};
    address = (*found)->email;
    name = (*found)->name;
  } else if (inquiry->emailVerified && inquiry->guestEmail) {
    address = *inquiry->guestEmail;
    name = inquiry->guestName.value_or("there");
  } else {
    return std::optional<OutgoingMail>{};
  }
  OutgoingMail mail;
  mail.kind = "csat.survey";
  mail.to_address = address;
  mail.subject = "[" + inquiry->trackingCode + "] How did we do? " + inquiry->subject;
  mail.body =
      survey_body(name, "conversation " + inquiry->trackingCode + " (" + inquiry->subject + ")",
                  "in the chat", options.csat_window_days);
  mail.dedupe_key = "csat.survey:" + std::to_string(event.eventId);
  return std::optional<OutgoingMail>(std::move(mail));
}

}  // namespace

Result<std::optional<OutgoingMail>> notification_for(const events::EventStore& store,
                                                     const events::EventRecord& event,
                                                     const NotificationOptions& options) {
  if (event.type == domain::SupportRequestSlaBreached::kType ||
      event.type == domain::InquirySlaBreached::kType) {
    return breach_notification(store, event);
  }
  if (options.csat_survey && event.type == domain::SupportRequestStatusChanged::kType) {
    return request_survey(store, event, options);
  }
  if (options.csat_survey && event.type == domain::InquiryStatusChanged::kType) {
    return inquiry_survey(store, event, options);
  }
  if (event.type != domain::SupportRequestMessageCreated::kType) {
    return std::optional<OutgoingMail>{};
  }
  auto reply = events::decode<domain::SupportRequestMessageCreated>(event);
  if (!reply.ok()) return skip(event, reply.status().message());
  if (reply->senderType != "admin") return std::optional<OutgoingMail>{};
  // A reply copied from an inquiry when a request was created from it (domain/
  // support_inquiry.h) was already seen in the chat: no mail.
  if (reply->copiedFrom) return std::optional<OutgoingMail>{};
  const std::int64_t request_id = reply->supportRequestId;
  const std::string& message = reply->message;

  // The request's first event names its ticket, subject and customer.
  auto created = store.read_stream(domain::support_request_stream(request_id), 1, 1);
  if (!created.ok()) return created.status();
  auto request = domain::fold_support_request(*created);
  if (!request.ok()) return skip(event, request.status().ToString());
  auto found = active_account(store, event, request->customerId);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<OutgoingMail>{};
  const domain::Account& customer = **found;

  OutgoingMail mail;
  mail.kind = "support_request.admin_reply";
  mail.to_address = customer.email;
  mail.subject = "[" + request->ticketNumber + "] New reply: " + request->subject;
  mail.body = "Hello " + customer.name + ",\n\nSupport replied to your request " +
              request->ticketNumber + " (" + request->subject + "):\n\n" + message +
              "\n\nReply in the app to continue the conversation.\n";
  mail.dedupe_key = "support_request.admin_reply:" + std::to_string(event.eventId);
  return std::optional<OutgoingMail>(std::move(mail));
}

NotificationRelay::NotificationRelay(const events::EventStore& store, Outbox& outbox,
                                     DeliveryWorker* worker, NotificationOptions options)
    : store_(store), outbox_(outbox), worker_(worker), options_(options) {}

NotificationRelay::~NotificationRelay() {
  stop();
}

Status NotificationRelay::start() {
  auto stored = outbox_.cursor(std::string(kNotificationCursor));
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    cursor_.store(**stored);
  } else {
    // A new outbox: mail follows events from now on, not the log's history.
    const std::uint64_t head = store_.head();
    if (Status s = outbox_.enqueue_through({}, std::string(kNotificationCursor), head); !s.ok())
      return s;
    cursor_.store(head);
  }
  stopping_.store(false);
  thread_ = std::thread([this] { run(); });
  log_info("notifications.ready", [&](JsonWriter& w) { w.field("cursor", cursor_.load()); });
  return Status::Ok();
}

void NotificationRelay::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

Result<std::uint64_t> NotificationRelay::run_once(std::size_t max_events) {
  const std::uint64_t from = cursor_.load() + 1;
  const std::uint64_t head = store_.head();
  if (head < from) return head;
  const std::uint64_t to = std::min<std::uint64_t>(head, from + max_events - 1);
  std::vector<OutgoingMail> mails;
  Status failure = Status::Ok();
  Status scanned = store_.scan(from, to, [&](const events::EventRecord& event) {
    auto mail = notification_for(store_, event, options_);
    if (!mail.ok()) {
      failure = mail.status();
      return false;
    }
    if (mail->has_value()) mails.push_back(std::move(**mail));
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;  // nothing queued, cursor unchanged: retried
  if (Status s = outbox_.enqueue_through(mails, std::string(kNotificationCursor), to); !s.ok())
    return s;
  cursor_.store(to);
  if (!mails.empty() && worker_ != nullptr) worker_->notify();
  return to;
}

void NotificationRelay::run() {
  while (!stopping_.load()) {
    if (store_.wait_for_head(cursor_.load(), kWaitSlice) <= cursor_.load()) continue;
    auto moved = run_once();
    if (!moved.ok()) {
      log_error("notifications.relay_failed", [&](JsonWriter& w) {
        w.field("cursor", cursor_.load());
        w.field("error", moved.status().ToString());
      });
      // Retried after a pause; the cursor has not moved.
      for (int i = 0; i < 5 && !stopping_.load(); ++i)
        std::this_thread::sleep_for(kWaitSlice);
    }
  }
}

}  // namespace docket::scheduler

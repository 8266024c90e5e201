#include "domain/support_inquiry.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/auth/otp.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/account.h"
#include "domain/account_commands.h"
#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"
#include "domain/support_request.h"

namespace docket::domain {
namespace {

// The statuses staff may set, per current status (the table in the header).
struct Settable {
  std::string_view from;
  std::initializer_list<std::string_view> to;
};
const Settable kSettable[] = {
    {kInquiryOpen,
     {kInquiryActive, kInquiryWaiting, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryActive, {kInquiryWaiting, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryWaiting, {kInquiryActive, kInquiryResolved, kInquiryClosed, kInquirySpam}},
    {kInquiryResolved, {kInquiryActive, kInquiryClosed}},
    {kInquiryLinked, {kInquiryClosed}},
    {kInquiryClosed, {}},
    {kInquirySpam, {}},
};

std::string tracking_key(std::string_view code) {
  return "tracking:" + std::string(code);
}

events::StreamAppend& on_stream(events::AppendRequest& req, const SupportInquiry& i) {
  return open_stream(req, support_inquiry_stream(i.id), i.version);
}

WorkHold hold_of(const SupportInquiry& i) {
  return {i.assignedAdminId, inquiry_is_open_work(i.status)};
}

// The agents' open load after a status change of `i` to `to` (assignee unchanged).
Status add_status_work_change(const events::StagedView& view, events::AppendRequest& req,
                              const SupportInquiry& i, std::string_view to) {
  return add_work_change(view, req, {WorkKind::kSupportInquiry, i.id}, hold_of(i),
                         {i.assignedAdminId, inquiry_is_open_work(to)}, "reopened", "status",
                         std::nullopt);
}

InquiryStatusChanged status_change(const SupportInquiry& i, std::string_view to,
                                   std::string_view reason) {
  return {i.id, i.status, std::string(to), std::string(reason), i.customerId, i.assignedAdminId};
}

// A message of the inquiry, taking the next message id for this command.
Result<InquiryMessageCreated> message_event(const events::StagedView& view,
                                            events::AppendRequest& req, std::int64_t inquiry_id,
                                            std::string_view sender_type,
                                            std::optional<std::int64_t> sender_id,
                                            std::string message) {
  auto id = claim_next_id(view, req, kSupportInquiryMessageSequence);
  if (!id.ok()) return id.status();
  return InquiryMessageCreated{inquiry_id, *id, std::string(sender_type), sender_id,
                               std::move(message)};
}

// The account owning a normalized e-mail in the staged view, if any.
Result<std::optional<std::int64_t>> account_with_email(const events::StagedView& view,
                                                       std::string_view email) {
  auto owner = view.unique_owner(email_key(email));
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return std::optional<std::int64_t>{};
  return account_id_of_stream(*owner);
}

// Appends support.inquiry.sla_updated (reason `reason`) to `stream` when `change` moves
// the inquiry's SLA clocks.
template <typename Change>
Status add_sla_change(const events::StagedView& view, events::StreamAppend& stream,
                      const SupportInquiry& i, std::string_view reason, Change&& change) {
  auto clock = changed_sla(view, i.sla, std::forward<Change>(change));
  if (!clock.ok()) return clock.status();
  if (*clock) {
    add_event(stream, InquirySlaUpdated{i.id, std::string(reason), sla_clock_record(**clock)});
  }
  return Status::Ok();
}

bool ends_sla(std::string_view status) {
  return status == kInquiryClosed || status == kInquirySpam || status == kInquiryLinked;
}

// The SLA change of a status move from the inquiry's status to `to`.
Status add_sla_status_change(const events::StagedView& view, events::StreamAppend& stream,
                             const SupportInquiry& i, std::string_view to) {
  const UnixMillis now = view.now_ms();
  return add_sla_change(view, stream, i, "status_changed",
                        [&](SlaClock& clock, const SlaTerms& terms) {
                          return sla_status_change(clock, terms, i.status, to, ends_sla(to), now);
                        });
}

bool takes_inactive_close(std::string_view status) {
  return status == kInquiryOpen || status == kInquiryActive || status == kInquiryWaiting ||
         status == kInquiryResolved;
}

bool has_live_token(const SupportInquiry& i) {
  return i.tokenHash.has_value() && !i.tokenRevoked;
}

// The inquiry a command changes: refused when it is closed or spam.
Result<SupportInquiry> load_open(const events::StagedView& view, std::int64_t id) {
  auto i = load_support_inquiry(view, id);
  if (i.ok() && !inquiry_accepts_messages(i->status)) return refuse(Refusal::kInquiryClosed);
  return i;
}

// A message of the inquiry as it is copied into a created support request.
struct InquiryMessage {
  InquiryMessageCreated event;
  UnixMillis createdAt = 0;
};

// The visitor, customer and admin messages of the inquiry, in order (system messages
// are not copied). Read from the stream when a link creates a request rather than
// kept in SupportInquiry: the writer copies that state for every command on the stream
// (domain/stream_snapshot.h), and only this rare command needs the thread.
Result<std::vector<InquiryMessage>> copied_messages(const events::StagedView& view,
                                                    const SupportInquiry& i) {
  auto records = view.read_stream(support_inquiry_stream(i.id), 1);
  if (!records.ok()) return records.status();
  std::vector<InquiryMessage> out;
  for (const events::EventRecord& e : *records) {
    if (e.type != InquiryMessageCreated::kType || e.streamVersion > i.version) continue;
    auto message = events::decode<InquiryMessageCreated>(e);
    if (!message.ok()) return message.status();
    if (message->senderType == "system") continue;
    out.push_back({std::move(message).value(), e.occurredAt});
  }
  return out;
}

// The creation of a request for the inquiry's customer, with the copied thread, as the
// first stream of `req`. Returns the new request's id.
Result<std::int64_t> add_created_request(const events::StagedView& view, events::AppendRequest& req,
                                         const SupportInquiry& i,
                                         const LinkInquiryToSupportRequest& c) {
  auto messages = copied_messages(view, i);
  if (!messages.ok()) return messages.status();
  CreateSupportRequest create;
  create.customerId = *i.customerId;
  create.subject = i.subject;
  create.category = c.category;
  create.priority = c.priority;
  JsonWriter metadata;
  metadata.begin_object().field("supportInquiryId", i.id).field("trackingCode", i.trackingCode);
  create.metadata = RawJson{metadata.end_object().take()};
  auto request_id = add_support_request_creation(view, create, req);
  if (!request_id.ok()) return request_id.status();
  for (const InquiryMessage& m : *messages) {
    auto id = claim_next_id(view, req, kSupportRequestMessageSequence);
    if (!id.ok()) return id.status();
    // Visitor and customer messages are the customer's; admin messages stay the admin's.
    const bool admin = m.event.senderType == "admin";
    add_event(req.streams.front(),
              SupportRequestMessageCreated{
                  *request_id, *id, admin ? "admin" : "customer",
                  admin ? m.event.senderId : i.customerId, m.event.message,
                  CopiedInquiryMessage{i.id, m.event.messageId, format_iso8601(m.createdAt)}});
  }
  return request_id;
}

}  // namespace

std::string support_inquiry_stream(std::int64_t id) {
  return fmt::format("support_inquiry-{}", id);
}

std::string generate_tracking_code() {
  std::string code = "INQ-";
  for (std::size_t i = 0; i < kTrackingCodeLength - 4; ++i)
    code.push_back(
        kTrackingAlphabet[random_uniform(static_cast<std::uint32_t>(kTrackingAlphabet.size()))]);
  return code;
}

bool looks_like_tracking_code(std::string_view text) {
  if (text.size() != kTrackingCodeLength || !text.starts_with("INQ-")) return false;
  return std::all_of(text.begin() + 4, text.end(),
                     [](char c) { return kTrackingAlphabet.find(c) != std::string_view::npos; });
}

bool inquiry_status_settable(std::string_view from, std::string_view to) {
  for (const Settable& s : kSettable) {
    if (s.from == from) return std::find(s.to.begin(), s.to.end(), to) != s.to.end();
  }
  return false;
}

bool inquiry_is_open_work(std::string_view status) {
  return status == kInquiryOpen || status == kInquiryActive || status == kInquiryWaiting;
}

bool inquiry_accepts_messages(std::string_view status) {
  return status != kInquiryClosed && status != kInquirySpam;
}

std::string_view inquiry_status_after_message(std::string_view from, std::string_view sender) {
  if (sender == "system" || from == kInquiryLinked) return from;
  if (sender == "admin") return kInquiryWaiting;
  // The visitor or customer speaks: the team's turn, once the team has spoken.
  return from == kInquiryOpen ? kInquiryOpen : kInquiryActive;
}

Status apply(SupportInquiry& i, const SupportInquiryEvent::Variant& event,
             const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<InquiryCreated>(event), i.version,
                                      record, "inquiry");
      !s.ok()) {
    return s;
  }
  // SLA bookkeeping is no activity of the conversation (inactive close ignores it).
  if (const auto* sla = std::get_if<InquirySlaUpdated>(&event)) {
    auto clock = sla_clock_from_record(sla->sla);
    if (!clock.ok()) return clock.status();
    i.sla = *clock;
    return Status::Ok();
  }
  if (const auto* priority = std::get_if<InquiryPriorityChanged>(&event)) {
    i.priority = priority->to;
    return Status::Ok();
  }
  if (std::holds_alternative<InquirySlaBreached>(event)) return Status::Ok();
  if (const auto* rated = std::get_if<InquirySatisfactionRated>(&event)) {
    i.satisfaction = rated->rating;  // no activity either
    return Status::Ok();
  }
  std::visit(events::Overloaded{
                 [&](const InquiryCreated& e) {
                   i.id = e.supportInquiryId;
                   i.trackingCode = e.trackingCode;
                   i.subject = e.subject;
                   i.category = e.category;
                   i.customerId = e.customerId;
                   i.guestName = e.guestName;
                   i.guestEmail = e.guestEmail;
                   i.guestPhone = e.guestPhone;
                   i.tokenHash = e.tokenHash;
                   i.tokenExpiresAt = e.tokenExpiresAt;
                   i.priority = e.priority.value_or("medium");
                   i.status = std::string(kInquiryOpen);
                   i.createdAt = record.occurredAt;
                 },
                 [&](const InquiryMessageCreated& e) {
                   // Status moves come as their own events.
                   if (e.senderType == "admin" && !i.firstResponseAt)
                     i.firstResponseAt = record.occurredAt;
                 },
                 [&](const InquiryStatusChanged& e) {
                   i.status = e.to;
                   if (i.status == kInquiryResolved) i.resolvedAt = record.occurredAt;
                   if (i.status == kInquiryClosed || i.status == kInquirySpam)
                     i.closedAt = record.occurredAt;
                 },
                 [&](const InquiryAssigned& e) { i.assignedAdminId = e.assignedAdminId; },
                 [&](const InquiryContactIdentified& e) {
                   if (e.guestEmail != i.guestEmail) i.emailVerified = false;
                   i.guestName = e.guestName;
                   i.guestEmail = e.guestEmail;
                   i.guestPhone = e.guestPhone;
                 },
                 [&](const InquiryVerificationRequested& e) {
                   i.verificationEmail = e.email;
                   i.codeHash = e.codeHash;
                   i.codeSalt = e.codeSalt;
                   i.codeExpiresAt = e.expiresAt;
                   i.failedAttempts = 0;
                 },
                 [&](const InquiryVerificationFailed& e) {
                   i.failedAttempts = static_cast<int>(e.attempts);
                 },
                 [&](const InquiryEmailVerified& e) {
                   i.guestEmail = e.email;
                   i.emailVerified = true;
                   if (e.customerId) i.customerId = e.customerId;
                   i.verificationEmail.reset();
                   i.codeHash.reset();
                   i.codeSalt.reset();
                   i.codeExpiresAt.reset();
                   i.failedAttempts = 0;
                 },
                 [&](const InquiryLinked& e) {
                   i.status = std::string(kInquiryLinked);
                   i.supportRequestId = e.supportRequestId;
                 },
                 [&](const InquiryTokenRevoked&) { i.tokenRevoked = true; },
                 [&](const InquiryPriorityChanged&) {},
                 [&](const InquirySlaUpdated&) {},
                 [&](const InquirySlaBreached&) {},
                 [&](const InquirySatisfactionRated&) {},
             },
             event);
  i.lastActivityAt = record.occurredAt;
  return Status::Ok();
}

Result<SupportInquiry> fold_support_inquiry(std::span<const events::EventRecord> records) {
  return fold_stream<SupportInquiryEvent, SupportInquiry>(records, Refusal::kInquiryNotFound);
}

Result<SupportInquiry> load_support_inquiry(const events::StagedView& view, std::int64_t id) {
  return load_with_snapshot<SupportInquiryEvent, SupportInquiry>(view, support_inquiry_stream(id),
                                                                 Refusal::kInquiryNotFound);
}

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSupportInquiry& c,
                                     const CommandMeta& meta) {
  auto last = view.last_id(kSupportInquirySequence);
  if (!last.ok()) return last.status();
  const auto id = static_cast<std::int64_t>(*last + 1);
  std::string code;
  for (const std::string& candidate : c.trackingCandidates) {
    auto owner = view.unique_owner(tracking_key(candidate));
    if (!owner.ok()) return owner.status();
    if (owner->empty()) {
      code = candidate;
      break;
    }
  }
  if (code.empty()) return refuse(Refusal::kTrackingCodesTaken);
  auto req = start_append(meta);
  req.ids.push_back({std::string(kSupportInquirySequence), *last + 1});
  req.claims.push_back({tracking_key(code), support_inquiry_stream(id)});
  std::optional<std::string> number;
  if (c.formTicket) {  // one number space for requests and form tickets: no number twice
    auto last_request = view.last_id(kSupportRequestSequence);
    if (!last_request.ok()) return last_request.status();
    number = ticket_number(static_cast<std::int64_t>(*last_request + 1), view.now_ms());
    req.ids.push_back({std::string(kSupportRequestSequence), *last_request + 1});
    req.claims.push_back({ticket_key(*number), support_inquiry_stream(id)});
  }
  open_stream(req, support_inquiry_stream(id), events::kNoStream);
  add_event(
      req.streams.front(),
      InquiryCreated{id, code, c.subject, c.category, c.customerId, c.guestName, c.guestEmail,
                     c.guestPhone, c.tokenHash, c.tokenExpiresAt, c.priority, c.journey, number,
                     c.formTicket ? std::optional<std::string>("form") : std::nullopt});
  auto sla = start_item_sla(view, kItemSupportInquiry, c.category, c.priority);
  if (!sla.ok()) return sla.status();
  if (*sla) {
    add_event(req.streams.front(), InquirySlaUpdated{id, "created", sla_clock_record(**sla)});
  }
  auto greeting = message_event(view, req, id, "system", std::nullopt, c.greeting);
  if (!greeting.ok()) return greeting.status();
  add_event(req.streams.front(), *greeting);
  if (c.message) {
    const std::string_view sender = c.customerId ? "customer" : "visitor";
    auto first = message_event(view, req, id, sender, c.customerId, *c.message);
    if (!first.ok()) return first.status();
    auto attached = attach_uploads(view, c.attachmentIds, c.attachmentPoster,
                                   {std::string(kItemSupportInquiry), id, first->messageId});
    if (!attached.ok()) return attached.status();
    first->attachments = message_attachments(*attached);
    add_event(req.streams.front(), *first);
    add_attachment_streams(req, std::move(*attached));
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const PostInquiryMessage& c,
                                     const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  auto req = start_append(meta);
  auto& stream = on_stream(req, *i);
  auto message = message_event(view, req, i->id, c.senderType, c.senderId, c.message);
  if (!message.ok()) return message.status();
  // The poster: a guest by the inquiry its token grants, others by their account.
  const Uploader poster = c.senderType == "visitor" ? Uploader{"guest", i->id}
                          : c.senderType == "admin" ? Uploader{"staff", c.senderId}
                                                    : Uploader{"customer", c.senderId};
  auto attached = attach_uploads(view, c.attachmentIds, poster,
                                 {std::string(kItemSupportInquiry), i->id, message->messageId});
  if (!attached.ok()) return attached.status();
  message->attachments = message_attachments(*attached);
  add_event(stream, *message);
  const std::string_view next = inquiry_status_after_message(i->status, c.senderType);
  if (next != i->status) {
    add_event(stream, status_change(*i, next, c.senderType == "admin" ? "admin_reply" : "message"));
  }
  if (c.senderType != "system") {
    const bool staff = c.senderType == "admin";
    const UnixMillis now = view.now_ms();
    if (Status s = add_sla_change(
            view, stream, *i, staff ? "staff_reply" : "customer_message",
            [&](SlaClock& clock, const SlaTerms& terms) -> Status {
              if (staff) {
                if (Status st = sla_staff_reply(clock, now); !st.ok()) return st;
                return sla_status_change(clock, terms, i->status, next, false, now);
              }
              if (Status st = sla_status_change(clock, terms, i->status, next, false, now);
                  !st.ok()) {
                return st;
              }
              return sla_customer_message(clock, terms, now);
            });
        !s.ok()) {
      return s;
    }
  }
  if (Status s = add_status_work_change(view, req, *i, next); !s.ok()) return s;
  add_attachment_streams(req, std::move(*attached));
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const SetInquiryStatus& c,
                                     const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!inquiry_status_settable(i->status, c.status)) {
    return refuse(Refusal::kInquiryTransition,
                  fmt::format("A {} inquiry cannot become {}", i->status, c.status));
  }
  auto req = start_append(meta);
  auto& stream = on_stream(req, *i);
  add_event(stream, status_change(*i, c.status, "staff"));
  if (Status s = add_sla_status_change(view, stream, *i, c.status); !s.ok()) return s;
  // Spam ends the guest's access; closing keeps the thread readable (seed 000 §5).
  if (c.status == kInquirySpam && has_live_token(*i)) {
    add_event(stream, InquiryTokenRevoked{i->id, "spam"});
  }
  if (Status s = add_status_work_change(view, req, *i, c.status); !s.ok()) return s;
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const AssignInquiry& c,
                                     const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  const bool open = inquiry_is_open_work(i->status);
  if (c.terms.onlyUnassigned && (i->assignedAdminId || !open)) {
    return refuse(Refusal::kQueueItemTaken);
  }
  if (Status s = check_assignee(view, c.assignedAdminId); !s.ok()) return s;
  AssignmentTerms terms = c.terms;
  terms.force = terms.force || c.force.value_or(false);
  if (c.assignedAdminId && c.assignedAdminId != i->assignedAdminId && open) {
    if (Status s = check_assignable(view, *c.assignedAdminId, i->category.value_or(""), terms);
        !s.ok()) {
      return s;
    }
  }
  auto req = start_append(meta);
  add_event(on_stream(req, *i), InquiryAssigned{i->id, c.assignedAdminId, i->assignedAdminId,
                                                c.terms.reason, i->customerId});
  const char* released = c.assignedAdminId ? "reassigned" : "unassigned";
  if (Status s = add_work_change(view, req, {WorkKind::kSupportInquiry, i->id}, hold_of(*i),
                                 {c.assignedAdminId, open}, c.terms.reason, released,
                                 c.terms.defaultCapacity);
      !s.ok()) {
    return s;
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const IdentifyInquiryContact& c, const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  auto req = start_append(meta);
  add_event(on_stream(req, *i), InquiryContactIdentified{i->id, c.name ? c.name : i->guestName,
                                                         c.email ? c.email : i->guestEmail,
                                                         c.phone ? c.phone : i->guestPhone});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RequestInquiryVerification& c, const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  auto req = start_append(meta);
  add_event(on_stream(req, *i),
            InquiryVerificationRequested{i->id, c.email, c.codeHash, c.codeSalt, c.expiresAt});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ConfirmInquiryVerification& c, const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!i->codeHash || !i->codeSalt || !i->verificationEmail || !i->codeExpiresAt ||
      view.now_ms() >= *i->codeExpiresAt || i->failedAttempts >= c.maxAttempts) {
    return refuse(Refusal::kInquiryVerificationInvalid);
  }
  auto req = start_append(meta);
  auto& stream = on_stream(req, *i);
  if (!auth::otp_matches(c.code, *i->codeSalt, *i->codeHash)) {
    // Recorded, so the attempts are counted; the route answers "invalid code".
    add_event(stream, InquiryVerificationFailed{i->id, i->failedAttempts + 1});
    return req;
  }
  auto customer = account_with_email(view, *i->verificationEmail);
  if (!customer.ok()) return customer.status();
  std::optional<std::int64_t> link;
  if (*customer) {
    auto account = load_account(view, **customer);
    if (!account.ok()) return account.status();
    if (!account->is_staff() && account->active) link = **customer;
  }
  if (i->customerId) link = i->customerId;  // already a customer's: stays theirs
  add_event(stream, InquiryEmailVerified{i->id, *i->verificationEmail, link});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const LinkInquiryToSupportRequest& c,
                                     const CommandMeta& meta) {
  auto i = load_open(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (i->status == kInquiryLinked || i->supportRequestId) {
    return refuse(Refusal::kInquiryLinkInvalid);
  }
  if (c.supportRequestId) {
    // An existing request of the inquiry's customer. Only the inquiry's stream is
    // appended to: a request's customer never changes and requests are never deleted,
    // and this decision runs on the writer against the staged view, so the check
    // cannot go stale before the append. (A stream cannot be named without events to
    // pin its version either: events/append_validation.cpp refuses an empty one.)
    if (!i->customerId) return refuse(Refusal::kInquiryLinkInvalid);
    auto request = load_support_request(view, *c.supportRequestId);
    if (!request.ok() && refusal_of(request.status()) != Refusal::kSupportRequestNotFound) {
      return request.status();
    }
    if (!request.ok() || request->customerId != *i->customerId) {
      return refuse(Refusal::kInquiryLinkInvalid);
    }
    auto req = start_append(meta);
    auto& stream = on_stream(req, *i);
    add_event(stream, InquiryLinked{i->id, request->id, false, i->status});
    if (Status s = add_sla_status_change(view, stream, *i, kInquiryLinked); !s.ok()) return s;
    if (Status s = add_status_work_change(view, req, *i, kInquiryLinked); !s.ok()) return s;
    return req;
  }
  if (!i->customerId) return refuse(Refusal::kInquiryCustomerRequired);
  // One append, request first: support.request.created and the copied messages, then
  // the inquiry's support.inquiry.linked. Both streams become durable or neither.
  auto req = start_append(meta);
  auto request_id = add_created_request(view, req, *i, c);
  if (!request_id.ok()) return request_id.status();
  auto& stream = on_stream(req, *i);
  add_event(stream, InquiryLinked{i->id, *request_id, true, i->status});
  if (Status s = add_sla_status_change(view, stream, *i, kInquiryLinked); !s.ok()) return s;
  if (Status s = add_status_work_change(view, req, *i, kInquiryLinked); !s.ok()) return s;
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const RevokeInquiryToken& c,
                                     const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!has_live_token(*i)) return refuse(Refusal::kInquiryNoLiveToken);
  auto req = start_append(meta);
  add_event(on_stream(req, *i), InquiryTokenRevoked{i->id, c.reason});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const CloseInactiveInquiry& c,
                                     const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  if (!takes_inactive_close(i->status) || i->lastActivityAt >= c.cutoff) {
    return refuse(Refusal::kInquiryStillActive);
  }
  auto req = start_append(meta);
  auto& stream = on_stream(req, *i);
  add_event(stream, status_change(*i, kInquiryClosed, "inactive"));
  if (Status s = add_sla_status_change(view, stream, *i, kInquiryClosed); !s.ok()) return s;
  if (Status s = add_status_work_change(view, req, *i, kInquiryClosed); !s.ok()) return s;
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const RateInquiry& c,
                                     const CommandMeta& meta) {
  auto i = load_support_inquiry(view, c.inquiryId);
  if (!i.ok()) return i.status();
  const bool ended = i->status == kInquiryResolved || i->status == kInquiryClosed;
  const std::optional<UnixMillis> end = i->resolvedAt ? i->resolvedAt : i->closedAt;
  if (!ended || !end) return refuse(Refusal::kSatisfactionNotAvailable);
  if (i->satisfaction) return refuse(Refusal::kSatisfactionAlreadyRated);
  if (view.now_ms() - *end > c.window) return refuse(Refusal::kSatisfactionWindowClosed);
  auto req = start_append(meta);
  add_event(on_stream(req, *i),
            InquirySatisfactionRated{i->id, c.raterType, c.customerId, c.rating, c.comment});
  return req;
}

}  // namespace docket::domain

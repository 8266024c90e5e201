#include "domain/support_request.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "domain/account_commands.h"
#include "domain/append.h"
#include "domain/attachment.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"

namespace docket::domain {
namespace {

events::StreamAppend& on_stream(events::AppendRequest& req, const SupportRequest& r) {
  return open_stream(req, support_request_stream(r.id), r.version);
}

WorkHold hold_of(const SupportRequest& r) {
  return {r.assignedAdminId, request_is_open_work(r.status)};
}

// The agents' open load after a status change of `r` to `to` (assignee unchanged).
Status add_status_work_change(const events::StagedView& view, events::AppendRequest& req,
                              const SupportRequest& r, std::string_view to) {
  return add_work_change(view, req, {WorkKind::kSupportRequest, r.id}, hold_of(r),
                         {r.assignedAdminId, request_is_open_work(to)}, "reopened", "status",
                         std::nullopt);
}

// A message of the request, taking the next message id for this command.
Result<SupportRequestMessageCreated> message_event(const events::StagedView& view,
                                                   events::AppendRequest& req,
                                                   std::int64_t request_id,
                                                   std::string_view sender_type,
                                                   std::int64_t sender_id, std::string message) {
  auto id = claim_next_id(view, req, kSupportRequestMessageSequence);
  if (!id.ok()) return id.status();
  return SupportRequestMessageCreated{
      request_id, *id, std::string(sender_type), sender_id, std::move(message), std::nullopt};
}

}  // namespace

int priority_rank(std::string_view priority) {
  for (std::size_t i = 0; i < std::size(kPriorities); ++i) {
    if (kPriorities[i] == priority) return static_cast<int>(i);
  }
  return -1;
}

bool status_transition_allowed(std::string_view from, std::string_view to) {
  if (from == to || from == kStatusClosed) return false;
  return to == kStatusOpen || to == kStatusInProgress || to == kStatusResolved ||
         to == kStatusClosed;
}

bool request_is_open_work(std::string_view status) {
  return status == kStatusOpen || status == kStatusInProgress;
}

std::string support_request_stream(std::int64_t id) {
  return fmt::format("support_request-{}", id);
}

std::string ticket_number(std::int64_t id, UnixMillis created_at) {
  const std::time_t secs = static_cast<std::time_t>(created_at / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("SUP-{:04}-{:06}", tm.tm_year + 1900, id);
}

std::string ticket_key(std::string_view number) {
  return fmt::format("ticket:{}", number);
}

std::vector<CategoryPriority> default_category_priorities() {
  return {{"technical", "high"},
          {"billing", "medium"},
          {"account", "medium"},
          {"feature", "low"},
          {"general", "low"}};
}

Status apply(SupportRequest& r, const SupportRequestEvent::Variant& event,
             const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<SupportRequestCreated>(event),
                                      r.version, record, "request");
      !s.ok()) {
    return s;
  }
  if (const auto* sla = std::get_if<SupportRequestSlaUpdated>(&event)) {
    auto clock = sla_clock_from_record(sla->sla);
    if (!clock.ok()) return clock.status();
    r.sla = *clock;
    return Status::Ok();
  }
  std::visit(events::Overloaded{
                 [&](const SupportRequestCreated& e) {
                   r.id = e.supportRequestId;
                   r.customerId = e.customerId;
                   r.ticketNumber = e.ticketNumber;
                   r.subject = e.subject;
                   r.category = e.category;
                   r.priority = e.priority;
                   r.status = std::string(kStatusOpen);
                 },
                 [&](const SupportRequestMessageCreated& e) {
                   if (e.senderType == "admin" && !r.firstResponseAt)
                     r.firstResponseAt = record.occurredAt;
                 },
                 [&](const SupportRequestStatusChanged& e) {
                   r.status = e.to;
                   if (e.resolutionNote) r.resolutionNote = e.resolutionNote;
                   if (r.status == kStatusResolved) r.resolvedAt = record.occurredAt;
                 },
                 [&](const SupportRequestAssigned& e) { r.assignedAdminId = e.assignedAdminId; },
                 [&](const SupportRequestPriorityChanged& e) { r.priority = e.to; },
                 [&](const SupportRequestSatisfactionRated& e) { r.satisfaction = e.rating; },
                 [&](const SupportRequestSlaUpdated&) {},
                 [&](const SupportRequestSlaBreached&) {},
             },
             event);
  return Status::Ok();
}

Result<SupportRequest> fold_support_request(std::span<const events::EventRecord> records) {
  return fold_stream<SupportRequestEvent, SupportRequest>(records,
                                                          Refusal::kSupportRequestNotFound);
}

Result<SupportRequest> load_support_request(const events::StagedView& view, std::int64_t id) {
  return load_with_snapshot<SupportRequestEvent, SupportRequest>(view, support_request_stream(id),
                                                                 Refusal::kSupportRequestNotFound);
}

Result<std::int64_t> add_support_request_creation(const events::StagedView& view,
                                                  const CreateSupportRequest& c,
                                                  events::AppendRequest& req) {
  auto last = view.last_id(kSupportRequestSequence);
  if (!last.ok()) return last.status();
  const std::int64_t id = static_cast<std::int64_t>(*last + 1);
  const std::string number = ticket_number(id, view.now_ms());
  req.ids.push_back({std::string(kSupportRequestSequence), *last + 1});
  req.claims.push_back({ticket_key(number), support_request_stream(id)});
  auto& stream = open_stream(req, support_request_stream(id), events::kNoStream);
  add_event(stream, SupportRequestCreated{id, number, c.customerId, c.subject, c.category,
                                          c.priority, c.metadata, c.journey, c.source});
  auto sla = start_item_sla(view, kItemSupportRequest, c.category, c.priority);
  if (!sla.ok()) return sla.status();
  if (*sla) add_event(stream, SupportRequestSlaUpdated{id, "created", sla_clock_record(**sla)});
  return id;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSupportRequest& c,
                                     const CommandMeta& meta) {
  auto req = start_append(meta);
  auto id = add_support_request_creation(view, c, req);
  if (!id.ok()) return id.status();
  auto message = message_event(view, req, *id, "customer", c.customerId, c.message);
  if (!message.ok()) return message.status();
  auto attached = attach_uploads(view, c.attachmentIds, {"customer", c.customerId},
                                 {std::string(kItemSupportRequest), *id, message->messageId});
  if (!attached.ok()) return attached.status();
  message->attachments = message_attachments(*attached);
  add_event(req.streams.front(), *message);
  add_attachment_streams(req, std::move(*attached));
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const ReplyToSupportRequest& c,
                                     const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  const bool customer = c.senderType == "customer";
  if (customer && r->customerId != c.senderId) return refuse(Refusal::kSupportRequestNotFound);
  if (r->status == kStatusClosed) return refuse(Refusal::kSupportRequestClosed);
  auto req = start_append(meta);
  auto& stream = on_stream(req, *r);
  auto message = message_event(view, req, r->id, c.senderType, c.senderId, c.message);
  if (!message.ok()) return message.status();
  auto attached =
      attach_uploads(view, c.attachmentIds, {customer ? "customer" : "staff", c.senderId},
                     {std::string(kItemSupportRequest), r->id, message->messageId});
  if (!attached.ok()) return attached.status();
  message->attachments = message_attachments(*attached);
  add_event(stream, *message);
  const bool reopens = customer && r->status == kStatusResolved;
  if (reopens) {
    add_event(stream,
              SupportRequestStatusChanged{r->id, r->status, std::string(kStatusOpen), std::nullopt,
                                          "customer_reply", r->customerId, r->assignedAdminId});
  }
  const UnixMillis now = view.now_ms();
  if (Status s = add_request_sla_change(
          view, stream, *r, customer ? "customer_message" : "staff_reply",
          [&](SlaClock& clock, const SlaTerms& terms) -> Status {
            if (!customer) return sla_staff_reply(clock, now);
            if (reopens) {
              if (Status st = sla_status_change(clock, terms, r->status, kStatusOpen, false, now);
                  !st.ok()) {
                return st;
              }
            }
            return sla_customer_message(clock, terms, now);
          });
      !s.ok()) {
    return s;
  }
  if (reopens) {
    if (Status s = add_status_work_change(view, req, *r, kStatusOpen); !s.ok()) return s;
  }
  add_attachment_streams(req, std::move(*attached));
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeSupportRequestStatus& c, const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  if (!status_transition_allowed(r->status, c.status)) {
    return refuse(Refusal::kSupportRequestTransition,
                  fmt::format("a {} support request cannot become {}", r->status, c.status));
  }
  auto req = start_append(meta);
  auto& stream = on_stream(req, *r);
  add_event(stream, SupportRequestStatusChanged{r->id, r->status, c.status, c.resolutionNote,
                                                "staff", r->customerId, r->assignedAdminId});
  const UnixMillis now = view.now_ms();
  if (Status s = add_request_sla_change(view, stream, *r, "status_changed",
                                        [&](SlaClock& clock, const SlaTerms& terms) {
                                          return sla_status_change(clock, terms, r->status,
                                                                   c.status,
                                                                   c.status == kStatusClosed, now);
                                        });
      !s.ok()) {
    return s;
  }
  if (Status s = add_status_work_change(view, req, *r, c.status); !s.ok()) return s;
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const AssignSupportRequest& c,
                                     const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  const bool open = request_is_open_work(r->status);
  if (c.terms.onlyUnassigned && (r->assignedAdminId || !open)) {
    return refuse(Refusal::kQueueItemTaken);
  }
  if (Status s = check_assignee(view, c.assignedAdminId); !s.ok()) return s;
  AssignmentTerms terms = c.terms;
  terms.force = terms.force || c.force.value_or(false);
  if (c.assignedAdminId && c.assignedAdminId != r->assignedAdminId && open) {
    if (Status s = check_assignable(view, *c.assignedAdminId, r->category, terms); !s.ok()) {
      return s;
    }
  }
  auto req = start_append(meta);
  add_event(on_stream(req, *r), SupportRequestAssigned{r->id, c.assignedAdminId, r->assignedAdminId,
                                                       c.terms.reason, r->customerId});
  const char* released = c.assignedAdminId ? "reassigned" : "unassigned";
  if (Status s = add_work_change(view, req, {WorkKind::kSupportRequest, r->id}, hold_of(*r),
                                 {c.assignedAdminId, open}, c.terms.reason, released,
                                 c.terms.defaultCapacity);
      !s.ok()) {
    return s;
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeSupportRequestPriority& c,
                                     const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  auto req = start_append(meta);
  auto& stream = on_stream(req, *r);
  add_event(stream, SupportRequestPriorityChanged{r->id, r->priority, c.priority, "staff"});
  if (Status s = add_request_sla_change(view, stream, *r, "priority_changed",
                                        [&](SlaClock& clock, const SlaTerms& terms) {
                                          return sla_priority_change(clock, terms, c.priority);
                                        });
      !s.ok()) {
    return s;
  }
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const RateSupportRequest& c,
                                     const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  if (r->customerId != c.customerId) return refuse(Refusal::kSupportRequestNotFound);
  const bool ended = r->status == kStatusResolved || r->status == kStatusClosed;
  if (!ended || !r->resolvedAt) return refuse(Refusal::kSatisfactionNotAvailable);
  if (r->satisfaction) return refuse(Refusal::kSatisfactionAlreadyRated);
  if (view.now_ms() - *r->resolvedAt > c.window) return refuse(Refusal::kSatisfactionWindowClosed);
  auto req = start_append(meta);
  add_event(on_stream(req, *r),
            SupportRequestSatisfactionRated{r->id, c.customerId, c.rating, c.comment});
  return req;
}

}  // namespace docket::domain

#include "domain/support_request.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json_writer.h"
#include "domain/account_commands.h"
#include "domain/stream_snapshot.h"
#include "events/event_data.h"

namespace docket::domain {
namespace {

using events::malformed;
using events::optional_int;
using events::text;

events::AppendRequest on_stream(const SupportRequest& r, const CommandMeta& meta) {
  events::AppendRequest req;
  req.streams.push_back({support_request_stream(r.id), r.version, {}});
  req.actor = meta.actor;
  req.meta = meta.request;
  return req;
}

void add(events::AppendRequest& req, std::string_view type, std::string data) {
  req.streams.front().events.push_back({std::string(type), 1, std::move(data)});
}

std::string status_change(std::int64_t id, std::string_view from, std::string_view to,
                          const std::optional<std::string>& note, std::string_view reason) {
  JsonWriter w;
  w.begin_object().field("supportRequestId", id).field("from", from).field("to", to);
  w.field("resolutionNote", note).field("reason", reason).end_object();
  return w.take();
}

// The next message id and its event.
Result<std::string> message_event(const events::StagedView& view, events::AppendRequest& req,
                                  std::int64_t request_id, std::string_view sender_type,
                                  std::int64_t sender_id, std::string_view message) {
  auto last = view.last_id(kSupportRequestMessageSequence);
  if (!last.ok()) return last.status();
  const std::int64_t message_id = static_cast<std::int64_t>(*last + 1);
  req.ids.push_back({std::string(kSupportRequestMessageSequence), *last + 1});
  JsonWriter w;
  w.begin_object().field("supportRequestId", request_id).field("messageId", message_id);
  w.field("senderType", sender_type).field("senderId", sender_id).field("message", message);
  w.end_object();
  return w.take();
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

Status apply_support_request_events(SupportRequest& r,
                                    std::span<const events::EventRecord> events) {
  // One parser per thread: its buffers are reused from event to event.
  thread_local simdjson::dom::parser parser;
  for (const events::EventRecord& e : events) {
    simdjson::dom::object data;
    if (parser.parse(e.data).get_object().get(data)) return malformed(e, "data is not an object");
    if (e.type == kSupportRequestCreated) {
      auto id = optional_int(data, "supportRequestId");
      auto customer = optional_int(data, "customerId");
      if (!id || !customer) return malformed(e, "missing supportRequestId or customerId");
      r.id = *id;
      r.customerId = *customer;
      r.ticketNumber = text(data, "ticketNumber");
      r.subject = text(data, "subject");
      r.category = text(data, "category");
      r.priority = text(data, "priority");
      r.status = std::string(kStatusOpen);
    } else if (r.version == 0) {
      return malformed(e, "event before the request was created");
    } else if (e.type == kSupportRequestMessageCreated) {
      if (text(data, "senderType") == "admin" && !r.firstResponseAt)
        r.firstResponseAt = e.occurredAt;
    } else if (e.type == kSupportRequestStatusChanged) {
      r.status = text(data, "to");
      std::string_view note;
      if (!data["resolutionNote"].get_string().get(note)) r.resolutionNote = std::string(note);
      if (r.status == kStatusResolved) r.resolvedAt = e.occurredAt;
    } else if (e.type == kSupportRequestAssigned) {
      r.assignedAdminId = optional_int(data, "assignedAdminId");
    } else if (e.type == kSupportRequestPriorityChanged) {
      r.priority = text(data, "to");
    } else {
      return malformed(e, "not a support request event");
    }
    r.version = e.streamVersion;
  }
  return Status::Ok();
}

Result<SupportRequest> fold_support_request(std::span<const events::EventRecord> events) {
  if (events.empty()) return Status::NotFound("no such support request");
  SupportRequest r;
  if (Status s = apply_support_request_events(r, events); !s.ok()) return s;
  return r;
}

Result<SupportRequest> load_support_request(const events::StagedView& view, std::int64_t id) {
  return load_with_snapshot<SupportRequest>(view, support_request_stream(id),
                                            apply_support_request_events, "support request");
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
  JsonWriter w;
  w.begin_object().field("supportRequestId", id).field("ticketNumber", number);
  w.field("customerId", c.customerId).field("subject", c.subject).field("category", c.category);
  w.field("priority", c.priority).field_raw("metadata", c.metadataJson).end_object();
  events::StreamAppend stream{support_request_stream(id), events::kNoStream, {}};
  stream.events.push_back({std::string(kSupportRequestCreated), 1, w.take()});
  req.streams.push_back(std::move(stream));
  return id;
}

Result<events::AppendRequest> decide_create_support_request(const events::StagedView& view,
                                                            const CreateSupportRequest& c,
                                                            const CommandMeta& meta) {
  events::AppendRequest req;
  req.actor = meta.actor;
  req.meta = meta.request;
  auto id = add_support_request_creation(view, c, req);
  if (!id.ok()) return id.status();
  auto message = message_event(view, req, *id, "customer", c.customerId, c.message);
  if (!message.ok()) return message.status();
  add(req, kSupportRequestMessageCreated, std::move(message).value());
  return req;
}

Result<events::AppendRequest> decide_reply(const events::StagedView& view,
                                           const ReplyToSupportRequest& c,
                                           const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  const bool customer = c.senderType == "customer";
  if (customer && r->customerId != c.senderId) return Status::NotFound("no such support request");
  if (r->status == kStatusClosed) return Status::FailedPrecondition(kClosedMessage);
  auto req = on_stream(*r, meta);
  auto message = message_event(view, req, r->id, c.senderType, c.senderId, c.message);
  if (!message.ok()) return message.status();
  add(req, kSupportRequestMessageCreated, std::move(message).value());
  if (customer && r->status == kStatusResolved) {
    add(req, kSupportRequestStatusChanged,
        status_change(r->id, r->status, kStatusOpen, std::nullopt, "customer_reply"));
  }
  return req;
}

Result<events::AppendRequest> decide_change_status(const events::StagedView& view,
                                                   const ChangeSupportRequestStatus& c,
                                                   const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  if (!status_transition_allowed(r->status, c.status)) {
    return Status::FailedPrecondition(
        fmt::format("a {} support request cannot become {}", r->status, c.status));
  }
  auto req = on_stream(*r, meta);
  add(req, kSupportRequestStatusChanged,
      status_change(r->id, r->status, c.status, c.resolutionNote, "staff"));
  return req;
}

Result<events::AppendRequest> decide_assign(const events::StagedView& view,
                                            const AssignSupportRequest& c,
                                            const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  if (c.assignedAdminId) {
    auto staff = load_account(view, *c.assignedAdminId);
    if (!staff.ok() && !staff.status().IsNotFound()) return staff.status();
    if (!staff.ok() || !staff->is_staff() || !staff->active) {
      return Status::InvalidArgument("assignedAdminId is not an active staff member");
    }
  }
  auto req = on_stream(*r, meta);
  JsonWriter w;
  w.begin_object().field("supportRequestId", r->id).field("assignedAdminId", c.assignedAdminId);
  w.field("previousAdminId", r->assignedAdminId).end_object();
  add(req, kSupportRequestAssigned, w.take());
  return req;
}

Result<events::AppendRequest> decide_change_priority(const events::StagedView& view,
                                                     const ChangeSupportRequestPriority& c,
                                                     const CommandMeta& meta) {
  auto r = load_support_request(view, c.requestId);
  if (!r.ok()) return r.status();
  auto req = on_stream(*r, meta);
  JsonWriter w;
  w.begin_object().field("supportRequestId", r->id).field("from", r->priority);
  w.field("to", c.priority).end_object();
  add(req, kSupportRequestPriorityChanged, w.take());
  return req;
}

}  // namespace docket::domain

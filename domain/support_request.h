// The support request aggregate: a customer's ticket with a message thread, status,
// assignment and priority (seed 000 §4–7, seed 001 ticket numbers and auto-priority).
//
// Stream `support_request-<id>` (id sequence "support_request"); messages take ids from
// the sequence "support_request_message". The ticket number `SUP-<year>-<id, 6 digits>`
// is reserved as the unique key `ticket:<number>`. The events are in
// domain/support_request_events.h.
//
// Status transitions (docs/support-requests.md has the table):
//   open        -> in_progress, resolved, closed
//   in_progress -> open, resolved, closed
//   resolved    -> open, in_progress, closed       (a customer reply also reopens: open)
//   closed      -> nothing (terminal; replies from either side are refused)
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/agent.h"
#include "domain/command_meta.h"
#include "domain/sla.h"
#include "domain/support_request_events.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kSupportRequestSequence = "support_request";
inline constexpr std::string_view kSupportRequestMessageSequence = "support_request_message";
inline constexpr std::string_view kStatusOpen = "open";
inline constexpr std::string_view kStatusInProgress = "in_progress";
inline constexpr std::string_view kStatusResolved = "resolved";
inline constexpr std::string_view kStatusClosed = "closed";
inline constexpr std::string_view kRequestStatuses[] = {kStatusOpen, kStatusInProgress,
                                                        kStatusResolved, kStatusClosed};
inline constexpr std::string_view kPriorities[] = {"low", "medium", "high", "urgent"};

// 0 low … 3 urgent; -1 for an unknown name. For sorting by priority.
int priority_rank(std::string_view priority);
// True when `from` may move to `to` (different statuses, see the table above).
bool status_transition_allowed(std::string_view from, std::string_view to);
// Open and in_progress requests are queue work (they count against an agent's capacity
// while assigned; unassigned, they wait in the queue).
bool request_is_open_work(std::string_view status);

std::string support_request_stream(std::int64_t id);
// "SUP-2026-000042" for id 42 created in 2026 (more digits past 999999).
std::string ticket_number(std::int64_t id, UnixMillis created_at);
std::string ticket_key(std::string_view ticket_number);

// The category list and each category's automatic priority (configuration).
struct CategoryPriority {
  std::string category;
  std::string priority;
};
// technical -> high, billing/account -> medium, feature/general -> low (seed 001).
std::vector<CategoryPriority> default_category_priorities();

struct SupportRequest {
  std::int64_t id = 0;
  std::string ticketNumber;
  std::int64_t customerId = 0;
  std::string subject;
  std::string category;
  std::string priority;
  std::string status;
  std::optional<std::int64_t> assignedAdminId;
  std::optional<std::string> resolutionNote;
  std::optional<UnixMillis> firstResponseAt;
  std::optional<UnixMillis> resolvedAt;
  std::optional<std::int64_t> satisfaction;  // the customer's rating, once rated
  std::optional<SlaClock> sla;               // none: no policy covered it when created
  std::uint64_t version = 0;
};

// Applies one event of the request's stream (the caller sets `version`).
Status apply(SupportRequest& r, const SupportRequestEvent::Variant& event,
             const events::EventRecord& record);
// Folds one request stream. Refused kSupportRequestNotFound when empty; Corruption on a
// foreign or malformed event.
Result<SupportRequest> fold_support_request(std::span<const events::EventRecord> events);
Result<SupportRequest> load_support_request(const events::StagedView& view, std::int64_t id);

struct CreateSupportRequest {
  static constexpr std::string_view kName = "support_request.create";
  std::int64_t customerId = 0;
  std::string subject;
  std::string category;
  std::string priority;  // from the category mapping
  std::string message;
  RawJson metadata;                         // a JSON object or null, stored as given
  std::optional<JourneyRunRecord> journey;  // created by an intake journey
  std::vector<std::string> attachmentIds;   // the customer's uploads, on the first message
  std::optional<std::string> source;        // "form": seed 001's ticket form
};

// The customer rates their resolved (or closed after resolution) request, once, within
// `window` of its last resolution.
struct RateSupportRequest {
  static constexpr std::string_view kName = "support_request.rate";
  std::int64_t requestId = 0;
  std::int64_t customerId = 0;
  std::int64_t rating = 0;  // 1-5
  std::optional<std::string> comment;
  UnixMillis window = 7LL * 86'400'000;
};

// Who replies: a customer on their own request, or staff.
struct ReplyToSupportRequest {
  static constexpr std::string_view kName = "support_request.reply";
  std::int64_t requestId = 0;
  std::string senderType;  // "customer" or "admin"
  std::int64_t senderId = 0;
  std::string message;
  std::vector<std::string> attachmentIds;  // the sender's own uploads (domain/attachment.h)
};

struct ChangeSupportRequestStatus {
  static constexpr std::string_view kName = "support_request.change_status";
  std::int64_t requestId = 0;
  std::string status;
  std::optional<std::string> resolutionNote;  // REQUIRES: only for resolved/closed
};

struct AssignSupportRequest {
  static constexpr std::string_view kName = "support_request.assign";
  std::int64_t requestId = 0;
  std::optional<std::int64_t> assignedAdminId;  // none: unassign
  std::optional<bool> force;                    // past the agent's capacity (staff only)
  AssignmentTerms terms;
};

// reason "staff", or "sla_escalation" (domain/sla_breach.h).
struct ChangeSupportRequestPriority {
  static constexpr std::string_view kName = "support_request.change_priority";
  std::int64_t requestId = 0;
  std::string priority;
};

// Appends support.request.sla_updated (reason `reason`) to `stream` when `change` moves
// the request's SLA clocks; nothing for a request without SLA.
template <typename Change>
Status add_request_sla_change(const events::StagedView& view, events::StreamAppend& stream,
                              const SupportRequest& r, std::string_view reason, Change&& change) {
  auto clock = changed_sla(view, r.sla, std::forward<Change>(change));
  if (!clock.ok()) return clock.status();
  if (*clock) {
    stream.events.push_back(events::to_new_event(
        SupportRequestSlaUpdated{r.id, std::string(reason), sla_clock_record(**clock)}));
  }
  return Status::Ok();
}

// Refusals (domain/refusal.h): kSupportRequestNotFound (no such request; for a
// customer also another customer's request), kSupportRequestClosed (a reply to a
// closed request), kSupportRequestTransition, kAssigneeNotActiveStaff.
// The creation of a new request inside a larger append, shared by
// decide_create_support_request and the inquiry link (domain/support_inquiry.h): pushes
// the stream `support_request-<next id>` (expectedVersion kNoStream) holding
// support.request.created (and support.request.sla_updated when a policy covers it)
// onto `req.streams`, and the id claim and the ticket number's unique claim onto `req`.
// `command.message` is not used: the caller adds the messages to that stream. Returns
// the new request's id.
Result<std::int64_t> add_support_request_creation(const events::StagedView& view,
                                                  const CreateSupportRequest& command,
                                                  events::AppendRequest& req);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const CreateSupportRequest& command, const CommandMeta& meta);
// A customer reply checks ownership and reopens a resolved request. An admin reply
// records firstResponseAt on the first one.
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ReplyToSupportRequest& command, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeSupportRequestStatus& command,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const AssignSupportRequest& command, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ChangeSupportRequestPriority& command,
                                     const CommandMeta& meta);
// Refused kSupportRequestNotFound (another customer's), kSatisfactionNotAvailable (not
// resolved now), kSatisfactionAlreadyRated, kSatisfactionWindowClosed.
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RateSupportRequest& command, const CommandMeta& meta);

}  // namespace docket::domain

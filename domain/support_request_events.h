// The events of the support request aggregate (domain/support_request.h), as the log
// stores them in stream `support_request-<id>`. Writers and every reader use these
// structs; docs/events.md lists them. See events/payload.h for encoding, strict
// decoding and schema versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/attachment_events.h"
#include "domain/journey_events.h"
#include "domain/sla_events.h"
#include "events/payload.h"

namespace docket::domain {

// metadata: the client's JSON object, or null.
struct SupportRequestCreated {
  static constexpr std::string_view kType = "support.request.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::string ticketNumber;
  std::int64_t customerId = 0;
  std::string subject;
  std::string category;
  std::string priority;
  RawJson metadata;
  std::optional<JourneyRunRecord> journey;  // created by an intake journey
  std::optional<std::string> source;        // "form": seed 001's POST /api/support/ticket
  static constexpr auto fields() {
    using E = SupportRequestCreated;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("ticketNumber", &E::ticketNumber),
                      events::field("customerId", &E::customerId),
                      events::field("subject", &E::subject),
                      events::field("category", &E::category),
                      events::field("priority", &E::priority),
                      events::field("metadata", &E::metadata),
                      events::field("journey", &E::journey),
                      events::field("source", &E::source)};
  }
};

// Where a message copied from an inquiry (when a request is created from it) came from.
struct CopiedInquiryMessage {
  std::int64_t supportInquiryId = 0;
  std::int64_t supportInquiryMessageId = 0;
  std::string createdAt;  // ISO-8601, the inquiry message's time
  static constexpr auto fields() {
    using E = CopiedInquiryMessage;
    return std::tuple{events::field("supportInquiryId", &E::supportInquiryId),
                      events::field("supportInquiryMessageId", &E::supportInquiryMessageId),
                      events::field("createdAt", &E::createdAt)};
  }
};

// senderType "customer" or "admin"; copiedFrom only on messages copied from an inquiry.
struct SupportRequestMessageCreated {
  static constexpr std::string_view kType = "support.request_message.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::int64_t messageId = 0;
  std::string senderType;
  std::optional<std::int64_t> senderId;
  std::string message;
  std::optional<CopiedInquiryMessage> copiedFrom;
  std::optional<std::vector<AttachmentRefRecord>> attachments;
  static constexpr auto fields() {
    using E = SupportRequestMessageCreated;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("messageId", &E::messageId),
                      events::field("senderType", &E::senderType),
                      events::field("senderId", &E::senderId),
                      events::field("message", &E::message),
                      events::field("copiedFrom", &E::copiedFrom),
                      events::field("attachments", &E::attachments)};
  }
};

// reason: "staff" or "customer_reply".
struct SupportRequestStatusChanged {
  static constexpr std::string_view kType = "support.request.status_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::string from;
  std::string to;
  std::optional<std::string> resolutionNote;
  std::string reason;
  // Who the change concerns, for the realtime feed (absent in logs written before it).
  std::optional<std::int64_t> customerId;
  std::optional<std::int64_t> assignedAdminId;
  static constexpr auto fields() {
    using E = SupportRequestStatusChanged;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("from", &E::from),
                      events::field("to", &E::to),
                      events::field("resolutionNote", &E::resolutionNote),
                      events::field("reason", &E::reason),
                      events::field("customerId", &E::customerId),
                      events::field("assignedAdminId", &E::assignedAdminId)};
  }
};

struct SupportRequestAssigned {
  static constexpr std::string_view kType = "support.request.assigned";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::optional<std::int64_t> assignedAdminId;  // none: unassigned
  std::optional<std::int64_t> previousAdminId;
  // "manual" (staff), "take" (the agent), "auto" (the queue), "requeued" (the agent went
  // away); absent in logs written before the queue: manual.
  std::optional<std::string> reason;
  std::optional<std::int64_t> customerId;  // for the realtime feed
  static constexpr auto fields() {
    using E = SupportRequestAssigned;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("assignedAdminId", &E::assignedAdminId),
                      events::field("previousAdminId", &E::previousAdminId),
                      events::field("reason", &E::reason),
                      events::field("customerId", &E::customerId)};
  }
};

// reason: "staff", or "sla_escalation" (a breached target raised it); absent in logs
// written before SLAs: staff.
struct SupportRequestPriorityChanged {
  static constexpr std::string_view kType = "support.request.priority_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::string from;
  std::string to;
  std::optional<std::string> reason;
  static constexpr auto fields() {
    using E = SupportRequestPriorityChanged;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("from", &E::from), events::field("to", &E::to),
                      events::field("reason", &E::reason)};
  }
};

// The request's SLA clocks after a change (docs/sla.md lists the reasons).
struct SupportRequestSlaUpdated {
  static constexpr std::string_view kType = "support.request.sla_updated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::string reason;
  SlaClockRecord sla;
  static constexpr auto fields() {
    using E = SupportRequestSlaUpdated;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("reason", &E::reason), events::field("sla", &E::sla)};
  }
};

// A target passed its deadline unmet: recorded once per target clock. target:
// "firstResponse", "resolution" or "nextResponse". escalatedFrom/To: the priority
// raised with it (absent when not escalated). note: the escalation note for staff.
struct SupportRequestSlaBreached {
  static constexpr std::string_view kType = "support.request.sla_breached";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::string target;
  std::string dueAt;
  std::optional<std::string> escalatedFrom;
  std::optional<std::string> escalatedTo;
  std::string note;
  std::int64_t customerId = 0;
  std::optional<std::int64_t> assignedAdminId;
  static constexpr auto fields() {
    using E = SupportRequestSlaBreached;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("target", &E::target),
                      events::field("dueAt", &E::dueAt),
                      events::field("escalatedFrom", &E::escalatedFrom),
                      events::field("escalatedTo", &E::escalatedTo),
                      events::field("note", &E::note),
                      events::field("customerId", &E::customerId),
                      events::field("assignedAdminId", &E::assignedAdminId)};
  }
};

// The customer rated the resolved request (once, within DOCKET_CSAT_WINDOW_DAYS of its
// resolution): rating 1-5, an optional comment.
struct SupportRequestSatisfactionRated {
  static constexpr std::string_view kType = "support.request.satisfaction_rated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t supportRequestId = 0;
  std::int64_t customerId = 0;
  std::int64_t rating = 0;
  std::optional<std::string> comment;
  static constexpr auto fields() {
    using E = SupportRequestSatisfactionRated;
    return std::tuple{events::field("supportRequestId", &E::supportRequestId),
                      events::field("customerId", &E::customerId),
                      events::field("rating", &E::rating), events::field("comment", &E::comment)};
  }
};

using SupportRequestEvent =
    events::EventSet<SupportRequestCreated, SupportRequestMessageCreated,
                     SupportRequestStatusChanged, SupportRequestAssigned,
                     SupportRequestPriorityChanged, SupportRequestSlaUpdated,
                     SupportRequestSlaBreached, SupportRequestSatisfactionRated>;

}  // namespace docket::domain

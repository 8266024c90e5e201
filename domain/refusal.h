// Refusal: why a domain decision said no, as a code callers switch on.
//
// A decision (domain/*.h `decide`) that refuses a command returns
// `refuse(Refusal::kInquiryClosed)`: a Status of code kRefused whose reason is the
// refusal. Routes, the realtime layer and the scheduler read it back with
// refusal_of() and map it through the one table describe() — never by comparing
// message text. The table gives each refusal the API answer it becomes (HTTP status
// and stable errorCode, and for a refusal about one request field, that field); the
// message is for people and may say more ("a closed support request cannot become
// open").
//
// One set for every aggregate, grouped by aggregate; a new aggregate adds its
// refusals here and a row to the table in refusal.cpp. Values are not stored anywhere
// (not in the log, not in a response), so they may be renumbered.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"

namespace docket::domain {

enum class Refusal : std::uint16_t {
  // Who is asking (domain/access.h).
  kNotAuthenticated = 1,  // 401 UNAUTHORIZED: no valid credential
  kPermissionMissing,     // 403 FORBIDDEN: the caller's role or permissions do not allow it

  // Accounts and staff.
  kEmailTaken,            // 409 EMAIL_ALREADY_REGISTERED
  kAccountNotFound,       // 404 NOT_FOUND: no account with that id
  kStaffNotFound,         // 404 STAFF_NOT_FOUND
  kAccountStateConflict,  // 409 ACCOUNT_STATE_CONFLICT: already (de)activated, oneself
  kStaffExists,           // 409 ACCOUNT_STATE_CONFLICT: bootstrap when staff exists
  kLastStaffManager,      // 409 LAST_STAFF_MANAGER: nobody active would keep Staff_MANAGE

  // Assignment, shared by support requests and inquiries.
  kAssigneeNotActiveStaff,  // 400 VALIDATION_ERROR on assignedAdminId

  // Support requests.
  kSupportRequestNotFound,    // 404 SUPPORT_REQUEST_NOT_FOUND (also another's request)
  kSupportRequestClosed,      // 409 SUPPORT_REQUEST_CLOSED: no replies
  kSupportRequestTransition,  // 409 INVALID_STATUS_TRANSITION

  // Support inquiries.
  kInquiryNotFound,             // 404 SUPPORT_INQUIRY_NOT_FOUND
  kInquiryAccessDenied,         // 403 SUPPORT_INQUIRY_ACCESS_DENIED: not this caller's
  kInquiryTokenInvalid,         // 403 SUPPORT_INQUIRY_TOKEN_INVALID: malformed, unknown,
                                //     expired or revoked guest token
  kInquiryClosed,               // 400 SUPPORT_INQUIRY_CLOSED: closed or spam
  kInquiryTransition,           // 409 INVALID_STATUS_TRANSITION
  kInquiryLinkInvalid,          // 400 SUPPORT_INQUIRY_LINK_INVALID
  kInquiryCustomerRequired,     // 400 SUPPORT_INQUIRY_SUPPORT_REQUEST_REQUIRED
  kInquiryVerificationInvalid,  // 400 SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID
  kInquiryNoLiveToken,          // 409 CONFLICT: nothing to revoke (routes treat as done)
  kInquiryStillActive,          // 409 CONFLICT: inactive close found activity (job skips)
  kTrackingCodesTaken,          // 503 SERVICE_UNAVAILABLE: every candidate code taken

  // Feedback.
  kFeedbackNotFound,         // 404 FEEDBACK_NOT_FOUND
  kFeedbackAlreadyReviewed,  // 409 FEEDBACK_ALREADY_REVIEWED

  // Agents and the queue.
  kAgentNotFound,         // 404 AGENT_NOT_FOUND: not an active staff account
  kAgentStatusUnchanged,  // 409 CONFLICT: nothing would change (routes treat as done)
  kAgentProfileInvalid,   // 400 VALIDATION_ERROR on shift: the tz database cannot serve it
  kAgentAtCapacity,       // 409 AGENT_AT_CAPACITY: maxOpenItems open items already
  kAgentNotEligible,      // 409 AGENT_NOT_ELIGIBLE: unskilled, not available, out of shift
  kQueueItemTaken,        // 409 QUEUE_ITEM_TAKEN: assigned (or no longer open) meanwhile
  kQueueEmpty,            // 409 QUEUE_EMPTY: no queued item the agent is eligible for

  // SLAs.
  kSlaCalendarNotFound,  // 404 SLA_CALENDAR_NOT_FOUND (also a deleted one)
  kSlaPolicyNotFound,    // 404 SLA_POLICY_NOT_FOUND
  kSlaConfigInvalid,     // 400 VALIDATION_ERROR: what is wrong in the message
  kSlaCalendarInUse,     // 409 SLA_CALENDAR_IN_USE: a policy counts by it
  kSlaUnchanged,         // 409 CONFLICT: seeding when a policy exists (startup skips)
  kSlaNotDue,            // 409 CONFLICT: a breach not (or no longer) due (the monitor skips)

  // Journeys.
  kJourneyNotFound,         // 404 JOURNEY_NOT_FOUND (customers: also archived or unpublished)
  kJourneyVersionNotFound,  // 404 JOURNEY_VERSION_NOT_FOUND (customers: also unpublished)
  kJourneyInvalid,          // 400 JOURNEY_INVALID: the definition has problems
  kJourneyArchived,         // 409 JOURNEY_ARCHIVED: an archived journey does not change
  kJourneyUnchanged,        // 409 CONFLICT: nothing would change

  // Attachments.
  kAttachmentNotFound,          // 404 ATTACHMENT_NOT_FOUND (also one the caller may not read)
  kAttachmentReferenceInvalid,  // 400 VALIDATION_ERROR on attachmentIds: unknown, deleted,
                                //     someone else's, repeated, too many
  kAttachmentAlreadyAttached,   // 409 ATTACHMENT_IN_USE: attached to another message
  kAttachmentNotExpired,        // 409 CONFLICT: the orphan sweep skips it

  // Customer satisfaction.
  kSatisfactionNotAvailable,  // 409 SATISFACTION_NOT_AVAILABLE: not resolved (or closed)
  kSatisfactionAlreadyRated,  // 409 SATISFACTION_ALREADY_RATED: rated once already
  kSatisfactionWindowClosed,  // 409 SATISFACTION_WINDOW_CLOSED: resolved too long ago

  // Idempotent retries (domain/command.h).
  kIdempotencyKeyReused,  // 422 IDEMPOTENCY_KEY_MISMATCH: the key was used for another request
  kIdempotencyKeyInUse,   // 409 IDEMPOTENCY_KEY_IN_USE: its first use is not durable yet
  kIdempotentReplay,      // the key's command committed before: execute() yields that outcome
};

// How a refusal is answered.
struct RefusalInfo {
  int status = 409;            // HTTP status
  std::string_view errorCode;  // core/error_codes.h
  std::string_view message;    // default message for people
  std::string_view field;      // VALIDATION_ERROR refusals: the request field at fault
  std::string_view name;       // "kInquiryClosed" without the k, for logs: "InquiryClosed"
};

const RefusalInfo& describe(Refusal refusal);

// The Status a decision returns to refuse; `message` empty: describe(refusal).message.
Status refuse(Refusal refusal, std::string_view message = {});

// The refusal a Status carries; nullopt for any other Status (OK, storage errors).
std::optional<Refusal> refusal_of(const Status& status);

}  // namespace docket::domain

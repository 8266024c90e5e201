// The API's stable error codes: the `errorCode` of the JSON error contract
// (core/api_error.h). Clients switch on them, so they never change meaning; docs/http.md
// lists each with its status and the OpenAPI document lists each route's.
#pragma once

#include <string_view>

namespace docket {

namespace error_code {
inline constexpr std::string_view kValidationError = "VALIDATION_ERROR";             // 400
inline constexpr std::string_view kUnauthorized = "UNAUTHORIZED";                    // 401
inline constexpr std::string_view kForbidden = "FORBIDDEN";                          // 403
inline constexpr std::string_view kNotFound = "NOT_FOUND";                           // 404
inline constexpr std::string_view kMethodNotAllowed = "METHOD_NOT_ALLOWED";          // 405
inline constexpr std::string_view kConflict = "CONFLICT";                            // 409
inline constexpr std::string_view kPayloadTooLarge = "PAYLOAD_TOO_LARGE";            // 413, 431
inline constexpr std::string_view kUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";  // 415
inline constexpr std::string_view kRateLimitExceeded = "RATE_LIMIT_EXCEEDED";        // 429
inline constexpr std::string_view kInternalError = "INTERNAL_ERROR";                 // 500
inline constexpr std::string_view kServiceUnavailable = "SERVICE_UNAVAILABLE";       // 503
// The log cannot take writes (its disk is full or failing); reads keep working.
inline constexpr std::string_view kStorageUnavailable = "STORAGE_UNAVAILABLE";  // 503
// Idempotent retries (Idempotency-Key).
inline constexpr std::string_view kIdempotencyKeyMismatch = "IDEMPOTENCY_KEY_MISMATCH";    // 422
inline constexpr std::string_view kIdempotencyKeyInUse = "IDEMPOTENCY_KEY_IN_USE";         // 409
inline constexpr std::string_view kIdempotencyResponseLost = "IDEMPOTENCY_RESPONSE_LOST";  // 409
// Identity and staff management.
inline constexpr std::string_view kInvalidCredentials = "INVALID_CREDENTIALS";           // 401
inline constexpr std::string_view kAccountDeactivated = "ACCOUNT_DEACTIVATED";           // 403
inline constexpr std::string_view kEmailAlreadyRegistered = "EMAIL_ALREADY_REGISTERED";  // 409
inline constexpr std::string_view kStaffNotFound = "STAFF_NOT_FOUND";                    // 404
inline constexpr std::string_view kAccountStateConflict = "ACCOUNT_STATE_CONFLICT";      // 409
inline constexpr std::string_view kLastStaffManager = "LAST_STAFF_MANAGER";              // 409
// Support requests.
inline constexpr std::string_view kSupportRequestNotFound = "SUPPORT_REQUEST_NOT_FOUND";   // 404
inline constexpr std::string_view kSupportRequestClosed = "SUPPORT_REQUEST_CLOSED";        // 409
inline constexpr std::string_view kInvalidStatusTransition = "INVALID_STATUS_TRANSITION";  // 409
// Support inquiries (seed 000 §16).
inline constexpr std::string_view kSupportInquiryNotFound = "SUPPORT_INQUIRY_NOT_FOUND";  // 404
inline constexpr std::string_view kSupportInquiryAccessDenied =
    "SUPPORT_INQUIRY_ACCESS_DENIED";  // 403
inline constexpr std::string_view kSupportInquiryTokenInvalid =
    "SUPPORT_INQUIRY_TOKEN_INVALID";                                                 // 403
inline constexpr std::string_view kSupportInquiryClosed = "SUPPORT_INQUIRY_CLOSED";  // 400
inline constexpr std::string_view kSupportInquiryLinkInvalid =
    "SUPPORT_INQUIRY_LINK_INVALID";  // 400
inline constexpr std::string_view kSupportInquiryEmailVerificationInvalid =
    "SUPPORT_INQUIRY_EMAIL_VERIFICATION_INVALID";  // 400
inline constexpr std::string_view kSupportInquirySupportRequestRequired =
    "SUPPORT_INQUIRY_SUPPORT_REQUEST_REQUIRED";  // 400
// Operations.
inline constexpr std::string_view kProjectionNotFound = "PROJECTION_NOT_FOUND";  // 404
inline constexpr std::string_view kRebuildInProgress = "REBUILD_IN_PROGRESS";    // 409
// Feedback.
inline constexpr std::string_view kFeedbackNotFound = "FEEDBACK_NOT_FOUND";                // 404
inline constexpr std::string_view kFeedbackAlreadyReviewed = "FEEDBACK_ALREADY_REVIEWED";  // 409
// Agents and the queue.
inline constexpr std::string_view kAgentNotFound = "AGENT_NOT_FOUND";        // 404
inline constexpr std::string_view kAgentAtCapacity = "AGENT_AT_CAPACITY";    // 409
inline constexpr std::string_view kAgentNotEligible = "AGENT_NOT_ELIGIBLE";  // 409
inline constexpr std::string_view kQueueItemTaken = "QUEUE_ITEM_TAKEN";      // 409
inline constexpr std::string_view kQueueEmpty = "QUEUE_EMPTY";               // 409
// SLAs.
inline constexpr std::string_view kSlaCalendarNotFound = "SLA_CALENDAR_NOT_FOUND";  // 404
inline constexpr std::string_view kSlaPolicyNotFound = "SLA_POLICY_NOT_FOUND";      // 404
inline constexpr std::string_view kSlaCalendarInUse = "SLA_CALENDAR_IN_USE";        // 409
// Journeys.
inline constexpr std::string_view kJourneyNotFound = "JOURNEY_NOT_FOUND";                 // 404
inline constexpr std::string_view kJourneyVersionNotFound = "JOURNEY_VERSION_NOT_FOUND";  // 404
inline constexpr std::string_view kJourneyInvalid = "JOURNEY_INVALID";                    // 400
inline constexpr std::string_view kJourneyArchived = "JOURNEY_ARCHIVED";                  // 409
inline constexpr std::string_view kJourneyAnswersInvalid = "JOURNEY_ANSWERS_INVALID";     // 400
// Attachments.
inline constexpr std::string_view kAttachmentNotFound = "ATTACHMENT_NOT_FOUND";               // 404
inline constexpr std::string_view kAttachmentInUse = "ATTACHMENT_IN_USE";                     // 409
inline constexpr std::string_view kAttachmentTypeNotAllowed = "ATTACHMENT_TYPE_NOT_ALLOWED";  // 415
// Customer satisfaction.
inline constexpr std::string_view kSatisfactionNotAvailable = "SATISFACTION_NOT_AVAILABLE";  // 409
inline constexpr std::string_view kSatisfactionAlreadyRated = "SATISFACTION_ALREADY_RATED";  // 409
inline constexpr std::string_view kSatisfactionWindowClosed = "SATISFACTION_WINDOW_CLOSED";  // 409
}  // namespace error_code

}  // namespace docket

// ApiError: an error as the API reports it, and the JSON error contract.
//
//   {"success":false,"errorCode":"NOT_FOUND","message":"…","details":null,"requestId":"…"}
//
// Handlers return an ApiError (Response converts from it) or throw one; the service
// renders it with the request id. errorCode values are stable API: clients switch on
// them. Domain codes from the seeds (SUPPORT_INQUIRY_NOT_FOUND, …) use the same type.
// A value type; thread-compatible.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "core/status.h"

namespace docket::http {

// The platform's stable error codes.
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
// Identity and staff management.
inline constexpr std::string_view kInvalidCredentials = "INVALID_CREDENTIALS";           // 401
inline constexpr std::string_view kAccountDeactivated = "ACCOUNT_DEACTIVATED";           // 403
inline constexpr std::string_view kEmailAlreadyRegistered = "EMAIL_ALREADY_REGISTERED";  // 409
inline constexpr std::string_view kStaffNotFound = "STAFF_NOT_FOUND";                    // 404
inline constexpr std::string_view kAccountStateConflict = "ACCOUNT_STATE_CONFLICT";      // 409
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
}  // namespace error_code

class ApiError : public std::exception {
 public:
  // REQUIRES: 400 <= status <= 599; `details_json` is valid JSON text ("null" for none).
  ApiError(int status, std::string_view code, std::string message,
           std::string details_json = "null");

  static ApiError validation(std::string message, std::string details_json = "null");
  static ApiError unauthorized(std::string message = "Authentication required");
  static ApiError forbidden(std::string message = "Access denied");
  static ApiError not_found(std::string message = "Resource not found");
  static ApiError method_not_allowed(std::string message = "Method not allowed");
  static ApiError conflict(std::string message);
  static ApiError payload_too_large(std::string message = "Request body too large");
  static ApiError unsupported_media_type(
      std::string message = "Content-Type must be application/json");
  static ApiError rate_limit_exceeded(std::string message = "Too many requests");
  // The message is fixed: internals never reach the client.
  static ApiError internal();
  static ApiError service_unavailable(std::string message = "Service unavailable");

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& details_json() const { return details_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  int status_;
  std::string code_;
  std::string message_;
  std::string details_;
};

// Maps a Status from core/, events/ or projections/ to the API's error.
//   NotFound → 404 NOT_FOUND; InvalidArgument → 400 VALIDATION_ERROR;
//   Conflict, AlreadyExists, FailedPrecondition → 409 CONFLICT;
//   Unavailable → 503 SERVICE_UNAVAILABLE;
//   Corruption, IOError, Internal → 500 INTERNAL_ERROR (fixed message; the caller logs).
// 4xx keep the Status message, which domain code writes for users.
// REQUIRES: !status.ok().
ApiError api_error_from_status(const Status& status);

// The error body of the contract, with `request_id`.
std::string render_error_body(const ApiError& error, std::string_view request_id);

}  // namespace docket::http

// ApiError: an error as the API reports it, and the JSON error contract. Transport-
// neutral: HTTP renders it as a response, the realtime layer as an ack or CONNECT_ERROR.
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

#include "core/error_codes.h"
#include "core/status.h"

namespace docket {

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
// A refusal (kRefused) is mapped by its reason through domain/refusal.h, not here:
// here it is 409 CONFLICT.
//   NotFound → 404 NOT_FOUND; InvalidArgument → 400 VALIDATION_ERROR;
//   Conflict, AlreadyExists, FailedPrecondition → 409 CONFLICT;
//   Unavailable → 503 SERVICE_UNAVAILABLE;
//   Corruption, IOError, Internal → 500 INTERNAL_ERROR (fixed message; the caller logs).
// 4xx keep the Status message, which domain code writes for users.
// REQUIRES: !status.ok().
ApiError api_error_from_status(const Status& status);

// The error body of the contract, with `request_id`.
std::string render_error_body(const ApiError& error, std::string_view request_id);

}  // namespace docket

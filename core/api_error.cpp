#include "core/api_error.h"

#include <cassert>

#include "core/json_writer.h"

namespace docket {

ApiError::ApiError(int status, std::string_view code, std::string message, std::string details_json)
    : status_(status),
      code_(code),
      message_(std::move(message)),
      details_(details_json.empty() ? std::string("null") : std::move(details_json)) {
  assert(status >= 400 && status <= 599);
}

ApiError ApiError::validation(std::string message, std::string details_json) {
  return ApiError(400, error_code::kValidationError, std::move(message), std::move(details_json));
}
ApiError ApiError::unauthorized(std::string message) {
  return ApiError(401, error_code::kUnauthorized, std::move(message));
}
ApiError ApiError::forbidden(std::string message) {
  return ApiError(403, error_code::kForbidden, std::move(message));
}
ApiError ApiError::not_found(std::string message) {
  return ApiError(404, error_code::kNotFound, std::move(message));
}
ApiError ApiError::method_not_allowed(std::string message) {
  return ApiError(405, error_code::kMethodNotAllowed, std::move(message));
}
ApiError ApiError::conflict(std::string message) {
  return ApiError(409, error_code::kConflict, std::move(message));
}
ApiError ApiError::payload_too_large(std::string message) {
  return ApiError(413, error_code::kPayloadTooLarge, std::move(message));
}
ApiError ApiError::unsupported_media_type(std::string message) {
  return ApiError(415, error_code::kUnsupportedMediaType, std::move(message));
}
ApiError ApiError::rate_limit_exceeded(std::string message) {
  return ApiError(429, error_code::kRateLimitExceeded, std::move(message));
}
ApiError ApiError::internal() {
  return ApiError(500, error_code::kInternalError, "Internal server error");
}
ApiError ApiError::service_unavailable(std::string message) {
  return ApiError(503, error_code::kServiceUnavailable, std::move(message));
}

ApiError api_error_from_status(const Status& status) {
  assert(!status.ok());
  switch (status.code()) {
    case Status::Code::kNotFound:
      return ApiError::not_found(status.message());
    case Status::Code::kInvalidArgument:
      return ApiError::validation(status.message());
    case Status::Code::kConflict:
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kRefused:
      return ApiError::conflict(status.message());
    case Status::Code::kUnavailable:
      return ApiError::service_unavailable();
    case Status::Code::kOk:
    case Status::Code::kCorruption:
    case Status::Code::kIOError:
    case Status::Code::kInternal:
      break;
  }
  return ApiError::internal();
}

std::string render_error_body(const ApiError& error, std::string_view request_id) {
  JsonWriter w;
  w.begin_object();
  w.field("success", false);
  w.field("errorCode", error.code());
  w.field("message", error.message());
  w.field_raw("details", error.details_json());
  w.field("requestId", request_id);
  w.end_object();
  return w.take();
}

}  // namespace docket

#include "http/command.h"

#include "core/error_codes.h"
#include "http/validation.h"

namespace docket::http {

ApiError refusal_error(domain::Refusal refusal, std::string_view message) {
  const domain::RefusalInfo& info = domain::describe(refusal);
  const std::string text(message.empty() ? info.message : message);
  if (!info.field.empty()) {
    ValidationErrors errors;
    errors.add(info.field, rule::kEnum, text);
    return errors.to_api_error();
  }
  return ApiError(info.status, info.errorCode, text);
}

ApiError command_error(const Status& status, std::string_view command) {
  if (auto refusal = domain::refusal_of(status)) return refusal_error(*refusal, status.message());
  return unexpected(status, command);
}

ApiError storage_unavailable() {
  return ApiError(503, error_code::kStorageUnavailable,
                  "The event log cannot take writes (its disk is full or failing); nothing was "
                  "saved. Reads still work; try again later");
}

}  // namespace docket::http

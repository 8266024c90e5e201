// Reading a request body as a JSON object.
//
// The body must be sent with Content-Type application/json (an optional
// charset=utf-8 parameter is accepted); otherwise 415 UNSUPPORTED_MEDIA_TYPE. A body that
// is empty, not JSON, or not an object is 400 VALIDATION_ERROR whose details say why and,
// for syntax errors, near which byte.
//
// Parsing uses one JsonDocument per thread, reused across requests (no per-request
// allocation once warm). The parsed object points into that document: it is valid
// until the next parse_json_body() on the same thread — in a handler, until it
// returns. Thread-safe (each thread has its own document).
#pragma once

#include <optional>
#include <string_view>

#include "core/api_error.h"
#include "core/json_view.h"
#include "http/request.h"

namespace docket::http {

// True for "application/json" with optional parameters, where a charset, if present,
// is utf-8. Case-insensitive.
bool is_json_content_type(std::string_view content_type);

// On success stores the body's top-level object in `out` and returns nullopt.
std::optional<ApiError> parse_json_body(const Request& request, JsonView& out);

}  // namespace docket::http

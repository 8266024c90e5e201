// Reading a request body as a JSON object.
//
// The body must be sent with Content-Type application/json (an optional
// charset=utf-8 parameter is accepted); otherwise 415 UNSUPPORTED_MEDIA_TYPE. A body that
// is empty, not JSON, or not an object is 400 VALIDATION_ERROR whose details say why and,
// for syntax errors, near which byte.
//
// Parsing uses one simdjson DOM parser per thread, reused across requests (no
// per-request allocation once warm). The parsed object points into that parser: it is
// valid until the next parse_json_object() on the same thread — in a handler, until it
// returns. Thread-safe (each thread has its own parser).
#pragma once

#include <optional>
#include <string_view>

#include "http/api_error.h"
#include "http/request.h"

namespace simdjson::dom {
class object;
}

namespace docket::http {

// True for "application/json" with optional parameters, where a charset, if present,
// is utf-8. Case-insensitive.
bool is_json_content_type(std::string_view content_type);

// On success stores the body's top-level object in `out` and returns nullopt.
std::optional<ApiError> parse_json_object(const Request& request, simdjson::dom::object& out);

}  // namespace docket::http

// Request-target helpers: splitting path from query and percent-decoding.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace docket::http {

struct Target {
  std::string_view path;   // everything before '?', still percent-encoded
  std::string_view query;  // everything after '?', without it; empty when absent
};

// Splits an origin-form target ("/a/b?x=1"). A '#' fragment, which clients must not
// send, is dropped.
Target split_target(std::string_view target);

// Decodes %XX escapes into `out` (replacing its contents). With `plus_as_space`
// (query strings) '+' becomes ' '. Returns false when a '%' is not followed by two hex
// digits; `out` is then unspecified.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

}  // namespace docket::http

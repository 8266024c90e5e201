#include "http/cors.h"

#include <cassert>

#include "http/response.h"
#include "http/text.h"

namespace docket::http {

CorsPolicy::CorsPolicy(const std::vector<std::string>& allowed_origins) {
  for (const std::string& o : allowed_origins) {
    std::string_view origin = trim(o);
    if (origin == "*") {
      any_ = true;
      continue;
    }
    while (!origin.empty() && origin.back() == '/')
      origin.remove_suffix(1);
    if (!origin.empty()) origins_.push_back(to_lower_ascii(origin));
  }
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any_) return true;
  for (const std::string& o : origins_) {
    if (iequals(o, origin)) return true;
  }
  return false;
}

void CorsPolicy::apply(std::string_view origin, Response& response) const {
  if (!enabled()) return;
  // A file every site may read (the console's /widget.js) says so itself; a second
  // Access-Control-Allow-Origin would make browsers refuse both.
  if (response.find_header("Access-Control-Allow-Origin")) return;
  response.add_header("Vary", "Origin");
  if (!allows(origin)) return;
  response.add_header("Access-Control-Allow-Origin", any_ ? std::string_view("*") : origin);
  response.add_header("Access-Control-Expose-Headers", kExposeHeaders);
}

void CorsPolicy::apply_preflight(std::string_view origin, std::string_view allow_methods,
                                 Response& response) const {
  assert(allows(origin));
  response.add_header("Vary", "Origin");
  response.add_header("Access-Control-Allow-Origin", any_ ? std::string_view("*") : origin);
  response.add_header("Access-Control-Allow-Methods", allow_methods);
  response.add_header("Access-Control-Allow-Headers", kAllowHeaders);
  response.add_header("Access-Control-Max-Age", std::to_string(kMaxAgeSeconds));
}

}  // namespace docket::http

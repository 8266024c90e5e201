// CorsPolicy: which browser origins may call the API.
//
// Origins are matched exactly (ASCII case-insensitive, a trailing '/' in the
// configuration ignored) against a configured allow-list; "*" in the list allows any
// origin and is answered with `Access-Control-Allow-Origin: *`. Credentials
// (cookies) are never allowed: the API authenticates with bearer tokens. With an empty
// list no CORS header is ever sent and every preflight is refused. Immutable after
// construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace docket::http {

class Response;

class CorsPolicy {
 public:
  // Request headers a browser may send cross-origin, listed in preflight answers.
  static constexpr std::string_view kAllowHeaders =
      "Authorization, Content-Type, Accept, Accept-Language, X-Request-Id, "
      "X-Docket-Min-Event-Id, Idempotency-Key";
  // Response headers scripts may read.
  static constexpr std::string_view kExposeHeaders =
      "X-Request-Id, X-Docket-Event-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
      "RateLimit-Reset, RateLimit-Policy, Idempotent-Replayed";
  // How long a browser may cache a preflight answer, in seconds.
  static constexpr int kMaxAgeSeconds = 600;

  CorsPolicy() = default;
  explicit CorsPolicy(const std::vector<std::string>& allowed_origins);

  bool enabled() const { return any_ || !origins_.empty(); }
  bool allows(std::string_view origin) const;

  // Adds the headers for a normal (non-preflight) response to a request from `origin`
  // (empty when the request had no Origin): Vary: Origin whenever the policy is
  // enabled, Access-Control-Allow-Origin and -Expose-Headers when allowed. A response
  // that carries Access-Control-Allow-Origin already is left as it is.
  void apply(std::string_view origin, Response& response) const;

  // Adds the preflight answer headers for an allowed `origin`: Allow-Origin,
  // Allow-Methods (`allow_methods`), Allow-Headers, Max-Age, Vary.
  // REQUIRES: allows(origin).
  void apply_preflight(std::string_view origin, std::string_view allow_methods,
                       Response& response) const;

 private:
  bool any_ = false;
  std::vector<std::string> origins_;  // lower-case, no trailing '/'
};

}  // namespace docket::http

// RequestContext: everything a handler knows about the request it serves.
//
// Built by the service for one request on the IO thread serving it, passed to
// middleware and then to the handler (kept alive while a coroutine handler waits), and
// dropped when the response is ready. The views it hands out (request, params, ids) are
// valid only until then. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/api_error.h"
#include "core/auth/identity.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/router.h"
#include "projections/account_query.h"

namespace docket::http {

// Who is making the request. Authentication middleware fills it; the access log and
// event metadata read it.
struct Actor {
  std::string type = "anonymous";  // "anonymous", "customer", "guest", "admin", "system", …
  std::string id;                  // empty for anonymous
};

class RequestContext {
 public:
  // REQUIRES: every argument outlives the context.
  RequestContext(const Request& request, const Route& route, const PathParams& params,
                 std::string_view request_id, std::string_view client_ip)
      : request_(request),
        route_(route),
        params_(params),
        request_id_(request_id),
        client_ip_(client_ip) {}
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  const Request& request() const { return request_; }
  const Route& route() const { return route_; }
  const PathParams& params() const { return params_; }
  std::string_view request_id() const { return request_id_; }
  // The client address (see client_ip.h for X-Forwarded-For handling).
  std::string_view client_ip() const { return client_ip_; }

  // The decoded path parameter `name`; "" when the route has no such parameter.
  std::string_view param(std::string_view name) const {
    return params_.get(name).value_or(std::string_view());
  }
  // Parses path parameter `name` as an id in [1, 2^53 - 1] into `out`; otherwise
  // returns 400 VALIDATION_ERROR naming the parameter.
  std::optional<ApiError> param_id(std::string_view name, std::int64_t& out) const;

  Actor actor;
  // Who the auth guard established (auth_guard.h); anonymous on public routes.
  auth::Identity identity;
  // The signed-in account as the accounts read model had it when the guard ran
  // (customer and staff JWTs only).
  std::optional<projections::AccountRow> account;
  // Runs work on the thread serving this request: a coroutine handler continues there
  // after a co_await (http/reply.h). Set by the service; never runs work inline.
  Post post;
  // Headers a middleware adds to the response that ends this request, whichever it is
  // (the handler's, a later middleware's early answer, an error); the service appends
  // them in order. E.g. the RateLimit-* headers of rate_limit.h.
  std::vector<std::pair<std::string, std::string>> response_headers;
  // The request's Idempotency-Key scoped to the caller, and the request's fingerprint
  // (http/idempotency.h); empty without the header. Set by the service before the
  // handler runs.
  std::string idempotency_key;
  std::string idempotency_fingerprint;
  // Commands run so far under the key: the n-th command of a request keeps its outcome
  // under the key and n, so a retry meets each command's own outcome.
  mutable int idempotent_commands = 0;
  // This request owns the key in the service's cache (and settles it when it ends).
  bool idempotency_owner = false;

 private:
  const Request& request_;
  const Route& route_;
  const PathParams& params_;
  std::string_view request_id_;
  std::string_view client_ip_;
};

}  // namespace docket::http

// HttpService: the transport-independent request pipeline, Request → Response.
//
//   request id (X-Request-Id kept when well-formed, else generated)
//   → client address (X-Forwarded-For only from trusted proxies)
//   → routing: 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED + Allow, automatic OPTIONS and
//     CORS preflight, HEAD through GET routes
//   → middleware (in order; may fill ctx.actor, add ctx.response_headers or answer early)
//   → handler (ApiError returned or thrown → its status; any other exception → 500
//     INTERNAL_ERROR with a fixed message, details only in the server log)
//   → ctx.response_headers appended to whichever response ends the request
//   → error body rendered with the request id, CORS headers
//   → metrics and one access-log line.
//
// The server calls serve() for each parsed request and reject() for requests it
// refuses before routing (413, 431, malformed HTTP, 503 at capacity). A handler that
// waits for a domain command is a coroutine (http/reply.h): serve() then returns
// nothing and hands the response to `done` later, on the thread `post` runs work on,
// so no thread sleeps while a command is written. Tests call handle(), the blocking
// form, and reject() directly, without sockets.
//
// Threading: configure (constructor, use()) from one thread before serving; then
// serve(), handle() and reject() are thread-safe and called concurrently from every IO
// thread.
// The router, metrics registry and sink given at construction must outlive the service.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/api_error.h"
#include "core/config.h"
#include "core/status.h"
#include "http/access_log.h"
#include "http/client_ip.h"
#include "http/cors.h"
#include "http/idempotency.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/router.h"

namespace docket {
class MetricsRegistry;
class WorkerPool;
}  // namespace docket

namespace docket::http {

class HttpMetrics;
class ReadFence;

struct ServiceOptions {
  std::vector<std::string> cors_origins;     // see cors.h
  std::vector<std::string> trusted_proxies;  // see client_ip.h
  MetricsRegistry* metrics = nullptr;        // null: no metrics
  AccessLogSink access_log = log_access;     // empty: no access log
  // Threads running the handlers of RouteMeta::blocking routes (password hashing);
  // 0: they run on the serving thread.
  unsigned blocking_threads = 0;
  // Holds reads until the read models have what was acknowledged (http/read_fence.h);
  // null: requests never wait. Must outlive the service.
  ReadFence* fence = nullptr;
  // How long an answer to a request with an Idempotency-Key is kept for its retries
  // (http/idempotency.h).
  std::chrono::milliseconds idempotency_ttl = std::chrono::hours(24);

  // DOCKET_CORS_ORIGINS, DOCKET_TRUSTED_PROXIES, DOCKET_HTTP_BLOCKING_THREADS and
  // DOCKET_IDEMPOTENCY_TTL_HOURS; metrics and the sink keep defaults.
  static ServiceOptions from_config(const Config& config);
};

// Runs before the handler. Returning a Response (typically an ApiError such as 401)
// ends the request with it; nullopt continues. Headers it puts in ctx.response_headers
// are added to the final response, early or not.
using Middleware = std::function<std::optional<Response>(RequestContext&)>;

class HttpService {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // REQUIRES: `router` is fully registered and outlives the service.
  explicit HttpService(const Router& router, ServiceOptions options = {});
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // Appends a middleware. REQUIRES: before the first handle().
  void use(Middleware middleware);

  // OK, or why the service must not serve (the router's registration error).
  const Status& status() const { return router_.status(); }

  // Answers one request. `received_at` is when its head was read (for durationMs).
  // Returns the response when it is ready at once; otherwise returns nullopt and
  // `done` receives it later, run through `post` (which must never run work inline).
  // `request` must stay valid until then. Does not throw.
  std::optional<Response> serve(const Request& request, TimePoint received_at, Post post,
                                std::function<void(Response)> done) const;

  // serve() on the calling thread: continuations run here while it waits.
  Response handle(const Request& request, TimePoint received_at) const;

  // Answers a request the transport refused with `error`. `request` is null when the
  // head could not be parsed; otherwise it is used for the request id, CORS and the
  // route label. Does not throw.
  Response reject(const ApiError& error, const Request* request, TimePoint received_at) const;

 private:
  struct Exchange;
  // Routing and the answers that need no handler (404, 405, OPTIONS, bad parameters);
  // nullopt when a route was found and exchange.ctx is ready for it.
  std::optional<Response> route(Exchange& exchange) const;
  // The eventId `request` must wait for (0: none) in `wait_for`; or the answer to a
  // malformed X-Docket-Min-Event-Id.
  std::optional<Response> fence_target(const Request& request, std::uint64_t& wait_for) const;
  // Admission and the handler; the response when ready, else the exchange is released.
  std::optional<Response> proceed(std::unique_ptr<Exchange>& exchange) const;
  // proceed() for a request the fence held; answers through its `done`.
  void resume(std::unique_ptr<Exchange> exchange) const;
  // Middleware and the body check; an early answer, or nullopt to run the handler.
  std::optional<Response> admit(RequestContext& ctx) const;
  // The Idempotency-Key of a POST or PATCH: a kept answer, a refusal, or nullopt to
  // run the handler as the key's owner.
  std::optional<Response> claim_idempotency_key(RequestContext& ctx) const;
  // Calls the handler; an exception it throws becomes its answer.
  Reply invoke(RequestContext& ctx) const;
  // The answer of a finished coroutine handler.
  Response answer(Finished finished, RequestContext& ctx) const;
  // Starts a pending reply; returns the response when it finished at once, else
  // releases `exchange` to the continuation, which answers through its `done`.
  std::optional<Response> run(std::unique_ptr<Exchange>& exchange, Reply reply) const;
  // Runs a blocking route's handler on the blocking pool; owns `exchange`.
  void run_blocking(Exchange* exchange) const;
  void settle(Exchange& exchange, Response& response) const;
  void finish(Response& response, const Request* request, const RequestId& id,
              std::string_view client_ip, const Route* route, const Actor& actor, bool preflight,
              TimePoint received_at) const;

  const Router& router_;
  CorsPolicy cors_;
  TrustedProxies proxies_;
  AccessLogSink access_log_;
  std::unique_ptr<HttpMetrics> metrics_;
  ReadFence* fence_;
  std::unique_ptr<IdempotencyCache> idempotency_;
  std::vector<Middleware> middleware_;
  // Last, so it is joined first: its work uses the members above.
  std::unique_ptr<WorkerPool> blocking_;
};

}  // namespace docket::http

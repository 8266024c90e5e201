#include "http/service.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>

#include <fmt/format.h>

#include "core/error_codes.h"
#include "core/log.h"
#include "core/worker_pool.h"
#include "http/http_metrics.h"
#include "http/read_fence.h"
#include "http/text.h"
#include "http/validation.h"

namespace docket::http {
namespace {

const Actor& anonymous() {
  static const Actor kAnonymous;
  return kAnonymous;
}

}  // namespace

ServiceOptions ServiceOptions::from_config(const Config& config) {
  ServiceOptions o;
  o.cors_origins = config.cors_origins;
  o.trusted_proxies = config.trusted_proxies;
  o.blocking_threads = config.blocking_threads;
  o.idempotency_ttl = std::chrono::hours(config.idempotency_ttl_hours);
  return o;
}

HttpService::HttpService(const Router& router, ServiceOptions options)
    : router_(router),
      cors_(options.cors_origins),
      proxies_(options.trusted_proxies),
      access_log_(std::move(options.access_log)),
      fence_(options.fence),
      idempotency_(std::make_unique<IdempotencyCache>(options.idempotency_ttl)) {
  if (options.blocking_threads != 0) {
    blocking_ = std::make_unique<WorkerPool>(options.blocking_threads);
  }
  if (options.metrics != nullptr) {
    metrics_ = std::make_unique<HttpMetrics>(*options.metrics, router_);
  }
}

HttpService::~HttpService() = default;

void HttpService::use(Middleware middleware) {
  middleware_.push_back(std::move(middleware));
}

// One request on its way through the pipeline. Heap-allocated so that a coroutine
// handler's RequestContext outlives the serve() call that started it.
struct HttpService::Exchange {
  Exchange(const Request& request, TimePoint received_at, Post post,
           std::function<void(Response)> done)
      : request(request), received_at(received_at), post(std::move(post)), done(std::move(done)) {}

  const Request& request;
  const TimePoint received_at;
  const Post post;                     // the serving thread
  std::function<void(Response)> done;  // the pending answer's destination
  RequestId id;
  std::string_view client_ip;
  RouteMatch match;
  std::optional<RequestContext> ctx;  // once a route was found
  bool preflight = false;
  // A coroutine finishing before start() returned answers serve() directly.
  bool starting = false;
  std::optional<Response> finished_early;
};

std::optional<Response> HttpService::serve(const Request& request, TimePoint received_at, Post post,
                                           std::function<void(Response)> done) const {
  auto exchange =
      std::make_unique<Exchange>(request, received_at, std::move(post), std::move(done));
  Exchange& ex = *exchange;
  ex.id = choose_request_id(request.find_header("X-Request-Id"));
  ex.client_ip = resolve_client_ip(request.peer_ip, request.header("X-Forwarded-For"), proxies_);
  std::optional<Response> response;
  try {
    response = route(ex);
    if (!response) {
      ex.ctx->post = ex.post;
      std::uint64_t wait_for = 0;
      if (ex.ctx->route().meta.fenced) response = fence_target(request, wait_for);
      if (!response && wait_for != 0) {
        // Held until the read models have applied `wait_for`; the thread goes on.
        Exchange* held = exchange.release();
        fence_->when_applied(wait_for, [this, held] {
          held->post([this, held] { resume(std::unique_ptr<Exchange>(held)); });
        });
        return std::nullopt;
      }
      if (!response) {
        response = proceed(exchange);
        if (!response) return std::nullopt;  // the continuation owns the exchange
      }
    }
  } catch (...) {
    // Only allocation failure can get here; invoke() contains handler exceptions.
    response = ApiError::internal();
  }
  settle(ex, *response);
  return response;
}

std::optional<Response> HttpService::fence_target(const Request& request,
                                                  std::uint64_t& wait_for) const {
  if (fence_ == nullptr) return std::nullopt;
  const std::uint64_t head = fence_->head();
  std::uint64_t target = 0;
  if (request.method == Method::kGet || request.method == Method::kHead) target = head;
  if (auto named = request.find_header("X-Docket-Min-Event-Id")) {
    std::uint64_t id = 0;
    const std::string_view text = *named;
    const bool digits = !text.empty() && text.size() <= 19 &&
                        text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
      ValidationErrors errors;
      errors.add("X-Docket-Min-Event-Id", rule::kFormat, "must be an eventId (digits)");
      return errors.to_api_error();
    }
    for (char c : text)
      id = id * 10 + static_cast<std::uint64_t>(c - '0');
    // An eventId past the head is not acknowledged yet: wait for what is.
    target = std::max(target, std::min(id, head));
  }
  if (target != 0 && fence_->applied() < target) wait_for = target;
  return std::nullopt;
}

std::optional<Response> HttpService::proceed(std::unique_ptr<Exchange>& exchange) const {
  RequestContext& ctx = *exchange->ctx;
  if (std::optional<Response> early = admit(ctx)) return early;
  if (std::optional<Response> early = claim_idempotency_key(ctx)) return early;
  if (ctx.route().meta.blocking && blocking_) {
    run_blocking(exchange.release());
    return std::nullopt;
  }
  return run(exchange, invoke(ctx));
}

void HttpService::resume(std::unique_ptr<Exchange> exchange) const {
  Exchange* ex = exchange.get();
  std::optional<Response> response;
  try {
    response = proceed(exchange);
    if (!response) return;  // the continuation owns the exchange
  } catch (...) {
    response = ApiError::internal();
  }
  settle(*ex, *response);
  std::function<void(Response)> done = std::move(ex->done);
  exchange.reset();
  done(std::move(*response));
}

Response HttpService::handle(const Request& request, TimePoint received_at) const {
  // The calling thread is the serving thread: posted work queues here until it runs.
  struct Queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> work;
  };
  auto queue = std::make_shared<Queue>();
  Post post = [queue](std::function<void()> fn) {
    {
      std::lock_guard lock(queue->mu);
      queue->work.push_back(std::move(fn));
    }
    queue->cv.notify_one();
  };
  std::optional<Response> answered;
  std::optional<Response> ready =
      serve(request, received_at, post, [&answered](Response r) { answered = std::move(r); });
  if (ready) return std::move(*ready);
  while (!answered) {
    std::function<void()> next;
    {
      std::unique_lock lock(queue->mu);
      queue->cv.wait(lock, [&] { return !queue->work.empty(); });
      next = std::move(queue->work.front());
      queue->work.pop_front();
    }
    next();
  }
  return std::move(*answered);
}

Response HttpService::reject(const ApiError& error, const Request* request,
                             TimePoint received_at) const {
  RequestId id;
  std::string_view client_ip;
  const Route* route = nullptr;
  if (request != nullptr) {
    id = choose_request_id(request->find_header("X-Request-Id"));
    client_ip = resolve_client_ip(request->peer_ip, request->header("X-Forwarded-For"), proxies_);
    const RouteMatch match = router_.match(request->method, request->path);
    if (match.outcome == RouteMatch::Outcome::kFound) route = match.route;
  } else {
    id = generate_request_id();
  }
  Response response(error);
  finish(response, request, id, client_ip, route, anonymous(), false, received_at);
  return response;
}

std::optional<Response> HttpService::route(Exchange& ex) const {
  const Request& request = ex.request;
  if (request.path.empty() || request.path.front() != '/') {
    return ApiError::validation("The request target must be an absolute path");
  }
  RouteMatch& match = ex.match;
  router_.match(request.method, request.path, match);

  const std::string_view origin = request.header("Origin");
  if (request.method == Method::kOptions && match.outcome != RouteMatch::Outcome::kFound) {
    if (match.allowed == 0) return ApiError::not_found("Route not found");
    const std::string allow = allow_header_value(match.allowed);
    Response response;
    response.add_header("Allow", allow);
    if (!origin.empty() && request.find_header("Access-Control-Request-Method")) {
      if (!cors_.allows(origin)) {
        return ApiError::forbidden("Origin not allowed");
      }
      cors_.apply_preflight(origin, allow, response);
      ex.preflight = true;
    }
    return response;
  }

  switch (match.outcome) {
    case RouteMatch::Outcome::kNotFound:
      return ApiError::not_found("Route not found");
    case RouteMatch::Outcome::kMethodNotAllowed: {
      Response response = ApiError::method_not_allowed(
          fmt::format("{} is not allowed here", method_name(request.method)));
      response.add_header("Allow", allow_header_value(match.allowed));
      return response;
    }
    case RouteMatch::Outcome::kBadParam: {
      ValidationErrors errors;
      errors.add(match.bad_param, rule::kFormat,
                 fmt::format("{} is not a valid path segment", match.bad_param));
      return errors.to_api_error("Invalid path parameter");
    }
    case RouteMatch::Outcome::kFound:
      break;
  }
  ex.ctx.emplace(request, *match.route, match.params, ex.id.view(), ex.client_ip);
  return std::nullopt;
}

std::optional<Response> HttpService::admit(RequestContext& ctx) const {
  try {
    for (const Middleware& m : middleware_) {
      if (std::optional<Response> early = m(ctx)) return early;
    }
    // A route without a body contract takes no body: one sent is refused, not ignored.
    if (!ctx.route().meta.body && ctx.route().meta.raw_body_doc.empty() && !ctx.route().mount &&
        !trim(ctx.request().body).empty()) {
      ValidationErrors errors;
      errors.add("body", rule::kUnknown, "this route takes no request body");
      return errors.to_api_error();
    }
    return std::nullopt;
  } catch (...) {
    return answer(Finished{std::nullopt, std::current_exception()}, ctx);
  }
}

std::optional<Response> HttpService::claim_idempotency_key(RequestContext& ctx) const {
  const Request& request = ctx.request();
  if (request.method != Method::kPost && request.method != Method::kPatch) return std::nullopt;
  if (ctx.route().mount) return std::nullopt;
  const std::optional<std::string_view> header = request.find_header("Idempotency-Key");
  if (!header) return std::nullopt;
  const std::optional<std::string> key = parse_idempotency_key(*header);
  if (!key) {
    ValidationErrors errors;
    errors.add("Idempotency-Key", rule::kFormat,
               "must be 16 to 255 visible ASCII characters, such as a UUID");
    return errors.to_api_error();
  }
  std::string scoped = scoped_idempotency_key(ctx, *key);
  std::string fingerprint = request_fingerprint(ctx);
  IdempotencyCache::Begun begun = idempotency_->begin(scoped, fingerprint);
  switch (begun.start) {
    case IdempotencyCache::Start::kProceed:
      ctx.idempotency_key = std::move(scoped);
      ctx.idempotency_fingerprint = std::move(fingerprint);
      ctx.idempotency_owner = true;
      return std::nullopt;
    case IdempotencyCache::Start::kReplay:
      return std::move(begun.replay);
    case IdempotencyCache::Start::kInUse:
      return ApiError(409, error_code::kIdempotencyKeyInUse,
                      "A request with this Idempotency-Key is still being processed");
    case IdempotencyCache::Start::kMismatch:
      break;
  }
  return ApiError(422, error_code::kIdempotencyKeyMismatch,
                  "This Idempotency-Key was used for a different request");
}

Reply HttpService::invoke(RequestContext& ctx) const {
  try {
    return ctx.route().handler(ctx);
  } catch (...) {
    return answer(Finished{std::nullopt, std::current_exception()}, ctx);
  }
}

Response HttpService::answer(Finished finished, RequestContext& ctx) const {
  if (!finished.error) return std::move(*finished.response);
  try {
    std::rethrow_exception(finished.error);
  } catch (const ApiError& e) {
    return e;
  } catch (const std::exception& e) {
    log_error("http.handler_exception", [&](JsonWriter& w) {
      w.field("requestId", ctx.request_id());
      w.field("route", ctx.route().meta.name);
      w.field("error", e.what());
    });
  } catch (...) {
    log_error("http.handler_exception", [&](JsonWriter& w) {
      w.field("requestId", ctx.request_id());
      w.field("route", ctx.route().meta.name);
      w.field("error", "non-standard exception");
    });
  }
  return ApiError::internal();
}

void HttpService::run_blocking(Exchange* ex) const {
  // The whole handler runs on the blocking pool (and continues there after a co_await);
  // the answer goes back to the serving thread.
  const Post serving = ex->post;
  WorkerPool& pool = *blocking_;
  ex->ctx->post = [&pool](std::function<void()> work) { pool.post(std::move(work)); };
  pool.post([this, ex, serving] {
    auto deliver = [this, ex, serving](Response response) {
      settle(*ex, response);
      serving([ex, response = std::move(response)]() mutable {
        std::function<void(Response)> done = std::move(ex->done);
        delete ex;
        done(std::move(response));
      });
    };
    Reply reply = invoke(*ex->ctx);
    if (reply.ready()) return deliver(reply.take());
    reply.start(
        [this, ex, deliver](Finished finished) { deliver(answer(std::move(finished), *ex->ctx)); });
  });
}

std::optional<Response> HttpService::run(std::unique_ptr<Exchange>& exchange, Reply reply) const {
  Exchange& ex = *exchange;
  if (reply.ready()) return reply.take();

  ex.starting = true;
  reply.start([this, ex = &ex](Finished finished) {
    Response response = answer(std::move(finished), *ex->ctx);
    if (ex->starting) {  // still inside serve(): it answers
      ex->finished_early = std::move(response);
      return;
    }
    // Resumed through ctx.post: on the serving thread, after serve() returned.
    settle(*ex, response);
    std::function<void(Response)> done = std::move(ex->done);
    delete ex;
    done(std::move(response));
  });
  ex.starting = false;
  if (ex.finished_early) return std::move(*ex.finished_early);
  exchange.release();  // owned by the continuation, which deletes it
  return std::nullopt;
}

// The handler's response, completed: the middleware's headers, then finish().
void HttpService::settle(Exchange& ex, Response& response) const {
  const Route* route = nullptr;
  const Actor* actor = &anonymous();
  if (ex.ctx) {
    for (const auto& [name, value] : ex.ctx->response_headers)
      response.add_header(name, value);
    if (ex.ctx->idempotency_owner) {
      ex.ctx->idempotency_owner = false;
      idempotency_->finish(ex.ctx->idempotency_key, response);
    }
    route = &ex.ctx->route();
    actor = &ex.ctx->actor;
  }
  finish(response, &ex.request, ex.id, ex.client_ip, route, *actor, ex.preflight, ex.received_at);
}

void HttpService::finish(Response& response, const Request* request, const RequestId& id,
                         std::string_view client_ip, const Route* route, const Actor& actor,
                         bool preflight, TimePoint received_at) const {
  response.set_request_id(id);
  if (response.error() != nullptr) response.render_error(id.view());
  const Method method = request != nullptr ? request->method : Method::kOther;
  if (request != nullptr) {
    if (!preflight) cors_.apply(request->header("Origin"), response);
    if (method == Method::kHead) response.set_omit_body(true);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received_at).count();
  if (metrics_) metrics_->record(route, method, response.status(), seconds);
  if (access_log_) {
    AccessLogRecord record;
    record.request_id = id.view();
    record.method = request != nullptr ? method_name(method) : std::string_view("-");
    record.route = route != nullptr ? std::string_view(route->pattern) : "unmatched";
    record.status = response.status();
    record.duration_ms = seconds * 1000.0;
    record.actor_type = actor.type;
    record.actor_id = actor.id;
    record.client_ip = client_ip;
    record.response_bytes = response.omit_body() ? 0 : response.body().size();
    record.streamed = response.source() != nullptr && !response.omit_body();
    access_log_(record);
  }
}

}  // namespace docket::http

#include "http/service.h"

#include <exception>

#include <fmt/format.h>

#include "core/log.h"
#include "http/http_metrics.h"
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
  return o;
}

HttpService::HttpService(const Router& router, ServiceOptions options)
    : router_(router),
      cors_(options.cors_origins),
      proxies_(options.trusted_proxies),
      access_log_(std::move(options.access_log)) {
  if (options.metrics != nullptr) {
    metrics_ = std::make_unique<HttpMetrics>(*options.metrics, router_);
  }
}

HttpService::~HttpService() = default;

void HttpService::use(Middleware middleware) {
  middleware_.push_back(std::move(middleware));
}

Response HttpService::handle(const Request& request, TimePoint received_at) const {
  const RequestId id = choose_request_id(request.find_header("X-Request-Id"));
  const std::string_view client_ip =
      resolve_client_ip(request.peer_ip, request.header("X-Forwarded-For"), proxies_);
  const std::string_view origin = request.header("Origin");
  RouteMatch match;
  Actor actor;
  bool preflight = false;
  Response response;
  try {
    response = dispatch(request, id.view(), client_ip, origin, match, actor, preflight);
  } catch (...) {
    // Only allocation failure can get here; dispatch() contains handler exceptions.
    response = ApiError::internal();
  }
  const Route* route = match.outcome == RouteMatch::Outcome::kFound ? match.route : nullptr;
  finish(response, &request, id, client_ip, route, actor, preflight, received_at);
  return response;
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

Response HttpService::dispatch(const Request& request, std::string_view request_id,
                               std::string_view client_ip, std::string_view origin,
                               RouteMatch& match, Actor& actor, bool& preflight) const {
  if (request.path.empty() || request.path.front() != '/') {
    return ApiError::validation("The request target must be an absolute path");
  }
  router_.match(request.method, request.path, match);

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
      preflight = true;
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

  RequestContext ctx(request, *match.route, match.params, request_id, client_ip);
  Response response = run_handler(ctx);
  for (const auto& [name, value] : ctx.response_headers)
    response.add_header(name, value);
  actor = std::move(ctx.actor);
  return response;
}

Response HttpService::run_handler(RequestContext& ctx) const {
  try {
    for (const Middleware& m : middleware_) {
      if (std::optional<Response> early = m(ctx)) return std::move(*early);
    }
    // A route without a body contract takes no body: one sent is refused, not ignored.
    if (!ctx.route().meta.body && !trim(ctx.request().body).empty()) {
      ValidationErrors errors;
      errors.add("body", rule::kUnknown, "this route takes no request body");
      return errors.to_api_error();
    }
    return ctx.route().handler(ctx);
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
    access_log_(record);
  }
}

}  // namespace docket::http

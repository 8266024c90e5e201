// Router: maps (method, path) to a handler.
//
// Patterns are '/'-separated segments; a segment is literal text or a `{name}` parameter
// that matches exactly one non-empty segment: "/api/admin/support-requests/{id}/status".
// Matching is exact per segment (no trailing-slash or case folding); a literal segment
// beats a parameter at the same position. Parameter values are percent-decoded; a value
// with a bad escape, invalid UTF-8 or a control character is a bad request.
//
// HEAD is served by the GET route when no HEAD route exists. OPTIONS is answered by the
// service (Allow / CORS preflight) unless a route registers it. Mounts are tried first,
// then the routes, then the fallback for the GET and HEAD requests left over.
//
// Threading: add() during start-up from one thread; after that the router is immutable
// and match() may be called from any number of threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/permissions.h"
#include "core/status.h"
#include "http/method.h"
#include "http/reply.h"
#include "http/response.h"

namespace docket::http {

class ContractSchema;
class RequestContext;
class ShapeSchema;

// A handler runs on the IO thread serving the connection and must not block it: it
// returns a Response or an ApiError, or throws ApiError (any other exception becomes
// 500 INTERNAL_ERROR), or — when it waits for a domain command — it is a coroutine
// returning a pending Reply (http/reply.h) that finishes later without holding the
// thread. A handler that must block (password hashing) declares RouteMeta::blocking.
using Handler = std::function<Reply(RequestContext&)>;

// Who may call a route. The authentication middleware (http/auth_guard.h) enforces it
// before the handler runs; the OpenAPI document lists it as the operation's security.
enum class Access {
  kPublic,         // anyone; credentials are ignored
  kOptional,       // customer JWT, `Bearer si_…` guest token, or anonymous (seed 000 §8.2);
                   // a present but invalid credential is 401, never a downgrade
  kCustomer,       // a valid customer JWT
  kAuthenticated,  // a valid JWT of any active account (customer or staff)
  kStaff,          // a valid staff JWT holding RouteMeta::permission (when set)
};

// What logs, metrics, guards, rate limits and the OpenAPI document know about a route.
// A domain error a route may answer with besides the generic ones (OpenAPI lists it).
struct RouteError {
  int status = 400;
  std::string_view code;  // an error_code:: constant
};

struct RouteMeta {
  std::string name;     // stable identifier, e.g. "inquiries.create"; default "GET /pattern"
  std::string tag;      // OpenAPI tag, e.g. "Support Inquiries (Admin)"
  std::string summary;  // one line for the OpenAPI operation
  Access access = Access::kPublic;
  std::optional<auth::Permission> permission;  // kStaff: the permission required
  // kStaff: at least one of these is required (when not empty); the handler then checks
  // the one that applies to the record (a queue item's or an attachment's kind).
  auth::PermissionSet any_permission;
  // Rate-limit bucket group beside the global per-IP limit, e.g. "auth.login",
  // "public.create", "public.lookup"; empty: only the global limit.
  std::string rate_group;
  // The request body's contract (http/contract.h), which the OpenAPI document
  // describes and the route's handler parses with (http/endpoint.h). Null: the route
  // takes no body, and the service refuses a non-empty one — unless raw_body_doc is set.
  std::shared_ptr<const ContractSchema> body;
  // A route that reads its body itself, of any Content-Type (an upload): the OpenAPI
  // requestBody object that documents it, as JSON text.
  std::string raw_body_doc;
  // A success answer that is not the JSON envelope (a file): the OpenAPI `content`
  // object of that answer, as JSON text.
  std::string raw_response_content;
  // The route also answers `?format=csv` with text/csv (a report's download): the
  // success answer documents that media type beside the JSON envelope.
  bool csv_alternative = false;
  // The query string's contract; null: the route documents no query parameters.
  std::shared_ptr<const ContractSchema> query;
  // The success envelope's `data` (http/shape.h); null: unspecified.
  std::shared_ptr<const ShapeSchema> response;
  // A page of a list: `data` is an array and `pagination` follows it.
  bool paginated = false;
  // The success status: 200, 201 (a record was created) or 202 (work accepted and
  // finished later, a mail queued); 0: 201 for POST routes named *.create /
  // *.register, else 200.
  int success_status = 0;
  // Domain error codes of this route, e.g. {404, SUPPORT_INQUIRY_NOT_FOUND}.
  std::vector<RouteError> errors;
  // The handler blocks its thread for a long time (an Argon2id hash or check): the
  // service runs it on the blocking pool instead of the IO thread.
  bool blocking = false;
  // Reads wait for every acknowledged write (http/read_fence.h) and the route takes
  // X-Docket-Min-Event-Id. False for probes, metrics and the API document, which must
  // answer however far the read models lag.
  bool fenced = true;
  // A retry with an Idempotency-Key whose first answer is gone (a restart) runs the
  // handler again with the first command's outcome (http/idempotency.h). False for a
  // route whose answer holds a secret made before its command (a new guest token): such
  // a retry gets 409 IDEMPOTENCY_RESPONSE_LOST instead.
  bool rerun_on_replay = true;
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;                   // as registered; the log and metrics label
  std::vector<std::string> param_names;  // in path order
  Handler handler;
  RouteMeta meta;
  std::size_t index = 0;  // position in Router::routes()
  // A mount (Router::mount): `pattern` is a path prefix served whole by `handler`; or
  // the fallback (Router::fallback): `pattern` is its label. Either is not a REST
  // operation (the OpenAPI document leaves it out, the service passes its body through
  // as it came).
  bool mount = false;
};

inline constexpr std::size_t kMaxPathParams = 8;
inline constexpr std::size_t kMaxPathSegments = 32;

// Decoded path parameters of one match, stored inline for up to kMaxPathParams.
class PathParams {
 public:
  // The decoded value of parameter `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::size_t size() const { return size_; }
  std::string_view name(std::size_t i) const { return names_[i]; }
  std::string_view value(std::size_t i) const { return values_[i]; }

 private:
  friend class Router;
  std::array<std::string_view, kMaxPathParams> names_{};  // point into Route::param_names
  std::array<std::string, kMaxPathParams> values_;
  std::size_t size_ = 0;
};

struct RouteMatch {
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed, kBadParam };
  Outcome outcome = Outcome::kNotFound;
  const Route* route = nullptr;  // set for kFound
  PathParams params;             // set for kFound
  // Methods registered for the path (kFound, kMethodNotAllowed, kBadParam): bits of
  // method_bit(); HEAD is included whenever GET is.
  std::uint16_t allowed = 0;
  std::string bad_param;  // kBadParam: the parameter's name
};

// "GET, HEAD, POST, OPTIONS" for a method set; OPTIONS is always listed.
std::string allow_header_value(std::uint16_t methods);

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers a route. An invalid pattern, a parameter name used twice, more than
  // kMaxPathParams parameters, Method::kOther or a duplicate (method, path shape) leaves
  // the table unchanged and records an InvalidArgument in status(): a service refuses to
  // start on such a router.
  void add(Method method, std::string_view pattern, Handler handler, RouteMeta meta = {});
  void get(std::string_view p, Handler h, RouteMeta m = {}) {
    add(Method::kGet, p, std::move(h), std::move(m));
  }
  void post(std::string_view p, Handler h, RouteMeta m = {}) {
    add(Method::kPost, p, std::move(h), std::move(m));
  }
  void put(std::string_view p, Handler h, RouteMeta m = {}) {
    add(Method::kPut, p, std::move(h), std::move(m));
  }
  void patch(std::string_view p, Handler h, RouteMeta m = {}) {
    add(Method::kPatch, p, std::move(h), std::move(m));
  }
  void del(std::string_view p, Handler h, RouteMeta m = {}) {
    add(Method::kDelete, p, std::move(h), std::move(m));
  }

  // Hands every request whose path is `prefix` or starts with it (a prefix ending in
  // '/' also matches without that '/') to `handler`, whatever the method and whatever
  // follows — a protocol endpoint such as Engine.IO's "/socket.io/", which answers
  // methods it does not take itself. OPTIONS is left to the service (the CORS
  // preflight, for GET and POST). Mounts are tried before the routes. Registration
  // errors are recorded as add() does.
  void mount(std::string_view prefix, Handler handler, RouteMeta meta = {});

  // Hands a GET or HEAD request that no route and no mount takes to `handler` when
  // `claims(path)` (the path as sent, percent-encoded) says it is the handler's — the
  // console's files (http/static_site.h). Any other request, and a path it does not
  // claim, keeps the router's own answer (404, 405), so a site never hides a route or
  // turns an unknown API path into a page. `label` stands for the path in logs and
  // metrics. One fallback per router; registration errors are recorded as add() does.
  void fallback(std::string_view label, std::function<bool(std::string_view path)> claims,
                Handler handler, RouteMeta meta = {});

  // OK, or the first registration error.
  const Status& status() const { return status_; }

  // Matches `path` (percent-encoded, without query). Thread-safe after registration.
  void match(Method method, std::string_view path, RouteMatch& out) const;
  RouteMatch match(Method method, std::string_view path) const {
    RouteMatch m;
    match(method, path, m);
    return m;
  }

  // Every route in registration order; addresses are stable. For OpenAPI generation
  // and metrics.
  const std::deque<Route>& routes() const { return routes_; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::deque<Route> routes_;
  std::vector<std::size_t> mounts_;      // indexes into routes_
  std::optional<std::size_t> fallback_;  // index into routes_
  std::function<bool(std::string_view)> fallback_claims_;
  Status status_;
};

}  // namespace docket::http

#include "http/openapi.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/auth/permissions.h"
#include "core/error_codes.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "http/contract.h"
#include "http/method.h"
#include "http/response.h"
#include "http/router.h"
#include "http/shape.h"

namespace docket::http {
namespace {

constexpr std::string_view kOperationsTag = "Operations";
// The Prometheus route: its success answer is text, not the JSON envelope.
constexpr std::string_view kMetricsRouteName = "ops.metrics";

struct TagDescription {
  std::string_view name;
  std::string_view description;
};

// The API's tags in document order; tags used by routes beyond these follow in
// first-use order, without a description.
constexpr TagDescription kTags[] = {
    {"Support Inquiries",
     "Chat-style inquiries from guests and customers: create, read, reply, identify and "
     "verify the contact email. Guests use their `si_…` access token."},
    {"Support Inquiries (Admin)",
     "Staff handling of support inquiries: list, detail, reply, assign, status and linking "
     "to support requests."},
    {"Support Requests", "Customer tickets tied to a verified customer (customer JWT)."},
    {"Support Requests (Admin)",
     "Staff handling of support requests: list, detail, reply, assign and status."},
    {"Public",
     "The status of an inquiry or support request by its reference, with its subject when "
     "the e-mail it was filed under is given too; no account needed."},
    {"Feedback", "One-way product feedback submitted by customers."},
    {"Feedback (Admin)", "Staff review of feedback submissions."},
    {"Auth", "Sign-in and tokens for customers and staff."},
    {"Staff (Admin)",
     "Staff accounts: create, list, read, change permissions, deactivate and reactivate "
     "(Staff_MANAGE)."},
    {"Agents",
     "A staff member's own agent profile and availability (available, busy, away, offline)."},
    {"Agents (Admin)",
     "Every agent's status, capacity, skills, shift, open load and metrics, and changing them "
     "(Agents_MANAGE)."},
    {"Queue (Admin)",
     "The work queue: open, unassigned items in queue order, its depth, and taking an item."},
    {"SLA (Admin)",
     "Business-hours calendars and SLA policies per priority (Operations_MANAGE); the "
     "deadlines they set appear as `sla` on staff responses of requests and inquiries."},
    {"Journeys (Admin)",
     "Intake journeys: question graphs with versions, validated before they are published "
     "(Operations_MANAGE; docs/journeys.md)."},
    {"Journeys",
     "The active intake journeys for customers and guests: the graph, evaluating answers, and "
     "submitting them to create a support request or inquiry."},
    {"Attachments",
     "Files on conversations: uploads recognised by their bytes and stripped of metadata, "
     "downloads for those who may read the conversation (docs/attachments.md)."},
    {"Support Tickets (seed 001)",
     "Seed 001's ticket form and statistics as its clients call them: a customer's form files "
     "a support request, anyone else's a form ticket (a guest inquiry with a SUP number)."},
    {"Analytics (Admin)",
     "Reports by local day in any time zone, as JSON or CSV: volume, response and resolution "
     "times, SLA compliance, CSAT, agents and the queue, and every item streamed as CSV or "
     "JSON Lines (Analytics_READ; docs/analytics.md)."},
    {"Export (Admin)",
     "Every conversation with its messages, streamed as JSON Lines or CSV for archiving and "
     "migration (Data_EXPORT; docs/analytics.md)."},
    {"Operations",
     "Liveness, readiness, health, Prometheus metrics, this document, the audit event "
     "log and projection status and rebuilds."},
};

// One error response of the contract: components/responses/<name>.
struct ErrorResponse {
  std::string_view status;
  std::string_view name;
  std::string_view description;
};

constexpr ErrorResponse kValidationError{
    "400", "ValidationError",
    "VALIDATION_ERROR: the body or a parameter is invalid; `details` lists every failure"};
constexpr ErrorResponse kUnauthorized{"401", "Unauthorized",
                                      "UNAUTHORIZED: credentials missing, invalid or expired"};
constexpr ErrorResponse kForbidden{"403", "Forbidden",
                                   "FORBIDDEN: the caller may not perform this operation"};
constexpr ErrorResponse kNotFound{"404", "NotFound",
                                  "NOT_FOUND or a domain code such as SUPPORT_INQUIRY_NOT_FOUND"};
constexpr ErrorResponse kPayloadTooLarge{"413", "PayloadTooLarge",
                                         "PAYLOAD_TOO_LARGE: the body exceeds the server's limit"};
constexpr ErrorResponse kUnsupportedMediaType{
    "415", "UnsupportedMediaType", "UNSUPPORTED_MEDIA_TYPE: the body is not application/json"};
constexpr ErrorResponse kRateLimited{"429", "RateLimitExceeded",
                                     "RATE_LIMIT_EXCEEDED: too many requests from this client"};
constexpr ErrorResponse kInternalError{"500", "InternalError",
                                       "INTERNAL_ERROR: an unexpected failure (fixed message)"};
constexpr ErrorResponse kServiceUnavailable{
    "503", "ServiceUnavailable",
    "SERVICE_UNAVAILABLE: the server is at its connection limit or not ready"};

constexpr const ErrorResponse* kErrorResponses[] = {
    &kValidationError, &kUnauthorized,    &kForbidden,
    &kNotFound,        &kPayloadTooLarge, &kUnsupportedMediaType,
    &kRateLimited,     &kInternalError,   &kServiceUnavailable,
};

// A route that takes Idempotency-Key (http/idempotency.h).
bool takes_idempotency_key(const Route& route) {
  return !route.mount && (route.method == Method::kPost || route.method == Method::kPatch);
}

bool is_id_param(std::string_view name) {
  return name == "id" || name.ends_with("Id") || name == "version";
}

// The status of the route's success answer (RouteMeta::success_status).
int success_status(const Route& route) {
  if (route.meta.success_status != 0) return route.meta.success_status;
  const bool created = route.method == Method::kPost && (route.meta.name.ends_with(".create") ||
                                                         route.meta.name.ends_with(".register"));
  return created ? 201 : 200;
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// `name` with every run of characters outside [A-Za-z0-9._-] replaced by one '_' and
// leading/trailing runs dropped: "GET /items/{id}" -> "GET_items_id".
std::string sanitized_operation_id(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char c : name) {
    if (!id_char(c)) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out.push_back('_');
    gap = false;
    out.push_back(c);
  }
  return out.empty() ? std::string("operation") : out;
}

std::string lower_method(Method method) {
  std::string out(method_name(method));
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void write_ref(JsonWriter& w, std::string_view kind, std::string_view name) {
  std::string ref = "#/components/";
  ref.append(kind).append("/").append(name);
  w.begin_object().field("$ref", ref).end_object();
}

void write_security(JsonWriter& w, Access access) {
  const auto requirement = [&w](std::string_view scheme) {
    w.begin_object().key(scheme).begin_array().end_array().end_object();
  };
  w.key("security").begin_array();
  switch (access) {
    case Access::kPublic:
      break;
    case Access::kOptional:
      w.begin_object().end_object();  // anonymous
      requirement("bearerAuth");
      requirement("guestToken");
      break;
    case Access::kCustomer:
    case Access::kAuthenticated:
    case Access::kStaff:
      requirement("bearerAuth");
      break;
  }
  w.end_array();
}

void write_parameters(JsonWriter& w, const Route& route) {
  if (route.param_names.empty() && !route.meta.query && !route.meta.fenced &&
      !takes_idempotency_key(route)) {
    return;
  }
  w.key("parameters").begin_array();
  for (const std::string& name : route.param_names) {
    w.begin_object().field("name", name).field("in", "path").field("required", true);
    w.key("schema").begin_object();
    if (is_id_param(name)) {
      w.field("type", "integer").field("minimum", 1).field("maximum", kMaxId);
      w.field("description", "Decimal digits without leading zeros");
    } else {
      w.field("type", "string");
    }
    w.end_object().end_object();
  }
  if (route.meta.query) write_query_parameters(w, *route.meta.query);
  if (route.meta.fenced) write_ref(w, "parameters", "MinEventId");
  if (takes_idempotency_key(route)) write_ref(w, "parameters", "IdempotencyKey");
  w.end_array();
}

void write_request_body(JsonWriter& w, const ContractSchema& body) {
  w.key("requestBody").begin_object().field("required", !body.body_optional());
  w.key("content").begin_object().key("application/json").begin_object().key("schema");
  write_body_schema(w, body);
  w.end_object().end_object().end_object();
}

// {success: true, data: <data schema>} (+ pagination for lists).
void write_envelope(JsonWriter& w, const RouteMeta& meta) {
  const bool list = meta.paginated;
  w.begin_object().field("type", "object").key("required").begin_array();
  w.value("success").value("data");
  if (list) w.value("pagination");
  w.end_array().key("properties").begin_object();
  w.key("success").begin_object().field("const", true).end_object();
  w.key("data");
  if (meta.response) {
    meta.response->write_schema(w);
  } else {
    w.begin_object().end_object();
  }
  if (list) {
    w.key("pagination");
    write_ref(w, "schemas", "Pagination");
  }
  w.end_object().end_object();
}

void write_success(JsonWriter& w, const Route& route) {
  const int status = success_status(route);
  w.key(std::to_string(status)).begin_object();
  w.field("description", status == 202 ? "Accepted" : status == 201 ? "Created" : "OK");
  if (route.meta.fenced || takes_idempotency_key(route)) {
    w.key("headers").begin_object();
    if (route.meta.fenced) {
      w.key("X-Docket-Event-Id");
      write_ref(w, "headers", "EventId");
    }
    if (takes_idempotency_key(route)) {
      w.key("Idempotent-Replayed");
      write_ref(w, "headers", "IdempotentReplayed");
    }
    w.end_object();
  }
  if (!route.meta.raw_response_content.empty()) {
    w.key("content").raw(route.meta.raw_response_content);
    w.end_object();
    return;
  }
  w.key("content").begin_object();
  if (route.meta.name == kMetricsRouteName) {
    w.key("text/plain").begin_object().key("schema").begin_object();
    w.field("type", "string").field("description", "Prometheus text exposition format 0.0.4");
    w.end_object().end_object();
  } else if (route.meta.name == kOpenApiRouteName) {
    w.key("application/json").begin_object().key("schema").begin_object();
    w.field("type", "object").field("description", "This OpenAPI document, not enveloped");
    w.end_object().end_object();
  } else {
    w.key("application/json").begin_object().key("schema");
    write_envelope(w, route.meta);
    w.end_object();
    if (route.meta.csv_alternative) {
      w.key("text/csv").begin_object().key("schema").begin_object();
      w.field("type", "string")
          .field("description",
                 "format=csv: RFC 4180, UTF-8, a header row; formula-like text cells are "
                 "prefixed with an apostrophe");
      w.end_object().end_object();
    }
  }
  w.end_object().end_object();
}

void write_responses(JsonWriter& w, const Route& route) {
  const bool body = route.meta.body != nullptr || !route.meta.raw_body_doc.empty();
  const bool guarded = route.meta.access != Access::kPublic;
  const auto error = [&w](const ErrorResponse& e) {
    w.key(e.status);
    write_ref(w, "responses", e.name);
  };
  // The generic answers this route can give, then its domain codes merged in by status:
  // a status with domain codes gets its own description naming every code.
  std::vector<const ErrorResponse*> generic;
  if (body || route.meta.query || !route.param_names.empty() || route.meta.fenced) {
    generic.push_back(&kValidationError);
  }
  if (guarded) {
    generic.push_back(&kUnauthorized);
    generic.push_back(&kForbidden);
  }
  generic.push_back(&kNotFound);
  if (body) {
    generic.push_back(&kPayloadTooLarge);
    generic.push_back(&kUnsupportedMediaType);
  }
  generic.push_back(&kRateLimited);
  generic.push_back(&kInternalError);
  generic.push_back(&kServiceUnavailable);
  std::map<std::string, std::pair<const ErrorResponse*, std::vector<std::string_view>>> by_status;
  for (const ErrorResponse* e : generic)
    by_status[std::string(e->status)].first = e;
  std::vector<RouteError> errors = route.meta.errors;
  if (!route.mount && route.method != Method::kGet && route.method != Method::kHead &&
      route.method != Method::kOptions) {
    errors.push_back({503, error_code::kStorageUnavailable});
  }
  if (takes_idempotency_key(route)) {
    errors.push_back({409, error_code::kIdempotencyKeyInUse});
    if (!route.meta.rerun_on_replay) errors.push_back({409, error_code::kIdempotencyResponseLost});
    errors.push_back({422, error_code::kIdempotencyKeyMismatch});
  }
  for (const RouteError& e : errors)
    by_status[std::to_string(e.status)].second.push_back(e.code);
  w.key("responses").begin_object();
  write_success(w, route);
  for (const auto& [status, entry] : by_status) {
    const auto& [common, codes] = entry;
    if (codes.empty()) {
      error(*common);
      continue;
    }
    std::string description;
    for (std::string_view code : codes)
      description += (description.empty() ? "" : ", ") + std::string(code);
    if (common != nullptr) description += "; or " + std::string(common->description);
    w.key(status).begin_object().field("description", description);
    w.key("content").begin_object().key("application/json").begin_object().key("schema");
    write_ref(w, "schemas", "Error");
    w.end_object().end_object();
    w.key("x-error-codes").begin_array();
    for (std::string_view code : codes)
      w.value(code);
    w.end_array().end_object();
  }
  w.end_object();
}

void write_operation(JsonWriter& w, const Route& route, const std::string& operation_id) {
  const RouteMeta& meta = route.meta;
  w.key(lower_method(route.method)).begin_object();
  w.field("operationId", operation_id);
  if (!meta.tag.empty()) w.key("tags").begin_array().value(meta.tag).end_array();
  if (!meta.summary.empty()) w.field("summary", meta.summary);
  write_parameters(w, route);
  write_security(w, meta.access);
  if (meta.access == Access::kStaff && meta.permission) {
    w.field("x-permission", auth::permission_name(*meta.permission));
  }
  if (meta.access == Access::kStaff && !meta.any_permission.empty()) {
    w.key("x-permission-any").raw(meta.any_permission.to_json());
  }
  if (!meta.rate_group.empty()) w.field("x-rate-limit-group", meta.rate_group);
  if (meta.body) write_request_body(w, *meta.body);
  if (!meta.raw_body_doc.empty()) w.key("requestBody").raw(meta.raw_body_doc);
  write_responses(w, route);
  w.end_object();
}

void write_tags(JsonWriter& w, const Router& router) {
  std::unordered_set<std::string_view> listed;
  w.key("tags").begin_array();
  for (const TagDescription& tag : kTags) {
    listed.insert(tag.name);
    w.begin_object().field("name", tag.name).field("description", tag.description).end_object();
  }
  for (const Route& route : router.routes()) {
    if (route.mount || route.meta.tag.empty() || !listed.insert(route.meta.tag).second) continue;
    w.begin_object().field("name", route.meta.tag).end_object();
  }
  w.end_array();
}

void write_paths(JsonWriter& w, const Router& router) {
  // Operations grouped by pattern, patterns in first-registration order.
  std::vector<std::vector<const Route*>> groups;
  std::unordered_map<std::string_view, std::size_t> group_of;
  for (const Route& route : router.routes()) {
    if (route.mount) continue;  // a protocol endpoint, not an operation (docs/realtime.md)
    auto [it, inserted] = group_of.try_emplace(route.pattern, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(&route);
  }
  std::unordered_set<std::string> operation_ids;
  w.key("paths").begin_object();
  for (const auto& group : groups) {
    w.key(group.front()->pattern).begin_object();
    for (const Route* route : group) {
      const std::string base = sanitized_operation_id(route->meta.name);
      std::string id = base;
      for (int n = 2; !operation_ids.insert(id).second; ++n)
        id = base + "_" + std::to_string(n);
      write_operation(w, *route, id);
    }
    w.end_object();
  }
  w.end_object();
}

void write_components(JsonWriter& w) {
  w.key("components").begin_object();
  w.key("schemas").begin_object();
  w.field_raw("Error", R"({"type":"object",)"
                       R"("required":["success","errorCode","message","details","requestId"],)"
                       R"("properties":{"success":{"const":false},)"
                       R"("errorCode":{"type":"string","description":)"
                       R"("Stable code clients switch on: VALIDATION_ERROR, UNAUTHORIZED, )"
                       R"(FORBIDDEN, NOT_FOUND, …, or a domain code"},)"
                       R"("message":{"type":"string"},)"
                       R"("details":{"description":"VALIDATION_ERROR: every failing field )"
                       R"((ValidationDetail items); FORBIDDEN: what was missing, e.g. )"
                       R"({\"permission\":\"Staff_MANAGE\"}; otherwise null",)"
                       R"("oneOf":[{"type":"array",)"
                       R"("items":{"$ref":"#/components/schemas/ValidationDetail"}},)"
                       R"({"type":"object"},{"type":"null"}]},)"
                       R"("requestId":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,64}$"}}})");
  w.field_raw("ValidationDetail", R"({"type":"object","required":["field","rule","message"],)"
                                  R"("properties":{"field":{"type":"string"},)"
                                  R"("rule":{"type":"string"},"message":{"type":"string"}}})");
  w.field_raw("Pagination", R"({"type":"object","required":["page","pageSize","total","pages"],)"
                            R"("properties":{"page":{"type":"integer","minimum":1},)"
                            R"("pageSize":{"type":"integer","minimum":1,"maximum":100},)"
                            R"("total":{"type":"integer","minimum":0},)"
                            R"("pages":{"type":"integer","minimum":0}}})");
  w.end_object();

  w.key("responses").begin_object();
  for (const ErrorResponse* e : kErrorResponses) {
    w.key(e->name).begin_object().field("description", e->description);
    w.key("content").begin_object().key("application/json").begin_object().key("schema");
    write_ref(w, "schemas", "Error");
    w.end_object().end_object().end_object();
  }
  w.end_object();

  w.key("parameters").begin_object();
  w.key("MinEventId").begin_object();
  w.field("name", "X-Docket-Min-Event-Id").field("in", "header").field("required", false);
  w.field("description",
          "An eventId (from X-Docket-Event-Id) whose write this request must see: it waits "
          "until the read models hold it (an id past the log's head waits for the head). "
          "GET and HEAD always wait for every write acknowledged before they arrived.");
  w.key("schema").begin_object().field("type", "string").field("pattern", "^[0-9]{1,19}$");
  w.end_object().end_object();
  w.key("IdempotencyKey").begin_object();
  w.field("name", "Idempotency-Key").field("in", "header").field("required", false);
  w.field("description",
          "A key the client makes for this request (a UUID), sent again with every retry of "
          "it: a retry gets the first success again (Idempotent-Replayed: true) and does not "
          "append twice, also after a restart. Scoped to the caller; kept "
          "DOCKET_IDEMPOTENCY_TTL_HOURS. The same key with another method, path or body is "
          "422 IDEMPOTENCY_KEY_MISMATCH; a retry while the first is running is 409 "
          "IDEMPOTENCY_KEY_IN_USE. Bare or as a Structured Field string (\"…\").");
  w.key("schema").begin_object().field("type", "string").field("minLength", 16);
  w.field("maxLength", 257).end_object();
  w.end_object().end_object();

  w.key("headers").begin_object();
  w.key("EventId").begin_object();
  w.field("description",
          "The last eventId this request appended (only when it committed a write); pass it "
          "as X-Docket-Min-Event-Id to read the write on another connection, or as "
          "sinceEventId to sync");
  w.key("schema").begin_object().field("type", "string").field("pattern", "^[1-9][0-9]{0,18}$");
  w.end_object().end_object();
  w.key("IdempotentReplayed").begin_object();
  w.field("description",
          "`true` when this answer is the kept answer of an earlier request with the same "
          "Idempotency-Key (nothing was done again)");
  w.key("schema").begin_object().field("type", "string");
  w.key("enum").begin_array().value("true").end_array();
  w.end_object().end_object().end_object();

  w.key("securitySchemes").begin_object();
  w.key("bearerAuth").begin_object().field("type", "http").field("scheme", "bearer");
  w.field("bearerFormat", "JWT").field("description", "Customer or staff access token (JWT)");
  w.end_object();
  w.key("guestToken").begin_object().field("type", "http").field("scheme", "bearer");
  w.field("description",
          "`si_…` guest access token of one support inquiry, returned when a guest creates it");
  w.end_object();
  w.end_object();

  w.end_object();
}

}  // namespace

std::string openapi_document(const Router& router, const OpenApiInfo& info) {
  JsonWriter w;
  w.begin_object().field("openapi", "3.1.0");
  w.key("info").begin_object().field("title", info.title).field("version", info.version);
  if (!info.description.empty()) w.field("description", info.description);
  w.key("license").begin_object().field("name", info.license_name);
  if (!info.license_url.empty()) w.field("url", info.license_url);
  w.end_object().end_object();
  w.key("servers").begin_array().begin_object().field("url", "/").end_object().end_array();
  write_tags(w, router);
  write_paths(w, router);
  write_components(w);
  w.end_object();
  return w.take();
}

void add_openapi_route(Router& router, OpenApiInfo info) {
  struct Cache {
    std::once_flag once;
    std::string document;
  };
  auto cache = std::make_shared<Cache>();
  const Router* source = &router;
  RouteMeta meta;
  meta.name = std::string(kOpenApiRouteName);
  meta.tag = std::string(kOperationsTag);
  meta.summary = "OpenAPI 3.1 document of this API";
  meta.access = Access::kPublic;
  meta.fenced = false;
  router.get(
      kOpenApiPath,
      [cache, source, info = std::move(info)](RequestContext&) {
        std::call_once(cache->once, [&] { cache->document = openapi_document(*source, info); });
        return Response::raw(200, std::string(kJsonContentType), cache->document);
      },
      std::move(meta));
}

}  // namespace docket::http

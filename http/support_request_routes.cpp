#include "http/support_request_routes.h"

#include <simdjson.h>

#include "domain/support_request.h"
#include "events/event_store.h"
#include "http/api_context.h"
#include "http/json_body.h"
#include "http/query.h"
#include "http/router.h"
#include "http/validation.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"
#include "projections/stats_query.h"
#include "projections/support_request_query.h"

namespace docket::http {
namespace {

constexpr std::string_view kCustomerTag = "Support Requests";
constexpr std::string_view kAdminTag = "Support Requests (Admin)";
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kMaxMetadataBytes = 4096;

constexpr std::string_view kRequestSchema = R"({"type":"object","required":["id","ticketNumber",
"customerId","subject","category","priority","status","assignedAdminId","resolutionNote",
"createdAt","updatedAt"],"properties":{"id":{"type":"integer"},"ticketNumber":{"type":"string",
"pattern":"^SUP-[0-9]{4}-[0-9]{6,}$"},"customerId":{"type":"integer"},"subject":{"type":"string"},
"category":{"type":"string"},"priority":{"enum":["low","medium","high","urgent"]},
"status":{"enum":["open","in_progress","resolved","closed"]},
"assignedAdminId":{"type":["integer","null"]},"resolutionNote":{"type":["string","null"]},
"metadata":{"type":["object","null"]},"messageCount":{"type":"integer"},
"firstResponseAt":{"type":["string","null"]},"resolvedAt":{"type":["string","null"]},
"createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"},
"messages":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer"},
"senderType":{"enum":["customer","admin","system"]},"senderId":{"type":["integer","null"]},
"message":{"type":"string"},"createdAt":{"type":"string"},"eventId":{"type":"integer"}}}}}})";

constexpr std::string_view kCreateSchema = R"({"type":"object","additionalProperties":false,
"required":["subject","category","message"],"properties":{
"subject":{"type":"string","minLength":1,"maxLength":200},"category":{"type":"string"},
"message":{"type":"string","minLength":1,"maxLength":5000},"metadata":{"type":["object","null"]}}})";
constexpr std::string_view kReplySchema = R"({"type":"object","additionalProperties":false,
"required":["message"],"properties":{"message":{"type":"string","minLength":1,"maxLength":5000}}})";
constexpr std::string_view kStatusSchema = R"({"type":"object","additionalProperties":false,
"required":["status"],"properties":{"status":{"enum":["open","in_progress","resolved","closed"]},
"resolutionNote":{"type":["string","null"],"maxLength":2000,
"description":"Only with resolved or closed"}}})";
constexpr std::string_view kAssignSchema = R"({"type":"object","additionalProperties":false,
"required":["assignedAdminId"],"properties":{"assignedAdminId":{"type":["integer","null"]}}})";
constexpr std::string_view kPrioritySchema = R"({"type":"object","additionalProperties":false,
"required":["priority"],"properties":{"priority":{"enum":["low","medium","high","urgent"]}}})";

ApiError not_found() {
  return ApiError(404, error_code::kSupportRequestNotFound, "Support request not found");
}

// Writes the request object and leaves it open, so callers can add fields; they close it.
void write_request(JsonWriter& w, const projections::SupportRequestRow& r, bool with_messages) {
  w.begin_object().field("id", r.id).field("ticketNumber", r.ticketNumber);
  w.field("customerId", r.customerId).field("subject", r.subject).field("category", r.category);
  w.field("priority", r.priority).field("status", r.status);
  w.field("assignedAdminId", r.assignedAdminId).field("resolutionNote", r.resolutionNote);
  w.field_raw("metadata", r.metadata).field("messageCount", r.messageCount);
  w.field("firstResponseAt", r.firstResponseAt).field("resolvedAt", r.resolvedAt);
  w.field("createdAt", r.createdAt).field("updatedAt", r.updatedAt);
  if (with_messages) {
    w.key("messages").begin_array();
    for (const auto& m : r.messages) {
      w.begin_object().field("id", m.id).field("senderType", m.senderType);
      w.field("senderId", m.senderId).field("message", m.message);
      w.field("createdAt", m.createdAt).field("eventId", m.eventId).end_object();
    }
    w.end_array();
  }
}

// Maps a rejected command to the API's answer.
Response command_error(const Status& s, std::string_view what) {
  if (s.IsNotFound()) return not_found();
  if (s.IsFailedPrecondition()) {
    if (s.message() == domain::kClosedMessage) {
      return ApiError(409, error_code::kSupportRequestClosed,
                      "The support request is closed and accepts no replies");
    }
    return ApiError(409, error_code::kInvalidStatusTransition, s.message());
  }
  if (s.IsInvalidArgument()) {
    ValidationErrors errors;
    errors.add("assignedAdminId", rule::kEnum, s.message());
    return errors.to_api_error();
  }
  throw unexpected(s, what);
}

// Runs a command, then answers with the request as the read model has it.
template <typename Decide>
Response run_and_show(ApiContext& api, const std::int64_t& id, std::optional<std::int64_t> owner,
                      std::string_view what, Decide&& decide, int status = 200) {
  auto appended = api.store.execute(std::forward<Decide>(decide));
  if (!appended.ok()) return command_error(appended.status(), what);
  auto lease = read_lease(api);
  auto row = projections::SupportRequestQuery(lease.db()).find(id, owner);
  if (!row.ok()) throw unexpected(row.status(), what);
  return Response::ok(
      [&](JsonWriter& w) {
        write_request(w, *row, true);
        w.end_object();
      },
      status);
}

std::vector<std::string_view> category_names(const ApiContext& api) {
  std::vector<std::string_view> names;
  for (const auto& c : api.categories)
    names.push_back(c.category);
  return names;
}

Response create(ApiContext& api, RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto subject = v.string("subject", {.min_length = 1, .max_length = 200});
  const auto names = category_names(api);
  auto category = v.enumeration("category", names, Presence::kRequired);
  auto message = v.string(
      "message", {.min_length = 1, .max_length = kMaxMessageChars, .allow_line_breaks = true});
  auto metadata = v.object_json("metadata", Presence::kOptional, kMaxMetadataBytes);
  if (auto err = v.finish()) return *err;

  domain::CreateSupportRequest command;
  command.customerId = ctx.identity.accountId;
  command.subject = *subject;
  command.category = *category;
  for (const auto& c : api.categories) {
    if (c.category == *category) command.priority = c.priority;
  }
  command.message = *message;
  command.metadataJson = metadata.value_or("null");
  const domain::CommandMeta meta = command_meta(ctx);
  std::int64_t id = 0;
  return run_and_show(
      api, id, command.customerId, "creating a support request",
      [&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto req = domain::decide_create_support_request(view, command, meta);
        if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
        return req;
      },
      201);
}

Response list(ApiContext& api, RequestContext& ctx, bool admin) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  const PageRequest page = q.page(20, projections::kMaxSupportRequestPageSize);
  projections::SupportRequestListRequest request;
  request.sortBy = admin ? q.sort_by({"createdAt", "updatedAt", "priority"}, "createdAt")
                         : q.sort_by({"createdAt", "updatedAt"}, "createdAt");
  request.ascending = q.sort_order() == SortOrder::kAsc;
  request.status = q.enumeration("status", domain::kRequestStatuses);
  const auto names = category_names(api);
  request.category = q.enumeration("category", names);
  if (admin) {
    request.priority = q.enumeration("priority", domain::kPriorities);
    request.customerId = q.integer("customerId", 1, kMaxId);
    request.assignedAdminId = q.assignee("assignedAdminId", request.unassigned);
    request.search = q.string("search", 200);
  } else {
    request.customerId = ctx.identity.accountId;
  }
  if (auto err = q.finish()) return *err;
  request.page = static_cast<std::uint32_t>(page.page);
  request.pageSize = static_cast<std::uint32_t>(page.page_size);

  auto lease = read_lease(api);
  auto result = projections::SupportRequestQuery(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), "listing support requests");
  return Response::list(
      [&](JsonWriter& w) {
        for (const auto& row : result->items) {
          write_request(w, row, false);
          w.end_object();
        }
      },
      Pagination{page.page, page.page_size, static_cast<std::int64_t>(result->total)});
}

Response detail(ApiContext& api, RequestContext& ctx, bool admin) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  auto lease = read_lease(api);
  std::optional<std::int64_t> owner;
  if (!admin) owner = ctx.identity.accountId;
  auto row = projections::SupportRequestQuery(lease.db()).find(id, owner);
  if (!row.ok()) {
    if (row.status().IsNotFound()) return not_found();
    throw unexpected(row.status(), "reading a support request");
  }
  std::optional<projections::AccountRow> customer, assignee;
  if (admin) {
    projections::AccountQuery accounts(lease.db());
    if (auto c = accounts.find(row->customerId); c.ok()) customer = *c;
    if (row->assignedAdminId) {
      if (auto a = accounts.find(*row->assignedAdminId); a.ok()) assignee = *a;
    }
  }
  return Response::ok([&](JsonWriter& w) {
    write_request(w, *row, true);
    if (admin) {
      w.key("customer");
      if (customer) {
        w.begin_object().field("id", customer->id).field("email", customer->email);
        w.field("name", customer->name).field("phone", customer->phone).end_object();
      } else {
        w.null();
      }
      w.key("assignedAdmin");
      if (assignee) {
        w.begin_object().field("id", assignee->id).field("email", assignee->email);
        w.field("name", assignee->name).field("role", assignee->role).end_object();
      } else {
        w.null();
      }
    }
    w.end_object();
  });
}

Response reply(ApiContext& api, RequestContext& ctx, bool admin) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto message = v.string(
      "message", {.min_length = 1, .max_length = kMaxMessageChars, .allow_line_breaks = true});
  if (auto err = v.finish()) return *err;
  const domain::ReplyToSupportRequest command{id, admin ? "admin" : "customer",
                                              ctx.identity.accountId, *message};
  const domain::CommandMeta meta = command_meta(ctx);
  std::optional<std::int64_t> owner;
  if (!admin) owner = ctx.identity.accountId;
  // An admin's reply e-mails the customer: the notification relay derives that mail
  // from the event (scheduler/notification_relay.h).
  return run_and_show(
      api, id, owner, "replying to a support request",
      [&](const events::StagedView& view) { return domain::decide_reply(view, command, meta); },
      201);
}

Response change_status(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto status = v.enumeration("status", domain::kRequestStatuses, Presence::kRequired);
  auto note = v.string("resolutionNote", {.presence = Presence::kOptional,
                                          .min_length = 1,
                                          .max_length = 2000,
                                          .allow_line_breaks = true});
  if (status && note && *status != domain::kStatusResolved && *status != domain::kStatusClosed) {
    v.fail("resolutionNote", "status", "a resolution note is only valid for resolved or closed");
  }
  if (auto err = v.finish()) return *err;
  const domain::ChangeSupportRequestStatus command{id, *status, note};
  const domain::CommandMeta meta = command_meta(ctx);
  return run_and_show(api, id, std::nullopt, "changing a support request's status",
                      [&](const events::StagedView& view) {
                        return domain::decide_change_status(view, command, meta);
                      });
}

Response assign(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  const NullableId assignee = v.nullable_id("assignedAdminId", Presence::kRequired);
  if (auto err = v.finish()) return *err;
  const domain::AssignSupportRequest command{id, assignee.value};
  const domain::CommandMeta meta = command_meta(ctx);
  return run_and_show(
      api, id, std::nullopt, "assigning a support request",
      [&](const events::StagedView& view) { return domain::decide_assign(view, command, meta); });
}

Response change_priority(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto priority = v.enumeration("priority", domain::kPriorities, Presence::kRequired);
  if (auto err = v.finish()) return *err;
  const domain::ChangeSupportRequestPriority command{id, *priority};
  const domain::CommandMeta meta = command_meta(ctx);
  return run_and_show(api, id, std::nullopt, "changing a support request's priority",
                      [&](const events::StagedView& view) {
                        return domain::decide_change_priority(view, command, meta);
                      });
}

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.sss]Z", as the ISO-8601 text
// the read models store; nullopt (recorded) for anything else.
std::optional<std::string> iso_bound(QueryValidator& q, std::string_view key) {
  auto text = q.string(key, 30);
  if (!text) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n) {
    for (std::size_t i = at; i < at + n; ++i)
      if (i >= text->size() || (*text)[i] < '0' || (*text)[i] > '9') return false;
    return true;
  };
  const bool date = text->size() >= 10 && digits(0, 4) && (*text)[4] == '-' && digits(5, 2) &&
                    (*text)[7] == '-' && digits(8, 2);
  if (date && text->size() == 10) return *text + "T00:00:00.000Z";
  if (date && text->size() >= 20 && (*text)[10] == 'T' && digits(11, 2) && (*text)[13] == ':' &&
      digits(14, 2) && (*text)[16] == ':' && digits(17, 2) && text->back() == 'Z') {
    return *text;
  }
  q.fail(key, rule::kFormat, std::string(key) + " must be YYYY-MM-DD or an ISO-8601 UTC time");
  return std::nullopt;
}

Response stats(ApiContext& api, RequestContext& ctx) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  auto from = iso_bound(q, "from");
  auto to = iso_bound(q, "to");
  if (auto err = q.finish()) return *err;
  auto lease = read_lease(api);
  auto result = projections::StatsQuery(lease.db()).compute(from, to);
  if (!result.ok()) throw unexpected(result.status(), "computing statistics");
  const projections::SupportStats& s = *result;
  auto counts = [](JsonWriter& w, std::string_view key, const auto& pairs) {
    w.key(key).begin_object();
    for (const auto& [name, n] : pairs)
      w.field(name, n);
    w.end_object();
  };
  return Response::ok([&](JsonWriter& w) {
    w.begin_object().field("from", from).field("to", to);
    w.key("supportRequests").begin_object().field("total", s.total);
    counts(w, "byStatus", s.byStatus);
    counts(w, "byPriority", s.byPriority);
    counts(w, "byCategory", s.byCategory);
    w.key("firstResponse").begin_object().field("count", s.responded);
    w.field("averageSeconds", s.firstResponseAvgSeconds);
    w.field("p90Seconds", s.firstResponseP90Seconds).end_object();
    w.key("resolution").begin_object().field("count", s.resolved);
    w.field("averageSeconds", s.resolutionAvgSeconds).end_object();
    w.key("resolvedPerDay").begin_array();
    for (const auto& [day, n] : s.resolvedPerDay)
      w.begin_object().field("date", day).field("count", n).end_object();
    w.end_array().end_object();
    w.key("feedback").begin_object().field("total", s.feedbackTotal);
    counts(w, "byStatus", s.feedbackByStatus);
    w.field("averageRating", s.feedbackAverageRating).end_object();
    w.end_object();
  });
}

// The domain errors of the routes on one request (for the OpenAPI document).
const RouteError kNotFoundError{404, error_code::kSupportRequestNotFound};
const RouteError kClosedError{409, error_code::kSupportRequestClosed};
const RouteError kTransitionError{409, error_code::kInvalidStatusTransition};

RouteMeta customer_route(std::string name, std::string summary, std::string request_schema = "",
                         std::vector<RouteError> errors = {}) {
  return {.name = std::move(name),
          .tag = std::string(kCustomerTag),
          .summary = std::move(summary),
          .access = Access::kCustomer,
          .request_schema = std::move(request_schema),
          .response_schema = std::string(kRequestSchema),
          .errors = std::move(errors)};
}

RouteMeta admin_route(std::string name, std::string summary, auth::Permission permission,
                      std::string request_schema = "", std::vector<RouteError> errors = {}) {
  return {.name = std::move(name),
          .tag = std::string(kAdminTag),
          .summary = std::move(summary),
          .access = Access::kStaff,
          .permission = permission,
          .request_schema = std::move(request_schema),
          .response_schema = std::string(kRequestSchema),
          .errors = std::move(errors)};
}

}  // namespace

void add_support_request_routes(Router& router, ApiContext& api) {
  using auth::Permission;
  router.post(
      "/api/mobile/support-requests", [&api](RequestContext& ctx) { return create(api, ctx); },
      customer_route("support_requests.create", "Open a support request with its first message",
                     std::string(kCreateSchema)));
  router.get(
      "/api/mobile/support-requests", [&api](RequestContext& ctx) { return list(api, ctx, false); },
      customer_route("support_requests.list", "The customer's own support requests"));
  router.get(
      "/api/mobile/support-requests/{id}",
      [&api](RequestContext& ctx) { return detail(api, ctx, false); },
      customer_route("support_requests.get", "One own support request with its messages", "",
                     {kNotFoundError}));
  router.post(
      "/api/mobile/support-requests/{id}/messages",
      [&api](RequestContext& ctx) { return reply(api, ctx, false); },
      customer_route("support_requests.messages.create",
                     "Reply; a resolved request reopens, a closed one refuses",
                     std::string(kReplySchema), {kNotFoundError, kClosedError}));

  router.get(
      "/api/admin/support-requests", [&api](RequestContext& ctx) { return list(api, ctx, true); },
      admin_route("admin.support_requests.list",
                  "Support requests: filters, subject/ticket search, sort, pagination",
                  Permission::kSupportRequestsRead));
  router.get(
      "/api/admin/support-requests/{id}",
      [&api](RequestContext& ctx) { return detail(api, ctx, true); },
      admin_route("admin.support_requests.get",
                  "One support request with messages, customer and assignee",
                  Permission::kSupportRequestsRead, "", {kNotFoundError}));
  router.patch(
      "/api/admin/support-requests/{id}/status",
      [&api](RequestContext& ctx) { return change_status(api, ctx); },
      admin_route("admin.support_requests.status", "Change the status (lifecycle rules)",
                  Permission::kSupportRequestsUpdate, std::string(kStatusSchema),
                  {kNotFoundError, kTransitionError}));
  router.patch(
      "/api/admin/support-requests/{id}/assign",
      [&api](RequestContext& ctx) { return assign(api, ctx); },
      admin_route("admin.support_requests.assign",
                  "Assign to an active staff member, or unassign with null",
                  Permission::kSupportRequestsUpdate, std::string(kAssignSchema),
                  {kNotFoundError}));
  router.patch(
      "/api/admin/support-requests/{id}/priority",
      [&api](RequestContext& ctx) { return change_priority(api, ctx); },
      admin_route("admin.support_requests.priority", "Override the automatic priority",
                  Permission::kSupportRequestsUpdate, std::string(kPrioritySchema),
                  {kNotFoundError}));
  router.get("/api/admin/stats", [&api](RequestContext& ctx) { return stats(api, ctx); },
             {.name = "admin.stats",
              .tag = std::string(kAdminTag),
              .summary = "Support statistics for requests and feedback created in [from, to)",
              .access = Access::kStaff,
              .permission = Permission::kSupportRequestsRead});
  router.post(
      "/api/admin/support-requests/{id}/messages",
      [&api](RequestContext& ctx) { return reply(api, ctx, true); },
      admin_route("admin.support_requests.messages.create", "Staff reply; a closed request refuses",
                  Permission::kSupportRequestsUpdate, std::string(kReplySchema),
                  {kNotFoundError, kClosedError}));
}

}  // namespace docket::http

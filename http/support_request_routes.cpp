#include "http/support_request_routes.h"

#include <cmath>
#include <map>

#include "core/time_format.h"

#include "domain/support_request.h"
#include "http/api_context.h"
#include "http/attachment_routes.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/journey_routes.h"
#include "http/route_kit.h"
#include "http/satisfaction.h"
#include "http/sla_routes.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"
#include "projections/stats_query.h"
#include "projections/support_request_query.h"

namespace docket::http {
namespace {

using domain::Refusal;
using projections::AccountRow;
using projections::MessageRow;
using projections::SupportRequestRow;

constexpr std::string_view kCustomerTag = "Support Requests";
constexpr std::string_view kAdminTag = "Support Requests (Admin)";
constexpr std::size_t kMaxMessageChars = 5000;
constexpr std::size_t kMaxMetadataBytes = 4096;

// ---- response shapes ------------------------------------------------------------------

const Shape<MessageRow>& message_shape() {
  static const Shape<MessageRow> shape = [] {
    Shape<MessageRow> s;
    s.field("id", &MessageRow::id)
        .field("senderType", &MessageRow::senderType, {.values = {"customer", "admin", "system"}})
        .field("senderId", &MessageRow::senderId)
        .field("message", &MessageRow::message)
        .field("createdAt", &MessageRow::createdAt, {.format = "date-time"})
        .field("eventId", &MessageRow::eventId)
        .field("attachments", &MessageRow::attachments, {.schema = kMessageAttachmentsSchema});
    return s;
  }();
  return shape;
}

const Shape<SupportRequestRow>& request_shape() {
  static const Shape<SupportRequestRow> shape = [] {
    using R = SupportRequestRow;
    Shape<R> s;
    s.field("id", &R::id)
        .field("ticketNumber", &R::ticketNumber, {.pattern = "^SUP-[0-9]{4}-[0-9]{6,}$"})
        .field("customerId", &R::customerId)
        .field("customerName", &R::customerName,
               {.description = "The customer's name, in staff lists (an inbox row names who "
                               "asked without a lookup per row)",
                .omit_empty = true})
        .field("subject", &R::subject)
        .field("category", &R::category)
        .field("priority", &R::priority,
               {.values = {std::begin(domain::kPriorities), std::end(domain::kPriorities)}})
        .field(
            "status", &R::status,
            {.values = {std::begin(domain::kRequestStatuses), std::end(domain::kRequestStatuses)}})
        .field("assignedAdminId", &R::assignedAdminId)
        .field("resolutionNote", &R::resolutionNote)
        .field("metadata", &R::metadata,
               {.schema = R"({"type":["object","null"],"description":"As the customer sent it"})"})
        .field("messageCount", &R::messageCount)
        .field("firstResponseAt", &R::firstResponseAt, {.format = "date-time"})
        .field("resolvedAt", &R::resolvedAt, {.format = "date-time"})
        .field("createdAt", &R::createdAt, {.format = "date-time"})
        .field("updatedAt", &R::updatedAt, {.format = "date-time"})
        .field("source", &R::source,
               {.description = "\"form\": filed through seed 001's ticket form"})
        .object("satisfaction", &R::satisfaction, satisfaction_shape())
        .object("sla", &R::sla, sla_shape(), true);  // staff responses only (docs/sla.md)
    return s;
  }();
  return shape;
}

const Shape<SupportRequestRow>& request_detail_shape() {
  static const Shape<SupportRequestRow> shape = [] {
    Shape<SupportRequestRow> s = request_shape();
    s.array("messages", &SupportRequestRow::messages, message_shape())
        .field("journey", &SupportRequestRow::journey,
               {.description = "The intake journey that created it: {id, version, answers} "
                               "(answers on the path walked); null otherwise",
                .schema = kJourneyRunSchema});
    return s;
  }();
  return shape;
}

// The answer to a reply: the message it created and the request's own fields as they
// are after it (status, updatedAt, firstResponseAt may have moved) — without the
// thread, so its size does not grow with the conversation.
struct ReplyAnswer {
  MessageRow message;
  SupportRequestRow supportRequest;
};

const Shape<ReplyAnswer>& reply_shape() {
  static const Shape<ReplyAnswer> shape = [] {
    Shape<ReplyAnswer> s;
    s.object("message", &ReplyAnswer::message, message_shape())
        .object("supportRequest", &ReplyAnswer::supportRequest, request_shape());
    return s;
  }();
  return shape;
}

// The staff view of one request: its customer and assignee too.
struct AdminDetail {
  SupportRequestRow request;
  std::optional<AccountRow> customer;
  std::optional<AccountRow> assignedAdmin;
};

const Shape<AdminDetail>& admin_detail_shape() {
  static const Shape<AccountRow> customer = [] {
    Shape<AccountRow> s;
    s.field("id", &AccountRow::id)
        .field("email", &AccountRow::email, {.format = "email"})
        .field("name", &AccountRow::name)
        .field("phone", &AccountRow::phone);
    return s;
  }();
  static const Shape<AccountRow> staff = [] {
    Shape<AccountRow> s;
    s.field("id", &AccountRow::id)
        .field("email", &AccountRow::email, {.format = "email"})
        .field("name", &AccountRow::name)
        .field("role", &AccountRow::role, {.values = {"agent", "admin"}});
    return s;
  }();
  static const Shape<AdminDetail> shape = [] {
    Shape<AdminDetail> s;
    s.include(&AdminDetail::request, request_detail_shape())
        .object("customer", &AdminDetail::customer, customer)
        .object("assignedAdmin", &AdminDetail::assignedAdmin, staff);
    return s;
  }();
  return shape;
}

// ---- request contracts ----------------------------------------------------------------

std::vector<std::string> category_names(const ApiContext& api) {
  std::vector<std::string> names;
  for (const auto& c : api.categories)
    names.push_back(c.category);
  return names;
}

std::shared_ptr<const BodyContract<domain::CreateSupportRequest>> create_contract(
    const ApiContext& api) {
  using B = domain::CreateSupportRequest;
  auto c = std::make_shared<BodyContract<B>>();
  c->field(Text("subject").length(1, 200), &B::subject)
      .field(Choice("category", category_names(api))
                 .describe("A configured category; it sets the priority"),
             &B::category)
      .field(Text("message").length(1, kMaxMessageChars).with_line_breaks(), &B::message)
      .field(
          Object("metadata")
              .bytes(kMaxMetadataBytes)
              .describe("Any JSON object the client keeps with the request (at most 4096 bytes)"),
          &B::metadata);
  return c;
}

struct ReplyBody {
  std::string message;
  std::optional<std::vector<std::string>> attachmentIds;
};

std::shared_ptr<const BodyContract<ReplyBody>> reply_contract() {
  auto c = std::make_shared<BodyContract<ReplyBody>>();
  c->field(Text("message").length(1, kMaxMessageChars).with_line_breaks(), &ReplyBody::message)
      .field(attachment_ids_rule(), &ReplyBody::attachmentIds);
  return c;
}

std::shared_ptr<const BodyContract<domain::ChangeSupportRequestStatus>> status_contract() {
  using B = domain::ChangeSupportRequestStatus;
  auto c = std::make_shared<BodyContract<B>>();
  c->field(OneOf("status", domain::kRequestStatuses), &B::status)
      .field(Text("resolutionNote")
                 .length(1, 2000)
                 .with_line_breaks()
                 .describe("Only with resolved or closed"),
             &B::resolutionNote)
      .example(R"({"status":"resolved","resolutionNote":"Replaced the card"})")
      .check("resolutionNote is only valid with status resolved or closed.",
             [](const B& b, ValidationErrors& errors) {
               if (b.resolutionNote && b.status != domain::kStatusResolved &&
                   b.status != domain::kStatusClosed) {
                 errors.add("resolutionNote", "status",
                            "a resolution note is only valid for resolved or closed");
               }
             });
  return c;
}

std::shared_ptr<const BodyContract<domain::AssignSupportRequest>> assign_contract() {
  auto c = std::make_shared<BodyContract<domain::AssignSupportRequest>>();
  c->field(
      IdOrNull("assignedAdminId").must_send().describe("An active staff member; null unassigns"),
      &domain::AssignSupportRequest::assignedAdminId);
  c->field(Boolean("force").describe(
               "Assign even when the agent already has maxOpenItems open items (default false)"),
           &domain::AssignSupportRequest::force);
  return c;
}

std::shared_ptr<const BodyContract<domain::ChangeSupportRequestPriority>> priority_contract() {
  auto c = std::make_shared<BodyContract<domain::ChangeSupportRequestPriority>>();
  c->field(OneOf("priority", domain::kPriorities), &domain::ChangeSupportRequestPriority::priority);
  return c;
}

using ListQuery = projections::SupportRequestListRequest;

std::shared_ptr<const QueryContract<ListQuery>> list_contract(const ApiContext& api, bool admin) {
  auto q = std::make_shared<QueryContract<ListQuery>>();
  if (admin) {
    add_paging(*q, {"createdAt", "updatedAt", "priority", "dueAt"},
               projections::kMaxSupportRequestPageSize);
  } else {
    add_paging(*q, {"createdAt", "updatedAt"}, projections::kMaxSupportRequestPageSize);
  }
  q->param(OneOf("status", domain::kRequestStatuses), &ListQuery::status)
      .param(Choice("category", category_names(api)), &ListQuery::category);
  if (admin) {
    q->param(OneOf("priority", domain::kPriorities), &ListQuery::priority)
        .param(Id("customerId"), &ListQuery::customerId)
        .param(OneOf("slaStatus", {"breached", "critical", "warning", "ok", "met", "paused"})
                   .describe("Requests with an SLA target in this status now (docs/sla.md); "
                             "sortBy=dueAt orders by the next deadline"),
               &ListQuery::slaStatus);
    add_assignee_filter(*q);
    q->param(Text("search").length(1, 200).describe("Subject or ticket number: a "
                                                    "case-insensitive substring"),
             &ListQuery::search);
  }
  return q;
}

// ---- handlers -------------------------------------------------------------------------

SupportRequestRow find_row(ApiContext& api, std::int64_t id, std::optional<std::int64_t> owner) {
  auto lease = read_lease(api);
  auto row = projections::SupportRequestQuery(lease.db()).find(id, owner);
  if (!row.ok()) {
    if (row.status().IsNotFound()) throw refusal_error(Refusal::kSupportRequestNotFound);
    throw unexpected(row.status(), "reading a support request");
  }
  if (!owner) stamp_sla(*row, api.clock.now_ms());  // staff see the SLA
  return std::move(row).value();
}

Reply create(ApiContext& api, RequestContext& ctx, domain::CreateSupportRequest command) {
  command.customerId = ctx.identity.accountId;
  for (const auto& c : api.categories) {
    if (c.category == command.category) command.priority = c.priority;
  }
  const auto executed = co_await commit(api, ctx, command);
  co_return answer(request_detail_shape(),
                   find_row(api, executed.id(domain::kSupportRequestSequence), command.customerId),
                   201);
}

Response list(ApiContext& api, RequestContext& ctx, ListQuery request, bool admin) {
  if (!admin) request.customerId = ctx.identity.accountId;
  request.nowMs = api.clock.now_ms();
  auto lease = read_lease(api);
  auto result = projections::SupportRequestQuery(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), "listing support requests");
  if (admin) {
    projections::AccountQuery accounts(lease.db());
    std::map<std::int64_t, std::optional<std::string>> names;
    for (SupportRequestRow& row : result->items) {
      stamp_sla(row, request.nowMs);
      auto [name, fresh] = names.try_emplace(row.customerId);
      if (fresh) {
        if (auto account = accounts.find(row.customerId); account.ok()) {
          name->second = account->name;
        }
      }
      row.customerName = name->second;
    }
  }
  return answer_page(request_shape(), result->items, request.page, request.pageSize, result->total);
}

Response detail(ApiContext& api, RequestContext& ctx, bool admin) {
  const std::int64_t id = path_id(ctx);
  if (!admin) return answer(request_detail_shape(), find_row(api, id, ctx.identity.accountId));
  AdminDetail view{find_row(api, id, std::nullopt), std::nullopt, std::nullopt};
  auto lease = read_lease(api);
  projections::AccountQuery accounts(lease.db());
  if (auto c = accounts.find(view.request.customerId); c.ok()) view.customer = *c;
  if (view.request.assignedAdminId) {
    if (auto a = accounts.find(*view.request.assignedAdminId); a.ok()) view.assignedAdmin = *a;
  }
  return answer(admin_detail_shape(), view);
}

// A reply; answers with the message and the request's fields (ReplyAnswer). An admin's
// reply e-mails the customer: the notification relay derives that mail from the event
// (scheduler/notification_relay.h).
Reply reply(ApiContext& api, RequestContext& ctx, ReplyBody body, bool admin) {
  const std::int64_t id = path_id(ctx);
  const domain::ReplyToSupportRequest command{
      id, admin ? "admin" : "customer", ctx.identity.accountId, std::move(body.message),
      body.attachmentIds.value_or(std::vector<std::string>{})};
  RawJson attachments = message_attachments_view(api, command.attachmentIds);
  const auto executed = co_await commit(api, ctx, command);
  ReplyAnswer reply;
  // The message is the append's first event (a reopening may follow it).
  reply.message = MessageRow{executed.id(domain::kSupportRequestMessageSequence),
                             command.senderType,
                             command.senderId,
                             command.message,
                             format_iso8601(executed.appended.occurredAt),
                             executed.appended.firstEventId,
                             std::move(attachments)};
  {
    auto lease = read_lease(api);
    auto row = projections::SupportRequestQuery(lease.db()).find_without_messages(id);
    if (!row.ok()) throw unexpected(row.status(), "reading a support request");
    reply.supportRequest = std::move(row).value();
    if (admin) stamp_sla(reply.supportRequest, api.clock.now_ms());
  }
  co_return answer(reply_shape(), reply, 201);
}

template <typename Command>
Reply change(ApiContext& api, RequestContext& ctx, Command command) {
  command.requestId = path_id(ctx);
  co_await commit(api, ctx, command);
  co_return answer(request_detail_shape(), find_row(api, command.requestId, std::nullopt));
}

// The customer rates their request once it is resolved.
Reply rate(ApiContext& api, RequestContext& ctx, RatingBody body) {
  const std::int64_t id = path_id(ctx);
  domain::RateSupportRequest command{id, ctx.identity.accountId, body.rating,
                                     std::move(body.comment), api.csat_window_ms};
  co_await commit(api, ctx, command);
  co_return answer(request_detail_shape(), find_row(api, id, ctx.identity.accountId), 201);
}

// ---- statistics -------------------------------------------------------------------------

struct StatsView {
  CreatedRange range;
  projections::SupportStats stats;
  projections::SlaCompliance sla;
};

// {met, breached, compliancePercent} of one SLA target.
void write_compliance(JsonWriter& w, const projections::SlaTargetCompliance& c) {
  w.begin_object().field("met", c.met).field("breached", c.breached);
  const std::uint64_t judged = c.met + c.breached;
  if (judged == 0) {
    w.key("compliancePercent").null();
  } else {
    w.field("compliancePercent",
            std::round(1000.0 * static_cast<double>(c.met) / static_cast<double>(judged)) / 10.0);
  }
  w.end_object();
}

const Shape<StatsView>& stats_shape() {
  static const Shape<StatsView> shape = [] {
    constexpr std::string_view kCounts =
        R"({"type":"object","additionalProperties":{"type":"integer","minimum":0}})";
    constexpr std::string_view kSeconds = R"({"type":["number","null"]})";
    Shape<StatsView> s;
    s.computed(
         "from", R"({"type":["string","null"]})",
         [](JsonWriter& w, const StatsView& v) { shape_detail::write_value(w, v.range.from); })
        .computed(
            "to", R"({"type":["string","null"]})",
            [](JsonWriter& w, const StatsView& v) { shape_detail::write_value(w, v.range.to); })
        .computed(
            "supportRequests",
            fmt::format(R"({{"type":"object","required":["total","byStatus","byPriority",)"
                        R"("byCategory","firstResponse","resolution","resolvedPerDay"],)"
                        R"("properties":{{"total":{{"type":"integer"}},"byStatus":{0},)"
                        R"("byPriority":{0},"byCategory":{0},"firstResponse":{{"type":"object",)"
                        R"("required":["count","averageSeconds","p90Seconds"],"properties":{{)"
                        R"("count":{{"type":"integer"}},"averageSeconds":{1},"p90Seconds":{1}}}}},)"
                        R"("resolution":{{"type":"object","required":["count","averageSeconds"],)"
                        R"("properties":{{"count":{{"type":"integer"}},"averageSeconds":{1}}}}},)"
                        R"("resolvedPerDay":{{"type":"array","items":{{"type":"object",)"
                        R"("required":["date","count"],"properties":{{"date":{{"type":"string",)"
                        R"("format":"date"}},"count":{{"type":"integer"}}}}}}}}}}}})",
                        kCounts, kSeconds),
            [](JsonWriter& w, const StatsView& v) {
              const projections::SupportStats& s = v.stats;
              w.begin_object().field("total", s.total);
              w.key("byStatus");
              write_counts(w, s.byStatus);
              w.key("byPriority");
              write_counts(w, s.byPriority);
              w.key("byCategory");
              write_counts(w, s.byCategory);
              w.key("firstResponse").begin_object().field("count", s.responded);
              w.field("averageSeconds", s.firstResponseAvgSeconds);
              w.field("p90Seconds", s.firstResponseP90Seconds).end_object();
              w.key("resolution").begin_object().field("count", s.resolved);
              w.field("averageSeconds", s.resolutionAvgSeconds).end_object();
              w.key("resolvedPerDay").begin_array();
              for (const auto& [day, n] : s.resolvedPerDay)
                w.begin_object().field("date", day).field("count", n).end_object();
              w.end_array().end_object();
            })
        .computed("feedback",
                  fmt::format(R"({{"type":"object","required":["total","byStatus",)"
                              R"("averageRating"],"properties":{{"total":{{"type":"integer"}},)"
                              R"("byStatus":{0},"averageRating":{1}}}}})",
                              kCounts, kSeconds),
                  [](JsonWriter& w, const StatsView& v) {
                    const projections::SupportStats& s = v.stats;
                    w.begin_object().field("total", s.feedbackTotal).key("byStatus");
                    write_counts(w, s.feedbackByStatus);
                    w.field("averageRating", s.feedbackAverageRating).end_object();
                  })
        .computed("sla",
                  fmt::format(R"J({{"type":"object","description":"SLA compliance of the )J"
                              R"J(requests and inquiries created in the range: per target, )J"
                              R"J(met in time, breached (recorded, or running past the )J"
                              R"J(deadline now) and met / (met + breached) in percent (null )J"
                              R"J(when none was judged)","properties":{{"firstResponse":{0},)J"
                              R"J("resolution":{0},"nextResponse":{0}}}}})J",
                              R"({"type":"object","properties":{"met":{"type":"integer"},)"
                              R"("breached":{"type":"integer"},"compliancePercent":)"
                              R"({"type":["number","null"]}}})"),
                  [](JsonWriter& w, const StatsView& v) {
                    w.begin_object().key("firstResponse");
                    write_compliance(w, v.sla.firstResponse);
                    w.key("resolution");
                    write_compliance(w, v.sla.resolution);
                    w.key("nextResponse");
                    write_compliance(w, v.sla.nextResponse);
                    w.end_object();
                  });
    return s;
  }();
  return shape;
}

// A date bound as the ISO-8601 text the read models store.
std::optional<std::string> iso_bound(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return text->size() == 10 ? *text + "T00:00:00.000Z" : *text;
}

Response stats(ApiContext& api, CreatedRange range) {
  auto lease = read_lease(api);
  auto result =
      projections::StatsQuery(lease.db()).compute(iso_bound(range.from), iso_bound(range.to));
  if (!result.ok()) throw unexpected(result.status(), "computing statistics");
  auto ms = [](const std::optional<std::string>& text) -> std::optional<std::int64_t> {
    if (!text) return std::nullopt;
    return parse_iso8601(*text);
  };
  auto sla = projections::SlaQuery(lease.db())
                 .compliance(api.clock.now_ms(), ms(range.from), ms(range.to));
  if (!sla.ok()) throw unexpected(sla.status(), "computing SLA compliance");
  StatsView view{{iso_bound(range.from), iso_bound(range.to)}, std::move(result).value(), *sla};
  return answer(stats_shape(), view);
}

// The domain errors of the routes on one request (for the OpenAPI document).
const RouteError kNotFoundError{404, error_code::kSupportRequestNotFound};
const RouteError kClosedError{409, error_code::kSupportRequestClosed};
const RouteError kTransitionError{409, error_code::kInvalidStatusTransition};

RouteMeta customer_route(std::string name, std::string summary,
                         std::vector<RouteError> errors = {}) {
  RouteMeta meta = route_meta(std::move(name), kCustomerTag, std::move(summary), Access::kCustomer,
                              std::move(errors));
  meta.response = schema_of(request_detail_shape());
  return meta;
}

RouteMeta admin_route(std::string name, std::string summary, auth::Permission permission,
                      std::vector<RouteError> errors = {}) {
  RouteMeta meta = staff_route_meta(std::move(name), kAdminTag, std::move(summary), permission,
                                    std::move(errors));
  meta.response = schema_of(request_detail_shape());
  return meta;
}

RouteMeta as_list(RouteMeta meta) {
  meta.paginated = true;
  meta.response = std::make_shared<ListShape<SupportRequestRow>>(request_shape());
  return meta;
}

}  // namespace

void add_support_request_routes(Router& router, ApiContext& api) {
  using auth::Permission;
  const std::string mobile = "/api/mobile/support-requests";
  add_route(
      router, Method::kPost, mobile,
      customer_route("support_requests.create", "Open a support request with its first message"),
      create_contract(api), [&api](RequestContext& ctx, domain::CreateSupportRequest c) {
        return create(api, ctx, std::move(c));
      });
  add_route(router, Method::kGet, mobile,
            as_list(customer_route("support_requests.list", "The customer's own support requests")),
            list_contract(api, false), [&api](RequestContext& ctx, ListQuery q) {
              return list(api, ctx, std::move(q), false);
            });
  router.get(
      mobile + "/{id}", [&api](RequestContext& ctx) { return detail(api, ctx, false); },
      customer_route("support_requests.get", "One own support request with its messages",
                     {kNotFoundError}));
  RouteMeta customer_reply = customer_route(
      "support_requests.messages.create",
      "Reply; a resolved request reopens, a closed one refuses. Answers with the message and "
      "the request's fields, not the thread",
      {kNotFoundError, kClosedError, {409, error_code::kAttachmentInUse}});
  customer_reply.response = schema_of(reply_shape());
  add_route(router, Method::kPost, mobile + "/{id}/messages", std::move(customer_reply),
            reply_contract(), [&api](RequestContext& ctx, ReplyBody body) {
              return reply(api, ctx, std::move(body), false);
            });

  add_route(router, Method::kPost, mobile + "/{id}/satisfaction",
            customer_route("support_requests.satisfaction.create",
                           "Rate the request once it is resolved: once, within "
                           "DOCKET_CSAT_WINDOW_DAYS of its resolution",
                           {kNotFoundError,
                            {409, error_code::kSatisfactionNotAvailable},
                            {409, error_code::kSatisfactionAlreadyRated},
                            {409, error_code::kSatisfactionWindowClosed}}),
            rating_contract(), [&api](RequestContext& ctx, RatingBody body) {
              return rate(api, ctx, std::move(body));
            });

  const std::string admin = "/api/admin/support-requests";
  add_route(router, Method::kGet, admin,
            as_list(admin_route("admin.support_requests.list",
                                "Support requests: filters, subject/ticket search, sort, "
                                "pagination",
                                Permission::kSupportRequestsRead)),
            list_contract(api, true), [&api](RequestContext& ctx, ListQuery q) {
              return list(api, ctx, std::move(q), true);
            });
  RouteMeta admin_detail = admin_route("admin.support_requests.get",
                                       "One support request with messages, customer and assignee",
                                       Permission::kSupportRequestsRead, {kNotFoundError});
  admin_detail.response = schema_of(admin_detail_shape());
  router.get(
      admin + "/{id}", [&api](RequestContext& ctx) { return detail(api, ctx, true); },
      std::move(admin_detail));
  add_route(router, Method::kPatch, admin + "/{id}/status",
            admin_route("admin.support_requests.status", "Change the status (lifecycle rules)",
                        Permission::kSupportRequestsUpdate, {kNotFoundError, kTransitionError}),
            status_contract(), [&api](RequestContext& ctx, domain::ChangeSupportRequestStatus c) {
              return change(api, ctx, std::move(c));
            });
  add_route(router, Method::kPatch, admin + "/{id}/assign",
            admin_route("admin.support_requests.assign",
                        "Assign to an active staff member, or unassign with null; the agent's "
                        "capacity is checked unless force is true",
                        Permission::kSupportRequestsUpdate,
                        {kNotFoundError, {409, error_code::kAgentAtCapacity}}),
            assign_contract(), [&api](RequestContext& ctx, domain::AssignSupportRequest c) {
              c.terms.defaultCapacity = api.default_capacity;
              return change(api, ctx, std::move(c));
            });
  add_route(router, Method::kPatch, admin + "/{id}/priority",
            admin_route("admin.support_requests.priority", "Override the automatic priority",
                        Permission::kSupportRequestsUpdate, {kNotFoundError}),
            priority_contract(),
            [&api](RequestContext& ctx, domain::ChangeSupportRequestPriority c) {
              return change(api, ctx, std::move(c));
            });
  RouteMeta stats_meta =
      staff_route_meta("admin.stats", kAdminTag,
                       "Support statistics for requests and feedback created in [from, to)",
                       Permission::kSupportRequestsRead);
  stats_meta.response = schema_of(stats_shape());
  add_route(router, Method::kGet, "/api/admin/stats", std::move(stats_meta),
            created_range_contract(),
            [&api](RequestContext&, CreatedRange range) { return stats(api, std::move(range)); });
  RouteMeta staff_reply = admin_route(
      "admin.support_requests.messages.create",
      "Staff reply; a closed request refuses. Answers with the message and the request's "
      "fields, not the thread",
      Permission::kSupportRequestsUpdate,
      {kNotFoundError, kClosedError, {409, error_code::kAttachmentInUse}});
  staff_reply.response = schema_of(reply_shape());
  add_route(router, Method::kPost, admin + "/{id}/messages", std::move(staff_reply),
            reply_contract(), [&api](RequestContext& ctx, ReplyBody body) {
              return reply(api, ctx, std::move(body), true);
            });
}

}  // namespace docket::http

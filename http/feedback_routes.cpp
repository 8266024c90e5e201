#include "http/feedback_routes.h"

#include <simdjson.h>

#include "domain/feedback.h"
#include "events/event_store.h"
#include "http/api_context.h"
#include "http/json_body.h"
#include "http/query.h"
#include "http/router.h"
#include "http/validation.h"
#include "projections/feedback_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

constexpr std::string_view kMobileTag = "Feedback";
constexpr std::string_view kAdminTag = "Feedback (Admin)";

constexpr std::string_view kFeedbackSchema = R"({"type":"object",
"required":["id","customerId","category","message","status","createdAt","updatedAt"],
"properties":{
"id":{"type":"integer"},"customerId":{"type":"integer"},
"category":{"enum":["general","bug","feature","billing","account","other"]},
"message":{"type":"string"},"rating":{"type":["integer","null"],"minimum":1,"maximum":5},
"appVersion":{"type":["string","null"]},
"platform":{"enum":["ios","android","web","other",null]},
"status":{"enum":["new","reviewed"]},"reviewedByAdminId":{"type":["integer","null"]},
"reviewedAt":{"type":["string","null"],"format":"date-time"},
"createdAt":{"type":"string","format":"date-time"},
"updatedAt":{"type":"string","format":"date-time"}}})";

constexpr std::string_view kSubmitSchema = R"({"type":"object","additionalProperties":false,
"required":["category","message"],"properties":{
"category":{"enum":["general","bug","feature","billing","account","other"]},
"message":{"type":"string","minLength":1,"maxLength":5000,
"description":"Line breaks allowed; trimmed"},
"rating":{"type":["integer","null"],"minimum":1,"maximum":5},
"appVersion":{"type":["string","null"],"maxLength":32},
"platform":{"enum":["ios","android","web","other",null]}}})";

constexpr std::string_view kReviewSchema =
    R"({"type":"object","additionalProperties":false,"properties":{}})";

void write_feedback(JsonWriter& w, const projections::FeedbackRow& f) {
  w.begin_object().field("id", f.id).field("customerId", f.customerId);
  w.field("category", f.category).field("message", f.message).field("rating", f.rating);
  w.field("appVersion", f.appVersion).field("platform", f.platform).field("status", f.status);
  w.field("reviewedByAdminId", f.reviewedByAdminId).field("reviewedAt", f.reviewedAt);
  w.field("createdAt", f.createdAt).field("updatedAt", f.updatedAt).end_object();
}

ApiError feedback_not_found() {
  return ApiError(404, error_code::kFeedbackNotFound, "Feedback not found");
}

// The feedback `id` as the read model has it after a command, or 500 (the engine
// commits a group's rows before its commands complete, so a missing row is a bug or a
// failed projection).
Response feedback_answer(ApiContext& api, std::int64_t id, std::string_view what, int status) {
  auto lease = read_lease(api);
  auto row = projections::FeedbackQuery(lease.db()).find(id);
  if (!row.ok()) throw unexpected(row.status(), what);
  return Response::ok([&](JsonWriter& w) { write_feedback(w, *row); }, status);
}

Response submit_feedback(ApiContext& api, RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto category = v.enumeration("category", domain::kFeedbackCategories, Presence::kRequired);
  auto message = v.string("message", {.min_length = 1,
                                      .max_length = domain::kFeedbackMessageMaxLength,
                                      .allow_line_breaks = true});
  auto rating = v.integer("rating", {.presence = Presence::kOptional,
                                     .min = domain::kFeedbackRatingMin,
                                     .max = domain::kFeedbackRatingMax});
  auto app_version = v.string("appVersion", {.presence = Presence::kOptional,
                                             .min_length = 1,
                                             .max_length = domain::kFeedbackAppVersionMaxLength});
  auto platform = v.enumeration("platform", domain::kFeedbackPlatforms, Presence::kOptional);
  if (auto err = v.finish()) return *err;

  const domain::SubmitFeedback command{
      ctx.identity.accountId, *category, *message, rating, app_version, platform};
  const domain::CommandMeta meta = command_meta(ctx);
  std::int64_t id = 0;
  auto appended =
      api.store.execute([&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto req = domain::decide_submit_feedback(view, command, meta);
        if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
        return req;
      });
  if (!appended.ok()) throw unexpected(appended.status(), "submitting feedback");
  return feedback_answer(api, id, "submitting feedback", 201);
}

Response list_feedback(ApiContext& api, RequestContext& ctx) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  const PageRequest page = q.page(20, projections::kMaxFeedbackPageSize);
  const std::string sort = q.sort_by({"createdAt", "updatedAt"}, "createdAt");
  const SortOrder order = q.sort_order(SortOrder::kDesc);
  projections::FeedbackListRequest request;
  request.status = q.enumeration("status", domain::kFeedbackStatuses);
  request.category = q.enumeration("category", domain::kFeedbackCategories);
  request.customerId = q.integer("customerId", 1, kMaxId);
  request.search = q.string("search", 200);
  if (auto err = q.finish()) return *err;
  request.sortBy = sort == "updatedAt" ? projections::FeedbackSort::kUpdatedAt
                                       : projections::FeedbackSort::kCreatedAt;
  request.descending = order == SortOrder::kDesc;
  request.page = static_cast<std::uint32_t>(page.page);
  request.pageSize = static_cast<std::uint32_t>(page.page_size);

  auto lease = read_lease(api);
  auto result = projections::FeedbackQuery(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), "listing feedback");
  return Response::list(
      [&](JsonWriter& w) {
        for (const auto& row : result->items)
          write_feedback(w, row);
      },
      Pagination{page.page, page.page_size, static_cast<std::int64_t>(result->total)});
}

Response get_feedback(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  auto lease = read_lease(api);
  auto row = projections::FeedbackQuery(lease.db()).find(id);
  if (!row.ok()) {
    if (row.status().IsNotFound()) return feedback_not_found();
    throw unexpected(row.status(), "reading feedback");
  }
  return Response::ok([&](JsonWriter& w) { write_feedback(w, *row); });
}

Response review_feedback(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  // The body is optional: none, or an empty object (no field is accepted).
  if (!ctx.request().body.empty()) {
    simdjson::dom::object body;
    if (auto err = parse_json_object(ctx.request(), body)) return *err;
    BodyValidator v(body);
    if (auto err = v.finish()) return *err;
  }
  const domain::ReviewFeedback command{id, ctx.identity.accountId};
  const domain::CommandMeta meta = command_meta(ctx);
  auto appended = api.store.execute([&](const events::StagedView& view) {
    return domain::decide_review_feedback(view, command, meta);
  });
  if (!appended.ok()) {
    const Status& s = appended.status();
    if (s.IsNotFound()) return feedback_not_found();
    if (s.IsFailedPrecondition()) {
      return ApiError(409, error_code::kFeedbackAlreadyReviewed,
                      "This feedback has already been reviewed");
    }
    throw unexpected(s, "reviewing feedback");
  }
  return feedback_answer(api, id, "reviewing feedback", 200);
}

RouteMeta admin_meta(std::string name, std::string summary, auth::Permission permission,
                     std::string request_schema = "", std::vector<RouteError> errors = {}) {
  return {.name = std::move(name),
          .tag = std::string(kAdminTag),
          .summary = std::move(summary),
          .access = Access::kStaff,
          .permission = permission,
          .request_schema = std::move(request_schema),
          .response_schema = std::string(kFeedbackSchema),
          .errors = std::move(errors)};
}

}  // namespace

void add_feedback_routes(Router& router, ApiContext& api) {
  router.post("/api/mobile/feedback",
              [&api](RequestContext& ctx) { return submit_feedback(api, ctx); },
              {.name = "feedback.submit",
               .tag = std::string(kMobileTag),
               .summary = "Submit app feedback as the signed-in customer",
               .access = Access::kCustomer,
               .request_schema = std::string(kSubmitSchema),
               .response_schema = std::string(kFeedbackSchema)});
  router.get(
      "/api/admin/feedback", [&api](RequestContext& ctx) { return list_feedback(api, ctx); },
      admin_meta("feedback.admin.list",
                 "List feedback (filters: status, category, customerId, search; sort: "
                 "createdAt|updatedAt)",
                 auth::Permission::kFeedbackRead));
  router.get(
      "/api/admin/feedback/{id}", [&api](RequestContext& ctx) { return get_feedback(api, ctx); },
      admin_meta("feedback.admin.get", "One feedback submission", auth::Permission::kFeedbackRead,
                 "", {{404, error_code::kFeedbackNotFound}}));
  router.patch(
      "/api/admin/feedback/{id}/review",
      [&api](RequestContext& ctx) { return review_feedback(api, ctx); },
      admin_meta(
          "feedback.admin.review", "Mark a feedback submission reviewed",
          auth::Permission::kFeedbackUpdate, std::string(kReviewSchema),
          {{404, error_code::kFeedbackNotFound}, {409, error_code::kFeedbackAlreadyReviewed}}));
}

}  // namespace docket::http

#include "http/feedback_routes.h"

#include "domain/feedback.h"
#include "http/api_context.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/route_kit.h"
#include "projections/feedback_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using projections::FeedbackRow;

constexpr std::string_view kMobileTag = "Feedback";
constexpr std::string_view kAdminTag = "Feedback (Admin)";

const Shape<FeedbackRow>& feedback_shape() {
  static const Shape<FeedbackRow> shape = [] {
    using F = FeedbackRow;
    Shape<F> s;
    s.field("id", &F::id)
        .field("customerId", &F::customerId)
        .field("category", &F::category,
               {.values = {domain::kFeedbackCategories.begin(), domain::kFeedbackCategories.end()}})
        .field("message", &F::message)
        .field("rating", &F::rating)
        .field("appVersion", &F::appVersion)
        .field("platform", &F::platform,
               {.values = {domain::kFeedbackPlatforms.begin(), domain::kFeedbackPlatforms.end()}})
        .field("status", &F::status,
               {.values = {domain::kFeedbackStatuses.begin(), domain::kFeedbackStatuses.end()}})
        .field("reviewedByAdminId", &F::reviewedByAdminId)
        .field("reviewedAt", &F::reviewedAt, {.format = "date-time"})
        .field("createdAt", &F::createdAt, {.format = "date-time"})
        .field("updatedAt", &F::updatedAt, {.format = "date-time"});
    return s;
  }();
  return shape;
}

std::shared_ptr<const BodyContract<domain::SubmitFeedback>> submit_contract() {
  using B = domain::SubmitFeedback;
  auto c = std::make_shared<BodyContract<B>>();
  c->field(OneOf("category", domain::kFeedbackCategories), &B::category)
      .field(Text("message")
                 .length(1, domain::kFeedbackMessageMaxLength)
                 .with_line_breaks()
                 .describe("Line breaks allowed; trimmed"),
             &B::message)
      .field(Integer("rating").range(domain::kFeedbackRatingMin, domain::kFeedbackRatingMax),
             &B::rating)
      .field(Text("appVersion").length(1, domain::kFeedbackAppVersionMaxLength), &B::appVersion)
      .field(OneOf("platform", domain::kFeedbackPlatforms), &B::platform);
  return c;
}

using ListQuery = projections::FeedbackListRequest;

std::shared_ptr<const QueryContract<ListQuery>> list_contract() {
  auto q = std::make_shared<QueryContract<ListQuery>>();
  add_paging(*q, {"createdAt", "updatedAt"}, projections::kMaxFeedbackPageSize);
  q->param(OneOf("status", domain::kFeedbackStatuses), &ListQuery::status)
      .param(OneOf("category", domain::kFeedbackCategories), &ListQuery::category)
      .param(Id("customerId"), &ListQuery::customerId)
      .param(Text("search").length(1, 200).describe("A substring of the message"),
             &ListQuery::search);
  return q;
}

// The feedback `id` as the read model has it; `missing` answers a missing row.
FeedbackRow find_row(ApiContext& api, std::int64_t id, bool missing_is_bug) {
  auto lease = read_lease(api);
  auto row = projections::FeedbackQuery(lease.db()).find(id);
  if (!row.ok()) {
    if (row.status().IsNotFound() && !missing_is_bug) {
      throw refusal_error(domain::Refusal::kFeedbackNotFound);
    }
    throw unexpected(row.status(), "reading feedback");
  }
  return std::move(row).value();
}

Reply submit(ApiContext& api, RequestContext& ctx, domain::SubmitFeedback command) {
  command.customerId = ctx.identity.accountId;
  const auto executed = co_await commit(api, ctx, command);
  // The engine commits a group's rows before its commands complete: a missing row is
  // a bug or a failed projection.
  co_return answer(feedback_shape(), find_row(api, executed.id(domain::kFeedbackSequence), true),
                   201);
}

Reply review(ApiContext& api, RequestContext& ctx) {
  const std::int64_t id = path_id(ctx);
  const domain::ReviewFeedback command{id, ctx.identity.accountId};
  co_await commit(api, ctx, command);
  co_return answer(feedback_shape(), find_row(api, id, true));
}

RouteMeta admin_meta(std::string name, std::string summary, auth::Permission permission,
                     std::vector<RouteError> errors = {}) {
  RouteMeta meta = staff_route_meta(std::move(name), kAdminTag, std::move(summary), permission,
                                    std::move(errors));
  meta.response = schema_of(feedback_shape());
  return meta;
}

}  // namespace

void add_feedback_routes(Router& router, ApiContext& api) {
  RouteMeta submit_meta =
      route_meta("feedback.submit", kMobileTag, "Submit app feedback as the signed-in customer",
                 Access::kCustomer);
  submit_meta.success_status = 201;
  submit_meta.response = schema_of(feedback_shape());
  add_route(router, Method::kPost, "/api/mobile/feedback", std::move(submit_meta),
            submit_contract(), [&api](RequestContext& ctx, domain::SubmitFeedback c) {
              return submit(api, ctx, std::move(c));
            });
  RouteMeta list_meta = admin_meta("feedback.admin.list",
                                   "List feedback (filters: status, category, customerId, "
                                   "search; sort: createdAt|updatedAt)",
                                   auth::Permission::kFeedbackRead);
  list_meta.paginated = true;
  list_meta.response = std::make_shared<ListShape<FeedbackRow>>(feedback_shape());
  add_route(router, Method::kGet, "/api/admin/feedback", std::move(list_meta), list_contract(),
            [&api](RequestContext&, ListQuery q) {
              return list_page<projections::FeedbackQuery>(api, q, feedback_shape(),
                                                           "listing feedback");
            });
  router.get(
      "/api/admin/feedback/{id}",
      [&api](RequestContext& ctx) {
        return answer(feedback_shape(), find_row(api, path_id(ctx), false));
      },
      admin_meta("feedback.admin.get", "One feedback submission", auth::Permission::kFeedbackRead,
                 {{404, error_code::kFeedbackNotFound}}));
  add_route(router, Method::kPatch, "/api/admin/feedback/{id}/review",
            admin_meta("feedback.admin.review", "Mark a feedback submission reviewed",
                       auth::Permission::kFeedbackUpdate,
                       {{404, error_code::kFeedbackNotFound},
                        {409, error_code::kFeedbackAlreadyReviewed}}),
            no_body(), [&api](RequestContext& ctx, NoBody) { return review(api, ctx); });
}

}  // namespace docket::http

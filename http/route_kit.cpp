#include "http/route_kit.h"

namespace docket::http {

RouteMeta route_meta(std::string name, std::string_view tag, std::string summary, Access access,
                     std::vector<RouteError> errors) {
  RouteMeta meta;
  meta.name = std::move(name);
  meta.tag = std::string(tag);
  meta.summary = std::move(summary);
  meta.access = access;
  meta.errors = std::move(errors);
  return meta;
}

RouteMeta staff_route_meta(std::string name, std::string_view tag, std::string summary,
                           auth::Permission permission, std::vector<RouteError> errors) {
  RouteMeta meta =
      route_meta(std::move(name), tag, std::move(summary), Access::kStaff, std::move(errors));
  meta.permission = permission;
  return meta;
}

std::shared_ptr<const BodyContract<NoBody>> no_body() {
  static const auto contract = [] {
    auto c = std::make_shared<BodyContract<NoBody>>();
    c->optional_body();
    return std::shared_ptr<const BodyContract<NoBody>>(std::move(c));
  }();
  return contract;
}

std::int64_t path_id(const RequestContext& ctx, std::string_view name) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id(name, id)) throw *err;
  return id;
}

std::shared_ptr<const QueryContract<CreatedRange>> created_range_contract() {
  auto q = std::make_shared<QueryContract<CreatedRange>>();
  q->param(Date("from").describe("Created at or after: YYYY-MM-DD (midnight UTC) or an ISO-8601 "
                                 "UTC time; default: no lower bound"),
           &CreatedRange::from)
      .param(Date("to").describe("Created before: YYYY-MM-DD (midnight UTC) or an ISO-8601 UTC "
                                 "time; default: no upper bound"),
             &CreatedRange::to);
  return q;
}

void write_counts(JsonWriter& w, const std::vector<std::pair<std::string, std::uint64_t>>& pairs,
                  std::string_view empty_name) {
  w.begin_object();
  for (const auto& [name, n] : pairs)
    w.field(name.empty() && !empty_name.empty() ? empty_name : std::string_view(name), n);
  w.end_object();
}

}  // namespace docket::http

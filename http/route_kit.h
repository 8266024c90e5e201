// What every domain route file shares: the route metadata builders, the list query
// parameters (paging, sorting, the assignee filter), path ids, and answering with a
// response shape.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/auth/permissions.h"
#include "http/api_context.h"
#include "http/contract.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/router.h"
#include "http/shape.h"
#include "projections/reader_pool.h"

namespace docket::http {

inline constexpr std::int64_t kMaxPage = 1'000'000'000;

// A route of `tag` open to `access`.
RouteMeta route_meta(std::string name, std::string_view tag, std::string summary, Access access,
                     std::vector<RouteError> errors = {});
// A staff route that needs `permission`.
RouteMeta staff_route_meta(std::string name, std::string_view tag, std::string summary,
                           auth::Permission permission, std::vector<RouteError> errors = {});

// The id path parameter `name`: canonical decimal in [1, 2^53 - 1] ("01" is refused);
// throws 400 VALIDATION_ERROR.
std::int64_t path_id(const RequestContext& ctx, std::string_view name = "id");

// page (default 1), pageSize (1..max_page_size, default 20), sortBy (one of
// `sort_fields`, default the first) and sortOrder (asc | desc, default desc), stored in
// the list request's page, pageSize, sortBy and ascending.
template <typename T>
void add_paging(QueryContract<T>& query, std::initializer_list<std::string_view> sort_fields,
                std::int64_t max_page_size) {
  query.param(Integer("page").range(1, kMaxPage).defaults_to("1"), &T::page);
  query.param(Integer("pageSize").range(1, max_page_size).defaults_to("20"), &T::pageSize);
  query.param(OneOf("sortBy", sort_fields).defaults_to(*sort_fields.begin()), &T::sortBy);
  query.param(OneOf("sortOrder", {"asc", "desc"}).defaults_to("desc"), [](T& t, FieldValue&& v) {
    if (auto* order = std::get_if<std::string>(&v)) t.ascending = *order == "asc";
  });
}

// assignedAdminId: a staff id, or "unassigned" (stored as `unassigned`).
template <typename T>
void add_assignee_filter(QueryContract<T>& query) {
  query.param(Assignee("assignedAdminId")
                  .describe("A staff member's id, or `unassigned` for work nobody holds"),
              [](T& t, FieldValue&& v) {
                if (auto* id = std::get_if<std::int64_t>(&v)) t.assignedAdminId = *id;
                if (std::holds_alternative<std::string>(v)) t.unassigned = true;
              });
}

// The input of a command that takes none (deactivate, revoke): no body, or `{}`.
struct NoBody {};
std::shared_ptr<const BodyContract<NoBody>> no_body();

// The statistics routes' range on createdAt: from (inclusive), to (exclusive), each a
// date (midnight UTC) or an ISO-8601 UTC time; absent: open.
struct CreatedRange {
  std::optional<std::string> from;
  std::optional<std::string> to;
};
std::shared_ptr<const QueryContract<CreatedRange>> created_range_contract();

// {"name": n, ...} in the pairs' order; an empty name is written as `empty_name`.
void write_counts(JsonWriter& w, const std::vector<std::pair<std::string, std::uint64_t>>& pairs,
                  std::string_view empty_name = {});

// A long-lived shape as the document's response schema.
template <typename T>
std::shared_ptr<const ShapeSchema> schema_of(const Shape<T>& shape) {
  // Shapes live in function-local statics: the document borrows them.
  return std::shared_ptr<const ShapeSchema>(&shape, [](const ShapeSchema*) {});
}

// {"success":true,"data":<value as `shape`>}.
template <typename T>
Response answer(const Shape<T>& shape, const T& value, int status = 200) {
  return Response::ok([&](JsonWriter& w) { shape.write(w, value); }, status);
}

// A list page of `items` written as `shape`.
template <typename T, typename Items>
Response answer_page(const Shape<T>& shape, const Items& items, std::int64_t page,
                     std::int64_t page_size, std::uint64_t total) {
  return Response::list(
      [&](JsonWriter& w) {
        for (const T& item : items)
          shape.write(w, item);
      },
      Pagination{page, page_size, static_cast<std::int64_t>(total)});
}

// The page `request` asks for, read with `Query(db).list(request)` and written as
// `shape`. `Request` has page and pageSize; the result has items and total.
template <typename Query, typename Request, typename Row>
Response list_page(ApiContext& api, const Request& request, const Shape<Row>& shape,
                   std::string_view what) {
  auto lease = read_lease(api);
  auto result = Query(lease.db()).list(request);
  if (!result.ok()) throw unexpected(result.status(), what);
  return answer_page(shape, result->items, request.page, request.pageSize, result->total);
}

}  // namespace docket::http

#include "http/staff_routes.h"

#include <array>

#include "core/auth/password_policy.h"
#include "domain/account_commands.h"
#include "http/account_shapes.h"
#include "http/api_context.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/password_work.h"
#include "http/route_kit.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using projections::AccountRow;

constexpr std::string_view kTag = "Staff (Admin)";
constexpr std::array<std::string_view, 2> kRoles = {"agent", "admin"};

std::vector<std::string> permission_names() {
  std::vector<std::string> names;
  for (const auto& info : auth::permission_catalogue())
    names.emplace_back(info.name);
  return names;
}

FieldRule permissions_rule() {
  return TextList("permissions")
      .one_of(permission_names())
      .items(auth::kPermissionCount * 2)
      .length(1, 64);
}

// The set the names of a valid permissions field grant.
auth::PermissionSet permission_set(const std::vector<std::string>& names) {
  std::vector<std::string_view> views(names.begin(), names.end());
  return auth::PermissionSet::from_names(views).value();
}

struct CreateBody {
  std::string email;
  std::string password;
  std::string name;
  std::string role;
  std::optional<std::vector<std::string>> permissions;
};

std::shared_ptr<const BodyContract<CreateBody>> create_contract() {
  auto c = std::make_shared<BodyContract<CreateBody>>();
  c->field(Email("email"), &CreateBody::email)
      .field(Text("password")
                 .length(auth::kPasswordMinChars, auth::kPasswordMaxChars)
                 .untrimmed()
                 .describe("8 to 256 characters, kept exactly as typed"),
             &CreateBody::password)
      .field(Text("name").length(1, 100), &CreateBody::name)
      .field(OneOf("role", kRoles), &CreateBody::role)
      .field(permissions_rule().describe("Defaults to the role's preset"),
             &CreateBody::permissions);
  return c;
}

struct PermissionsBody {
  std::vector<std::string> permissions;
  std::optional<std::string> role;
};

std::shared_ptr<const BodyContract<PermissionsBody>> permissions_contract() {
  auto c = std::make_shared<BodyContract<PermissionsBody>>();
  c->field(permissions_rule().describe("The whole new set"), &PermissionsBody::permissions)
      .field(OneOf("role", kRoles).describe("Absent: the role stays"), &PermissionsBody::role);
  return c;
}

using ListQuery = projections::StaffListRequest;

std::shared_ptr<const QueryContract<ListQuery>> list_contract() {
  auto q = std::make_shared<QueryContract<ListQuery>>();
  q->param(Integer("page").range(1, kMaxPage).defaults_to("1"), &ListQuery::page)
      .param(Integer("pageSize").range(1, projections::kMaxAccountPageSize).defaults_to("20"),
             &ListQuery::pageSize)
      .param(OneOf("role", kRoles), &ListQuery::role)
      .param(Boolean("active"), &ListQuery::active)
      .param(Text("search").length(1, 100).describe("A substring of the name or e-mail"),
             &ListQuery::search);
  return q;
}

// The staff member as the read model has it; 404 STAFF_NOT_FOUND for anyone else.
AccountRow find_staff(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  auto row = projections::AccountQuery(lease.db()).find(id);
  if (!row.ok() && !row.status().IsNotFound()) throw unexpected(row.status(), "reading staff");
  if (!row.ok() || !row->is_staff()) throw refusal_error(domain::Refusal::kStaffNotFound);
  return std::move(row).value();
}

Reply create_staff(ApiContext& api, RequestContext& ctx, CreateBody body) {
  auto hash = api.passwords.hash(body.password);
  if (!hash.ok()) throw unexpected(hash.status(), "hashing a password");
  domain::CreateStaff command;
  command.email = std::move(body.email);
  command.name = std::move(body.name);
  command.role = std::move(body.role);
  command.permissions =
      body.permissions ? permission_set(*body.permissions) : *auth::role_preset(command.role);
  command.passwordHash = std::move(hash).value();
  command.createdBy = ctx.identity.accountId;
  const auto executed = co_await commit(api, ctx, command);
  co_return answer(staff_shape(), find_staff(api, executed.id(domain::kAccountSequence)), 201);
}

Response list_staff(ApiContext& api, const ListQuery& request) {
  auto lease = read_lease(api);
  auto result = projections::AccountQuery(lease.db()).list_staff(request);
  if (!result.ok()) throw unexpected(result.status(), "listing staff");
  return answer_page(staff_shape(), result->items, request.page, request.pageSize, result->total);
}

// Who holds Staff_MANAGE now, as the read model has it (domain::StaffManagers).
domain::StaffManagers staff_managers(ApiContext& api) {
  auto lease = read_lease(api);
  auto ids =
      projections::AccountQuery(lease.db()).active_staff_holding(auth::Permission::kStaffManage);
  if (!ids.ok()) throw unexpected(ids.status(), "listing staff managers");
  return std::move(ids).value();
}

Reply change_permissions(ApiContext& api, RequestContext& ctx, PermissionsBody body) {
  const std::int64_t id = path_id(ctx);
  const domain::ChangeStaffPermissions command{
      id, std::move(body.role), permission_set(body.permissions), staff_managers(api)};
  co_await commit(api, ctx, command);
  co_return answer(staff_shape(), find_staff(api, id));
}

Reply set_active(ApiContext& api, RequestContext& ctx, bool active) {
  const std::int64_t id = path_id(ctx);
  const domain::SetStaffActive command{id, active, ctx.identity.accountId, staff_managers(api)};
  co_await commit(api, ctx, command);
  co_return answer(staff_shape(), find_staff(api, id));
}

RouteMeta meta(std::string name, std::string summary, std::vector<RouteError> errors = {}) {
  RouteMeta m = staff_route_meta(std::move(name), kTag, std::move(summary),
                                 auth::Permission::kStaffManage, std::move(errors));
  m.response = schema_of(staff_shape());
  return m;
}

}  // namespace

void add_staff_routes(Router& router, ApiContext& api) {
  const RouteError not_found{404, error_code::kStaffNotFound};
  const RouteError state{409, error_code::kAccountStateConflict};
  const RouteError last{409, error_code::kLastStaffManager};
  RouteMeta create = meta("staff.create", "Create an agent or admin account",
                          {{409, error_code::kEmailAlreadyRegistered}});
  create.blocking = true;  // Argon2id
  add_route(router, Method::kPost, "/api/admin/staff", std::move(create), create_contract(),
            [&api](RequestContext& ctx, CreateBody body) {
              return create_staff(api, ctx, std::move(body));
            });
  RouteMeta list = meta("staff.list", "List staff accounts (filters: role, active, search)");
  list.paginated = true;
  list.response = std::make_shared<ListShape<AccountRow>>(staff_shape());
  add_route(router, Method::kGet, "/api/admin/staff", std::move(list), list_contract(),
            [&api](RequestContext&, ListQuery q) { return list_staff(api, q); });
  router.get(
      "/api/admin/staff/{id}",
      [&api](RequestContext& ctx) { return answer(staff_shape(), find_staff(api, path_id(ctx))); },
      meta("staff.get", "One staff account", {not_found}));
  add_route(
      router, Method::kPatch, "/api/admin/staff/{id}/permissions",
      meta("staff.permissions",
           "Replace a staff member's permissions (and role); refused when nobody active would "
           "keep Staff_MANAGE",
           {not_found, last}),
      permissions_contract(), [&api](RequestContext& ctx, PermissionsBody body) {
        return change_permissions(api, ctx, std::move(body));
      });
  add_route(router, Method::kPost, "/api/admin/staff/{id}/deactivate",
            meta("staff.deactivate", "Deactivate a staff account: its tokens stop working",
                 {not_found, state, last}),
            no_body(), [&api](RequestContext& ctx, NoBody) { return set_active(api, ctx, false); });
  add_route(router, Method::kPost, "/api/admin/staff/{id}/reactivate",
            meta("staff.reactivate", "Reactivate a deactivated staff account", {not_found, state}),
            no_body(), [&api](RequestContext& ctx, NoBody) { return set_active(api, ctx, true); });
}

}  // namespace docket::http

#include "http/staff_routes.h"

#include <array>

#include <simdjson.h>

#include "core/auth/password_policy.h"
#include "domain/account_commands.h"
#include "events/event_store.h"
#include "http/account_json.h"
#include "http/api_context.h"
#include "http/json_body.h"
#include "http/password_work.h"
#include "http/query.h"
#include "http/router.h"
#include "http/validation.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Staff (Admin)";
constexpr std::array<std::string_view, 2> kRoles = {"agent", "admin"};

constexpr std::string_view kStaffSchema = R"({"type":"object",
"required":["id","email","name","role","permissions","active"],"properties":{
"id":{"type":"integer"},"email":{"type":"string"},"name":{"type":"string"},
"role":{"enum":["agent","admin"]},"permissions":{"type":"array","items":{"type":"string"}},
"active":{"type":"boolean"},"createdAt":{"type":"string","format":"date-time"},
"updatedAt":{"type":"string","format":"date-time"},
"deactivatedAt":{"type":["string","null"],"format":"date-time"},
"createdByAdminId":{"type":["integer","null"]}}})";

constexpr std::string_view kCreateSchema = R"({"type":"object","additionalProperties":false,
"required":["email","password","name","role"],"properties":{
"email":{"type":"string","format":"email","maxLength":254},
"password":{"type":"string","minLength":8,"maxLength":256},
"name":{"type":"string","minLength":1,"maxLength":100},
"role":{"enum":["agent","admin"]},
"permissions":{"type":["array","null"],"items":{"type":"string"},
"description":"Defaults to the role's preset"}}})";

constexpr std::string_view kPermissionsSchema = R"({"type":"object",
"additionalProperties":false,"required":["permissions"],"properties":{
"permissions":{"type":"array","items":{"type":"string"}},
"role":{"enum":["agent","admin"]}}})";

// Validates "permissions" against the catalogue; nullopt when absent or invalid.
std::optional<auth::PermissionSet> permissions_field(BodyValidator& v, Presence presence) {
  auto names = v.string_array("permissions", presence, auth::kPermissionCount * 2, 64);
  if (!names) return std::nullopt;
  std::vector<std::string_view> views(names->begin(), names->end());
  std::vector<std::string> unknown;
  auto set = auth::PermissionSet::from_names(views, &unknown);
  if (!set.ok()) {
    for (const std::string& name : unknown) {
      v.fail("permissions", rule::kEnum, "unknown permission " + name);
    }
    return std::nullopt;
  }
  return *set;
}

// Runs a staff command and answers with the staff member's current view.
template <typename Decide>
// `id` is read after the command ran (a create learns it inside `decide`).
Response run_staff_command(ApiContext& api, const std::int64_t& id, std::string_view what,
                           Decide&& decide, int status = 200) {
  auto appended = api.store.execute(std::forward<Decide>(decide));
  if (!appended.ok()) {
    const Status& s = appended.status();
    if (s.IsNotFound()) return ApiError(404, error_code::kStaffNotFound, "Staff member not found");
    if (s.IsFailedPrecondition()) {
      return ApiError(409, error_code::kAccountStateConflict, s.message());
    }
    if (s.IsAlreadyExists()) {
      return ApiError(409, error_code::kEmailAlreadyRegistered,
                      "An account with this e-mail already exists");
    }
    throw unexpected(s, what);
  }
  auto lease = read_lease(api);
  auto row = projections::AccountQuery(lease.db()).find(id);
  if (!row.ok()) throw unexpected(row.status(), what);
  return Response::ok([&](JsonWriter& w) { write_staff(w, *row); }, status);
}

Response create_staff(ApiContext& api, RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto email = v.email("email", Presence::kRequired);
  auto password = v.string("password", {.min_length = 1, .max_length = 1024, .trim = false});
  auto name = v.string("name", {.min_length = 1, .max_length = 100});
  auto role = v.enumeration("role", kRoles, Presence::kRequired);
  auto permissions = permissions_field(v, Presence::kOptional);
  if (password) {
    const auth::PasswordRule broken = auth::check_password_policy(*password);
    if (broken != auth::PasswordRule::kOk) {
      v.fail("password", broken == auth::PasswordRule::kTooShort ? rule::kMinLength : rule::kFormat,
             std::string(auth::password_rule_message(broken)));
    }
  }
  if (auto err = v.finish()) return *err;

  auto hash = api.passwords.hash(*password);
  if (!hash.ok()) throw unexpected(hash.status(), "hashing a password");
  domain::CreateStaff command;
  command.email = *email;
  command.name = *name;
  command.role = *role;
  command.permissions = permissions ? *permissions : *auth::role_preset(*role);
  command.passwordHash = std::move(hash).value();
  command.createdBy = ctx.identity.accountId;
  const domain::CommandMeta meta = command_meta(ctx);
  std::int64_t id = 0;
  return run_staff_command(
      api, id, "creating staff",
      [&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto req = domain::decide_create_staff(view, command, meta);
        if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
        return req;
      },
      201);
}

Response list_staff(ApiContext& api, RequestContext& ctx) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) return *err;
  QueryValidator q(params);
  const PageRequest page = q.page(20, projections::kMaxAccountPageSize);
  projections::StaffListRequest request;
  request.role = q.enumeration("role", kRoles);
  request.active = q.boolean("active");
  request.search = q.string("search", 100);
  if (auto err = q.finish()) return *err;
  request.page = static_cast<std::uint32_t>(page.page);
  request.pageSize = static_cast<std::uint32_t>(page.page_size);

  auto lease = read_lease(api);
  auto result = projections::AccountQuery(lease.db()).list_staff(request);
  if (!result.ok()) throw unexpected(result.status(), "listing staff");
  return Response::list(
      [&](JsonWriter& w) {
        for (const auto& row : result->items)
          write_staff(w, row);
      },
      Pagination{page.page, page.page_size, static_cast<std::int64_t>(result->total)});
}

Response get_staff(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  auto lease = read_lease(api);
  auto row = projections::AccountQuery(lease.db()).find(id);
  if (!row.ok() && !row.status().IsNotFound()) throw unexpected(row.status(), "reading staff");
  if (!row.ok() || !row->is_staff()) {
    return ApiError(404, error_code::kStaffNotFound, "Staff member not found");
  }
  return Response::ok([&](JsonWriter& w) { write_staff(w, *row); });
}

Response change_permissions(ApiContext& api, RequestContext& ctx) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto permissions = permissions_field(v, Presence::kRequired);
  auto role = v.enumeration("role", kRoles, Presence::kOptional);
  if (auto err = v.finish()) return *err;

  const domain::CommandMeta meta = command_meta(ctx);
  return run_staff_command(
      api, id, "changing staff permissions",
      [&](const events::StagedView& view) -> Result<events::AppendRequest> {
        domain::ChangeStaffPermissions command{id, role.value_or(""), *permissions};
        if (command.role.empty()) {
          auto current = domain::load_account(view, id);
          if (!current.ok()) return current.status();
          command.role = current->role;
        }
        return domain::decide_change_staff_permissions(view, command, meta);
      });
}

Response set_active(ApiContext& api, RequestContext& ctx, bool active) {
  std::int64_t id = 0;
  if (auto err = ctx.param_id("id", id)) return *err;
  const domain::CommandMeta meta = command_meta(ctx);
  const domain::SetStaffActive command{id, active, ctx.identity.accountId};
  return run_staff_command(api, id, active ? "reactivating staff" : "deactivating staff",
                           [&](const events::StagedView& view) {
                             return domain::decide_set_staff_active(view, command, meta);
                           });
}

RouteMeta meta(std::string name, std::string summary, std::string request_schema = "",
               std::string response_schema = std::string(kStaffSchema)) {
  return {.name = std::move(name),
          .tag = std::string(kTag),
          .summary = std::move(summary),
          .access = Access::kStaff,
          .permission = auth::Permission::kStaffManage,
          .request_schema = std::move(request_schema),
          .response_schema = std::move(response_schema)};
}

}  // namespace

void add_staff_routes(Router& router, ApiContext& api) {
  router.post(
      "/api/admin/staff", [&api](RequestContext& ctx) { return create_staff(api, ctx); },
      meta("staff.create", "Create an agent or admin account", std::string(kCreateSchema)));
  router.get(
      "/api/admin/staff", [&api](RequestContext& ctx) { return list_staff(api, ctx); },
      meta("staff.list", "List staff accounts (filters: role, active, search)"));
  router.get(
      "/api/admin/staff/{id}", [&api](RequestContext& ctx) { return get_staff(api, ctx); },
      meta("staff.get", "One staff account"));
  router.patch(
      "/api/admin/staff/{id}/permissions",
      [&api](RequestContext& ctx) { return change_permissions(api, ctx); },
      meta("staff.permissions", "Replace a staff member's permissions (and role)",
           std::string(kPermissionsSchema)));
  router.post(
      "/api/admin/staff/{id}/deactivate",
      [&api](RequestContext& ctx) { return set_active(api, ctx, false); },
      meta("staff.deactivate", "Deactivate a staff account: its tokens stop working"));
  router.post(
      "/api/admin/staff/{id}/reactivate",
      [&api](RequestContext& ctx) { return set_active(api, ctx, true); },
      meta("staff.reactivate", "Reactivate a deactivated staff account"));
}

}  // namespace docket::http

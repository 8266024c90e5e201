#include "http/auth_guard.h"

#include "core/json_writer.h"

namespace docket::http {
namespace {

void set_actor(RequestContext& ctx) {
  const auth::Identity& id = ctx.identity;
  switch (id.kind) {
    case auth::Identity::kCustomer:
      ctx.actor = {"customer", std::to_string(id.accountId)};
      break;
    case auth::Identity::kStaff:
      ctx.actor = {"staff", std::to_string(id.accountId)};
      break;
    case auth::Identity::kGuest:
      ctx.actor = {"guest", std::to_string(id.inquiryId)};
      break;
    case auth::Identity::kAnonymous:
      ctx.actor = {"anonymous", ""};
      break;
  }
}

ApiError missing_permission(auth::Permission p) {
  JsonWriter w;
  w.begin_object().field("permission", auth::permission_name(p)).end_object();
  return ApiError(403, error_code::kForbidden,
                  "This action needs the " + std::string(auth::permission_name(p)) + " permission",
                  w.take());
}

ApiError missing_any_permission(auth::PermissionSet any) {
  std::string names;
  for (std::string_view name : any.names())
    names += (names.empty() ? "" : " or ") + std::string(name);
  JsonWriter w;
  w.begin_object().field_raw("permissions", any.to_json()).end_object();
  return ApiError(403, error_code::kForbidden, "This action needs the " + names + " permission",
                  w.take());
}

}  // namespace

Middleware make_auth_guard(const projections::Authenticator& authenticator) {
  using Outcome = projections::Authenticator::Outcome;
  return [&authenticator](RequestContext& ctx) -> std::optional<Response> {
    const RouteMeta& meta = ctx.route().meta;
    if (meta.access == Access::kPublic) return std::nullopt;
    auto outcome = authenticator.authenticate(ctx.request().header("authorization"));
    if (outcome.kind == Outcome::kUnavailable) {
      return Response(ApiError::service_unavailable(outcome.message));
    }
    if (outcome.kind == Outcome::kInvalid) {
      return Response(ApiError::unauthorized(outcome.message));
    }
    if (outcome.kind == Outcome::kInvalidGuestToken) {
      return Response(ApiError(403, error_code::kSupportInquiryTokenInvalid, outcome.message));
    }
    ctx.identity = std::move(outcome.identity);
    ctx.account = std::move(outcome.account);
    set_actor(ctx);
    const auth::Identity& id = ctx.identity;
    switch (meta.access) {
      case Access::kPublic:
      case Access::kOptional:
        return std::nullopt;
      case Access::kCustomer:
        if (id.is_anonymous()) return Response(ApiError::unauthorized());
        if (!id.is_customer()) return Response(ApiError::forbidden("Customer access only"));
        return std::nullopt;
      case Access::kAuthenticated:
        if (!id.is_customer() && !id.is_staff()) return Response(ApiError::unauthorized());
        return std::nullopt;
      case Access::kStaff:
        if (id.is_anonymous()) return Response(ApiError::unauthorized());
        if (!id.is_staff()) return Response(ApiError::forbidden("Staff access only"));
        if (meta.permission && !id.has(*meta.permission)) {
          return Response(missing_permission(*meta.permission));
        }
        if (!meta.any_permission.empty() && (id.permissions & meta.any_permission).empty()) {
          return Response(missing_any_permission(meta.any_permission));
        }
        return std::nullopt;
    }
    return std::nullopt;
  };
}

}  // namespace docket::http

#include "http/api_context.h"

#include "core/json_writer.h"
#include "core/log.h"
#include "projections/reader_pool.h"

namespace docket::http {

domain::CommandMeta command_meta(const RequestContext& ctx) {
  domain::CommandMeta meta;
  const auth::Identity& id = ctx.identity;
  switch (id.kind) {
    case auth::Identity::kCustomer:
      meta.actor = {"customer", id.accountId};
      break;
    case auth::Identity::kStaff:
      meta.actor = {"staff", id.accountId};
      break;
    case auth::Identity::kGuest:
      meta.actor = {"guest", id.inquiryId};
      break;
    case auth::Identity::kAnonymous:
      meta.actor = {"anonymous", std::nullopt};
      break;
  }
  meta.request.requestId = std::string(ctx.request_id());
  meta.request.ip = std::string(ctx.client_ip());
  meta.request.userAgent = std::string(ctx.request().header("user-agent").substr(0, 256));
  if (!ctx.idempotency_key.empty()) {
    meta.idempotency.key = ctx.idempotency_key + ":" + std::to_string(ctx.idempotent_commands++);
    meta.idempotency.fingerprint = ctx.idempotency_fingerprint;
  }
  return meta;
}

projections::PooledLease read_lease(ApiContext& api) {
  auto lease = api.readers.lease();
  if (!lease.ok()) throw unexpected(lease.status(), "opening a read connection");
  return std::move(lease).value();
}

ApiError unexpected(const Status& status, std::string_view what) {
  if (status.IsUnavailable()) return ApiError::service_unavailable("The server is shutting down");
  log_error("api.unexpected",
            [&](JsonWriter& w) { w.field("while", what).field("error", status.ToString()); });
  return ApiError::internal();
}

}  // namespace docket::http

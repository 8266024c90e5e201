#include "http/auth_routes.h"

#include "core/auth/password_policy.h"
#include "core/time_format.h"
#include "domain/account_commands.h"
#include "http/account_shapes.h"
#include "http/api_context.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/password_work.h"
#include "http/rate_limit.h"
#include "http/route_kit.h"
#include "http/token_issuer.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using projections::AccountRow;

constexpr std::string_view kTag = "Auth";

// A new password: the policy of core/auth/password_policy.h, untrimmed.
FieldRule new_password_rule() {
  return Text("password")
      .length(auth::kPasswordMinChars, auth::kPasswordMaxChars)
      .untrimmed()
      .describe("8 to 256 characters, kept exactly as typed");
}

// A signed-in session: the token and who it is for.
struct Session {
  std::string token;
  std::string tokenType = "Bearer";
  std::string expiresAt;
  std::optional<AccountRow> account;
};

const Shape<Session>& session_shape() {
  static const Shape<Session> shape = [] {
    Shape<Session> s;
    s.field("token", &Session::token, {.description = "A JWT for Authorization: Bearer"})
        .field("tokenType", &Session::tokenType, {.values = {"Bearer"}})
        .field("expiresAt", &Session::expiresAt, {.format = "date-time"})
        .object("account", &Session::account, account_summary_shape());
    return s;
  }();
  return shape;
}

struct RegisterBody {
  std::string email;
  std::string password;
  std::string name;
  std::optional<std::string> phone;
};

std::shared_ptr<const BodyContract<RegisterBody>> register_contract() {
  auto c = std::make_shared<BodyContract<RegisterBody>>();
  c->field(Email("email"), &RegisterBody::email)
      .field(new_password_rule(), &RegisterBody::password)
      .field(Text("name").length(1, 100), &RegisterBody::name)
      .field(Text("phone").length(3, 32), &RegisterBody::phone);
  return c;
}

struct LoginBody {
  std::string email;
  std::string password;
};

std::shared_ptr<const BodyContract<LoginBody>> login_contract() {
  auto c = std::make_shared<BodyContract<LoginBody>>();
  c->field(Text("email").length(1, 254), &LoginBody::email)
      .field(Text("password").length(1, 1024).untrimmed(), &LoginBody::password);
  return c;
}

ApiError invalid_credentials() {
  return ApiError(401, error_code::kInvalidCredentials, "Invalid e-mail or password");
}

Response session(ApiContext& api, const AccountRow& account, int status) {
  const IssuedToken token = api.tokens.issue(account.id, account.role);
  return answer(session_shape(),
                Session{token.token, "Bearer", format_iso8601(token.expiresAt), account}, status);
}

projections::AccountRow row_of(const domain::Account& a) {
  projections::AccountRow row;
  row.id = a.id;
  row.role = a.role;
  row.email = a.email;
  row.name = a.name;
  row.phone = a.phone;
  row.permissions = a.permissions;
  row.active = a.active;
  return row;
}

// The account `id` as the read model has it, or 500 (the engine commits a group's rows
// before its commands complete, so a missing row is a bug or a failed projection).
projections::AccountRow account_row(ApiContext& api, std::int64_t id) {
  auto lease = read_lease(api);
  auto account = projections::AccountQuery(lease.db()).find(id);
  if (!account.ok()) throw unexpected(account.status(), "reading an account");
  return std::move(account).value();
}

Reply register_customer(ApiContext& api, RequestContext& ctx, RegisterBody body) {
  auto hash = api.passwords.hash(body.password);
  if (!hash.ok()) throw unexpected(hash.status(), "hashing a password");
  domain::RegisterCustomer command{std::move(body.email), std::move(body.name),
                                   std::move(body.phone), std::move(hash).value()};
  const auto executed = co_await commit(api, ctx, command);
  co_return session(api, account_row(api, executed.id(domain::kAccountSequence)), 201);
}

Response login(ApiContext& api, LoginBody body) {
  auto found = domain::find_account_by_email(api.store, domain::normalize_email(body.email));
  if (!found.ok()) throw unexpected(found.status(), "looking up an account");
  if (!found->has_value()) {
    // Same work and the same answer as a wrong password: no account enumeration.
    if (Status s = api.passwords.dummy_verify(body.password); !s.ok()) throw unexpected(s, "login");
    return invalid_credentials();
  }
  const domain::Account& account = **found;
  auto match = api.passwords.verify(account.passwordHash, body.password);
  if (!match.ok()) throw unexpected(match.status(), "checking a password");
  if (!*match) return invalid_credentials();
  if (!account.active) {
    return ApiError(403, error_code::kAccountDeactivated, "This account has been deactivated");
  }
  return session(api, row_of(account), 200);
}

Response me(ApiContext& api, RequestContext& ctx) {
  if (ctx.account) return answer(account_shape(), *ctx.account);
  return answer(account_shape(), account_row(api, ctx.identity.accountId));
}

}  // namespace

void add_auth_routes(Router& router, ApiContext& api) {
  RouteMeta reg = route_meta("auth.register", kTag, "Register a customer account and sign in",
                             Access::kPublic, {{409, error_code::kEmailAlreadyRegistered}});
  reg.rate_group = std::string(rate_group::kRegister);
  reg.blocking = true;  // Argon2id
  reg.response = schema_of(session_shape());
  add_route(router, Method::kPost, "/api/auth/register", std::move(reg), register_contract(),
            [&api](RequestContext& ctx, RegisterBody body) {
              return register_customer(api, ctx, std::move(body));
            });
  RouteMeta login_meta =
      route_meta("auth.login", kTag, "Sign in with e-mail and password; returns a bearer token",
                 Access::kPublic,
                 {{401, error_code::kInvalidCredentials}, {403, error_code::kAccountDeactivated}});
  login_meta.rate_group = std::string(rate_group::kLogin);
  login_meta.blocking = true;  // Argon2id
  login_meta.response = schema_of(session_shape());
  add_route(router, Method::kPost, "/api/auth/login", std::move(login_meta), login_contract(),
            [&api](RequestContext&, LoginBody body) { return login(api, std::move(body)); });
  RouteMeta me_meta = route_meta("auth.me", kTag, "The signed-in account", Access::kAuthenticated);
  me_meta.response = schema_of(account_shape());
  router.get(
      "/api/auth/me", [&api](RequestContext& ctx) { return me(api, ctx); }, std::move(me_meta));
}

}  // namespace docket::http

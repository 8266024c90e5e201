#include "http/auth_routes.h"

#include <simdjson.h>

#include "core/auth/password_policy.h"
#include "core/time_format.h"
#include "domain/account_commands.h"
#include "events/event_store.h"
#include "http/account_json.h"
#include "http/api_context.h"
#include "http/json_body.h"
#include "http/password_work.h"
#include "http/rate_limit.h"
#include "http/router.h"
#include "http/token_issuer.h"
#include "http/validation.h"
#include "projections/account_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

constexpr std::string_view kTag = "Auth";

constexpr std::string_view kRegisterSchema = R"({"type":"object","additionalProperties":false,
"required":["email","password","name"],"properties":{
"email":{"type":"string","format":"email","maxLength":254},
"password":{"type":"string","minLength":8,"maxLength":256},
"name":{"type":"string","minLength":1,"maxLength":100},
"phone":{"type":["string","null"],"minLength":3,"maxLength":32}}})";

constexpr std::string_view kLoginSchema = R"({"type":"object","additionalProperties":false,
"required":["email","password"],"properties":{
"email":{"type":"string","maxLength":254},"password":{"type":"string","maxLength":256}}})";

constexpr std::string_view kSessionSchema = R"({"type":"object",
"required":["token","tokenType","expiresAt","account"],"properties":{
"token":{"type":"string"},"tokenType":{"const":"Bearer"},
"expiresAt":{"type":"string","format":"date-time"},
"account":{"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string"},
"name":{"type":"string"},"role":{"enum":["customer","agent","admin"]}}}}})";

constexpr std::string_view kMeSchema = R"({"type":"object",
"required":["id","email","name","role","permissions"],"properties":{
"id":{"type":"integer"},"email":{"type":"string"},"name":{"type":"string"},
"role":{"enum":["customer","agent","admin"]},"phone":{"type":["string","null"]},
"permissions":{"type":"array","items":{"type":"string"}},"active":{"type":"boolean"},
"createdAt":{"type":"string","format":"date-time"},
"updatedAt":{"type":"string","format":"date-time"}}})";

// Reads a password field without trimming and checks the policy.
std::optional<std::string> password_field(BodyValidator& v, std::string_view field) {
  auto password = v.string(field, {.min_length = 1, .max_length = 1024, .trim = false});
  if (!password) return std::nullopt;
  const auth::PasswordRule broken = auth::check_password_policy(*password);
  if (broken != auth::PasswordRule::kOk) {
    v.fail(field,
           broken == auth::PasswordRule::kTooShort  ? rule::kMinLength
           : broken == auth::PasswordRule::kTooLong ? rule::kMaxLength
                                                    : rule::kFormat,
           std::string(auth::password_rule_message(broken)));
    return std::nullopt;
  }
  return password;
}

ApiError invalid_credentials() {
  return ApiError(401, error_code::kInvalidCredentials, "Invalid e-mail or password");
}

Response session(ApiContext& api, const projections::AccountRow& account, int status) {
  const IssuedToken token = api.tokens.issue(account.id, account.role);
  return Response::ok(
      [&](JsonWriter& w) {
        w.begin_object().field("token", token.token).field("tokenType", "Bearer");
        w.field("expiresAt", format_iso8601(token.expiresAt)).key("account");
        write_account_summary(w, account);
        w.end_object();
      },
      status);
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

Response register_customer(ApiContext& api, RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto email = v.email("email", Presence::kRequired);
  auto password = password_field(v, "password");
  auto name = v.string("name", {.min_length = 1, .max_length = 100});
  auto phone =
      v.string("phone", {.presence = Presence::kOptional, .min_length = 3, .max_length = 32});
  if (auto err = v.finish()) return *err;

  auto hash = api.passwords.hash(*password);
  if (!hash.ok()) throw unexpected(hash.status(), "hashing a password");
  const domain::RegisterCustomer command{*email, *name, phone, std::move(hash).value()};
  const domain::CommandMeta meta = command_meta(ctx);
  std::int64_t id = 0;
  auto appended =
      api.store.execute([&](const events::StagedView& view) -> Result<events::AppendRequest> {
        auto req = domain::decide_register_customer(view, command, meta);
        if (req.ok()) id = static_cast<std::int64_t>(req->ids.front().id);
        return req;
      });
  if (!appended.ok()) {
    if (appended.status().IsAlreadyExists()) {
      return ApiError(409, error_code::kEmailAlreadyRegistered,
                      "An account with this e-mail already exists");
    }
    throw unexpected(appended.status(), "registering a customer");
  }
  return session(api, account_row(api, id), 201);
}

Response login(ApiContext& api, RequestContext& ctx) {
  simdjson::dom::object body;
  if (auto err = parse_json_object(ctx.request(), body)) return *err;
  BodyValidator v(body);
  auto email = v.string("email", {.min_length = 1, .max_length = 254});
  auto password = v.string("password", {.min_length = 1, .max_length = 1024, .trim = false});
  if (auto err = v.finish()) return *err;

  auto found = domain::find_account_by_email(api.store, domain::normalize_email(*email));
  if (!found.ok()) throw unexpected(found.status(), "looking up an account");
  if (!found->has_value()) {
    // Same work and the same answer as a wrong password: no account enumeration.
    if (Status s = api.passwords.dummy_verify(*password); !s.ok()) throw unexpected(s, "login");
    return invalid_credentials();
  }
  const domain::Account& account = **found;
  auto match = api.passwords.verify(account.passwordHash, *password);
  if (!match.ok()) throw unexpected(match.status(), "checking a password");
  if (!*match) return invalid_credentials();
  if (!account.active) {
    return ApiError(403, error_code::kAccountDeactivated, "This account has been deactivated");
  }
  return session(api, row_of(account), 200);
}

Response me(ApiContext& api, RequestContext& ctx) {
  if (ctx.account) {
    return Response::ok([&](JsonWriter& w) { write_account(w, *ctx.account); });
  }
  const projections::AccountRow account = account_row(api, ctx.identity.accountId);
  return Response::ok([&](JsonWriter& w) { write_account(w, account); });
}

}  // namespace

void add_auth_routes(Router& router, ApiContext& api) {
  router.post("/api/auth/register",
              [&api](RequestContext& ctx) { return register_customer(api, ctx); },
              {.name = "auth.register",
               .tag = std::string(kTag),
               .summary = "Register a customer account and sign in",
               .rate_group = std::string(rate_group::kRegister),
               .request_schema = std::string(kRegisterSchema),
               .response_schema = std::string(kSessionSchema)});
  router.post("/api/auth/login", [&api](RequestContext& ctx) { return login(api, ctx); },
              {.name = "auth.login",
               .tag = std::string(kTag),
               .summary = "Sign in with e-mail and password; returns a bearer token",
               .rate_group = std::string(rate_group::kLogin),
               .request_schema = std::string(kLoginSchema),
               .response_schema = std::string(kSessionSchema)});
  router.get("/api/auth/me", [&api](RequestContext& ctx) { return me(api, ctx); },
             {.name = "auth.me",
              .tag = std::string(kTag),
              .summary = "The signed-in account",
              .access = Access::kAuthenticated,
              .response_schema = std::string(kMeSchema)});
}

}  // namespace docket::http

// Registering a route together with its request contract, so the contract the OpenAPI
// document shows is the one the handler's input was parsed with.
//
//   add_route(router, Method::kPost, "/api/support-inquiries/{id}/messages", meta,
//             post_message_contract,
//             [&](RequestContext& ctx, domain::PostInquiryMessage command) { ... });
//
// The handler runs after the guard middleware, with the body (or query) already
// parsed and valid; an invalid one is answered 400 VALIDATION_ERROR (415 for a body
// that is not JSON) without calling it. A coroutine handler (http/reply.h) takes the
// parsed value by value: it lives in the coroutine's frame.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "http/contract.h"
#include "http/json_body.h"
#include "http/query.h"
#include "http/request_context.h"
#include "http/router.h"

namespace docket::http {

// The request's body parsed by `contract`; throws the ApiError that refuses it.
template <typename Body>
Body parse_body(const BodyContract<Body>& contract, const RequestContext& ctx) {
  if (contract.body_optional() && ctx.request().body.empty()) return contract.empty();
  JsonView body;
  if (auto err = parse_json_body(ctx.request(), body)) throw *err;
  ValidationErrors errors;
  auto parsed = contract.parse(body, errors);
  if (!parsed.ok()) throw errors.to_api_error();
  return std::move(parsed).value();
}

// The request's query string parsed by `contract` onto `defaults`; throws the
// ApiError that refuses it.
template <typename Query>
Query parse_query(const QueryContract<Query>& contract, const RequestContext& ctx,
                  Query defaults = {}) {
  QueryParams params;
  if (auto err = QueryParams::parse(ctx.request().query, params)) throw *err;
  ValidationErrors errors;
  auto parsed = contract.parse(params.items(), errors, std::move(defaults));
  if (!parsed.ok()) throw errors.to_api_error();
  return std::move(parsed).value();
}

// A route whose request `contract` (a BodyContract or a QueryContract) parses into
// the handler's second argument.
template <typename Contract, typename Fn>
void add_route(Router& router, Method method, std::string_view pattern, RouteMeta meta,
               std::shared_ptr<Contract> contract, Fn fn) {
  if constexpr (Contract::kIsBody) {
    meta.body = contract;
  } else {
    meta.query = contract;
  }
  router.add(
      method, pattern,
      [contract, fn = std::move(fn)](RequestContext& ctx) -> Reply {
        if constexpr (Contract::kIsBody) {
          return fn(ctx, parse_body(*contract, ctx));
        } else {
          return fn(ctx, parse_query(*contract, ctx));
        }
      },
      std::move(meta));
}

}  // namespace docket::http

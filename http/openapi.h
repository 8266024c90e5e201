// The OpenAPI 3.1 document of the API, generated from the router's RouteMeta.
//
// Every route of Router::routes() becomes one operation under its pattern: `{param}`
// segments are required path parameters, RouteMeta::access is the operation's
// `security`, the request contracts (body and query, http/contract.h) and the response
// shape (http/shape.h) are written as JSON Schema from the same declarations the
// handlers parse and answer with, and the error responses of the contract
// (core/api_error.h) refer to one shared Error schema.
// Extensions: `x-permission` (the staff permission a kStaff route requires) and
// `x-rate-limit-group` (RouteMeta::rate_group). See docs/http.md, "OpenAPI".
#pragma once

#include <string>
#include <string_view>

namespace docket::http {

class Router;

// The document's `info` object.
struct OpenApiInfo {
  std::string title = "Docket";
  std::string version;      // the API's version, e.g. "0.1.0"
  std::string description;  // CommonMark; omitted when empty
  // The license the API is offered under (DOCKET_API_LICENSE_NAME / _URL).
  std::string license_name = "Proprietary";
  std::string license_url;  // omitted when empty
};

inline constexpr std::string_view kOpenApiPath = "/api/openapi.json";
// RouteMeta::name of the route serving the document.
inline constexpr std::string_view kOpenApiRouteName = "ops.openapi";

// The document as compact JSON text (always valid JSON). operationId is
// RouteMeta::name when it only holds
// [A-Za-z0-9._-], else that name with every other run of characters turned into `_`;
// a repeated id gets a `_2`, `_3`, … suffix.
// REQUIRES: no thread is adding routes to `router`. Does not keep references.
std::string openapi_document(const Router& router, const OpenApiInfo& info);

// Registers GET kOpenApiPath (public, tag "Operations", name kOpenApiRouteName). The
// first request builds the document from `router` once (std::call_once) and every
// request gets that cached text with `Content-Type: application/json; charset=utf-8`,
// not wrapped in the success envelope. Registering it last is not required: the
// document is built on first use, when the table is complete, and lists this route.
// REQUIRES: called during start-up like Router::add; no route is added after the first
// request is served. The route holds a reference to `router`, which owns it.
void add_openapi_route(Router& router, OpenApiInfo info);

}  // namespace docket::http

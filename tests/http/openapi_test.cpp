#include "http/openapi.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/permissions.h"
#include "core/metrics.h"
#include "events/event_store.h"
#include "http/contract.h"
#include "http/operations_routes.h"
#include "http/request.h"
#include "http/request_context.h"
#include "http/route_kit.h"
#include "http/router.h"
#include "http/service.h"
#include "projections/projection_engine.h"
#include "tests/support/test_support.h"

namespace docket::http {
namespace {

struct CreateBody {
  std::string subject;
};

std::shared_ptr<const BodyContract<CreateBody>> create_contract() {
  auto c = std::make_shared<BodyContract<CreateBody>>();
  c->field(Text("subject").length(1, 200), &CreateBody::subject);
  return c;
}

struct Inquiry {
  std::int64_t id = 0;
  std::string trackingCode;
};

const Shape<Inquiry>& inquiry_shape() {
  static const Shape<Inquiry> shape = [] {
    Shape<Inquiry> s;
    s.field("id", &Inquiry::id).field("trackingCode", &Inquiry::trackingCode);
    return s;
  }();
  return shape;
}

constexpr std::string_view kInquiryDataSchema =
    R"({"type":"object","required":["id","trackingCode"],"properties":{"id":{"type":"integer"},)"
    R"("trackingCode":{"type":"string"}}})";

struct StatusBody {
  std::string status;
};

struct ListQuery {
  std::uint32_t page = 1;
  std::uint32_t pageSize = 20;
  std::string sortBy;
  bool ascending = false;
};

struct NoFields {};

Handler ok_handler() {
  return [](RequestContext&) { return Response::ok_json("null"); };
}

RouteMeta meta(std::string name, std::string tag, Access access) {
  RouteMeta m;
  m.name = std::move(name);
  m.tag = std::move(tag);
  m.summary = "Summary of " + m.name;
  m.access = access;
  return m;
}

// One route of each Access kind, path parameters of both types, schemas, a rate-limit
// group, a custom tag, an unnamed route, a repeated name and the non-JSON routes.
void add_sample_routes(Router& r) {
  RouteMeta create = meta("inquiries.create", "Support Inquiries", Access::kOptional);
  create.rate_group = "public.create";
  create.body = create_contract();
  create.response = schema_of(inquiry_shape());
  create.rerun_on_replay = false;
  r.post("/api/support-inquiries", ok_handler(), create);

  RouteMeta list = meta("inquiries.list", "Support Inquiries", Access::kCustomer);
  list.response = std::make_shared<ListShape<Inquiry>>(inquiry_shape());
  list.paginated = true;
  r.get("/api/support-inquiries", ok_handler(), list);

  r.get("/api/support-inquiries/{id}", ok_handler(),
        meta("inquiries.detail", "Support Inquiries", Access::kOptional));
  r.get("/api/support-inquiries/track/{trackingCode}", ok_handler(),
        meta("inquiries.track", "Support Inquiries", Access::kPublic));

  RouteMeta status = meta("inquiries.admin.status", "Support Inquiries (Admin)", Access::kStaff);
  status.permission = auth::Permission::kSupportInquiriesUpdate;
  auto status_body = std::make_shared<BodyContract<StatusBody>>();
  status_body->field(OneOf("status", {"open", "closed"}), &StatusBody::status);
  status.body = status_body;
  status.errors = {{404, "SUPPORT_INQUIRY_NOT_FOUND"},
                   {400, "SUPPORT_INQUIRY_CLOSED"},
                   {409, "INVALID_STATUS_TRANSITION"}};
  r.patch("/api/admin/support-inquiries/{id}/status", ok_handler(), status);

  RouteMeta link = meta("inquiries.admin.link", "Support Inquiries (Admin)", Access::kStaff);
  link.permission = auth::Permission::kSupportInquiriesUpdate;
  r.post("/api/admin/support-inquiries/{inquiryId}/link/{supportRequestId}", ok_handler(), link);

  r.get("/api/admin/whoami", ok_handler(), meta("staff.whoami", "Auth", Access::kStaff));
  r.get("/api/auth/me", ok_handler(), meta("auth.me", "Auth", Access::kAuthenticated));

  RouteMeta reg = meta("auth.register", "Auth", Access::kPublic);
  reg.rate_group = "auth.login";
  reg.body = std::make_shared<BodyContract<NoFields>>();
  r.post("/api/auth/register", ok_handler(), reg);

  r.get("/api/rooms/{room}", ok_handler(), meta("rooms.detail", "Realtime", Access::kCustomer));
  RouteMeta page = meta("rooms.list", "Realtime", Access::kCustomer);
  auto query = std::make_shared<QueryContract<ListQuery>>();
  add_paging(*query, {"createdAt", "updatedAt"}, 50);
  page.query = query;
  page.paginated = true;
  r.get("/api/rooms", ok_handler(), page);
  r.get("/unnamed/{id}", ok_handler());  // name defaults to "GET /unnamed/{id}"
  r.del("/api/support-inquiries/{id}", ok_handler(),
        meta("inquiries.detail", "Support Inquiries", Access::kCustomer));  // repeated name
  RouteMeta metrics = meta("ops.metrics", "Operations", Access::kPublic);
  metrics.fenced = false;
  r.get("/metrics", ok_handler(), metrics);
  add_openapi_route(r, {.title = "Docket", .version = "1.2.3", .description = "Test API"});
  REQUIRE(r.status().ok());
}

struct Document {
  simdjson::dom::parser parser;
  simdjson::dom::element root;

  explicit Document(const std::string& text) {
    const auto error = parser.parse(text).get(root);
    REQUIRE_MESSAGE(error == simdjson::SUCCESS, simdjson::error_message(error));
  }

  simdjson::dom::element operation(const Route& route) {
    std::string method(method_name(route.method));
    for (char& c : method)
      c = static_cast<char>(c - 'A' + 'a');
    simdjson::dom::element op;
    const auto error = root["paths"][route.pattern][method].get(op);
    REQUIRE_MESSAGE(error == simdjson::SUCCESS, route.pattern, " ", method, " is missing");
    return op;
  }
};

std::string json(simdjson::dom::element e) {
  return simdjson::minify(e);
}

std::string_view str(simdjson::simdjson_result<simdjson::dom::element> e) {
  std::string_view s;
  return e.get(s) == simdjson::SUCCESS ? s : std::string_view("<missing>");
}

std::string_view str(simdjson::dom::element e) {
  return str(simdjson::simdjson_result<simdjson::dom::element>(std::move(e)));
}

bool has(simdjson::simdjson_result<simdjson::dom::element> e) {
  return e.error() == simdjson::SUCCESS;
}

std::string expected_security(Access access) {
  switch (access) {
    case Access::kPublic:
      return "[]";
    case Access::kOptional:
      return R"([{},{"bearerAuth":[]},{"guestToken":[]}])";
    case Access::kCustomer:
    case Access::kAuthenticated:
    case Access::kStaff:
      return R"([{"bearerAuth":[]}])";
  }
  return "?";
}

// Every route: its operation exists, its path parameters are declared, its security
// matches its access, its tag is listed.
void check_every_route(const Router& router, Document& doc) {
  std::set<std::string_view> top_tags;
  for (simdjson::dom::element tag : doc.root["tags"].get_array()) {
    top_tags.insert(str(tag["name"]));
  }
  for (const Route& route : router.routes()) {
    CAPTURE(route.meta.name);
    simdjson::dom::element op = doc.operation(route);
    for (const std::string& name : route.param_names) {
      CAPTURE(name);
      bool found = false;
      for (simdjson::dom::element p : op["parameters"].get_array()) {
        if (str(p["name"]) != name) continue;
        found = true;
        CHECK(str(p["in"]) == "path");
        CHECK(json(p["required"].value()) == "true");
        const bool id = name == "id" || name.ends_with("Id");
        CHECK(str(p["schema"]["type"]) == (id ? "integer" : "string"));
        if (id) CHECK(json(p["schema"]["minimum"].value()) == "1");
      }
      CHECK(found);
    }
    CHECK(json(op["security"].value()) == expected_security(route.meta.access));
    if (!route.meta.tag.empty()) {
      CHECK(str(op["tags"].at(0)) == route.meta.tag);
      CHECK(top_tags.count(route.meta.tag) == 1);
    }
  }
}

// Every operationId of the document, REQUIREd unique.
std::vector<std::string_view> operation_ids(Document& doc) {
  std::vector<std::string_view> ids;
  std::set<std::string_view> seen;
  for (auto [path, item] : doc.root["paths"].get_object()) {
    for (auto [method, op] : item.get_object()) {
      const std::string_view id = str(op["operationId"]);
      CHECK_MESSAGE(seen.insert(id).second, "repeated operationId ", id);
      ids.push_back(id);
    }
  }
  return ids;
}

// Every "$ref" in `e` resolves inside the document.
void check_refs(Document& doc, simdjson::dom::element e) {
  if (simdjson::dom::object obj; e.get(obj) == simdjson::SUCCESS) {
    for (auto [key, value] : obj) {
      if (key == "$ref") {
        const std::string_view ref = str(value);
        REQUIRE(ref.starts_with("#/"));
        CHECK_MESSAGE(has(doc.root.at_pointer(ref.substr(1))), "dangling ", ref);
      } else {
        check_refs(doc, value);
      }
    }
  } else if (simdjson::dom::array arr; e.get(arr) == simdjson::SUCCESS) {
    for (simdjson::dom::element v : arr)
      check_refs(doc, v);
  }
}

const Route& route_named(const Router& router, std::string_view name) {
  for (const Route& r : router.routes())
    if (r.meta.name == name) return r;
  FAIL("no route ", name);
  return router.routes().front();
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("openapi document is OpenAPI 3.1 JSON with info, servers, tags and components") {
    Router r;
    add_sample_routes(r);
    Document doc(openapi_document(r, {.title = "Docket", .version = "0.1.0", .description = "d"}));
    CHECK(str(doc.root["openapi"]) == "3.1.0");
    CHECK(str(doc.root["info"]["title"]) == "Docket");
    CHECK(str(doc.root["info"]["version"]) == "0.1.0");
    CHECK(str(doc.root["info"]["description"]) == "d");
    CHECK(json(doc.root["servers"].value()) == R"([{"url":"/"}])");

    std::vector<std::string_view> tags;
    for (simdjson::dom::element tag : doc.root["tags"].get_array()) {
      tags.push_back(str(tag["name"]));
      if (tags.size() <= 10) CHECK(str(tag["description"]) != "<missing>");
    }
    CHECK(tags == std::vector<std::string_view>{"Support Inquiries",
                                                "Support Inquiries (Admin)",
                                                "Support Requests",
                                                "Support Requests (Admin)",
                                                "Public",
                                                "Feedback",
                                                "Feedback (Admin)",
                                                "Auth",
                                                "Staff (Admin)",
                                                "Agents",
                                                "Agents (Admin)",
                                                "Queue (Admin)",
                                                "SLA (Admin)",
                                                "Journeys (Admin)",
                                                "Journeys",
                                                "Attachments",
                                                "Support Tickets (seed 001)",
                                                "Analytics (Admin)",
                                                "Export (Admin)",
                                                "Operations",
                                                "Realtime"});
    CHECK(json(doc.root["info"]["license"].value()) == R"({"name":"Proprietary"})");

    CHECK(json(doc.root["components"]["securitySchemes"]["bearerAuth"].value()) ==
          R"j({"type":"http","scheme":"bearer","bearerFormat":"JWT",)j"
          R"j("description":"Customer or staff access token (JWT)"})j");
    CHECK(str(doc.root["components"]["securitySchemes"]["guestToken"]["scheme"]) == "bearer");
    CHECK(json(doc.root["components"]["schemas"]["Error"]["properties"]["success"].value()) ==
          R"({"const":false})");
    check_refs(doc, doc.root);
  }

  TEST_CASE("openapi document lists every route with parameters, security and tags") {
    Router r;
    add_sample_routes(r);
    Document doc(openapi_document(r, {}));
    check_every_route(r, doc);

    simdjson::dom::element link = doc.operation(route_named(r, "inquiries.admin.link"));
    CHECK(str(link["x-permission"]) == "SupportInquiries_UPDATE");
    CHECK_FALSE(has(link["x-rate-limit-group"]));
    CHECK_FALSE(has(doc.operation(route_named(r, "staff.whoami"))["x-permission"]));
    CHECK_FALSE(has(doc.operation(route_named(r, "inquiries.detail"))["x-permission"]));

    simdjson::dom::element create = doc.operation(route_named(r, "inquiries.create"));
    CHECK(str(create["x-rate-limit-group"]) == "public.create");
    CHECK(str(create["summary"]) == "Summary of inquiries.create");
    CHECK(json(create["requestBody"]["required"].value()) == "true");
    JsonWriter body;
    write_body_schema(body, *create_contract());
    CHECK(json(create["requestBody"]["content"]["application/json"]["schema"].value()) ==
          body.str());
    CHECK(
        json(create["requestBody"]["content"]["application/json"]["schema"]["examples"].value()) ==
        R"([{"subject":"x"}])");
    CHECK_FALSE(has(doc.operation(route_named(r, "inquiries.detail"))["requestBody"]));
  }

  TEST_CASE("openapi operationIds are unique; unnamed routes get the sanitized method and path") {
    Router r;
    add_sample_routes(r);
    Document doc(openapi_document(r, {}));
    const std::vector<std::string_view> ids = operation_ids(doc);
    CHECK(ids.size() == r.routes().size());
    const std::set<std::string_view> set(ids.begin(), ids.end());
    CHECK(set.count("GET_unnamed_id") == 1);
    CHECK(set.count("inquiries.detail") == 1);
    CHECK(set.count("inquiries.detail_2") == 1);
    CHECK(set.count("ops.openapi") == 1);
  }

  TEST_CASE("openapi responses follow the response and error contract") {
    Router r;
    add_sample_routes(r);
    Document doc(openapi_document(r, {}));

    SUBCASE("201 for create and register, 200 otherwise; data schema in the envelope") {
      simdjson::dom::element create =
          doc.operation(route_named(r, "inquiries.create"))["responses"];
      CHECK_FALSE(has(create["200"]));
      simdjson::dom::element schema = create["201"]["content"]["application/json"]["schema"];
      CHECK(json(schema["properties"]["success"].value()) == R"({"const":true})");
      CHECK(json(schema["properties"]["data"].value()) == kInquiryDataSchema);
      CHECK_FALSE(has(schema["properties"]["pagination"]));
      CHECK(has(doc.operation(route_named(r, "auth.register"))["responses"]["201"]));
      CHECK(has(doc.operation(route_named(r, "inquiries.admin.link"))["responses"]["200"]));
      simdjson::dom::element detail = doc.operation(route_named(r, "inquiries.detail"));
      CHECK(json(detail["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                       ["data"]
                           .value()) == "{}");
    }
    SUBCASE("lists carry pagination") {
      simdjson::dom::element list = doc.operation(route_named(r, "inquiries.list"));
      simdjson::dom::element schema =
          list["responses"]["200"]["content"]["application/json"]["schema"];
      CHECK(json(schema["required"].value()) == R"(["success","data","pagination"])");
      CHECK(str(schema["properties"]["pagination"]["$ref"]) == "#/components/schemas/Pagination");
      CHECK(json(schema["properties"]["data"].value()) ==
            std::string(R"({"type":"array","items":)") + std::string(kInquiryDataSchema) + "}");
      // No path or query parameters: only the consistency header.
      CHECK(json(list["parameters"].value()) ==
            R"([{"$ref":"#/components/parameters/MinEventId"}])");
      CHECK(str(list["responses"]["200"]["headers"]["X-Docket-Event-Id"]["$ref"]) ==
            "#/components/headers/EventId");
    }
    SUBCASE("the consistency headers: declared once, absent where reads never wait") {
      simdjson::dom::element header = doc.root["components"]["parameters"]["MinEventId"];
      CHECK(str(header["name"]) == "X-Docket-Min-Event-Id");
      CHECK(str(header["in"]) == "header");
      CHECK(str(header["schema"]["pattern"]) == "^[0-9]{1,19}$");
      CHECK(has(doc.root["components"]["headers"]["EventId"]["schema"]));
      simdjson::dom::element metrics = doc.operation(route_named(r, "ops.metrics"));
      CHECK_FALSE(has(metrics["parameters"]));
      CHECK_FALSE(has(metrics["responses"]["200"]["headers"]));
      CHECK_FALSE(has(doc.operation(route_named(r, "ops.openapi"))["parameters"]));
    }
    SUBCASE("metrics is text/plain and the document itself is not enveloped") {
      simdjson::dom::element metrics = doc.operation(route_named(r, "ops.metrics"))["responses"];
      CHECK(str(metrics["200"]["content"]["text/plain"]["schema"]["type"]) == "string");
      CHECK_FALSE(has(metrics["200"]["content"]["application/json"]));
      simdjson::dom::element self = doc.operation(route_named(r, "ops.openapi"))["responses"];
      CHECK(str(self["200"]["content"]["application/json"]["schema"]["type"]) == "object");
      CHECK_FALSE(has(self["200"]["content"]["application/json"]["schema"]["properties"]));
    }
    SUBCASE("error responses depend on body, parameters and access") {
      const auto codes = [&](std::string_view name) {
        std::string out;
        for (auto [code, value] : doc.operation(route_named(r, name))["responses"].get_object()) {
          if (code[0] >= '4') out.append(code).append(" ");
        }
        return out;
      };
      // POST and PATCH take Idempotency-Key: 409 IDEMPOTENCY_KEY_IN_USE, 422 on a reused key.
      CHECK(codes("inquiries.create") == "400 401 403 404 409 413 415 422 429 500 503 ");
      CHECK(codes("inquiries.detail") == "400 401 403 404 429 500 503 ");
      // A malformed X-Docket-Min-Event-Id is a VALIDATION_ERROR on any fenced route.
      CHECK(codes("staff.whoami") == "400 401 403 404 429 500 503 ");
      CHECK(codes("auth.me") == "400 401 403 404 429 500 503 ");
      CHECK(codes("ops.metrics") == "404 429 500 503 ");
      CHECK(codes("inquiries.track") == "400 404 429 500 503 ");
      simdjson::dom::element error = doc.root["components"]["responses"]["ValidationError"];
      CHECK(str(error["content"]["application/json"]["schema"]["$ref"]) ==
            "#/components/schemas/Error");
      CHECK(json(doc.root["components"]["schemas"]["Error"]["required"].value()) ==
            R"(["success","errorCode","message","details","requestId"])");
    }
    SUBCASE("POST and PATCH routes take Idempotency-Key") {
      const auto takes_key = [&](std::string_view name) {
        simdjson::dom::element op = doc.operation(route_named(r, name));
        if (!has(op["parameters"])) return false;
        for (simdjson::dom::element p : op["parameters"].get_array()) {
          if (has(p["$ref"]) && str(p["$ref"]) == "#/components/parameters/IdempotencyKey") {
            return true;
          }
        }
        return false;
      };
      CHECK(takes_key("inquiries.create"));
      CHECK(takes_key("inquiries.admin.status"));
      CHECK_FALSE(takes_key("inquiries.detail"));
      // Only a route whose answer holds a new guest token answers IDEMPOTENCY_RESPONSE_LOST.
      const auto lost = [&](std::string_view name) {
        return json(
                   doc.operation(route_named(r, name))["responses"]["409"]["x-error-codes"].value())
                   .find("IDEMPOTENCY_RESPONSE_LOST") != std::string::npos;
      };
      CHECK(lost("inquiries.create"));
      CHECK_FALSE(lost("inquiries.admin.status"));
      CHECK(str(doc.root["components"]["parameters"]["IdempotencyKey"]["name"]) ==
            "Idempotency-Key");
    }
    SUBCASE("a route's domain codes are merged into the responses of their status") {
      simdjson::dom::element status =
          doc.operation(route_named(r, "inquiries.admin.status"))["responses"];
      // 400 and 404 join the generic answers of that status; 409 is the route's own.
      CHECK(json(status["400"]["x-error-codes"].value()) == R"(["SUPPORT_INQUIRY_CLOSED"])");
      CHECK(str(status["400"]["description"])
                .starts_with("SUPPORT_INQUIRY_CLOSED; or VALIDATION_ERROR"));
      CHECK(json(status["404"]["x-error-codes"].value()) == R"(["SUPPORT_INQUIRY_NOT_FOUND"])");
      CHECK(json(status["409"]["x-error-codes"].value()) ==
            R"(["INVALID_STATUS_TRANSITION","IDEMPOTENCY_KEY_IN_USE"])");
      CHECK(str(status["409"]["description"]) ==
            "INVALID_STATUS_TRANSITION, IDEMPOTENCY_KEY_IN_USE");
      CHECK(json(status["422"]["x-error-codes"].value()) == R"(["IDEMPOTENCY_KEY_MISMATCH"])");
      CHECK(str(status["409"]["content"]["application/json"]["schema"]["$ref"]) ==
            "#/components/schemas/Error");
      CHECK(str(status["401"]["$ref"]) == "#/components/responses/Unauthorized");
      // A route without domain codes refers to the shared responses only.
      CHECK_FALSE(has(
          doc.operation(route_named(r, "inquiries.detail"))["responses"]["404"]["x-error-codes"]));
    }
  }

  TEST_CASE("openapi documents query parameters from the query contract, and a license") {
    Router r;
    add_sample_routes(r);
    Document doc(openapi_document(r, {.title = "Docket",
                                      .version = "1",
                                      .license_name = "MIT",
                                      .license_url = "https://opensource.org/license/mit"}));
    CHECK(json(doc.root["info"]["license"].value()) ==
          R"({"name":"MIT","url":"https://opensource.org/license/mit"})");
    simdjson::dom::element page = doc.operation(route_named(r, "rooms.list"));
    std::vector<std::string> params;
    for (simdjson::dom::element p : page["parameters"].get_array()) {
      if (has(p["$ref"])) continue;  // the consistency header
      CHECK(str(p["in"]) == "query");
      CHECK(json(p["required"].value()) == "false");
      params.emplace_back(str(p["name"]));
    }
    CHECK(params == std::vector<std::string>{"page", "pageSize", "sortBy", "sortOrder"});
    CHECK(json(page["parameters"].at(1)["schema"].value()) ==
          R"({"type":"integer","minimum":1,"maximum":50,"default":20})");
    // A query contract means a VALIDATION_ERROR answer is possible.
    CHECK(has(page["responses"]["400"]));
    // A body that may be left out is not required.
    Router optional;
    RouteMeta review = meta("feedback.review", "Feedback", Access::kStaff);
    auto none = std::make_shared<BodyContract<NoFields>>();
    none->optional_body();
    review.body = none;
    optional.patch("/review", ok_handler(), review);
    Document opt(openapi_document(optional, {}));
    CHECK(json(opt.operation(route_named(optional, "feedback.review"))["requestBody"]["required"]
                   .value()) == "false");
  }

  TEST_CASE("GET /api/openapi.json serves the document built once, not enveloped") {
    Router r;
    add_sample_routes(r);
    HttpService service(r);
    const auto get = [&] {
      RequestData req(Method::kGet, std::string(kOpenApiPath));
      return service.handle(req.view(), std::chrono::steady_clock::now());
    };
    const Response first = get();
    CHECK(first.status() == 200);
    CHECK(first.content_type() == "application/json; charset=utf-8");
    CHECK(first.body() ==
          openapi_document(r, {.title = "Docket", .version = "1.2.3", .description = "Test API"}));
    Document doc(first.body());
    CHECK_FALSE(has(doc.root["success"]));
    CHECK(has(doc.root["paths"]["/api/openapi.json"]["get"]));
    CHECK(get().body() == first.body());
  }

  TEST_CASE("the production route table is fully documented") {
    // The routes cli/server_runtime.cpp registers, in the same order.
    docket::testing::TempDir dir;
    events::StoreOptions store_options;
    store_options.path = dir.sub("log");
    auto store = events::EventStore::open(store_options);
    REQUIRE(store.ok());
    projections::ProjectionEngine engine(dir.sub("projections"), **store, {});
    MetricsRegistry metrics;
    Router r;
    add_operations_routes(r, **store, engine, metrics);
    add_openapi_route(r, {.title = "Docket", .version = "0.1.0", .description = ""});
    REQUIRE(r.status().ok());

    Document doc(openapi_document(r, {.title = "Docket", .version = "0.1.0", .description = ""}));
    check_every_route(r, doc);
    check_refs(doc, doc.root);
    CHECK(operation_ids(doc).size() == r.routes().size());
    for (std::string_view path :
         {"/healthz", "/readyz", "/api/support/health", "/metrics", "/api/openapi.json"}) {
      CHECK_MESSAGE(has(doc.root["paths"][path]["get"]), path);
    }
  }
}

}  // namespace docket::http

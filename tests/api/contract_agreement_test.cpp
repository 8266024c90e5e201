// The validator and the document agree, route by route. The test reads the served
// /api/openapi.json of the production router and, for every operation:
//   * sends the request body's own example: it is not refused as VALIDATION_ERROR;
//   * breaks each constraint the schema states (type, enum, length, pattern, format,
//     minimum/maximum, items, required, an unknown field) one at a time: each is
//     refused with 400 VALIDATION_ERROR naming the field;
//   * does the same for every query parameter, and for a non-canonical path id;
//   * sends a body to a route that documents none: refused.
// A constraint the document states and the server does not enforce (or the reverse,
// for every example) fails here.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "core/json_writer.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// A string the schema's `pattern` refuses, or "" when there is no pattern we know how
// to break: a character outside a "^[class]*$" pattern, or a control character.
std::string pattern_breaker(std::string_view pattern) {
  if (pattern.empty()) return {};
  if (pattern.starts_with("^[^")) return "a\x01z";  // no control characters
  if (pattern.starts_with("^[")) return "~";        // no class of ours has '~'
  return {};
}

// A character a "^[class]*$" pattern accepts, to build strings of a given length.
char pattern_char(std::string_view pattern) {
  if (pattern.starts_with("^[") && !pattern.starts_with("^[^") && pattern.size() > 2) {
    return pattern[2];
  }
  return 'x';
}

// Violating values of one property (JSON text), each with what it breaks.
std::vector<std::pair<std::string, std::string>> violations(element schema, bool nullable_ok) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string type;
  if (std::string_view t; schema["type"].get(t) == simdjson::SUCCESS) {
    type = std::string(t);
  } else if (simdjson::dom::array types; schema["type"].get(types) == simdjson::SUCCESS) {
    type = std::string(types.at(0).get_string().value());
  }
  if (type == "string") {
    out.emplace_back("12345", "type");
  } else if (type == "integer") {
    out.emplace_back(R"("1")", "type");
    out.emplace_back("1.5", "type");
  } else if (type == "boolean" || type == "object" || type == "array") {
    out.emplace_back(R"("x")", "type");
  }
  if (!nullable_ok) out.emplace_back("null", "null");
  if (simdjson::dom::array values; schema["enum"].get(values) == simdjson::SUCCESS) {
    out.emplace_back(R"("not-one-of-them")", "enum");
  }
  std::string_view pattern;
  if (schema["pattern"].get(pattern) != simdjson::SUCCESS) pattern = {};
  const char fill = pattern_char(pattern);
  if (std::int64_t min = 0; schema["minLength"].get(min) == simdjson::SUCCESS && min > 0) {
    out.emplace_back("\"" + std::string(static_cast<std::size_t>(min - 1), fill) + "\"",
                     "minLength");
  }
  if (std::int64_t max = 0; schema["maxLength"].get(max) == simdjson::SUCCESS && max < 5000) {
    out.emplace_back("\"" + std::string(static_cast<std::size_t>(max + 1), fill) + "\"",
                     "maxLength");
  }
  if (const std::string bad = pattern_breaker(pattern); !bad.empty()) {
    JsonWriter w;
    w.value(bad);
    out.emplace_back(w.take(), "pattern");
  }
  if (std::string_view format;
      schema["format"].get(format) == simdjson::SUCCESS && format == "email") {
    out.emplace_back(R"("not-an-email")", "format");
  }
  if (std::int64_t min = 0; schema["minimum"].get(min) == simdjson::SUCCESS && min > INT64_MIN) {
    out.emplace_back(std::to_string(min - 1), "minimum");
  }
  if (std::int64_t max = 0; schema["maximum"].get(max) == simdjson::SUCCESS && max < INT64_MAX) {
    out.emplace_back(std::to_string(max + 1), "maximum");
  }
  if (type == "array") {
    element items = schema["items"];
    if (simdjson::dom::array values; items["enum"].get(values) == simdjson::SUCCESS) {
      out.emplace_back(R"(["not-one-of-them"])", "items.enum");
      if (std::int64_t max = 0; schema["maxItems"].get(max) == simdjson::SUCCESS) {
        std::string many = "[";
        for (std::int64_t i = 0; i <= max; ++i)
          many += (i ? "," : "") + simdjson::minify(values.at(0));
        out.emplace_back(many + "]", "maxItems");
      }
    }
    out.emplace_back("[7]", "items.type");
  }
  return out;
}

// `example` with member `name` set to `value` (added when absent); without it when
// `value` is empty.
std::string with_member(object example, std::string_view name, std::string_view value) {
  JsonWriter w;
  w.begin_object();
  bool seen = false;
  for (auto [key, v] : example) {
    if (key == name) {
      seen = true;
      if (!value.empty()) w.key(key).raw(value);
    } else {
      w.key(key).raw(simdjson::minify(v));
    }
  }
  if (!seen && !value.empty()) w.key(name).raw(value);
  w.end_object();
  return w.take();
}

bool names_field(const ApiResponse& r, std::string_view field) {
  if (r.status != 400 || r.error_code() != "VALIDATION_ERROR") return false;
  simdjson::dom::array details;
  if (r.json["details"].get(details) != simdjson::SUCCESS) return false;
  for (element d : details) {
    std::string_view f;
    if (d["field"].get(f) != simdjson::SUCCESS) continue;
    if (f == field || (f.starts_with(field) && f.size() > field.size() && f[field.size()] == '['))
      return true;
  }
  return false;
}

struct Caller {
  ApiServer& server;
  std::string customer;
  std::string admin;

  // The credential a route lets in: none for public routes, the admin's for staff
  // routes, else the customer's (or the admin's where a customer is refused).
  std::string token_for(element op, std::string_view method, const std::string& path) {
    simdjson::dom::array security;
    if (op["security"].get(security) != simdjson::SUCCESS || security.size() == 0) return {};
    if (op["x-permission"].error() == simdjson::SUCCESS) return admin;
    ApiResponse probe = server.call(method, path, {}, customer);
    const std::string code = probe.error_code();
    if (probe.status == 403 && code == "FORBIDDEN") return admin;
    return customer;
  }
};

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("every route's validator and its OpenAPI document agree") {
    ApiServer server;
    Caller caller{server, server.register_customer("contract@example.com"), server.admin_token()};
    REQUIRE_FALSE(caller.admin.empty());

    ApiResponse doc_response = server.call("GET", "/api/openapi.json");
    REQUIRE(doc_response.status == 200);
    simdjson::dom::parser parser;
    element doc = parser.parse(doc_response.raw.body);

    std::size_t operations = 0, bodies = 0, body_violations = 0, query_violations = 0;
    for (auto [pattern, item] : doc["paths"].get_object()) {
      for (auto [method_lower, op] : item.get_object()) {
        ++operations;
        std::string method(method_lower);
        for (char& c : method)
          c = static_cast<char>(c - 'a' + 'A');
        // Path parameters: ids that exist nowhere, names "x".
        std::string path(pattern);
        std::vector<std::string> id_params;
        if (simdjson::dom::array params; op["parameters"].get(params) == simdjson::SUCCESS) {
          for (element p : params) {
            if (p["$ref"].error() == simdjson::SUCCESS) continue;  // the shared header
            if (std::string_view(p["in"].get_string().value()) != "path") continue;
            const std::string name(p["name"].get_string().value());
            const bool id = std::string_view(p["schema"]["type"].get_string().value()) == "integer";
            if (id) id_params.push_back(name);
            path.replace(path.find("{" + name + "}"), name.size() + 2, id ? "999999" : "x");
          }
        }
        CAPTURE(method);
        CAPTURE(path);
        const std::string token = caller.token_for(op, method, path);

        // Body: the example passes; each broken constraint is refused naming the field.
        element body_schema = doc["openapi"];  // a string: no body
        if (op["requestBody"]["content"]["application/json"]["schema"].get(body_schema) ==
            simdjson::SUCCESS) {
          ++bodies;
          const std::string example = simdjson::minify(body_schema["examples"].at(0));
          ApiResponse ok = server.call(method, path, example, token);
          CHECK_MESSAGE(ok.error_code() != "VALIDATION_ERROR", example, " -> ", ok.raw.body);
          simdjson::dom::parser example_parser;
          object example_object = example_parser.parse(example).get_object();
          std::vector<std::string_view> required;
          for (element r : body_schema["required"].get_array())
            required.push_back(r.get_string().value());
          for (auto [name, property] : body_schema["properties"].get_object()) {
            const bool required_here =
                std::find(required.begin(), required.end(), name) != required.end();
            bool nullable = !required_here;
            if (simdjson::dom::array types; property["type"].get(types) == simdjson::SUCCESS) {
              for (element t : types)
                if (std::string_view(t.get_string().value()) == "null") nullable = true;
            }
            for (const auto& [value, rule] : violations(property, nullable)) {
              CAPTURE(name);
              CAPTURE(rule);
              const std::string bad = with_member(example_object, name, value);
              ApiResponse refused = server.call(method, path, bad, token);
              CHECK_MESSAGE(names_field(refused, name), bad, " -> ", refused.raw.body);
              ++body_violations;
            }
            if (required_here) {
              const std::string missing = with_member(example_object, name, "");
              ApiResponse refused = server.call(method, path, missing, token);
              CHECK_MESSAGE(names_field(refused, name), missing, " -> ", refused.raw.body);
              ++body_violations;
            }
          }
          const std::string unknown = with_member(example_object, "notAField", "1");
          CHECK_MESSAGE(names_field(server.call(method, path, unknown, token), "notAField"),
                        unknown);
        } else if (op["requestBody"]["content"]["multipart/form-data"].error() ==
                   simdjson::SUCCESS) {
          // An upload: JSON is not a file type it takes.
          ApiResponse refused = server.call(method, path, R"({"anything":1})", token);
          CHECK_MESSAGE(refused.status == 415, refused.raw.body);
        } else {
          ApiResponse refused = server.call(method, path, R"({"anything":1})", token);
          CHECK_MESSAGE(names_field(refused, "body"), refused.raw.body);
        }

        // Query parameters, one broken at a time; an undeclared one is refused.
        bool has_query = false;
        if (simdjson::dom::array params; op["parameters"].get(params) == simdjson::SUCCESS) {
          for (element p : params) {
            if (p["$ref"].error() == simdjson::SUCCESS) continue;
            if (std::string_view(p["in"].get_string().value()) != "query") continue;
            has_query = true;
            const std::string name(p["name"].get_string().value());
            element schema = p["schema"];
            std::vector<std::pair<std::string, std::string>> values;
            if (schema["oneOf"].error() == simdjson::SUCCESS) {
              values.emplace_back("nobody", "oneOf");
            } else {
              for (const auto& [json, rule] : violations(schema, true)) {
                if (rule == "null" || rule.starts_with("items")) continue;
                simdjson::dom::parser value_parser;
                element v = value_parser.parse(json);
                std::string text;
                if (std::string_view s; v.get(s) == simdjson::SUCCESS) {
                  text = std::string(s);
                } else {
                  text = json;
                }
                const std::string_view type = schema["type"].get_string().value_unsafe();
                // Every query value is text: a string parameter has no type to break,
                // and an integer's is broken by words, not by a quoted number.
                if (rule == "type" && type == "string") continue;
                if (rule == "type" && type == "integer") text = "x";
                // An empty value means "absent" (documented), not a short one.
                if (text.empty()) continue;
                values.emplace_back(text, rule);
              }
            }
            if (std::string_view(schema["type"].get_string().value_unsafe()) == "string" &&
                schema["pattern"].error() == simdjson::SUCCESS &&
                std::string_view(schema["pattern"].get_string().value()).starts_with("^[0-9]{4}")) {
              values.emplace_back("2021-02-29", "calendar");
              values.emplace_back("2020-13-45T25:61:61Z", "calendar");
            }
            for (const auto& [value, rule] : values) {
              CAPTURE(name);
              CAPTURE(rule);
              const std::string url = path + "?" + name + "=" + percent_encode(value);
              ApiResponse refused = server.call(method, url, {}, token);
              CHECK_MESSAGE(names_field(refused, name), url, " -> ", refused.raw.body);
              ++query_violations;
            }
          }
        }
        if (has_query) {
          ApiResponse ok = server.call(method, path, {}, token);
          CHECK_MESSAGE(ok.error_code() != "VALIDATION_ERROR", ok.raw.body);
          CHECK(names_field(server.call(method, path + "?notAParameter=1", {}, token),
                            "notAParameter"));
        }
        // Ids are canonical decimals: a leading zero names no record.
        if (!id_params.empty()) {
          std::string zero = path;
          zero.replace(zero.find("999999"), 6, "0999999");
          std::string example;
          if (body_schema.is_object()) example = simdjson::minify(body_schema["examples"].at(0));
          ApiResponse refused = server.call(method, zero, example, token);
          CHECK_MESSAGE(names_field(refused, id_params.front()), zero, " -> ", refused.raw.body);
        }
      }
    }
    // The walk covered the API, not an empty document.
    CHECK(operations >= 45);
    CHECK(bodies >= 20);
    CHECK(body_violations >= 100);
    CHECK(query_violations >= 40);
    MESSAGE(operations, " operations, ", bodies, " bodies, ", body_violations, " body violations, ",
            query_violations, " query violations");
  }
}

}  // namespace docket::api_testing

#include "http/validation.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

#include "http/json_body.h"

namespace docket::http {
namespace {

// Parses `json` (an object) and keeps it alive for the validator.
struct Body {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  explicit Body(const std::string& json) {
    REQUIRE(parser.parse(json).get_object().get(object) == simdjson::SUCCESS);
  }
};

// "field:rule" for each failure, in order.
std::vector<std::string> failures(const ValidationErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors.items())
    out.push_back(e.field + ":" + e.rule);
  return out;
}

Request json_request(RequestData& data) {
  return data.view();
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("strings: required, trimmed, bounded in code points") {
    Body b(R"({"subject":"  Login fails  ","name":"","long":"ééééé","ctl":"a\u0001b",
               "multi":"line1\nline2","num":5,"nul":null})");
    BodyValidator v(b.object);
    CHECK(v.string("subject", {.min_length = 1, .max_length = 200}) == "Login fails");
    CHECK_FALSE(v.string("name", {.min_length = 1}).has_value());
    CHECK(v.string("long", {.max_length = 5}) == "ééééé");  // 5 code points, 10 bytes
    CHECK_FALSE(v.string("ctl", {}).has_value());
    CHECK_FALSE(v.string("multi", {}).has_value());
    CHECK(v.string("multi", {.allow_line_breaks = true}) == "line1\nline2");
    CHECK_FALSE(v.string("num", {}).has_value());
    CHECK_FALSE(v.string("nul", {}).has_value());
    CHECK_FALSE(v.string("missing", {}).has_value());
    CHECK_FALSE(v.string("optional", {.presence = Presence::kOptional}).has_value());
    CHECK(failures(v.errors()) == std::vector<std::string>{"name:minLength", "ctl:format",
                                                           "multi:format", "num:type", "nul:type",
                                                           "missing:required"});
  }

  TEST_CASE("strings: too long, and optional null means absent") {
    Body b(R"({"a":"abcdef","b":null})");
    BodyValidator v(b.object);
    CHECK_FALSE(v.string("a", {.max_length = 5}).has_value());
    CHECK_FALSE(v.string("b", {.presence = Presence::kOptional}).has_value());
    CHECK(failures(v.errors()) == std::vector<std::string>{"a:maxLength"});
  }

  TEST_CASE("email is normalised and checked") {
    Body b(R"({"ok":"  Jane.Doe+tag@Example.COM ","bad1":"no-at","bad2":"a@b","bad3":"a@@b.com",
               "bad4":"a b@c.com","bad5":"a@-x.com","bad6":"a@x.123","bad7":".a@x.com"})");
    BodyValidator v(b.object);
    CHECK(v.email("ok", Presence::kRequired) == "jane.doe+tag@example.com");
    for (const char* f : {"bad1", "bad2", "bad3", "bad4", "bad5", "bad6", "bad7"}) {
      CAPTURE(f);
      CHECK_FALSE(v.email(f, Presence::kRequired).has_value());
    }
    CHECK(v.errors().items().size() == 7);
    CHECK(v.errors().items()[0].rule == "email");
    CHECK_FALSE(is_valid_email(std::string(250, 'a') + "@x.com"));
  }

  TEST_CASE("enumerations, integers, booleans") {
    Body b(R"({"category":"billing","bad":"other","n":5,"low":0,"high":101,"frac":1.5,
               "exp":1e3,"huge":18446744073709551615,"str":"5","flag":true,"notflag":"true"})");
    BodyValidator v(b.object);
    CHECK(v.enumeration("category", {"general", "billing"}, Presence::kRequired) == "billing");
    CHECK_FALSE(v.enumeration("bad", {"general", "billing"}, Presence::kRequired).has_value());
    CHECK(v.integer("n", {.min = 1, .max = 100}) == 5);
    CHECK_FALSE(v.integer("low", {.min = 1, .max = 100}).has_value());
    CHECK_FALSE(v.integer("high", {.min = 1, .max = 100}).has_value());
    CHECK_FALSE(v.integer("frac", {}).has_value());
    CHECK_FALSE(v.integer("exp", {}).has_value());
    CHECK_FALSE(v.integer("huge", {}).has_value());
    CHECK_FALSE(v.integer("str", {}).has_value());
    CHECK(v.boolean("flag", Presence::kRequired) == true);
    CHECK_FALSE(v.boolean("notflag", Presence::kRequired).has_value());
    CHECK(failures(v.errors()) == std::vector<std::string>{"bad:enum", "low:min", "high:max",
                                                           "frac:type", "exp:type", "huge:max",
                                                           "str:type", "notflag:type"});
    CHECK(v.errors().items()[0].message == "bad must be one of: general, billing");
  }

  TEST_CASE("nullable ids distinguish absent, null and a value") {
    Body b(R"({"assignedAdminId":null,"supportRequestId":12,"zero":0,"text":"3",
               "big":9007199254740992})");
    BodyValidator v(b.object);
    const NullableId unassign = v.nullable_id("assignedAdminId", Presence::kRequired);
    CHECK(unassign.present);
    CHECK_FALSE(unassign.value.has_value());
    const NullableId link = v.nullable_id("supportRequestId", Presence::kOptional);
    CHECK(link.present);
    CHECK(link.value == 12);
    const NullableId absent = v.nullable_id("customerId", Presence::kOptional);
    CHECK_FALSE(absent.present);
    CHECK_FALSE(v.nullable_id("zero", Presence::kOptional).value.has_value());
    CHECK_FALSE(v.nullable_id("text", Presence::kOptional).value.has_value());
    CHECK_FALSE(v.nullable_id("big", Presence::kOptional).value.has_value());
    CHECK_FALSE(v.nullable_id("required", Presence::kRequired).present);
    CHECK(failures(v.errors()) ==
          std::vector<std::string>{"zero:min", "text:type", "big:max", "required:required"});
  }

  TEST_CASE("unknown and repeated fields are rejected; all failures are reported") {
    Body b(R"({"subject":"","status":"closed","customerId":5,"message":"hi","message":"again"})");
    BodyValidator v(b.object);
    v.string("subject", {.min_length = 1});
    v.string("message", {});
    const std::optional<ApiError> error = v.finish();
    REQUIRE(error.has_value());
    CHECK(error->status() == 400);
    CHECK(error->code() == "VALIDATION_ERROR");
    CHECK(failures(v.errors()) == std::vector<std::string>{"subject:minLength", "status:unknown",
                                                           "customerId:unknown",
                                                           "message:duplicate"});
    CHECK(
        error->details_json() ==
        R"([{"field":"subject","rule":"minLength","message":"subject must not be empty"},)"
        R"({"field":"status","rule":"unknown","message":"status is not an accepted field"},)"
        R"({"field":"customerId","rule":"unknown","message":"customerId is not an accepted field"},)"
        R"({"field":"message","rule":"duplicate","message":"message appears more than once"}])");
  }

  TEST_CASE("a valid body finishes without error") {
    Body b(R"({"subject":"Hello","priority":2})");
    BodyValidator v(b.object);
    CHECK(v.string("subject", {.min_length = 1}) == "Hello");
    CHECK(v.integer("priority", {.presence = Presence::kOptional, .min = 1, .max = 5}) == 2);
    CHECK(v.boolean("urgent", Presence::kOptional) == std::nullopt);
    CHECK_FALSE(v.finish().has_value());
  }

  TEST_CASE("cross-field failures join the list") {
    Body b(R"({"status":"open","resolutionNotes":"done"})");
    BodyValidator v(b.object);
    auto status = v.enumeration("status", {"open", "resolved"}, Presence::kRequired);
    auto notes = v.string("resolutionNotes", {.presence = Presence::kOptional});
    if (notes && status == "open") {
      v.fail("resolutionNotes", "state", "resolution notes need resolved or closed");
    }
    const auto error = v.finish();
    REQUIRE(error.has_value());
    CHECK(failures(v.errors()) == std::vector<std::string>{"resolutionNotes:state"});
  }

  TEST_CASE("error details are bounded") {
    std::string json = "{";
    for (int i = 0; i < 500; ++i)
      json += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    json += "}";
    Body b(json);
    BodyValidator v(b.object);
    REQUIRE(v.finish().has_value());
    CHECK(v.errors().items().size() == ValidationErrors::kMaxItems);
  }

  TEST_CASE("JSON content types") {
    CHECK(is_json_content_type("application/json"));
    CHECK(is_json_content_type("Application/JSON; charset=UTF-8"));
    CHECK(is_json_content_type("application/json;charset=\"utf-8\""));
    CHECK_FALSE(is_json_content_type("application/json; charset=latin1"));
    CHECK_FALSE(is_json_content_type("text/plain"));
    CHECK_FALSE(is_json_content_type("application/jsonx"));
    CHECK_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
    CHECK_FALSE(is_json_content_type(""));
  }

  TEST_CASE("request bodies: media type, syntax, shape") {
    simdjson::dom::object out;
    SUBCASE("an object parses") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "application/json").body(R"({"a":1})");
      const Request r = json_request(d);
      REQUIRE_FALSE(parse_json_object(r, out).has_value());
      CHECK(out["a"].get_int64().value() == 1);
    }
    SUBCASE("wrong or missing content type is 415") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "text/plain").body(R"({"a":1})");
      CHECK(parse_json_object(json_request(d), out)->status() == 415);
      RequestData none(Method::kPost, "/x");
      none.body(R"({"a":1})");
      CHECK(parse_json_object(json_request(none), out)->code() == "UNSUPPORTED_MEDIA_TYPE");
    }
    SUBCASE("no body is a validation error") {
      RequestData d(Method::kPost, "/x");
      const auto e = parse_json_object(json_request(d), out);
      REQUIRE(e.has_value());
      CHECK(e->status() == 400);
      RequestData blank(Method::kPost, "/x");
      blank.header("Content-Type", "application/json").body("  ");
      CHECK(parse_json_object(json_request(blank), out)->status() == 400);
    }
    SUBCASE("malformed JSON says where") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "application/json").body(R"({"a": 1,})");
      const auto e = parse_json_object(json_request(d), out);
      REQUIRE(e.has_value());
      CHECK(e->status() == 400);
      CHECK(e->code() == "VALIDATION_ERROR");
      CHECK(e->details_json().find(R"("field":"body","rule":"json")") != std::string::npos);
      CHECK(e->details_json().find("near byte 8") != std::string::npos);
    }
    SUBCASE("a non-object is rejected") {
      for (const char* body : {"[1,2]", "\"text\"", "42", "null"}) {
        CAPTURE(body);
        RequestData d(Method::kPost, "/x");
        d.header("Content-Type", "application/json").body(body);
        const auto e = parse_json_object(json_request(d), out);
        REQUIRE(e.has_value());
        CHECK(e->details_json().find("must be a JSON object") != std::string::npos);
      }
    }
  }
}

}  // namespace docket::http

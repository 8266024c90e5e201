// Request contracts (http/contract.h): what a declared body or query accepts, how it
// parses into the handler's struct, the failures it reports, and the JSON Schema it
// writes for the OpenAPI document.
#include "http/contract.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

#include "core/json_view.h"
#include "http/endpoint.h"
#include "http/json_body.h"
#include "http/route_kit.h"

namespace docket::http {
namespace {

// "field:rule" for each failure, in order.
std::vector<std::string> failures(const ValidationErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors.items())
    out.push_back(e.field + ":" + e.rule);
  return out;
}

// Parses `json` with `contract`; `errors` receives the failures.
template <typename T>
Result<T> parse(const BodyContract<T>& contract, const std::string& json,
                ValidationErrors& errors) {
  static JsonDocument document;
  auto root = document.parse(json);
  REQUIRE(root.ok());
  return contract.parse(*root, errors);
}

struct Texts {
  std::string subject;
  std::optional<std::string> name;
  std::optional<std::string> note;
  std::optional<std::string> multi;
  std::optional<std::string> password;
};

BodyContract<Texts> texts() {
  BodyContract<Texts> c;
  c.field(Text("subject").length(1, 5), &Texts::subject)
      .field(Text("name").length(1, 100), &Texts::name)
      .field(Text("note").chars("a-z0-9_-"), &Texts::note)
      .field(Text("multi").with_line_breaks(), &Texts::multi)
      .field(Text("password").length(2, 10).untrimmed(), &Texts::password);
  return c;
}

Request as_request(RequestData& data) {
  return data.view();
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("contracts: strings are trimmed and bounded in code points") {
    const auto c = texts();
    ValidationErrors errors;
    auto ok =
        parse(c, R"({"subject":"  ééééé  ","multi":"line1\nline2","password":" pw "})", errors);
    REQUIRE_MESSAGE(ok.ok(), errors.to_api_error().details_json());
    CHECK(ok->subject == "ééééé");  // 5 code points, 10 bytes
    CHECK_FALSE(ok->name.has_value());
    CHECK(ok->multi == "line1\nline2");
    CHECK(ok->password == " pw ");  // kept exactly as typed

    errors = {};
    CHECK_FALSE(parse(c,
                      R"({"subject":"abcdef","name":"","note":"A","multi":"a\u0001b",)"
                      R"("password":"x\ny"})",
                      errors)
                    .ok());
    CHECK(failures(errors) == std::vector<std::string>{"subject:maxLength", "name:minLength",
                                                       "note:format", "multi:format",
                                                       "password:format"});
  }

  TEST_CASE("contracts: type, null and presence") {
    const auto c = texts();
    ValidationErrors errors;
    CHECK_FALSE(parse(c, R"({"name":5,"note":null})", errors).ok());
    // note: an optional null is absent; subject: missing; name: mistyped.
    CHECK(failures(errors) == std::vector<std::string>{"subject:required", "name:type"});
    errors = {};
    CHECK_FALSE(parse(c, R"({"subject":null})", errors).ok());
    CHECK(failures(errors) == std::vector<std::string>{"subject:type"});
  }

  TEST_CASE("contracts: e-mail addresses are normalised and checked") {
    struct B {
      std::string email;
    };
    BodyContract<B> c;
    c.field(Email("email"), &B::email);
    ValidationErrors errors;
    auto ok = parse(c, R"({"email":"  Jane.Doe+tag@Example.COM "})", errors);
    REQUIRE(ok.ok());
    CHECK(ok->email == "jane.doe+tag@example.com");
    for (const char* bad :
         {"no-at", "a@b", "a@@b.com", "a b@c.com", "a@-x.com", "a@x.123", ".a@x.com"}) {
      CAPTURE(bad);
      errors = {};
      CHECK_FALSE(parse(c, std::string(R"({"email":")") + bad + "\"}", errors).ok());
      CHECK(failures(errors) == std::vector<std::string>{"email:email"});
    }
    CHECK_FALSE(is_valid_email(std::string(250, 'a') + "@x.com"));
  }

  TEST_CASE("contracts: enumerations, integers, booleans") {
    struct B {
      std::string category;
      std::optional<std::int64_t> n;
      std::optional<bool> flag;
    };
    BodyContract<B> c;
    c.field(OneOf("category", {"general", "billing"}), &B::category)
        .field(Integer("n").range(1, 100), &B::n)
        .field(Boolean("flag"), &B::flag);
    ValidationErrors errors;
    auto ok = parse(c, R"({"category":"billing","n":5,"flag":true})", errors);
    REQUIRE(ok.ok());
    CHECK(ok->n == 5);
    CHECK(ok->flag == true);
    for (const auto& [body, expected] : std::vector<std::pair<std::string, std::string>>{
             {R"({"category":"other"})", "category:enum"},
             {R"({"category":"general","n":0})", "n:min"},
             {R"({"category":"general","n":101})", "n:max"},
             {R"({"category":"general","n":1.5})", "n:type"},
             {R"({"category":"general","n":1e3})", "n:type"},
             {R"({"category":"general","n":18446744073709551615})", "n:max"},
             {R"({"category":"general","n":"5"})", "n:type"},
             {R"({"category":"general","flag":"true"})", "flag:type"}}) {
      CAPTURE(body);
      errors = {};
      CHECK_FALSE(parse(c, body, errors).ok());
      CHECK(failures(errors) == std::vector<std::string>{expected});
    }
    errors = {};
    (void)parse(c, R"({"category":"other"})", errors);
    CHECK(errors.items()[0].message == "category must be one of: general, billing");
  }

  TEST_CASE("contracts: id-or-null fields tell absent, null and a value apart") {
    struct B {
      std::optional<std::int64_t> assignedAdminId;
      std::optional<std::int64_t> supportRequestId;
    };
    BodyContract<B> c;
    c.field(IdOrNull("assignedAdminId").must_send(), &B::assignedAdminId)
        .field(IdOrNull("supportRequestId"), &B::supportRequestId);
    ValidationErrors errors;
    auto unassign = parse(c, R"({"assignedAdminId":null})", errors);
    REQUIRE(unassign.ok());
    CHECK_FALSE(unassign->assignedAdminId.has_value());
    auto link = parse(c, R"({"assignedAdminId":3,"supportRequestId":12})", errors);
    REQUIRE(link.ok());
    CHECK(link->assignedAdminId == 3);
    CHECK(link->supportRequestId == 12);
    for (const auto& [body, expected] : std::vector<std::pair<std::string, std::string>>{
             {R"({})", "assignedAdminId:required"},
             {R"({"assignedAdminId":0})", "assignedAdminId:min"},
             {R"({"assignedAdminId":"3"})", "assignedAdminId:type"},
             {R"({"assignedAdminId":9007199254740992})", "assignedAdminId:max"}}) {
      CAPTURE(body);
      errors = {};
      CHECK_FALSE(parse(c, body, errors).ok());
      CHECK(failures(errors) == std::vector<std::string>{expected});
    }
  }

  TEST_CASE("contracts: unknown and repeated fields are refused; every failure is reported") {
    struct B {
      std::string subject;
      std::string message;
    };
    BodyContract<B> c;
    c.field(Text("subject").length(1, 200), &B::subject).field(Text("message"), &B::message);
    ValidationErrors errors;
    CHECK_FALSE(
        parse(c,
              R"({"subject":"","status":"closed","customerId":5,"message":"hi","message":"again"})",
              errors)
            .ok());
    CHECK(failures(errors) == std::vector<std::string>{"status:unknown", "customerId:unknown",
                                                       "message:duplicate", "subject:minLength"});
    const ApiError error = errors.to_api_error();
    CHECK(error.status() == 400);
    CHECK(error.code() == "VALIDATION_ERROR");
    CHECK(
        error.details_json().find(
            R"({"field":"status","rule":"unknown","message":"status is not an accepted field"})") !=
        std::string::npos);
  }

  TEST_CASE("contracts: cross-field rules run once the fields pass; at_least counts fields") {
    struct B {
      std::string status;
      std::optional<std::string> note;
    };
    BodyContract<B> c;
    c.field(OneOf("status", {"open", "resolved"}), &B::status)
        .field(Text("note"), &B::note)
        .check("note only with resolved.", [](const B& b, ValidationErrors& errors) {
          if (b.note && b.status != "resolved") errors.add("note", "status", "needs resolved");
        });
    ValidationErrors errors;
    CHECK(parse(c, R"({"status":"resolved","note":"done"})", errors).ok());
    CHECK_FALSE(parse(c, R"({"status":"open","note":"done"})", errors).ok());
    CHECK(failures(errors) == std::vector<std::string>{"note:status"});

    struct Contact {
      std::optional<std::string> name;
      std::optional<std::string> phone;
    };
    BodyContract<Contact> at_least;
    at_least.field(Text("name"), &Contact::name).field(Text("phone"), &Contact::phone).at_least(1);
    errors = {};
    CHECK_FALSE(parse(at_least, "{}", errors).ok());
    CHECK(failures(errors) == std::vector<std::string>{"body:required"});
  }

  TEST_CASE("contracts: lists of names from a catalogue") {
    struct B {
      std::vector<std::string> permissions;
    };
    BodyContract<B> c;
    c.field(TextList("permissions").one_of({"A_READ", "B_READ"}).items(3).length(1, 64),
            &B::permissions);
    ValidationErrors errors;
    auto ok = parse(c, R"({"permissions":["B_READ","A_READ"]})", errors);
    REQUIRE(ok.ok());
    CHECK(ok->permissions == std::vector<std::string>{"B_READ", "A_READ"});
    CHECK_FALSE(parse(c, R"({"permissions":["A_READ","Everything",7]})", errors).ok());
    CHECK(failures(errors) ==
          std::vector<std::string>{"permissions[1]:enum", "permissions[2]:type"});
    CHECK(errors.items()[0].message.find("Everything") != std::string::npos);
    errors = {};
    CHECK_FALSE(parse(c, R"({"permissions":["A_READ","A_READ","A_READ","A_READ"]})", errors).ok());
    CHECK(failures(errors) == std::vector<std::string>{"permissions:maxLength"});
  }

  TEST_CASE("contracts: error details are bounded") {
    struct B {};
    BodyContract<B> c;
    std::string json = "{";
    for (int i = 0; i < 500; ++i)
      json += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    json += "}";
    ValidationErrors errors;
    CHECK_FALSE(parse(c, json, errors).ok());
    CHECK(errors.items().size() == ValidationErrors::kMaxItems);
  }

  TEST_CASE("contracts: dates must exist on the calendar") {
    struct Q {
      std::optional<std::string> from;
    };
    QueryContract<Q> c;
    c.param(Date("from"), &Q::from);
    auto one = [&](std::string value) {
      ValidationErrors errors;
      std::vector<std::pair<std::string, std::string>> items{{"from", value}};
      return c.parse(items, errors).ok();
    };
    CHECK(one("2024-02-29"));
    CHECK(one("2026-11-22T10:17:30Z"));
    CHECK(one("2026-11-22T10:17:30.123Z"));
    for (const char* bad :
         {"2021-02-29", "2020-13-45T25:61:61Z", "2026-04-31", "2026-11-22T24:00:00Z",
          "2026-11-22T10:17:30", "2026-11-22T10:17:30.Z", "22-11-2026", "yesterday"}) {
      CAPTURE(bad);
      CHECK_FALSE(one(bad));
    }
  }

  TEST_CASE("query contracts: defaults, canonical integers, assignee, unknown and repeated keys") {
    struct List {
      std::uint32_t page = 0;
      std::uint32_t pageSize = 0;
      std::string sortBy;
      bool ascending = true;
      std::optional<std::int64_t> customerId;
      std::optional<std::int64_t> assignedAdminId;
      bool unassigned = false;
      std::optional<std::string> status;
    };
    QueryContract<List> c;
    add_paging(c, {"createdAt", "updatedAt"}, 100);
    c.param(Id("customerId"), &List::customerId).param(OneOf("status", {"open"}), &List::status);
    add_assignee_filter(c);
    auto run = [&](std::vector<std::pair<std::string, std::string>> items,
                   ValidationErrors& errors) { return c.parse(items, errors); };
    ValidationErrors errors;
    auto defaults = run({}, errors);
    REQUIRE(defaults.ok());
    CHECK(defaults->page == 1);
    CHECK(defaults->pageSize == 20);
    CHECK(defaults->sortBy == "createdAt");
    CHECK_FALSE(defaults->ascending);
    auto set = run({{"page", "3"},
                    {"pageSize", "50"},
                    {"sortBy", "updatedAt"},
                    {"sortOrder", "asc"},
                    {"customerId", "7"},
                    {"assignedAdminId", "unassigned"},
                    {"status", ""}},
                   errors);
    REQUIRE(set.ok());
    CHECK(set->page == 3);
    CHECK(set->pageSize == 50);
    CHECK(set->ascending);
    CHECK(set->customerId == 7);
    CHECK(set->unassigned);
    CHECK_FALSE(set->status.has_value());  // an empty value is "any"
    CHECK(run({{"assignedAdminId", "4"}}, errors)->assignedAdminId == 4);
    for (const auto& [items, expected] :
         std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>>{
             {{{"page", "0"}}, "page:min"},
             {{{"pageSize", "101"}}, "pageSize:max"},
             {{{"customerId", "01"}}, "customerId:type"},
             {{{"customerId", "+1"}}, "customerId:type"},
             {{{"customerId", "1.0"}}, "customerId:type"},
             {{{"assignedAdminId", "nobody"}}, "assignedAdminId:type"},
             {{{"sortBy", "priority"}}, "sortBy:enum"},
             {{{"bogus", "1"}}, "bogus:unknown"},
             {{{"page", "1"}, {"page", "2"}}, "page:duplicate"}}) {
      CAPTURE(expected);
      errors = {};
      CHECK_FALSE(run(items, errors).ok());
      CHECK(failures(errors).front() == expected);
    }
  }

  TEST_CASE("contracts: the JSON Schema says what the contract checks; the example passes") {
    struct B {
      std::string subject;
      std::optional<std::string> phone;
      std::optional<std::int64_t> assignedAdminId;
      std::string status;
    };
    BodyContract<B> c;
    c.field(Text("subject").length(1, 200), &B::subject)
        .field(Text("phone").length(3, 32).chars("0-9+ -"), &B::phone)
        .field(IdOrNull("assignedAdminId").must_send(), &B::assignedAdminId)
        .field(OneOf("status", {"open", "closed"}), &B::status);
    JsonWriter w;
    write_body_schema(w, c);
    simdjson::dom::parser parser;
    simdjson::dom::element schema = parser.parse(w.str());
    CHECK(schema["additionalProperties"].get_bool().value() == false);
    CHECK(simdjson::minify(schema["required"]) == R"(["subject","assignedAdminId","status"])");
    CHECK(simdjson::minify(schema["properties"]["subject"]) ==
          R"({"type":"string","minLength":1,"maxLength":200,)"
          R"("pattern":"^[^\\u0000-\\u001F\\u007F]*$"})");
    CHECK(simdjson::minify(schema["properties"]["phone"]) ==
          R"({"type":["string","null"],"minLength":3,"maxLength":32,"pattern":"^[0-9+ -]*$"})");
    CHECK(simdjson::minify(schema["properties"]["assignedAdminId"]) ==
          R"({"type":["integer","null"],"minimum":1,"maximum":9007199254740991})");
    CHECK(simdjson::minify(schema["properties"]["status"]) ==
          R"({"type":"string","enum":["open","closed"]})");
    // The schema's own example is a body the contract accepts.
    ValidationErrors errors;
    CHECK(parse(c, body_example(c), errors).ok());
    CHECK(errors.empty());
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
    JsonView out;
    SUBCASE("an object parses") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "application/json").body(R"({"a":1})");
      const Request r = as_request(d);
      REQUIRE_FALSE(parse_json_body(r, out).has_value());
      CHECK(out.member("a")->int64() == 1);
    }
    SUBCASE("wrong or missing content type is 415") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "text/plain").body(R"({"a":1})");
      CHECK(parse_json_body(as_request(d), out)->status() == 415);
      RequestData none(Method::kPost, "/x");
      none.body(R"({"a":1})");
      CHECK(parse_json_body(as_request(none), out)->code() == "UNSUPPORTED_MEDIA_TYPE");
    }
    SUBCASE("no body is a validation error") {
      RequestData d(Method::kPost, "/x");
      const auto e = parse_json_body(as_request(d), out);
      REQUIRE(e.has_value());
      CHECK(e->status() == 400);
      RequestData blank(Method::kPost, "/x");
      blank.header("Content-Type", "application/json").body("  ");
      CHECK(parse_json_body(as_request(blank), out)->status() == 400);
    }
    SUBCASE("malformed JSON says where") {
      RequestData d(Method::kPost, "/x");
      d.header("Content-Type", "application/json").body(R"({"a": 1,})");
      const auto e = parse_json_body(as_request(d), out);
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
        const auto e = parse_json_body(as_request(d), out);
        REQUIRE(e.has_value());
        CHECK(e->details_json().find("must be a JSON object") != std::string::npos);
      }
    }
  }
}

}  // namespace docket::http

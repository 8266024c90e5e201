#include "core/json_writer.h"

#include <doctest/doctest.h>

#include <simdjson.h>

using docket::JsonWriter;

TEST_SUITE("core") {
  TEST_CASE("JsonWriter nests objects and arrays with commas in the right places") {
    JsonWriter w;
    w.begin_object()
        .field("a", 1)
        .key("b")
        .begin_array()
        .value("x")
        .value(true)
        .null()
        .begin_object()
        .end_object()
        .end_array()
        .field("c", std::optional<std::int64_t>{})
        .field_raw("d", R"({"k":[1,2]})")
        .end_object();
    CHECK(w.str() == R"({"a":1,"b":["x",true,null,{}],"c":null,"d":{"k":[1,2]}})");
  }

  TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
    std::string out;
    docket::append_json_string(out, "q\"b\\n\nt\t\x01");
    CHECK(out == R"("q\"b\\n\nt\t\u0001")");
  }

  TEST_CASE("invalid UTF-8 becomes U+FFFD and the output stays parseable") {
    SUBCASE("lone continuation byte") {
      std::string out;
      docket::append_json_string(out, "a\x80z");
      CHECK(out == "\"a\xEF\xBF\xBDz\"");
    }
    SUBCASE("overlong encoding") {
      std::string out;
      docket::append_json_string(out, "\xC0\xAF");
      CHECK(out == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    }
    SUBCASE("valid multi-byte text is kept") {
      std::string out;
      docket::append_json_string(out, "h\xC3\xA9llo \xF0\x9F\x98\x80");
      CHECK(out == "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");
    }
    std::string out;
    docket::append_json_string(out, "\xFF\xFE bad \xE2\x82");
    simdjson::dom::parser parser;
    CHECK(parser.parse(simdjson::padded_string(out)).error() == simdjson::SUCCESS);
  }

  TEST_CASE("non-finite doubles are written as null") {
    JsonWriter w;
    w.begin_array().value(1.5).value(std::numeric_limits<double>::infinity()).end_array();
    CHECK(w.str() == "[1.5,null]");
  }
}

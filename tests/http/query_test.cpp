#include "http/query.h"

#include <doctest/doctest.h>

namespace docket::http {
namespace {

QueryParams parsed(std::string_view raw) {
  QueryParams p;
  const auto error = QueryParams::parse(raw, p);
  REQUIRE_FALSE(error.has_value());
  return p;
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("query strings decode keys and values") {
    const QueryParams p = parsed("search=login+fails%21&email=a%40b.com&empty=&flag&&x=1");
    CHECK(p.get("search") == "login fails!");
    CHECK(p.get("email") == "a@b.com");
    CHECK(p.get("empty") == "");
    CHECK(p.get("flag") == "");
    CHECK(p.get("x") == "1");
    CHECK_FALSE(p.get("missing").has_value());
    CHECK(p.items().size() == 5);
  }

  TEST_CASE("malformed query strings are validation errors") {
    for (const char* raw : {"a=%zz", "a=%4", "%ff=1", "a=%00", "a=b%0d%0a"}) {
      CAPTURE(raw);
      QueryParams p;
      const auto error = QueryParams::parse(raw, p);
      REQUIRE(error.has_value());
      CHECK(error->status() == 400);
    }
    std::string many;
    for (std::size_t i = 0; i <= QueryParams::kMaxParams; ++i)
      many += "k" + std::to_string(i) + "=1&";
    QueryParams p;
    CHECK(QueryParams::parse(many, p).has_value());
  }
}

}  // namespace docket::http

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

std::vector<std::string> failures(const ValidationErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors.items())
    out.push_back(e.field + ":" + e.rule);
  return out;
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

  TEST_CASE("pagination and sorting defaults") {
    const QueryParams p = parsed("");
    QueryValidator q(p);
    const PageRequest page = q.page();
    CHECK(page.page == 1);
    CHECK(page.page_size == 20);
    CHECK(page.offset() == 0);
    CHECK(q.sort_by({"createdAt", "updatedAt"}, "createdAt") == "createdAt");
    CHECK(q.sort_order() == SortOrder::kDesc);
    CHECK_FALSE(q.finish().has_value());
  }

  TEST_CASE("pagination, sorting and filters are read and bounded") {
    const QueryParams p = parsed(
        "page=3&pageSize=50&sortBy=updatedAt&sortOrder=asc&status=open&customerId=12"
        "&search=%20inq-8k%20&urgent=true");
    QueryValidator q(p);
    const PageRequest page = q.page();
    CHECK(page.page == 3);
    CHECK(page.page_size == 50);
    CHECK(page.offset() == 100);
    CHECK(q.sort_by({"createdAt", "updatedAt"}, "createdAt") == "updatedAt");
    CHECK(q.sort_order() == SortOrder::kAsc);
    CHECK(q.enumeration("status", {"open", "closed"}) == "open");
    CHECK(q.integer("customerId", 1, kMaxId) == 12);
    CHECK(q.string("search", 100) == "inq-8k");
    CHECK(q.boolean("urgent") == true);
    CHECK_FALSE(q.finish().has_value());
  }

  TEST_CASE("bad query values are all reported") {
    const QueryParams p = parsed(
        "page=0&pageSize=101&sortBy=name&sortOrder=up&customerId=abc&status=x&debug=1&status=y");
    QueryValidator q(p);
    const PageRequest page = q.page();
    CHECK(page.page == 1);  // defaults survive bad input
    CHECK(page.page_size == 20);
    q.sort_by({"createdAt"}, "createdAt");
    q.sort_order();
    q.integer("customerId", 1, 100);
    q.enumeration("status", {"open"});
    const auto error = q.finish();
    REQUIRE(error.has_value());
    CHECK(error->status() == 400);
    CHECK(failures(q.errors()) ==
          std::vector<std::string>{"page:min", "pageSize:max", "sortBy:enum", "sortOrder:enum",
                                   "customerId:type", "status:duplicate", "debug:unknown"});
  }

  TEST_CASE("empty values count as absent; long strings are bounded") {
    const QueryParams p = parsed("status=&search=" + std::string(101, 'a'));
    QueryValidator q(p);
    CHECK_FALSE(q.enumeration("status", {"open"}).has_value());
    CHECK_FALSE(q.string("search", 100).has_value());
    REQUIRE(q.finish().has_value());
    CHECK(failures(q.errors()) == std::vector<std::string>{"search:maxLength"});
  }

  TEST_CASE("an assignee filter is an id or 'unassigned'") {
    {
      const QueryParams p = parsed("a=12&b=unassigned");
      QueryValidator q(p);
      bool a_unassigned = false;
      bool b_unassigned = false;
      CHECK(q.assignee("a", a_unassigned) == 12);
      CHECK_FALSE(a_unassigned);
      CHECK_FALSE(q.assignee("b", b_unassigned).has_value());
      CHECK(b_unassigned);
      CHECK_FALSE(q.finish().has_value());
    }
    const QueryParams p = parsed("a=0&b=x&c=9007199254740992");
    QueryValidator q(p);
    bool unassigned = false;
    CHECK_FALSE(q.assignee("a", unassigned).has_value());
    CHECK_FALSE(q.assignee("b", unassigned).has_value());
    CHECK_FALSE(q.assignee("c", unassigned).has_value());
    CHECK_FALSE(unassigned);
    REQUIRE(q.finish().has_value());
    CHECK(failures(q.errors()) == std::vector<std::string>{"a:type", "b:type", "c:type"});
  }
}

}  // namespace docket::http

#include "http/router.h"

#include <doctest/doctest.h>

#include "http/request_context.h"

namespace docket::http {
namespace {

Handler named(std::string text) {
  return [text](RequestContext&) { return Response::ok_json('"' + text + '"'); };
}

std::string matched_pattern(const Router& r, Method m, std::string_view path) {
  const RouteMatch match = r.match(m, path);
  if (match.outcome != RouteMatch::Outcome::kFound) return "<none>";
  return match.route->pattern;
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("router matches literal and parameter segments exactly") {
    Router r;
    r.get("/api/support-inquiries", named("list"));
    r.get("/api/support-inquiries/{id}", named("detail"));
    r.patch("/api/admin/support-requests/{id}/status", named("status"));
    r.get("/", named("root"));
    REQUIRE(r.status().ok());

    CHECK(matched_pattern(r, Method::kGet, "/api/support-inquiries") == "/api/support-inquiries");
    CHECK(matched_pattern(r, Method::kGet, "/api/support-inquiries/42") ==
          "/api/support-inquiries/{id}");
    CHECK(matched_pattern(r, Method::kPatch, "/api/admin/support-requests/7/status") ==
          "/api/admin/support-requests/{id}/status");
    CHECK(matched_pattern(r, Method::kGet, "/") == "/");

    SUBCASE("no trailing-slash, case or prefix folding") {
      CHECK(r.match(Method::kGet, "/api/support-inquiries/").outcome ==
            RouteMatch::Outcome::kNotFound);
      CHECK(r.match(Method::kGet, "/API/support-inquiries").outcome ==
            RouteMatch::Outcome::kNotFound);
      CHECK(r.match(Method::kGet, "/api").outcome == RouteMatch::Outcome::kNotFound);
      CHECK(r.match(Method::kGet, "/api/support-inquiries/1/x").outcome ==
            RouteMatch::Outcome::kNotFound);
      CHECK(r.match(Method::kGet, "/api//support-inquiries").outcome ==
            RouteMatch::Outcome::kNotFound);
      CHECK(r.match(Method::kGet, "relative").outcome == RouteMatch::Outcome::kNotFound);
    }
  }

  TEST_CASE("router captures and percent-decodes parameters") {
    Router r;
    r.get("/items/{itemId}/notes/{noteId}", named("note"));
    const RouteMatch m = r.match(Method::kGet, "/items/a%20b/notes/x%2Fy");
    REQUIRE(m.outcome == RouteMatch::Outcome::kFound);
    REQUIRE(m.params.size() == 2);
    CHECK(m.params.get("itemId") == "a b");
    CHECK(m.params.get("noteId") == "x/y");  // an encoded slash stays inside the value
    CHECK_FALSE(m.params.get("other").has_value());
    CHECK(m.params.name(0) == "itemId");

    SUBCASE("a bad escape, a control character or invalid UTF-8 is a bad parameter") {
      for (const char* path : {"/items/%zz/notes/1", "/items/%0a/notes/1", "/items/%ff/notes/1",
                               "/items/%4/notes/1"}) {
        CAPTURE(path);
        const RouteMatch bad = r.match(Method::kGet, path);
        CHECK(bad.outcome == RouteMatch::Outcome::kBadParam);
        CHECK(bad.bad_param == "itemId");
      }
    }
  }

  TEST_CASE("router prefers literal segments and backtracks to parameters") {
    Router r;
    r.get("/inquiries/{id}", named("detail"));
    r.get("/inquiries/stats", named("stats"));
    r.get("/a/{x}/c", named("param"));
    r.get("/a/b/d", named("literal"));
    r.post("/x/new", named("create"));
    r.get("/x/{id}", named("get"));

    CHECK(matched_pattern(r, Method::kGet, "/inquiries/stats") == "/inquiries/stats");
    CHECK(matched_pattern(r, Method::kGet, "/inquiries/9") == "/inquiries/{id}");
    CHECK(matched_pattern(r, Method::kGet, "/a/b/c") == "/a/{x}/c");
    CHECK(matched_pattern(r, Method::kGet, "/a/b/d") == "/a/b/d");
    // The literal node has only POST; the parameter route serves GET.
    CHECK(matched_pattern(r, Method::kGet, "/x/new") == "/x/{id}");
    CHECK(matched_pattern(r, Method::kPost, "/x/new") == "/x/new");
  }

  TEST_CASE("router distinguishes 404 from 405 and lists allowed methods") {
    Router r;
    r.get("/things/{id}", named("get"));
    r.put("/things/{id}", named("put"));
    r.del("/things/{id}", named("delete"));

    const RouteMatch wrong = r.match(Method::kPost, "/things/1");
    CHECK(wrong.outcome == RouteMatch::Outcome::kMethodNotAllowed);
    CHECK(allow_header_value(wrong.allowed) == "GET, HEAD, PUT, DELETE, OPTIONS");
    CHECK(r.match(Method::kOther, "/things/1").outcome == RouteMatch::Outcome::kMethodNotAllowed);
    CHECK(r.match(Method::kPost, "/nothing").outcome == RouteMatch::Outcome::kNotFound);
    CHECK(allow_header_value(0) == "OPTIONS");
  }

  TEST_CASE("router serves HEAD through GET unless HEAD is registered") {
    Router r;
    r.get("/a", named("get-a"));
    r.get("/b", named("get-b"));
    r.add(Method::kHead, "/b", named("head-b"));
    const RouteMatch a = r.match(Method::kHead, "/a");
    REQUIRE(a.outcome == RouteMatch::Outcome::kFound);
    CHECK(a.route->method == Method::kGet);
    const RouteMatch b = r.match(Method::kHead, "/b");
    REQUIRE(b.outcome == RouteMatch::Outcome::kFound);
    CHECK(b.route->method == Method::kHead);
  }

  TEST_CASE("router rejects bad registrations and keeps the table unchanged") {
    struct Case {
      Method method;
      const char* pattern;
    };
    for (const Case& c :
         {Case{Method::kGet, "no-slash"}, Case{Method::kGet, "/a//b"}, Case{Method::kGet, "/a/{}"},
          Case{Method::kGet, "/a/{1x}"}, Case{Method::kGet, "/a/{id"},
          Case{Method::kGet, "/a/{id}/{id}"}, Case{Method::kGet, "/a b"},
          Case{Method::kGet, "/a%20b"}, Case{Method::kOther, "/a"}}) {
      CAPTURE(c.pattern);
      Router r;
      r.add(c.method, c.pattern, named("x"));
      CHECK(r.status().IsInvalidArgument());
      CHECK(r.routes().empty());
    }
    Router dup;
    dup.get("/x/{a}", named("first"));
    dup.get("/x/{b}", named("second"));  // same shape, same method
    CHECK(dup.status().IsInvalidArgument());
    CHECK(dup.routes().size() == 1);
    Router empty_handler;
    empty_handler.get("/x", Handler());
    CHECK(empty_handler.status().IsInvalidArgument());
  }

  TEST_CASE("router exposes its table with metadata for OpenAPI and metrics") {
    Router r;
    r.post("/api/support-inquiries", named("create"),
           {.name = "inquiries.create", .tag = "Support Inquiries", .summary = "Create"});
    r.get("/api/support-inquiries/{id}/messages", named("messages"));
    REQUIRE(r.routes().size() == 2);
    const Route& first = r.routes()[0];
    CHECK(first.meta.name == "inquiries.create");
    CHECK(first.meta.tag == "Support Inquiries");
    CHECK(first.index == 0);
    const Route& second = r.routes()[1];
    CHECK(second.meta.name == "GET /api/support-inquiries/{id}/messages");
    CHECK(second.param_names == std::vector<std::string>{"id"});
    CHECK(second.index == 1);
  }

  TEST_CASE("a mount takes every method under its prefix but OPTIONS, before the routes") {
    Router r;
    r.get("/socket.io/x", named("shadowed"));
    r.get("/api/items", named("items"));
    r.mount("/socket.io/", named("engine"));
    REQUIRE(r.status().ok());
    for (std::string_view path : {"/socket.io/", "/socket.io", "/socket.io/x", "/socket.io/a/b"}) {
      CAPTURE(path);
      for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete}) {
        const RouteMatch match = r.match(m, path);
        REQUIRE(match.outcome == RouteMatch::Outcome::kFound);
        CHECK(match.route->mount);
        CHECK(match.route->pattern == "/socket.io/");
      }
      const RouteMatch options = r.match(Method::kOptions, path);
      CHECK(options.outcome == RouteMatch::Outcome::kMethodNotAllowed);
      CHECK(options.allowed ==
            (method_bit(Method::kGet) | method_bit(Method::kHead) | method_bit(Method::kPost)));
    }
    CHECK(matched_pattern(r, Method::kGet, "/socket.iox") == "<none>");
    CHECK(matched_pattern(r, Method::kGet, "/api/items") == "/api/items");
    CHECK(r.routes().back().meta.name == "mount /socket.io/");

    Router bad;
    bad.mount("socket.io/", named("engine"));
    CHECK_FALSE(bad.status().ok());
    Router twice;
    twice.mount("/e/", named("a"));
    twice.mount("/e/", named("b"));
    CHECK_FALSE(twice.status().ok());
    CHECK(twice.routes().size() == 1);
  }

  TEST_CASE("the fallback takes only GET and HEAD requests it claims that nothing else took") {
    Router r;
    r.get("/api/items", named("items"));
    r.post("/form", named("form"));
    r.mount("/socket.io/", named("engine"));
    std::vector<std::string> asked;
    r.fallback(
        "console",
        [&asked](std::string_view path) {
          asked.emplace_back(path);
          return path != "/unclaimed";
        },
        named("site"));
    REQUIRE(r.status().ok());
    for (Method m : {Method::kGet, Method::kHead}) {
      const RouteMatch match = r.match(m, "/agent/x");
      REQUIRE(match.outcome == RouteMatch::Outcome::kFound);
      CHECK(match.route->pattern == "console");
      CHECK(match.route->mount);  // not an operation: the OpenAPI document leaves it out
      CHECK(match.allowed == (method_bit(Method::kGet) | method_bit(Method::kHead)));
    }
    CHECK(asked == std::vector<std::string>{"/agent/x", "/agent/x"});
    CHECK(r.match(Method::kGet, "/unclaimed").outcome == RouteMatch::Outcome::kNotFound);
    // Routes, mounts and 405 come first; other methods are never offered.
    asked.clear();
    CHECK(matched_pattern(r, Method::kGet, "/api/items") == "/api/items");
    CHECK(matched_pattern(r, Method::kGet, "/socket.io/x") == "/socket.io/");
    CHECK(r.match(Method::kGet, "/form").outcome == RouteMatch::Outcome::kMethodNotAllowed);
    for (Method m : {Method::kPost, Method::kPut, Method::kDelete, Method::kOptions})
      CHECK(r.match(m, "/agent/x").outcome == RouteMatch::Outcome::kNotFound);
    CHECK(asked.empty());
    CHECK(r.routes().back().meta.name == "fallback console");

    Router twice;
    twice.fallback(
        "a", [](std::string_view) { return true; }, named("a"));
    twice.fallback(
        "b", [](std::string_view) { return true; }, named("b"));
    CHECK_FALSE(twice.status().ok());
    CHECK(twice.routes().size() == 1);
    Router empty;
    empty.fallback("a", nullptr, named("a"));
    CHECK_FALSE(empty.status().ok());
  }

  TEST_CASE("router bounds path depth") {
    Router r;
    r.get("/{a}", named("one"));
    std::string deep;
    for (std::size_t i = 0; i <= kMaxPathSegments; ++i)
      deep += "/x";
    CHECK(r.match(Method::kGet, deep).outcome == RouteMatch::Outcome::kNotFound);
  }
}

}  // namespace docket::http

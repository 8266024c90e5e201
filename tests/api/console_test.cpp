// The web console's files over real HTTP, from the production router and service
// (ServerRuntime with DOCKET_CONSOLE_DIR): pages, deep links, the widget, hashed assets,
// HEAD, gzip and revalidation beside the API, whose unknown paths stay JSON 404s.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

void write(const std::string& path, std::string_view bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string repeated(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += text;
  return out;
}

// ApiServer adjusts its Config with a plain function: the directory reaches it here.
std::string& console_dir() {
  static std::string dir;
  return dir;
}

std::size_t count_headers(const http::testing::RawResponse& r, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [key, value] : r.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_SUITE("api.integration") {
  TEST_CASE("the console's files are served beside the API") {
    testing::TempDir dir;
    const std::string root = dir.sub("dist");
    const std::string index = "<!doctype html><title>Docket</title>" + repeated("<p>home</p>", 40);
    const std::string agent = "<!doctype html><title>Agent</title>" + repeated("<p>agent</p>", 40);
    const std::string widget = repeated("window.docketWidget=function(){};", 40);
    const std::string bundle = repeated("export const a=1;", 40);
    write(root + "/index.html", index);
    write(root + "/agent.html", agent);
    write(root + "/api-docs.html", "<!doctype html><title>API</title>");
    write(root + "/widget.js", widget);
    write(root + "/assets/app-3f9a1c.js", bundle);
    console_dir() = root;
    ApiServer server({}, nullptr, [](Config& c) {
      c.console_dir = console_dir();
      c.cors_origins = {"https://app.example.com"};
    });

    const ApiResponse home = server.call("GET", "/");
    CHECK(home.status == 200);
    CHECK(home.raw.body == index);
    CHECK(home.raw.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(home.raw.header("Cache-Control") == "no-cache");
    CHECK(home.raw.header("X-Content-Type-Options") == "nosniff");
    CHECK(home.raw.header("Referrer-Policy") == "same-origin");
    CHECK(home.raw.header("Content-Security-Policy").starts_with("default-src 'self';"));
    CHECK(home.raw.header("X-Request-Id").size() == 32);
    const std::string etag = home.raw.header("ETag");
    CHECK(etag.size() == 34);

    const ApiResponse deep = server.call("GET", "/agent/x");
    CHECK(deep.status == 200);
    CHECK(deep.raw.body == agent);
    CHECK(server.call("GET", "/api/docs").raw.body == "<!doctype html><title>API</title>");

    const ApiResponse script =
        server.call("GET", "/widget.js", {}, {}, "Origin: https://app.example.com\r\n");
    CHECK(script.status == 200);
    CHECK(script.raw.body == widget);
    CHECK(script.raw.header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(script.raw.header("Cache-Control") == "public, max-age=300");
    // Its own answer, once, even with DOCKET_CORS_ORIGINS set.
    CHECK(script.raw.header("Access-Control-Allow-Origin") == "*");
    CHECK(count_headers(script.raw, "Access-Control-Allow-Origin") == 1);

    const ApiResponse asset = server.call("GET", "/assets/app-3f9a1c.js");
    CHECK(asset.status == 200);
    CHECK(asset.raw.body == bundle);
    CHECK(asset.raw.header("Cache-Control") == "public, max-age=31536000, immutable");

    // Unknown API paths keep the error contract.
    const ApiResponse nope = server.call("GET", "/api/nope");
    CHECK(nope.status == 404);
    CHECK(nope.raw.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(nope.error_code() == "NOT_FOUND");
    CHECK(server.call("GET", "/assets/app-000000.js").error_code() == "NOT_FOUND");
    CHECK(server.call("POST", "/", "{}").status == 404);
    CHECK(server.call("GET", "/healthz").status == 200);
    const ApiResponse doc = server.call("GET", "/api/openapi.json");
    REQUIRE(doc.status == 200);
    CHECK(doc.raw.body.find("\"console\"") == std::string::npos);

    // Revalidation, compression and HEAD as a browser meets them.
    const ApiResponse again = server.call("GET", "/", {}, {}, "If-None-Match: " + etag + "\r\n");
    CHECK(again.status == 304);
    CHECK(again.raw.body.empty());
    CHECK(again.raw.header("ETag") == etag);
    const ApiResponse zipped =
        server.call("GET", "/widget.js", {}, {}, "Accept-Encoding: gzip\r\n");
    CHECK(zipped.status == 200);
    CHECK(zipped.raw.header("Content-Encoding") == "gzip");
    CHECK(zipped.raw.header("Vary") == "Accept-Encoding");
    CHECK(zipped.raw.body.size() < widget.size());
    CHECK(zipped.raw.body.starts_with("\x1f\x8b"));
    http::testing::RawClient client(server.port());
    REQUIRE(client.connected());
    REQUIRE(client.send("HEAD /agent/deep/link HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto head = client.read_response(std::chrono::milliseconds(3000), true);
    REQUIRE(head.has_value());
    CHECK(head->status == 200);
    CHECK(head->header("Content-Length") == std::to_string(agent.size()));
    CHECK(head->header("Content-Type") == "text/html; charset=utf-8");
    CHECK(head->body.empty());
    // The connection is still in step: the next answer is the next request's.
    REQUIRE(client.send("GET /api/nope HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto after = client.read_response();
    REQUIRE(after.has_value());
    CHECK(after->status == 404);
  }

  TEST_CASE("a console that is not there leaves the API serving") {
    testing::TempDir dir;
    console_dir() = dir.sub("no-such-dist");
    ApiServer server({}, nullptr, [](Config& c) { c.console_dir = console_dir(); });
    CHECK(server.call("GET", "/healthz").status == 200);
    const ApiResponse home = server.call("GET", "/");
    CHECK(home.status == 404);
    CHECK(home.error_code() == "NOT_FOUND");
  }
}

}  // namespace docket::api_testing

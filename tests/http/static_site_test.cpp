#include "http/static_site.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/metrics.h"
#include "http/openapi.h"
#include "http/read_fence.h"
#include "http/router.h"
#include "http/service.h"
#include "tests/support/test_support.h"

namespace docket::http {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, std::string_view bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string repeated(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += text;
  return out;
}

// The gzip-coded `bytes` decoded; "<invalid>" when they are not a gzip stream.
std::string gunzip(const std::string& bytes) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return "<invalid>";
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int done = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return done == Z_STREAM_END ? out : "<invalid>";
}

// A console as Vite builds it: entries at the root, hashed bundles under assets/, the
// widget, and things that must stay out.
struct Console {
  testing::TempDir dir;
  std::string root = dir.sub("dist");
  std::map<std::string, std::string> files = {
      {"index.html", "<!doctype html><title>Docket</title>" + repeated("<p>home</p>", 50)},
      {"portal.html", "<!doctype html><title>Portal</title>" + repeated("<p>portal</p>", 50)},
      {"agent.html", "<!doctype html><title>Agent</title>" + repeated("<p>agent</p>", 50)},
      {"admin.html", "<!doctype html><title>Admin</title>" + repeated("<p>admin</p>", 50)},
      {"demo.html", "<!doctype html><title>Demo</title>"},
      {"api-docs.html", "<!doctype html><title>API</title>" + repeated("<p>api</p>", 50)},
      {"widget.js", repeated("window.docketWidget=function(){};", 40)},
      {"assets/app-3f9a1c.js", repeated("export const a=1;", 60)},
      {"assets/app-3f9a1c.mjs", "export{}"},
      {"assets/app-3f9a1c.css", repeated("body{margin:0}", 40)},
      {"assets/app-3f9a1c.js.map", repeated(R"({"version":3})", 40)},
      {"assets/logo-1a2b.png", std::string("\x89PNG\r\n\x1a\n", 8) + repeated("png", 100)},
      {"assets/inter-9f8e.woff2", repeated("wOF2", 100)},
      {"assets/photo.JPG", "jpeg"},
      {"assets/photo.webp", "webp"},
      {"favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'>" + repeated("<g/>", 40) + "</svg>"},
      {"favicon.ico", "ico"},
      {"manifest.json", repeated(R"({"name":"Docket"})", 20)},
      {"robots.txt", "x"},
      {"notes.bin", "binary"},
  };

  Console() {
    for (const auto& [name, bytes] : files)
      write(root + "/" + name, bytes);
  }

  StaticSite load() const {
    auto site = StaticSite::load(root);
    REQUIRE_MESSAGE(site.ok(), site.status().ToString());
    return std::move(site).value();
  }
};

std::string served(const StaticSite& site, std::string_view path) {
  const StaticFile* file = site.find(path);
  return file == nullptr ? "<none>" : file->path;
}

Response get(const StaticSite& site, std::string target,
             std::vector<std::pair<std::string, std::string>> headers = {},
             Method method = Method::kGet) {
  RequestData data(method, std::move(target));
  for (auto& [name, value] : headers)
    data.header(std::move(name), std::move(value));
  return site.answer(data.view());
}

std::string header(const Response& r, std::string_view name) {
  return std::string(r.find_header(name).value_or("<absent>"));
}

// A read fence that never catches up: a fenced route would wait for ever.
struct StuckFence final : ReadFence {
  std::uint64_t head() const override { return 10; }
  std::uint64_t applied() const override { return 5; }
  void when_applied(std::uint64_t, std::function<void()>) override {}
};

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("static site: request paths name files, entries and their deep links") {
    Console console;
    const StaticSite site = console.load();
    CHECK(site.file_count() == console.files.size());
    CHECK(served(site, "/") == "index.html");
    CHECK(served(site, "/index.html") == "index.html");
    CHECK(served(site, "/widget.js") == "widget.js");
    CHECK(served(site, "/assets/app-3f9a1c.js") == "assets/app-3f9a1c.js");
    CHECK(served(site, "/favicon.svg") == "favicon.svg");
    // Single-page entries: the first segment names X.html, whatever follows.
    CHECK(served(site, "/portal") == "portal.html");
    CHECK(served(site, "/portal/") == "portal.html");
    CHECK(served(site, "/portal/requests/5") == "portal.html");
    CHECK(served(site, "/agent") == "agent.html");
    CHECK(served(site, "/agent/x") == "agent.html");
    CHECK(served(site, "/admin/journeys") == "admin.html");
    CHECK(served(site, "/demo") == "demo.html");
    CHECK(served(site, "/%70ortal/requests") == "portal.html");  // percent-decoded
    CHECK(served(site, "/api/docs") == "api-docs.html");
    CHECK(served(site, "/api/docs/") == "api-docs.html");
    // Unknown files are not pages: a stale page's old bundle is a 404, not HTML.
    CHECK(served(site, "/assets/app-000000.js") == "<none>");
    CHECK(served(site, "/assets") == "<none>");
    CHECK(served(site, "/nowhere") == "<none>");
    CHECK(served(site, "/Portal") == "<none>");
    CHECK(served(site, "/portal.js") == "<none>");
    CHECK(served(site, "//portal") == "<none>");
  }

  TEST_CASE("static site: the server's own paths are never the site's") {
    Console console;
    // Even when the directory holds files by those names.
    write(console.root + "/api.html", "<p>api</p>");
    write(console.root + "/api/nope", "{}");
    write(console.root + "/healthz.html", "<p>h</p>");
    write(console.root + "/metrics", "m");
    write(console.root + "/socket.io/x", "s");
    const StaticSite site = console.load();
    for (std::string_view path :
         {"/api", "/api/", "/api/nope", "/api/docs/x", "/api/openapi.json", "/%61pi/nope",
          "/socket.io/", "/socket.io/x", "/healthz", "/healthz/x", "/readyz", "/metrics"}) {
      CAPTURE(path);
      CHECK(site.find(path) == nullptr);
      const Response r = get(site, std::string(path));
      CHECK(r.status() == 404);
      REQUIRE(r.error() != nullptr);
      CHECK(r.error()->code() == "NOT_FOUND");
    }
  }

  TEST_CASE("static site: paths that climb out or smuggle bytes are refused") {
    Console console;
    write(console.dir.sub("secret.txt"), "secret");
    const StaticSite site = console.load();
    for (std::string_view path :
         {"/../secret.txt", "/assets/../index.html", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
          "/.%2e/secret.txt", "/portal/..", "/portal/../x", "/index.html%00", "/a%00b",
          "/portal\\x", "/portal%5cx", "/%zz", "/portal%", "index.html", "", "/\x01"}) {
      CAPTURE(path);
      CHECK(site.find(path) == nullptr);
    }
  }

  TEST_CASE("static site: load leaves out hidden files, large files and links outside") {
    Console console;
    write(console.root + "/.env", "SECRET=1");
    write(console.root + "/.git/config", "[core]");
    write(console.root + "/assets/.DS_Store", "x");
    write(console.root + "/huge.bin", std::string(StaticSite::kMaxFileBytes + 1, 'x'));
    write(console.root + "/limit.bin", std::string(StaticSite::kMaxFileBytes, 'x'));
    write(console.dir.sub("outside.txt"), "outside");
    fs::create_symlink(console.dir.sub("outside.txt"), console.root + "/outside.txt");
    fs::create_symlink("/etc", console.root + "/etc");
    fs::create_symlink("widget.js", console.root + "/alias.js");
    fs::create_directory_symlink("assets", console.root + "/linked");
    const StaticSite site = console.load();

    CHECK(site.find("/.env") == nullptr);
    CHECK(site.find("/.git/config") == nullptr);
    CHECK(site.find("/assets/.DS_Store") == nullptr);
    CHECK(site.find("/huge.bin") == nullptr);
    CHECK(site.find("/limit.bin") != nullptr);
    CHECK(site.find("/outside.txt") == nullptr);
    CHECK(site.find("/etc/passwd") == nullptr);
    CHECK(site.find("/linked/app-3f9a1c.js") == nullptr);
    REQUIRE(site.find("/alias.js") != nullptr);  // a link inside the root is its target's bytes
    CHECK(site.find("/alias.js")->body == console.files["widget.js"]);
    CHECK(site.file_count() == console.files.size() + 2);

    std::map<std::string, std::string> skipped;
    for (const auto& s : site.skipped())
      skipped[s.path] = s.reason;
    CHECK(skipped.size() == 4);
    CHECK(skipped["huge.bin"] == "larger than 8 MiB");
    CHECK(skipped["outside.txt"] == "a symbolic link that leads outside the directory");
    CHECK(skipped["etc"] == "a symbolic link that leads outside the directory");
    CHECK(skipped["linked"] == "a symbolic link to a directory");

    std::uint64_t bytes = StaticSite::kMaxFileBytes + console.files["widget.js"].size();
    for (const auto& [name, content] : console.files)
      bytes += content.size();
    CHECK(site.bytes() == bytes);
  }

  TEST_CASE("static site: no directory, or none with index.html, is NotFound") {
    testing::TempDir dir;
    CHECK(StaticSite::load(dir.sub("missing")).status().IsNotFound());
    write(dir.sub("file"), "x");
    CHECK(StaticSite::load(dir.sub("file")).status().IsNotFound());
    write(dir.sub("dist/portal.html"), "<p>portal</p>");
    const auto no_index = StaticSite::load(dir.sub("dist"));
    CHECK(no_index.status().IsNotFound());
    CHECK(no_index.status().message().find("index.html") != std::string::npos);
  }

  TEST_CASE("static site: Content-Type by extension") {
    Console console;
    const StaticSite site = console.load();
    const std::map<std::string, std::string> types = {
        {"/", "text/html; charset=utf-8"},
        {"/portal/x", "text/html; charset=utf-8"},
        {"/widget.js", "text/javascript; charset=utf-8"},
        {"/assets/app-3f9a1c.mjs", "text/javascript; charset=utf-8"},
        {"/assets/app-3f9a1c.css", "text/css; charset=utf-8"},
        {"/favicon.svg", "image/svg+xml"},
        {"/assets/logo-1a2b.png", "image/png"},
        {"/assets/photo.JPG", "image/jpeg"},
        {"/assets/photo.webp", "image/webp"},
        {"/favicon.ico", "image/x-icon"},
        {"/assets/inter-9f8e.woff2", "font/woff2"},
        {"/manifest.json", "application/json"},
        {"/assets/app-3f9a1c.js.map", "application/json"},
        {"/robots.txt", "text/plain; charset=utf-8"},
        {"/notes.bin", "application/octet-stream"},
    };
    for (const auto& [path, type] : types) {
      CAPTURE(path);
      const Response r = get(site, path);
      CHECK(r.status() == 200);
      CHECK(r.content_type() == type);
    }
  }

  TEST_CASE("static site: a strong ETag, and 304 without a body for If-None-Match") {
    Console console;
    const StaticSite site = console.load();
    const Response first = get(site, "/portal/requests/5");
    REQUIRE(first.status() == 200);
    CHECK(first.body() == console.files["portal.html"]);
    const std::string etag = header(first, "ETag");
    CHECK(etag.size() == 34);
    CHECK(etag.front() == '"');
    CHECK(etag.back() == '"');
    CHECK(header(get(site, "/"), "ETag") != etag);  // another file, another tag
    // Two loads of the same bytes give the same tag: a restart keeps browsers' copies.
    CHECK(header(get(console.load(), "/portal"), "ETag") == etag);

    for (const std::string& condition :
         {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
      CAPTURE(condition);
      const Response again = get(site, "/portal", {{"If-None-Match", condition}});
      CHECK(again.status() == 304);
      CHECK(again.body().empty());
      CHECK(header(again, "ETag") == etag);
      CHECK(header(again, "Cache-Control") == "no-cache");
      CHECK(header(again, "Content-Security-Policy") == StaticSite::kContentSecurityPolicy);
      CHECK(header(again, "Content-Encoding") == "<absent>");
    }
    CHECK(get(site, "/portal", {{"If-None-Match", "\"other\""}}).status() == 200);
  }

  TEST_CASE("static site: hashed assets are immutable, the widget short-lived and open") {
    Console console;
    const StaticSite site = console.load();
    for (std::string_view path : {"/assets/app-3f9a1c.js", "/assets/logo-1a2b.png"}) {
      CAPTURE(path);
      const Response r = get(site, std::string(path));
      CHECK(header(r, "Cache-Control") == "public, max-age=31536000, immutable");
      CHECK(header(r, "Access-Control-Allow-Origin") == "<absent>");
    }
    for (std::string_view path : {"/", "/agent", "/favicon.svg", "/api/docs", "/manifest.json"}) {
      CAPTURE(path);
      const Response r = get(site, std::string(path));
      CHECK(header(r, "Cache-Control") == "no-cache");
      CHECK(header(r, "ETag") != "<absent>");
      CHECK(header(r, "Access-Control-Allow-Origin") == "<absent>");
    }
    const Response widget = get(site, "/widget.js");
    CHECK(header(widget, "Cache-Control") == "public, max-age=300");
    CHECK(header(widget, "Access-Control-Allow-Origin") == "*");
    CHECK(header(widget, "ETag") != "<absent>");
    const Response revalidated =
        get(site, "/widget.js", {{"If-None-Match", header(widget, "ETag")}});
    CHECK(revalidated.status() == 304);
    CHECK(header(revalidated, "Access-Control-Allow-Origin") == "*");
  }

  TEST_CASE("static site: the gzip copy when Accept-Encoding allows it") {
    Console console;
    const StaticSite site = console.load();
    const Response plain = get(site, "/widget.js");
    CHECK(plain.body() == console.files["widget.js"]);
    CHECK(header(plain, "Content-Encoding") == "<absent>");
    CHECK(header(plain, "Vary") == "Accept-Encoding");

    const Response zipped = get(site, "/widget.js", {{"Accept-Encoding", "gzip, deflate, br"}});
    CHECK(header(zipped, "Content-Encoding") == "gzip");
    CHECK(header(zipped, "Vary") == "Accept-Encoding");
    CHECK(zipped.body().size() < plain.body().size());
    CHECK(gunzip(zipped.body()) == console.files["widget.js"]);
    // Each coding is its own representation, with its own tag.
    const std::string zipped_etag = header(zipped, "ETag");
    CHECK(zipped_etag != header(plain, "ETag"));
    CHECK(get(site, "/widget.js", {{"Accept-Encoding", "gzip"}, {"If-None-Match", zipped_etag}})
              .status() == 304);
    CHECK(get(site, "/widget.js", {{"If-None-Match", zipped_etag}}).status() == 200);

    for (std::string_view refused :
         {"gzip;q=0", "gzip; q=0.000", "identity", "br, *;q=0", "", "*, gzip;q=0", "gzip;q=2"}) {
      CAPTURE(refused);
      const Response r = get(site, "/widget.js", {{"Accept-Encoding", std::string(refused)}});
      CHECK(header(r, "Content-Encoding") == "<absent>");
      CHECK(r.body() == console.files["widget.js"]);
    }
    // Every text type has a copy; a file gzip would not shrink keeps only its bytes.
    for (std::string_view path : {"/", "/assets/app-3f9a1c.css", "/favicon.svg", "/manifest.json",
                                  "/assets/app-3f9a1c.js.map"}) {
      CAPTURE(path);
      CHECK(header(get(site, std::string(path), {{"Accept-Encoding", "gzip"}}),
                   "Content-Encoding") == "gzip");
    }
    const Response tiny = get(site, "/robots.txt", {{"Accept-Encoding", "gzip"}});
    CHECK(header(tiny, "Content-Encoding") == "<absent>");
    CHECK(tiny.body() == "x");
    // Binary types are already compressed: no copy, no Vary.
    const Response png = get(site, "/assets/logo-1a2b.png", {{"Accept-Encoding", "gzip"}});
    CHECK(header(png, "Content-Encoding") == "<absent>");
    CHECK(header(png, "Vary") == "<absent>");
  }

  TEST_CASE("static site: Accept-Encoding q-values") {
    for (std::string_view yes :
         {"gzip", "GZIP", "x-gzip", "deflate, gzip", "gzip;q=1", "gzip;q=0.001", "gzip ; q=0.5",
          "*", "*;q=0.1", "br;q=1, *", "gzip;Q=1.000", "gzip;level=9", "identity;q=0, gzip"}) {
      CAPTURE(yes);
      CHECK(accepts_gzip(yes));
    }
    for (std::string_view no :
         {"", "identity", "br", "gzip;q=0", "gzip;q=0.0", "gzip;q=0.000", "*;q=0", "*, gzip;q=0",
          "gzip;q=0, *", "gzip;q=1.5", "gzip;q=abc", "gzip;q=0.0001", "gzip;q=", "gzipped"}) {
      CAPTURE(no);
      CHECK_FALSE(accepts_gzip(no));
    }
  }

  TEST_CASE("static site: the Content-Security-Policy and Referrer-Policy only on HTML") {
    Console console;
    const StaticSite site = console.load();
    for (std::string_view path : {"/", "/portal/requests/5", "/api/docs", "/demo"}) {
      CAPTURE(path);
      const Response r = get(site, std::string(path));
      CHECK(header(r, "Content-Security-Policy") ==
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src "
            "'self' data: blob:; font-src 'self'; connect-src 'self' ws: wss:; frame-ancestors "
            "'self'; base-uri 'self'; form-action 'self'; object-src 'none'");
      CHECK(header(r, "Referrer-Policy") == "same-origin");
    }
    for (std::string_view path : {"/widget.js", "/assets/app-3f9a1c.css", "/favicon.svg"}) {
      CAPTURE(path);
      const Response r = get(site, std::string(path));
      CHECK(header(r, "Content-Security-Policy") == "<absent>");
      CHECK(header(r, "Referrer-Policy") == "<absent>");
    }
  }

  TEST_CASE("static site: HEAD has the GET's headers and no body") {
    Console console;
    const StaticSite site = console.load();
    for (const bool gzip : {false, true}) {
      CAPTURE(gzip);
      std::vector<std::pair<std::string, std::string>> headers;
      if (gzip) headers.emplace_back("Accept-Encoding", "gzip");
      const Response full = get(site, "/agent", headers);
      const Response head = get(site, "/agent", headers, Method::kHead);
      CHECK(head.status() == 200);
      CHECK(head.omit_body());
      CHECK_FALSE(full.omit_body());
      // The body stays for its length: the server sends Content-Length, not the bytes.
      CHECK(head.body().size() == full.body().size());
      CHECK(head.headers() == full.headers());
      CHECK(head.content_type() == full.content_type());
    }
  }

  TEST_CASE("static site: the router's fallback, behind every route, fence and guard") {
    Console console;
    Router router;
    router.get("/api/items",
               [](RequestContext&) { return Response::ok([](JsonWriter& w) { w.value(1); }); });
    router.post("/api/items", [](RequestContext&) {
      return Response::created([](JsonWriter& w) { w.value(1); });
    });
    router.get("/healthz", [](RequestContext&) { return Response::raw(200, "text/plain", "ok"); });
    add_console_fallback(router, std::make_shared<const StaticSite>(console.load()));
    REQUIRE(router.status().ok());
    MetricsRegistry metrics;
    StuckFence fence;
    std::vector<std::string> logged;
    ServiceOptions options;
    options.metrics = &metrics;
    options.fence = &fence;
    options.access_log = [&](const AccessLogRecord& r) { logged.emplace_back(r.route); };
    const HttpService service(router, std::move(options));
    auto call = [&](Method method, std::string target) {
      return service.handle(RequestData(method, std::move(target)).view(),
                            std::chrono::steady_clock::now());
    };

    // Not fenced: the read models lag, and the page is served at once.
    const Response page = call(Method::kGet, "/agent/x");
    CHECK(page.status() == 200);
    CHECK(page.body() == console.files["agent.html"]);
    CHECK(logged.back() == "console");
    const Response head = call(Method::kHead, "/");
    CHECK(head.status() == 200);
    CHECK(head.omit_body());

    // Unknown paths: the same JSON 404 as before there was a site, counted as unmatched.
    for (std::string_view path : {"/api/nope", "/nowhere", "/assets/gone.js"}) {
      CAPTURE(path);
      const Response missing = call(Method::kGet, std::string(path));
      CHECK(missing.status() == 404);
      CHECK(missing.content_type() == kJsonContentType);
      CHECK(missing.body().find(R"("errorCode":"NOT_FOUND")") != std::string::npos);
      CHECK(missing.body().find(R"("message":"Route not found")") != std::string::npos);
      CHECK(logged.back() == "unmatched");
    }
    // Other methods keep the router's answers.
    CHECK(call(Method::kPost, "/").status() == 404);
    CHECK(call(Method::kPut, "/agent").status() == 404);
    CHECK(call(Method::kOptions, "/").status() == 404);
    CHECK(call(Method::kPost, "/api/items").status() == 201);
    CHECK(call(Method::kDelete, "/api/items").status() == 405);
    const std::string text = metrics.render();
    CHECK(text.find(R"(docket_http_requests_total{route="console",method="GET",status="200"} 1)") !=
          std::string::npos);
    CHECK(
        text.find(R"(docket_http_requests_total{route="console",method="HEAD",status="200"} 1)") !=
        std::string::npos);
    // The API document is about operations: the site is not one.
    const std::string doc = openapi_document(router, {.version = "0.1.0"});
    CHECK(doc.find("console") == std::string::npos);
    CHECK(doc.find("/api/items") != std::string::npos);
  }
}

}  // namespace docket::http

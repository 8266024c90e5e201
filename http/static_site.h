// StaticSite: the web console's files (console/dist, built by Vite), held in memory and
// served for GET and HEAD by the same server as the API (docs/http.md, "The console's
// files"; decision 0034).
//
// load() reads a directory tree once, at start-up: regular files of at most
// kMaxFileBytes, and symlinks only when they resolve to a regular file inside the
// root. Hidden files and directories (a leading '.') are left out. Each text file (html,
// js, css, svg, json, map, txt) also gets a gzip copy when that is smaller.
//
// Which file a request path names (find()):
//   /                        index.html
//   /api/docs, /api/docs/    api-docs.html
//   /<file>                  that file: /widget.js, /favicon.svg, /assets/app-3f9a1c.js
//   /X, /X/…                 X.html at the root: a single-page entry and its deep links
//                            (/portal/requests/5 → portal.html)
// and never: anything else under /api/, /socket.io/, /healthz, /readyz, /metrics (the
// server's own); a path with "..", a NUL, a backslash or a bad escape. An unknown file
// under /assets/ is not an entry either, so a stale page asking for an old bundle gets
// 404, not HTML.
//
// answer() sends the file with its Content-Type, an ETag (a strong one: the SHA-256 of
// the bytes sent) with 304 for a matching If-None-Match, the cache policy of its place
// (the content-hashed /assets/ forever; /widget.js, which other sites embed, for five
// minutes and to any origin; everything else revalidated each time), the gzip copy when
// Accept-Encoding allows it, and on HTML the Content-Security-Policy.
//
// Thread safety: immutable once loaded; find() and answer() from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"

namespace docket::http {

class Router;

// One file as it is served.
struct StaticFile {
  std::string path;               // below the root, '/'-separated: "assets/app-3f9a1c.js"
  std::string_view content_type;  // by extension
  std::string_view cache_control;
  bool html = false;          // carries the Content-Security-Policy
  bool any_origin = false;    // Access-Control-Allow-Origin: * (/widget.js)
  bool compressible = false;  // a text type: its answers vary by Accept-Encoding
  std::string body;
  std::string etag;       // "\"<hex>\"" of `body`
  std::string gzip;       // the gzip-coded body; empty when it would not be smaller
  std::string gzip_etag;  // of `gzip`
};

class StaticSite {
 public:
  // Files larger than this are left out; the console's are a few hundred KiB.
  static constexpr std::uint64_t kMaxFileBytes = 8 * 1024 * 1024;
  // A directory with more than this is not a built console (a mistyped root).
  static constexpr std::size_t kMaxFiles = 10'000;
  static constexpr std::uint64_t kMaxTotalBytes = 256 * 1024 * 1024;

  static constexpr std::string_view kContentSecurityPolicy =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; font-src 'self'; connect-src 'self' ws: wss:; "
      "frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

  // A file load() left out, and why.
  struct Skipped {
    std::string path;  // below the root
    std::string reason;
  };

  // Reads the tree under `root`. NotFound when `root` is not a directory or holds no
  // index.html; InvalidArgument past kMaxFiles or kMaxTotalBytes; IOError when the
  // directory cannot be listed. A single file that cannot be read, is too large or is a
  // symlink leaving the root is left out and listed in skipped().
  static Result<StaticSite> load(const std::string& root);

  // The file `path` (the request's, percent-encoded, without the query) names; null
  // when the site does not serve it.
  const StaticFile* find(std::string_view path) const;

  // The answer to a GET or HEAD of `request` (HEAD: the same headers, no body); 404
  // NOT_FOUND, as for an unknown route, when find() has no file for its path.
  Response answer(const Request& request) const;

  std::size_t file_count() const { return files_.size(); }
  std::uint64_t bytes() const { return bytes_; }  // of the files as loaded, not the gzip copies
  const std::vector<Skipped>& skipped() const { return skipped_; }

 private:
  std::unordered_map<std::string, StaticFile> files_;  // by StaticFile::path
  std::uint64_t bytes_ = 0;
  std::vector<Skipped> skipped_;
};

// Whether an Accept-Encoding value admits gzip: `gzip` (or `x-gzip`), else `*`, listed
// with a q-value above 0. Absent or empty: no.
bool accepts_gzip(std::string_view accept_encoding);

// Serves `site` for the GET and HEAD requests no route takes (Router::fallback), labelled
// "console" in logs and metrics: public, not held by the read fence, not in the OpenAPI
// document.
void add_console_fallback(Router& router, std::shared_ptr<const StaticSite> site);

}  // namespace docket::http

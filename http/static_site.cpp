#include "http/static_site.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "core/api_error.h"
#include "core/crypto.h"
#include "http/request_context.h"
#include "http/router.h"
#include "http/text.h"
#include "http/url.h"

namespace docket::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kWidget = "public, max-age=300";
constexpr std::string_view kRevalidate = "no-cache";

struct TypeOf {
  std::string_view extension;
  std::string_view content_type;
  bool compressible;
};

constexpr TypeOf kTypes[] = {
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"svg", "image/svg+xml", true},
    {"json", "application/json", true},
    {"map", "application/json", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"webp", "image/webp", false},
    {"ico", "image/x-icon", false},
    {"woff2", "font/woff2", false},
};

TypeOf type_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    const std::string extension = to_lower_ascii(path.substr(dot + 1));
    for (const TypeOf& t : kTypes) {
      if (t.extension == extension) return t;
    }
  }
  return {"", "application/octet-stream", false};
}

std::string etag_of(std::string_view bytes) {
  // 128 bits of the SHA-256 tell versions apart as well as all of it, in half the header.
  return "\"" + sha256_hex(bytes).substr(0, 32) + "\"";
}

// The gzip coding of `bytes` (RFC 1952, no name or time in its header, so the same
// bytes always code the same); empty when zlib fails.
std::string gzip(std::string_view bytes) {
  z_stream z{};
  // 15 + 16: the largest window, with the gzip wrapper instead of zlib's.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return done == Z_STREAM_END ? out : std::string();
}

bool inside(const std::string& root, const std::string& path) {
  if (root.ends_with('/')) return path.starts_with(root);
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

// Whether the (decoded) path is one the server answers itself, whatever the site holds.
bool reserved(std::string_view path) {
  const std::string_view rest = path.substr(1);
  const std::string_view first = rest.substr(0, rest.find('/'));
  if (first == "api") return path != "/api/docs" && path != "/api/docs/";
  return first == "socket.io" || first == "healthz" || first == "readyz" || first == "metrics";
}

}  // namespace

Result<StaticSite> StaticSite::load(const std::string& root_text) {
  std::error_code ec;
  const fs::path root = fs::canonical(root_text, ec);
  if (ec || !fs::is_directory(root, ec)) {
    return Status::NotFound(root_text + " is not a directory");
  }
  const std::string root_string = root.generic_string();
  StaticSite site;
  std::error_code walk;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, walk);
  for (const fs::recursive_directory_iterator end; !walk && it != end; it.increment(walk)) {
    const fs::directory_entry& entry = *it;
    const std::string path = entry.path().lexically_relative(root).generic_string();
    if (entry.path().filename().string().starts_with('.')) {
      // Editor and VCS leftovers (.DS_Store, .git/) are not the console's.
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    fs::path source = entry.path();
    if (entry.is_symlink(ec)) {
      const fs::path target = fs::canonical(entry.path(), ec);
      if (ec || !inside(root_string, target.generic_string())) {
        site.skipped_.push_back({path, "a symbolic link that leads outside the directory"});
        continue;
      }
      if (!fs::is_regular_file(target, ec)) {
        // A linked directory is not followed: the walk could loop through it.
        if (fs::is_directory(target, ec)) {
          site.skipped_.push_back({path, "a symbolic link to a directory"});
        }
        continue;
      }
      source = target;
    } else if (!entry.is_regular_file(ec)) {
      continue;  // a directory (walked into), or a socket or FIFO (never read)
    }
    const std::uintmax_t size = fs::file_size(source, ec);
    if (ec) {
      site.skipped_.push_back({path, "cannot be read: " + ec.message()});
      continue;
    }
    if (size > kMaxFileBytes) {
      site.skipped_.push_back({path, "larger than 8 MiB"});
      continue;
    }
    std::string body(static_cast<std::size_t>(size), '\0');
    std::ifstream in(source, std::ios::binary);
    if (!in.read(body.data(), static_cast<std::streamsize>(body.size()))) {
      site.skipped_.push_back({path, "cannot be read"});
      continue;
    }
    if (site.files_.size() == kMaxFiles || site.bytes_ + body.size() > kMaxTotalBytes) {
      return Status::InvalidArgument(root_text +
                                     " holds more than 10000 files or 256 MiB: not a built "
                                     "console");
    }
    StaticFile file;
    file.path = path;
    const TypeOf type = type_of(path);
    file.content_type = type.content_type;
    file.compressible = type.compressible;
    file.html = type.extension == "html";
    file.any_origin = path == "widget.js";
    file.cache_control = path.starts_with("assets/") ? kImmutable
                         : file.any_origin           ? kWidget
                                                     : kRevalidate;
    file.etag = etag_of(body);
    if (file.compressible) {
      std::string coded = gzip(body);
      if (!coded.empty() && coded.size() < body.size()) {
        file.gzip_etag = etag_of(coded);
        file.gzip = std::move(coded);
      }
    }
    site.bytes_ += body.size();
    file.body = std::move(body);
    site.files_.emplace(path, std::move(file));
  }
  if (walk) return Status::IOError("cannot list " + root_text + ": " + walk.message());
  if (!site.files_.contains("index.html")) {
    return Status::NotFound(root_text + " has no index.html");
  }
  return site;
}

const StaticFile* StaticSite::find(std::string_view raw) const {
  std::string path;
  if (raw.empty() || raw.front() != '/' || !percent_decode(raw, path, false)) return nullptr;
  // Files are looked up by name in memory, never opened by it; these are refused anyway,
  // so that no spelling of a way out of the root is ever answered with a page.
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || has_control_chars(path, false) || reserved(path)) {
    return nullptr;
  }
  auto file = [this](const std::string& name) -> const StaticFile* {
    auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
  };
  if (path == "/") return file("index.html");
  if (path.starts_with("/api/")) return file("api-docs.html");  // only /api/docs passes
  if (const StaticFile* exact = file(path.substr(1))) return exact;
  const std::string first = path.substr(1, path.find('/', 1) - 1);
  if (first.empty()) return nullptr;
  return file(first + ".html");
}

bool accepts_gzip(std::string_view header) {
  double gzip_q = -1;  // -1: not named
  double any_q = -1;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::size_t semicolon = item.find(';');
    const std::string coding = to_lower_ascii(trim(item.substr(0, semicolon)));
    double q = 1;
    if (semicolon != std::string_view::npos) {
      // Parameters: only q matters; a malformed one makes the item mean nothing.
      std::string_view params = item.substr(semicolon + 1);
      while (!params.empty()) {
        const std::size_t next = params.find(';');
        const std::string_view param = trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
        const std::size_t eq = param.find('=');
        if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "q")) continue;
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110 §12.4.2)
        const std::string_view value = trim(param.substr(eq + 1));
        const bool shape = !value.empty() && (value[0] == '0' || value[0] == '1') &&
                           (value.size() == 1 ||
                            (value[1] == '.' && value.size() <= 5 &&
                             value.find_first_not_of("0123456789", 2) == std::string_view::npos));
        if (!shape) {
          q = -1;
          break;
        }
        q = value[0] - '0';
        double scale = 0.1;
        for (std::size_t i = 2; i < value.size(); ++i, scale /= 10)
          q += (value[i] - '0') * scale;
        if (q > 1) q = -1;  // "1.5"
      }
    }
    if (q < 0) continue;
    if (coding == "gzip" || coding == "x-gzip") gzip_q = std::max(gzip_q, q);
    if (coding == "*") any_q = std::max(any_q, q);
  }
  // A coding named outright overrides `*` (RFC 9110 §12.5.3): "*, gzip;q=0" is a no.
  const double q = gzip_q >= 0 ? gzip_q : any_q;
  return q > 0;
}

Response StaticSite::answer(const Request& request) const {
  const StaticFile* file = find(request.path);
  if (file == nullptr) return ApiError::not_found("Route not found");
  const bool gzipped = !file->gzip.empty() && accepts_gzip(request.header("Accept-Encoding"));
  const std::string& etag = gzipped ? file->gzip_etag : file->etag;
  const bool fresh = etag_matches(request.header("If-None-Match"), etag);
  Response response = Response::raw(fresh ? 304 : 200, std::string(file->content_type),
                                    fresh     ? std::string()
                                    : gzipped ? file->gzip
                                              : file->body);
  if (!fresh && gzipped) response.add_header("Content-Encoding", "gzip");
  // A 304 repeats the rest (RFC 9110 §15.4.5), so a revalidated copy keeps them.
  response.add_header("ETag", etag);
  response.add_header("Cache-Control", file->cache_control);
  if (file->compressible) response.add_header("Vary", "Accept-Encoding");
  if (file->any_origin) response.add_header("Access-Control-Allow-Origin", "*");
  if (file->html) {
    response.add_header("Content-Security-Policy", kContentSecurityPolicy);
    response.add_header("Referrer-Policy", "same-origin");
  }
  if (request.method == Method::kHead) response.set_omit_body(true);
  return response;
}

void add_console_fallback(Router& router, std::shared_ptr<const StaticSite> site) {
  router.fallback(
      "console", [site](std::string_view path) { return site->find(path) != nullptr; },
      [site](RequestContext& ctx) -> Reply { return site->answer(ctx.request()); },
      {.name = "console",
       .summary = "The web console's files (docs/http.md)",
       .access = Access::kPublic,
       // Files do not depend on the read models: a page loads however far they lag.
       .fenced = false});
}

}  // namespace docket::http

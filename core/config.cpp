#include "core/config.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>

#include "core/log.h"

namespace docket {

bool parse_uint(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_port(std::string_view text, std::uint16_t& out) {
  std::uint64_t v = 0;
  if (!parse_uint(text, v) || v > 65535) return false;
  out = static_cast<std::uint16_t>(v);
  return true;
}

bool parse_bool(std::string_view text, bool& out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    out = true;
    return true;
  }
  if (text == "false" || text == "0" || text == "no" || text == "off") {
    out = false;
    return true;
  }
  return false;
}

std::vector<std::string> parse_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

namespace {

// An unsigned integer in [min, max].
bool parse_uint_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                   std::uint64_t& out) {
  std::uint64_t v = 0;
  if (!parse_uint(text, v) || v < min || v > max) return false;
  out = v;
  return true;
}

// "*" or an origin as browsers send it: http(s)://host[:port], no path.
bool is_cors_origin(std::string_view origin) {
  if (origin == "*") return true;
  std::string_view rest;
  if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

bool is_ip_address(const std::string& text) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

const std::vector<ConfigVariable>& config_variables() {
  static const std::vector<ConfigVariable> kVariables = {
      {"DOCKET_DATA_DIR", "./data",
       "Directory holding the event log (log/), the read models (projections/) and other "
       "server state. Created when missing.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.data_dir = std::string(v);
         return true;
       }},
      {"DOCKET_BIND", "127.0.0.1", "Address the server listens on.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.bind = std::string(v);
         return true;
       }},
      {"DOCKET_PORT", "8080", "TCP port the server listens on (0 picks a free port).",
       [](Config& c, std::string_view v) { return parse_port(v, c.port); }},
      {"DOCKET_LOG_LEVEL", "info", "Lowest level written to the log: debug, info, warn, error.",
       [](Config& c, std::string_view v) {
         LogLevel level;
         if (!parse_log_level(v, level)) return false;
         c.log_level = std::string(v);
         return true;
       }},
      {"DOCKET_IO_THREADS", "0",
       "Threads serving HTTP connections (each runs its own event loop); 0 uses one per "
       "hardware thread.",
       [](Config& c, std::string_view v) {
         std::uint64_t n = 0;
         if (!parse_uint_in(v, 0, 256, n)) return false;
         c.io_threads = static_cast<unsigned>(n);
         return true;
       }},
      {"DOCKET_MAX_BODY_BYTES", "1048576",
       "Largest request body accepted; larger bodies get 413 PAYLOAD_TOO_LARGE.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, std::uint64_t{1} << 32, c.max_body_bytes);
       }},
      {"DOCKET_MAX_HEADER_BYTES", "16384",
       "Largest request line plus header fields accepted; larger get 431.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1024, 1024 * 1024, c.max_header_bytes);
       }},
      {"DOCKET_REQUEST_TIMEOUT_MS", "10000",
       "Time allowed to receive one whole request (head and body) once its first byte "
       "arrived, and to send its response; slower connections are closed.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 3'600'000, c.request_timeout_ms);
       }},
      {"DOCKET_IDLE_TIMEOUT_MS", "30000",
       "How long a keep-alive connection may wait for its next request before it is closed.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 3'600'000, c.idle_timeout_ms);
       }},
      {"DOCKET_MAX_CONNECTIONS", "1000",
       "Open HTTP connections served at once; a connection beyond it gets 503 "
       "SERVICE_UNAVAILABLE and is closed. Keep below the process file-descriptor limit.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 1'000'000, c.max_connections);
       }},
      {"DOCKET_MAX_REQUESTS_PER_CONNECTION", "1000",
       "Requests served on one keep-alive connection (pipelined or not) before the server "
       "answers with Connection: close.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 1'000'000'000, c.max_requests_per_connection);
       }},
      {"DOCKET_CORS_ORIGINS", "",
       "Comma-separated origins allowed to call the API from a browser "
       "(https://app.example.com); exact match; * allows any origin. Empty: no CORS headers.",
       [](Config& c, std::string_view v) {
         std::vector<std::string> origins = parse_list(v);
         for (const std::string& o : origins) {
           if (!is_cors_origin(o)) return false;
         }
         c.cors_origins = std::move(origins);
         return true;
       }},
      {"DOCKET_TRUSTED_PROXIES", "",
       "Comma-separated IP addresses of reverse proxies whose X-Forwarded-For header is "
       "believed for the client address. Empty: the peer address is always used.",
       [](Config& c, std::string_view v) {
         std::vector<std::string> proxies = parse_list(v);
         for (const std::string& p : proxies) {
           if (!is_ip_address(p)) return false;
         }
         c.trusted_proxies = std::move(proxies);
         return true;
       }},
      {"DOCKET_TLS_CERT_FILE", "",
       "PEM certificate chain; with DOCKET_TLS_KEY_FILE the server speaks HTTPS only.",
       [](Config& c, std::string_view v) {
         c.tls_cert_file = std::string(v);
         return true;
       }},
      {"DOCKET_TLS_KEY_FILE", "", "PEM private key for DOCKET_TLS_CERT_FILE.",
       [](Config& c, std::string_view v) {
         c.tls_key_file = std::string(v);
         return true;
       }},
      {"DOCKET_SHUTDOWN_GRACE_MS", "10000",
       "On SIGTERM/SIGINT, how long in-flight requests may take to finish before their "
       "connections are closed.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 0, 3'600'000, c.shutdown_grace_ms);
       }},
  };
  return kVariables;
}

Result<Config> load_config(const std::function<const char*(const char*)>& getenv) {
  Config config;
  for (const ConfigVariable& var : config_variables()) {
    const std::string name(var.name);
    const char* value = getenv ? getenv(name.c_str()) : std::getenv(name.c_str());
    if (value == nullptr) continue;
    if (!var.apply(config, value)) {
      return Status::InvalidArgument(name + ": '" + value + "' is not an acceptable value");
    }
  }
  return config;
}

}  // namespace docket

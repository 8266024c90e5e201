#include "core/config.h"

#include <arpa/inet.h>

#include <algorithm>
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

// The shortest heartbeat (ping interval and timeout): a second, or a tenth of one for
// the protocol test suites (DOCKET_WS_ECHO), which expect 300 / 200 ms.
constexpr std::uint64_t kMinPingMs = 1000;
constexpr std::uint64_t kMinTestPingMs = 100;

// An unsigned integer in [min, max].
bool parse_uint_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                   std::uint64_t& out) {
  std::uint64_t v = 0;
  if (!parse_uint(text, v) || v < min || v > max) return false;
  out = v;
  return true;
}

// A number of days in [0, 3650], fractions allowed ("0.5"); no exponent, no sign.
bool parse_days(std::string_view text, double& out) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) {
    return false;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 3650) return false;
  out = v;
  return true;
}

// A number of hours for an SLA target: (0, 8784], fractions allowed, at least a minute.
bool parse_sla_hours(std::string_view text, double& out) {
  double v = 0;
  if (!parse_days(text, v) || v * 60 < 1 || v > 8784) return false;
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
      {"DOCKET_HTTP_BLOCKING_THREADS", "8",
       "Threads running the handlers that block for long (password hashing: register, "
       "login, staff creation), so that IO threads never do. Commands do not use them: "
       "a handler waiting for its command holds no thread.",
       [](Config& c, std::string_view v) {
         std::uint64_t n = 0;
         if (!parse_uint_in(v, 1, 256, n)) return false;
         c.blocking_threads = static_cast<unsigned>(n);
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
      {"DOCKET_MAX_CONNECTIONS_PER_IP", "64",
       "Open HTTP connections one client address may hold (a websocket stops counting once "
       "upgraded; DOCKET_TRUSTED_PROXIES are exempt); more get 503 SERVICE_UNAVAILABLE. 0: "
       "no cap.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 0, 1'000'000, c.max_connections_per_ip);
       }},
      {"DOCKET_IDEMPOTENCY_TTL_HOURS", "24",
       "How long the answer and the outcome of a request sent with an Idempotency-Key are "
       "kept for its retries (1 - 720 hours).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 720, c.idempotency_ttl_hours);
       }},
      {"DOCKET_HEADER_TIMEOUT_MS", "5000",
       "When the server holds DOCKET_MAX_CONNECTIONS, a connection that has completed no "
       "request within this many milliseconds is closed to make room for a new one, the "
       "oldest first (100 - 600000).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 100, 600'000, c.header_timeout_ms);
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
      {"DOCKET_CONSOLE_DIR", "console/dist",
       "Directory of the web console's built files, loaded at start and served for the "
       "paths no API route takes (relative to the working directory). Empty: no console. "
       "A directory that is missing or has no index.html is logged and left out.",
       [](Config& c, std::string_view v) {
         c.console_dir = std::string(v);
         return true;
       }},
      // Identity
      {"DOCKET_JWT_SECRET", "",
       "HS256 key that signs and verifies the tokens Docket issues at login (at least 32 "
       "bytes). Empty: a random key is generated on first start and kept in "
       "<data dir>/jwt-secret (mode 0600).",
       [](Config& c, std::string_view v) {
         if (!v.empty() && v.size() < 32) return false;
         c.jwt_secret = std::string(v);
         return true;
       }},
      {"DOCKET_JWT_ISSUER", "docket", "The `iss` claim of issued tokens, and an accepted issuer.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.jwt_issuer = std::string(v);
         return true;
       }},
      {"DOCKET_JWT_AUDIENCE", "docket",
       "The `aud` claim of issued tokens; every accepted token must name it.",
       [](Config& c, std::string_view v) {
         if (v.empty()) return false;
         c.jwt_audience = std::string(v);
         return true;
       }},
      {"DOCKET_JWT_TTL_SECONDS", "3600", "Lifetime of a token issued at login (60 – 2592000).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 60, 30ull * 24 * 3600, c.jwt_ttl_seconds);
       }},
      {"DOCKET_JWT_PUBLIC_KEY_FILES", "",
       "Comma-separated PEM public keys (RSA for RS256, P-256 for ES256) of an external "
       "identity provider whose tokens are accepted beside Docket's own.",
       [](Config& c, std::string_view v) {
         c.jwt_public_key_files = parse_list(v);
         return true;
       }},
      {"DOCKET_JWT_EXTERNAL_ISSUERS", "",
       "Comma-separated `iss` values accepted besides DOCKET_JWT_ISSUER (for external tokens).",
       [](Config& c, std::string_view v) {
         c.jwt_external_issuers = parse_list(v);
         return true;
       }},
      {"DOCKET_PASSWORD_HASH_COST", "interactive",
       "Argon2id cost of new password hashes: `interactive` (2 passes, 64 MiB) or "
       "`minimal` (for test environments only; gives no protection against guessing).",
       [](Config& c, std::string_view v) {
         if (v != "interactive" && v != "minimal") return false;
         c.password_hash_cost = std::string(v);
         return true;
       }},
      {"DOCKET_PASSWORD_HASH_CONCURRENCY", "0",
       "Password hashes and checks (login, register, staff creation) computed at once; "
       "further ones wait. Bounds their memory. 0: one per hardware thread.",
       [](Config& c, std::string_view v) {
         std::uint64_t n = 0;
         if (!parse_uint_in(v, 0, 256, n)) return false;
         c.password_hash_concurrency = static_cast<unsigned>(n);
         return true;
       }},
      {"DOCKET_BOOTSTRAP_ADMIN_EMAIL", "",
       "With DOCKET_BOOTSTRAP_ADMIN_PASSWORD: on a start where no staff account exists yet, "
       "creates this admin. Ignored once any staff account exists.",
       [](Config& c, std::string_view v) {
         c.bootstrap_admin_email = std::string(v);
         return true;
       }},
      {"DOCKET_BOOTSTRAP_ADMIN_PASSWORD", "",
       "Password of the bootstrap admin (must meet the password policy). Never logged.",
       [](Config& c, std::string_view v) {
         c.bootstrap_admin_password = std::string(v);
         return true;
       }},
      {"DOCKET_SUPPORT_CATEGORIES",
       "technical:high,billing:medium,account:medium,feature:low,general:low",
       "Support request categories, each with the priority a new request of that category "
       "gets (low, medium, high, urgent); comma-separated category:priority pairs.",
       [](Config& c, std::string_view v) {
         std::vector<std::pair<std::string, std::string>> out;
         for (const std::string& item : parse_list(v)) {
           const std::size_t colon = item.find(':');
           if (colon == 0 || colon == std::string::npos) return false;
           std::string category = item.substr(0, colon);
           std::string priority = item.substr(colon + 1);
           if (priority != "low" && priority != "medium" && priority != "high" &&
               priority != "urgent") {
             return false;
           }
           if (category.size() > 40 ||
               category.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
                   std::string::npos) {
             return false;
           }
           for (const auto& [known, _] : out)
             if (known == category) return false;
           out.emplace_back(std::move(category), std::move(priority));
         }
         if (out.empty()) return false;
         c.support_categories = std::move(out);
         return true;
       }},
      // Support inquiries
      {"DOCKET_INQUIRY_TOKEN_TTL_DAYS", "30",
       "Days a guest inquiry access token (si_...) stays valid after the inquiry is created "
       "(1 - 3650).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 3650, c.inquiry_token_ttl_days);
       }},
      {"DOCKET_INQUIRY_OTP_TTL_SECONDS", "600",
       "How long an e-mail verification code of an inquiry is accepted (60 - 86400).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 60, 86400, c.inquiry_otp_ttl_seconds);
       }},
      {"DOCKET_INQUIRY_OTP_MAX_ATTEMPTS", "5",
       "Wrong codes allowed against one verification code (1 - 20); then a new code must be "
       "requested.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 20, c.inquiry_otp_max_attempts);
       }},
      {"DOCKET_INQUIRY_GREETING",
       "Thanks for reaching out! A member of our support team will reply here shortly.",
       "The system greeting message every new inquiry starts with (1 - 1000 characters).",
       [](Config& c, std::string_view v) {
         if (v.empty() || v.size() > 1000) return false;
         c.inquiry_greeting = std::string(v);
         return true;
       }},
      {"DOCKET_API_LICENSE_NAME", "Proprietary",
       "The license the API is offered under, as the OpenAPI document states it (1 - 200 "
       "characters).",
       [](Config& c, std::string_view v) {
         if (v.empty() || v.size() > 200) return false;
         c.api_license_name = std::string(v);
         return true;
       }},
      {"DOCKET_API_LICENSE_URL", "",
       "Where the license text is (an http(s) URL; empty: none), for the OpenAPI document.",
       [](Config& c, std::string_view v) {
         if (!v.empty() && !v.starts_with("https://") && !v.starts_with("http://")) return false;
         if (v.size() > 500) return false;
         c.api_license_url = std::string(v);
         return true;
       }},
      {"SUPPORT_INQUIRIES_INACTIVE_CLOSE_CRON", "0 * * * *",
       "When the inactive-close job runs: a 5-field cron expression (minute hour "
       "day-of-month month day-of-week) in UTC.",
       [](Config& c, std::string_view v) {
         // The expression is parsed (and a bad one refused) when the server starts.
         if (v.empty() || v.size() > 200 || v.find_first_of("\r\n") != std::string_view::npos) {
           return false;
         }
         c.inactive_close_cron = std::string(v);
         return true;
       }},
      {"SUPPORT_INQUIRIES_INACTIVE_CLOSE_DAYS", "7",
       "Days without activity after which an open, active, waiting or resolved inquiry is "
       "closed by the inactive-close job; fractional values allowed (0.5 = 12 hours); 0 "
       "closes every such inquiry at the next run.",
       [](Config& c, std::string_view v) { return parse_days(v, c.inactive_close_days); }},
      // Agents and the queue
      {"DOCKET_QUEUE_ENABLED", "true",
       "Whether the queue assigns open, unassigned work to available agents by itself "
       "(true/false). Taking and manual assignment work either way.",
       [](Config& c, std::string_view v) { return parse_bool(v, c.queue_enabled); }},
      {"DOCKET_QUEUE_DEFAULT_CAPACITY", "5",
       "The maxOpenItems an agent starts with (1 - 1000): open work items assigned at once. "
       "Recorded in the agent's stream when the agent is first recorded.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 1000, c.queue_default_capacity);
       }},
      {"DOCKET_CSAT_WINDOW_DAYS", "7",
       "Days after its resolution (an inquiry: its resolution, else its closing) during which "
       "the customer or guest may rate a conversation, once (1 - 365).",
       [](Config& c, std::string_view v) { return parse_uint_in(v, 1, 365, c.csat_window_days); }},
      {"DOCKET_CSAT_EMAIL", "false",
       "E-mail a satisfaction survey when a support request is resolved or an inquiry is "
       "resolved or closed by staff: to the customer, or to a guest whose address was "
       "verified; never twice, never after a rating (true or false).",
       [](Config& c, std::string_view v) { return parse_bool(v, c.csat_email); }},
      {"DOCKET_QUEUE_INTERVAL_SECONDS", "10",
       "How often the queue sweeps for work it can assign, besides running on every event "
       "that may change the answer (1 - 3600).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 3600, c.queue_interval_seconds);
       }},
      {"DOCKET_QUEUE_REQUEUE_ON_AWAY", "false",
       "Whether an agent going away or offline returns their assigned open items that have "
       "no staff reply yet to the queue (true/false). Otherwise they keep them.",
       [](Config& c, std::string_view v) { return parse_bool(v, c.queue_requeue_on_away); }},
      // SLAs
      {"DOCKET_SLA_RESPONSE_HOURS", "4",
       "First-response target of the default SLA policy, in business hours (1/60 - 8784, "
       "fractions allowed). Used once: the default policy is written to the log on the "
       "first start; change it later through /api/admin/sla/policies.",
       [](Config& c, std::string_view v) { return parse_sla_hours(v, c.sla_response_hours); }},
      {"DOCKET_SLA_RESOLUTION_HOURS", "48",
       "Resolution target of the default SLA policy, in business hours (1/60 - 8784, "
       "fractions allowed). Used once, as DOCKET_SLA_RESPONSE_HOURS.",
       [](Config& c, std::string_view v) { return parse_sla_hours(v, c.sla_resolution_hours); }},
      {"DOCKET_SLA_MONITOR_CRON", "* * * * *",
       "When the SLA monitor sweeps for due deadlines besides waking at the next deadline "
       "itself: a 5-field cron expression in UTC.",
       [](Config& c, std::string_view v) {
         // The expression is parsed (and a bad one refused) when the server starts.
         if (v.empty() || v.size() > 200 || v.find_first_of("\r\n") != std::string_view::npos) {
           return false;
         }
         c.sla_monitor_cron = std::string(v);
         return true;
       }},
      {"DOCKET_SLA_ESCALATE", "true",
       "Whether a breached SLA target raises the item's priority one step (to urgent at "
       "most) besides recording the breach and notifying (true/false).",
       [](Config& c, std::string_view v) { return parse_bool(v, c.sla_escalate); }},
      // Attachments
      {"DOCKET_ATTACHMENT_MAX_BYTES", "5242880",
       "Largest attachment upload in bytes (1024 - 104857600); a larger body is refused "
       "with 413 as soon as its Content-Length is read.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1024, 100ULL * 1024 * 1024, c.attachment_max_bytes);
       }},
      {"DOCKET_ATTACHMENT_TYPES", "png,jpeg,gif,webp",
       "Comma-separated file types accepted as attachments, recognised by their content "
       "(never by name or declared type): png, jpeg, gif, webp, pdf.",
       [](Config& c, std::string_view v) {
         std::vector<std::string> types = parse_list(v);
         if (types.empty()) return false;
         for (const std::string& t : types) {
           if (t != "png" && t != "jpeg" && t != "gif" && t != "webp" && t != "pdf") return false;
         }
         c.attachment_types = std::move(types);
         return true;
       }},
      {"DOCKET_ATTACHMENT_ORPHAN_HOURS", "24",
       "Uploads not attached to a message within this many hours are deleted (1 - 8760).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 8760, c.attachment_orphan_hours);
       }},
      {"DOCKET_ATTACHMENT_CLEANUP_CRON", "*/10 * * * *",
       "When the orphan sweep deletes expired uploads and unreferenced files: a 5-field cron "
       "expression in UTC.",
       [](Config& c, std::string_view v) {
         if (v.empty() || v.size() > 200 || v.find_first_of("\r\n") != std::string_view::npos) {
           return false;
         }
         c.attachment_cleanup_cron = std::string(v);
         return true;
       }},
      // Realtime
      {"WS_NAMESPACE", "/support",
       "Socket.IO namespace of the support realtime events: `/` followed by 1 - 64 letters, "
       "digits, `_` or `-`.",
       [](Config& c, std::string_view v) {
         if (v.size() < 2 || v.size() > 65 || v.front() != '/' ||
             v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
                                 1) != std::string_view::npos) {
           return false;
         }
         c.ws_namespace = std::string(v);
         return true;
       }},
      {"DOCKET_WS_PATH", "/socket.io/",
       "HTTP path prefix of the Socket.IO endpoint, websocket and long-polling (Socket.IO "
       "clients' `path` option); starts and ends with `/`.",
       [](Config& c, std::string_view v) {
         if (v.size() < 2 || v.size() > 100 || v.front() != '/' || v.back() != '/' ||
             v.find_first_of("?#% ") != std::string_view::npos) {
           return false;
         }
         c.ws_path = std::string(v);
         return true;
       }},
      {"DOCKET_WS_PING_INTERVAL_MS", "25000",
       "How often the server pings each websocket and long-polling session (1000 - 300000; "
       "down to 100 with DOCKET_WS_ECHO).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, kMinTestPingMs, 300'000, c.ws_ping_interval_ms);
       }},
      {"DOCKET_WS_PING_TIMEOUT_MS", "20000",
       "How long a websocket or polling session may take to answer a ping before it is closed "
       "(1000 - 300000; down to 100 with DOCKET_WS_ECHO).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, kMinTestPingMs, 300'000, c.ws_ping_timeout_ms);
       }},
      {"DOCKET_WS_CONNECT_TIMEOUT_MS", "45000",
       "A websocket or polling session not connected to the namespace this long after it "
       "opened is closed (1000 - 300000; the Socket.IO server's connectTimeout; it stops at "
       "the first CONNECT).",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1000, 300'000, c.ws_connect_timeout_ms);
       }},
      {"DOCKET_WS_MAX_PAYLOAD_BYTES", "1000000",
       "Largest websocket message or long-polling POST accepted (1024 - 16777216); a larger "
       "one closes the connection.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1024, 16u << 20, c.ws_max_payload_bytes);
       }},
      {"DOCKET_WS_MAX_CONNECTIONS", "10000",
       "Open websockets at once (1 - 1000000), and, apart, long-polling sessions; beyond it "
       "new ones are refused. Keep below the file-descriptor limit.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 1'000'000, c.ws_max_connections);
       }},
      {"DOCKET_WS_SEND_QUEUE_BYTES", "4194304",
       "Bytes queued for one websocket or polling session at most (65536 - 268435456), "
       "counted until written "
       "to the socket: a client that reads slower than its deltas arrive, or one burst "
       "larger than this, is disconnected there and recovers through sync.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 65536, 256u << 20, c.ws_send_queue_bytes);
       }},
      {"DOCKET_WS_ECHO", "off",
       "Test only: `engine.io` or `socket.io` makes the realtime endpoint serve the echo "
       "handlers the official Engine.IO / Socket.IO protocol test suites expect, in place "
       "of the support namespace (docs/realtime.md, \"Protocol conformance\"). Never set "
       "it in production.",
       [](Config& c, std::string_view v) {
         if (v == "off") {
           c.ws_echo = Config::WsEcho::kOff;
         } else if (v == "engine.io") {
           c.ws_echo = Config::WsEcho::kEngineIo;
         } else if (v == "socket.io") {
           c.ws_echo = Config::WsEcho::kSocketIo;
         } else {
           return false;
         }
         return true;
       }},
      {"DOCKET_WS_REPLAY_MAX_EVENTS", "500",
       "Missed events a sync replays at most (1 - 10000); more is answered with "
       "gapDetected, and the client refetches over REST.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 10'000, c.ws_replay_max_events);
       }},
      {"DOCKET_WS_REPLAY_WINDOW_SECONDS", "86400",
       "How old (by its time) the last event a client saw may be for a sync to replay "
       "from it (1 - 31536000); older is gapDetected.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 31'536'000, c.ws_replay_window_seconds);
       }},
      {"DOCKET_WS_RECOVERY_SECONDS", "120",
       "How long after its connection dropped a Socket.IO session may be recovered, its "
       "rooms joined again and its missed events replayed (0 - 86400; 0 turns connection "
       "state recovery off). Sessions are kept in the data directory and survive a restart.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 0, 86'400, c.ws_recovery_seconds);
       }},
      {"DOCKET_WS_RECOVERY_SCAN_EVENTS", "10000",
       "Log events a staff session's recovery reads at most to find the staff feed events "
       "it missed (100 - 1000000); further behind, it is not recovered.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 100, 1'000'000, c.ws_recovery_scan_events);
       }},
      // Rate limits
      {"DOCKET_RATE_LIMIT_ENABLED", "true",
       "Per-client-address rate limits; false switches every limit off (tests, benchmarks).",
       [](Config& c, std::string_view v) { return parse_bool(v, c.rate_limit_enabled); }},
      {"DOCKET_RATE_LIMIT_GLOBAL", "1200/60",
       "Requests per client address to any route, as <count>/<seconds> (a bucket of count "
       "requests refilling over seconds); 0/<seconds> or off disables the limit.",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_global);
       }},
      {"DOCKET_RATE_LIMIT_PUBLIC_CREATE", "10/600",
       "Public creations per client address: support inquiries opened and journeys "
       "submitted (route group public.create).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_public_create);
       }},
      {"DOCKET_RATE_LIMIT_PUBLIC_LOOKUP", "20/300",
       "Public lookups by tracking code per client address (route group public.lookup).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_public_lookup);
       }},
      {"DOCKET_RATE_LIMIT_PUBLIC_TICKET", "3/600",
       "Tickets filed through seed 001's form (POST /api/support/ticket) per client address "
       "(route group public.ticket).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_public_ticket);
       }},
      {"DOCKET_RATE_LIMIT_SUPPORT_STATS", "30/60",
       "Calls of GET /api/support/stats per client address (route group support.stats).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_support_stats);
       }},
      {"DOCKET_RATE_LIMIT_INQUIRY_WRITE", "60/60",
       "Inquiry messages and contact updates per client address (route group inquiry.write).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_inquiry_write);
       }},
      {"DOCKET_RATE_LIMIT_INQUIRY_VERIFY", "10/600",
       "Inquiry e-mail verification requests and confirmations per client address (route "
       "group inquiry.verify).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_inquiry_verify);
       }},
      {"DOCKET_RATE_LIMIT_LOGIN", "10/60",
       "Login attempts per client address (route group auth.login).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_login);
       }},
      {"DOCKET_RATE_LIMIT_REGISTER", "5/600",
       "Customer registrations per client address (route group auth.register).",
       [](Config& c, std::string_view v) {
         return Config::RateLimitRule::parse(v, c.rate_limit_register);
       }},
      {"DOCKET_RATE_LIMIT_MAX_CLIENTS", "100000",
       "Client addresses whose buckets are kept (1000 - 10000000; about 100 bytes each); "
       "beyond it the least recently seen are forgotten, idle ones first.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1000, 10'000'000, c.rate_limit_max_clients);
       }},
      // Mail
      {"SMTP_URL", "",
       "SMTP server that delivers outgoing mail: smtp://host:port or smtps://host:port. "
       "Empty: each message is written as an .eml file under <data dir>/mail/.",
       [](Config& c, std::string_view v) {
         if (!v.empty() && !v.starts_with("smtp://") && !v.starts_with("smtps://")) return false;
         if (v.find_first_of("\r\n") != std::string_view::npos) return false;
         c.smtp_url = std::string(v);
         return true;
       }},
      {"SMTP_FROM", "Docket <no-reply@localhost>",
       "From address of outgoing mail: `Name <address>` or a bare address.",
       [](Config& c, std::string_view v) {
         if (v.empty() || v.find('@') == std::string_view::npos) return false;
         if (v.find_first_of("\r\n") != std::string_view::npos) return false;
         c.smtp_from = std::string(v);
         return true;
       }},
      {"SMTP_USERNAME", "", "User name for SMTP authentication; empty: no authentication.",
       [](Config& c, std::string_view v) {
         c.smtp_username = std::string(v);
         return true;
       }},
      {"SMTP_PASSWORD", "", "Password for SMTP authentication. Never logged.",
       [](Config& c, std::string_view v) {
         c.smtp_password = std::string(v);
         return true;
       }},
      {"SMTP_STARTTLS", "false",
       "true: require TLS on an smtp:// connection (STARTTLS); the message is not sent "
       "without it.",
       [](Config& c, std::string_view v) { return parse_bool(v, c.smtp_starttls); }},
      {"DOCKET_MAIL_MAX_ATTEMPTS", "8",
       "Delivery attempts of one message (1 - 100) before it is marked dead.",
       [](Config& c, std::string_view v) { return parse_uint_in(v, 1, 100, c.mail_max_attempts); }},
      {"DOCKET_MAIL_RETRY_BASE_SECONDS", "30",
       "Wait after the first failed attempt (1 - 3600); it doubles after each further "
       "failure, capped at one hour.",
       [](Config& c, std::string_view v) {
         return parse_uint_in(v, 1, 3600, c.mail_retry_base_seconds);
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
  // Heartbeats shorter than a second only serve the protocol test suites.
  if (config.ws_echo == Config::WsEcho::kOff &&
      std::min(config.ws_ping_interval_ms, config.ws_ping_timeout_ms) < kMinPingMs) {
    return Status::InvalidArgument(
        "DOCKET_WS_PING_INTERVAL_MS and DOCKET_WS_PING_TIMEOUT_MS: below 1000 only with "
        "DOCKET_WS_ECHO");
  }
  return config;
}

bool Config::RateLimitRule::parse(std::string_view text, RateLimitRule& out) {
  if (text == "off") {
    out = RateLimitRule{0, out.seconds};
    return true;
  }
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  RateLimitRule rule;
  if (!parse_uint_in(text.substr(0, slash), 0, 1'000'000, rule.count) ||
      !parse_uint_in(text.substr(slash + 1), 1, 86'400, rule.seconds)) {
    return false;
  }
  out = rule;
  return true;
}

}  // namespace docket

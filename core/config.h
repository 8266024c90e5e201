// Config: every setting Docket reads, with working defaults.
//
// Settings come from environment variables (the table in config.cpp is the single
// source: name, default, description, parser); `docket serve` flags override a few.
// A first run with no configuration starts and is usable. docs/configuration.md lists
// every variable; a unit test checks that the doc and the table agree.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace docket {

struct Config {
  // Storage
  std::string data_dir = "./data";  // DOCKET_DATA_DIR
  // Network
  std::string bind = "127.0.0.1";  // DOCKET_BIND
  std::uint16_t port = 8080;       // DOCKET_PORT
  // Logging
  std::string log_level = "info";  // DOCKET_LOG_LEVEL
  // HTTP server (docs/http.md)
  unsigned io_threads = 0;                           // DOCKET_IO_THREADS; 0 = hardware
  unsigned blocking_threads = 8;                     // DOCKET_HTTP_BLOCKING_THREADS
  std::uint64_t max_body_bytes = 1024 * 1024;        // DOCKET_MAX_BODY_BYTES
  std::uint64_t max_header_bytes = 16 * 1024;        // DOCKET_MAX_HEADER_BYTES
  std::uint64_t request_timeout_ms = 10'000;         // DOCKET_REQUEST_TIMEOUT_MS
  std::uint64_t idle_timeout_ms = 30'000;            // DOCKET_IDLE_TIMEOUT_MS
  std::uint64_t max_connections = 1000;              // DOCKET_MAX_CONNECTIONS
  std::uint64_t max_connections_per_ip = 64;         // DOCKET_MAX_CONNECTIONS_PER_IP
  std::uint64_t header_timeout_ms = 5'000;           // DOCKET_HEADER_TIMEOUT_MS
  std::uint64_t max_requests_per_connection = 1000;  // DOCKET_MAX_REQUESTS_PER_CONNECTION
  std::uint64_t idempotency_ttl_hours = 24;          // DOCKET_IDEMPOTENCY_TTL_HOURS
  std::vector<std::string> cors_origins;             // DOCKET_CORS_ORIGINS
  std::vector<std::string> trusted_proxies;          // DOCKET_TRUSTED_PROXIES
  std::string tls_cert_file;                         // DOCKET_TLS_CERT_FILE
  std::string tls_key_file;                          // DOCKET_TLS_KEY_FILE
  std::uint64_t shutdown_grace_ms = 10'000;          // DOCKET_SHUTDOWN_GRACE_MS
  std::string console_dir = "console/dist";          // DOCKET_CONSOLE_DIR; "" = no console
  // Identity (docs/security.md)
  std::string jwt_secret;                          // DOCKET_JWT_SECRET; "" = generated key file
  std::string jwt_issuer = "docket";               // DOCKET_JWT_ISSUER
  std::string jwt_audience = "docket";             // DOCKET_JWT_AUDIENCE
  std::uint64_t jwt_ttl_seconds = 3600;            // DOCKET_JWT_TTL_SECONDS
  std::vector<std::string> jwt_public_key_files;   // DOCKET_JWT_PUBLIC_KEY_FILES
  std::vector<std::string> jwt_external_issuers;   // DOCKET_JWT_EXTERNAL_ISSUERS
  std::string password_hash_cost = "interactive";  // DOCKET_PASSWORD_HASH_COST
  unsigned password_hash_concurrency = 0;          // DOCKET_PASSWORD_HASH_CONCURRENCY; 0 = cores
  std::string bootstrap_admin_email;               // DOCKET_BOOTSTRAP_ADMIN_EMAIL
  std::string bootstrap_admin_password;            // DOCKET_BOOTSTRAP_ADMIN_PASSWORD
  // Support requests: category -> automatic priority, in list order.
  std::vector<std::pair<std::string, std::string>> support_categories = {
      {"technical", "high"},
      {"billing", "medium"},
      {"account", "medium"},
      {"feature", "low"},
      {"general", "low"}};  // DOCKET_SUPPORT_CATEGORIES
  // Support inquiries (docs/support-inquiries.md)
  std::uint64_t inquiry_token_ttl_days = 30;     // DOCKET_INQUIRY_TOKEN_TTL_DAYS
  std::uint64_t inquiry_otp_ttl_seconds = 600;   // DOCKET_INQUIRY_OTP_TTL_SECONDS
  std::uint64_t inquiry_otp_max_attempts = 5;    // DOCKET_INQUIRY_OTP_MAX_ATTEMPTS
  std::string api_license_name = "Proprietary";  // DOCKET_API_LICENSE_NAME
  std::string api_license_url;                   // DOCKET_API_LICENSE_URL
  std::string inquiry_greeting =                 // DOCKET_INQUIRY_GREETING
      "Thanks for reaching out! A member of our support team will reply here shortly.";
  std::string inactive_close_cron = "0 * * * *";  // SUPPORT_INQUIRIES_INACTIVE_CLOSE_CRON
  double inactive_close_days = 7;                 // SUPPORT_INQUIRIES_INACTIVE_CLOSE_DAYS
  // Agents and the queue (docs/agents-and-queue.md)
  bool queue_enabled = true;                  // DOCKET_QUEUE_ENABLED
  std::uint64_t queue_default_capacity = 5;   // DOCKET_QUEUE_DEFAULT_CAPACITY
  std::uint64_t csat_window_days = 7;         // DOCKET_CSAT_WINDOW_DAYS
  bool csat_email = false;                    // DOCKET_CSAT_EMAIL
  std::uint64_t queue_interval_seconds = 10;  // DOCKET_QUEUE_INTERVAL_SECONDS
  bool queue_requeue_on_away = false;         // DOCKET_QUEUE_REQUEUE_ON_AWAY
  // SLAs (docs/sla.md)
  double sla_response_hours = 4;               // DOCKET_SLA_RESPONSE_HOURS
  double sla_resolution_hours = 48;            // DOCKET_SLA_RESOLUTION_HOURS
  std::string sla_monitor_cron = "* * * * *";  // DOCKET_SLA_MONITOR_CRON
  bool sla_escalate = true;                    // DOCKET_SLA_ESCALATE
  // Attachments (docs/attachments.md)
  std::uint64_t attachment_max_bytes = 5 * 1024 * 1024;  // DOCKET_ATTACHMENT_MAX_BYTES
  std::vector<std::string> attachment_types = {"png", "jpeg", "gif", "webp"};  // ..._TYPES
  std::uint64_t attachment_orphan_hours = 24;            // DOCKET_ATTACHMENT_ORPHAN_HOURS
  std::string attachment_cleanup_cron = "*/10 * * * *";  // DOCKET_ATTACHMENT_CLEANUP_CRON
  // Realtime (docs/realtime.md)
  std::string ws_namespace = "/support";            // WS_NAMESPACE
  std::string ws_path = "/socket.io/";              // DOCKET_WS_PATH
  std::uint64_t ws_ping_interval_ms = 25'000;       // DOCKET_WS_PING_INTERVAL_MS
  std::uint64_t ws_ping_timeout_ms = 20'000;        // DOCKET_WS_PING_TIMEOUT_MS
  std::uint64_t ws_connect_timeout_ms = 45'000;     // DOCKET_WS_CONNECT_TIMEOUT_MS
  std::uint64_t ws_max_payload_bytes = 1'000'000;   // DOCKET_WS_MAX_PAYLOAD_BYTES
  std::uint64_t ws_max_connections = 10'000;        // DOCKET_WS_MAX_CONNECTIONS
  std::uint64_t ws_send_queue_bytes = 4u << 20;     // DOCKET_WS_SEND_QUEUE_BYTES
  std::uint64_t ws_replay_max_events = 500;         // DOCKET_WS_REPLAY_MAX_EVENTS
  std::uint64_t ws_replay_window_seconds = 86'400;  // DOCKET_WS_REPLAY_WINDOW_SECONDS
  std::uint64_t ws_recovery_seconds = 120;          // DOCKET_WS_RECOVERY_SECONDS
  std::uint64_t ws_recovery_scan_events = 10'000;   // DOCKET_WS_RECOVERY_SCAN_EVENTS
  // Test only (realtime/conformance.h): the realtime endpoint serves the echo handlers
  // of the protocol test suites instead of Docket's namespace.
  enum class WsEcho { kOff, kEngineIo, kSocketIo };
  WsEcho ws_echo = WsEcho::kOff;  // DOCKET_WS_ECHO
  // Rate limits (docs/http.md)
  // One limit, `<count>/<seconds>`: a bucket of `count` requests per client address that
  // refills evenly over `seconds`. count 0 switches the limit off.
  struct RateLimitRule {
    std::uint64_t count = 0;    // 0 .. 1'000'000
    std::uint64_t seconds = 1;  // 1 .. 86'400
    // Parses "<count>/<seconds>" or "off" (count 0) into `out`; false leaves it unchanged.
    static bool parse(std::string_view text, RateLimitRule& out);
  };
  bool rate_limit_enabled = true;                    // DOCKET_RATE_LIMIT_ENABLED
  RateLimitRule rate_limit_global{1200, 60};         // DOCKET_RATE_LIMIT_GLOBAL
  RateLimitRule rate_limit_public_create{10, 600};   // DOCKET_RATE_LIMIT_PUBLIC_CREATE
  RateLimitRule rate_limit_public_lookup{20, 300};   // DOCKET_RATE_LIMIT_PUBLIC_LOOKUP
  RateLimitRule rate_limit_public_ticket{3, 600};    // DOCKET_RATE_LIMIT_PUBLIC_TICKET
  RateLimitRule rate_limit_support_stats{30, 60};    // DOCKET_RATE_LIMIT_SUPPORT_STATS
  RateLimitRule rate_limit_inquiry_write{60, 60};    // DOCKET_RATE_LIMIT_INQUIRY_WRITE
  RateLimitRule rate_limit_inquiry_verify{10, 600};  // DOCKET_RATE_LIMIT_INQUIRY_VERIFY
  RateLimitRule rate_limit_login{10, 60};            // DOCKET_RATE_LIMIT_LOGIN
  RateLimitRule rate_limit_register{5, 600};         // DOCKET_RATE_LIMIT_REGISTER
  std::uint64_t rate_limit_max_clients = 100'000;    // DOCKET_RATE_LIMIT_MAX_CLIENTS
  // Mail (docs/mail.md)
  std::string smtp_url;                                   // SMTP_URL; "" = .eml files (FileSink)
  std::string smtp_from = "Docket <no-reply@localhost>";  // SMTP_FROM
  std::string smtp_username;                              // SMTP_USERNAME
  std::string smtp_password;                              // SMTP_PASSWORD; never logged
  bool smtp_starttls = false;                             // SMTP_STARTTLS
  std::uint64_t mail_max_attempts = 8;                    // DOCKET_MAIL_MAX_ATTEMPTS
  std::uint64_t mail_retry_base_seconds = 30;             // DOCKET_MAIL_RETRY_BASE_SECONDS
};

// One environment variable: how it is named, its default, what it means, and how its
// text is applied to a Config (returns false when the text is not acceptable).
struct ConfigVariable {
  std::string_view name;
  std::string_view default_value;
  std::string_view description;
  std::function<bool(Config&, std::string_view)> apply;
};

// The table of every variable, in documentation order.
const std::vector<ConfigVariable>& config_variables();

// Reads every variable present in `getenv` (defaults: the process environment) into a
// Config. InvalidArgument names the first variable whose value is not acceptable.
Result<Config> load_config(const std::function<const char*(const char*)>& getenv = nullptr);

// Parsers shared by the table and by command-line flags.
bool parse_port(std::string_view text, std::uint16_t& out);
bool parse_bool(std::string_view text, bool& out);
bool parse_uint(std::string_view text, std::uint64_t& out);
// Splits a comma-separated list, trimming spaces around items and dropping empty ones.
std::vector<std::string> parse_list(std::string_view text);

}  // namespace docket

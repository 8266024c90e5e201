#include "core/config.h"

#include <doctest/doctest.h>

#include <map>

#include "http/server.h"
#include "http/service.h"

namespace docket::http {
namespace {

Result<Config> load(const std::map<std::string, std::string>& env) {
  return load_config([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("HTTP settings have working defaults") {
    const auto config = load({});
    REQUIRE(config.ok());
    const ServerOptions o = ServerOptions::from_config(*config);
    CHECK(o.io_threads == 0);
    CHECK(o.max_body_bytes == 1024 * 1024);
    CHECK(o.max_header_bytes == 16 * 1024);
    CHECK(o.request_timeout == std::chrono::milliseconds(10'000));
    CHECK(o.idle_timeout == std::chrono::milliseconds(30'000));
    CHECK(o.max_connections == 1000);
    CHECK(o.max_requests_per_connection == 1000);
    CHECK(o.shutdown_grace == std::chrono::milliseconds(10'000));
    CHECK(o.tls_cert_file.empty());
    CHECK(o.port == 8080);
    const ServiceOptions s = ServiceOptions::from_config(*config);
    CHECK(s.cors_origins.empty());
    CHECK(s.trusted_proxies.empty());
  }

  TEST_CASE("HTTP settings are read from the environment") {
    const auto config =
        load({{"DOCKET_IO_THREADS", "4"},
              {"DOCKET_MAX_BODY_BYTES", "2048"},
              {"DOCKET_MAX_HEADER_BYTES", "8192"},
              {"DOCKET_REQUEST_TIMEOUT_MS", "1500"},
              {"DOCKET_IDLE_TIMEOUT_MS", "2500"},
              {"DOCKET_MAX_CONNECTIONS", "10"},
              {"DOCKET_MAX_REQUESTS_PER_CONNECTION", "5"},
              {"DOCKET_CORS_ORIGINS", " https://app.example.com , http://localhost:5173,"},
              {"DOCKET_TRUSTED_PROXIES", "10.0.0.1, ::1"},
              {"DOCKET_TLS_CERT_FILE", "/etc/docket/cert.pem"},
              {"DOCKET_TLS_KEY_FILE", "/etc/docket/key.pem"},
              {"DOCKET_SHUTDOWN_GRACE_MS", "0"}});
    REQUIRE(config.ok());
    const ServerOptions o = ServerOptions::from_config(*config);
    CHECK(o.io_threads == 4);
    CHECK(o.max_body_bytes == 2048);
    CHECK(o.max_header_bytes == 8192);
    CHECK(o.request_timeout == std::chrono::milliseconds(1500));
    CHECK(o.idle_timeout == std::chrono::milliseconds(2500));
    CHECK(o.max_connections == 10);
    CHECK(o.max_requests_per_connection == 5);
    CHECK(o.tls_cert_file == "/etc/docket/cert.pem");
    CHECK(o.tls_key_file == "/etc/docket/key.pem");
    CHECK(o.shutdown_grace == std::chrono::milliseconds(0));
    const ServiceOptions s = ServiceOptions::from_config(*config);
    CHECK(s.cors_origins ==
          std::vector<std::string>{"https://app.example.com", "http://localhost:5173"});
    CHECK(s.trusted_proxies == std::vector<std::string>{"10.0.0.1", "::1"});
  }

  TEST_CASE("bad HTTP settings name the variable") {
    const std::map<std::string, std::string> bad[] = {
        {{"DOCKET_IO_THREADS", "-1"}},
        {{"DOCKET_IO_THREADS", "1000"}},
        {{"DOCKET_MAX_BODY_BYTES", "0"}},
        {{"DOCKET_MAX_BODY_BYTES", "1MB"}},
        {{"DOCKET_MAX_HEADER_BYTES", "100"}},
        {{"DOCKET_REQUEST_TIMEOUT_MS", "0"}},
        {{"DOCKET_IDLE_TIMEOUT_MS", ""}},
        {{"DOCKET_MAX_CONNECTIONS", "0"}},
        {{"DOCKET_MAX_REQUESTS_PER_CONNECTION", "0"}},
        {{"DOCKET_CORS_ORIGINS", "app.example.com"}},
        {{"DOCKET_CORS_ORIGINS", "https://app.example.com/path"}},
        {{"DOCKET_TRUSTED_PROXIES", "proxy.internal"}},
        {{"DOCKET_TRUSTED_PROXIES", "10.0.0.0/8"}},
    };
    for (const auto& env : bad) {
      const std::string name = env.begin()->first;
      CAPTURE(name);
      CAPTURE(env.begin()->second);
      const auto config = load(env);
      REQUIRE_FALSE(config.ok());
      CHECK(config.status().message().find(name) != std::string::npos);
    }
  }

  TEST_CASE("comma lists trim items and drop empty ones") {
    CHECK(parse_list("") == std::vector<std::string>{});
    CHECK(parse_list(" a ,, b,") == std::vector<std::string>{"a", "b"});
    CHECK(parse_list("*") == std::vector<std::string>{"*"});
  }
}

}  // namespace docket::http

// A running Docket server in-process (ServerRuntime on an ephemeral port and a temporary
// data directory) and a small JSON client over real HTTP, for the API integration tests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "cli/server_runtime.h"
#include "core/clock.h"
#include "http/testing/raw_client.h"
#include "tests/support/test_support.h"

namespace docket::api_testing {

inline constexpr std::string_view kAdminEmail = "root@example.com";
inline constexpr std::string_view kAdminPassword = "root-password-1";

// One answer: status, headers and the parsed JSON body (when it is JSON).
struct ApiResponse {
  int status = 0;
  http::testing::RawResponse raw;
  simdjson::dom::element json;  // valid while the ApiResponse lives

  std::string error_code() const;
  // data.<key> as a string / integer ("" / 0 when absent).
  std::string data_string(std::string_view key) const;
  std::int64_t data_int(std::string_view key) const;

  std::shared_ptr<simdjson::dom::parser> parser;
};

class ApiServer {
 public:
  // Starts a server on `dir` (a fresh TempDir when empty) with cheap password hashing,
  // the bootstrap admin above, no control socket, no web console and rate limits off.
  explicit ApiServer(std::string dir = {}, const Clock* clock = nullptr,
                     void (*tweak)(Config&) = nullptr);
  ~ApiServer();

  std::uint16_t port() const { return runtime_->http_port(); }
  cli::ServerRuntime& runtime() { return *runtime_; }
  const std::string& data_dir() const { return data_dir_; }
  // Stops the server (the data directory stays).
  void stop();

  // `extra_headers`: more header lines, each ending in CRLF.
  ApiResponse call(std::string_view method, std::string_view path, std::string_view body = {},
                   std::string_view token = {}, std::string_view extra_headers = {});
  // POST /api/auth/login; the token, or "" when refused.
  std::string login(std::string_view email, std::string_view password);
  std::string admin_token() { return login(kAdminEmail, kAdminPassword); }
  // The mails the file sink has finished writing under <data>/mail (name → text); a mail
  // still being written is a .tmp- file and not among them.
  std::map<std::string, std::string> mails() const;
  // Waits until GET /api/admin/projections (as `admin`) reports no rebuild running.
  bool wait_rebuilt(std::string_view admin);
  // Registers a customer and returns its token.
  std::string register_customer(std::string_view email, std::string_view password = "password-123");

 private:
  std::unique_ptr<testing::TempDir> temp_;
  std::string data_dir_;
  std::unique_ptr<cli::ServerRuntime> runtime_;
};

}  // namespace docket::api_testing

#include "tests/api/api_fixture.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace docket::api_testing {

std::string ApiResponse::error_code() const {
  std::string_view code;
  if (json["errorCode"].get_string().get(code)) return {};
  return std::string(code);
}

std::string ApiResponse::data_string(std::string_view key) const {
  std::string_view v;
  if (json["data"][key].get_string().get(v)) return {};
  return std::string(v);
}

std::int64_t ApiResponse::data_int(std::string_view key) const {
  std::int64_t v = 0;
  if (json["data"][key].get_int64().get(v)) return 0;
  return v;
}

ApiServer::ApiServer(std::string dir, const Clock* clock, void (*tweak)(Config&)) {
  if (dir.empty()) {
    temp_ = std::make_unique<testing::TempDir>();
    dir = temp_->sub("data");
  }
  data_dir_ = dir;
  cli::ServerRuntime::Options options;
  options.config.data_dir = dir;
  options.config.port = 0;
  options.config.io_threads = 2;
  options.config.password_hash_cost = "minimal";
  options.config.bootstrap_admin_email = std::string(kAdminEmail);
  options.config.bootstrap_admin_password = std::string(kAdminPassword);
  options.config.rate_limit_enabled = false;
  // No console unless a test gives one: console/dist relative to the test's directory
  // would only add a warning to each server's log.
  options.config.console_dir.clear();
  if (tweak) tweak(options.config);
  options.clock = clock;
  options.control_socket = false;
  auto rt = cli::ServerRuntime::start(std::move(options));
  REQUIRE_MESSAGE(rt.ok(), rt.status().ToString());
  runtime_ = std::move(rt).value();
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::stop() {
  if (runtime_) runtime_->stop();
}

ApiResponse ApiServer::call(std::string_view method, std::string_view path, std::string_view body,
                            std::string_view token, std::string_view extra_headers) {
  std::string headers;
  if (!token.empty()) headers = "Authorization: Bearer " + std::string(token) + "\r\n";
  headers += extra_headers;
  std::string request =
      body.empty() && method != "POST" && method != "PATCH"
          ? std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" +
                headers + "\r\n"
          : http::testing::body_request(method, path, "application/json", body, headers);
  auto raw = http::testing::fetch(port(), request);
  REQUIRE_MESSAGE(raw.has_value(), "no answer to ", method, " ", path);
  ApiResponse out;
  out.status = raw->status;
  out.raw = std::move(*raw);
  out.parser = std::make_shared<simdjson::dom::parser>();
  // A body that is not JSON (an export, an empty answer) reads as JSON null, so lookups
  // on it fail cleanly instead of touching a default element.
  if (out.parser->parse(out.raw.body).get(out.json)) {
    static constexpr std::string_view kNull = "null";
    out.json = out.parser->parse(kNull.data(), kNull.size()).value();
  }
  return out;
}

std::string ApiServer::login(std::string_view email, std::string_view password) {
  auto r = call(
      "POST", "/api/auth/login",
      R"({"email":")" + std::string(email) + R"(","password":")" + std::string(password) + R"("})");
  return r.status == 200 ? r.data_string("token") : std::string();
}

std::string ApiServer::register_customer(std::string_view email, std::string_view password) {
  auto r = call("POST", "/api/auth/register",
                R"({"email":")" + std::string(email) + R"(","password":")" + std::string(password) +
                    R"(","name":"Customer"})");
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return r.data_string("token");
}

std::map<std::string, std::string> ApiServer::mails() const {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir_ + "/mail", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".tmp-") || !name.ends_with(".eml")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace(name, std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return out;
}

bool ApiServer::wait_rebuilt(std::string_view admin) {
  return testing::eventually([&] {
    const auto status = call("GET", "/api/admin/projections", {}, admin);
    return status.status == 200 &&
           status.raw.body.find(R"("rebuilding":true)") == std::string::npos;
  });
}

}  // namespace docket::api_testing

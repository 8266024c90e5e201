#include "bench/seed_client.h"

#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace docket::bench {

using http::testing::body_request;
using http::testing::RawClient;
using http::testing::RawResponse;

SeedClient::SeedClient(std::uint16_t port)
    : port_(port), client_(std::make_unique<RawClient>(port)) {}

std::optional<RawResponse> SeedClient::call(std::string_view method, const std::string& path,
                                            const std::string& body, const std::string& token) {
  const std::string auth = token.empty() ? "" : "Authorization: Bearer " + token + "\r\n";
  const std::string request = body_request(method, path, "application/json", body, auth);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (client_->connected() && client_->send(request)) {
      if (auto response = client_->read_response(std::chrono::seconds(60))) {
        if (response->header("Connection") == "close") client_ = std::make_unique<RawClient>(port_);
        return response;
      }
    }
    client_ = std::make_unique<RawClient>(port_);
  }
  return std::nullopt;
}

std::string data_field(const std::string& body, const char* name) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return {};
  simdjson::dom::element value;
  if (doc["data"][name].get(value) != simdjson::SUCCESS) return {};
  if (value.is_string()) return std::string(std::string_view(value));
  if (value.is_int64()) return std::to_string(std::int64_t(value));
  return {};
}

void SeedLog::fail(const char* what, const std::optional<RawResponse>& response) {
  if (failures_++ < 5) {
    std::fprintf(stderr, "%s failed: %d %s\n", what, response ? response->status : 0,
                 response ? response->body.substr(0, 300).c_str() : "(no answer)");
  }
}

void SeedLog::pair(const std::string& token, const std::string& id) {
  std::lock_guard lock(mu_);
  lines_.push_back(token + " " + id);
}

std::size_t SeedLog::pairs() const {
  std::lock_guard lock(mu_);
  return lines_.size();
}

bool SeedLog::write_pairs(const std::string& path) const {
  std::lock_guard lock(mu_);
  std::ofstream file(path);
  for (const auto& line : lines_)
    file << line << '\n';
  return static_cast<bool>(file);
}

double run_workers(std::uint16_t port, std::uint64_t count, std::uint64_t connections,
                   const std::function<void(std::uint64_t, SeedClient&, std::mt19937_64&)>& task) {
  std::atomic<std::uint64_t> next{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      SeedClient client(port);
      for (std::uint64_t i = next++; i < count; i = next++)
        task(i, client, rng);
    });
  }
  for (auto& thread : threads)
    thread.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace docket::bench

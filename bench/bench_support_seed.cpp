// Seeds a running server with support requests through its public write path: customers
// register, open requests and reply over HTTP, exactly as the mobile app does, so every
// request and message is a durable, projected event.
//
//   bench_support_seed --port P [--customers 1000] [--requests 100000]
//                      [--messages-per-request 10] [--connections 64] [--out pairs.txt]
//
// Prints the write rate and writes `--out`: one line per request, "<token> <id>", which
// the wrk scripts in bench/wrk/ read to act as the request's owner. Subjects are drawn
// from a fixed vocabulary (see kTopics) so a subject search has a known selectivity:
// "voucher" occurs in 1 subject of 40.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "bench/bench_util.h"
#include "http/testing/raw_client.h"

namespace {

using docket::http::testing::body_request;
using docket::http::testing::RawClient;
using docket::http::testing::RawResponse;

constexpr std::string_view kTopics[] = {"card declined at checkout",  "refund not received",
                                        "parcel arrived damaged",     "cannot log in",
                                        "password reset e-mail",      "invoice address wrong",
                                        "app crashes on start",       "delivery is late",
                                        "voucher code rejected",      "double charge on statement",
                                        "change my e-mail",           "cancel my subscription",
                                        "tracking link broken",       "wrong size delivered",
                                        "missing item in box",        "notifications not arriving",
                                        "dark mode request",          "export my data",
                                        "close my account",           "payment method update",
                                        "price changed after order",  "courier left no note",
                                        "return label needed",        "gift wrapping missing",
                                        "two-factor code not sent",   "order stuck in pending",
                                        "loyalty points missing",     "address autocomplete fails",
                                        "receipt in wrong currency",  "cannot upload photo",
                                        "search shows nothing",       "discount not applied",
                                        "order split in two",         "app logs me out",
                                        "slow checkout page",         "language setting lost",
                                        "subscription renewed twice", "store pickup not ready",
                                        "feature idea: wishlist",     "question about warranty"};
constexpr std::string_view kCategories[] = {"technical", "billing", "account", "feature",
                                            "general"};

struct Seeder {
  std::uint16_t port;
  std::atomic<std::uint64_t> failures{0};
  std::mutex out_mu;
  std::vector<std::string> lines;

  // One request on `client`; reconnects and retries once when the server had closed
  // the connection (it does after DOCKET_MAX_REQUESTS_PER_CONNECTION requests).
  std::optional<RawResponse> call(std::unique_ptr<RawClient>& client, std::string_view method,
                                  const std::string& path, const std::string& body,
                                  const std::string& token) {
    const std::string auth = token.empty() ? "" : "Authorization: Bearer " + token + "\r\n";
    const std::string request = body_request(method, path, "application/json", body, auth);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (client->connected() && client->send(request)) {
        if (auto response = client->read_response(std::chrono::seconds(60))) {
          if (response->header("Connection") == "close") client = std::make_unique<RawClient>(port);
          return response;
        }
      }
      client = std::make_unique<RawClient>(port);
    }
    return std::nullopt;
  }

  static std::string field(const std::string& body, const char* name) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return {};
    simdjson::dom::element value;
    if (doc["data"][name].get(value) != simdjson::SUCCESS) return {};
    if (value.is_string()) return std::string(std::string_view(value));
    if (value.is_int64()) return std::to_string(std::int64_t(value));
    return {};
  }

  // Registers customer `c`, opens `requests` requests for it and replies
  // `messages - 1` times to each (round by round, as a busy inbox would).
  void customer(std::unique_ptr<RawClient>& client, std::uint64_t c, std::uint64_t requests,
                std::uint64_t messages, std::mt19937_64& rng) {
    const std::string email = "customer" + std::to_string(c) + "@example.com";
    auto reg =
        call(client, "POST", "/api/auth/register",
             R"({"email":")" + email + R"(","password":"bench-password-1","name":"Customer )" +
                 std::to_string(c) + "\"}",
             "");
    if (!reg || reg->status != 201) {
      ++failures;
      return;
    }
    const std::string token = field(reg->body, "token");
    std::vector<std::string> ids;
    for (std::uint64_t r = 0; r < requests; ++r) {
      const auto topic = kTopics[rng() % std::size(kTopics)];
      const auto category = kCategories[rng() % std::size(kCategories)];
      const std::string body = R"({"subject":"Order )" + std::to_string(100000 + rng() % 900000) +
                               ": " + std::string(topic) + R"(","category":")" +
                               std::string(category) +
                               R"(","message":"Hello, I need help with this order, please."})";
      auto created = call(client, "POST", "/api/mobile/support-requests", body, token);
      if (!created || created->status != 201) {
        ++failures;
        continue;
      }
      ids.push_back(field(created->body, "id"));
    }
    for (std::uint64_t m = 1; m < messages; ++m) {
      for (const auto& id : ids) {
        auto reply =
            call(client, "POST", "/api/mobile/support-requests/" + id + "/messages",
                 R"({"message":"Any news? This is follow-up number )" + std::to_string(m) + ".\"}",
                 token);
        if (!reply || reply->status != 201) ++failures;
      }
    }
    std::lock_guard lock(out_mu);
    for (const auto& id : ids)
      lines.push_back(token + " " + id);
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace docket::bench;
  const auto port = static_cast<std::uint16_t>(flag_uint(argc, argv, "port", 0));
  const auto customers = flag_uint(argc, argv, "customers", 1000);
  const auto requests = flag_uint(argc, argv, "requests", 100000);
  const auto messages = flag_uint(argc, argv, "messages-per-request", 10);
  const auto connections = flag_uint(argc, argv, "connections", 64);
  const auto out = flag_string(argc, argv, "out", "pairs.txt");
  if (port == 0 || customers == 0 || requests < customers || messages == 0) {
    std::fprintf(stderr,
                 "usage: bench_support_seed --port P [--customers N] [--requests N] "
                 "[--messages-per-request N] [--connections N] [--out FILE]\n");
    return 2;
  }

  Seeder seeder{port};
  std::atomic<std::uint64_t> next{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      auto client = std::make_unique<RawClient>(port);
      for (std::uint64_t c = next++; c < customers; c = next++) {
        const auto share = requests / customers + (c < requests % customers ? 1 : 0);
        seeder.customer(client, c, share, messages, rng);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  const double seconds = seconds_since(t0);

  std::ofstream file(out);
  for (const auto& line : seeder.lines)
    file << line << '\n';
  const auto writes = requests * messages + customers;
  std::printf(
      "seed: customers=%llu requests=%zu messages=%llu seconds=%.1f writes_per_s=%.0f "
      "failures=%llu\n",
      static_cast<unsigned long long>(customers), seeder.lines.size(),
      static_cast<unsigned long long>(requests * messages), seconds, writes / seconds,
      static_cast<unsigned long long>(seeder.failures.load()));
  return seeder.failures.load() == 0 ? 0 : 1;
}

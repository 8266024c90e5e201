// Seeds a running server with support requests through its public write path: customers
// register, open requests and reply over HTTP, exactly as the mobile app does, so every
// request and message is a durable, projected event.
//
//   bench_support_seed --port P [--customers 1000] [--requests 100000]
//                      [--messages-per-request 10] [--connections 64] [--out pairs.txt]
//
// Prints the rate of successful writes and writes `--out`: one line per request, "<token> <id>",
// which the wrk scripts in bench/wrk/ read to act as the request's owner. Subjects are drawn from a
// fixed vocabulary (see kTopics) so a subject search has a known selectivity: "voucher" occurs in 1
// subject of 40.
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/seed_client.h"

namespace {

using docket::bench::data_field;
using docket::bench::SeedClient;
using docket::bench::SeedLog;

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

// Writes that succeeded (registrations, requests, replies): the rate counts only these.
std::atomic<std::uint64_t> succeeded{0};

// Registers customer `c`, opens `requests` requests for it and replies `messages - 1`
// times to each (round by round, as a busy inbox would).
void seed_customer(SeedClient& client, SeedLog& log, std::uint64_t c, std::uint64_t requests,
                   std::uint64_t messages, std::mt19937_64& rng) {
  const std::string email = "customer" + std::to_string(c) + "@example.com";
  auto reg =
      client.call("POST", "/api/auth/register",
                  R"({"email":")" + email + R"(","password":"bench-password-1","name":"Customer )" +
                      std::to_string(c) + "\"}");
  if (!reg || reg->status != 201) return log.fail("register", reg);
  ++succeeded;
  const std::string token = data_field(reg->body, "token");
  std::vector<std::string> ids;
  for (std::uint64_t r = 0; r < requests; ++r) {
    const auto topic = kTopics[rng() % std::size(kTopics)];
    const auto category = kCategories[rng() % std::size(kCategories)];
    const std::string body = R"({"subject":"Order )" + std::to_string(100000 + rng() % 900000) +
                             ": " + std::string(topic) + R"(","category":")" +
                             std::string(category) +
                             R"(","message":"Hello, I need help with this order, please."})";
    auto created = client.call("POST", "/api/mobile/support-requests", body, token);
    if (!created || created->status != 201) {
      log.fail("create", created);
      continue;
    }
    ++succeeded;
    ids.push_back(data_field(created->body, "id"));
  }
  for (std::uint64_t m = 1; m < messages; ++m) {
    for (const auto& id : ids) {
      auto reply = client.call(
          "POST", "/api/mobile/support-requests/" + id + "/messages",
          R"({"message":"Any news? This is follow-up number )" + std::to_string(m) + ".\"}", token);
      if (!reply || reply->status != 201) {
        log.fail("reply", reply);
      } else {
        ++succeeded;
      }
    }
  }
  for (const auto& id : ids)
    log.pair(token, id);
}

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

  SeedLog log;
  const double seconds = run_workers(
      port, customers, connections, [&](std::uint64_t c, SeedClient& client, std::mt19937_64& rng) {
        const auto share = requests / customers + (c < requests % customers ? 1 : 0);
        seed_customer(client, log, c, share, messages, rng);
      });
  log.write_pairs(out);
  const std::uint64_t writes = succeeded.load();
  std::printf(
      "seed: customers=%llu requests=%zu messages=%llu seconds=%.1f successful_writes=%llu "
      "writes_per_s=%.0f failures=%llu\n",
      static_cast<unsigned long long>(customers), log.pairs(),
      static_cast<unsigned long long>(requests * messages), seconds,
      static_cast<unsigned long long>(writes), static_cast<double>(writes) / seconds,
      static_cast<unsigned long long>(log.failures()));
  return log.failures() == 0 ? 0 : 1;
}

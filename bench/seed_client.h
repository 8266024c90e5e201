// What the seeders share (bench_support_seed, bench_inquiry_seed): a keep-alive HTTP
// connection per worker that reconnects when the server closed it, reading fields of
// the JSON answers, workers sharing numbered tasks, counting failures, and the pairs
// file the wrk scripts read.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "http/testing/raw_client.h"

namespace docket::bench {

// One worker's connection. Not thread-safe.
class SeedClient {
 public:
  explicit SeedClient(std::uint16_t port);

  // One JSON request; reconnects and retries once when the server had closed the
  // connection (it does after DOCKET_MAX_REQUESTS_PER_CONNECTION requests). nullopt
  // when no answer came.
  std::optional<http::testing::RawResponse> call(std::string_view method, const std::string& path,
                                                 const std::string& body,
                                                 const std::string& token = {});

 private:
  std::uint16_t port_;
  std::unique_ptr<http::testing::RawClient> client_;
};

// data.<name> of a success answer as text (strings as they are, integers in decimal);
// "" when absent.
std::string data_field(const std::string& body, const char* name);

// The seed's outcome: failures (the first few printed, so a broken seed explains
// itself) and the "<token> <id>" lines for the pairs file. Thread-safe.
class SeedLog {
 public:
  void fail(const char* what, const std::optional<http::testing::RawResponse>& response);
  void pair(const std::string& token, const std::string& id);
  std::uint64_t failures() const { return failures_.load(); }
  std::size_t pairs() const;
  // Writes the pairs, one per line. False when the file cannot be written.
  bool write_pairs(const std::string& path) const;

 private:
  std::atomic<std::uint64_t> failures_{0};
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Runs task(i, client, rng) for every i in [0, count) on `connections` workers, each
// with its own connection and random generator (seeded by its worker number), handing
// out numbers in order. Returns the seconds it took.
double run_workers(std::uint16_t port, std::uint64_t count, std::uint64_t connections,
                   const std::function<void(std::uint64_t, SeedClient&, std::mt19937_64&)>& task);

}  // namespace docket::bench

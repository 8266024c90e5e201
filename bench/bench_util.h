// Small helpers shared by the benchmark programs (header-only: each bench is one
// program built from one .cpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"

namespace docket::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The value of `--name N` in argv, or `fallback`.
inline std::uint64_t flag_uint(int argc, char** argv, std::string_view name,
                               std::uint64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == std::string("--") + std::string(name))
      return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

inline std::string flag_string(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == std::string("--") + std::string(name)) return argv[i + 1];
  }
  return fallback;
}

// A support-message-like event payload of about `bytes` bytes of JSON.
inline std::string payload(std::mt19937_64& rng, std::size_t bytes, std::int64_t customer) {
  static constexpr std::string_view kWords[] = {
      "order",  "refund", "delivery", "account", "password", "invoice",
      "please", "help",   "package",  "late",    "thanks",   "support",
      "the",    "my",     "is",       "not",     "working",  "since"};
  std::string text;
  while (text.size() + 60 < bytes) {
    if (!text.empty()) text.push_back(' ');
    text += kWords[rng() % std::size(kWords)];
  }
  JsonWriter w;
  w.begin_object()
      .field("customerId", customer)
      .field("subject", "Where is my order?")
      .field("message", text)
      .end_object();
  return w.take();
}

// The q-quantile (0..1) of `samples` (sorted in place).
inline double quantile(std::vector<double>& samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const auto idx = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(idx, samples.size() - 1)];
}

}  // namespace docket::bench

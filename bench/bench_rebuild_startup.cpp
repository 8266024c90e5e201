// Projection rebuild throughput and start-up time on a large log.
//
//   bench_rebuild_startup [--events 1000000] [--per-stream 10] [--dir DIR] [--keep 1]
//
// 1. Appends `events` events (~400-byte payloads, `per-stream` events per stream, one
//    stream per command) through the real write path with 64 submitters.
// 2. Rebuilds the stream catalogue from event 1 (`docket projections rebuild` does the
//    same): events/s.
// 3. Stops, then starts the server runtime again with up-to-date projections: ms from
//    the start of start() to ready (log open, projections checked and caught up).
#include <atomic>
#include <filesystem>
#include <thread>

#include "bench/bench_util.h"
#include "cli/server_runtime.h"
#include "core/crypto.h"
#include "core/log.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"

using namespace docket;

int main(int argc, char** argv) {
  init_crypto();
  set_log_level(LogLevel::kWarn);
  const auto total = bench::flag_uint(argc, argv, "events", 1000000);
  const auto per_stream = bench::flag_uint(argc, argv, "per-stream", 10);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-rebuild-data");
  const bool keep = bench::flag_uint(argc, argv, "keep", 0) != 0;
  std::filesystem::remove_all(dir);

  cli::ServerRuntime::Options options;
  options.config.data_dir = dir;
  options.control_socket = false;
  options.http = false;
  auto rt = cli::ServerRuntime::start(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "start: %s\n", rt.status().ToString().c_str());
    return 1;
  }

  // 1. Load.
  const std::uint64_t streams = total / per_stream;
  std::atomic<std::uint64_t> next_stream{0};
  std::atomic<std::uint64_t> failures{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t));
      for (std::uint64_t s = next_stream++; s < streams; s = next_stream++) {
        events::AppendRequest req;
        events::StreamAppend sa{"support_request-" + std::to_string(s + 1), events::kNoStream, {}};
        for (std::uint64_t i = 0; i < per_stream; ++i) {
          sa.events.push_back({i == 0 ? "bench.item.created" : "bench.item_note.created", 1,
                               bench::payload(rng, 400, static_cast<std::int64_t>(s))});
        }
        req.streams.push_back(std::move(sa));
        if (!(*rt)->store().append(std::move(req)).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads)
    th.join();
  const double load_secs = bench::seconds_since(t0);
  const std::uint64_t head = (*rt)->store().head();
  std::printf("load: events=%llu seconds=%.2f events_per_s=%.0f failures=%llu\n",
              static_cast<unsigned long long>(head), load_secs,
              static_cast<double>(head) / load_secs,
              static_cast<unsigned long long>(failures.load()));

  // 2. Rebuild.
  t0 = std::chrono::steady_clock::now();
  Status s = (*rt)->projections().rebuild("stream_catalog");
  const double rebuild_secs = bench::seconds_since(t0);
  if (!s.ok()) {
    std::fprintf(stderr, "rebuild: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("rebuild: events=%llu seconds=%.2f events_per_s=%.0f\n",
              static_cast<unsigned long long>(head), rebuild_secs,
              static_cast<double>(head) / rebuild_secs);
  (*rt)->stop();
  rt.value().reset();

  // 3. Start-up with up-to-date projections (best of 3: the first run warms the page
  // cache the same way a restarted server finds it).
  // Ready means serving HTTP too.
  options.http = true;
  options.config.port = 0;
  std::int64_t best = INT64_MAX;
  for (int i = 0; i < 3; ++i) {
    auto again = cli::ServerRuntime::start(options);
    if (!again.ok()) {
      std::fprintf(stderr, "restart: %s\n", again.status().ToString().c_str());
      return 1;
    }
    best = std::min(best, (*again)->startup_ms());
    std::printf("startup: run=%d head=%llu ms=%lld\n", i + 1,
                static_cast<unsigned long long>((*again)->store().head()),
                static_cast<long long>((*again)->startup_ms()));
  }
  std::printf("startup: best_ms=%lld\n", static_cast<long long>(best));
  if (!keep) std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}

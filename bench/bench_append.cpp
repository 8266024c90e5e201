// Durable appends through the writer with the stream catalogue projection applied.
//
//   bench_append [--submitters 64] [--events 320000] [--latency-events 20000] [--dir DIR]
//                [--projection 1] [--ack applied|durable]
//
// --projection 0 measures the bare log (no read model applied in the commit path).
// --ack durable: each command is acknowledged right after its group's fsync, before the
// read model applies it (Acknowledge::kDurable, as message posts are; decision 0021).
// Phase 1: `submitters` threads each append one event per command to their own stream
// (exact expected version), waiting for each acknowledgement; throughput = events/s.
// Phase 2: one thread appends and waits, one at a time; events/s and p50/p99 latency.
// Every acknowledgement means: in the log with a WAL fsync (and, with --ack applied,
// projected to SQLite).
#include <atomic>
#include <filesystem>
#include <future>
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
  const auto submitters = bench::flag_uint(argc, argv, "submitters", 64);
  const auto total = bench::flag_uint(argc, argv, "events", 320000);
  const auto latency_events = bench::flag_uint(argc, argv, "latency-events", 20000);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-append-data");
  const bool with_projection = bench::flag_uint(argc, argv, "projection", 1) != 0;
  const std::string ack_name = bench::flag_string(argc, argv, "ack", "applied");
  if (ack_name != "applied" && ack_name != "durable") {
    std::fprintf(stderr, "--ack must be applied or durable\n");
    return 2;
  }
  const events::Acknowledge ack =
      ack_name == "durable" ? events::Acknowledge::kDurable : events::Acknowledge::kApplied;
  // Appends and waits for the acknowledgement `ack` names.
  const auto append = [ack](events::EventStore& store, events::AppendRequest request) {
    std::promise<Result<events::AppendResult>> done;
    auto answer = done.get_future();
    store.append_async(
        std::move(request),
        [&done](Result<events::AppendResult> r) { done.set_value(std::move(r)); }, ack);
    return answer.get();
  };
  std::filesystem::remove_all(dir);

  std::unique_ptr<cli::ServerRuntime> rt;
  std::unique_ptr<events::EventStore> bare;
  if (with_projection) {
    cli::ServerRuntime::Options options;
    options.config.data_dir = dir;
    options.control_socket = false;
    options.http = false;
    auto started = cli::ServerRuntime::start(options);
    if (!started.ok()) {
      std::fprintf(stderr, "start: %s\n", started.status().ToString().c_str());
      return 1;
    }
    rt = std::move(started.value());
  } else {
    events::StoreOptions options;
    options.path = dir + "/log";
    std::filesystem::create_directories(dir);
    auto opened = events::EventStore::open(options);
    if (!opened.ok()) {
      std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
      return 1;
    }
    bare = std::move(opened.value());
  }
  events::EventStore& store = rt ? rt->store() : *bare;

  // Phase 1: concurrent submitters.
  std::atomic<std::uint64_t> failures{0};
  const std::uint64_t per_thread = total / submitters;
  auto t0 = std::chrono::steady_clock::now();
  const auto stats0 = store.stats();
  // Samples the duration of the latest group write (WAL write + fsync) every millisecond.
  std::atomic<bool> sampling{true};
  double fsync_sum = 0;
  std::uint64_t fsync_samples = 0;
  std::thread sampler([&] {
    while (sampling.load()) {
      fsync_sum += store.stats().last_fsync_ms;
      ++fsync_samples;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < submitters; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      const std::string stream = "support_request-" + std::to_string(t + 1);
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        events::AppendRequest req;
        req.streams.push_back({stream,
                               i,
                               {{"bench.item_note.created", 1,
                                 bench::payload(rng, 400, static_cast<std::int64_t>(t))}}});
        req.actor = {"customer", static_cast<std::int64_t>(t + 1)};
        if (!append(store, std::move(req)).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads)
    th.join();
  const double secs = bench::seconds_since(t0);
  sampling = false;
  sampler.join();
  const auto stats1 = store.stats();
  const double groups = static_cast<double>(stats1.groups - stats0.groups);
  std::printf(
      "concurrent: ack=%s submitters=%llu events=%llu seconds=%.2f events_per_s=%.0f "
      "mean_group=%.1f group_write_ms=%.2f failures=%llu\n",
      ack_name.c_str(), static_cast<unsigned long long>(submitters),
      static_cast<unsigned long long>(per_thread * submitters), secs,
      static_cast<double>(per_thread * submitters) / secs,
      static_cast<double>(per_thread * submitters) / std::max(groups, 1.0),
      fsync_sum / static_cast<double>(std::max<std::uint64_t>(fsync_samples, 1)),
      static_cast<unsigned long long>(failures.load()));

  // Phase 2: one submitter, latency per acknowledged append.
  std::mt19937_64 rng(99);
  std::vector<double> latencies_ms;
  latencies_ms.reserve(latency_events);
  t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < latency_events; ++i) {
    events::AppendRequest req;
    req.streams.push_back({"support_request-single",
                           i,
                           {{"bench.item_note.created", 1, bench::payload(rng, 400, 1)}}});
    const auto s = std::chrono::steady_clock::now();
    if (!append(store, std::move(req)).ok()) failures.fetch_add(1);
    latencies_ms.push_back(bench::seconds_since(s) * 1000);
  }
  const double single_secs = bench::seconds_since(t0);
  std::printf("single: events=%llu events_per_s=%.0f p50_ms=%.3f p99_ms=%.3f failures=%llu\n",
              static_cast<unsigned long long>(latency_events),
              static_cast<double>(latency_events) / single_secs,
              bench::quantile(latencies_ms, 0.50), bench::quantile(latencies_ms, 0.99),
              static_cast<unsigned long long>(failures.load()));
  if (rt) rt->stop();
  if (bare) bare->close();
  std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}

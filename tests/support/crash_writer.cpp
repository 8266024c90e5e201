// docket_crash_writer: appends to an event log from many threads until it is killed.
//
//   docket_crash_writer <log dir> [threads]
//
// Opens (or creates) the log at <log dir> and appends as fast as it can: each thread owns
// a stream "writer-<n>" and appends to it with the exact expected version; every third
// append also adds an event to the shared stream "shared" in the same command. After each
// acknowledged append it writes one line per appended event to stdout:
//
//   <eventId> <stream> <streamVersion> <hash> <submittedNs> <acknowledgedNs>\n
//
// The last two are CLOCK_MONOTONIC instants: just before the append was submitted and
// just after it was acknowledged (the durability test compares them with WAL syncs).
//
// Each append's lines go out in one write(2) under a mutex, so lines never interleave.
// A line is only written after the append is acknowledged (durable). The crash recovery
// test kills this process with SIGKILL at random moments and checks that every reported
// event survived. Exits by itself after 60 s so a forgotten child cannot run forever.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "core/log.h"
#include "events/event_store.h"

namespace {

using docket::events::AppendRequest;
using docket::events::EventStore;
using docket::events::NewEvent;
using docket::events::StreamAppend;

std::mutex out_mu;

void write_all(const std::string& text) {
  std::lock_guard lock(out_mu);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::_Exit(3);  // the reader is gone
    }
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "crash_writer: %s\n", what.c_str());
  std::_Exit(2);
}

std::int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

NewEvent payload(int thread, std::uint64_t seq) {
  // About 400 bytes of data.
  std::string data = "{\"thread\":" + std::to_string(thread) + ",\"seq\":" + std::to_string(seq) +
                     ",\"text\":\"" + std::string(360, static_cast<char>('a' + thread % 26)) +
                     "\"}";
  return NewEvent{"crash.test.appended", 1, std::move(data)};
}

void run_writer(EventStore& store, int thread) {
  const std::string stream = "writer-" + std::to_string(thread);
  auto version = store.stream_version(stream);
  if (!version.ok()) die(version.status().ToString());
  std::uint64_t expected = *version;
  for (std::uint64_t seq = 0;; ++seq) {
    AppendRequest request;
    StreamAppend own;
    own.stream = stream;
    own.expectedVersion = expected;
    own.events.push_back(payload(thread, seq));
    request.streams.push_back(std::move(own));
    if (seq % 3 == 0) {
      StreamAppend shared;
      shared.stream = "shared";
      shared.events.push_back(payload(thread, seq));
      request.streams.push_back(std::move(shared));
    }
    const std::int64_t submitted = monotonic_ns();
    auto result = store.append(std::move(request));
    const std::int64_t acknowledged = monotonic_ns();
    if (!result.ok()) die(result.status().ToString());
    expected = result->streamVersions.front();
    auto events =
        store.read_range(result->firstEventId, result->lastEventId - result->firstEventId + 1);
    if (!events.ok()) die(events.status().ToString());
    std::string lines;
    for (const auto& e : *events) {
      lines += std::to_string(e.eventId) + ' ' + e.stream + ' ' + std::to_string(e.streamVersion) +
               ' ' + e.hash + ' ' + std::to_string(submitted) + ' ' + std::to_string(acknowledged) +
               '\n';
    }
    write_all(lines);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: docket_crash_writer <log dir> [threads]\n");
    return 1;
  }
  if (!docket::init_crypto()) die("libsodium failed to initialise");
  docket::set_log_level(docket::LogLevel::kError);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 16;
  docket::events::StoreOptions options;
  options.path = argv[1];
  auto store = EventStore::open(options);
  if (!store.ok()) die(store.status().ToString());

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&store, t] { run_writer(**store, t); });
  }
  std::this_thread::sleep_for(std::chrono::seconds(60));
  std::_Exit(0);
}

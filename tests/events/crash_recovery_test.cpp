// Crash recovery with real processes: docket_crash_writer appends from 16 threads and
// reports each acknowledged event; the test SIGKILLs it at a random moment, reopens the
// log and checks that nothing acknowledged was lost. Repeated on the same directory.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "events/event_store.h"
#include "events/log_verifier.h"
#include "tests/events/events_test_util.h"
#include "tests/support/test_support.h"

extern char** environ;

namespace docket::events {
namespace {

struct Acked {
  std::string stream;
  std::uint64_t streamVersion = 0;
  std::string hash;
  // CLOCK_MONOTONIC: just before the append was submitted, just after it was acknowledged.
  std::int64_t submitted_ns = 0;
  std::int64_t acknowledged_ns = 0;
};

using Clock = std::chrono::steady_clock;

// Runs the crash writer on `path`, kills it with SIGKILL after `run_for`, and returns
// everything it wrote to stdout.
std::string run_and_kill(const std::string& path, std::chrono::milliseconds run_for,
                         const std::vector<std::string>& extra_env = {}) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string binary = DOCKET_CRASH_WRITER;
  std::string threads = "16";
  char* argv[] = {binary.data(), const_cast<char*>(path.c_str()), threads.data(), nullptr};
  std::vector<std::string> env_text = extra_env;
  for (char** e = environ; *e != nullptr; ++e)
    env_text.emplace_back(*e);
  std::vector<char*> env;
  for (std::string& e : env_text)
    env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  REQUIRE_MESSAGE(spawned == 0, "posix_spawn failed: ", spawned);

  std::string output;
  char buf[65536];
  const auto deadline = Clock::now() + run_for;
  bool eof = false;
  while (!eof && Clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd pfd{fds[0], POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::max<long>(left, 0))) > 0) {
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n > 0) output.append(buf, static_cast<std::size_t>(n));
      if (n == 0) eof = true;
    }
  }
  ::kill(pid, SIGKILL);
  // Whatever the child wrote before it died is still in the pipe.
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK_MESSAGE(WIFSIGNALED(status), "crash writer exited by itself with status ", status);
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGKILL);
  return output;
}

// Parses complete lines "eventId stream streamVersion hash" into `acked`.
std::size_t parse_acks(const std::string& output, std::map<std::uint64_t, Acked>& acked) {
  std::size_t count = 0;
  std::size_t start = 0;
  for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    std::istringstream line(output.substr(start, end - start));
    std::uint64_t id = 0;
    Acked a;
    line >> id >> a.stream >> a.streamVersion >> a.hash >> a.submitted_ns >> a.acknowledged_ns;
    REQUIRE_MESSAGE(!line.fail(), "bad line: ", output.substr(start, end - start));
    auto [it, inserted] = acked.emplace(id, a);
    if (!inserted) {  // reported twice: must be the same event
      CHECK(it->second.hash == a.hash);
    }
    ++count;
  }
  return count;
}

}  // namespace

TEST_SUITE("events.integration") {
  TEST_CASE("SIGKILL at random moments never loses an acknowledged event") {
    docket::testing::TempDir dir;
    const std::string path = dir.sub("log");
    constexpr int kRounds = 20;
    const unsigned seed = std::random_device{}();
    CAPTURE(seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(50, 300);
    std::map<std::uint64_t, Acked> acked;
    std::uint64_t last_head = 0;
    const auto started = Clock::now();

    for (int round = 0; round < kRounds; ++round) {
      CAPTURE(round);
      const std::string output = run_and_kill(path, std::chrono::milliseconds(delay_ms(rng)));
      parse_acks(output, acked);
      const std::uint64_t max_acked = acked.empty() ? 0 : acked.rbegin()->first;

      auto store = testing::open_store(path);
      const std::uint64_t head = store->head();
      CHECK(head >= max_acked);
      CHECK(head >= last_head);
      last_head = head;
      // Every acknowledged event is present with the same stream, version and hash.
      auto next = acked.begin();
      std::size_t missing = 0;
      Status st = store->scan(1, 0, [&](const EventRecord& e) {
        if (next != acked.end() && next->first == e.eventId) {
          CHECK(e.stream == next->second.stream);
          CHECK(e.streamVersion == next->second.streamVersion);
          CHECK(e.hash == next->second.hash);
          ++next;
        }
        return true;
      });
      REQUIRE_MESSAGE(st.ok(), st.ToString());
      for (; next != acked.end(); ++next)
        ++missing;
      CHECK(missing == 0);
      const VerifyReport report = verify_log(*store);
      CHECK_MESSAGE(report.ok(), report.status.ToString());
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    MESSAGE(kRounds, " kills, ", acked.size(), " acknowledged events, head ", last_head, ", ",
            seconds, " s");
    CHECK(acked.size() > 0);
  }

  // SIGKILL keeps the page cache, so the test above passes even if the log never synced
  // its WAL. This one watches the syncs themselves: the crash writer runs with a
  // preloaded shim (tests/support/sync_shim.cpp) that records each completed fsync or
  // fdatasync of a WAL file, and every acknowledged append must have one that completed
  // between its submission and its acknowledgement.
  TEST_CASE("no append is acknowledged before a WAL sync that followed its submission") {
    docket::testing::TempDir dir;
    const std::string syncs_path = dir.sub("syncs.txt");
    std::string asan = "ASAN_OPTIONS=verify_asan_link_order=0";
    if (const char* existing = std::getenv("ASAN_OPTIONS")) asan += std::string(":") + existing;
    const std::string output = run_and_kill(dir.sub("log"), std::chrono::milliseconds(400),
                                            {std::string("LD_PRELOAD=") + DOCKET_SYNC_SHIM,
                                             "DOCKET_SYNC_SHIM_LOG=" + syncs_path, asan});
    std::map<std::uint64_t, Acked> acked;
    parse_acks(output, acked);
    REQUIRE(acked.size() > 0);

    std::vector<std::int64_t> syncs;
    std::ifstream lines(syncs_path);
    for (std::int64_t at = 0; lines >> at;)
      syncs.push_back(at);
    std::sort(syncs.begin(), syncs.end());
    REQUIRE_MESSAGE(!syncs.empty(), "the log acknowledged appends without syncing its WAL");
    std::size_t unsynced = 0;
    for (const auto& [id, a] : acked) {
      // The first sync that completed at or after the submission.
      const auto it = std::lower_bound(syncs.begin(), syncs.end(), a.submitted_ns);
      if (it == syncs.end() || *it > a.acknowledged_ns) ++unsynced;
    }
    CHECK_MESSAGE(unsynced == 0, unsynced, " of ", acked.size(),
                  " acknowledged events had no WAL sync between submission and acknowledgement");
    MESSAGE(acked.size(), " acknowledged events, ", syncs.size(), " WAL syncs");
  }
}

}  // namespace docket::events

// Group commit: grouping, validation against staged state, observers, concurrency,
// and the fault-injection seam.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "events/log_verifier.h"
#include "tests/events/events_test_util.h"
#include "tests/support/test_support.h"

namespace docket::events {
namespace {

using testing::open_store;
using testing::single;

// Holds the writer inside before_group_write so that later commands queue up and form
// the next group together. Records the size of every group the writer writes.
class WriterGate {
 public:
  // Installs the hook: the first group blocks until release(); call `fail_on` (1-based)
  // fails with IOError.
  void install(StoreOptions& options, int fail_on = 0) {
    options.before_group_write = [this, fail_on](std::size_t commands) {
      std::unique_lock lock(mu_);
      sizes_.push_back(commands);
      const int call = static_cast<int>(sizes_.size());
      if (call == block_on_) {
        entered_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return released_; });
      }
      if (call == fail_on) return Status::IOError("injected fsync failure");
      return Status::Ok();
    };
  }
  void block_on(int call) { block_on_ = call; }
  void wait_until_blocked() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard lock(mu_);
    return sizes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int block_on_ = 1;
  bool entered_ = false;
  bool released_ = false;
  std::vector<std::size_t> sizes_;
};

// Collects async results in submission order.
class Results {
 public:
  AppendCallback slot() {
    std::lock_guard lock(mu_);
    const std::size_t index = results_.size();
    results_.emplace_back(Status::Internal("not completed"));
    return [this, index](Result<AppendResult> r) {
      std::lock_guard lock(mu_);
      results_[index] = std::move(r);
      ++done_;
      cv_.notify_all();
    };
  }
  void wait_all() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_ == results_.size(); });
  }
  Result<AppendResult> at(std::size_t i) {
    std::lock_guard lock(mu_);
    return results_.at(i);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Result<AppendResult>> results_;
  std::size_t done_ = 0;
};

}  // namespace

TEST_SUITE("events.integration") {
  TEST_CASE("commands queued while the writer is busy share one group and one write") {
    docket::testing::TempDir dir;
    WriterGate gate;
    StoreOptions options;
    gate.install(options);
    auto store = open_store(dir.sub("log"), options);
    Results results;
    store->append_async(single("a", kNoStream), results.slot());
    gate.wait_until_blocked();
    for (const char* s : {"b", "c", "d"})
      store->append_async(single(s, kNoStream), results.slot());
    gate.release();
    results.wait_all();
    CHECK(gate.sizes() == std::vector<std::size_t>{1, 3});
    CHECK(store->stats().groups == 2);
    CHECK(store->stats().last_group_commands == 3);
    for (std::size_t i = 0; i < 4; ++i)
      CHECK(results.at(i)->firstEventId == i + 1);
  }

  TEST_CASE("group caps: max_group_commands and max_group_bytes split the queue") {
    docket::testing::TempDir dir;
    WriterGate gate;
    StoreOptions options;
    std::vector<std::size_t> expected;
    SUBCASE("command cap") {
      options.max_group_commands = 2;
      expected = {1, 2, 2, 1};
    }
    SUBCASE("byte cap") {
      options.max_group_bytes = 1000;  // one ~700-byte command per group
      expected = {1, 1, 1, 1, 1, 1};
    }
    gate.install(options);
    auto store = open_store(dir.sub("log"), options);
    Results results;
    auto request = [](int i) {
      AppendRequest r = single("s-" + std::to_string(i), kNoStream);
      r.streams[0].events[0].data = "{\"pad\":\"" + std::string(300, 'p') + "\"}";
      return r;
    };
    store->append_async(request(0), results.slot());
    gate.wait_until_blocked();
    for (int i = 1; i < 6; ++i)
      store->append_async(request(i), results.slot());
    gate.release();
    results.wait_all();
    CHECK(gate.sizes() == expected);
    CHECK(store->head() == 6);
  }

  TEST_CASE("commands of one group are validated against what earlier ones staged") {
    docket::testing::TempDir dir;
    WriterGate gate;
    StoreOptions options;
    gate.install(options);
    auto store = open_store(dir.sub("log"), options);
    Results results;
    store->append_async(single("warmup", kNoStream), results.slot());
    gate.wait_until_blocked();

    // All of these join the second group.
    AppendRequest create = single("s", kNoStream, 2);
    create.claims.push_back({"code:1", "s"});
    store->append_async(create, results.slot());                  // 1: ok
    store->append_async(single("s", kNoStream), results.slot());  // 2: conflict (staged by 1)
    AppendRequest steal = single("t", kNoStream);
    steal.claims.push_back({"code:1", "t"});
    store->append_async(steal, results.slot());           // 3: key claimed by 1
    store->append_async(single("s", 2), results.slot());  // 4: ok, version 3
    AppendRequest release = single("s", 3);
    release.releases.push_back("code:1");
    store->append_async(release, results.slot());  // 5: ok, frees code:1
    store->append_async(steal, results.slot());    // 6: ok now
    gate.release();
    results.wait_all();

    CHECK(gate.sizes() == std::vector<std::size_t>{1, 6});
    CHECK(results.at(1).ok());
    CHECK(results.at(2).status().IsConflict());
    CHECK(results.at(3).status().IsAlreadyExists());
    REQUIRE(results.at(4).ok());
    CHECK(results.at(4)->streamVersions.front() == 3);
    CHECK(results.at(5).ok());
    REQUIRE(results.at(6).ok());
    // Rejected commands consumed no eventIds.
    CHECK(results.at(1)->firstEventId == 2);
    CHECK(results.at(4)->firstEventId == 4);
    CHECK(results.at(6)->firstEventId == 6);
    CHECK(store->unique_owner("code:1").value() == "t");
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE("execute_async sees events an earlier command of the same group staged") {
    docket::testing::TempDir dir;
    WriterGate gate;
    StoreOptions options;
    gate.block_on(2);
    gate.install(options);
    auto store = open_store(dir.sub("log"), options);
    Results results;
    REQUIRE(store->append(single("inquiry-1", kNoStream)).ok());  // durable: version 1
    store->append_async(single("warmup", kNoStream), results.slot());
    gate.wait_until_blocked();

    AppendRequest staged = single("inquiry-1", 1, 2);
    staged.claims.push_back({"tracking:X", "inquiry-1"});
    store->append_async(staged, results.slot());

    std::uint64_t seen_head = 0, seen_version = 0;
    std::vector<std::uint64_t> seen_versions;
    std::string seen_owner;
    store->execute_async(
        [&](const StagedView& view) -> Result<AppendRequest> {
          seen_head = view.head();
          auto version = view.stream_version("inquiry-1");
          if (!version.ok()) return version.status();
          seen_version = *version;
          auto events = view.read_stream("inquiry-1", 1);
          if (!events.ok()) return events.status();
          for (const auto& e : *events)
            seen_versions.push_back(e.streamVersion);
          seen_owner = view.unique_owner("tracking:X").value();
          CHECK(view.now_ms() > 0);
          return single("inquiry-1", *version);
        },
        results.slot());
    // A PrepareFn error fails only its own command.
    store->execute_async(
        [](const StagedView&) -> Result<AppendRequest> {
          return Status::FailedPrecondition("inquiry is closed");
        },
        results.slot());
    // A PrepareFn that returns a malformed request is InvalidArgument.
    store->execute_async([](const StagedView&) -> Result<AppendRequest> { return AppendRequest{}; },
                         results.slot());
    gate.release();
    results.wait_all();

    CHECK(gate.sizes() == std::vector<std::size_t>{1, 1, 4});
    CHECK(seen_head == 4);  // 1 durable + warmup + 2 staged
    CHECK(seen_version == 3);
    CHECK(seen_versions == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(seen_owner == "inquiry-1");
    REQUIRE(results.at(2).ok());
    CHECK(results.at(2)->streamVersions.front() == 4);
    CHECK(results.at(3).status().code() == Status::Code::kFailedPrecondition);
    CHECK(results.at(4).status().IsInvalidArgument());
  }

  TEST_CASE("commit observers see every group in log order before its commands complete") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    struct Recorder : CommitObserver {
      std::mutex mu;
      std::vector<std::uint64_t> ids;
      std::vector<std::size_t> group_sizes;
      std::uint64_t max_seen = 0;
      void on_commit(std::span<const EventRecord> events) override {
        std::lock_guard lock(mu);
        group_sizes.push_back(events.size());
        for (const auto& e : events) {
          ids.push_back(e.eventId);
          CHECK(check_event_hash(e));
          max_seen = e.eventId;
        }
      }
    } recorder;
    store->add_commit_observer(&recorder);

    std::atomic<int> completed_before_observed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          std::promise<void> done;
          store->append_async(single("o-" + std::to_string(t), kAnyVersion, 1 + i % 3),
                              [&](Result<AppendResult> r) {
                                std::lock_guard lock(recorder.mu);
                                if (!r.ok() || recorder.max_seen < r->lastEventId) {
                                  ++completed_before_observed;
                                }
                                done.set_value();
                              });
          done.get_future().wait();
        }
      });
    }
    for (auto& th : threads)
      th.join();
    store->remove_commit_observer(&recorder);
    REQUIRE(store->append(single("after", kNoStream)).ok());

    CHECK(completed_before_observed == 0);
    std::vector<std::uint64_t> expected(recorder.ids.size());
    std::iota(expected.begin(), expected.end(), 1);
    CHECK(recorder.ids == expected);
    CHECK(store->head() == recorder.ids.size() + 1);  // "after" was not observed
  }

  TEST_CASE("a durable acknowledgement precedes the observers; when_applied follows them") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    // Holds the publisher inside the observers until released.
    struct Gate : CommitObserver {
      std::mutex mu;
      std::condition_variable cv;
      bool entered = false, released = false;
      void on_commit(std::span<const EventRecord>) override {
        std::unique_lock lock(mu);
        entered = true;
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
      }
      void release() {
        std::lock_guard lock(mu);
        released = true;
        cv.notify_all();
      }
    } gate;
    store->add_commit_observer(&gate);

    std::promise<Result<AppendResult>> durable;
    store->append_async(
        single("d", kNoStream), [&](Result<AppendResult> r) { durable.set_value(std::move(r)); },
        Acknowledge::kDurable);
    std::promise<Result<AppendResult>> applied;
    store->append_async(single("a", kNoStream),
                        [&](Result<AppendResult> r) { applied.set_value(std::move(r)); });
    // The durable command completes while the observers are still held.
    auto first = durable.get_future().get();
    REQUIRE(first.ok());
    CHECK(store->head() >= first->lastEventId);
    CHECK(store->applied() < first->lastEventId);
    auto applied_future = applied.get_future();
    CHECK(applied_future.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);

    std::promise<std::uint64_t> caught_up;
    store->when_applied(first->lastEventId, [&] { caught_up.set_value(store->applied()); });
    auto caught_up_future = caught_up.get_future();
    CHECK(caught_up_future.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);

    gate.release();
    CHECK(caught_up_future.get() >= first->lastEventId);
    auto second = applied_future.get();
    REQUIRE(second.ok());
    CHECK(store->applied() >= second->lastEventId);
    // Already applied: runs at once, on this thread.
    bool inline_run = false;
    store->when_applied(second->lastEventId, [&] { inline_run = true; });
    CHECK(inline_run);
    store->remove_commit_observer(&gate);
  }

  TEST_CASE("many threads racing on one stream: exactly one winner per version") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    constexpr int kThreads = 8;
    constexpr std::uint64_t kVersions = 60;
    std::mutex mu;
    std::vector<int> winners(kVersions + 1, 0);
    std::set<std::uint64_t> ids;
    std::atomic<int> conflicts{0};
    std::atomic<int> other_errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (std::uint64_t v = 1; v <= kVersions; ++v) {
          auto r = store->append(single("hot", v - 1));
          if (r.ok()) {
            std::lock_guard lock(mu);
            ++winners[r->streamVersions.front()];
            ids.insert(r->firstEventId);
          } else if (r.status().IsConflict()) {
            ++conflicts;
          } else {
            ++other_errors;
          }
        }
      });
    }
    for (auto& th : threads)
      th.join();
    CHECK(other_errors == 0);
    for (std::uint64_t v = 1; v <= kVersions; ++v)
      CHECK_MESSAGE(winners[v] == 1, "version ", v);
    CHECK(conflicts == kThreads * kVersions - kVersions);
    CHECK(store->head() == kVersions);
    CHECK(ids.size() == kVersions);
    CHECK(*ids.rbegin() == kVersions);  // ids 1..kVersions, no gap
    CHECK(store->stream_version("hot").value() == kVersions);
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE(
      "a failed group write fails every command of the group and loses nothing acknowledged") {
    docket::testing::TempDir dir;
    std::vector<std::string> acknowledged_hashes;
    {
      WriterGate gate;
      StoreOptions options;
      gate.block_on(3);
      gate.install(options, /*fail_on=*/4);
      auto store = open_store(dir.sub("log"), options);
      REQUIRE(store->append(single("a", kNoStream, 2)).ok());  // group 1: ids 1-2
      REQUIRE(store->append(single("b", kNoStream)).ok());     // group 2: id 3

      Results results;
      store->append_async(single("c", kNoStream), results.slot());  // group 3 (blocks): id 4
      gate.wait_until_blocked();
      // Group 4, which fails: three commands, one of them already invalid.
      store->append_async(single("d", kNoStream), results.slot());
      store->append_async(single("e", kNoStream, 3), results.slot());
      store->append_async(single("a", kNoStream), results.slot());  // would conflict anyway
      gate.release();
      results.wait_all();

      REQUIRE(results.at(0).ok());
      for (std::size_t i = 1; i <= 3; ++i) {
        CHECK(results.at(i).status().IsIOError());
        CHECK(results.at(i).status().message().find("injected fsync failure") != std::string::npos);
      }
      CHECK(gate.sizes() == std::vector<std::size_t>{1, 1, 1, 3});
      CHECK(store->head() == 4);

      // The store is now failed: later commands fail without reaching the hook.
      auto later = store->append(single("f", kNoStream));
      REQUIRE(later.status().IsIOError());
      CHECK(later.status().message() == "log write failed; restart required");
      CHECK(gate.sizes().size() == 4);
      // Reads keep working and show only acknowledged events.
      CHECK(store->read_range(1, 100)->size() == 4);
      CHECK(store->stream_version("d").value() == 0);
      const auto written = store->read_range(1, 100);
      REQUIRE(written.ok());
      for (const auto& e : *written)
        acknowledged_hashes.push_back(e.hash);
    }
    auto store = open_store(dir.sub("log"));
    CHECK(store->head() == 4);
    auto events = store->read_range(1, 100);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 4);
    for (std::size_t i = 0; i < 4; ++i)
      CHECK((*events)[i].hash == acknowledged_hashes[i]);
    CHECK(verify_log(*store).ok());
    auto resumed = store->append(single("d", kNoStream));
    REQUIRE(resumed.ok());
    CHECK(resumed->firstEventId == 5);
    CHECK(verify_log(*store).ok());
  }
}

}  // namespace docket::events

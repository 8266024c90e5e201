// The real log's publisher thread (events/log_writer.h) applies groups to the read
// models while the writer already commits the next ones; an online rebuild swaps on the
// writer thread in between. These run on RocksDB, not on the fake store, so the two
// threads really overlap.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/read_connection.h"
#include "projections/sqlite.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

using testing::make_projections;
using testing::RecordingProjection;

// `n` one-event commands on streams of their own, one at a time from this thread.
void append_commands(events::EventStore& store, int thread, int n) {
  for (int i = 0; i < n; ++i) {
    events::AppendRequest request;
    request.streams.push_back({"t" + std::to_string(thread) + "-" + std::to_string(i),
                               events::kNoStream,
                               {{"test.appended", 1, R"({"n":)" + std::to_string(i) + "}"}}});
    REQUIRE(store.append(std::move(request)).ok());
  }
}

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("on the real log, groups reach the read models in order, once, across rebuilds") {
    docket::testing::TempDir dir;
    events::StoreOptions store_options;
    store_options.path = dir.sub("log");
    auto opened = events::EventStore::open(store_options);
    REQUIRE(opened.ok());
    std::unique_ptr<events::EventStore> store = std::move(opened).value();
    EngineOptions options;
    options.batch_events = 64;
    options.handoff_lag = 20;
    ProjectionEngine engine(dir.sub("projections"), *store,
                            make_projections(std::make_unique<RecordingProjection>("recording"),
                                             std::make_unique<RecordingProjection>("reference")),
                            options);
    REQUIRE(engine.start().ok());

    constexpr int kThreads = 8;
    constexpr int kPerThread = 400;
    std::atomic<int> running{kThreads};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        append_commands(*store, t, kPerThread);
        --running;
      });
    }
    // Rebuild while groups keep coming: each swap lands between two published groups.
    int rebuilds = 0;
    while (running > 0 || rebuilds < 2) {
      Status rebuilt = engine.rebuild("recording");
      REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.ToString());
      ++rebuilds;
    }
    for (std::thread& w : writers)
      w.join();
    store->close();  // drains the publisher: every group is applied
    engine.stop();

    constexpr std::int64_t kEvents = kThreads * kPerThread;
    for (const char* name : {"recording", "reference"}) {
      CAPTURE(name);
      const std::string file = dir.sub("projections/") + name + ".sqlite";
      // seq == event_id: each event applied once, in log order.
      CHECK(testing::query_int(file, "SELECT count(*) FROM applied") == kEvents);
      CHECK(testing::query_int(file, "SELECT count(*) FROM applied WHERE seq <> event_id") == 0);
      CHECK(testing::meta_of(file).checkpoint == static_cast<std::uint64_t>(kEvents));
    }
    CHECK(testing::dump_tables(dir.sub("projections/recording.sqlite")) ==
          testing::dump_tables(dir.sub("projections/reference.sqlite")));
  }

  TEST_CASE("a command's answer comes after its group reached the read models") {
    docket::testing::TempDir dir;
    events::StoreOptions store_options;
    store_options.path = dir.sub("log");
    auto opened = events::EventStore::open(store_options);
    REQUIRE(opened.ok());
    std::unique_ptr<events::EventStore> store = std::move(opened).value();
    ProjectionEngine engine(dir.sub("projections"), *store,
                            make_projections(std::make_unique<RecordingProjection>("recording")));
    REQUIRE(engine.start().ok());
    auto reader = engine.open_reader();
    REQUIRE(reader.ok());
    std::vector<std::thread> writers;
    std::atomic<int> stale{0};
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          events::AppendRequest request;
          request.streams.push_back({"r" + std::to_string(t) + "-" + std::to_string(i),
                                     events::kNoStream,
                                     {{"test.appended", 1, "{}"}}});
          auto appended = store->append(std::move(request));
          REQUIRE(appended.ok());
          // Read your write: the event is in the read model when append() returns.
          auto lease = (*reader)->lease();
          REQUIRE(lease.ok());
          auto n =
              lease->db().query_int64("SELECT count(*) FROM recording.applied WHERE event_id = " +
                                      std::to_string(appended->lastEventId));
          REQUIRE(n.ok());
          if (*n != 1) ++stale;
        }
      });
    }
    for (std::thread& w : writers)
      w.join();
    CHECK(stale == 0);
    store->close();
    engine.stop();
  }
}

}  // namespace docket::projections

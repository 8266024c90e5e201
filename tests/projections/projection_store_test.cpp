// ProjectionEngine on the real RocksDB EventStore: read-your-writes, failures that do
// not fail appends, restarts, restored and recreated logs, online rebuild.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "events/event_store.h"
#include "projections/projection_engine.h"
#include "projections/read_connection.h"
#include "projections/stream_catalog.h"
#include "projections/stream_catalog_query.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

using testing::Faults;
using testing::make_projections;
using testing::RecordingProjection;

std::unique_ptr<events::EventStore> open_store(const std::string& path) {
  events::StoreOptions options;
  options.path = path;
  Result<std::unique_ptr<events::EventStore>> store = events::EventStore::open(options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

// One command appending `count` events, spread over streams "<category>-<n % streams>".
events::AppendRequest request_of(std::size_t count, const std::string& category,
                                 std::size_t streams, std::size_t salt = 0) {
  events::AppendRequest request;
  for (std::size_t i = 0; i < count; ++i) {
    events::StreamAppend append;
    append.stream = category + "-" + std::to_string((salt + i) % streams);
    append.events.push_back(
        {"support.inquiry.message_added", 1,
         R"({"body":"hello, I need help with order )" + std::to_string(salt + i) + R"("})"});
    request.streams.push_back(std::move(append));
  }
  return request;
}

void append_events(events::EventStore& store, std::size_t count, const std::string& category,
                   std::size_t streams = 13, std::size_t per_command = 50) {
  for (std::size_t done = 0; done < count;) {
    std::size_t n = std::min(per_command, count - done);
    Result<events::AppendResult> r = store.append(request_of(n, category, streams, done));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    done += n;
  }
}

ProjectionStatus status_of(const std::vector<ProjectionStatus>& all, const std::string& name) {
  for (const auto& s : all) {
    if (s.name == name) return s;
  }
  FAIL("no status for " << name);
  return {};
}

}  // namespace

TEST_SUITE("projections.integration") {
  TEST_CASE("a query after a completed append sees it (read-your-writes)") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("events"));
    ProjectionEngine engine(dir.sub("projections"), *store,
                            make_projections(std::make_unique<StreamCatalog>()));
    REQUIRE(engine.start().ok());
    Result<std::unique_ptr<ReadConnection>> reader = engine.open_reader();
    REQUIRE(reader.ok());

    for (int i = 0; i < 60; ++i) {
      events::AppendRequest request;
      events::StreamAppend append;
      append.stream = "support_request-" + std::to_string(i % 4);
      append.events.push_back({"support.request.updated", 1, "{}"});
      request.streams.push_back(std::move(append));
      Result<events::AppendResult> r = store->append(std::move(request));
      REQUIRE(r.ok());

      Result<ReadLease> lease = (*reader)->lease();
      REQUIRE(lease.ok());
      StreamCatalogQuery query(lease->db());
      Result<StreamSummary> row = query.find("support_request-" + std::to_string(i % 4));
      REQUIRE(row.ok());
      CHECK(row->lastEventId == r->lastEventId);
      CHECK(row->version == r->streamVersions[0]);
    }

    // The same through append_async: the query runs once `done` has fired.
    std::atomic<std::uint64_t> appended{0};
    store->append_async(request_of(3, "feedback", 3), [&](Result<events::AppendResult> r) {
      appended = r.ok() ? r->lastEventId : UINT64_MAX;
    });
    while (appended == 0)
      std::this_thread::yield();
    REQUIRE(appended == store->head());
    Result<ReadLease> lease = (*reader)->lease();
    REQUIRE(lease.ok());
    StreamListRequest request;
    request.category = "feedback";
    Result<StreamPage> page = StreamCatalogQuery(lease->db()).list(request);
    REQUIRE(page.ok());
    CHECK(page->total == 3);
  }

  TEST_CASE("a projection out of disk space stops the log taking writes until a restart") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("events"));
    auto faults = std::make_shared<Faults>();
    ProjectionEngine engine(
        dir.sub("projections"), *store,
        make_projections(std::make_unique<RecordingProjection>("recording", 1, faults)));
    REQUIRE(engine.start().ok());
    faults->no_space = true;
    faults->fail_at = 2;
    REQUIRE(store->append(request_of(1, "inquiry", 2, 0)).ok());
    CHECK(store->write_failure().ok());
    // Event 2 is in the log, but its read model could not take it: nothing more is.
    REQUIRE(store->append(request_of(1, "inquiry", 2, 1)).ok());
    CHECK(store->write_failure().IsNoSpace());
    auto refused = store->append(request_of(1, "inquiry", 2, 2));
    CHECK(refused.status().IsIOError());
    CHECK(store->head() == 2);
  }

  TEST_CASE("a failing projection does not fail appends and recovers on a later commit") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("events"));
    auto faults = std::make_shared<Faults>();
    ProjectionEngine engine(
        dir.sub("projections"), *store,
        make_projections(std::make_unique<StreamCatalog>(),
                         std::make_unique<RecordingProjection>("recording", 1, faults)));
    REQUIRE(engine.start().ok());

    faults->fail_at = 3;
    for (int i = 0; i < 5; ++i) {
      Result<events::AppendResult> r = store->append(request_of(1, "inquiry", 2, i));
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    }
    CHECK(store->head() == 5);
    const ProjectionStatus failed = status_of(engine.status(), "recording");
    CHECK(failed.state == ProjectionState::kFailed);
    CHECK(failed.checkpoint == 2);
    CHECK(failed.lag == 3);
    CHECK(status_of(engine.status(), "stream_catalog").checkpoint == 5);

    faults->fail_at = 0;
    REQUIRE(store->append(request_of(1, "inquiry", 2)).ok());
    const ProjectionStatus recovered = status_of(engine.status(), "recording");
    CHECK(recovered.state == ProjectionState::kReady);
    CHECK(recovered.checkpoint == 6);
    const std::string file = dir.sub("projections/recording.sqlite");
    CHECK(testing::query_int(file, "SELECT count(*) FROM applied WHERE seq = event_id") == 6);
  }

  TEST_CASE("after a restart the engine catches up only the events appended meanwhile") {
    docket::testing::TempDir dir;
    auto faults = std::make_shared<Faults>();
    {
      auto store = open_store(dir.sub("events"));
      ProjectionEngine engine(
          dir.sub("projections"), *store,
          make_projections(std::make_unique<RecordingProjection>("recording", 1, faults)));
      REQUIRE(engine.start().ok());
      append_events(*store, 120, "inquiry");
    }
    {
      auto store = open_store(dir.sub("events"));  // the server is down; the log grows
      append_events(*store, 70, "inquiry");
    }
    CHECK(faults->applied == 120);
    auto store = open_store(dir.sub("events"));
    ProjectionEngine engine(
        dir.sub("projections"), *store,
        make_projections(std::make_unique<RecordingProjection>("recording", 1, faults)));
    REQUIRE(engine.start().ok());
    CHECK(faults->applied == 190);
    const std::string file = dir.sub("projections/recording.sqlite");
    CHECK(testing::query_int(file, "SELECT count(*) FROM applied WHERE seq = event_id") == 190);
    CHECK(status_of(engine.status(), "recording").lag == 0);
  }

  TEST_CASE("restoring an older copy of the log rebuilds projections that are ahead of it") {
    docket::testing::TempDir dir;
    {
      auto store = open_store(dir.sub("events"));
      ProjectionEngine engine(dir.sub("projections"), *store,
                              make_projections(std::make_unique<StreamCatalog>()));
      REQUIRE(engine.start().ok());
      append_events(*store, 40, "inquiry", 5);
      REQUIRE(store->backup(dir.sub("backup")).ok());
      append_events(*store, 25, "feedback", 5);
      CHECK(testing::meta_of(dir.sub("projections/stream_catalog.sqlite")).checkpoint == 65);
    }
    auto restored = open_store(dir.sub("backup"));
    REQUIRE(restored->head() == 40);
    ProjectionEngine engine(dir.sub("projections"), *restored,
                            make_projections(std::make_unique<StreamCatalog>()));
    REQUIRE(engine.start().ok());
    const std::string file = dir.sub("projections/stream_catalog.sqlite");
    CHECK(testing::meta_of(file).checkpoint == 40);
    CHECK(testing::query_int(file, "SELECT count(*) FROM streams WHERE category = 'feedback'") ==
          0);
    CHECK(testing::query_int(file, "SELECT max(last_event_id) FROM streams") == 40);
  }

  TEST_CASE("a new log (another epoch) rebuilds projections built from the old one") {
    docket::testing::TempDir dir;
    std::string old_epoch;
    {
      auto store = open_store(dir.sub("events-old"));
      old_epoch = store->log_epoch();
      ProjectionEngine engine(dir.sub("projections"), *store,
                              make_projections(std::make_unique<StreamCatalog>()));
      REQUIRE(engine.start().ok());
      append_events(*store, 30, "inquiry", 3);
    }
    auto store = open_store(dir.sub("events-new"));
    append_events(*store, 50, "feedback", 4);
    REQUIRE(store->log_epoch() != old_epoch);
    ProjectionEngine engine(dir.sub("projections"), *store,
                            make_projections(std::make_unique<StreamCatalog>()));
    REQUIRE(engine.start().ok());
    const std::string file = dir.sub("projections/stream_catalog.sqlite");
    ProjectionMeta meta = testing::meta_of(file);
    CHECK(meta.logEpoch == store->log_epoch());
    CHECK(meta.checkpoint == 50);
    CHECK(testing::query_int(file, "SELECT count(*) FROM streams WHERE category = 'inquiry'") == 0);
    CHECK(testing::query_int(file, "SELECT count(*) FROM streams") == 4);
  }

  TEST_CASE("an online rebuild under concurrent appends equals a read model built afresh") {
    docket::testing::TempDir dir;
    EngineOptions options;
    options.batch_events = 500;
    {
      auto store = open_store(dir.sub("events"));
      ProjectionEngine engine(dir.sub("projections"), *store,
                              make_projections(std::make_unique<StreamCatalog>()), options);
      REQUIRE(engine.start().ok());
      append_events(*store, 6000, "inquiry", 997, 200);
      const testing::TableDump before =
          testing::dump_tables(dir.sub("projections/stream_catalog.sqlite"));
      REQUIRE(engine.rebuild("stream_catalog").ok());
      CHECK(testing::dump_tables(dir.sub("projections/stream_catalog.sqlite")) == before);

      Result<std::unique_ptr<ReadConnection>> reader = engine.open_reader();
      REQUIRE(reader.ok());
      std::atomic<bool> stop{false};
      std::vector<std::thread> writers;
      for (int w = 0; w < 3; ++w) {
        writers.emplace_back([&, w] {
          for (int i = 0; !stop && i < 400; ++i) {
            Result<events::AppendResult> r =
                store->append(request_of(5, w == 0 ? "feedback" : "support_request", 311, i * 5));
            CHECK(r.ok());  // CHECK: REQUIRE may not throw on another thread
          }
        });
      }
      Status rebuilt = engine.rebuild("stream_catalog");
      stop = true;
      for (auto& t : writers)
        t.join();
      REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.ToString());
      REQUIRE(store->append(request_of(1, "inquiry", 1)).ok());
      const ProjectionStatus s = status_of(engine.status(), "stream_catalog");
      CHECK(s.state == ProjectionState::kReady);
      CHECK(s.checkpoint == store->head());
      Result<ReadLease> lease = (*reader)->lease();
      REQUIRE(lease.ok());
      StreamListRequest all;
      Result<StreamPage> page = StreamCatalogQuery(lease->db()).list(all);
      REQUIRE(page.ok());
      CHECK(page->total ==
            static_cast<std::uint64_t>(testing::query_int(
                dir.sub("projections/stream_catalog.sqlite"), "SELECT count(*) FROM streams")));
    }
    // Built afresh from the same log, in another directory.
    auto store = open_store(dir.sub("events"));
    ProjectionEngine fresh(dir.sub("fresh"), *store,
                           make_projections(std::make_unique<StreamCatalog>()));
    REQUIRE(fresh.start().ok());
    CHECK(testing::dump_tables(dir.sub("fresh/stream_catalog.sqlite")) ==
          testing::dump_tables(dir.sub("projections/stream_catalog.sqlite")));
  }
}

}  // namespace docket::projections

// ProjectionEngine against the in-memory FakeEventStore: ordering, exactly-once
// checkpoints, catch-up, automatic rebuilds, failures and recovery, online rebuild.
#include "projections/projection_engine.h"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/json_writer.h"
#include "projections/read_connection.h"
#include "projections/sqlite.h"
#include "projections/stream_catalog.h"
#include "tests/projections/fake_event_store.h"
#include "tests/projections/projection_fixtures.h"
#include "tests/support/test_support.h"

namespace docket::projections {
namespace {

using testing::FakeEventStore;
using testing::Faults;
using testing::make_projections;
using testing::RecordingProjection;

struct Progress {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  ProgressFn fn() {
    return [this](std::string_view, std::uint64_t done, std::uint64_t total) {
      calls.emplace_back(done, total);
    };
  }
};

std::unique_ptr<ProjectionEngine> recording_engine(const std::string& dir, FakeEventStore& store,
                                                   std::shared_ptr<Faults> faults = nullptr,
                                                   int version = 1, EngineOptions options = {}) {
  return std::make_unique<ProjectionEngine>(
      dir, store,
      make_projections(std::make_unique<RecordingProjection>("recording", version, faults)),
      options);
}

ProjectionStatus status_of(const std::vector<ProjectionStatus>& all, const std::string& name) {
  for (const auto& s : all) {
    if (s.name == name) return s;
  }
  FAIL("no status for " << name);
  return {};
}

// Every row's seq equals its event_id and the ids run 1..n without a gap.
void check_applied_in_order(const std::string& path, std::int64_t n) {
  CHECK(testing::query_int(path, "SELECT count(*) FROM applied") == n);
  CHECK(testing::query_int(path, "SELECT count(*) FROM applied WHERE seq <> event_id") == 0);
  CHECK(testing::query_int(path, "SELECT coalesce(max(event_id), 0) FROM applied") == n);
}

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("the engine applies each group in log order and moves the checkpoint with it") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto engine = recording_engine(dir.sub("projections"), store);
    REQUIRE(engine->start().ok());
    const std::string file = dir.sub("projections/recording.sqlite");
    CHECK(testing::meta_of(file).checkpoint == 0);

    store.append_group({{"inquiry-1", "a"}, {"inquiry-2", "b"}, {"inquiry-1", "c"}});
    store.append_group({{"inquiry-2", "d"}});
    check_applied_in_order(file, 4);
    ProjectionMeta meta = testing::meta_of(file);
    CHECK(meta.checkpoint == 4);
    CHECK(meta.schemaVersion == 1);
    CHECK(meta.logEpoch == "epoch-a");
    CHECK(testing::query_int(file, "SELECT stream_version FROM applied WHERE event_id = 3") == 2);

    const ProjectionStatus& s = status_of(engine->status(), "recording");
    CHECK(s.state == ProjectionState::kReady);
    CHECK(s.checkpoint == 4);
    CHECK(s.head == 4);
    CHECK(s.lag == 0);
    CHECK(s.lastError.empty());
  }

  TEST_CASE("groups a projection does not want cost no transaction; the file catches up later") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string file = dir.sub("projections/recording.sqlite");
    {
      ProjectionEngine engine(
          dir.sub("projections"), store,
          make_projections(std::make_unique<RecordingProjection>("recording", 1, nullptr, "x.")));
      REQUIRE(engine.start().ok());
      store.append_group({{"s-1", "x.a"}});
      CHECK(testing::meta_of(file).checkpoint == 1);
      store.append_group({{"s-1", "y.b"}, {"s-2", "y.c"}});
      CHECK(testing::meta_of(file).checkpoint == 1);  // nothing written...
      const ProjectionStatus s = status_of(engine.status(), "recording");
      CHECK(s.checkpoint == 3);  // ...yet nothing is pending either
      CHECK(s.lag == 0);
      store.append_group({{"s-2", "y.d"}, {"s-1", "x.e"}});  // a wanted event: all applied
      CHECK(testing::meta_of(file).checkpoint == 5);
      CHECK(testing::query_int(file, "SELECT count(*) FROM applied") == 3);
      store.append_group({{"s-3", "y.f"}});
      CHECK(testing::meta_of(file).checkpoint == 5);
      engine.stop();  // stores the lagging checkpoint
      CHECK(testing::meta_of(file).checkpoint == 6);
    }
    store.append_unobserved(2, "x");
    ProjectionEngine engine(
        dir.sub("projections"), store,
        make_projections(std::make_unique<RecordingProjection>("recording", 1, nullptr, "x.")));
    REQUIRE(engine.start().ok());
    CHECK(testing::meta_of(file).checkpoint == 8);
    CHECK(testing::query_int(file, "SELECT count(*) FROM applied") == 5);
  }

  TEST_CASE("a failure mid-group rolls back the whole group and leaves the checkpoint") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto faults = std::make_shared<Faults>();
    ProjectionEngine engine(
        dir.sub("projections"), store,
        make_projections(std::make_unique<RecordingProjection>("recording", 1, faults),
                         std::make_unique<RecordingProjection>("healthy")));
    REQUIRE(engine.start().ok());
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_group({{"a-1", "x"}, {"a-1", "x"}, {"a-1", "x"}});

    faults->fail_at = 5;
    store.append_group({{"a-1", "x"}, {"a-1", "x"}, {"a-1", "x"}});  // events 4, 5, 6
    check_applied_in_order(file, 3);  // event 4 was applied, then rolled back
    CHECK(testing::meta_of(file).checkpoint == 3);
    const ProjectionStatus failed = status_of(engine.status(), "recording");
    CHECK(failed.state == ProjectionState::kFailed);
    CHECK(failed.checkpoint == 3);
    CHECK(failed.lag == 3);
    CHECK(failed.lastError.find("injected failure at eventId 5") != std::string::npos);
    // The other projection is not held back.
    CHECK(testing::meta_of(dir.sub("projections/healthy.sqlite")).checkpoint == 6);
    CHECK(status_of(engine.status(), "healthy").state == ProjectionState::kReady);
  }

  TEST_CASE("a failed projection catches up from its checkpoint on the next commit") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto faults = std::make_shared<Faults>();
    auto engine = recording_engine(dir.sub("projections"), store, faults);
    REQUIRE(engine->start().ok());
    const std::string file = dir.sub("projections/recording.sqlite");
    faults->fail_at = 2;
    store.append_group({{"a-1", "x"}, {"a-1", "x"}});
    store.append_group({{"a-1", "x"}});  // still failing: event 2 is replayed first
    CHECK(status_of(engine->status(), "recording").state == ProjectionState::kFailed);
    CHECK(testing::meta_of(file).checkpoint == 0);

    faults->fail_at = 0;
    store.append_group({{"a-2", "y"}});
    check_applied_in_order(file, 4);
    CHECK(testing::meta_of(file).checkpoint == 4);
    const ProjectionStatus s = status_of(engine->status(), "recording");
    CHECK(s.state == ProjectionState::kReady);
    CHECK(s.lastError.empty());
    CHECK(s.lag == 0);
  }

  TEST_CASE("start catches up from the stored checkpoint without replaying older events") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto faults = std::make_shared<Faults>();
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_unobserved(25);
    EngineOptions options;
    options.batch_events = 10;
    {
      Progress progress;
      auto engine = recording_engine(dir.sub("projections"), store, faults, 1, options);
      REQUIRE(engine->start(progress.fn()).ok());
      CHECK(progress.calls ==
            std::vector<std::pair<std::uint64_t, std::uint64_t>>{{10, 25}, {20, 25}, {25, 25}});
      CHECK(faults->applied == 25);
    }
    store.append_unobserved(12);
    Progress progress;
    auto engine = recording_engine(dir.sub("projections"), store, faults, 1, options);
    REQUIRE(engine->start(progress.fn()).ok());
    CHECK(progress.calls ==
          std::vector<std::pair<std::uint64_t, std::uint64_t>>{{35, 37}, {37, 37}});
    CHECK(faults->applied == 37);
    check_applied_in_order(file, 37);
    CHECK(status_of(engine->status(), "recording").state == ProjectionState::kReady);
  }

  TEST_CASE("start rebuilds from scratch when the schema version changed") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_unobserved(10);
    REQUIRE(recording_engine(dir.sub("projections"), store)->start().ok());
    testing::write_sql(file, "INSERT INTO applied VALUES(1000, 1000, 'planted', 1, 't', '{}')");

    auto faults = std::make_shared<Faults>();
    auto engine = recording_engine(dir.sub("projections"), store, faults, 2);
    REQUIRE(engine->start().ok());
    CHECK(faults->applied == 10);
    check_applied_in_order(file, 10);  // the planted row is gone
    CHECK(testing::meta_of(file).schemaVersion == 2);
    CHECK_FALSE(std::filesystem::exists(file + ".rebuild"));
  }

  TEST_CASE("start rebuilds from scratch when the log epoch changed") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_unobserved(10);
    REQUIRE(recording_engine(dir.sub("projections"), store)->start().ok());
    testing::write_sql(file, "INSERT INTO applied VALUES(1000, 1000, 'planted', 1, 't', '{}')");

    store.set_epoch("epoch-b");
    auto faults = std::make_shared<Faults>();
    auto engine = recording_engine(dir.sub("projections"), store, faults);
    REQUIRE(engine->start().ok());
    CHECK(faults->applied == 10);
    check_applied_in_order(file, 10);
    CHECK(testing::meta_of(file).logEpoch == "epoch-b");
  }

  TEST_CASE("start rebuilds from scratch when the checkpoint is ahead of the head") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_unobserved(10);
    REQUIRE(recording_engine(dir.sub("projections"), store)->start().ok());

    store.truncate(6);  // an older copy of the same log was restored
    auto faults = std::make_shared<Faults>();
    auto engine = recording_engine(dir.sub("projections"), store, faults);
    REQUIRE(engine->start().ok());
    CHECK(faults->applied == 6);
    check_applied_in_order(file, 6);
    CHECK(testing::meta_of(file).checkpoint == 6);
  }

  TEST_CASE("start rebuilds a damaged file and drops a leftover rebuild shadow") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string file = dir.sub("projections/recording.sqlite");
    store.append_unobserved(5);
    REQUIRE(recording_engine(dir.sub("projections"), store)->start().ok());
    {
      // Flip bytes in the header: the file no longer reads as a database.
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(0);
      f.write("garbage garbage!", 16);
    }
    { std::ofstream(file + ".rebuild") << "left by a process that died mid-rebuild"; }
    auto engine = recording_engine(dir.sub("projections"), store);
    REQUIRE(engine->start().ok());
    check_applied_in_order(file, 5);
    CHECK(status_of(engine->status(), "recording").state == ProjectionState::kReady);
    CHECK_FALSE(std::filesystem::exists(file + ".rebuild"));
  }

  TEST_CASE("start rejects invalid and duplicate projection names") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    ProjectionEngine bad(dir.sub("p"), store,
                         make_projections(std::make_unique<RecordingProjection>("Bad-Name")));
    CHECK(bad.start().IsInvalidArgument());
    ProjectionEngine dup(dir.sub("p"), store,
                         make_projections(std::make_unique<RecordingProjection>("same"),
                                          std::make_unique<RecordingProjection>("same")));
    CHECK(dup.start().IsInvalidArgument());
  }

  TEST_CASE("rebuild produces the same read model, row for row, as incremental application") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    ProjectionEngine engine(dir.sub("projections"), store,
                            make_projections(std::make_unique<StreamCatalog>(),
                                             std::make_unique<RecordingProjection>()));
    REQUIRE(engine.start().ok());
    store.append_many(1000, 1, "support_request", 37);
    store.append_many(2000, 13, "inquiry", 101);
    store.append_many(1500, 250, "feedback", 11);
    const std::string catalog = dir.sub("projections/stream_catalog.sqlite");
    const std::string recording = dir.sub("projections/recording.sqlite");
    const testing::TableDump incremental_catalog = testing::dump_tables(catalog);
    const testing::TableDump incremental_recording = testing::dump_tables(recording);
    REQUIRE(incremental_catalog.at("table streams").size() == 1 + 37 + 101 + 11);

    const std::uint64_t generation = engine.generation();
    Progress progress;
    REQUIRE(engine.rebuild("stream_catalog", progress.fn()).ok());
    REQUIRE(engine.rebuild("recording").ok());
    CHECK(engine.generation() == generation + 2);
    CHECK(progress.calls.back() == std::pair<std::uint64_t, std::uint64_t>{4500, 4500});
    CHECK(testing::dump_tables(catalog) == incremental_catalog);
    CHECK(testing::dump_tables(recording) == incremental_recording);
    CHECK(testing::meta_of(catalog).checkpoint == 4500);
    CHECK_FALSE(std::filesystem::exists(catalog + ".rebuild"));

    // And a read model built from nothing at start equals it too.
    engine.stop();
    docket::testing::TempDir other;
    ProjectionEngine fresh(other.sub("projections"), store,
                           make_projections(std::make_unique<StreamCatalog>()));
    REQUIRE(fresh.start().ok());
    CHECK(testing::dump_tables(other.sub("projections/stream_catalog.sqlite")) ==
          incremental_catalog);
  }

  TEST_CASE("an online rebuild keeps serving and ends equal while appends continue") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    EngineOptions options;
    options.batch_events = 64;
    options.handoff_lag = 50;
    ProjectionEngine engine(dir.sub("projections"), store,
                            make_projections(std::make_unique<RecordingProjection>("recording"),
                                             std::make_unique<RecordingProjection>("reference")),
                            options);
    REQUIRE(engine.start().ok());
    store.append_many(3000, 20);
    Result<std::unique_ptr<ReadConnection>> reader = engine.open_reader();
    REQUIRE(reader.ok());

    std::atomic<bool> writing{true};
    std::thread writer([&] {
      store.append_many(3000, 5);
      writing = false;
    });
    std::atomic<int> read_errors{0};
    std::atomic<bool> count_went_back{false};
    std::atomic<int> reads{0};
    std::thread querier([&] {
      std::int64_t last = 0;
      while (writing) {
        {
          Result<ReadLease> lease = (*reader)->lease();
          Result<std::int64_t> n =
              lease.ok() ? lease->db().query_int64("SELECT count(*) FROM recording.applied")
                         : Result<std::int64_t>(lease.status());
          if (!n.ok()) {
            ++read_errors;
          } else {
            if (*n < last) count_went_back = true;
            last = *n;
            ++reads;
          }
        }  // the lease ends before the pause: a swap waits only for running queries
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // pacing, not a wait
      }
    });
    const std::uint64_t generation = engine.generation();
    Status rebuilt = engine.rebuild("recording");
    writer.join();
    querier.join();
    REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.ToString());

    CHECK(read_errors == 0);
    CHECK_FALSE(count_went_back);
    CHECK(reads > 0);
    CHECK(engine.generation() == generation + 1);
    CHECK(store.head() == 6000);
    const std::string file = dir.sub("projections/recording.sqlite");
    check_applied_in_order(file, 6000);
    CHECK(testing::meta_of(file).checkpoint == 6000);
    CHECK(testing::dump_tables(file) ==
          testing::dump_tables(dir.sub("projections/reference.sqlite")));
    for (const auto& s : engine.status()) {
      CHECK(s.state == ProjectionState::kReady);
      CHECK(s.checkpoint == 6000);
    }
  }

  TEST_CASE("a reader reopens the files after a rebuild swapped one in") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto engine = recording_engine(dir.sub("projections"), store);
    REQUIRE(engine->start().ok());
    store.append_many(10, 3);
    Result<std::unique_ptr<ReadConnection>> reader = engine->open_reader();
    REQUIRE(reader.ok());
    {
      Result<ReadLease> lease = (*reader)->lease();
      REQUIRE(lease.ok());
      CHECK(*lease->db().query_int64("SELECT count(*) FROM recording.applied") == 10);
    }
    const std::uint64_t before = (*reader)->generation();
    CHECK(before == engine->generation());
    REQUIRE(engine->rebuild("recording").ok());
    CHECK((*reader)->generation() == 0);  // closed for the swap
    store.append_many(2, 2);
    Result<ReadLease> lease = (*reader)->lease();
    REQUIRE(lease.ok());
    CHECK(*lease->db().query_int64("SELECT count(*) FROM recording.applied") == 12);
    CHECK((*reader)->generation() == before + 1);
  }

  TEST_CASE("a lease left inside a transaction is rolled back so the next one reads new commits") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto engine = recording_engine(dir.sub("projections"), store);
    REQUIRE(engine->start().ok());
    store.append_many(3, 3);
    Result<std::unique_ptr<ReadConnection>> reader = engine->open_reader();
    REQUIRE(reader.ok());
    {
      Result<ReadLease> lease = (*reader)->lease();
      REQUIRE(lease.ok());
      REQUIRE(lease->db().exec("BEGIN").ok());
      CHECK(*lease->db().query_int64("SELECT count(*) FROM recording.applied") == 3);
    }
    store.append_many(2, 2);
    Result<ReadLease> lease = (*reader)->lease();
    REQUIRE(lease.ok());
    CHECK_FALSE(lease->db().in_transaction());
    CHECK(*lease->db().query_int64("SELECT count(*) FROM recording.applied") == 5);
  }

  TEST_CASE("rebuild refuses unknown projections and an engine that is not started") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto engine = recording_engine(dir.sub("projections"), store);
    CHECK(engine->rebuild("recording").code() == Status::Code::kFailedPrecondition);
    REQUIRE(engine->start().ok());
    CHECK(engine->rebuild("nope").IsNotFound());
  }

  TEST_CASE("a rebuild that fails keeps the old file serving") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    auto faults = std::make_shared<Faults>();
    auto engine = recording_engine(dir.sub("projections"), store, faults);
    REQUIRE(engine->start().ok());
    store.append_many(20, 4);
    const std::string file = dir.sub("projections/recording.sqlite");
    testing::write_sql(file, "INSERT INTO applied VALUES(1000, 1000, 'marker', 1, 't', '{}')");

    faults->fail_at = 7;  // only the rebuild sees event 7 again
    Status s = engine->rebuild("recording");
    CHECK(s.IsIOError());
    CHECK(s.message().find("eventId 7") != std::string::npos);
    CHECK(testing::query_int(file, "SELECT count(*) FROM applied WHERE stream = 'marker'") == 1);
    CHECK_FALSE(std::filesystem::exists(file + ".rebuild"));
    faults->fail_at = 0;
    store.append_many(1, 1);
    CHECK(testing::meta_of(file).checkpoint == 21);
    CHECK(status_of(engine->status(), "recording").state == ProjectionState::kReady);
  }

  TEST_CASE("read_projection_status reports every file without an engine") {
    docket::testing::TempDir dir;
    FakeEventStore store;
    const std::string pdir = dir.sub("projections");
    CHECK(read_projection_status(pdir, 0)->empty());
    {
      ProjectionEngine engine(pdir, store,
                              make_projections(std::make_unique<StreamCatalog>(),
                                               std::make_unique<RecordingProjection>()));
      REQUIRE(engine.start().ok());
      store.append_many(8, 2);
      // Readable while the engine has the files open.
      Result<std::vector<ProjectionStatus>> live = read_projection_status(pdir, 8, "epoch-a");
      REQUIRE(live.ok());
      REQUIRE(live->size() == 2);
      CHECK((*live)[0].name == "recording");
      CHECK((*live)[1].name == "stream_catalog");
      CHECK((*live)[1].state == ProjectionState::kReady);
      CHECK((*live)[1].checkpoint == 8);
    }
    { std::ofstream(pdir + "/broken.sqlite") << "not a database"; }

    Result<std::vector<ProjectionStatus>> all = read_projection_status(pdir, 10, "epoch-a");
    REQUIRE(all.ok());
    REQUIRE(all->size() == 3);
    const ProjectionStatus& broken = status_of(*all, "broken");
    CHECK(broken.state == ProjectionState::kFailed);
    CHECK_FALSE(broken.lastError.empty());
    const ProjectionStatus& behind = status_of(*all, "stream_catalog");
    CHECK(behind.state == ProjectionState::kCatchingUp);
    CHECK(behind.schemaVersion == StreamCatalog::kSchemaVersion);
    CHECK(behind.lag == 2);

    const ProjectionStatus ahead = status_of(*read_projection_status(pdir, 5), "recording");
    CHECK(ahead.state == ProjectionState::kFailed);
    CHECK(ahead.lastError.find("ahead") != std::string::npos);
    const ProjectionStatus other =
        status_of(*read_projection_status(pdir, 8, "epoch-b"), "recording");
    CHECK(other.state == ProjectionState::kFailed);
    CHECK(other.lastError.find("another log") != std::string::npos);
  }

  TEST_CASE("status is written as JSON with the state's name") {
    ProjectionStatus s;
    s.name = "stream_catalog";
    s.schemaVersion = 1;
    s.checkpoint = 40;
    s.head = 42;
    s.lag = 2;
    s.state = ProjectionState::kCatchingUp;
    JsonWriter w;
    write_status_json(w, s);
    CHECK(w.str() ==
          R"({"name":"stream_catalog","schemaVersion":1,"checkpoint":40,"head":42,"lag":2,)"
          R"("state":"catching_up","lastError":""})");
    CHECK(state_name(ProjectionState::kReady) == "ready");
    CHECK(state_name(ProjectionState::kRebuilding) == "rebuilding");
    CHECK(state_name(ProjectionState::kFailed) == "failed");
  }

  TEST_CASE("read-only ATTACH URIs escape the characters URIs reserve") {
    CHECK(read_only_uri("/data/projections/a.sqlite") == "file:/data/projections/a.sqlite?mode=ro");
    CHECK(read_only_uri("/d/100%?#x.sqlite") == "file:/d/100%25%3F%23x.sqlite?mode=ro");
  }
}

}  // namespace docket::projections

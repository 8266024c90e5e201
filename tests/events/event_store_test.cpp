// EventStore: appends, reads, expected versions, unique keys, reopen, read-only, backup.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "core/clock.h"
#include "events/event_store.h"
#include "events/log_verifier.h"
#include "tests/events/events_test_util.h"
#include "tests/support/test_support.h"

namespace docket::events {
namespace {

using testing::open_store;
using testing::single;
using testing::stream_append;

}  // namespace

TEST_SUITE("events.integration") {
  TEST_CASE("a new log is empty and has a 32-hex epoch") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    CHECK(store->head() == 0);
    CHECK(store->log_epoch().size() == 32);
    CHECK(store->log_epoch().find_first_not_of("0123456789abcdef") == std::string::npos);
    auto range = store->read_range(1, 10);
    REQUIRE(range.ok());
    CHECK(range->empty());
    CHECK(store->stream_version("nothing").value() == 0);
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE("appends get consecutive eventIds and chained hashes") {
    docket::testing::TempDir dir;
    ManualClock clock(1'700'000'000'000);
    StoreOptions options;
    options.clock = &clock;
    auto store = open_store(dir.sub("log"), options);

    auto first = store->append(single("inquiry-1", kNoStream, 2));
    REQUIRE_MESSAGE(first.ok(), first.status().ToString());
    CHECK(first->firstEventId == 1);
    CHECK(first->lastEventId == 2);
    CHECK(first->streamVersions == std::vector<std::uint64_t>{2});
    auto second = store->append(single("inquiry-2", kNoStream));
    REQUIRE(second.ok());
    CHECK(second->firstEventId == 3);
    CHECK(store->head() == 3);

    auto events = store->read_range(1, 100);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 3);
    CHECK((*events)[0].prevHash == kGenesisHash);
    CHECK((*events)[1].prevHash == (*events)[0].hash);
    CHECK((*events)[2].prevHash == (*events)[1].hash);
    CHECK((*events)[0].stream == "inquiry-1");
    CHECK((*events)[1].streamVersion == 2);
    CHECK((*events)[0].occurredAt == 1'700'000'000'000);
    CHECK((*events)[0].meta.requestId == "req-test");
    CHECK((*events)[0].data == R"({"n":0})");
    for (const auto& e : *events)
      CHECK(check_event_hash(e));
  }

  TEST_CASE("reads: read_range, scan, read_stream, stream_event_ids") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    // a: ids 1,2 ; b: id 3 ; a: ids 4,5
    REQUIRE(store->append(single("a", kNoStream, 2)).ok());
    REQUIRE(store->append(single("b", kNoStream, 1)).ok());
    REQUIRE(store->append(single("a", 2, 2)).ok());

    SUBCASE("read_range honours from and limit and stops at head") {
      auto r = store->read_range(2, 2);
      REQUIRE(r.ok());
      REQUIRE(r->size() == 2);
      CHECK((*r)[0].eventId == 2);
      CHECK((*r)[1].eventId == 3);
      CHECK(store->read_range(5, 10)->size() == 1);
      CHECK(store->read_range(6, 10)->empty());
      CHECK(store->read_range(0, 10)->size() == 5);
    }
    SUBCASE("scan visits from..to and stops when fn returns false") {
      std::vector<std::uint64_t> seen;
      REQUIRE(store
                  ->scan(2, 4,
                         [&](const EventRecord& e) {
                           seen.push_back(e.eventId);
                           return true;
                         })
                  .ok());
      CHECK(seen == std::vector<std::uint64_t>{2, 3, 4});
      seen.clear();
      REQUIRE(store
                  ->scan(1, 0,
                         [&](const EventRecord& e) {
                           seen.push_back(e.eventId);
                           return e.eventId < 2;
                         })
                  .ok());
      CHECK(seen == std::vector<std::uint64_t>{1, 2});
    }
    SUBCASE("read_stream returns one stream's events from a version") {
      auto a = store->read_stream("a", 2, 10);
      REQUIRE(a.ok());
      REQUIRE(a->size() == 3);
      CHECK((*a)[0].eventId == 2);
      CHECK((*a)[1].eventId == 4);
      CHECK((*a)[2].streamVersion == 4);
      CHECK(store->read_stream("a", 1, 2)->size() == 2);
      CHECK(store->read_stream("missing", 1, 10)->empty());
    }
    SUBCASE("stream_event_ids and stream_version use the index") {
      CHECK(store->stream_event_ids("a", 1, 100).value() == std::vector<std::uint64_t>{1, 2, 4, 5});
      CHECK(store->stream_event_ids("a", 3, 1).value() == std::vector<std::uint64_t>{4});
      CHECK(store->stream_event_ids("b", 2, 10).value().empty());
      CHECK(store->stream_version("a").value() == 4);
      CHECK(store->stream_version("b").value() == 1);
    }
  }

  TEST_CASE("expected versions: stale, kNoStream on an existing stream, kAnyVersion") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("request-7", kNoStream, 3)).ok());

    SUBCASE("a stale version is a Conflict naming stream, expected and actual") {
      auto r = store->append(single("request-7", 2));
      REQUIRE(r.status().IsConflict());
      CHECK(r.status().message() == "stream request-7 is at version 3, expected 2");
    }
    SUBCASE("a version ahead of the stream is a Conflict") {
      CHECK(store->append(single("request-7", 9)).status().IsConflict());
    }
    SUBCASE("kNoStream on an existing stream is a Conflict") {
      auto r = store->append(single("request-7", kNoStream));
      REQUIRE(r.status().IsConflict());
      CHECK(r.status().message() ==
            "stream request-7 already exists at version 3, expected no stream");
    }
    SUBCASE("the exact version and kAnyVersion succeed") {
      CHECK(store->append(single("request-7", 3)).ok());
      CHECK(store->append(single("request-7", kAnyVersion)).ok());
      CHECK(store->stream_version("request-7").value() == 5);
    }
    CHECK(store->head() >= 3);
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE("a rejected command writes nothing") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("x", kNoStream)).ok());
    CHECK_FALSE(store->append(single("x", kNoStream)).ok());
    CHECK(store->head() == 1);
    CHECK(store->stats().commands_rejected == 1);
    auto next = store->append(single("y", kNoStream));
    REQUIRE(next.ok());
    CHECK(next->firstEventId == 2);
  }

  TEST_CASE("a multi-stream command is all or nothing") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("agent-1", kNoStream)).ok());

    AppendRequest both;
    both.streams.push_back(stream_append("inquiry-9", kNoStream, 2));
    both.streams.push_back(stream_append("agent-1", 5));  // stale: agent-1 is at 1
    CHECK(store->append(both).status().IsConflict());
    CHECK(store->head() == 1);
    CHECK(store->stream_version("inquiry-9").value() == 0);

    both.streams[1].expectedVersion = 1;
    auto ok = store->append(both);
    REQUIRE(ok.ok());
    CHECK(ok->firstEventId == 2);
    CHECK(ok->lastEventId == 4);
    CHECK(ok->streamVersions == std::vector<std::uint64_t>{2, 2});
    CHECK(store->read_range(4, 1)->front().stream == "agent-1");
  }

  TEST_CASE("a command may append to the same stream twice") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    AppendRequest twice;
    twice.streams.push_back(stream_append("s", kNoStream));
    twice.streams.push_back(stream_append("s", 1, 2));
    auto r = store->append(twice);
    REQUIRE(r.ok());
    CHECK(r->streamVersions == std::vector<std::uint64_t>{1, 3});
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE("id sequences hand out serial ids, durable and race-free") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    CHECK(store->last_id("account").value() == 0);

    // Each command reads the last id from its staged view and takes the next one, as
    // domain commands do; many at once still get 1..N without a gap or a repeat.
    auto take_next = [&](std::string sequence) {
      return store->execute([sequence](const StagedView& view) -> Result<AppendRequest> {
        auto last = view.last_id(sequence);
        if (!last.ok()) return last.status();
        const std::uint64_t id = *last + 1;
        AppendRequest req = single(sequence + "-" + std::to_string(id), kNoStream);
        req.ids.push_back({sequence, id});
        return req;
      });
    };
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i) {
          if (!take_next("account").ok()) ++failures;
        }
      });
    }
    for (auto& th : threads)
      th.join();
    CHECK(failures.load() == 0);
    CHECK(store->last_id("account").value() == 200);
    for (int id = 1; id <= 200; ++id) {
      CHECK(store->stream_version("account-" + std::to_string(id)).value() == 1);
    }
    CHECK(take_next("feedback")->firstEventId == 201);
    CHECK(store->last_id("feedback").value() == 1);

    SUBCASE("a stale id is a Conflict and writes nothing") {
      AppendRequest stale = single("account-x", kNoStream);
      stale.ids.push_back({"account", 200});
      auto r = store->append(stale);
      CHECK(r.status().IsConflict());
      CHECK(r.status().message() == "id 200 of sequence account is not the next one (201)");
      AppendRequest skip = single("account-y", kNoStream);
      skip.ids.push_back({"account", 202});
      CHECK(store->append(skip).status().IsConflict());
      CHECK(store->head() == 201);
    }
    SUBCASE("bad sequence names and id 0 are InvalidArgument") {
      AppendRequest bad = single("s", kNoStream);
      bad.ids.push_back({"Account!", 1});
      CHECK(store->append(bad).status().IsInvalidArgument());
      AppendRequest zero = single("s", kNoStream);
      zero.ids.push_back({"x", 0});
      CHECK(store->append(zero).status().IsInvalidArgument());
      AppendRequest twice = single("s", kNoStream);
      twice.ids.push_back({"x", 1});
      twice.ids.push_back({"x", 2});
      CHECK(store->append(twice).status().IsInvalidArgument());
      AppendRequest none = single("s", kNoStream);
      none.ids.push_back({"x", 1, 0});
      CHECK(store->append(none).status().IsInvalidArgument());
    }
    SUBCASE("one claim may take several consecutive ids") {
      AppendRequest three = single("m-1", kNoStream);
      three.ids.push_back({"message", 1, 3});
      REQUIRE(store->append(three).ok());
      CHECK(store->last_id("message").value() == 3);
      AppendRequest overlapping = single("m-2", kNoStream);
      overlapping.ids.push_back({"message", 3});
      CHECK(store->append(overlapping).status().IsConflict());
      AppendRequest next = single("m-3", kNoStream);
      next.ids.push_back({"message", 4});
      CHECK(store->append(next).ok());
    }
    SUBCASE("the last id survives a reopen") {
      store->close();
      store.reset();
      auto reopened = open_store(dir.sub("log"));
      CHECK(reopened->last_id("account").value() == 200);
      auto ro = EventStore::open_read_only(dir.sub("log"));
      REQUIRE(ro.ok());
      CHECK((*ro)->last_id("feedback").value() == 1);
    }
  }

  TEST_CASE("unique keys: taken, released and reclaimed") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    AppendRequest create = single("inquiry-1", kNoStream);
    create.claims.push_back({"tracking:INQ-1", "inquiry-1"});
    REQUIRE(store->append(create).ok());
    CHECK(store->unique_owner("tracking:INQ-1").value() == "inquiry-1");
    CHECK(store->unique_owner("tracking:INQ-2").value().empty());

    SUBCASE("a taken key is AlreadyExists naming it, and nothing is written") {
      AppendRequest again = single("inquiry-2", kNoStream);
      again.claims.push_back({"tracking:INQ-1", "inquiry-2"});
      auto r = store->append(again);
      REQUIRE(r.status().IsAlreadyExists());
      CHECK(r.status().message() == "unique key tracking:INQ-1 is already taken by inquiry-1");
      CHECK(store->head() == 1);
    }
    SUBCASE("the same key twice in one command is AlreadyExists") {
      AppendRequest twice = single("inquiry-2", kNoStream);
      twice.claims.push_back({"email:a@example.com", "inquiry-2"});
      twice.claims.push_back({"email:a@example.com", "inquiry-2"});
      CHECK(store->append(twice).status().IsAlreadyExists());
    }
    SUBCASE("a released key can be claimed again") {
      AppendRequest release = single("inquiry-1", 1);
      release.releases.push_back("tracking:INQ-1");
      REQUIRE(store->append(release).ok());
      CHECK(store->unique_owner("tracking:INQ-1").value().empty());
      AppendRequest claim = single("inquiry-2", kNoStream);
      claim.claims.push_back({"tracking:INQ-1", "inquiry-2"});
      REQUIRE(store->append(claim).ok());
      CHECK(store->unique_owner("tracking:INQ-1").value() == "inquiry-2");
    }
    SUBCASE("one command can release a key and claim it for a new owner") {
      AppendRequest move = single("inquiry-1", 1);
      move.releases.push_back("tracking:INQ-1");
      move.claims.push_back({"tracking:INQ-1", "inquiry-5"});
      REQUIRE(store->append(move).ok());
      CHECK(store->unique_owner("tracking:INQ-1").value() == "inquiry-5");
    }
  }

  TEST_CASE("malformed requests are InvalidArgument and never reach the log") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    const std::vector<std::pair<const char*, std::function<void(AppendRequest&)>>> cases = {
        {"no streams", [](AppendRequest& r) { r.streams.clear(); }},
        {"a stream without events", [](AppendRequest& r) { r.streams[0].events.clear(); }},
        {"an empty stream name", [](AppendRequest& r) { r.streams[0].stream.clear(); }},
        {"a stream name with a NUL byte",
         [](AppendRequest& r) { r.streams[0].stream = std::string("a\0b", 3); }},
        {"a stream name over 200 bytes",
         [](AppendRequest& r) { r.streams[0].stream = std::string(201, 's'); }},
        {"a stream name that is not UTF-8",
         [](AppendRequest& r) { r.streams[0].stream = "bad\xff"; }},
        {"a stream name with a newline", [](AppendRequest& r) { r.streams[0].stream = "a\nb"; }},
        {"data that is not JSON",
         [](AppendRequest& r) { r.streams[0].events[0].data = "{\"a\":"; }},
        {"data that is an array", [](AppendRequest& r) { r.streams[0].events[0].data = "[1]"; }},
        {"data that is a string", [](AppendRequest& r) { r.streams[0].events[0].data = "\"x\""; }},
        {"data with trailing garbage",
         [](AppendRequest& r) { r.streams[0].events[0].data = "{} {}"; }},
        {"an empty event type", [](AppendRequest& r) { r.streams[0].events[0].type.clear(); }},
        {"an event type with spaces",
         [](AppendRequest& r) { r.streams[0].events[0].type = "a b"; }},
        {"schema version 0", [](AppendRequest& r) { r.streams[0].events[0].version = 0; }},
        {"an empty unique key",
         [](AppendRequest& r) {
           r.claims.push_back({"", "s"});
         }},
        {"a unique claim without owner",
         [](AppendRequest& r) {
           r.claims.push_back({"k", ""});
         }},
        {"an empty released key", [](AppendRequest& r) { r.releases.push_back(""); }},
        {"a bad actor type", [](AppendRequest& r) { r.actor.type = "Robot!"; }},
    };
    for (const auto& [name, mutate] : cases) {
      CAPTURE(name);
      AppendRequest r = single("s", kAnyVersion);
      mutate(r);
      auto result = store->append(r);
      CHECK_MESSAGE(result.status().IsInvalidArgument(), result.status().ToString());
    }
    CHECK(store->head() == 0);
    CHECK(store->stats().groups == 0);
    CHECK(store->append(single("s", kNoStream)).ok());
  }

  TEST_CASE("a request larger than max_group_bytes is InvalidArgument") {
    docket::testing::TempDir dir;
    StoreOptions options;
    options.max_group_bytes = 4096;
    auto store = open_store(dir.sub("log"), options);
    AppendRequest big = single("s", kNoStream);
    big.streams[0].events[0].data = "{\"text\":\"" + std::string(8000, 'x') + "\"}";
    CHECK(store->append(big).status().IsInvalidArgument());
    CHECK(store->append(single("s", kNoStream)).ok());
  }

  TEST_CASE("invalid UTF-8 in request meta is stored as U+FFFD") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    AppendRequest r = single("s", kNoStream);
    r.meta.userAgent = "agent\xff/1";
    REQUIRE(store->append(r).ok());
    auto e = store->read_range(1, 1);
    REQUIRE(e.ok());
    CHECK(e->front().meta.userAgent == "agent\xEF\xBF\xBD/1");
  }

  TEST_CASE("reopening keeps head, epoch, chain and stream versions") {
    docket::testing::TempDir dir;
    std::string epoch;
    std::string last_hash;
    {
      auto store = open_store(dir.sub("log"));
      REQUIRE(store->append(single("a", kNoStream, 3)).ok());
      AppendRequest claim = single("b", kNoStream);
      claim.claims.push_back({"k", "b"});
      REQUIRE(store->append(claim).ok());
      epoch = store->log_epoch();
      last_hash = store->read_range(4, 1)->front().hash;
    }
    auto store = open_store(dir.sub("log"));
    CHECK(store->head() == 4);
    CHECK(store->log_epoch() == epoch);
    CHECK(store->stream_version("a").value() == 3);
    CHECK(store->unique_owner("k").value() == "b");
    CHECK(store->append(single("a", 2)).status().IsConflict());
    auto next = store->append(single("a", 3));
    REQUIRE(next.ok());
    CHECK(next->firstEventId == 5);
    CHECK(store->read_range(5, 1)->front().prevHash == last_hash);
    CHECK(verify_log(*store).ok());
  }

  TEST_CASE("a second writer cannot open the same log") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    StoreOptions options;
    options.path = dir.sub("log");
    auto second = EventStore::open(options);
    CHECK_FALSE(second.ok());
  }

  TEST_CASE("a read-only store sees the log while a writer keeps it open") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("a", kNoStream, 5)).ok());
    auto reader = EventStore::open_read_only(dir.sub("log"));
    REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
    CHECK((*reader)->head() == 5);
    CHECK((*reader)->log_epoch() == store->log_epoch());
    CHECK((*reader)->read_stream("a", 1, 10)->size() == 5);
    CHECK(verify_log(**reader).ok());
    CHECK((*reader)->append(single("a", 5)).status().code() == Status::Code::kUnavailable);
    // It sees the state at the time of opening.
    REQUIRE(store->append(single("a", 5)).ok());
    CHECK((*reader)->head() == 5);
  }

  TEST_CASE("open_read_only on a directory without a log is NotFound") {
    docket::testing::TempDir dir;
    CHECK(EventStore::open_read_only(dir.sub("nothing")).status().IsNotFound());
  }

  TEST_CASE("backup writes a consistent copy: the same events, a logEpoch of its own") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("a", kNoStream, 10)).ok());
    REQUIRE(store->backup(dir.sub("backup")).ok());
    CHECK_FALSE(store->backup(dir.sub("backup")).ok());  // must not exist
    REQUIRE(store->append(single("a", 10)).ok());
    auto copy = EventStore::open_read_only(dir.sub("backup"));
    REQUIRE_MESSAGE(copy.ok(), copy.status().ToString());
    CHECK((*copy)->head() == 10);
    // Restored, the copy goes on from event 10 while the original went on past it: a
    // client's (logEpoch, eventId) from one must not pass for a position in the other.
    CHECK((*copy)->log_epoch() != store->log_epoch());
    CHECK((*copy)->log_epoch().size() == 32);
    CHECK(verify_log(**copy).ok());
    auto original = store->read_range(1, 10);
    auto copied = (*copy)->read_range(1, 10);
    REQUIRE(original.ok());
    REQUIRE(copied.ok());
    REQUIRE(copied->size() == 10);
    for (std::size_t i = 0; i < 10; ++i)
      CHECK((*copied)[i].json == (*original)[i].json);
  }

  TEST_CASE("wait_for_head wakes when an append becomes durable") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    const auto started = std::chrono::steady_clock::now();
    CHECK(store->wait_for_head(0, std::chrono::milliseconds(30)) == 0);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(25));

    std::uint64_t seen = 0;
    std::thread tailer([&] { seen = store->wait_for_head(0, std::chrono::seconds(10)); });
    // Not synchronization: whichever runs first, the tailer sees head 1. The pause only
    // makes the waiting-then-woken path the usual one.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(store->append(single("a", kNoStream)).ok());
    tailer.join();
    CHECK(seen == 1);
  }

  TEST_CASE("close completes queued commands and later ones are Unavailable") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    std::atomic<int> completed{0};
    for (int i = 0; i < 50; ++i) {
      store->append_async(single("s", kAnyVersion), [&](Result<AppendResult> r) {
        CHECK(r.ok());
        ++completed;
      });
    }
    store->close();
    CHECK(completed == 50);
    CHECK(store->head() == 50);
    store->close();  // idempotent
    CHECK(store->append(single("s", kAnyVersion)).status().code() == Status::Code::kUnavailable);
    CHECK(store->read_range(1, 100)->size() == 50);  // reads still work
  }

  TEST_CASE("stats count groups, events and rejections; disk_bytes is positive") {
    docket::testing::TempDir dir;
    auto store = open_store(dir.sub("log"));
    REQUIRE(store->append(single("s", kNoStream, 3)).ok());
    CHECK_FALSE(store->append(single("s", kNoStream)).ok());
    const StoreStats stats = store->stats();
    CHECK(stats.head == 3);
    CHECK(stats.groups == 1);
    CHECK(stats.events_appended == 3);
    CHECK(stats.commands_rejected == 1);
    CHECK(stats.last_group_commands == 1);
    CHECK(stats.last_fsync_ms >= 0);
    CHECK(store->disk_bytes() > 0);
  }
}

}  // namespace docket::events

// A command with an idempotency key (domain/command.h, events/idempotency.h): its outcome
// is written with its events, a second command with the key yields that outcome without
// appending (also after the log is reopened), another fingerprint is refused, and the
// outcome expires after the store's TTL, when the writer deletes it.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "core/clock.h"
#include "domain/append.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "events/event_store.h"
#include "tests/events/events_test_util.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace idempotent_test {

struct Note {
  static constexpr std::string_view kName = "test.note";
  std::string stream;
};

Result<events::AppendRequest> decide(const events::StagedView& view, const Note& note,
                                     const CommandMeta& meta) {
  auto req = start_append(meta);
  auto id = claim_next_id(view, req, "note");
  if (!id.ok()) return id.status();
  open_stream(req, note.stream, events::kAnyVersion)
      .events.push_back({"test.noted", 1, R"({"id":)" + std::to_string(*id) + "}"});
  return req;
}

CommandMeta keyed(std::string key, std::string fingerprint) {
  CommandMeta meta;
  meta.idempotency = {std::move(key), std::move(fingerprint)};
  return meta;
}

std::size_t kept_entries(const events::EventStore& store) {
  std::size_t n = 0;
  REQUIRE(store
              .scan_raw(events::LogColumn::kIdempotency, "",
                        [&](std::string_view, std::string_view) {
                          ++n;
                          return true;
                        })
              .ok());
  return n;
}

}  // namespace idempotent_test

TEST_SUITE("domain") {
  using idempotent_test::keyed;
  using idempotent_test::Note;

  TEST_CASE("a command's idempotency key keeps its outcome with its events") {
    docket::testing::TempDir dir;
    ManualClock clock(1'700'000'000'000);
    events::StoreOptions options;
    options.clock = &clock;
    options.idempotency_ttl = std::chrono::hours(1);
    const Note note{"notes-1"};
    Executed first_outcome;
    {
      auto store = events::testing::open_store(dir.sub("log"), options);
      auto first = execute(*store, note, keyed("k1", "f1"));
      REQUIRE_MESSAGE(first.ok(), first.status().ToString());
      CHECK_FALSE(first->replayed);
      first_outcome = *first;
      CHECK(idempotent_test::kept_entries(*store) == 2);  // the outcome and its expiry entry

      auto again = execute(*store, note, keyed("k1", "f1"));
      REQUIRE(again.ok());
      CHECK(again->replayed);
      CHECK(again->appended.firstEventId == first->appended.firstEventId);
      CHECK(again->appended.lastEventId == first->appended.lastEventId);
      CHECK(again->appended.streamVersions == first->appended.streamVersions);
      CHECK(again->appended.occurredAt == first->appended.occurredAt);
      CHECK(again->id("note") == 1);
      CHECK(again->types == std::vector<std::string>{"test.noted"});
      CHECK(store->head() == 1);

      auto mismatch = execute(*store, note, keyed("k1", "other"));
      CHECK(refusal_of(mismatch.status()) == Refusal::kIdempotencyKeyReused);
      auto without = execute(*store, note, CommandMeta{});
      REQUIRE(without.ok());
      CHECK(without->id("note") == 2);
      store->close();
    }
    // Reopened: the outcome is durable, so the retry still appends nothing.
    auto store = events::testing::open_store(dir.sub("log"), options);
    auto after = execute(*store, note, keyed("k1", "f1"));
    REQUIRE(after.ok());
    CHECK(after->replayed);
    CHECK(after->appended.lastEventId == first_outcome.appended.lastEventId);
    CHECK(store->head() == 2);

    SUBCASE("an expired outcome is gone: the key is new again, and the writer deletes it") {
      clock.advance(62 * 60 * 1000);
      auto fresh = execute(*store, note, keyed("k1", "f1"));
      REQUIRE(fresh.ok());
      CHECK_FALSE(fresh->replayed);
      CHECK(fresh->id("note") == 3);
      // That group deleted the expired outcome and wrote the new one.
      CHECK(idempotent_test::kept_entries(*store) == 2);
      auto replay = execute(*store, note, keyed("k1", "f1"));
      REQUIRE(replay.ok());
      CHECK(replay->replayed);
      CHECK(replay->id("note") == 3);
    }
    SUBCASE("a command refused by its decision keeps nothing") {
      const std::size_t before = idempotent_test::kept_entries(*store);
      auto refused = execute(*store, Note{""}, keyed("k2", "f2"));  // no stream name
      CHECK_FALSE(refused.ok());
      CHECK(idempotent_test::kept_entries(*store) == before);
      auto then = execute(*store, note, keyed("k2", "f2"));
      REQUIRE(then.ok());
      CHECK_FALSE(then->replayed);
    }
  }
}

}  // namespace docket::domain

// SessionStore over a real SQLite file in a temp dir, with a manual clock: every field
// round-trips, claim only answers detached unexpired sessions (and attaches them), the
// ttl boundary to the millisecond, reopening detaches and purges, and the raw pid never
// reaches the disk.
#include "realtime/sessions.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

// 2026-11-22T10:17:30Z
constexpr UnixMillis kStart = 1'795'342'650'000;
constexpr std::int64_t kTtlSeconds = 120;
constexpr std::int64_t kTtlMs = kTtlSeconds * 1000;

struct Fixture {
  docket::testing::TempDir dir;
  ManualClock clock{kStart};
  std::string path = dir.sub("ws-sessions.sqlite");
  std::unique_ptr<SessionStore> store;

  Fixture() { open(); }

  void open() {
    auto opened = SessionStore::open(path, {.ttl = std::chrono::seconds(kTtlSeconds)}, clock);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    store = std::move(opened).value();
  }

  // A restart: the store is destroyed and the same file opened again.
  void reopen() {
    store.reset();
    open();
  }

  void create(const SessionRecord& session) {
    Status s = store->create(session);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  void detach(std::string_view pid) {
    Status s = store->detach(pid);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  std::optional<SessionRecord> claim(std::string_view pid) {
    auto claimed = store->claim(pid);
    REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
    return std::move(claimed).value();
  }
  std::size_t count() {
    auto n = store->count();
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  }
  std::size_t purge() {
    auto n = store->purge_expired();
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  }

  // Every byte SQLite keeps for the file: the database, its WAL and a rollback journal.
  std::string file_bytes() const {
    std::string all;
    for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
      std::ifstream in(path + suffix, std::ios::binary);
      if (!in) continue;
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }
};

SessionRecord session(std::string pid, std::string sid = "sid-AAAAAAAAAAAAAAAA") {
  return SessionRecord{.pid = std::move(pid),
                       .sid = std::move(sid),
                       .principal = "customer:7",
                       .log_epoch = "0123456789abcdef0123456789abcdef",
                       .baseline_event_id = 42,
                       .rooms = {"support:inquiry:10:messages", "support:request:1:messages"}};
}

void check_same(const SessionRecord& got, const SessionRecord& want) {
  CHECK(got.pid == want.pid);
  CHECK(got.sid == want.sid);
  CHECK(got.principal == want.principal);
  CHECK(got.log_epoch == want.log_epoch);
  CHECK(got.baseline_event_id == want.baseline_event_id);
  CHECK(got.rooms == want.rooms);
}

}  // namespace

TEST_SUITE("realtime") {
  TEST_CASE("SessionStore: a detached session is claimed with every field, then attached") {
    Fixture f;
    const SessionRecord a = session("pid-a-0123456789abcd", "sid-a-0123456789abcd");
    SessionRecord b = session("pid-b-0123456789abcd", "sid-b-0123456789abcd");
    b.principal = "staff:3";
    b.log_epoch = "ffffffffffffffffffffffffffffffff";
    b.baseline_event_id = (std::uint64_t{1} << 53) - 1;
    b.rooms = {};  // no rooms: an empty list, not one empty name
    SessionRecord c = session("pid-c-0123456789abcd", "sid-c-0123456789abcd");
    c.principal = "guest:11";
    c.baseline_event_id = 0;
    c.rooms = {"support:inquiry:11:messages"};
    f.create(a);
    f.create(b);
    f.create(c);
    CHECK(f.count() == 3);

    // Attached (just created): nobody may claim them.
    CHECK_FALSE(f.claim(a.pid).has_value());
    CHECK_FALSE(f.claim(b.pid).has_value());
    CHECK_FALSE(f.claim("pid-unknown-000000000").has_value());

    f.detach(a.pid);
    f.detach(b.pid);
    f.detach(c.pid);
    auto got_a = f.claim(a.pid);
    REQUIRE(got_a.has_value());
    check_same(*got_a, a);
    auto got_b = f.claim(b.pid);
    REQUIRE(got_b.has_value());
    check_same(*got_b, b);
    CHECK(got_b->rooms.empty());
    auto got_c = f.claim(c.pid);
    REQUIRE(got_c.has_value());
    check_same(*got_c, c);

    // Claimed means attached again: a second claim gets nothing, and the record stays.
    CHECK_FALSE(f.claim(a.pid).has_value());
    CHECK_FALSE(f.claim(b.pid).has_value());
    CHECK(f.count() == 3);
    // Detached again, it can be claimed again.
    f.detach(a.pid);
    auto again = f.claim(a.pid);
    REQUIRE(again.has_value());
    check_same(*again, a);
  }

  TEST_CASE("SessionStore: a duplicate pid is AlreadyExists and leaves the first intact") {
    Fixture f;
    const SessionRecord first = session("pid-dup-0123456789ab", "sid-first-0123456789");
    f.create(first);
    SessionRecord second = session("pid-dup-0123456789ab", "sid-second-012345678");
    second.principal = "customer:8";
    Status s = f.store->create(second);
    CHECK(s.IsAlreadyExists());
    f.detach(first.pid);
    // Also while detached.
    CHECK(f.store->create(second).IsAlreadyExists());
    CHECK(f.count() == 1);
    auto got = f.claim(first.pid);
    REQUIRE(got.has_value());
    check_same(*got, first);
  }

  TEST_CASE("SessionStore: ttl boundary — detached exactly ttl ago is claimable, 1 ms more not") {
    Fixture f;
    const SessionRecord a = session("pid-ttl-a-0123456789");
    const SessionRecord b = session("pid-ttl-b-0123456789");
    f.create(a);
    f.create(b);
    f.detach(a.pid);  // at kStart
    f.detach(b.pid);  // at kStart

    // claim keeps detached_at >= now - ttl: at now = detach + ttl exactly it is inside.
    f.clock.set(kStart + kTtlMs);
    CHECK(f.purge() == 0);  // purge deletes detached_at < now - ttl: none yet
    CHECK(f.count() == 2);
    auto got = f.claim(a.pid);
    REQUIRE(got.has_value());
    check_same(*got, a);

    // One millisecond later b (detached at kStart) is gone for claim and purge alike.
    f.clock.set(kStart + kTtlMs + 1);
    CHECK_FALSE(f.claim(b.pid).has_value());
    // a is attached now: never expired, whatever the time.
    f.clock.set(kStart + 100 * kTtlMs);
    CHECK(f.purge() == 1);  // b only
    CHECK(f.count() == 1);
    CHECK_FALSE(f.claim(b.pid).has_value());

    // a's ttl counts from its latest detach.
    const UnixMillis detached = f.clock.now_ms();
    f.detach(a.pid);
    f.clock.set(detached + kTtlMs + 1);
    CHECK_FALSE(f.claim(a.pid).has_value());
    CHECK(f.purge() == 1);
    CHECK(f.count() == 0);
  }

  TEST_CASE("SessionStore: remove forgets a session; remove and set_rooms of unknown are OK") {
    Fixture f;
    const SessionRecord a = session("pid-rm-a-01234567890");
    f.create(a);
    CHECK(f.store->remove(a.pid).ok());
    CHECK(f.count() == 0);
    f.detach(a.pid);  // of nothing: OK, creates nothing
    CHECK(f.count() == 0);
    CHECK_FALSE(f.claim(a.pid).has_value());
    CHECK(f.store->remove("pid-never-stored-0000").ok());
    CHECK(f.store->set_rooms("pid-never-stored-0000", {"support:request:1:messages"}).ok());
    CHECK(f.count() == 0);

    // A detached session removed cannot be claimed.
    const SessionRecord b = session("pid-rm-b-01234567890");
    f.create(b);
    f.detach(b.pid);
    CHECK(f.store->remove(b.pid).ok());
    CHECK_FALSE(f.claim(b.pid).has_value());
    CHECK(f.count() == 0);
  }

  TEST_CASE("SessionStore: set_rooms replaces the rooms, attached or detached") {
    Fixture f;
    SessionRecord a = session("pid-rooms-0123456789");
    f.create(a);
    const std::vector<std::string> three = {
        "support:inquiry:3:messages", "support:request:12:messages", "support:request:2:messages"};
    CHECK(f.store->set_rooms(a.pid, three).ok());  // attached
    f.detach(a.pid);
    auto got = f.claim(a.pid);
    REQUIRE(got.has_value());
    CHECK(got->rooms == three);

    f.detach(a.pid);
    CHECK(f.store->set_rooms(a.pid, {}).ok());  // detached
    got = f.claim(a.pid);
    REQUIRE(got.has_value());
    CHECK(got->rooms.empty());
    CHECK(got->sid == a.sid);  // nothing else changed
    CHECK(got->baseline_event_id == a.baseline_event_id);
  }

  TEST_CASE("SessionStore: reopening detaches the attached sessions and purges expired ones") {
    Fixture f;
    const SessionRecord attached = session("pid-attached-0123456", "sid-attached-0123456");
    const SessionRecord old = session("pid-old-012345678901", "sid-old-012345678901");
    const SessionRecord recent = session("pid-recent-012345678", "sid-recent-012345678");
    f.create(attached);
    f.create(old);
    f.create(recent);
    f.detach(old.pid);  // at kStart
    f.clock.set(kStart + 2 * kTtlMs);
    f.detach(recent.pid);  // at kStart + 2 ttl

    // The process dies (`attached` is never detached) and starts at kStart + 3 ttl: old
    // (detached 3 ttl ago) is expired, recent (exactly ttl ago) is still inside, and
    // attached is detached by the open.
    f.clock.set(kStart + 3 * kTtlMs);
    f.reopen();
    CHECK(f.count() == 2);  // old purged at open
    CHECK_FALSE(f.claim(old.pid).has_value());
    auto got_recent = f.claim(recent.pid);
    REQUIRE(got_recent.has_value());
    check_same(*got_recent, recent);
    auto got_attached = f.claim(attached.pid);
    REQUIRE(got_attached.has_value());
    check_same(*got_attached, attached);

    // Detached at the reopen: its ttl counts from then. Both are attached now (claimed);
    // another restart detaches them at its own time.
    const UnixMillis restart = f.clock.now_ms() + 5;
    f.clock.set(restart);
    f.reopen();
    CHECK(f.count() == 2);
    f.clock.set(restart + kTtlMs + 1);
    CHECK_FALSE(f.claim(attached.pid).has_value());
    CHECK_FALSE(f.claim(recent.pid).has_value());
    f.reopen();  // purges both
    CHECK(f.count() == 0);
  }

  TEST_CASE("SessionStore: the raw pid never reaches the file, only its SHA-256") {
    Fixture f;
    const std::string pid = "PiD-secret-Zq9xW2vK7";
    const std::string sid = "SiD-public-Mb4nH8tR1";
    SessionRecord a = session(pid, sid);
    f.create(a);
    CHECK(f.store->set_rooms(pid, {"support:request:77:messages"}).ok());
    f.detach(pid);
    REQUIRE(f.claim(pid).has_value());
    f.detach(pid);

    // While open (the rows are in the WAL), then after close (checkpointed).
    for (int pass = 0; pass < 2; ++pass) {
      CAPTURE(pass);
      const std::string bytes = f.file_bytes();
      REQUIRE_FALSE(bytes.empty());
      // The read sees the rows: the sid, a room and the pid's hash are there...
      CHECK(bytes.find(sid) != std::string::npos);
      CHECK(bytes.find("support:request:77:messages") != std::string::npos);
      CHECK(bytes.find(sha256_hex(pid)) != std::string::npos);
      // ...and the pid is not.
      CHECK(bytes.find(pid) == std::string::npos);
      f.store.reset();
    }
    f.open();
    auto got = f.claim(pid);
    REQUIRE(got.has_value());
    CHECK(got->pid == pid);
    CHECK(got->sid == sid);
  }

  TEST_CASE("SessionStore: open refuses a ttl that is not positive") {
    docket::testing::TempDir dir;
    ManualClock clock{kStart};
    auto zero = SessionStore::open(dir.sub("s.sqlite"), {.ttl = std::chrono::seconds(0)}, clock);
    REQUIRE_FALSE(zero.ok());
    CHECK(zero.status().IsInvalidArgument());
    auto negative =
        SessionStore::open(dir.sub("s.sqlite"), {.ttl = std::chrono::seconds(-1)}, clock);
    REQUIRE_FALSE(negative.ok());
    CHECK(negative.status().IsInvalidArgument());
    auto one = SessionStore::open(dir.sub("s.sqlite"), {.ttl = std::chrono::seconds(1)}, clock);
    REQUIRE(one.ok());
    CHECK((*one)->options().ttl == std::chrono::seconds(1));
  }

  TEST_CASE("SessionStore: two threads claiming one pid, one gets it") {
    Fixture f;
    const SessionRecord a = session("pid-race-0123456789a");
    for (int round = 0; round < 8; ++round) {
      if (round == 0) {
        f.create(a);
      }
      f.detach(a.pid);
      std::atomic<int> won{0};
      std::atomic<int> errors{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
          auto claimed = f.store->claim(a.pid);
          if (!claimed.ok()) {
            ++errors;
          } else if (claimed->has_value()) {
            ++won;
          }
        });
      }
      for (auto& t : threads)
        t.join();
      CHECK(errors.load() == 0);
      CHECK(won.load() == 1);
    }
  }
}

}  // namespace docket::realtime

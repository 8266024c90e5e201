// AccountCache: rows stay current until a commit holds an account event.
#include <doctest/doctest.h>

#include "projections/account_cache.h"

namespace docket::projections {
namespace {

events::EventRecord event(std::string type) {
  events::EventRecord e;
  e.type = std::move(type);
  return e;
}

AccountRow row(std::int64_t id, std::string name) {
  AccountRow r;
  r.id = id;
  r.name = std::move(name);
  return r;
}

}  // namespace

TEST_SUITE("projections") {
  TEST_CASE("account cache: hits until an account event commits") {
    AccountCache cache;
    CHECK_FALSE(cache.find(1).has_value());
    cache.put(row(1, "Ann"), cache.version());
    REQUIRE(cache.find(1).has_value());
    CHECK(cache.find(1)->name == "Ann");

    const events::EventRecord other[] = {event("support.request.created")};
    cache.on_commit(other);
    CHECK(cache.find(1).has_value());

    const events::EventRecord changed[] = {event("support.request.created"),
                                           event("account.deactivated")};
    cache.on_commit(changed);
    CHECK_FALSE(cache.find(1).has_value());
  }

  TEST_CASE("account cache: a row read before a change is never served after it") {
    AccountCache cache;
    const std::uint64_t before = cache.version();  // a reader starts its query here
    const events::EventRecord changed[] = {event("account.permissions_changed")};
    cache.on_commit(changed);            // the change commits meanwhile
    cache.put(row(7, "stale"), before);  // the reader caches what it read
    CHECK_FALSE(cache.find(7).has_value());
  }

  TEST_CASE("account cache: bounded") {
    AccountCache cache;
    for (std::int64_t id = 1; id <= static_cast<std::int64_t>(AccountCache::kMaxEntries) + 5; ++id)
      cache.put(row(id, "x"), cache.version());
    CHECK_FALSE(cache.find(1).has_value());  // cleared when full
    CHECK(cache.find(static_cast<std::int64_t>(AccountCache::kMaxEntries) + 5).has_value());
  }
}

}  // namespace docket::projections

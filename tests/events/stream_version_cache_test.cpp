// StreamVersionCache: bounded, least recently used entries leave first.
#include <doctest/doctest.h>

#include "events/stream_version_cache.h"

namespace docket::events {

TEST_SUITE("events") {
  TEST_CASE("the version cache evicts the least recently used stream") {
    StreamVersionCache cache(2);
    cache.put("a", 1);
    cache.put("b", 2);
    CHECK(cache.get("a") == 1);  // a is now more recent than b
    cache.put("c", 3);
    CHECK(cache.size() == 2);
    CHECK_FALSE(cache.get("b").has_value());
    CHECK(cache.get("a") == 1);
    CHECK(cache.get("c") == 3);
  }

  TEST_CASE("the version cache updates an entry in place") {
    StreamVersionCache cache(2);
    cache.put("a", 1);
    cache.put("a", 5);
    CHECK(cache.size() == 1);
    CHECK(cache.get("a") == 5);
    cache.clear();
    CHECK_FALSE(cache.get("a").has_value());
  }
}

}  // namespace docket::events

// LruMap: bounded, least recently used entries leave first, values replaced in place.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "core/lru_map.h"

namespace docket {

TEST_SUITE("core") {
  TEST_CASE("LruMap evicts the least recently used key") {
    LruMap<int> map(2);
    map.put("a", 1);
    map.put("b", 2);
    REQUIRE(map.get("a") != nullptr);  // a is now more recent than b
    map.put("c", 3);
    CHECK(map.size() == 2);
    CHECK(map.get("b") == nullptr);
    CHECK(*map.get("a") == 1);
    CHECK(*map.get("c") == 3);
  }

  TEST_CASE("LruMap replaces a move-only value in place") {
    LruMap<std::unique_ptr<std::string>> map(2);
    map.put("a", std::make_unique<std::string>("first"));
    map.put("a", std::make_unique<std::string>("second"));
    CHECK(map.size() == 1);
    auto* value = map.get("a");
    REQUIRE(value != nullptr);
    REQUIRE(*value != nullptr);
    CHECK(**value == "second");
    map.clear();
    CHECK(map.get("a") == nullptr);
    CHECK(map.size() == 0);
  }
}

}  // namespace docket

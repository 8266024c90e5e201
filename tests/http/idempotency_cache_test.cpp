// IdempotencyCache and the Idempotency-Key header (http/idempotency.h).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "http/idempotency.h"

namespace docket::http {

TEST_SUITE("http") {
  TEST_CASE("the Idempotency-Key header: bare or a Structured Field string, 16..255 visible") {
    CHECK(parse_idempotency_key("8e03978e-40d5-43e8-bc93-6894a57f9324") ==
          "8e03978e-40d5-43e8-bc93-6894a57f9324");
    CHECK(parse_idempotency_key("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"") ==
          "8e03978e-40d5-43e8-bc93-6894a57f9324");
    CHECK(parse_idempotency_key(std::string(255, 'k')).has_value());
    CHECK_FALSE(parse_idempotency_key(std::string(256, 'k')).has_value());
    CHECK_FALSE(parse_idempotency_key("fifteen-chars-x").has_value());
    CHECK(parse_idempotency_key("sixteen-chars-xx").has_value());
    CHECK_FALSE(parse_idempotency_key("\"\"").has_value());
    CHECK_FALSE(parse_idempotency_key("with a space inside").has_value());
    CHECK_FALSE(parse_idempotency_key("\"a-quote\"-inside-it\"").has_value());
    CHECK_FALSE(parse_idempotency_key("back\\slash-is-not-allowed").has_value());
    CHECK_FALSE(parse_idempotency_key("control\x01-character-here").has_value());
  }

  TEST_CASE("the cache: one owner per key, successes kept, the rest let go") {
    IdempotencyCache cache(std::chrono::hours(1));
    auto first = cache.begin("k", "f");
    CHECK(first.start == IdempotencyCache::Start::kProceed);
    CHECK(cache.begin("k", "f").start == IdempotencyCache::Start::kInUse);
    CHECK(cache.begin("k", "g").start == IdempotencyCache::Start::kMismatch);

    Response created =
        Response::created([](JsonWriter& w) { w.begin_object().field("id", 7).end_object(); });
    created.add_header("X-Docket-Event-Id", "42");
    created.add_header("RateLimit-Remaining", "3");
    cache.finish("k", created);
    auto replay = cache.begin("k", "f");
    REQUIRE(replay.start == IdempotencyCache::Start::kReplay);
    REQUIRE(replay.replay.has_value());
    CHECK(replay.replay->status() == 201);
    CHECK(replay.replay->body() == created.body());
    CHECK(replay.replay->find_header("X-Docket-Event-Id") == "42");
    CHECK(replay.replay->find_header("Idempotent-Replayed") == "true");
    CHECK_FALSE(replay.replay->find_header("RateLimit-Remaining").has_value());
    CHECK(cache.begin("k", "g").start == IdempotencyCache::Start::kMismatch);

    SUBCASE("an error is not kept") {
      CHECK(cache.begin("e", "f").start == IdempotencyCache::Start::kProceed);
      cache.finish("e", Response::raw(409, "application/json", "{}"));
      CHECK(cache.begin("e", "f").start == IdempotencyCache::Start::kProceed);
    }
    SUBCASE("an abandoned key is free") {
      CHECK(cache.begin("a", "f").start == IdempotencyCache::Start::kProceed);
      cache.abandon("a");
      CHECK(cache.begin("a", "other").start == IdempotencyCache::Start::kProceed);
    }
  }

  TEST_CASE("the cache lets a kept answer go when its time is up") {
    IdempotencyCache cache(std::chrono::milliseconds(0));
    CHECK(cache.begin("k", "f").start == IdempotencyCache::Start::kProceed);
    cache.finish("k", Response::raw(200, "application/json", "{}"));
    CHECK(cache.size() == 0);
    CHECK(cache.begin("k", "g").start == IdempotencyCache::Start::kProceed);
  }
}

}  // namespace docket::http

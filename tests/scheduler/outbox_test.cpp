#include "scheduler/outbox.h"

#include <doctest/doctest.h>

#include "tests/support/test_support.h"

namespace {

using docket::ManualClock;
using docket::scheduler::MailState;
using docket::scheduler::OutboxOptions;
using docket::scheduler::OutgoingMail;
using Outbox = docket::scheduler::Outbox;
using namespace std::chrono_literals;

constexpr docket::UnixMillis kStart = 1'795'000'000'000;

OutgoingMail reply(const std::string& key) {
  return {.kind = "support_request.admin_reply",
          .to_address = "ana@example.com",
          .subject = "Re: printer on fire",
          .body = "We sent a technician.\nYour code: 123456\n",
          .dedupe_key = key};
}

std::unique_ptr<Outbox> open_outbox(const std::string& path, const ManualClock& clock,
                                    OutboxOptions options = {}) {
  auto outbox = Outbox::open(path, clock, options);
  REQUIRE_MESSAGE(outbox.ok(), outbox.status().ToString());
  return std::move(outbox).value();
}

}  // namespace

TEST_SUITE("scheduler") {
  TEST_CASE("enqueue is idempotent by dedupe key") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock);

    bool inserted = false;
    REQUIRE(outbox->enqueue(reply("event-7"), &inserted).ok());
    CHECK(inserted);
    OutgoingMail again = reply("event-7");
    again.subject = "a different subject";
    REQUIRE(outbox->enqueue(again, &inserted).ok());
    CHECK_FALSE(inserted);
    REQUIRE(outbox->enqueue(reply("event-8"), &inserted).ok());
    CHECK(inserted);

    auto stats = outbox->stats();
    REQUIRE(stats.ok());
    CHECK(stats->queued == 2);
    auto record = outbox->find_by_dedupe_key("event-7");
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    CHECK((*record)->subject == "Re: printer on fire");
    CHECK((*record)->state == MailState::kQueued);
    CHECK((*record)->next_attempt_at == kStart);
    CHECK((*record)->created_at == kStart);

    // Already sent: enqueueing the same cause again still does nothing.
    auto claimed = outbox->claim_due(10);
    REQUIRE(claimed.ok());
    REQUIRE(claimed->size() == 2);
    REQUIRE(outbox->mark_sent(claimed->at(0).id).ok());
    REQUIRE(outbox->enqueue(reply("event-7"), &inserted).ok());
    CHECK_FALSE(inserted);
  }

  TEST_CASE("enqueue refuses malformed messages and header injection") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock);
    OutgoingMail m = reply("k");
    SUBCASE("CRLF in the subject") {
      m.subject = "Hello\r\nBcc: victim@example.com";
    }
    SUBCASE("LF in the address") {
      m.to_address = "ana@example.com\nBcc: victim@example.com";
    }
    SUBCASE("a display name instead of an address") {
      m.to_address = "Ana <ana@example.com>";
    }
    SUBCASE("no dedupe key") {
      m.dedupe_key = "";
    }
    SUBCASE("no kind") {
      m.kind = "";
    }
    SUBCASE("invalid UTF-8 body") {
      m.body = "\xff\xfe";
    }
    const auto status = outbox->enqueue(m);
    CHECK(status.IsInvalidArgument());
    CHECK(outbox->stats()->queued == 0);
  }

  TEST_CASE("failed attempts back off exponentially up to the cap") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock,
                              {.max_attempts = 20, .retry_base = 30s, .retry_cap = 1h});
    CHECK(outbox->backoff(1) == 30s);
    CHECK(outbox->backoff(2) == 60s);
    CHECK(outbox->backoff(3) == 120s);
    CHECK(outbox->backoff(7) == 1920s);
    CHECK(outbox->backoff(8) == 1h);  // 3840 s capped
    CHECK(outbox->backoff(19) == 1h);

    REQUIRE(outbox->enqueue(reply("k")).ok());
    const std::vector<std::chrono::milliseconds> expected = {30s,  60s,   120s, 240s, 480s,
                                                             960s, 1920s, 1h,   1h};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      auto claimed = outbox->claim_due(10);
      REQUIRE(claimed.ok());
      REQUIRE(claimed->size() == 1);
      CHECK(claimed->front().attempts == i);
      // A claimed message is leased: a second claim does not return it.
      CHECK(outbox->claim_due(10)->empty());
      auto state = outbox->mark_failed(claimed->front().id, "Unavailable: connection refused");
      REQUIRE(state.ok());
      CHECK(*state == MailState::kQueued);
      auto record = outbox->get(claimed->front().id);
      REQUIRE(record.ok());
      CHECK(record->attempts == i + 1);
      CHECK(record->next_attempt_at == clock.now_ms() + expected[i].count());
      CHECK(record->last_error == "Unavailable: connection refused");
      // Not due one millisecond early; due exactly on time.
      clock.advance(expected[i].count() - 1);
      CHECK(outbox->claim_due(10)->empty());
      CHECK(*outbox->next_due() == clock.now_ms() + 1);
      clock.advance(1);
    }
    auto stats = outbox->stats();
    CHECK(stats->failed_attempts == expected.size());
    CHECK(stats->queued == 1);
  }

  TEST_CASE("jitter adds at most its share of the delay") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox =
        open_outbox(dir.sub("outbox.sqlite"), clock, {.retry_base = 30s, .jitter_fraction = 0.5});
    REQUIRE(outbox->enqueue(reply("k")).ok());
    auto claimed = outbox->claim_due(1);
    REQUIRE(claimed->size() == 1);
    REQUIRE(outbox->mark_failed(claimed->front().id, "x").ok());
    const auto next = outbox->get(claimed->front().id)->next_attempt_at;
    CHECK(next >= kStart + 30'000);
    CHECK(next < kStart + 45'000);
  }

  TEST_CASE("a message is dead after max_attempts failures, and its body is erased") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock, {.max_attempts = 3});
    REQUIRE(outbox->enqueue(reply("k")).ok());
    std::int64_t id = 0;
    for (int attempt = 1; attempt <= 3; ++attempt) {
      CAPTURE(attempt);
      auto claimed = outbox->claim_due(10);
      REQUIRE(claimed->size() == 1);
      id = claimed->front().id;
      auto state = outbox->mark_failed(id, "attempt " + std::to_string(attempt));
      REQUIRE(state.ok());
      CHECK(*state == (attempt < 3 ? MailState::kQueued : MailState::kDead));
      clock.advance(3'600'000);
    }
    auto record = outbox->get(id);
    REQUIRE(record.ok());
    CHECK(record->state == MailState::kDead);
    CHECK(record->attempts == 3);
    CHECK(record->last_error == "attempt 3");
    CHECK(record->body.empty());
    CHECK(record->subject == "Re: printer on fire");
    CHECK(outbox->claim_due(10)->empty());
    CHECK_FALSE(outbox->next_due()->has_value());
    CHECK(outbox->mark_failed(id, "again").status().IsNotFound());
    auto stats = outbox->stats();
    CHECK(stats->dead == 1);
    CHECK(stats->queued == 0);
    CHECK(stats->failed_attempts == 3);
  }

  TEST_CASE("a permanent error kills a message at once") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock);
    REQUIRE(outbox->enqueue(reply("k")).ok());
    auto claimed = outbox->claim_due(10);
    auto state = outbox->mark_failed(claimed->front().id, "550 no such user", true);
    REQUIRE(state.ok());
    CHECK(*state == MailState::kDead);
  }

  TEST_CASE("a sent message keeps its record but not its body") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock);
    REQUIRE(outbox->enqueue(reply("k")).ok());
    auto claimed = outbox->claim_due(10);
    REQUIRE(claimed->size() == 1);
    CHECK(claimed->front().body == "We sent a technician.\nYour code: 123456\n");
    CHECK(claimed->front().message_id == "<outbox." + std::to_string(claimed->front().id) + "." +
                                             std::to_string(kStart) + "@docket>");
    clock.advance(1234);
    REQUIRE(outbox->mark_sent(claimed->front().id).ok());
    auto record = outbox->get(claimed->front().id);
    CHECK(record->state == MailState::kSent);
    CHECK(record->sent_at == kStart + 1234);
    CHECK(record->attempts == 1);
    CHECK(record->body.empty());
    CHECK(outbox->mark_sent(claimed->front().id).IsNotFound());
    auto stats = outbox->stats();
    CHECK(stats->sent == 1);
    CHECK(stats->failed_attempts == 0);
  }

  TEST_CASE("a claimed message that was never marked comes back after the lease") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    auto outbox = open_outbox(dir.sub("outbox.sqlite"), clock, {.claim_lease = 60s});
    REQUIRE(outbox->enqueue(reply("k")).ok());
    REQUIRE(outbox->claim_due(10)->size() == 1);
    clock.advance(59'999);
    CHECK(outbox->claim_due(10)->empty());
    clock.advance(1);
    CHECK(outbox->claim_due(10)->size() == 1);
  }

  TEST_CASE("the outbox survives a reopen") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    const std::string path = dir.sub("outbox.sqlite");
    std::int64_t id = 0;
    {
      auto outbox = open_outbox(path, clock);
      REQUIRE(outbox->enqueue(reply("event-1")).ok());
      REQUIRE(outbox->enqueue(reply("event-2")).ok());
      auto claimed = outbox->claim_due(1);
      id = claimed->front().id;
      REQUIRE(outbox->mark_failed(id, "refused").ok());
    }
    auto outbox = open_outbox(path, clock);
    auto record = outbox->get(id);
    REQUIRE(record.ok());
    CHECK(record->attempts == 1);
    CHECK(record->next_attempt_at == kStart + 30'000);
    CHECK(record->body == reply("x").body);
    bool inserted = true;
    REQUIRE(outbox->enqueue(reply("event-1"), &inserted).ok());
    CHECK_FALSE(inserted);
    auto stats = outbox->stats();
    CHECK(stats->queued == 2);
    CHECK(stats->failed_attempts == 1);
    // The other message is due at once; the failed one after its backoff.
    CHECK(outbox->claim_due(10)->size() == 1);
    clock.advance(30'000);
    CHECK(outbox->claim_due(10)->size() == 1);
  }

  TEST_CASE("a file that is not an outbox is refused") {
    docket::testing::TempDir dir;
    ManualClock clock(kStart);
    {
      std::FILE* f = std::fopen(dir.sub("outbox.sqlite").c_str(), "wb");
      std::fputs("this is not an SQLite database, just some text padding it out........", f);
      std::fclose(f);
    }
    auto outbox = Outbox::open(dir.sub("outbox.sqlite"), clock);
    CHECK_FALSE(outbox.ok());
  }
}

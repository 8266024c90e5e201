// The feedback aggregate: decisions against a real log, folding, the review rule.
#include <doctest/doctest.h>

#include "domain/refusal.h"

#include "core/clock.h"
#include "domain/feedback.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

std::unique_ptr<events::EventStore> open_log(const std::string& path, const Clock* clock) {
  events::StoreOptions options;
  options.path = path;
  options.clock = clock;
  auto store = events::EventStore::open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

Result<events::AppendResult> submit(events::EventStore& store, const SubmitFeedback& c) {
  return store.execute([&](const events::StagedView& v) { return decide(v, c, CommandMeta{}); });
}

Result<events::AppendResult> review(events::EventStore& store, std::int64_t id, std::int64_t by) {
  return store.execute([&](const events::StagedView& v) {
    return decide(v, ReviewFeedback{id, by}, CommandMeta{});
  });
}

Result<Feedback> load(events::EventStore& store, std::int64_t id) {
  auto events = store.read_stream(feedback_stream(id), 1, SIZE_MAX);
  if (!events.ok()) return events.status();
  return fold_feedback(*events);
}

events::EventRecord record(std::string type, std::string data, std::uint64_t version) {
  events::EventRecord e;
  e.eventId = version;
  e.stream = "feedback-1";
  e.type = std::move(type);
  e.data = std::move(data);
  e.streamVersion = version;
  e.occurredAt = 1000 * static_cast<UnixMillis>(version);
  return e;
}

constexpr std::string_view kSubmitted =
    R"({"feedbackId":1,"customerId":2,"category":"bug","message":"m","rating":null,)"
    R"("appVersion":null,"platform":null})";

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("feedback streams name their id") {
    CHECK(feedback_stream(12) == "feedback-12");
  }

  TEST_CASE("feedback gets serial ids and folds back from its stream") {
    testing::TempDir dir;
    ManualClock clock(1'700'000'000'000);
    auto store = open_log(dir.sub("log"), &clock);
    REQUIRE(submit(*store, {7, "bug", "It crashes\non start", 2, "1.4.0", "ios"}).ok());
    REQUIRE(submit(*store, {8, "general", "Nice", {}, {}, {}}).ok());
    CHECK(store->last_id(kFeedbackSequence).value() == 2);

    auto first = load(*store, 1);
    REQUIRE(first.ok());
    CHECK(first->id == 1);
    CHECK(first->customerId == 7);
    CHECK(first->category == "bug");
    CHECK(first->message == "It crashes\non start");
    CHECK(first->rating == std::optional<std::int64_t>(2));
    CHECK(first->appVersion == std::optional<std::string>("1.4.0"));
    CHECK(first->platform == std::optional<std::string>("ios"));
    CHECK(first->status() == "new");
    CHECK_FALSE(first->reviewedByAdminId.has_value());
    CHECK_FALSE(first->reviewedAt.has_value());
    CHECK(first->createdAt == 1'700'000'000'000);
    CHECK(first->version == 1);

    auto second = load(*store, 2);
    REQUIRE(second.ok());
    CHECK(second->customerId == 8);
    CHECK_FALSE(second->rating.has_value());
    CHECK_FALSE(second->appVersion.has_value());
    CHECK_FALSE(second->platform.has_value());
    CHECK(refusal_of(load(*store, 3).status()) == Refusal::kFeedbackNotFound);
  }

  TEST_CASE("review marks feedback reviewed once and records who and when") {
    testing::TempDir dir;
    ManualClock clock(1'700'000'000'000);
    auto store = open_log(dir.sub("log"), &clock);
    REQUIRE(submit(*store, {7, "feature", "Dark mode", 5, {}, "android"}).ok());
    clock.advance(60'000);
    REQUIRE(review(*store, 1, 3).ok());
    auto reviewed = load(*store, 1);
    REQUIRE(reviewed.ok());
    CHECK(reviewed->reviewed);
    CHECK(reviewed->status() == "reviewed");
    CHECK(reviewed->reviewedByAdminId == std::optional<std::int64_t>(3));
    CHECK(reviewed->reviewedAt == std::optional<UnixMillis>(1'700'000'060'000));
    CHECK(reviewed->updatedAt == 1'700'000'060'000);
    CHECK(reviewed->createdAt == 1'700'000'000'000);
    CHECK(reviewed->version == 2);

    const std::uint64_t head = store->head();
    CHECK(refusal_of(review(*store, 1, 4).status()) == Refusal::kFeedbackAlreadyReviewed);
    CHECK(store->head() == head);  // nothing appended
    CHECK(load(*store, 1)->reviewedByAdminId == std::optional<std::int64_t>(3));
    CHECK(refusal_of(review(*store, 9, 3).status()) == Refusal::kFeedbackNotFound);
    CHECK(store->head() == head);
  }

  TEST_CASE("folding refuses events out of order or not a feedback's") {
    CHECK(refusal_of(fold_feedback({}).status()) == Refusal::kFeedbackNotFound);
    std::vector<events::EventRecord> only_review = {
        record("support.feedback.reviewed", R"({"feedbackId":1,"reviewedByAdminId":3})", 1)};
    CHECK(fold_feedback(only_review).status().IsCorruption());
    std::vector<events::EventRecord> twice = {
        record("support.feedback.submitted", std::string(kSubmitted), 1),
        record("support.feedback.submitted", std::string(kSubmitted), 2)};
    CHECK(fold_feedback(twice).status().IsCorruption());
    std::vector<events::EventRecord> reviewed_twice = {
        record("support.feedback.submitted", std::string(kSubmitted), 1),
        record("support.feedback.reviewed", R"({"feedbackId":1,"reviewedByAdminId":3})", 2),
        record("support.feedback.reviewed", R"({"feedbackId":1,"reviewedByAdminId":4})", 3)};
    CHECK(fold_feedback(reviewed_twice).status().IsCorruption());
    std::vector<events::EventRecord> foreign = {
        record("support.feedback.submitted", std::string(kSubmitted), 1),
        record("account.deactivated", R"({"accountId":1})", 2)};
    CHECK(fold_feedback(foreign).status().IsCorruption());
    std::vector<events::EventRecord> missing = {
        record("support.feedback.submitted", R"({"feedbackId":1,"category":"bug"})", 1)};
    CHECK(fold_feedback(missing).status().IsCorruption());
    std::vector<events::EventRecord> ok = {
        record("support.feedback.submitted", std::string(kSubmitted), 1),
        record("support.feedback.reviewed", R"({"feedbackId":1,"reviewedByAdminId":3})", 2)};
    auto folded = fold_feedback(ok);
    REQUIRE(folded.ok());
    CHECK(folded->reviewedAt == std::optional<UnixMillis>(2000));
    CHECK(folded->createdAt == 1000);
  }
}

}  // namespace docket::domain

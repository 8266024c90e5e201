// The journey aggregate against a real log: versions, drafts, publishing, archiving.
#include <doctest/doctest.h>

#include "core/clock.h"
#include "domain/journey.h"
#include "domain/refusal.h"
#include "events/event_store.h"
#include "tests/support/test_support.h"

namespace docket::domain {
namespace {

const JourneyRules kRules{{"general", "billing"}};

constexpr std::string_view kValid =
    R"({"startNode":"q","nodes":{"q":{"type":"question","questionType":"text",)"
    R"("question":"What happened?","next":"e"},)"
    R"("e":{"type":"end","create":"support_request","category":"general"}}})";
constexpr std::string_view kInquiryOnly =
    R"({"startNode":"q","nodes":{"q":{"type":"question","questionType":"text",)"
    R"("question":"What happened?","next":"e"},)"
    R"("e":{"type":"end","create":"support_inquiry","category":"general"}}})";
constexpr std::string_view kBroken = R"({"startNode":"q","nodes":{}})";

struct Log {
  testing::TempDir dir;
  ManualClock clock{1'800'000'000'000};
  std::unique_ptr<events::EventStore> store;
  Log() {
    events::StoreOptions options;
    options.path = dir.sub("log");
    options.clock = &clock;
    auto opened = events::EventStore::open(options);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }
  template <typename Command>
  Status run(const Command& c) {
    auto r =
        store->execute([&](const events::StagedView& v) { return decide(v, c, CommandMeta{}); });
    return r.ok() ? Status::Ok() : r.status();
  }
  Journey load(std::int64_t id) {
    auto records = store->read_stream(journey_stream(id), 1, SIZE_MAX);
    REQUIRE(records.ok());
    Journey j;
    for (const events::EventRecord& r : *records) {
      auto e = JourneyEvent::decode(r);
      REQUIRE(e.ok());
      REQUIRE(apply(j, *e, r).ok());
      j.version = r.streamVersion;
    }
    return j;
  }
};

Refusal refusal(const Status& s) {
  REQUIRE_FALSE(s.ok());
  auto r = refusal_of(s);
  REQUIRE(r.has_value());
  return *r;
}

}  // namespace

TEST_SUITE("domain") {
  TEST_CASE("journeys keep every version; only a valid one is published") {
    Log log;
    REQUIRE(log.run(CreateJourney{{"Order help", std::nullopt, "portal", "orders"}}).ok());
    CHECK(log.store->last_id(kJourneySequence).value() == 1);

    // A draft with problems is kept (valid: false); publishing it is refused.
    REQUIRE(log.run(AddJourneyVersion{1, std::string(kBroken), false, kRules}).ok());
    CHECK(refusal(log.run(PublishJourneyVersion{1, 1, kRules})) == Refusal::kJourneyInvalid);
    CHECK(refusal(log.run(AddJourneyVersion{1, std::string(kBroken), true, kRules})) ==
          Refusal::kJourneyInvalid);
    CHECK(refusal(log.run(AddJourneyVersion{1, "not json", false, kRules})) ==
          Refusal::kJourneyInvalid);

    REQUIRE(log.run(AddJourneyVersion{1, std::string(kValid), true, kRules}).ok());
    Journey j = log.load(1);
    REQUIRE(j.versions.size() == 2);
    CHECK_FALSE(j.versions[0].valid);
    CHECK(j.versions[1].valid);
    CHECK(j.versions[1].published);
    CHECK(j.currentVersion == std::optional<std::int64_t>(2));
    CHECK(j.record.channel == "portal");

    // A third version as a draft leaves the current one; publishing it moves it; going
    // back to version 2 is allowed, publishing the current one again is not.
    REQUIRE(log.run(AddJourneyVersion{1, std::string(kInquiryOnly), false, kRules}).ok());
    CHECK(log.load(1).currentVersion == std::optional<std::int64_t>(2));
    REQUIRE(log.run(PublishJourneyVersion{1, 3, kRules}).ok());
    CHECK(log.load(1).currentVersion == std::optional<std::int64_t>(3));
    CHECK(refusal(log.run(PublishJourneyVersion{1, 3, kRules})) == Refusal::kJourneyUnchanged);
    REQUIRE(log.run(PublishJourneyVersion{1, 2, kRules}).ok());
    CHECK(log.load(1).currentVersion == std::optional<std::int64_t>(2));
    CHECK(refusal(log.run(PublishJourneyVersion{1, 9, kRules})) ==
          Refusal::kJourneyVersionNotFound);
  }

  TEST_CASE("a widget journey only creates inquiries; archiving is final") {
    Log log;
    REQUIRE(log.run(CreateJourney{{"Chat intake", std::nullopt, "any", std::nullopt}}).ok());
    REQUIRE(log.run(AddJourneyVersion{1, std::string(kValid), true, kRules}).ok());
    UpdateJourney to_widget;
    to_widget.journeyId = 1;
    to_widget.channel = "widget";
    to_widget.rules = kRules;
    CHECK(refusal(log.run(to_widget)) == Refusal::kJourneyInvalid);
    REQUIRE(log.run(AddJourneyVersion{1, std::string(kInquiryOnly), true, kRules}).ok());
    REQUIRE(log.run(to_widget).ok());
    CHECK(log.load(1).record.channel == "widget");
    CHECK(refusal(log.run(AddJourneyVersion{1, std::string(kValid), true, kRules})) ==
          Refusal::kJourneyInvalid);

    REQUIRE(log.run(ArchiveJourney{1}).ok());
    CHECK(log.load(1).archived);
    CHECK(refusal(log.run(ArchiveJourney{1})) == Refusal::kJourneyArchived);
    CHECK(refusal(log.run(AddJourneyVersion{1, std::string(kInquiryOnly), false, kRules})) ==
          Refusal::kJourneyArchived);
    CHECK(refusal(log.run(ArchiveJourney{7})) == Refusal::kJourneyNotFound);
  }

  TEST_CASE("a version is stored minified, as JSON the log can show") {
    Log log;
    REQUIRE(log.run(CreateJourney{{"J", std::nullopt, "any", std::nullopt}}).ok());
    REQUIRE(
        log.run(AddJourneyVersion{1, "{ \"startNode\" : \"q\" , \"nodes\" : {} }", false, kRules})
            .ok());
    CHECK(log.load(1).versions[0].definition.text == R"({"startNode":"q","nodes":{}})");
  }
}

}  // namespace docket::domain

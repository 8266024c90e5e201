// The journey aggregate (docs/journeys.md): an intake journey's name, channel and
// category, and its definition versions (domain/journey_graph.h). Stream
// `journey-<id>`; ids from the sequence "journey". Events: domain/journey_events.h.
//
// Versions are numbered from 1 and never change. A version may be saved as a draft with
// problems; publishing one (when added, or later) requires that it validates, and makes
// it the current version customers walk. Several journeys are active at once: every
// journey that is not archived and has a published version. Archiving is final.
//
// Pure: folding and the decisions read only the StagedView they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/command_meta.h"
#include "domain/journey_events.h"
#include "domain/journey_graph.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kJourneySequence = "journey";
inline constexpr std::string_view kJourneyChannels[] = {"portal", "widget", "any"};
inline constexpr std::size_t kMaxJourneyDefinitionBytes = 256 * 1024;
inline constexpr std::size_t kMaxJourneyVersions = 1000;

std::string journey_stream(std::int64_t id);

struct JourneyVersion {
  RawJson definition;
  bool valid = false;
  bool published = false;  // published at least once
  UnixMillis createdAt = 0;
};

struct Journey {
  std::int64_t id = 0;
  JourneyRecord record;
  std::vector<JourneyVersion> versions;        // version n at [n - 1]
  std::optional<std::int64_t> currentVersion;  // the last published
  bool archived = false;
  UnixMillis createdAt = 0;
  UnixMillis updatedAt = 0;
  std::uint64_t version = 0;
};

Status apply(Journey& j, const JourneyEvent::Variant& event, const events::EventRecord& record);
Result<Journey> load_journey(const events::StagedView& view, std::int64_t id);

// Whether customers of `channel` ("portal": signed-in customers, "widget": guests) see
// journeys of `journey_channel`.
bool journey_serves(std::string_view journey_channel, std::string_view channel);

// The problems of a definition for a journey of `channel`: validate_journey's, and in a
// widget journey an end node that creates a support request (guests cannot).
std::vector<JourneyProblem> journey_problems(JsonView definition, std::string_view channel,
                                             const JourneyRules& rules);

// Commands (admin routes under /api/admin/journeys). Refusals: kJourneyNotFound,
// kJourneyVersionNotFound, kJourneyInvalid (a version to publish has problems),
// kJourneyArchived (changing an archived journey), kJourneyUnchanged (nothing would
// change: publishing the current version).
struct CreateJourney {
  static constexpr std::string_view kName = "journey.create";
  JourneyRecord journey;
};
struct UpdateJourney {
  static constexpr std::string_view kName = "journey.update";
  std::int64_t journeyId = 0;
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;
  std::optional<std::string> channel;
  std::optional<std::optional<std::string>> category;
  JourneyRules rules;  // a channel change re-checks the current version
};
struct AddJourneyVersion {
  static constexpr std::string_view kName = "journey.add_version";
  std::int64_t journeyId = 0;
  std::string definition;  // REQUIRES: JSON text
  bool publish = false;
  JourneyRules rules;
};
struct PublishJourneyVersion {
  static constexpr std::string_view kName = "journey.publish_version";
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  JourneyRules rules;
};
struct ArchiveJourney {
  static constexpr std::string_view kName = "journey.archive";
  std::int64_t journeyId = 0;
};

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateJourney& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateJourney& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const AddJourneyVersion& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const PublishJourneyVersion& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const ArchiveJourney& c,
                                     const CommandMeta& meta);

}  // namespace docket::domain

// The events of intake journeys (stream `journey-<id>`; docs/journeys.md, docs/events.md).
// A journey's definition versions are kept whole in the log (RawJson, as the admin sent
// it); a published version never changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/raw_json.h"
#include "events/payload.h"

namespace docket::domain {

// channel: "portal" (signed-in customers), "widget" (guests) or "any".
struct JourneyRecord {
  std::string name;
  std::optional<std::string> description;
  std::string channel;
  std::optional<std::string> category;  // a label clients choose journeys by
  static constexpr auto fields() {
    using E = JourneyRecord;
    return std::tuple{
        events::field("name", &E::name), events::field("description", &E::description),
        events::field("channel", &E::channel), events::field("category", &E::category)};
  }
};

struct JourneyCreated {
  static constexpr std::string_view kType = "journey.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t journeyId = 0;
  JourneyRecord journey;
  static constexpr auto fields() {
    using E = JourneyCreated;
    return std::tuple{events::field("journeyId", &E::journeyId),
                      events::field("journey", &E::journey)};
  }
};

// The whole record after the change.
struct JourneyUpdated {
  static constexpr std::string_view kType = "journey.updated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t journeyId = 0;
  JourneyRecord journey;
  static constexpr auto fields() {
    using E = JourneyUpdated;
    return std::tuple{events::field("journeyId", &E::journeyId),
                      events::field("journey", &E::journey)};
  }
};

// A definition version (numbered from 1). valid: it passed validation when added (a
// draft may be saved with problems; only a valid version is published).
struct JourneyVersionAdded {
  static constexpr std::string_view kType = "journey.version_added";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  RawJson definition;
  bool valid = false;
  static constexpr auto fields() {
    using E = JourneyVersionAdded;
    return std::tuple{
        events::field("journeyId", &E::journeyId), events::field("version", &E::version),
        events::field("definition", &E::definition), events::field("valid", &E::valid)};
  }
};

// `version` becomes the one customers get (the last published is current).
struct JourneyVersionPublished {
  static constexpr std::string_view kType = "journey.version_published";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  static constexpr auto fields() {
    using E = JourneyVersionPublished;
    return std::tuple{events::field("journeyId", &E::journeyId),
                      events::field("version", &E::version)};
  }
};

// Customers no longer see the journey; items created from it keep their record.
struct JourneyArchived {
  static constexpr std::string_view kType = "journey.archived";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t journeyId = 0;
  static constexpr auto fields() {
    using E = JourneyArchived;
    return std::tuple{events::field("journeyId", &E::journeyId)};
  }
};

using JourneyEvent = events::EventSet<JourneyCreated, JourneyUpdated, JourneyVersionAdded,
                                      JourneyVersionPublished, JourneyArchived>;

// What an item created by a journey records of it (support.request.created,
// support.inquiry.created): the journey, the version walked and the answers on the path.
struct JourneyRunRecord {
  std::int64_t journeyId = 0;
  std::int64_t version = 0;
  RawJson answers;
  static constexpr auto fields() {
    using E = JourneyRunRecord;
    return std::tuple{events::field("journeyId", &E::journeyId),
                      events::field("version", &E::version), events::field("answers", &E::answers)};
  }
};

}  // namespace docket::domain

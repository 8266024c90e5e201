// The events of the agent aggregate (domain/agent.h), as the log stores them in stream
// `agent-<accountId>`. docs/events.md lists them; events/payload.h has the encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "events/payload.h"

namespace docket::domain {

// One weekly window of a shift: day "mon".."sun", start/end "HH:MM" local time.
struct ShiftWindowRecord {
  std::string day;
  std::string start;
  std::string end;
  static constexpr auto fields() {
    using E = ShiftWindowRecord;
    return std::tuple{events::field("day", &E::day), events::field("start", &E::start),
                      events::field("end", &E::end)};
  }
};

// A shift as recorded: an IANA time zone and its weekly windows.
struct ShiftRecord {
  std::string timezone;
  std::vector<ShiftWindowRecord> weekly;
  static constexpr auto fields() {
    using E = ShiftRecord;
    return std::tuple{events::field("timezone", &E::timezone), events::field("weekly", &E::weekly)};
  }
};

// The first event of an agent's stream: the profile in force when the agent was first
// recorded (status offline, the configured default capacity, no skills, no shift), so a
// later change of the default never changes what the log means.
struct AgentRegistered {
  static constexpr std::string_view kType = "agent.registered";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string status;
  std::int64_t maxOpenItems = 0;
  std::vector<std::string> skills;
  std::optional<ShiftRecord> shift;
  static constexpr auto fields() {
    using E = AgentRegistered;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("status", &E::status),
                      events::field("maxOpenItems", &E::maxOpenItems),
                      events::field("skills", &E::skills), events::field("shift", &E::shift)};
  }
};

// reason: "self" (the agent, REST or socket), "admin" (Agents_MANAGE).
struct AgentStatusChanged {
  static constexpr std::string_view kType = "agent.status_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string from;
  std::string to;
  std::string reason;
  static constexpr auto fields() {
    using E = AgentStatusChanged;
    return std::tuple{events::field("accountId", &E::accountId), events::field("from", &E::from),
                      events::field("to", &E::to), events::field("reason", &E::reason)};
  }
};

// The whole profile after the change (every field, changed or not).
struct AgentProfileChanged {
  static constexpr std::string_view kType = "agent.profile_changed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::int64_t maxOpenItems = 0;
  std::vector<std::string> skills;
  std::optional<ShiftRecord> shift;
  static constexpr auto fields() {
    using E = AgentProfileChanged;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("maxOpenItems", &E::maxOpenItems),
                      events::field("skills", &E::skills), events::field("shift", &E::shift)};
  }
};

// An open work item became the agent's: itemType "support_request" or
// "support_inquiry"; reason "auto" (the queue), "take" (the agent took it), "manual"
// (assigned by staff), "reopened" (an assigned item became open again).
struct AgentWorkAssigned {
  static constexpr std::string_view kType = "agent.work_assigned";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string itemType;
  std::int64_t itemId = 0;
  std::string reason;
  static constexpr auto fields() {
    using E = AgentWorkAssigned;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("itemType", &E::itemType), events::field("itemId", &E::itemId),
                      events::field("reason", &E::reason)};
  }
};

// An item stopped counting against the agent's capacity: reason "unassigned",
// "reassigned", "requeued" or "status" (it was resolved, closed, linked or marked spam).
struct AgentWorkReleased {
  static constexpr std::string_view kType = "agent.work_released";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t accountId = 0;
  std::string itemType;
  std::int64_t itemId = 0;
  std::string reason;
  static constexpr auto fields() {
    using E = AgentWorkReleased;
    return std::tuple{events::field("accountId", &E::accountId),
                      events::field("itemType", &E::itemType), events::field("itemId", &E::itemId),
                      events::field("reason", &E::reason)};
  }
};

using AgentEvent = events::EventSet<AgentRegistered, AgentStatusChanged, AgentProfileChanged,
                                    AgentWorkAssigned, AgentWorkReleased>;

}  // namespace docket::domain

// The events of SLA configuration (calendars and policies, stream `sla_config`) and the
// SLA clock records the item streams carry (support.request.sla_updated,
// support.inquiry.sla_updated). docs/sla.md explains them; docs/events.md lists them.
// Instants are ISO-8601 UTC strings (core/time_format.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/agent_events.h"
#include "events/payload.h"

namespace docket::domain {

struct SlaHolidayRecord {
  std::string date;  // "YYYY-MM-DD"
  bool recurring = false;
  static constexpr auto fields() {
    using E = SlaHolidayRecord;
    return std::tuple{events::field("date", &E::date), events::field("recurring", &E::recurring)};
  }
};

// A business-hours calendar: weekly periods in an IANA zone, and holidays.
struct SlaCalendarRecord {
  std::string name;
  std::string timezone;
  std::vector<ShiftWindowRecord> weekly;
  std::vector<SlaHolidayRecord> holidays;
  static constexpr auto fields() {
    using E = SlaCalendarRecord;
    return std::tuple{events::field("name", &E::name), events::field("timezone", &E::timezone),
                      events::field("weekly", &E::weekly), events::field("holidays", &E::holidays)};
  }
};

struct SlaCalendarCreated {
  static constexpr std::string_view kType = "sla.calendar.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t calendarId = 0;
  SlaCalendarRecord calendar;
  static constexpr auto fields() {
    using E = SlaCalendarCreated;
    return std::tuple{events::field("calendarId", &E::calendarId),
                      events::field("calendar", &E::calendar)};
  }
};

// The whole calendar after the change; calendarVersion counts from 1 (created).
struct SlaCalendarUpdated {
  static constexpr std::string_view kType = "sla.calendar.updated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t calendarId = 0;
  std::int64_t calendarVersion = 0;
  SlaCalendarRecord calendar;
  static constexpr auto fields() {
    using E = SlaCalendarUpdated;
    return std::tuple{events::field("calendarId", &E::calendarId),
                      events::field("calendarVersion", &E::calendarVersion),
                      events::field("calendar", &E::calendar)};
  }
};

// No policy may use it any more; items that started under it keep its last version.
struct SlaCalendarDeleted {
  static constexpr std::string_view kType = "sla.calendar.deleted";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t calendarId = 0;
  static constexpr auto fields() {
    using E = SlaCalendarDeleted;
    return std::tuple{events::field("calendarId", &E::calendarId)};
  }
};

struct SlaTargetRecord {
  std::int64_t firstResponseMinutes = 0;
  std::int64_t resolutionMinutes = 0;
  std::optional<std::int64_t> nextResponseMinutes;
  static constexpr auto fields() {
    using E = SlaTargetRecord;
    return std::tuple{events::field("firstResponseMinutes", &E::firstResponseMinutes),
                      events::field("resolutionMinutes", &E::resolutionMinutes),
                      events::field("nextResponseMinutes", &E::nextResponseMinutes)};
  }
};

struct SlaTargetsRecord {
  SlaTargetRecord low;
  SlaTargetRecord medium;
  SlaTargetRecord high;
  SlaTargetRecord urgent;
  static constexpr auto fields() {
    using E = SlaTargetsRecord;
    return std::tuple{events::field("low", &E::low), events::field("medium", &E::medium),
                      events::field("high", &E::high), events::field("urgent", &E::urgent)};
  }
};

// appliesTo: "support_request" / "support_inquiry"; categories: none = every category.
struct SlaPolicyRecord {
  std::string name;
  std::optional<std::int64_t> calendarId;  // none: 24x7
  std::vector<std::string> appliesTo;
  std::optional<std::vector<std::string>> categories;
  SlaTargetsRecord targets;
  std::vector<std::string> pauseStatuses;
  static constexpr auto fields() {
    using E = SlaPolicyRecord;
    return std::tuple{events::field("name", &E::name),
                      events::field("calendarId", &E::calendarId),
                      events::field("appliesTo", &E::appliesTo),
                      events::field("categories", &E::categories),
                      events::field("targets", &E::targets),
                      events::field("pauseStatuses", &E::pauseStatuses)};
  }
};

// reason: "admin" (the routes) or "seeded" (the default policy written on first start
// from DOCKET_SLA_RESPONSE_HOURS / DOCKET_SLA_RESOLUTION_HOURS).
struct SlaPolicyCreated {
  static constexpr std::string_view kType = "sla.policy.created";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t policyId = 0;
  SlaPolicyRecord policy;
  std::string reason;
  static constexpr auto fields() {
    using E = SlaPolicyCreated;
    return std::tuple{events::field("policyId", &E::policyId), events::field("policy", &E::policy),
                      events::field("reason", &E::reason)};
  }
};

// The whole policy after the change; policyVersion counts from 1 (created).
struct SlaPolicyUpdated {
  static constexpr std::string_view kType = "sla.policy.updated";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  SlaPolicyRecord policy;
  static constexpr auto fields() {
    using E = SlaPolicyUpdated;
    return std::tuple{events::field("policyId", &E::policyId),
                      events::field("policyVersion", &E::policyVersion),
                      events::field("policy", &E::policy)};
  }
};

using SlaConfigEvent = events::EventSet<SlaCalendarCreated, SlaCalendarUpdated, SlaCalendarDeleted,
                                        SlaPolicyCreated, SlaPolicyUpdated>;

// One target's clock on an item (docs/sla.md): counted in business time from startedAt,
// minus the business time the item spent paused since (pausedBusinessMs of the clock
// minus pausedBaseMs). warningAt / criticalAt: when less than 50 % / 20 % remain.
struct SlaTargetClockRecord {
  std::int64_t minutes = 0;
  std::string startedAt;
  std::int64_t pausedBaseMs = 0;
  std::string dueAt;
  std::string warningAt;
  std::string criticalAt;
  std::optional<std::string> metAt;
  std::optional<std::string> breachedAt;
  std::optional<std::string> stoppedAt;
  static constexpr auto fields() {
    using E = SlaTargetClockRecord;
    return std::tuple{events::field("minutes", &E::minutes),
                      events::field("startedAt", &E::startedAt),
                      events::field("pausedBaseMs", &E::pausedBaseMs),
                      events::field("dueAt", &E::dueAt),
                      events::field("warningAt", &E::warningAt),
                      events::field("criticalAt", &E::criticalAt),
                      events::field("metAt", &E::metAt),
                      events::field("breachedAt", &E::breachedAt),
                      events::field("stoppedAt", &E::stoppedAt)};
  }
};

// An item's SLA clocks as they stand after a change: the policy version and calendar
// version they follow, the pause bookkeeping and one clock per target.
struct SlaClockRecord {
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  std::optional<std::int64_t> calendarId;
  std::int64_t calendarVersion = 0;
  std::string priority;
  std::int64_t pausedBusinessMs = 0;
  std::optional<std::string> pausedAt;
  SlaTargetClockRecord firstResponse;
  SlaTargetClockRecord resolution;
  std::optional<SlaTargetClockRecord> nextResponse;
  static constexpr auto fields() {
    using E = SlaClockRecord;
    return std::tuple{events::field("policyId", &E::policyId),
                      events::field("policyVersion", &E::policyVersion),
                      events::field("calendarId", &E::calendarId),
                      events::field("calendarVersion", &E::calendarVersion),
                      events::field("priority", &E::priority),
                      events::field("pausedBusinessMs", &E::pausedBusinessMs),
                      events::field("pausedAt", &E::pausedAt),
                      events::field("firstResponse", &E::firstResponse),
                      events::field("resolution", &E::resolution),
                      events::field("nextResponse", &E::nextResponse)};
  }
};

}  // namespace docket::domain

// SLAs (docs/sla.md): business-hours calendars and per-priority policies (one
// configuration aggregate, stream `sla_config`), and the clocks each support request and
// support inquiry carries in its own stream (support.request.sla_updated /
// support.inquiry.sla_updated, whole-state records, so the deadlines are read from the
// log and a rebuild gives the same values).
//
// A clock per target: first response (met by the first staff reply), resolution (met by
// `resolved`) and next response (started by a customer message once the first response
// was given, met by the next staff reply; only when the policy sets it). Each counts
// `minutes` of business time in the policy's calendar from its start, plus the business
// time the item spent in a pause status since; warningAt / criticalAt are the instants
// at which 50 % / 20 % of the target remain. A priority change recounts the running
// targets from their start with the new priority's minutes. A terminal status (request
// closed; inquiry closed, spam, linked) stops the running targets. A breached target's
// deadline is final: pauses and priority changes after it do not move it.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/business_time.h"
#include "domain/command_meta.h"
#include "domain/sla_events.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kSlaConfigStream = "sla_config";
inline constexpr std::string_view kSlaCalendarSequence = "sla_calendar";
inline constexpr std::string_view kSlaPolicySequence = "sla_policy";
inline constexpr std::int64_t kMaxSlaMinutes = 366 * 24 * 60;
inline constexpr std::size_t kMaxSlaHolidays = 400;
inline constexpr std::size_t kMaxSlaPeriods = 70;
// The statuses a policy may pause in (the non-terminal statuses of both kinds).
inline constexpr std::string_view kSlaPausableStatuses[] = {"open", "in_progress", "resolved",
                                                            "active", "waiting"};

enum class SlaTarget { kFirstResponse, kResolution, kNextResponse };
std::string_view sla_target_name(SlaTarget target);

enum class SlaStatus { kOk, kWarning, kCritical, kBreached, kMet, kPaused, kStopped };
std::string_view sla_status_name(SlaStatus status);

struct TargetClock {
  std::int64_t minutes = 0;
  UnixMillis startedAt = 0;
  std::int64_t pausedBaseMs = 0;  // the clock's pausedBusinessMs when this target started
  UnixMillis dueAt = 0;
  UnixMillis warningAt = 0;
  UnixMillis criticalAt = 0;
  std::optional<UnixMillis> metAt;
  std::optional<UnixMillis> breachedAt;  // the deadline it passed (also when met late)
  std::optional<UnixMillis> stoppedAt;
  bool running() const { return !metAt && !stoppedAt; }
  bool operator==(const TargetClock&) const = default;
};

struct SlaClock {
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  std::optional<std::int64_t> calendarId;  // none: 24x7
  std::int64_t calendarVersion = 0;
  std::string priority;
  std::int64_t pausedBusinessMs = 0;  // business time spent paused so far
  std::optional<UnixMillis> pausedAt;
  TargetClock firstResponse;
  TargetClock resolution;
  std::optional<TargetClock> nextResponse;
  bool operator==(const SlaClock&) const = default;
};

// breached > met > stopped > paused > by the time left (breached, critical, warning, ok).
SlaStatus target_status(const TargetClock& target, bool paused, UnixMillis now);
// The deadline the monitor watches: the earliest due time of a running target not yet
// breached; none while paused or when nothing runs.
std::optional<UnixMillis> next_sla_due(const SlaClock& clock);

SlaClockRecord sla_clock_record(const SlaClock& clock);
// Corruption for an instant that is not ISO-8601.
Result<SlaClock> sla_clock_from_record(const SlaClockRecord& record);

// What a clock counts by: its policy version's targets and pause statuses, and the
// calendar version it started with.
struct SlaTerms {
  SlaTargetsRecord targets;
  std::vector<std::string> pauseStatuses;
  BusinessCalendar calendar;
};
// The targets of `priority` (medium for an unknown name).
const SlaTargetRecord& sla_targets_for(const SlaTargetsRecord& targets, std::string_view priority);

// The clock transitions. Each recounts what it changes; errors come from business time
// (a calendar without business time in ten years).
Result<SlaClock> start_sla_clock(const SlaTerms& terms, std::string_view priority, UnixMillis now);
// Meets the first response and a running next response.
Status sla_staff_reply(SlaClock& clock, UnixMillis now);
// Starts a next-response clock when the first response was given, the policy sets one
// and none runs.
Status sla_customer_message(SlaClock& clock, const SlaTerms& terms, UnixMillis now);
// The item moved to `to`: resolved meets resolution (and stops a running next
// response); leaving resolved reopens resolution; a terminal status stops every running
// target; entering / leaving a pause status pauses / resumes the clock. A running target
// already past its deadline is marked breached first.
Status sla_status_change(SlaClock& clock, const SlaTerms& terms, std::string_view from,
                         std::string_view to, bool terminal, UnixMillis now);
Status sla_priority_change(SlaClock& clock, const SlaTerms& terms, std::string_view priority);
// Records the breach of `target`. Refused kSlaNotDue unless it runs unbreached, the clock
// is not paused, its due time is `due_at` and has passed.
Status sla_breach(SlaClock& clock, SlaTarget target, UnixMillis due_at, UnixMillis now);

// The configuration aggregate: every version of every calendar and policy (items keep
// counting by the versions they started with).
struct SlaCalendarVersion {
  SlaCalendarRecord record;
  BusinessCalendar calendar;
};
struct SlaCalendarEntry {
  std::vector<SlaCalendarVersion> versions;  // version n at [n - 1]
  bool deleted = false;
};
struct SlaConfig {
  std::map<std::int64_t, SlaCalendarEntry> calendars;
  std::map<std::int64_t, std::vector<SlaPolicyRecord>> policies;  // version n at [n - 1]
  std::uint64_t version = 0;
};
Status apply(SlaConfig& config, const SlaConfigEvent::Variant& event,
             const events::EventRecord& record);
// The configuration as the staged view has it (empty before anything was recorded).
Result<SlaConfig> load_sla_config(const events::StagedView& view);

// The calendar a record describes; InvalidArgument naming what is wrong.
Result<BusinessCalendar> business_calendar_of(const SlaCalendarRecord& record);

// The policy for an item of `kind` ("support_request" / "support_inquiry") in
// `category`: among the policies covering the kind, one whose categories list the
// category beats one without categories, one covering only this kind beats one
// covering both, and then the lowest id wins. None when no policy covers the kind.
struct SlaMatch {
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  const SlaPolicyRecord* policy = nullptr;
};
std::optional<SlaMatch> match_sla_policy(const SlaConfig& config, std::string_view kind,
                                         const std::optional<std::string>& category);

// For the item aggregates: the clock a new item starts with (none when no policy covers
// it), and the terms an existing clock counts by.
Result<std::optional<SlaClock>> start_item_sla(const events::StagedView& view,
                                               std::string_view kind,
                                               const std::optional<std::string>& category,
                                               std::string_view priority);
Result<SlaTerms> load_sla_terms(const events::StagedView& view, const SlaClock& clock);
// The clock after `change(clock, terms)` (a transition above), or none when the item has
// no clock or the change does not move it.
template <typename Change>
Result<std::optional<SlaClock>> changed_sla(const events::StagedView& view,
                                            const std::optional<SlaClock>& sla, Change&& change) {
  if (!sla) return std::optional<SlaClock>{};
  auto terms = load_sla_terms(view, *sla);
  if (!terms.ok()) return terms.status();
  SlaClock clock = *sla;
  if (Status s = change(clock, *terms); !s.ok()) return s;
  if (clock == *sla) return std::optional<SlaClock>{};
  return std::optional<SlaClock>(std::move(clock));
}

// The priority one step above `priority` (urgent stays urgent).
std::string escalated_priority(std::string_view priority);
// The note recorded with a breach ("First response target of 60 business minutes
// missed (due 2026-…); priority raised from medium to high.").
std::string sla_breach_note(SlaTarget target, const TargetClock& clock,
                            const std::optional<std::string>& escalated_from,
                            const std::optional<std::string>& escalated_to);

// Commands (admin routes under /api/admin/sla). Refusals: kSlaCalendarNotFound,
// kSlaPolicyNotFound, kSlaConfigInvalid (what is wrong in the message),
// kSlaCalendarInUse (a current policy version uses it), kSlaUnchanged (seeding when a
// policy exists).
struct CreateSlaCalendar {
  static constexpr std::string_view kName = "sla.create_calendar";
  SlaCalendarRecord calendar;
};
struct UpdateSlaCalendar {
  static constexpr std::string_view kName = "sla.update_calendar";
  std::int64_t calendarId = 0;
  std::optional<std::string> name;
  std::optional<std::string> timezone;
  std::optional<std::vector<ShiftWindowRecord>> weekly;
  std::optional<std::vector<SlaHolidayRecord>> holidays;
};
struct DeleteSlaCalendar {
  static constexpr std::string_view kName = "sla.delete_calendar";
  std::int64_t calendarId = 0;
};
struct CreateSlaPolicy {
  static constexpr std::string_view kName = "sla.create_policy";
  SlaPolicyRecord policy;
};
struct UpdateSlaPolicy {
  static constexpr std::string_view kName = "sla.update_policy";
  std::int64_t policyId = 0;
  std::optional<std::string> name;
  std::optional<std::optional<std::int64_t>> calendarId;
  std::optional<std::vector<std::string>> appliesTo;
  std::optional<std::optional<std::vector<std::string>>> categories;
  std::optional<SlaTargetsRecord> targets;
  std::optional<std::vector<std::string>> pauseStatuses;
};
// The default policy (24x7, both kinds, the same minutes for every priority), written
// only while no policy exists.
struct SeedSlaPolicy {
  static constexpr std::string_view kName = "sla.seed_policy";
  std::int64_t firstResponseMinutes = 240;
  std::int64_t resolutionMinutes = 2880;
};
// The default pause statuses: a request in `resolved`, an inquiry in `waiting` or
// `resolved`.
std::vector<std::string> default_pause_statuses();

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSlaCalendar& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateSlaCalendar& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const DeleteSlaCalendar& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSlaPolicy& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateSlaPolicy& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const SeedSlaPolicy& c,
                                     const CommandMeta& meta);

}  // namespace docket::domain

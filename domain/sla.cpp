#include "domain/sla.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "core/time_format.h"
#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/shift.h"
#include "domain/stream_snapshot.h"

namespace docket::domain {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::string_view kKinds[] = {"support_request", "support_inquiry"};

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Recounts a running target's instants from its start.
Status count_target(TargetClock& t, const SlaClock& clock, const BusinessCalendar& calendar) {
  const std::int64_t paused = clock.pausedBusinessMs - t.pausedBaseMs;
  const std::int64_t total = t.minutes * kMinuteMs;
  auto warning = add_business_time(calendar, t.startedAt, total / 2 + paused);
  if (!warning.ok()) return warning.status();
  auto critical = add_business_time(calendar, *warning, total - total / 5 - total / 2);
  if (!critical.ok()) return critical.status();
  auto due = add_business_time(calendar, *critical, total / 5);
  if (!due.ok()) return due.status();
  t.warningAt = *warning;
  t.criticalAt = *critical;
  t.dueAt = *due;
  return Status::Ok();
}

// Whether a target's deadline may still move: running and not breached (a breached
// target's deadline is history).
bool open_deadline(const TargetClock& t) {
  return t.running() && !t.breachedAt;
}

Status count_running(SlaClock& clock, const BusinessCalendar& calendar) {
  for (TargetClock* t : {&clock.firstResponse, &clock.resolution}) {
    if (!open_deadline(*t)) continue;
    if (Status s = count_target(*t, clock, calendar); !s.ok()) return s;
  }
  if (clock.nextResponse && open_deadline(*clock.nextResponse)) {
    return count_target(*clock.nextResponse, clock, calendar);
  }
  return Status::Ok();
}

Result<TargetClock> started_target(const SlaClock& clock, std::int64_t minutes, UnixMillis now,
                                   const BusinessCalendar& calendar) {
  TargetClock t;
  t.minutes = minutes;
  t.startedAt = now;
  t.pausedBaseMs = clock.pausedBusinessMs;
  if (Status s = count_target(t, clock, calendar); !s.ok()) return s;
  return t;
}

void meet(TargetClock& t, UnixMillis now) {
  t.metAt = now;
  if (now > t.dueAt && !t.breachedAt) t.breachedAt = t.dueAt;
}

std::optional<std::string> iso(const std::optional<UnixMillis>& ms) {
  if (!ms) return std::nullopt;
  return format_iso8601(*ms);
}

SlaTargetClockRecord target_record(const TargetClock& t) {
  return {t.minutes,
          format_iso8601(t.startedAt),
          t.pausedBaseMs,
          format_iso8601(t.dueAt),
          format_iso8601(t.warningAt),
          format_iso8601(t.criticalAt),
          iso(t.metAt),
          iso(t.breachedAt),
          iso(t.stoppedAt)};
}

Result<UnixMillis> instant(const std::string& text) {
  auto ms = parse_iso8601(text);
  if (!ms) return Status::Corruption(fmt::format("SLA clock instant '{}' is not ISO-8601", text));
  return *ms;
}

Result<std::optional<UnixMillis>> instant(const std::optional<std::string>& text) {
  if (!text) return std::optional<UnixMillis>{};
  auto ms = instant(*text);
  if (!ms.ok()) return ms.status();
  return std::optional<UnixMillis>(*ms);
}

Result<TargetClock> target_from_record(const SlaTargetClockRecord& r) {
  TargetClock t;
  t.minutes = r.minutes;
  t.pausedBaseMs = r.pausedBaseMs;
  for (auto [text, out] :
       {std::pair{&r.startedAt, &t.startedAt}, std::pair{&r.dueAt, &t.dueAt},
        std::pair{&r.warningAt, &t.warningAt}, std::pair{&r.criticalAt, &t.criticalAt}}) {
    auto ms = instant(*text);
    if (!ms.ok()) return ms.status();
    *out = *ms;
  }
  for (auto [text, out] : {std::pair{&r.metAt, &t.metAt}, std::pair{&r.breachedAt, &t.breachedAt},
                           std::pair{&r.stoppedAt, &t.stoppedAt}}) {
    auto ms = instant(*text);
    if (!ms.ok()) return ms.status();
    *out = *ms;
  }
  return t;
}

// "YYYY-MM-DD" as a holiday.
std::optional<Holiday> parse_holiday(const SlaHolidayRecord& r) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (r.date.size() != 10 || std::sscanf(r.date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      r.date[4] != '-' || r.date[7] != '-') {
    return std::nullopt;
  }
  return Holiday{y, m, d, r.recurring};
}

Status invalid(std::string message) {
  return refuse(Refusal::kSlaConfigInvalid, message);
}

Status validate_minutes(std::int64_t minutes, std::string_view what) {
  if (minutes < 1 || minutes > kMaxSlaMinutes) {
    return invalid(fmt::format("{} must be between 1 and {}", what, kMaxSlaMinutes));
  }
  return Status::Ok();
}

Status validate_policy(const SlaConfig& config, const SlaPolicyRecord& p) {
  if (p.name.empty() || p.name.size() > 200) return invalid("name must be 1 to 200 characters");
  if (p.calendarId) {
    auto it = config.calendars.find(*p.calendarId);
    if (it == config.calendars.end() || it->second.deleted) {
      return refuse(Refusal::kSlaCalendarNotFound);
    }
  }
  if (p.appliesTo.empty()) return invalid("appliesTo must name at least one kind");
  for (const std::string& kind : p.appliesTo) {
    if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
      return invalid("appliesTo holds support_request and/or support_inquiry");
    }
  }
  if (p.categories && p.categories->empty()) return invalid("categories must not be empty");
  for (const std::string& status : p.pauseStatuses) {
    if (std::find(std::begin(kSlaPausableStatuses), std::end(kSlaPausableStatuses), status) ==
        std::end(kSlaPausableStatuses)) {
      return invalid(fmt::format("pauseStatuses: '{}' is not a status that can pause", status));
    }
  }
  for (auto [name, t] :
       {std::pair{"low", &p.targets.low}, std::pair{"medium", &p.targets.medium},
        std::pair{"high", &p.targets.high}, std::pair{"urgent", &p.targets.urgent}}) {
    const std::string prefix = fmt::format("targets.{}.", name);
    if (Status s = validate_minutes(t->firstResponseMinutes, prefix + "firstResponseMinutes");
        !s.ok()) {
      return s;
    }
    if (Status s = validate_minutes(t->resolutionMinutes, prefix + "resolutionMinutes"); !s.ok()) {
      return s;
    }
    if (t->nextResponseMinutes) {
      if (Status s = validate_minutes(*t->nextResponseMinutes, prefix + "nextResponseMinutes");
          !s.ok()) {
        return s;
      }
    }
  }
  return Status::Ok();
}

Result<BusinessCalendar> checked_calendar(const SlaCalendarRecord& record) {
  if (record.name.empty() || record.name.size() > 200) {
    return invalid("name must be 1 to 200 characters");
  }
  auto calendar = business_calendar_of(record);
  if (!calendar.ok()) return invalid(calendar.status().message());
  return calendar;
}

}  // namespace

std::string_view sla_target_name(SlaTarget target) {
  switch (target) {
    case SlaTarget::kFirstResponse:
      return "firstResponse";
    case SlaTarget::kResolution:
      return "resolution";
    case SlaTarget::kNextResponse:
      return "nextResponse";
  }
  return "firstResponse";
}

std::string_view sla_status_name(SlaStatus status) {
  switch (status) {
    case SlaStatus::kOk:
      return "ok";
    case SlaStatus::kWarning:
      return "warning";
    case SlaStatus::kCritical:
      return "critical";
    case SlaStatus::kBreached:
      return "breached";
    case SlaStatus::kMet:
      return "met";
    case SlaStatus::kPaused:
      return "paused";
    case SlaStatus::kStopped:
      return "stopped";
  }
  return "ok";
}

SlaStatus target_status(const TargetClock& t, bool paused, UnixMillis now) {
  if (t.breachedAt) return SlaStatus::kBreached;
  if (t.metAt) return SlaStatus::kMet;
  if (t.stoppedAt) return SlaStatus::kStopped;
  if (paused) return SlaStatus::kPaused;
  if (now >= t.dueAt) return SlaStatus::kBreached;
  if (now >= t.criticalAt) return SlaStatus::kCritical;
  if (now >= t.warningAt) return SlaStatus::kWarning;
  return SlaStatus::kOk;
}

std::optional<UnixMillis> next_sla_due(const SlaClock& clock) {
  if (clock.pausedAt) return std::nullopt;
  std::optional<UnixMillis> next;
  auto consider = [&](const TargetClock& t) {
    if (t.running() && !t.breachedAt && (!next || t.dueAt < *next)) next = t.dueAt;
  };
  consider(clock.firstResponse);
  consider(clock.resolution);
  if (clock.nextResponse) consider(*clock.nextResponse);
  return next;
}

SlaClockRecord sla_clock_record(const SlaClock& c) {
  SlaClockRecord r;
  r.policyId = c.policyId;
  r.policyVersion = c.policyVersion;
  r.calendarId = c.calendarId;
  r.calendarVersion = c.calendarVersion;
  r.priority = c.priority;
  r.pausedBusinessMs = c.pausedBusinessMs;
  r.pausedAt = iso(c.pausedAt);
  r.firstResponse = target_record(c.firstResponse);
  r.resolution = target_record(c.resolution);
  if (c.nextResponse) r.nextResponse = target_record(*c.nextResponse);
  return r;
}

Result<SlaClock> sla_clock_from_record(const SlaClockRecord& r) {
  SlaClock c;
  c.policyId = r.policyId;
  c.policyVersion = r.policyVersion;
  c.calendarId = r.calendarId;
  c.calendarVersion = r.calendarVersion;
  c.priority = r.priority;
  c.pausedBusinessMs = r.pausedBusinessMs;
  auto paused = instant(r.pausedAt);
  if (!paused.ok()) return paused.status();
  c.pausedAt = *paused;
  auto first = target_from_record(r.firstResponse);
  if (!first.ok()) return first.status();
  c.firstResponse = *first;
  auto resolution = target_from_record(r.resolution);
  if (!resolution.ok()) return resolution.status();
  c.resolution = *resolution;
  if (r.nextResponse) {
    auto next = target_from_record(*r.nextResponse);
    if (!next.ok()) return next.status();
    c.nextResponse = *next;
  }
  return c;
}

const SlaTargetRecord& sla_targets_for(const SlaTargetsRecord& targets, std::string_view priority) {
  if (priority == "low") return targets.low;
  if (priority == "high") return targets.high;
  if (priority == "urgent") return targets.urgent;
  return targets.medium;
}

Result<SlaClock> start_sla_clock(const SlaTerms& terms, std::string_view priority, UnixMillis now) {
  const SlaTargetRecord& t = sla_targets_for(terms.targets, priority);
  SlaClock clock;
  clock.priority = std::string(priority);
  auto first = started_target(clock, t.firstResponseMinutes, now, terms.calendar);
  if (!first.ok()) return first.status();
  auto resolution = started_target(clock, t.resolutionMinutes, now, terms.calendar);
  if (!resolution.ok()) return resolution.status();
  clock.firstResponse = *first;
  clock.resolution = *resolution;
  return clock;
}

Status sla_staff_reply(SlaClock& clock, UnixMillis now) {
  if (clock.firstResponse.running()) meet(clock.firstResponse, now);
  if (clock.nextResponse && clock.nextResponse->running()) meet(*clock.nextResponse, now);
  return Status::Ok();
}

Status sla_customer_message(SlaClock& clock, const SlaTerms& terms, UnixMillis now) {
  const auto minutes = sla_targets_for(terms.targets, clock.priority).nextResponseMinutes;
  if (!minutes || !clock.firstResponse.metAt || !clock.resolution.running()) return Status::Ok();
  if (clock.nextResponse && clock.nextResponse->running()) return Status::Ok();
  auto next = started_target(clock, *minutes, now, terms.calendar);
  if (!next.ok()) return next.status();
  clock.nextResponse = *next;
  return Status::Ok();
}

Status sla_status_change(SlaClock& clock, const SlaTerms& terms, std::string_view from,
                         std::string_view to, bool terminal, UnixMillis now) {
  // A deadline that passed before the clock stops or pauses stays a breach (the monitor
  // records it within moments; a change in those moments must not hide it).
  if (!clock.pausedAt) {
    for (TargetClock* t : {&clock.firstResponse, &clock.resolution}) {
      if (t->running() && !t->breachedAt && t->dueAt <= now) t->breachedAt = t->dueAt;
    }
    if (clock.nextResponse && clock.nextResponse->running() && !clock.nextResponse->breachedAt &&
        clock.nextResponse->dueAt <= now) {
      clock.nextResponse->breachedAt = clock.nextResponse->dueAt;
    }
  }
  if (terminal) {
    for (TargetClock* t : {&clock.firstResponse, &clock.resolution}) {
      if (t->running()) t->stoppedAt = now;
    }
    if (clock.nextResponse && clock.nextResponse->running()) clock.nextResponse->stoppedAt = now;
    clock.pausedAt.reset();
    return Status::Ok();
  }
  if (to == "resolved") {
    if (clock.resolution.running()) meet(clock.resolution, now);
    if (clock.nextResponse && clock.nextResponse->running()) clock.nextResponse->stoppedAt = now;
  } else if (from == "resolved" && clock.resolution.metAt) {
    clock.resolution.metAt.reset();  // reopened: the resolution clock runs again
    if (!clock.resolution.breachedAt) {
      if (Status s = count_target(clock.resolution, clock, terms.calendar); !s.ok()) return s;
    }
  }
  const bool pause = contains(terms.pauseStatuses, to);
  if (pause && !clock.pausedAt) {
    clock.pausedAt = now;
  } else if (!pause && clock.pausedAt) {
    auto paused = business_time_between(terms.calendar, *clock.pausedAt, now);
    if (!paused.ok()) return paused.status();
    const UnixMillis paused_at = *clock.pausedAt;
    const SlaClock before = clock;
    clock.pausedBusinessMs += *paused;
    clock.pausedAt.reset();
    if (Status s = count_running(clock, terms.calendar); !s.ok()) return s;
    // A warning or critical instant that had passed when the pause began stays put: the
    // pause came after it.
    auto keep_passed = [paused_at](TargetClock& t, const TargetClock& old) {
      if (old.warningAt <= paused_at) t.warningAt = old.warningAt;
      if (old.criticalAt <= paused_at) t.criticalAt = old.criticalAt;
    };
    keep_passed(clock.firstResponse, before.firstResponse);
    keep_passed(clock.resolution, before.resolution);
    if (clock.nextResponse && before.nextResponse) {
      keep_passed(*clock.nextResponse, *before.nextResponse);
    }
  }
  return Status::Ok();
}

Status sla_priority_change(SlaClock& clock, const SlaTerms& terms, std::string_view priority) {
  const SlaTargetRecord& t = sla_targets_for(terms.targets, priority);
  clock.priority = std::string(priority);
  if (open_deadline(clock.firstResponse)) clock.firstResponse.minutes = t.firstResponseMinutes;
  if (open_deadline(clock.resolution)) clock.resolution.minutes = t.resolutionMinutes;
  if (clock.nextResponse && open_deadline(*clock.nextResponse) && t.nextResponseMinutes) {
    clock.nextResponse->minutes = *t.nextResponseMinutes;
  }
  return count_running(clock, terms.calendar);
}

Status sla_breach(SlaClock& clock, SlaTarget target, UnixMillis due_at, UnixMillis now) {
  TargetClock* t = target == SlaTarget::kFirstResponse ? &clock.firstResponse
                   : target == SlaTarget::kResolution
                       ? &clock.resolution
                       : (clock.nextResponse ? &*clock.nextResponse : nullptr);
  if (!t || !t->running() || t->breachedAt || clock.pausedAt || t->dueAt != due_at ||
      now < t->dueAt) {
    return refuse(Refusal::kSlaNotDue);
  }
  t->breachedAt = t->dueAt;
  return Status::Ok();
}

Status apply(SlaConfig& config, const SlaConfigEvent::Variant& event,
             const events::EventRecord& record) {
  auto calendar_version = [&](const SlaCalendarRecord& r) -> Result<SlaCalendarVersion> {
    auto calendar = business_calendar_of(r);
    if (!calendar.ok()) {
      return Status::Corruption(fmt::format("event {} of {}: {}", record.eventId, record.stream,
                                            calendar.status().message()));
    }
    return SlaCalendarVersion{r, *calendar};
  };
  return std::visit(events::Overloaded{
                        [&](const SlaCalendarCreated& e) -> Status {
                          auto v = calendar_version(e.calendar);
                          if (!v.ok()) return v.status();
                          config.calendars[e.calendarId].versions.push_back(*v);
                          return Status::Ok();
                        },
                        [&](const SlaCalendarUpdated& e) -> Status {
                          auto v = calendar_version(e.calendar);
                          if (!v.ok()) return v.status();
                          config.calendars[e.calendarId].versions.push_back(*v);
                          return Status::Ok();
                        },
                        [&](const SlaCalendarDeleted& e) -> Status {
                          config.calendars[e.calendarId].deleted = true;
                          return Status::Ok();
                        },
                        [&](const SlaPolicyCreated& e) -> Status {
                          config.policies[e.policyId].push_back(e.policy);
                          return Status::Ok();
                        },
                        [&](const SlaPolicyUpdated& e) -> Status {
                          config.policies[e.policyId].push_back(e.policy);
                          return Status::Ok();
                        },
                    },
                    event);
}

Result<SlaConfig> load_sla_config(const events::StagedView& view) {
  auto config = load_with_snapshot<SlaConfigEvent, SlaConfig>(view, kSlaConfigStream,
                                                              Refusal::kSlaPolicyNotFound);
  if (!config.ok() && refusal_of(config.status()) == Refusal::kSlaPolicyNotFound) {
    return SlaConfig{};
  }
  return config;
}

Result<BusinessCalendar> business_calendar_of(const SlaCalendarRecord& record) {
  BusinessCalendar calendar;
  calendar.timezone = record.timezone;
  if (record.weekly.size() > kMaxSlaPeriods) {
    return Status::InvalidArgument(fmt::format("weekly holds at most {} periods", kMaxSlaPeriods));
  }
  if (record.holidays.size() > kMaxSlaHolidays) {
    return Status::InvalidArgument(fmt::format("holidays holds at most {} dates", kMaxSlaHolidays));
  }
  for (const ShiftWindowRecord& w : record.weekly) {
    auto day = parse_weekday(w.day);
    auto start = parse_clock(w.start);
    auto end = parse_clock(w.end);
    if (!day) return Status::InvalidArgument(fmt::format("weekly: '{}' is not mon..sun", w.day));
    if (!start || !end) {
      return Status::InvalidArgument(fmt::format("weekly: '{}'-'{}' is not HH:MM", w.start, w.end));
    }
    calendar.weekly.push_back({*day, *start, *end});
  }
  for (const SlaHolidayRecord& h : record.holidays) {
    auto holiday = parse_holiday(h);
    if (!holiday) {
      return Status::InvalidArgument(fmt::format("holidays: '{}' is not YYYY-MM-DD", h.date));
    }
    calendar.holidays.push_back(*holiday);
  }
  if (Status s = validate_calendar(calendar); !s.ok()) return s;
  return calendar;
}

std::optional<SlaMatch> match_sla_policy(const SlaConfig& config, std::string_view kind,
                                         const std::optional<std::string>& category) {
  std::optional<SlaMatch> best;
  int best_score = -1;
  for (const auto& [id, versions] : config.policies) {
    const SlaPolicyRecord& p = versions.back();
    if (!contains(p.appliesTo, kind)) continue;
    int score = 0;
    if (p.categories) {
      if (!category || !contains(*p.categories, *category)) continue;
      score += 2;
    }
    if (p.appliesTo.size() == 1) score += 1;
    if (score > best_score) {  // ids ascend: on a tie the lower id stays
      best_score = score;
      best = SlaMatch{id, static_cast<std::int64_t>(versions.size()), &p};
    }
  }
  return best;
}

namespace {

Result<SlaTerms> terms_of(const SlaConfig& config, const SlaPolicyRecord& policy,
                          std::optional<std::int64_t> calendar_id, std::int64_t calendar_version) {
  SlaTerms terms{policy.targets, policy.pauseStatuses, {}};
  if (!calendar_id) {
    terms.calendar.always = true;
    return terms;
  }
  auto it = config.calendars.find(*calendar_id);
  if (it == config.calendars.end() || calendar_version < 1 ||
      static_cast<std::size_t>(calendar_version) > it->second.versions.size()) {
    return Status::Corruption(
        fmt::format("SLA calendar {} version {} is not recorded", *calendar_id, calendar_version));
  }
  terms.calendar = it->second.versions[static_cast<std::size_t>(calendar_version) - 1].calendar;
  return terms;
}

}  // namespace

Result<std::optional<SlaClock>> start_item_sla(const events::StagedView& view,
                                               std::string_view kind,
                                               const std::optional<std::string>& category,
                                               std::string_view priority) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  auto match = match_sla_policy(*config, kind, category);
  if (!match) return std::optional<SlaClock>{};
  std::int64_t calendar_version = 0;
  if (match->policy->calendarId) {
    calendar_version =
        static_cast<std::int64_t>(config->calendars.at(*match->policy->calendarId).versions.size());
  }
  auto terms = terms_of(*config, *match->policy, match->policy->calendarId, calendar_version);
  if (!terms.ok()) return terms.status();
  auto clock = start_sla_clock(*terms, priority, view.now_ms());
  if (!clock.ok()) return clock.status();
  clock->policyId = match->policyId;
  clock->policyVersion = match->policyVersion;
  clock->calendarId = match->policy->calendarId;
  clock->calendarVersion = calendar_version;
  return std::optional<SlaClock>(*clock);
}

Result<SlaTerms> load_sla_terms(const events::StagedView& view, const SlaClock& clock) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  auto it = config->policies.find(clock.policyId);
  if (it == config->policies.end() || clock.policyVersion < 1 ||
      static_cast<std::size_t>(clock.policyVersion) > it->second.size()) {
    return Status::Corruption(fmt::format("SLA policy {} version {} is not recorded",
                                          clock.policyId, clock.policyVersion));
  }
  return terms_of(*config, it->second[static_cast<std::size_t>(clock.policyVersion) - 1],
                  clock.calendarId, clock.calendarVersion);
}

std::string escalated_priority(std::string_view priority) {
  if (priority == "low") return "medium";
  if (priority == "medium") return "high";
  return "urgent";
}

std::string sla_breach_note(SlaTarget target, const TargetClock& clock,
                            const std::optional<std::string>& escalated_from,
                            const std::optional<std::string>& escalated_to) {
  const std::string_view what = target == SlaTarget::kFirstResponse ? "First response"
                                : target == SlaTarget::kResolution  ? "Resolution"
                                                                    : "Next response";
  std::string note = fmt::format("{} target of {} business minutes missed (due {}).", what,
                                 clock.minutes, format_iso8601(clock.dueAt));
  if (escalated_from && escalated_to) {
    note += fmt::format(" Priority raised from {} to {}.", *escalated_from, *escalated_to);
  }
  return note;
}

std::vector<std::string> default_pause_statuses() {
  return {"resolved", "waiting"};
}

namespace {

events::StreamAppend& config_stream(events::AppendRequest& req, const SlaConfig& config) {
  return open_stream(req, std::string(kSlaConfigStream),
                     config.version == 0 ? events::kNoStream : config.version);
}

bool calendar_in_use(const SlaConfig& config, std::int64_t calendar_id) {
  return std::any_of(config.policies.begin(), config.policies.end(), [&](const auto& entry) {
    return entry.second.back().calendarId == calendar_id;
  });
}

Result<const SlaCalendarEntry*> live_calendar(const SlaConfig& config, std::int64_t id) {
  auto it = config.calendars.find(id);
  if (it == config.calendars.end() || it->second.deleted) {
    return refuse(Refusal::kSlaCalendarNotFound);
  }
  return &it->second;
}

}  // namespace

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSlaCalendar& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  if (auto calendar = checked_calendar(c.calendar); !calendar.ok()) return calendar.status();
  auto req = start_append(meta);
  auto id = claim_next_id(view, req, kSlaCalendarSequence);
  if (!id.ok()) return id.status();
  add_event(config_stream(req, *config), SlaCalendarCreated{*id, c.calendar});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateSlaCalendar& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  auto entry = live_calendar(*config, c.calendarId);
  if (!entry.ok()) return entry.status();
  SlaCalendarRecord record = (*entry)->versions.back().record;
  if (c.name) record.name = *c.name;
  if (c.timezone) record.timezone = *c.timezone;
  if (c.weekly) record.weekly = *c.weekly;
  if (c.holidays) record.holidays = *c.holidays;
  if (auto calendar = checked_calendar(record); !calendar.ok()) return calendar.status();
  auto req = start_append(meta);
  add_event(config_stream(req, *config),
            SlaCalendarUpdated{c.calendarId,
                               static_cast<std::int64_t>((*entry)->versions.size()) + 1, record});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const DeleteSlaCalendar& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  auto entry = live_calendar(*config, c.calendarId);
  if (!entry.ok()) return entry.status();
  if (calendar_in_use(*config, c.calendarId)) return refuse(Refusal::kSlaCalendarInUse);
  auto req = start_append(meta);
  add_event(config_stream(req, *config), SlaCalendarDeleted{c.calendarId});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const CreateSlaPolicy& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  if (Status s = validate_policy(*config, c.policy); !s.ok()) return s;
  auto req = start_append(meta);
  auto id = claim_next_id(view, req, kSlaPolicySequence);
  if (!id.ok()) return id.status();
  add_event(config_stream(req, *config), SlaPolicyCreated{*id, c.policy, "admin"});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const UpdateSlaPolicy& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  auto it = config->policies.find(c.policyId);
  if (it == config->policies.end()) return refuse(Refusal::kSlaPolicyNotFound);
  SlaPolicyRecord p = it->second.back();
  if (c.name) p.name = *c.name;
  if (c.calendarId) p.calendarId = *c.calendarId;
  if (c.appliesTo) p.appliesTo = *c.appliesTo;
  if (c.categories) p.categories = *c.categories;
  if (c.targets) p.targets = *c.targets;
  if (c.pauseStatuses) p.pauseStatuses = *c.pauseStatuses;
  if (Status s = validate_policy(*config, p); !s.ok()) return s;
  auto req = start_append(meta);
  add_event(config_stream(req, *config),
            SlaPolicyUpdated{c.policyId, static_cast<std::int64_t>(it->second.size()) + 1, p});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const SeedSlaPolicy& c,
                                     const CommandMeta& meta) {
  auto config = load_sla_config(view);
  if (!config.ok()) return config.status();
  if (!config->policies.empty()) return refuse(Refusal::kSlaUnchanged);
  const SlaTargetRecord t{c.firstResponseMinutes, c.resolutionMinutes, std::nullopt};
  SlaPolicyRecord p{"Default",    std::nullopt, {std::string(kKinds[0]), std::string(kKinds[1])},
                    std::nullopt, {t, t, t, t}, default_pause_statuses()};
  if (Status s = validate_policy(*config, p); !s.ok()) return s;
  auto req = start_append(meta);
  auto id = claim_next_id(view, req, kSlaPolicySequence);
  if (!id.ok()) return id.status();
  add_event(config_stream(req, *config), SlaPolicyCreated{*id, p, "seeded"});
  return req;
}

}  // namespace docket::domain

#include "projections/sla.h"

#include <optional>
#include <string>

#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/sla.h"
#include "domain/support_inquiry_events.h"
#include "domain/support_request_events.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

template <typename T>
std::string json_of(const T& value) {
  JsonWriter w;
  events::payload_detail::write(w, value);
  return w.take();
}

Status upsert_calendar(Database& db, std::int64_t id, std::int64_t version,
                       const domain::SlaCalendarRecord& c, const std::string& at) {
  return run_sql(db,
                 "INSERT INTO calendars(id, name, timezone, weekly, holidays, version, deleted, "
                 "created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7) "
                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name, timezone = "
                 "excluded.timezone, weekly = excluded.weekly, holidays = excluded.holidays, "
                 "version = excluded.version, updated_at = excluded.updated_at",
                 id, c.name, c.timezone, json_of(c.weekly), json_of(c.holidays), version, at);
}

Status upsert_policy(Database& db, std::int64_t id, std::int64_t version,
                     const domain::SlaPolicyRecord& p, const std::string& at) {
  std::optional<std::string> categories;
  if (p.categories) categories = json_of(*p.categories);
  return run_sql(db,
                 "INSERT INTO policies(id, name, calendar_id, applies_to, categories, targets, "
                 "pause_statuses, version, created_at, updated_at) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name, calendar_id = "
                 "excluded.calendar_id, applies_to = excluded.applies_to, categories = "
                 "excluded.categories, targets = excluded.targets, pause_statuses = "
                 "excluded.pause_statuses, version = excluded.version, updated_at = "
                 "excluded.updated_at",
                 id, p.name, p.calendarId, json_of(p.appliesTo), categories, json_of(p.targets),
                 json_of(p.pauseStatuses), version, at);
}

Status apply_config(Database& db, const domain::SlaConfigEvent::Variant& event,
                    const std::string& at) {
  return std::visit(
      events::Overloaded{
          [&](const domain::SlaCalendarCreated& e) {
            return upsert_calendar(db, e.calendarId, 1, e.calendar, at);
          },
          [&](const domain::SlaCalendarUpdated& e) {
            return upsert_calendar(db, e.calendarId, e.calendarVersion, e.calendar, at);
          },
          [&](const domain::SlaCalendarDeleted& e) {
            return run_sql(db, "UPDATE calendars SET deleted = 1, updated_at = ?2 WHERE id = ?1",
                           e.calendarId, at);
          },
          [&](const domain::SlaPolicyCreated& e) {
            return upsert_policy(db, e.policyId, 1, e.policy, at);
          },
          [&](const domain::SlaPolicyUpdated& e) {
            return upsert_policy(db, e.policyId, e.policyVersion, e.policy, at);
          },
      },
      event);
}

// The columns of one target: due, warn, crit, met, breached, stopped.
struct TargetColumns {
  std::optional<std::int64_t> due, warn, crit, met, breached, stopped;
};

TargetColumns columns_of(const domain::TargetClock& t) {
  return {t.dueAt, t.warningAt, t.criticalAt, t.metAt, t.breachedAt, t.stoppedAt};
}

Status upsert_clock(Database& db, std::string_view kind, std::int64_t id,
                    const domain::SlaClockRecord& record) {
  auto clock = domain::sla_clock_from_record(record);
  if (!clock.ok()) return clock.status();
  const TargetColumns fr = columns_of(clock->firstResponse);
  const TargetColumns res = columns_of(clock->resolution);
  const TargetColumns nr = clock->nextResponse ? columns_of(*clock->nextResponse) : TargetColumns{};
  return run_sql(
      db,
      "INSERT OR REPLACE INTO items(kind, item_id, policy_id, policy_version, priority, paused_ms, "
      "fr_due, fr_warn, fr_crit, fr_met, fr_breached, fr_stopped, "
      "res_due, res_warn, res_crit, res_met, res_breached, res_stopped, "
      "nr_due, nr_warn, nr_crit, nr_met, nr_breached, nr_stopped, next_due_ms, started_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
      "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
      kind, id, clock->policyId, clock->policyVersion, clock->priority, clock->pausedAt, fr.due,
      fr.warn, fr.crit, fr.met, fr.breached, fr.stopped, res.due, res.warn, res.crit, res.met,
      res.breached, res.stopped, nr.due, nr.warn, nr.crit, nr.met, nr.breached, nr.stopped,
      domain::next_sla_due(*clock), clock->firstResponse.startedAt);
}

Status insert_breach(Database& db, const events::EventRecord& event, std::string_view kind,
                     std::int64_t id, const std::string& target, const std::string& due,
                     const std::optional<std::string>& from, const std::optional<std::string>& to,
                     const std::string& note) {
  return run_sql(db,
                 "INSERT OR IGNORE INTO breaches(event_id, kind, item_id, target, due_at, "
                 "breached_at, escalated_from, escalated_to, note) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 event.eventId, kind, id, target, due, format_iso8601(event.occurredAt), from, to,
                 note);
}

}  // namespace

bool SlaProjection::wants(std::string_view type) const {
  return domain::SlaConfigEvent::contains(type) ||
         type == domain::SupportRequestSlaUpdated::kType ||
         type == domain::SupportRequestSlaBreached::kType ||
         type == domain::InquirySlaUpdated::kType || type == domain::InquirySlaBreached::kType;
}

Status SlaProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE calendars(id INTEGER PRIMARY KEY, name TEXT NOT NULL, timezone TEXT NOT NULL, "
      "weekly TEXT NOT NULL, holidays TEXT NOT NULL, version INTEGER NOT NULL, "
      "deleted INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
      "CREATE TABLE policies(id INTEGER PRIMARY KEY, name TEXT NOT NULL, calendar_id INTEGER, "
      "applies_to TEXT NOT NULL, categories TEXT, targets TEXT NOT NULL, "
      "pause_statuses TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, "
      "updated_at TEXT NOT NULL);"
      "CREATE TABLE items(kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
      "policy_id INTEGER NOT NULL, policy_version INTEGER NOT NULL, priority TEXT NOT NULL, "
      "paused_ms INTEGER, "
      "fr_due INTEGER, fr_warn INTEGER, fr_crit INTEGER, fr_met INTEGER, fr_breached INTEGER, "
      "fr_stopped INTEGER, res_due INTEGER, res_warn INTEGER, res_crit INTEGER, res_met INTEGER, "
      "res_breached INTEGER, res_stopped INTEGER, nr_due INTEGER, nr_warn INTEGER, "
      "nr_crit INTEGER, nr_met INTEGER, nr_breached INTEGER, nr_stopped INTEGER, "
      "next_due_ms INTEGER, started_ms INTEGER NOT NULL, PRIMARY KEY(kind, item_id)) "
      "WITHOUT ROWID;"
      // The monitor's sweep: only items with a watched deadline are in it.
      "CREATE INDEX items_by_next_due ON items(next_due_ms) WHERE next_due_ms IS NOT NULL;"
      "CREATE TABLE breaches(event_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
      "item_id INTEGER NOT NULL, target TEXT NOT NULL, due_at TEXT NOT NULL, "
      "breached_at TEXT NOT NULL, escalated_from TEXT, escalated_to TEXT, note TEXT NOT NULL);"
      "CREATE INDEX breaches_by_item ON breaches(kind, item_id, event_id);");
}

Status SlaProjection::apply(Database& db, const events::EventRecord& event) {
  const std::string at = format_iso8601(event.occurredAt);
  if (domain::SlaConfigEvent::contains(event.type)) {
    auto decoded = domain::SlaConfigEvent::decode(event);
    if (!decoded.ok()) return decoded.status();
    return apply_config(db, *decoded, at);
  }
  constexpr std::string_view kRequest = "support_request";
  constexpr std::string_view kInquiry = "support_inquiry";
  if (event.type == domain::SupportRequestSlaUpdated::kType) {
    auto e = events::decode<domain::SupportRequestSlaUpdated>(event);
    if (!e.ok()) return e.status();
    return upsert_clock(db, kRequest, e->supportRequestId, e->sla);
  }
  if (event.type == domain::InquirySlaUpdated::kType) {
    auto e = events::decode<domain::InquirySlaUpdated>(event);
    if (!e.ok()) return e.status();
    return upsert_clock(db, kInquiry, e->supportInquiryId, e->sla);
  }
  if (event.type == domain::SupportRequestSlaBreached::kType) {
    auto e = events::decode<domain::SupportRequestSlaBreached>(event);
    if (!e.ok()) return e.status();
    return insert_breach(db, event, kRequest, e->supportRequestId, e->target, e->dueAt,
                         e->escalatedFrom, e->escalatedTo, e->note);
  }
  if (event.type == domain::InquirySlaBreached::kType) {
    auto e = events::decode<domain::InquirySlaBreached>(event);
    if (!e.ok()) return e.status();
    return insert_breach(db, event, kInquiry, e->supportInquiryId, e->target, e->dueAt,
                         e->escalatedFrom, e->escalatedTo, e->note);
  }
  return Status::Ok();
}

}  // namespace docket::projections

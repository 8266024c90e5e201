#include "projections/sla_query.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_view.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "events/payload.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kItemColumns =
    "item_id, policy_id, policy_version, priority, paused_ms, "
    "fr_due, fr_warn, fr_crit, fr_met, fr_breached, fr_stopped, "
    "res_due, res_warn, res_crit, res_met, res_breached, res_stopped, "
    "nr_due, nr_warn, nr_crit, nr_met, nr_breached, nr_stopped";

constexpr int kItemColumnCount = 23;

domain::TargetClock read_target(const Statement& st, int first) {
  domain::TargetClock t;
  t.dueAt = st.column_int64(first);
  t.warningAt = st.column_int64(first + 1);
  t.criticalAt = st.column_int64(first + 2);
  t.metAt = st.column_optional_int64(first + 3);
  t.breachedAt = st.column_optional_int64(first + 4);
  t.stoppedAt = st.column_optional_int64(first + 5);
  return t;
}

SlaItemRow read_item(const Statement& st) {
  SlaItemRow row;
  row.itemId = st.column_int64(0);
  row.policyId = st.column_int64(1);
  row.policyVersion = st.column_int64(2);
  row.priority = std::string(st.column_text(3));
  row.pausedMs = st.column_optional_int64(4);
  row.firstResponse = read_target(st, 5);
  row.resolution = read_target(st, 11);
  if (!st.column_is_null(17)) row.nextResponse = read_target(st, 17);
  return row;
}

std::string ids_json(const std::vector<std::int64_t>& ids) {
  JsonWriter w;
  w.begin_array();
  for (std::int64_t id : ids)
    w.value(id);
  return w.end_array().take();
}

constexpr std::string_view kCalendarColumns =
    "id, name, timezone, weekly, holidays, version, created_at, updated_at";

SlaCalendarRow read_calendar(const Statement& st) {
  return {st.column_int64(0),
          std::string(st.column_text(1)),
          std::string(st.column_text(2)),
          std::string(st.column_text(3)),
          std::string(st.column_text(4)),
          st.column_int64(5),
          std::string(st.column_text(6)),
          std::string(st.column_text(7))};
}

constexpr std::string_view kPolicyColumns =
    "id, name, calendar_id, applies_to, categories, targets, pause_statuses, version, "
    "created_at, updated_at";

SlaPolicyRow read_policy(const Statement& st) {
  return {st.column_int64(0),
          std::string(st.column_text(1)),
          st.column_optional_int64(2),
          std::string(st.column_text(3)),
          st.column_optional_text(4),
          std::string(st.column_text(5)),
          std::string(st.column_text(6)),
          st.column_int64(7),
          std::string(st.column_text(8)),
          std::string(st.column_text(9))};
}

// The status of target `p` ("fr", "res", "nr") as SQL, mirroring domain::target_status;
// each "?" is the current time.
std::string status_sql(std::string_view p) {
  return fmt::format(
      "(CASE WHEN s.{0}_due IS NULL THEN NULL WHEN s.{0}_breached IS NOT NULL THEN 'breached' "
      "WHEN s.{0}_met IS NOT NULL THEN 'met' WHEN s.{0}_stopped IS NOT NULL THEN 'stopped' "
      "WHEN s.paused_ms IS NOT NULL THEN 'paused' WHEN ? >= s.{0}_due THEN 'breached' "
      "WHEN ? >= s.{0}_crit THEN 'critical' WHEN ? >= s.{0}_warn THEN 'warning' "
      "ELSE 'ok' END)",
      p);
}

std::optional<std::string> iso_of(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return format_iso8601(*ms);
}

}  // namespace

SlaView sla_view(const SlaItemRow& row, std::int64_t now_ms) {
  const bool paused = row.pausedMs.has_value();
  SlaView v;
  v.policyId = row.policyId;
  v.policyVersion = row.policyVersion;
  v.firstResponseDueAt = format_iso8601(row.firstResponse.dueAt);
  v.resolutionDueAt = format_iso8601(row.resolution.dueAt);
  v.firstResponseStatus = std::string(
      domain::sla_status_name(domain::target_status(row.firstResponse, paused, now_ms)));
  v.resolutionStatus =
      std::string(domain::sla_status_name(domain::target_status(row.resolution, paused, now_ms)));
  if (row.nextResponse) {
    v.nextResponseDueAt = iso_of(row.nextResponse->dueAt);
    v.nextResponseStatus = std::string(
        domain::sla_status_name(domain::target_status(*row.nextResponse, paused, now_ms)));
  }
  v.firstResponseWarningAt = format_iso8601(row.firstResponse.warningAt);
  v.firstResponseCriticalAt = format_iso8601(row.firstResponse.criticalAt);
  v.resolutionWarningAt = format_iso8601(row.resolution.warningAt);
  v.resolutionCriticalAt = format_iso8601(row.resolution.criticalAt);
  if (row.nextResponse) {
    v.nextResponseWarningAt = format_iso8601(row.nextResponse->warningAt);
    v.nextResponseCriticalAt = format_iso8601(row.nextResponse->criticalAt);
  }
  v.calendarId = row.calendarId;
  v.paused = paused;
  v.breaches = row.breaches;
  return v;
}

std::optional<SlaCondition> sla_status_condition(std::string_view status) {
  static constexpr std::string_view kKnown[] = {"breached", "critical", "warning",
                                                "ok",       "met",      "paused"};
  if (std::find(std::begin(kKnown), std::end(kKnown), status) == std::end(kKnown)) {
    return std::nullopt;
  }
  return SlaCondition{fmt::format("'{0}' IN ({1}, {2}, {3})", status, status_sql("fr"),
                                  status_sql("res"), status_sql("nr")),
                      9};
}

std::optional<std::pair<std::string, std::vector<std::int64_t>>> sla_filter(
    std::string_view kind, std::string_view id_column, std::string_view status,
    std::int64_t now_ms) {
  auto condition = sla_status_condition(status);
  if (!condition) return std::nullopt;
  return std::pair{
      fmt::format("EXISTS (SELECT 1 FROM sla.items s WHERE s.kind = '{}' AND "
                  "s.item_id = {} AND {})",
                  kind, id_column, condition->sql),
      std::vector<std::int64_t>(static_cast<std::size_t>(condition->parameters), now_ms)};
}

std::string sla_due_order(std::string_view kind, std::string_view id_column) {
  return fmt::format(
      "coalesce((SELECT s.next_due_ms FROM sla.items s WHERE s.kind = '{}' AND s.item_id = {}), "
      "9223372036854775807)",
      kind, id_column);
}

Result<std::map<std::int64_t, SlaItemRow>> SlaQuery::items(std::string_view kind,
                                                           const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, SlaItemRow> out;
  if (ids.empty()) return out;
  const std::string list = ids_json(ids);
  {
    Result<CachedStatement> st =
        db_.cached("SELECT " + std::string(kItemColumns) +
                   ", (SELECT p.calendar_id FROM sla.policies p WHERE p.id = policy_id) FROM "
                   "sla.items WHERE kind = ?1 AND item_id IN (SELECT value FROM json_each(?2))");
    if (!st.ok()) return st.status();
    if (Status s = (*st)->bind_all(kind, list); !s.ok()) return s;
    auto rows = read_rows<SlaItemRow>(**st, [](const Statement& row) {
      SlaItemRow item = read_item(row);
      item.calendarId = row.column_optional_int64(kItemColumnCount);
      return item;
    });
    if (!rows.ok()) return rows.status();
    for (SlaItemRow& row : *rows)
      out.emplace(row.itemId, std::move(row));
  }
  Result<CachedStatement> st = db_.cached(
      "SELECT item_id, target, due_at, breached_at, escalated_from, escalated_to, note FROM "
      "sla.breaches WHERE kind = ?1 AND item_id IN (SELECT value FROM json_each(?2)) "
      "ORDER BY event_id");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(kind, list); !s.ok()) return s;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Statement& row = **st;
    auto it = out.find(row.column_int64(0));
    if (it == out.end()) continue;
    it->second.breaches.push_back({std::string(row.column_text(1)), std::string(row.column_text(2)),
                                   std::string(row.column_text(3)), row.column_optional_text(4),
                                   row.column_optional_text(5), std::string(row.column_text(6))});
  }
  return out;
}

Result<std::vector<SlaDueRow>> SlaQuery::due(std::int64_t now_ms, std::size_t limit) {
  Result<CachedStatement> st = db_.cached(
      "SELECT kind, " + std::string(kItemColumns) +
      ", next_due_ms FROM sla.items INDEXED BY items_by_next_due WHERE next_due_ms IS NOT NULL "
      "AND next_due_ms <= ?1 ORDER BY next_due_ms LIMIT ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(now_ms, static_cast<std::int64_t>(limit)); !s.ok()) return s;
  std::vector<SlaDueRow> out;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Statement& row = **st;
    const std::string kind(row.column_text(0));
    // Column 0 is the kind: the item columns start at 1, the targets at 6, 12 and 18.
    domain::TargetClock targets[3];
    targets[0] = read_target(row, 6);
    targets[1] = read_target(row, 12);
    const bool has_next = !row.column_is_null(18);
    if (has_next) targets[2] = read_target(row, 18);
    const domain::SlaTarget names[3] = {domain::SlaTarget::kFirstResponse,
                                        domain::SlaTarget::kResolution,
                                        domain::SlaTarget::kNextResponse};
    const std::int64_t item = row.column_int64(1);
    for (int i = 0; i < (has_next ? 3 : 2); ++i) {
      const domain::TargetClock& t = targets[i];
      if (t.running() && !t.breachedAt && t.dueAt <= now_ms) {
        out.push_back({kind, item, names[i], t.dueAt});
      }
    }
  }
  return out;
}

Result<std::optional<std::int64_t>> SlaQuery::next_due() {
  Result<CachedStatement> st = db_.cached(
      "SELECT min(next_due_ms) FROM sla.items INDEXED BY items_by_next_due WHERE next_due_ms IS "
      "NOT NULL");
  if (!st.ok()) return st.status();
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  std::optional<std::int64_t> next;
  if (*row) next = (*st)->column_optional_int64(0);
  (*st)->reset();
  return next;
}

Result<std::vector<SlaCalendarRow>> SlaQuery::calendars() {
  Result<CachedStatement> st = db_.cached("SELECT " + std::string(kCalendarColumns) +
                                          " FROM sla.calendars WHERE deleted = 0 ORDER BY id");
  if (!st.ok()) return st.status();
  return read_rows<SlaCalendarRow>(**st, read_calendar);
}

Result<std::optional<SlaCalendarRow>> SlaQuery::calendar(std::int64_t id) {
  Result<CachedStatement> st = db_.cached("SELECT " + std::string(kCalendarColumns) +
                                          " FROM sla.calendars WHERE deleted = 0 AND id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  auto rows = read_rows<SlaCalendarRow>(**st, read_calendar);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<SlaCalendarRow>{};
  return std::optional<SlaCalendarRow>(std::move(rows->front()));
}

Result<std::optional<domain::BusinessCalendar>> SlaQuery::business_calendar(std::int64_t id) {
  Result<CachedStatement> st =
      db_.cached("SELECT name, timezone, weekly, holidays FROM sla.calendars WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  Result<bool> found = (*st)->step();
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<domain::BusinessCalendar>{};
  domain::SlaCalendarRecord record;
  record.name = std::string((*st)->column_text(0));
  record.timezone = std::string((*st)->column_text(1));
  JsonDocument doc;
  events::payload_detail::ReadFailure failure;
  auto weekly = doc.parse((*st)->column_text(2));
  if (!weekly.ok() || !events::payload_detail::read(*weekly, record.weekly, "weekly", failure)) {
    return Status::Corruption(fmt::format("calendar {}: weekly is not readable", id));
  }
  auto holidays = doc.parse((*st)->column_text(3));
  if (!holidays.ok() ||
      !events::payload_detail::read(*holidays, record.holidays, "holidays", failure)) {
    return Status::Corruption(fmt::format("calendar {}: holidays are not readable", id));
  }
  (*st)->reset();
  auto calendar = domain::business_calendar_of(record);
  if (!calendar.ok()) return calendar.status();
  return std::optional(std::move(calendar).value());
}

Result<std::vector<SlaPolicyRow>> SlaQuery::policies() {
  Result<CachedStatement> st =
      db_.cached("SELECT " + std::string(kPolicyColumns) + " FROM sla.policies ORDER BY id");
  if (!st.ok()) return st.status();
  return read_rows<SlaPolicyRow>(**st, read_policy);
}

Result<std::optional<SlaPolicyRow>> SlaQuery::policy(std::int64_t id) {
  Result<CachedStatement> st =
      db_.cached("SELECT " + std::string(kPolicyColumns) + " FROM sla.policies WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  auto rows = read_rows<SlaPolicyRow>(**st, read_policy);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<SlaPolicyRow>{};
  return std::optional<SlaPolicyRow>(std::move(rows->front()));
}

Result<SlaCompliance> SlaQuery::compliance(std::int64_t now_ms, std::optional<std::int64_t> from_ms,
                                           std::optional<std::int64_t> to_ms) {
  auto part = [](std::string_view p) {
    return fmt::format(
        "coalesce(sum({0}_met IS NOT NULL AND {0}_breached IS NULL), 0), "
        "coalesce(sum({0}_breached IS NOT NULL OR ({0}_due IS NOT NULL AND {0}_met IS NULL AND "
        "{0}_stopped IS NULL AND paused_ms IS NULL AND {0}_due <= ?1)), 0)",
        p);
  };
  Result<CachedStatement> st =
      db_.cached("SELECT " + part("fr") + ", " + part("res") + ", " + part("nr") +
                 " FROM sla.items WHERE (?2 IS NULL OR started_ms >= ?2) "
                 "AND (?3 IS NULL OR started_ms < ?3)");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(now_ms, from_ms, to_ms); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  SlaCompliance c;
  if (*row) {
    const Statement& r = **st;
    auto n = [&](int i) { return static_cast<std::uint64_t>(r.column_int64(i)); };
    c.firstResponse = {n(0), n(1)};
    c.resolution = {n(2), n(3)};
    c.nextResponse = {n(4), n(5)};
  }
  (*st)->reset();
  return c;
}

}  // namespace docket::projections

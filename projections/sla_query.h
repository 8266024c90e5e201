// SlaQuery: reads the sla projection (projections/sla.h): items' SLA clocks and breaches
// for the request and inquiry responses, the monitor's due items, the configuration for
// the admin routes, and compliance figures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "domain/sla.h"

namespace docket::projections {

class Database;

struct SlaBreachRow {
  std::string target;
  std::string dueAt;
  std::string breachedAt;
  std::optional<std::string> escalatedFrom;
  std::optional<std::string> escalatedTo;
  std::string note;
};

// An item's clocks (instants in ms) as the read model has them.
struct SlaItemRow {
  std::int64_t itemId = 0;
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  std::string priority;
  std::optional<std::int64_t> pausedMs;
  std::optional<std::int64_t> calendarId;  // the policy's calendar now; none: 24x7
  domain::TargetClock firstResponse;
  domain::TargetClock resolution;
  std::optional<domain::TargetClock> nextResponse;
  std::vector<SlaBreachRow> breaches;  // oldest first
};

// A target the monitor finds due.
struct SlaDueRow {
  std::string kind;
  std::int64_t itemId = 0;
  domain::SlaTarget target = domain::SlaTarget::kFirstResponse;
  std::int64_t dueMs = 0;
};

struct SlaCalendarRow {
  std::int64_t id = 0;
  std::string name;
  std::string timezone;
  std::string weekly;    // JSON array
  std::string holidays;  // JSON array
  std::int64_t version = 0;
  std::string createdAt;
  std::string updatedAt;
};

struct SlaPolicyRow {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> calendarId;
  std::string appliesTo;                  // JSON array
  std::optional<std::string> categories;  // JSON array
  std::string targets;                    // JSON object
  std::string pauseStatuses;              // JSON array
  std::int64_t version = 0;
  std::string createdAt;
  std::string updatedAt;
};

// Per target: items whose target was met in time, and breached (recorded, or running
// past its deadline at `now`).
struct SlaTargetCompliance {
  std::uint64_t met = 0;
  std::uint64_t breached = 0;
};
struct SlaCompliance {
  SlaTargetCompliance firstResponse;
  SlaTargetCompliance resolution;
  SlaTargetCompliance nextResponse;
};

// The SLA object of a request or inquiry response at `now_ms` (statuses computed then).
struct SlaView {
  std::int64_t policyId = 0;
  std::int64_t policyVersion = 0;
  std::string firstResponseDueAt;
  std::string resolutionDueAt;
  std::optional<std::string> nextResponseDueAt;
  std::string firstResponseStatus;
  std::string resolutionStatus;
  std::optional<std::string> nextResponseStatus;
  // When each running target turns warning and critical (business time, like the due).
  std::string firstResponseWarningAt, firstResponseCriticalAt;
  std::string resolutionWarningAt, resolutionCriticalAt;
  std::optional<std::string> nextResponseWarningAt, nextResponseCriticalAt;
  std::optional<std::int64_t> calendarId;  // the calendar the clock counts by; none: 24x7
  bool paused = false;
  std::vector<SlaBreachRow> breaches;
};
SlaView sla_view(const SlaItemRow& row, std::int64_t now_ms);

// The SQL condition (on the columns of sla.items aliased `s`) for "some target of the
// item has status `status` now": status one of breached, critical, warning, ok, met,
// paused. Every "?" in it stands for the current time in ms (the caller binds as many as
// `parameters`). nullopt for an unknown status.
struct SlaCondition {
  std::string sql;
  int parameters = 0;
};
std::optional<SlaCondition> sla_status_condition(std::string_view status);

// For the list queries of requests and inquiries (`kind`, the item id column
// `id_column`): the WHERE condition "some target has status `status` now" (with its
// parameters, all `now_ms`), and the ORDER BY key "the next watched deadline" (items
// without one last when ascending).
std::optional<std::pair<std::string, std::vector<std::int64_t>>> sla_filter(
    std::string_view kind, std::string_view id_column, std::string_view status,
    std::int64_t now_ms);
std::string sla_due_order(std::string_view kind, std::string_view id_column);

// Borrows `db` (a ReadLease's database with the projection attached as "sla").
class SlaQuery {
 public:
  explicit SlaQuery(Database& db) : db_(db) {}

  // The clocks of the items of `kind` among `ids` (those without SLA are absent).
  Result<std::map<std::int64_t, SlaItemRow>> items(std::string_view kind,
                                                   const std::vector<std::int64_t>& ids);
  // Targets due at `now_ms` (at most `limit`, earliest first).
  Result<std::vector<SlaDueRow>> due(std::int64_t now_ms, std::size_t limit);
  // The earliest watched deadline, if any.
  Result<std::optional<std::int64_t>> next_due();

  Result<std::vector<SlaCalendarRow>> calendars();
  Result<std::optional<SlaCalendarRow>> calendar(std::int64_t id);
  // Calendar `id` as business time counts by it, also after it was deleted (items that
  // started under it keep counting by it); nullopt when no calendar had that id.
  Result<std::optional<domain::BusinessCalendar>> business_calendar(std::int64_t id);
  Result<std::vector<SlaPolicyRow>> policies();
  Result<std::optional<SlaPolicyRow>> policy(std::int64_t id);

  // Over the items whose clocks started in [from_ms, to_ms) (either bound optional).
  Result<SlaCompliance> compliance(std::int64_t now_ms, std::optional<std::int64_t> from_ms,
                                   std::optional<std::int64_t> to_ms);

 private:
  Database& db_;
};

}  // namespace docket::projections

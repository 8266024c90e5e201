#include "projections/work_queue_query.h"

#include <algorithm>
#include <cmath>

#include "core/json_view.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kItemColumns =
    "kind, id, priority, category, subject, status, customer_id, created_ms, created_event_id, "
    "sla_urgent_ms, reference";

QueueItemRow read_item(Statement& st) {
  QueueItemRow row;
  row.kind = std::string(st.column_text(0));
  row.id = st.column_int64(1);
  row.priority = std::string(st.column_text(2));
  row.category = std::string(st.column_text(3));
  row.subject = std::string(st.column_text(4));
  row.status = std::string(st.column_text(5));
  row.customerId = st.column_optional_int64(6);
  row.createdMs = st.column_int64(7);
  row.createdEventId = static_cast<std::uint64_t>(st.column_int64(8));
  row.slaUrgentMs = st.column_optional_int64(9);
  row.reference = std::string(st.column_text(10));
  return row;
}

// Staff accounts joined with their agent rows and open load.
constexpr std::string_view kAgentSelect =
    "SELECT a.id, a.name, a.email, a.role, g.account_id IS NOT NULL, g.status, "
    "g.status_since_ms, g.max_open_items, g.skills, g.shift, "
    "(SELECT count(*) FROM queue.agent_work w WHERE w.account_id = a.id) "
    "FROM accounts.accounts a LEFT JOIN queue.agents g ON g.account_id = a.id "
    "WHERE a.role != 'customer' AND a.active = 1";

AgentRow read_agent(Statement& st, std::uint32_t default_capacity) {
  AgentRow row;
  row.accountId = st.column_int64(0);
  row.name = std::string(st.column_text(1));
  row.email = std::string(st.column_text(2));
  row.role = std::string(st.column_text(3));
  row.recorded = st.column_int64(4) != 0;
  row.maxOpenItems = default_capacity;
  if (row.recorded) {
    row.status = std::string(st.column_text(5));
    row.statusSinceMs = st.column_optional_int64(6);
    row.maxOpenItems = static_cast<std::uint32_t>(st.column_int64(7));
    JsonDocument doc;  // a JSON array of names, as the projection wrote it
    if (auto skills = doc.parse(st.column_text(8)); skills.ok()) {
      for (const JsonView& skill : skills->elements()) {
        if (auto text = skill.string()) row.skills.emplace_back(*text);
      }
    }
    row.shiftJson = st.column_optional_text(9);
  }
  row.openItems = static_cast<std::uint32_t>(st.column_int64(10));
  return row;
}

}  // namespace

Result<std::vector<QueueItemRow>> WorkQueueQuery::waiting(std::uint64_t limit, std::uint64_t offset,
                                                          std::int64_t now_ms, bool inquiries) {
  Result<CachedStatement> st =
      db_.cached("SELECT " + std::string(kItemColumns) +
                 " FROM queue.items INDEXED BY items_waiting WHERE open = 1 AND assignee IS NULL "
                 "AND (?3 OR kind = 'support_request') "
                 "ORDER BY priority_rank DESC, coalesce(sla_urgent_ms <= ?4, 0) DESC, created_ms, "
                 "created_event_id LIMIT ?1 OFFSET ?2");
  if (!st.ok()) return st.status();
  if (Status s =
          (*st)->bind_all(static_cast<std::int64_t>(std::min<std::uint64_t>(limit, INT64_MAX)),
                          static_cast<std::int64_t>(offset), inquiries ? 1 : 0, now_ms);
      !s.ok()) {
    return s;
  }
  return read_rows<QueueItemRow>(**st, read_item);
}

Result<std::uint64_t> WorkQueueQuery::waiting_count(bool inquiries) {
  Result<CachedStatement> st = db_.cached(
      "SELECT count(*) FROM queue.items INDEXED BY items_waiting WHERE open = 1 AND "
      "assignee IS NULL AND (?1 OR kind = 'support_request')");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, inquiries ? 1 : 0); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  return *row ? static_cast<std::uint64_t>((*st)->column_int64(0)) : 0;
}

Result<QueueItemRow> WorkQueueQuery::item(std::string_view kind, std::int64_t id) {
  Result<CachedStatement> st = db_.cached("SELECT " + std::string(kItemColumns) +
                                          " FROM queue.items WHERE kind = ?1 AND id = ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(kind, id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such item");
  return read_item(**st);
}

Result<QueueStats> WorkQueueQuery::stats() {
  QueueStats stats;
  auto grouped = [&](std::string_view column, std::string_view order,
                     std::vector<std::pair<std::string, std::uint64_t>>& out) -> Status {
    Result<CachedStatement> st =
        db_.cached("SELECT " + std::string(column) +
                   ", count(*) FROM queue.items INDEXED BY items_waiting "
                   "WHERE open = 1 AND assignee IS NULL GROUP BY " +
                   std::string(column) + " ORDER BY " + std::string(order));
    if (!st.ok()) return st.status();
    for (;;) {
      Result<bool> row = (*st)->step();
      if (!row.ok()) return row.status();
      if (!*row) return Status::Ok();
      out.emplace_back(std::string((*st)->column_text(0)),
                       static_cast<std::uint64_t>((*st)->column_int64(1)));
    }
  };
  if (Status s = grouped("priority", "max(priority_rank) DESC", stats.byPriority); !s.ok()) {
    return s;
  }
  if (Status s = grouped("category", "category", stats.byCategory); !s.ok()) return s;
  for (const auto& [priority, n] : stats.byPriority)
    stats.depth += n;
  Result<CachedStatement> oldest = db_.cached(
      "SELECT min(created_ms) FROM queue.items INDEXED BY items_waiting "
      "WHERE open = 1 AND assignee IS NULL");
  if (!oldest.ok()) return oldest.status();
  Result<bool> row = (*oldest)->step();
  if (!row.ok()) return row.status();
  if (*row) stats.oldestCreatedMs = (*oldest)->column_optional_int64(0);
  return stats;
}

Result<std::vector<AgentRow>> WorkQueueQuery::agents(std::uint32_t default_capacity) {
  Result<CachedStatement> st = db_.cached(std::string(kAgentSelect) + " ORDER BY a.id");
  if (!st.ok()) return st.status();
  return read_rows<AgentRow>(**st, [&](Statement& s) { return read_agent(s, default_capacity); });
}

Result<AgentRow> WorkQueueQuery::agent(std::int64_t account_id, std::uint32_t default_capacity) {
  Result<CachedStatement> st = db_.cached(std::string(kAgentSelect) + " AND a.id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, account_id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such agent");
  return read_agent(**st, default_capacity);
}

Result<AgentMetrics> WorkQueueQuery::metrics(std::int64_t account_id, std::int64_t from_ms,
                                             std::int64_t to_ms) {
  AgentMetrics m;
  {
    Result<CachedStatement> st = db_.cached(
        "SELECT reason, count(*) FROM queue.assignments WHERE account_id = ?1 AND at_ms >= ?2 "
        "AND at_ms < ?3 GROUP BY reason");
    if (!st.ok()) return st.status();
    if (Status s = (*st)->bind_all(account_id, from_ms, to_ms); !s.ok()) return s;
    for (;;) {
      Result<bool> row = (*st)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const std::string_view reason = (*st)->column_text(0);
      const auto n = static_cast<std::uint64_t>((*st)->column_int64(1));
      if (reason == "auto") m.assignedAuto += n;
      if (reason == "take") m.assignedTake += n;
      if (reason == "manual") m.assignedManual += n;
    }
  }
  {
    Result<CachedStatement> st = db_.cached(
        "SELECT count(*), avg(at_ms - created_ms) FROM queue.resolutions WHERE account_id = ?1 "
        "AND at_ms >= ?2 AND at_ms < ?3");
    if (!st.ok()) return st.status();
    if (Status s = (*st)->bind_all(account_id, from_ms, to_ms); !s.ok()) return s;
    Result<bool> row = (*st)->step();
    if (!row.ok()) return row.status();
    if (*row) {
      m.resolved = static_cast<std::uint64_t>((*st)->column_int64(0));
      if (!(*st)->column_is_null(1)) m.avgResolutionSeconds = (*st)->column_double(1) / 1000.0;
    }
  }
  {
    Result<CachedStatement> st = db_.cached(
        "SELECT at_ms - created_ms FROM queue.first_responses WHERE account_id = ?1 AND "
        "at_ms >= ?2 AND at_ms < ?3 ORDER BY 1");
    if (!st.ok()) return st.status();
    if (Status s = (*st)->bind_all(account_id, from_ms, to_ms); !s.ok()) return s;
    std::vector<std::int64_t> waits;
    for (;;) {
      Result<bool> row = (*st)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      waits.push_back((*st)->column_int64(0));
    }
    m.firstResponses = waits.size();
    if (!waits.empty()) {
      double sum = 0;
      for (std::int64_t w : waits)
        sum += static_cast<double>(w);
      m.avgFirstResponseSeconds = sum / static_cast<double>(waits.size()) / 1000.0;
      // Nearest rank: the smallest wait at or above 90 % of the responses.
      const auto rank =
          static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(waits.size())));
      m.p90FirstResponseSeconds =
          static_cast<double>(waits[std::max<std::size_t>(rank, 1) - 1]) / 1000.0;
    }
  }
  return m;
}

Result<std::optional<std::int64_t>> WorkQueueQuery::cursor() {
  Result<CachedStatement> st =
      db_.cached("SELECT value FROM queue.queue_state WHERE key = 'cursor'");
  if (!st.ok()) return st.status();
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*st)->column_int64(0));
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> WorkQueueQuery::assignments_by_reason() {
  Result<CachedStatement> st =
      db_.cached("SELECT reason, count(*) FROM queue.assignments GROUP BY reason ORDER BY reason");
  if (!st.ok()) return st.status();
  return read_rows<std::pair<std::string, std::uint64_t>>(**st, [](Statement& s) {
    return std::pair<std::string, std::uint64_t>(std::string(s.column_text(0)),
                                                 static_cast<std::uint64_t>(s.column_int64(1)));
  });
}

}  // namespace docket::projections

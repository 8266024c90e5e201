// Reads of the "queue" projection (projections/work_queue.h): the waiting items in queue
// order, the queue's depth, the agents with their open load, and per-agent metrics.
// Agents are every active staff account (accounts projection) with its agent row, or
// the defaults when it has none yet.
//
// Not thread-safe: one query object per connection (reader leases).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

struct QueueItemRow {
  std::string kind;  // "support_request" | "support_inquiry"
  std::int64_t id = 0;
  std::string priority;
  std::string category;  // "" for an inquiry without one
  std::string subject;
  std::string status;
  std::optional<std::int64_t> customerId;
  std::int64_t createdMs = 0;
  std::uint64_t createdEventId = 0;
  // When its SLA turns critical (or breached); none without a running SLA or paused.
  std::optional<std::int64_t> slaUrgentMs;
  std::string reference;  // the ticket number (SUP-…), or an inquiry's tracking code (INQ-…)
};

struct AgentRow {
  std::int64_t accountId = 0;
  std::string name;
  std::string email;
  std::string role;
  bool recorded = false;  // has an agent stream (false: the defaults)
  std::string status = "offline";
  std::optional<std::int64_t> statusSinceMs;
  std::uint32_t maxOpenItems = 0;
  std::vector<std::string> skills;  // empty: every category
  std::optional<std::string> shiftJson;
  std::uint32_t openItems = 0;
};

struct AgentMetrics {
  std::uint64_t assignedAuto = 0;
  std::uint64_t assignedManual = 0;  // by staff (PATCH …/assign)
  std::uint64_t assignedTake = 0;    // taken by the agent
  std::uint64_t resolved = 0;
  std::uint64_t firstResponses = 0;
  std::optional<double> avgFirstResponseSeconds;
  std::optional<double> p90FirstResponseSeconds;
  std::optional<double> avgResolutionSeconds;
};

struct QueueStats {
  std::uint64_t depth = 0;
  std::vector<std::pair<std::string, std::uint64_t>> byPriority;  // urgent first
  std::vector<std::pair<std::string, std::uint64_t>> byCategory;  // by name
  std::optional<std::int64_t> oldestCreatedMs;
};

class WorkQueueQuery {
 public:
  explicit WorkQueueQuery(Database& db) : db_(db) {}

  // Open, unassigned items in queue order: priority; within a priority, the items whose
  // SLA is critical or breached at `now_ms` first; then createdAt and log order.
  // Inquiries only with `inquiries`.
  Result<std::vector<QueueItemRow>> waiting(std::uint64_t limit, std::uint64_t offset,
                                            std::int64_t now_ms, bool inquiries = true);
  Result<std::uint64_t> waiting_count(bool inquiries = true);
  Result<QueueStats> stats();
  // Active staff accounts as agents, by account id; `default_capacity` for those not
  // recorded yet.
  Result<std::vector<AgentRow>> agents(std::uint32_t default_capacity);
  // NotFound when `account_id` is not an active staff account.
  Result<AgentRow> agent(std::int64_t account_id, std::uint32_t default_capacity);
  // Over [from_ms, to_ms): assignments by when they were made, resolutions and first
  // responses by when they happened.
  Result<AgentMetrics> metrics(std::int64_t account_id, std::int64_t from_ms, std::int64_t to_ms);
  // The agent of the last automatic assignment.
  Result<std::optional<std::int64_t>> cursor();
  // Every assignment so far by reason (manual, take, auto, requeued: unassignments are
  // not counted).
  Result<std::vector<std::pair<std::string, std::uint64_t>>> assignments_by_reason();
  // The item, or NotFound.
  Result<QueueItemRow> item(std::string_view kind, std::int64_t id);

 private:
  Database& db_;
};

}  // namespace docket::projections

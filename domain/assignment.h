// The assignment rule of the work queue (docs/agents-and-queue.md, "The assignment
// rule"): which unassigned item goes to which agent. Pure and deterministic — the same
// queue, agents and cursor give the same assignments — so that replaying the log
// explains every automatic assignment.
//
//   queue order   priority (urgent > high > medium > low); within a priority the items
//                 whose SLA is critical or breached first (docs/sla.md); then the
//                 oldest first (createdAt, then the id of the item's created event): an
//                 item never overtakes an older one of the same priority and urgency.
//   eligible      the agent is available, in shift now, below maxOpenItems, and skilled
//                 for the item's category (no skills: every category).
//   choice        among the agents eligible for the item, the least open load wins;
//                 among equally loaded ones, round-robin: the first after the cursor
//                 in ascending account id order, wrapping around. The cursor becomes
//                 the chosen agent. So equally loaded agents take turns, and work never
//                 piles onto one agent while another has room.
//
// Items are taken in queue order. One that no agent is eligible for waits; it does not
// hold back younger items that other agents can take, but an agent eligible for it
// always gets it before any younger item of the same priority.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace docket::domain {

enum class QueuePriority : unsigned char { kLow, kMedium, kHigh, kUrgent };

// "low", "medium", "high", "urgent".
std::string_view queue_priority_name(QueuePriority priority);
std::optional<QueuePriority> parse_queue_priority(std::string_view text);

enum class AgentStatus : unsigned char { kAvailable, kBusy, kAway, kOffline };

// "available", "busy", "away", "offline".
std::string_view agent_status_name(AgentStatus status);
std::optional<AgentStatus> parse_agent_status(std::string_view text);

enum class WorkKind : unsigned char { kSupportRequest, kSupportInquiry };

struct WorkItem {
  WorkKind kind = WorkKind::kSupportRequest;
  std::int64_t id = 0;
  QueuePriority priority = QueuePriority::kMedium;
  std::string category;
  std::int64_t created_at_ms = 0;
  std::uint64_t created_event_id = 0;  // breaks createdAt ties: log order
  bool sla_urgent = false;             // an SLA target is critical or breached now
};

// Whether `a` comes before `b` in the queue. A strict total order on distinct items.
bool queue_before(const WorkItem& a, const WorkItem& b);

// An agent as the rule sees it at one instant.
struct AgentView {
  std::int64_t account_id = 0;
  AgentStatus status = AgentStatus::kOffline;
  bool in_shift = true;  // no shift: always in shift
  std::uint32_t max_open_items = 0;
  std::uint32_t open_items = 0;     // open work items assigned to the agent now
  std::vector<std::string> skills;  // empty: every category
};

// An item without a category (an inquiry opened without one) needs no skill.
bool skilled_for(const AgentView& agent, std::string_view category);
bool eligible(const AgentView& agent, const WorkItem& item);

// The index in `agents` of the agent `item` goes to, or nullopt when none is eligible.
// `agents` in ascending account_id; `cursor`: the account id of the last agent chosen
// (nullopt: none yet; it need not be among `agents`).
std::optional<std::size_t> choose_agent(std::span<const AgentView> agents, const WorkItem& item,
                                        std::optional<std::int64_t> cursor);

struct PlannedAssignment {
  std::size_t item;    // index into the queue as given
  std::int64_t agent;  // account id
};

// Assigns `queue` (any order; taken in queue order) to `agents` (ascending account_id)
// until no waiting item has an eligible agent or `limit` assignments are made. Each
// assignment raises the agent's open load and moves `cursor`, as the next choice sees
// them. `agents` is updated in place.
std::vector<PlannedAssignment> plan_assignments(std::span<const WorkItem> queue,
                                                std::vector<AgentView>& agents,
                                                std::optional<std::int64_t>& cursor,
                                                std::size_t limit = SIZE_MAX);

}  // namespace docket::domain

#include "domain/assignment.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <tuple>

namespace docket::domain {

namespace {

constexpr std::array<std::string_view, 4> kPriorityNames = {"low", "medium", "high", "urgent"};
constexpr std::array<std::string_view, 4> kStatusNames = {"available", "busy", "away", "offline"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// Whether the agent can take anything at all now (eligible for some item).
bool has_room(const AgentView& agent) {
  return agent.status == AgentStatus::kAvailable && agent.in_shift &&
         agent.open_items < agent.max_open_items;
}

}  // namespace

std::string_view queue_priority_name(QueuePriority priority) {
  return kPriorityNames[static_cast<std::size_t>(priority)];
}
std::optional<QueuePriority> parse_queue_priority(std::string_view text) {
  return parse_name<QueuePriority>(kPriorityNames, text);
}
std::string_view agent_status_name(AgentStatus status) {
  return kStatusNames[static_cast<std::size_t>(status)];
}
std::optional<AgentStatus> parse_agent_status(std::string_view text) {
  return parse_name<AgentStatus>(kStatusNames, text);
}

bool queue_before(const WorkItem& a, const WorkItem& b) {
  // Higher priority first, then older, then earlier in the log; kind and id make the
  // order total for items that share a created event (never in practice).
  return std::tuple(-static_cast<int>(a.priority), !a.sla_urgent, a.created_at_ms,
                    a.created_event_id, static_cast<int>(a.kind), a.id) <
         std::tuple(-static_cast<int>(b.priority), !b.sla_urgent, b.created_at_ms,
                    b.created_event_id, static_cast<int>(b.kind), b.id);
}

bool skilled_for(const AgentView& agent, std::string_view category) {
  return agent.skills.empty() || category.empty() ||
         std::find(agent.skills.begin(), agent.skills.end(), category) != agent.skills.end();
}

bool eligible(const AgentView& agent, const WorkItem& item) {
  return has_room(agent) && skilled_for(agent, item.category);
}

std::optional<std::size_t> choose_agent(std::span<const AgentView> agents, const WorkItem& item,
                                        std::optional<std::int64_t> cursor) {
  // Round-robin position: agents after the cursor first (ascending id), then from the
  // start up to and including the cursor.
  const auto turn = [&](const AgentView& agent) {
    return (cursor && agent.account_id <= *cursor) ? 1 : 0;
  };
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const AgentView& agent = agents[i];
    if (!eligible(agent, item)) continue;
    if (!best) {
      best = i;
      continue;
    }
    const AgentView& current = agents[*best];
    // Least open load, then the earlier turn, then the lower id (agents are in id order,
    // so a later index has a higher id).
    if (std::tuple(agent.open_items, turn(agent)) < std::tuple(current.open_items, turn(current))) {
      best = i;
    }
  }
  return best;
}

std::vector<PlannedAssignment> plan_assignments(std::span<const WorkItem> queue,
                                                std::vector<AgentView>& agents,
                                                std::optional<std::int64_t>& cursor,
                                                std::size_t limit) {
  std::vector<std::size_t> order(queue.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return queue_before(queue[a], queue[b]); });
  std::vector<PlannedAssignment> planned;
  for (const std::size_t index : order) {
    if (planned.size() >= limit) break;
    if (std::none_of(agents.begin(), agents.end(), has_room)) break;  // nobody can take more
    const std::optional<std::size_t> chosen = choose_agent(agents, queue[index], cursor);
    if (!chosen) continue;  // waits; younger items others can take go on
    AgentView& agent = agents[*chosen];
    ++agent.open_items;
    cursor = agent.account_id;
    planned.push_back({index, agent.account_id});
  }
  return planned;
}

}  // namespace docket::domain

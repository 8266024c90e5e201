// The queue's assignment rule: order, eligibility, least load then round-robin,
// capacity, fairness and determinism.
#include "domain/assignment.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace docket::domain {
namespace {

WorkItem item(std::int64_t id, QueuePriority priority, std::int64_t created_at,
              std::string category = "billing") {
  return {.kind = WorkKind::kSupportRequest,
          .id = id,
          .priority = priority,
          .category = std::move(category),
          .created_at_ms = created_at,
          .created_event_id = static_cast<std::uint64_t>(id)};
}

AgentView agent(std::int64_t id, std::uint32_t capacity, std::vector<std::string> skills = {}) {
  return {.account_id = id,
          .status = AgentStatus::kAvailable,
          .in_shift = true,
          .max_open_items = capacity,
          .open_items = 0,
          .skills = std::move(skills)};
}

// The agent ids the plan chose, in order.
std::vector<std::int64_t> agents_of(const std::vector<PlannedAssignment>& plan) {
  std::vector<std::int64_t> out;
  for (const auto& p : plan)
    out.push_back(p.agent);
  return out;
}

std::vector<std::int64_t> items_of(const std::vector<PlannedAssignment>& plan,
                                   const std::vector<WorkItem>& queue) {
  std::vector<std::int64_t> out;
  for (const auto& p : plan)
    out.push_back(queue[p.item].id);
  return out;
}

TEST_SUITE("domain assignment rule") {
  TEST_CASE("names of priorities and statuses") {
    CHECK(parse_queue_priority("urgent") == QueuePriority::kUrgent);
    CHECK_FALSE(parse_queue_priority("critical").has_value());
    CHECK(queue_priority_name(QueuePriority::kLow) == "low");
    CHECK(parse_agent_status("away") == AgentStatus::kAway);
    CHECK(agent_status_name(AgentStatus::kOffline) == "offline");
  }

  TEST_CASE("queue order: priority, then the oldest, then log order") {
    std::vector<WorkItem> q = {
        item(1, QueuePriority::kLow, 10),   item(2, QueuePriority::kUrgent, 50),
        item(3, QueuePriority::kMedium, 5), item(4, QueuePriority::kUrgent, 20),
        item(5, QueuePriority::kHigh, 1),   item(6, QueuePriority::kUrgent, 20)};
    std::sort(q.begin(), q.end(), queue_before);
    std::vector<std::int64_t> ids;
    for (const auto& w : q)
      ids.push_back(w.id);
    CHECK(ids == std::vector<std::int64_t>{4, 6, 2, 5, 3, 1});
    CHECK_FALSE(queue_before(q[0], q[0]));
  }

  TEST_CASE("queue order: within a priority, SLA-urgent items first, never across priorities") {
    std::vector<WorkItem> q = {item(1, QueuePriority::kHigh, 10), item(2, QueuePriority::kHigh, 30),
                               item(3, QueuePriority::kMedium, 5),
                               item(4, QueuePriority::kHigh, 20),
                               item(5, QueuePriority::kUrgent, 40)};
    q[1].sla_urgent = true;  // the youngest high item is critical or breached
    q[2].sla_urgent = true;  // an urgent medium item stays behind every high one
    std::sort(q.begin(), q.end(), queue_before);
    std::vector<std::int64_t> ids;
    for (const auto& w : q)
      ids.push_back(w.id);
    CHECK(ids == std::vector<std::int64_t>{5, 2, 1, 4, 3});
  }

  TEST_CASE("eligible: available, in shift, below capacity, skilled") {
    const WorkItem billing = item(1, QueuePriority::kMedium, 0, "billing");
    AgentView a = agent(1, 2);
    CHECK(eligible(a, billing));
    for (AgentStatus s : {AgentStatus::kBusy, AgentStatus::kAway, AgentStatus::kOffline}) {
      AgentView b = a;
      b.status = s;
      CHECK_FALSE(eligible(b, billing));
    }
    AgentView off = a;
    off.in_shift = false;
    CHECK_FALSE(eligible(off, billing));
    AgentView full = a;
    full.open_items = 2;
    CHECK_FALSE(eligible(full, billing));
    CHECK(eligible(agent(1, 1, {"billing", "shipping"}), billing));
    CHECK_FALSE(eligible(agent(1, 1, {"shipping"}), billing));
  }

  TEST_CASE("least open load first; equally loaded agents take turns after the cursor") {
    std::vector<AgentView> agents = {agent(10, 5), agent(20, 5), agent(30, 5)};
    const WorkItem w = item(1, QueuePriority::kMedium, 0);
    CHECK(choose_agent(agents, w, std::nullopt) == 0u);
    CHECK(choose_agent(agents, w, 10) == 1u);
    CHECK(choose_agent(agents, w, 20) == 2u);
    CHECK(choose_agent(agents, w, 30) == 0u);  // wraps around
    CHECK(choose_agent(agents, w, 25) == 2u);  // a cursor that left the roster
    agents[2].open_items = 1;
    CHECK(choose_agent(agents, w, 20) == 0u);  // 30 has more load: 10 comes first
    agents[0].open_items = 2;
    agents[1].open_items = 2;
    CHECK(choose_agent(agents, w, 30) == 2u);  // the least loaded, whatever the cursor
    for (auto& a : agents)
      a.status = AgentStatus::kBusy;
    CHECK_FALSE(choose_agent(agents, w, std::nullopt).has_value());
  }

  TEST_CASE("a plan takes items in queue order, rotates, and stops at capacity") {
    std::vector<WorkItem> queue;
    for (int i = 0; i < 10; ++i)
      queue.push_back(item(100 + i, i % 2 == 0 ? QueuePriority::kLow : QueuePriority::kHigh, i));
    std::vector<AgentView> agents = {agent(1, 2), agent(2, 2)};
    std::optional<std::int64_t> cursor;
    const auto plan = plan_assignments(queue, agents, cursor);
    CHECK(items_of(plan, queue) == std::vector<std::int64_t>{101, 103, 105, 107});
    CHECK(agents_of(plan) == std::vector<std::int64_t>{1, 2, 1, 2});
    CHECK(cursor == 2);
    CHECK(agents[0].open_items == 2);
    CHECK(agents[1].open_items == 2);
    // Freed capacity takes the oldest highest-priority waiting item.
    agents[0].open_items = 1;
    std::vector<WorkItem> rest = {queue[0], queue[2], queue[4], queue[9]};
    const auto next = plan_assignments(rest, agents, cursor);
    CHECK(items_of(next, rest) == std::vector<std::int64_t>{109});
    CHECK(agents_of(next) == std::vector<std::int64_t>{1});
  }

  TEST_CASE("an item nobody is skilled for waits without holding back younger ones") {
    const std::vector<WorkItem> queue = {item(1, QueuePriority::kHigh, 0, "legal"),
                                         item(2, QueuePriority::kHigh, 1, "billing"),
                                         item(3, QueuePriority::kHigh, 2, "legal")};
    std::vector<AgentView> agents = {agent(1, 5, {"billing"})};
    std::optional<std::int64_t> cursor;
    auto plan = plan_assignments(queue, agents, cursor);
    CHECK(items_of(plan, queue) == std::vector<std::int64_t>{2});
    // A legal agent arrives: the older legal item first.
    agents.push_back(agent(2, 1, {"legal"}));
    const std::vector<WorkItem> waiting = {queue[0], queue[2]};
    plan = plan_assignments(waiting, agents, cursor);
    CHECK(items_of(plan, waiting) == std::vector<std::int64_t>{1});
    CHECK(agents_of(plan) == std::vector<std::int64_t>{2});
  }

  TEST_CASE("fair and within capacity: 20 agents of capacities 3/5/10 draining 10,000 items") {
    std::mt19937 rng(7);
    const std::vector<std::string> categories = {"billing",   "shipping", "account",
                                                 "technical", "returns",  "other"};
    std::vector<WorkItem> queue;
    for (int i = 0; i < 10'000; ++i) {
      queue.push_back(item(i + 1, static_cast<QueuePriority>(rng() % 4), rng() % 100'000,
                           categories[rng() % categories.size()]));
    }
    std::vector<AgentView> agents;
    for (int i = 0; i < 20; ++i)
      agents.push_back(agent(i + 1, std::array<std::uint32_t, 3>{3, 5, 10}[i % 3]));
    std::optional<std::int64_t> cursor;
    std::vector<AgentView> replay = agents;
    const auto plan = plan_assignments(queue, agents, cursor);
    std::size_t capacity = 0;
    for (const auto& a : agents)
      capacity += a.max_open_items;
    CHECK(plan.size() == capacity);
    // Replay the plan step by step: the items come in queue order, no agent goes over its
    // capacity, and within each capacity class the counts never differ by more than one.
    std::vector<WorkItem> sorted = queue;
    std::sort(sorted.begin(), sorted.end(), queue_before);
    for (std::size_t step = 0; step < plan.size(); ++step) {
      CHECK(queue[plan[step].item].id == sorted[step].id);
      AgentView& a = replay[static_cast<std::size_t>(plan[step].agent - 1)];
      ++a.open_items;
      REQUIRE(a.open_items <= a.max_open_items);
      std::map<std::uint32_t, std::pair<std::uint32_t, std::uint32_t>> spread;
      for (const auto& r : replay) {
        auto [it, fresh] = spread.try_emplace(r.max_open_items, r.open_items, r.open_items);
        it->second.first = std::min(it->second.first, r.open_items);
        it->second.second = std::max(it->second.second, r.open_items);
      }
      for (const auto& [cap, range] : spread) {
        CAPTURE(cap);
        CHECK(range.second - range.first <= 1);
      }
    }
    // Deterministic: the same inputs give the same plan.
    std::vector<AgentView> again = replay;
    for (auto& a : again)
      a.open_items = 0;
    std::optional<std::int64_t> cursor2;
    const auto plan2 = plan_assignments(queue, again, cursor2);
    CHECK(agents_of(plan2) == agents_of(plan));
    CHECK(items_of(plan2, queue) == items_of(plan, queue));
  }
}

}  // namespace
}  // namespace docket::domain

// The assignment queue: drain time, assignments/s, fairness, and a replay of the log
// that checks every automatic assignment against the rule.
//
//   bench_queue [--items 10000] [--dir DIR] [--seed 1]
//
// Set-up (through the real write path and read models, not timed): 20 agents with
// capacities 3 (7 agents), 5 (7) and 10 (6), mixed skills (every fourth agent has none:
// every category), shifts in three time zones covering the whole week, and two of the
// ten-capacity agents with a shift that does not cover now (they must get nothing);
// `items` open requests over 4 priorities and 6 categories, in random order.
//
// Then, until the queue is empty: one queue run (QueueService::run_once, timed: it reads
// the read model, plans, submits every planned assignment and waits for them to be
// applied), then every assigned request is resolved (not timed), which frees every
// agent again. Printed: the first run (the queue drained to capacity), the assignments
// per second over all runs, and the whole drain.
//
// The replay reads the log from event 1 and folds agents and requests as it goes. At
// each automatic assignment it checks that the agent was available, in shift at the
// event's time, skilled for the item and below capacity, and that no item ahead of it
// in queue order that the agent was skilled for was still waiting (order). After every
// event at which all in-shift agents are at capacity it checks that, within each
// capacity class, assigned counts differ by at most one (fairness). Any failure is
// printed and the exit status is 1.
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <tuple>

#include "bench/bench_commands.h"
#include "bench/bench_util.h"
#include "cli/server_runtime.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/account_commands.h"
#include "domain/agent.h"
#include "domain/command.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/reader_pool.h"
#include "scheduler/queue_service.h"

using namespace docket;

namespace {

using bench::run;
using bench::run_all;

constexpr const char* kCategories[] = {"technical", "billing", "account",
                                       "feature",   "general", "security"};
constexpr const char* kPriorities[] = {"low", "medium", "high", "urgent"};

struct Item {
  int rank = 0;
  std::string category;
  std::int64_t created_ms = 0;
  std::uint64_t created_event = 0;
  bool open = true;
  std::optional<std::int64_t> assignee;
};

using QueueKey =
    std::tuple<int, std::int64_t, std::uint64_t, std::int64_t>;  // -rank, ms, event, id

QueueKey key_of(std::int64_t id, const Item& item) {
  return {-item.rank, item.created_ms, item.created_event, id};
}

struct Replay {
  std::map<std::int64_t, domain::Agent> agents;
  std::map<std::int64_t, Item> items;
  std::set<QueueKey> waiting;
  std::map<std::int64_t, std::uint64_t> auto_assigned;  // per agent
  std::uint64_t assignments = 0;
  std::uint64_t fairness_points = 0;
  std::uint64_t max_spread = 0;
  std::vector<std::string> violations;

  void fail(const events::EventRecord& e, const std::string& what) {
    if (violations.size() < 20) {
      violations.push_back("event " + std::to_string(e.eventId) + ": " + what);
    } else if (violations.size() == 20) {
      violations.push_back("...");
    }
  }

  void check_assignment(const events::EventRecord& e, std::int64_t id, std::int64_t agent_id) {
    ++assignments;
    auto it = items.find(id);
    if (it == items.end() || !waiting.count(key_of(id, it->second))) {
      return fail(e, "item " + std::to_string(id) + " was not waiting");
    }
    const domain::Agent& agent = agents[agent_id];
    auto view = domain::agent_view(agent, e.occurredAt);
    if (!view.ok()) return fail(e, view.status().ToString());
    if (view->status != domain::AgentStatus::kAvailable) fail(e, "agent not available");
    if (!view->in_shift) fail(e, "agent out of shift");
    if (!domain::skilled_for(*view, it->second.category)) fail(e, "agent not skilled");
    if (view->open_items >= view->max_open_items) fail(e, "agent at capacity");
    for (const QueueKey& ahead : waiting) {
      if (ahead >= key_of(id, it->second)) break;
      if (domain::skilled_for(*view, items[std::get<3>(ahead)].category)) {
        fail(e, "item " + std::to_string(id) + " overtook " + std::to_string(std::get<3>(ahead)));
        break;
      }
    }
    ++auto_assigned[agent_id];
  }

  void check_fairness(std::int64_t at_ms) {
    std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> classes;  // min, max
    for (const auto& [id, agent] : agents) {
      auto view = domain::agent_view(agent, at_ms);
      if (!view.ok() || !view->in_shift || view->status != domain::AgentStatus::kAvailable) {
        continue;
      }
      if (view->open_items < view->max_open_items) return;  // not all at capacity
      const std::uint64_t n = auto_assigned[id];
      auto [c, fresh] = classes.try_emplace(view->max_open_items, n, n);
      if (!fresh) {
        c->second.first = std::min(c->second.first, n);
        c->second.second = std::max(c->second.second, n);
      }
    }
    if (classes.empty()) return;
    ++fairness_points;
    for (const auto& [capacity, range] : classes) {
      const std::uint64_t spread = range.second - range.first;
      max_spread = std::max(max_spread, spread);
      if (spread > 1) {
        violations.push_back("capacity class " + std::to_string(capacity) + ": spread " +
                             std::to_string(spread));
      }
    }
  }

  void apply(const events::EventRecord& e) {
    if (domain::AgentEvent::contains(e.type)) {
      auto decoded = domain::AgentEvent::decode(e);
      if (!decoded.ok()) return fail(e, decoded.status().ToString());
      auto id = std::visit([](const auto& v) { return v.accountId; }, *decoded);
      domain::Agent& agent = agents[id];
      if (Status s = domain::apply(agent, *decoded, e); !s.ok()) return fail(e, s.ToString());
      agent.version = e.streamVersion;
      if (agent.open.size() > agent.maxOpenItems) fail(e, "capacity exceeded");
      return;
    }
    if (!domain::SupportRequestEvent::contains(e.type)) return;
    auto decoded = domain::SupportRequestEvent::decode(e);
    if (!decoded.ok()) return fail(e, decoded.status().ToString());
    std::visit(
        events::Overloaded{
            [&](const domain::SupportRequestCreated& c) {
              Item item{domain::priority_rank(c.priority), c.category, e.occurredAt, e.eventId};
              waiting.insert(key_of(c.supportRequestId, item));
              items[c.supportRequestId] = item;
            },
            [&](const domain::SupportRequestAssigned& a) {
              Item& item = items[a.supportRequestId];
              if (a.assignedAdminId && a.reason == std::optional<std::string>("auto")) {
                check_assignment(e, a.supportRequestId, *a.assignedAdminId);
              }
              if (item.open && !item.assignee) waiting.erase(key_of(a.supportRequestId, item));
              item.assignee = a.assignedAdminId;
              if (item.open && !item.assignee) waiting.insert(key_of(a.supportRequestId, item));
            },
            [&](const domain::SupportRequestStatusChanged& s) {
              Item& item = items[s.supportRequestId];
              if (item.open && !item.assignee) waiting.erase(key_of(s.supportRequestId, item));
              item.open = domain::request_is_open_work(s.to);
              if (item.open && !item.assignee) waiting.insert(key_of(s.supportRequestId, item));
            },
            [&](const auto&) {},
        },
        *decoded);
  }
};

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  set_log_level(LogLevel::kWarn);
  const auto total = bench::flag_uint(argc, argv, "items", 10000);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-queue-data");
  const auto seed = bench::flag_uint(argc, argv, "seed", 1);
  std::filesystem::remove_all(dir);

  cli::ServerRuntime::Options options;
  options.config.data_dir = dir;
  options.config.queue_enabled = false;  // the benchmark runs the queue itself
  options.control_socket = false;
  options.http = false;
  auto rt = cli::ServerRuntime::start(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "start: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  events::EventStore& store = (*rt)->store();
  projections::ReaderPool readers((*rt)->projections());

  // Agents.
  const char* zones[] = {"Europe/Berlin", "America/New_York", "Asia/Tokyo"};
  std::vector<std::int64_t> agents;
  for (int n = 0; n < 20; ++n) {
    domain::CreateStaff staff;
    staff.email = "agent" + std::to_string(n) + "@example.com";
    staff.name = "Agent " + std::to_string(n);
    staff.role = "agent";
    staff.permissions = *auth::role_preset("agent");
    staff.passwordHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    const std::int64_t id = run(store, staff, domain::kAccountSequence);
    agents.push_back(id);
    domain::UpdateAgentProfile profile;
    profile.accountId = id;
    profile.maxOpenItems = n < 7 ? 3u : n < 14 ? 5u : 10u;
    if (n % 4 != 0) {  // every fourth: no skills (every category)
      profile.skills = std::vector<std::string>{kCategories[n % 6], kCategories[(n + 1) % 6],
                                                kCategories[(n + 3) % 6]};
    }
    domain::Shift shift{zones[n % 3], {}};
    for (int d = 0; d < 7; ++d) {
      shift.weekly.push_back({static_cast<domain::Weekday>(d), 0, 0});  // the whole day
    }
    if (n >= 18) {  // one hour a week, three days from now: out of shift all along
      const auto today = (SystemClock::instance().now_ms() / 86'400'000 + 3) % 7;  // 0: Mon
      const auto away = static_cast<domain::Weekday>((today + 3) % 7);
      shift = domain::Shift{"UTC", {{away, 0, 60}}};
    }
    if (n % 2 == 1 || n >= 18) profile.shift = std::optional<domain::Shift>(shift);
    profile.status = domain::AgentStatus::kAvailable;
    run(store, profile);
  }

  // Requests.
  const std::int64_t customer =
      run(store,
          domain::RegisterCustomer{"customer@example.com", "Customer", std::nullopt,
                                   "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"},
          domain::kAccountSequence);
  std::mt19937_64 rng(seed);
  std::vector<domain::CreateSupportRequest> creates;
  for (std::uint64_t i = 0; i < total; ++i) {
    creates.push_back({customer, "Item " + std::to_string(i), kCategories[rng() % 6],
                       kPriorities[rng() % 4], "Please help", RawJson{"null"}});
  }
  auto t_seed = std::chrono::steady_clock::now();
  for (std::size_t from = 0; from < creates.size(); from += 1000) {
    std::vector<domain::CreateSupportRequest> batch(
        creates.begin() + static_cast<std::ptrdiff_t>(from),
        creates.begin() + static_cast<std::ptrdiff_t>(std::min(from + 1000, creates.size())));
    run_all(store, batch);
  }
  std::printf("seed: agents=20 items=%llu seconds=%.2f\n", static_cast<unsigned long long>(total),
              bench::seconds_since(t_seed));

  // Drain.
  scheduler::QueueService queue(store, readers, SystemClock::instance(), {});
  double run_seconds = 0, first_run_seconds = 0;
  std::uint64_t assigned = 0, first_run = 0, runs = 0, refused = 0;
  const auto t_drain = std::chrono::steady_clock::now();
  for (;;) {
    const std::uint64_t before = store.head();
    const auto t0 = std::chrono::steady_clock::now();
    auto outcome = queue.run_once();
    const double secs = bench::seconds_since(t0);
    if (!outcome.ok()) {
      std::fprintf(stderr, "run: %s\n", outcome.status().ToString().c_str());
      return 1;
    }
    if (outcome->assigned == 0) break;
    if (runs == 0) {
      first_run_seconds = secs;
      first_run = outcome->assigned;
    }
    ++runs;
    run_seconds += secs;
    assigned += outcome->assigned;
    refused += outcome->refused;
    // Resolve what this run assigned: every agent is free again.
    std::vector<domain::ChangeSupportRequestStatus> resolves;
    Status scanned = store.scan(before + 1, store.head(), [&](const events::EventRecord& e) {
      if (e.type == domain::SupportRequestAssigned::kType) {
        auto a = events::decode<domain::SupportRequestAssigned>(e);
        if (a.ok() && a->assignedAdminId) {
          resolves.push_back({a->supportRequestId, "resolved", std::nullopt});
        }
      }
      return true;
    });
    if (!scanned.ok()) return 1;
    run_all(store, resolves);
  }
  const double drain_seconds = bench::seconds_since(t_drain);
  std::printf("first run (drain to capacity): assigned=%llu ms=%.1f\n",
              static_cast<unsigned long long>(first_run), first_run_seconds * 1000);
  std::printf(
      "drain: runs=%llu assigned=%llu refused=%llu run_seconds=%.2f assignments_per_s=%.0f "
      "wall_seconds=%.2f (with resolving)\n",
      static_cast<unsigned long long>(runs), static_cast<unsigned long long>(assigned),
      static_cast<unsigned long long>(refused), run_seconds,
      static_cast<double>(assigned) / run_seconds, drain_seconds);

  // Replay.
  Replay replay;
  const auto t_replay = std::chrono::steady_clock::now();
  Status scanned = store.scan(1, 0, [&](const events::EventRecord& e) {
    replay.apply(e);
    replay.check_fairness(e.occurredAt);
    return true;
  });
  if (!scanned.ok()) {
    std::fprintf(stderr, "replay: %s\n", scanned.ToString().c_str());
    return 1;
  }
  std::uint64_t out_of_shift = 0;
  for (std::size_t n = 18; n < agents.size(); ++n)
    out_of_shift += replay.auto_assigned[agents[n]];
  if (out_of_shift > 0) replay.violations.push_back("out-of-shift agents were assigned work");
  std::printf(
      "replay: events=%llu auto_assignments=%llu fairness_points=%llu max_spread=%llu "
      "out_of_shift_assigned=%llu violations=%zu seconds=%.2f\n",
      static_cast<unsigned long long>(store.head()),
      static_cast<unsigned long long>(replay.assignments),
      static_cast<unsigned long long>(replay.fairness_points),
      static_cast<unsigned long long>(replay.max_spread),
      static_cast<unsigned long long>(out_of_shift), replay.violations.size(),
      bench::seconds_since(t_replay));
  for (const std::string& v : replay.violations)
    std::printf("  violation: %s\n", v.c_str());
  std::printf("per agent (capacity: auto assignments):");
  for (std::size_t n = 0; n < agents.size(); ++n) {
    std::printf(" %u:%llu",
                n < 7    ? 3u
                : n < 14 ? 5u
                         : 10u,
                static_cast<unsigned long long>(replay.auto_assigned[agents[n]]));
  }
  std::printf("\n");
  (*rt)->stop();
  std::filesystem::remove_all(dir);
  return replay.violations.empty() && assigned == total ? 0 : 1;
}

#include "scheduler/queue_service.h"

#include <algorithm>
#include <future>
#include <memory>
#include <vector>

#include "core/log.h"
#include "core/metrics.h"
#include "domain/agent.h"
#include "domain/assignment.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "projections/reader_pool.h"
#include "projections/work_queue_query.h"

namespace docket::scheduler {
namespace {

// The events after which a run may assign something it could not before.
bool may_change_answer(const events::EventRecord& e) {
  const std::string_view t = e.type;
  return t == domain::SupportRequestCreated::kType || t == domain::InquiryCreated::kType ||
         t == domain::SupportRequestStatusChanged::kType ||
         t == domain::InquiryStatusChanged::kType || t == domain::InquiryLinked::kType ||
         t == domain::AgentStatusChanged::kType || t == domain::AgentProfileChanged::kType ||
         t == domain::AgentWorkReleased::kType ||
         t == domain::SupportRequestPriorityChanged::kType ||
         // An unassignment puts an item back; an assignment by staff may free nothing,
         // but a reassignment frees the previous agent (agent.work_released covers it).
         (t == domain::SupportRequestAssigned::kType || t == domain::InquiryAssigned::kType);
}

domain::WorkItem work_item(const projections::QueueItemRow& row, std::int64_t now_ms) {
  domain::WorkItem item;
  item.kind = row.kind == domain::kItemSupportInquiry ? domain::WorkKind::kSupportInquiry
                                                      : domain::WorkKind::kSupportRequest;
  item.id = row.id;
  item.priority =
      domain::parse_queue_priority(row.priority).value_or(domain::QueuePriority::kMedium);
  item.category = row.category;
  item.created_at_ms = row.createdMs;
  item.created_event_id = row.createdEventId;
  item.sla_urgent = row.slaUrgentMs && *row.slaUrgentMs <= now_ms;
  return item;
}

struct Snapshot {
  std::vector<domain::AgentView> agents;
  std::vector<domain::WorkItem> queue;
  std::optional<std::int64_t> next_edge_ms;
  std::optional<std::int64_t> cursor;
};

}  // namespace

QueueService::QueueService(events::EventStore& store, projections::ReaderPool& readers,
                           const Clock& clock, QueueOptions options)
    : store_(store), readers_(readers), clock_(clock), options_(options) {}

QueueService::~QueueService() {
  stop();
}

void QueueService::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void QueueService::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueueService::on_commit(std::span<const events::EventRecord> records) {
  if (!std::any_of(records.begin(), records.end(), may_change_answer)) return;
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  wake_.notify_one();
}

void QueueService::loop() {
  auto next_sweep = std::chrono::steady_clock::now() + options_.interval;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // The next shift edge, as a steady deadline.
    auto deadline = next_sweep;
    if (next_edge_ms_) {
      const auto wait = std::chrono::milliseconds(
          std::max<std::int64_t>(*next_edge_ms_ - clock_.now_ms(), 0) + 1);
      deadline = std::min(deadline, std::chrono::steady_clock::now() + wait);
    }
    wake_.wait_until(lock, deadline, [&] { return stopping_ || dirty_; });
    if (stopping_) break;
    const bool swept = std::chrono::steady_clock::now() >= next_sweep;
    if (!dirty_ && !swept && !(next_edge_ms_ && clock_.now_ms() >= *next_edge_ms_)) continue;
    dirty_ = false;
    if (swept) next_sweep = std::chrono::steady_clock::now() + options_.interval;
    lock.unlock();
    Result<QueueRun> run = options_.enabled ? run_once() : Result<QueueRun>(QueueRun{});
    report_depth();
    if (!run.ok()) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      log_warn("queue.run_failed",
               [&](JsonWriter& w) { w.field("error", run.status().ToString()); });
    } else if (run->assigned > 0 || run->refused > 0) {
      log(LogLevel::kDebug, "queue.run", [&](JsonWriter& w) {
        w.field("planned", run->planned).field("assigned", run->assigned);
        w.field("refused", run->refused);
      });
    }
    lock.lock();
    // Refusals mean the plan was made from a state the writer had moved past: look
    // again at once (the commits have been applied to the read model by now).
    if (run.ok() && run->refused > 0) dirty_ = true;
  }
}

void QueueService::report_depth() {
  if (!depth_listener_) return;
  const std::uint64_t applied = store_.applied();
  auto lease = readers_.lease();
  if (!lease.ok()) return;
  auto stats = projections::WorkQueueQuery(lease->db()).stats();
  if (!stats.ok()) return;
  const bool same =
      reported_ && reported_->depth == stats->depth && reported_->byPriority == stats->byPriority;
  if (same) return;
  reported_ = *stats;
  depth_listener_(*stats, applied);
}

Result<QueueRun> QueueService::run_once() {
  runs_.fetch_add(1, std::memory_order_relaxed);
  const std::int64_t now = clock_.now_ms();
  Snapshot snap;
  {
    auto lease = readers_.lease();
    if (!lease.ok()) return lease.status();
    projections::WorkQueueQuery query(lease->db());
    auto agents = query.agents(options_.default_capacity);
    if (!agents.ok()) return agents.status();
    for (const projections::AgentRow& row : *agents) {
      if (!row.recorded) continue;  // offline until recorded
      domain::AgentView view;
      view.account_id = row.accountId;
      view.status = domain::parse_agent_status(row.status).value_or(domain::AgentStatus::kOffline);
      view.max_open_items = row.maxOpenItems;
      view.open_items = row.openItems;
      view.skills = row.skills;
      if (row.shiftJson) {
        auto shift = domain::parse_shift_json(*row.shiftJson);
        if (!shift.ok()) return shift.status();
        auto in = domain::in_shift(*shift, now);
        if (!in.ok()) return in.status();
        view.in_shift = *in;
        auto edge = domain::next_shift_change(*shift, now);
        if (edge.ok() && *edge) {
          snap.next_edge_ms = snap.next_edge_ms ? std::min(*snap.next_edge_ms, **edge) : **edge;
        }
      }
      snap.agents.push_back(std::move(view));
    }
    {
      std::lock_guard lock(mu_);
      next_edge_ms_ = snap.next_edge_ms;
    }
    const bool any_room = std::any_of(snap.agents.begin(), snap.agents.end(), [](const auto& a) {
      return a.status == domain::AgentStatus::kAvailable && a.in_shift &&
             a.open_items < a.max_open_items;
    });
    if (!any_room) return QueueRun{};
    const std::int64_t read_at = clock_.now_ms();
    auto waiting = query.waiting(options_.max_waiting_read, 0, read_at);
    if (!waiting.ok()) return waiting.status();
    snap.queue.reserve(waiting->size());
    for (const auto& row : *waiting)
      snap.queue.push_back(work_item(row, read_at));
    if (!cursor_loaded_) {
      auto cursor = query.cursor();
      if (!cursor.ok()) return cursor.status();
      cursor_ = *cursor;
      cursor_loaded_ = true;
    }
  }

  std::optional<std::int64_t> cursor = cursor_;
  const auto plan = domain::plan_assignments(snap.queue, snap.agents, cursor);
  QueueRun run;
  run.planned = plan.size();
  if (plan.empty()) return run;

  // Every assignment is submitted at once (one group commit for many), in plan order:
  // the writer decides them in that order.
  std::vector<std::promise<Status>> done(plan.size());
  std::vector<std::future<Status>> waits;
  waits.reserve(plan.size());
  for (auto& p : done)
    waits.push_back(p.get_future());
  domain::AssignmentTerms terms;
  terms.reason = "auto";
  terms.onlyUnassigned = true;
  terms.checkSkill = true;
  terms.checkAvailability = true;
  terms.defaultCapacity = options_.default_capacity;
  for (std::size_t n = 0; n < plan.size(); ++n) {
    const domain::WorkItem& item = snap.queue[plan[n].item];
    auto finish = [promise = &done[n]](Result<domain::Executed> executed) {
      promise->set_value(executed.ok() ? Status::Ok() : executed.status());
    };
    if (item.kind == domain::WorkKind::kSupportRequest) {
      domain::AssignSupportRequest command{item.id, plan[n].agent, std::nullopt, terms};
      domain::execute_async(store_, std::move(command), domain::CommandMeta{}, finish);
    } else {
      domain::AssignInquiry command{item.id, plan[n].agent, std::nullopt, terms};
      domain::execute_async(store_, std::move(command), domain::CommandMeta{}, finish);
    }
  }
  for (std::size_t n = 0; n < plan.size(); ++n) {
    Status s = waits[n].get();
    if (s.ok()) {
      ++run.assigned;
      cursor_ = plan[n].agent;
    } else if (domain::refusal_of(s)) {
      ++run.refused;
    } else {
      return s;  // storage: the next run starts from the log again
    }
  }
  return run;
}

void QueueService::register_metrics(MetricsRegistry& registry) {
  auto read = [this](auto&& use) {
    auto lease = readers_.lease();
    if (!lease.ok()) return;
    projections::WorkQueueQuery query(lease->db());
    use(query);
  };
  registry.gauge_callback("docket_queue_depth", "Open, unassigned work items waiting.", [read] {
    double depth = 0;
    read([&](projections::WorkQueueQuery& q) {
      if (auto s = q.stats(); s.ok()) depth = static_cast<double>(s->depth);
    });
    return depth;
  });
  const Clock* clock = &clock_;
  registry.gauge_callback(
      "docket_queue_oldest_waiting_seconds",
      "Age of the oldest waiting work item (0 when none waits).", [read, clock] {
        double age = 0;
        read([&](projections::WorkQueueQuery& q) {
          if (auto s = q.stats(); s.ok() && s->oldestCreatedMs) {
            age = static_cast<double>(clock->now_ms() - *s->oldestCreatedMs) / 1000.0;
          }
        });
        return std::max(age, 0.0);
      });
  registry.counter_callback(
      "docket_queue_assignments_total",
      "Assignments of work items to agents in the log, by reason (auto, take, manual).", {"reason"},
      [read] {
        std::vector<MetricsRegistry::Sample> samples;
        for (const char* reason : {"auto", "take", "manual"}) {
          samples.push_back({{reason}, 0});
        }
        read([&](projections::WorkQueueQuery& q) {
          auto counts = q.assignments_by_reason();
          if (!counts.ok()) return;
          for (const auto& [reason, n] : *counts) {
            for (auto& sample : samples) {
              if (sample.labels[0] == reason) sample.value = static_cast<double>(n);
            }
          }
        });
        return samples;
      });
  const std::uint32_t default_capacity = options_.default_capacity;
  auto per_agent = [read, default_capacity](auto&& value) {
    std::vector<MetricsRegistry::Sample> samples;
    read([&](projections::WorkQueueQuery& q) {
      auto agents = q.agents(default_capacity);
      if (!agents.ok()) return;
      for (const auto& a : *agents) {
        samples.push_back({{std::to_string(a.accountId)}, static_cast<double>(value(a))});
      }
    });
    return samples;
  };
  registry.gauge_callback(
      "docket_queue_agent_open_items", "Open work items counted against each agent's capacity.",
      {"agent"}, [per_agent] {
        return per_agent([](const projections::AgentRow& a) { return a.openItems; });
      });
  registry.gauge_callback(
      "docket_queue_agent_capacity", "Each agent's maxOpenItems.", {"agent"}, [per_agent] {
        return per_agent([](const projections::AgentRow& a) { return a.maxOpenItems; });
      });
  registry.gauge_callback("docket_queue_agents", "Agents (active staff accounts) by status.",
                          {"status"}, [read, default_capacity] {
                            std::vector<MetricsRegistry::Sample> samples;
                            for (const char* status : {"available", "busy", "away", "offline"}) {
                              samples.push_back({{status}, 0});
                            }
                            read([&](projections::WorkQueueQuery& q) {
                              auto agents = q.agents(default_capacity);
                              if (!agents.ok()) return;
                              for (const auto& a : *agents) {
                                for (auto& sample : samples) {
                                  if (sample.labels[0] == a.status) sample.value += 1;
                                }
                              }
                            });
                            return samples;
                          });
  registry.counter_callback("docket_queue_runs_total", "Runs of the queue service.",
                            [this] { return static_cast<double>(runs_.load()); });
  registry.counter_callback("docket_queue_run_failures_total",
                            "Queue runs that failed (storage or read model errors).",
                            [this] { return static_cast<double>(failures_.load()); });
}

}  // namespace docket::scheduler

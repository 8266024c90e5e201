#include "scheduler/sla_monitor.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <vector>

#include "core/log.h"
#include "core/metrics.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "domain/sla_breach.h"
#include "domain/support_inquiry_events.h"
#include "domain/support_request_events.h"
#include "projections/reader_pool.h"
#include "projections/sla_query.h"

namespace docket::scheduler {
namespace {

// The deadline a committed sla_updated event asks the monitor to watch.
std::optional<std::int64_t> due_in(const events::EventRecord& record) {
  std::optional<domain::SlaClockRecord> sla;
  if (record.type == domain::SupportRequestSlaUpdated::kType) {
    auto e = events::decode<domain::SupportRequestSlaUpdated>(record);
    if (e.ok()) sla = e->sla;
  } else if (record.type == domain::InquirySlaUpdated::kType) {
    auto e = events::decode<domain::InquirySlaUpdated>(record);
    if (e.ok()) sla = e->sla;
  }
  if (!sla) return std::nullopt;
  auto clock = domain::sla_clock_from_record(*sla);
  if (!clock.ok()) return std::nullopt;
  return domain::next_sla_due(*clock);
}

}  // namespace

SlaMonitor::SlaMonitor(events::EventStore& store, projections::ReaderPool& readers,
                       const Clock& clock, CronSchedule schedule, SlaMonitorOptions options)
    : store_(store),
      readers_(readers),
      clock_(clock),
      schedule_(std::move(schedule)),
      options_(options) {}

SlaMonitor::~SlaMonitor() {
  stop();
}

void SlaMonitor::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void SlaMonitor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SlaMonitor::notify() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  wake_.notify_all();
}

void SlaMonitor::on_commit(std::span<const events::EventRecord> records) {
  std::optional<std::int64_t> earliest;
  for (const events::EventRecord& record : records) {
    if (auto due = due_in(record); due && (!earliest || *due < *earliest)) earliest = due;
  }
  if (!earliest) return;
  {
    std::lock_guard lock(mu_);
    if (next_due_ms_ && *next_due_ms_ <= *earliest) return;
    next_due_ms_ = earliest;
    poked_ = true;
  }
  wake_.notify_one();
}

std::optional<std::int64_t> SlaMonitor::read_next_due() {
  auto lease = readers_.lease();
  if (!lease.ok()) return std::nullopt;
  auto next = projections::SlaQuery(lease->db()).next_due();
  if (!next.ok()) return std::nullopt;
  return *next;
}

void SlaMonitor::loop() {
  std::optional<std::int64_t> read = read_next_due();
  std::unique_lock lock(mu_);
  if (read && (!next_due_ms_ || *read < *next_due_ms_)) next_due_ms_ = read;
  std::optional<UnixMillis> next_tick = schedule_.next_after(clock_.now_ms());
  while (!stopping_) {
    const std::int64_t now = clock_.now_ms();
    std::optional<std::int64_t> wake_at = next_tick;
    if (next_due_ms_ && (!wake_at || *next_due_ms_ < *wake_at)) wake_at = next_due_ms_;
    if (!wake_at || *wake_at > now) {
      // Real time to sleep; at most a minute, so a clock that jumps is noticed.
      const std::int64_t wait = wake_at ? std::min<std::int64_t>(*wake_at - now, 60'000) : 60'000;
      wake_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_ || poked_; });
      poked_ = false;
      continue;
    }
    if (next_tick && *next_tick <= now) next_tick = schedule_.next_after(now);
    const std::optional<std::int64_t> wanted = next_due_ms_;
    next_due_ms_.reset();
    lock.unlock();
    Result<SlaRun> run = run_once();
    if (!run.ok()) {
      failures_.fetch_add(1, std::memory_order_relaxed);
      log_warn("sla.monitor_failed",
               [&](JsonWriter& w) { w.field("error", run.status().ToString()); });
    } else if (run->recorded > 0 || run->skipped > 0) {
      log_info("sla.breaches", [&](JsonWriter& w) {
        w.field("due", run->due).field("recorded", run->recorded).field("skipped", run->skipped);
      });
    }
    read = read_next_due();
    lock.lock();
    if (read && (!next_due_ms_ || *read < *next_due_ms_)) next_due_ms_ = read;
    // A deadline a committed event named that the read model did not list yet (it
    // applies a group moments after the commit) is looked at again a second later, a
    // few times; one the read model still lists (a breach refused as not due) likewise.
    // The cron sweep covers whatever is left.
    const bool lagging = run.ok() && run->due == 0 && wanted && *wanted <= now;
    retries_ = lagging || (next_due_ms_ && *next_due_ms_ <= clock_.now_ms()) ? retries_ + 1 : 0;
    if (retries_ > 0 && retries_ <= kMaxRetries) {
      next_due_ms_ = clock_.now_ms() + 1000;
    } else if (next_due_ms_ && *next_due_ms_ <= clock_.now_ms()) {
      next_due_ms_.reset();
    }
  }
}

Result<SlaRun> SlaMonitor::run_once() {
  runs_.fetch_add(1, std::memory_order_relaxed);
  SlaRun run;
  for (;;) {
    const std::int64_t now = clock_.now_ms();
    std::vector<projections::SlaDueRow> due;
    {
      auto lease = readers_.lease();
      if (!lease.ok()) return lease.status();
      auto rows = projections::SlaQuery(lease->db()).due(now, options_.batch);
      if (!rows.ok()) return rows.status();
      due = std::move(rows).value();
    }
    if (due.empty()) return run;
    run.due += due.size();
    // Every breach is submitted at once (few group commits for many).
    std::vector<std::promise<Status>> done(due.size());
    std::vector<std::future<Status>> waits;
    waits.reserve(due.size());
    for (auto& p : done)
      waits.push_back(p.get_future());
    for (std::size_t n = 0; n < due.size(); ++n) {
      const projections::SlaDueRow& row = due[n];
      domain::RecordSlaBreach command;
      command.kind = row.kind == "support_inquiry" ? domain::WorkKind::kSupportInquiry
                                                   : domain::WorkKind::kSupportRequest;
      command.itemId = row.itemId;
      command.target = row.target;
      command.dueAt = row.dueMs;
      command.escalate = options_.escalate;
      domain::execute_async(store_, command, domain::CommandMeta{},
                            [promise = &done[n]](Result<domain::Executed> executed) {
                              promise->set_value(executed.ok() ? Status::Ok() : executed.status());
                            });
    }
    std::size_t recorded = 0;
    for (auto& wait : waits) {
      Status s = wait.get();
      if (s.ok()) {
        ++recorded;
      } else if (domain::refusal_of(s)) {
        ++run.skipped;
      } else {
        return s;  // storage: the next run reads again
      }
    }
    run.recorded += recorded;
    recorded_.fetch_add(recorded, std::memory_order_relaxed);
    // Acknowledged as applied: the read model no longer lists what was recorded. A batch
    // that recorded nothing is not read again now (the read model shows it as due until
    // the refusal's cause reaches it).
    if (recorded == 0 || due.size() < options_.batch) return run;
  }
}

void SlaMonitor::register_metrics(MetricsRegistry& registry) {
  registry.counter_callback("docket_sla_breaches_recorded_total",
                            "SLA breaches the monitor recorded since the start.",
                            [this] { return static_cast<double>(recorded_.load()); });
  registry.counter_callback("docket_sla_monitor_runs_total", "Runs of the SLA monitor.",
                            [this] { return static_cast<double>(runs_.load()); });
  registry.counter_callback("docket_sla_monitor_failures_total",
                            "SLA monitor runs that failed (storage or read model errors).",
                            [this] { return static_cast<double>(failures_.load()); });
  registry.gauge_callback("docket_sla_next_due_seconds",
                          "Seconds until the earliest watched SLA deadline (0 when none).", [this] {
                            auto next = read_next_due();
                            if (!next) return 0.0;
                            return std::max(0.0,
                                            static_cast<double>(*next - clock_.now_ms()) / 1000.0);
                          });
}

}  // namespace docket::scheduler

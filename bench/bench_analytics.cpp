// The analytics read model on a year of support traffic: set-up through the real write
// path, then a rebuild of the analytics projection from the log.
//
//   bench_analytics [--requests 100000] [--inquiries 100000] [--messages 1000000]
//                   [--dir DIR] [--seed 1]
//
// Set-up (not timed against a target): a ManualClock walks the year before
// 2026-12-01T00:00Z in equal steps; at each step one support request (of one of 1,000
// customers) and one inquiry are created, and messages, first staff replies, manual
// assignments to 20 agents, resolutions, reopenings, closings and ratings fall on the
// items created a few steps earlier, so every report has something to count. Messages
// are spread to reach `messages` in all (creations' first messages included). Commands
// are pipelined (at most 256 in flight, decided in submission order), so an event's time
// may trail its step by the few steps in flight.
// Measured: the rebuild of the analytics projection from event 1 (events per second;
// the target is >= 20,000). The data directory is kept for
// bench/analytics_bench.sh, which serves it and measures the reports over HTTP.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "bench/bench_commands.h"
#include "bench/bench_util.h"
#include "cli/server_runtime.h"
#include "core/auth/password.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/account.h"
#include "domain/account_commands.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "events/event_store.h"
#include "projections/projection_engine.h"

using namespace docket;

namespace {

using bench::run;
using bench::run_all;

// Submits commands without waiting for each; at most kInFlight at a time.
class Pipeline {
 public:
  explicit Pipeline(events::EventStore& store) : store_(store) {}
  template <typename Command>
  void submit(const Command& c) {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return in_flight_ < kInFlight; });
    ++in_flight_;
    lock.unlock();
    domain::execute_async(store_, c, domain::CommandMeta{}, [this](Result<domain::Executed> r) {
      std::lock_guard done(mutex_);
      --in_flight_;
      if (!r.ok() && error_.empty()) error_ = r.status().ToString();
      idle_.notify_all();
    });
  }
  // Waits for every command; exits on the first failure.
  void drain() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return in_flight_ == 0; });
    if (!error_.empty()) {
      std::fprintf(stderr, "set-up: %s\n", error_.c_str());
      std::exit(1);
    }
  }

 private:
  static constexpr int kInFlight = 256;
  events::EventStore& store_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  std::string error_;
};

constexpr UnixMillis kEnd = 1'796'083'200'000;  // 2026-12-01T00:00:00Z
constexpr UnixMillis kYear = 365LL * 86'400'000;
constexpr const char* kCategories[] = {"technical", "billing", "feature", "account", "general"};
constexpr const char* kPriorities[] = {"high", "medium", "low", "medium", "low"};
constexpr const char* kHash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";

struct Open {
  std::int64_t id = 0;
  bool request = true;
  std::int64_t customer = 0;
};

}  // namespace

int main(int argc, char** argv) {
  init_crypto();
  set_log_level(LogLevel::kWarn);
  const auto requests = bench::flag_uint(argc, argv, "requests", 100000);
  const auto inquiries = bench::flag_uint(argc, argv, "inquiries", 100000);
  const auto messages = bench::flag_uint(argc, argv, "messages", 1000000);
  const std::string dir = bench::flag_string(argc, argv, "dir", "bench-analytics-data");
  std::mt19937_64 rng(bench::flag_uint(argc, argv, "seed", 1));
  std::filesystem::remove_all(dir);

  const std::uint64_t steps = std::max(requests, inquiries);
  const UnixMillis step_ms = kYear / static_cast<std::int64_t>(steps);
  ManualClock clock(kEnd - kYear);
  cli::ServerRuntime::Options options;
  options.config.data_dir = dir;
  options.config.sla_response_hours = 8000;  // no deadline of an item still open passes
  options.config.sla_resolution_hours = 8000;
  options.control_socket = false;
  options.http = false;
  options.clock = &clock;
  auto rt = cli::ServerRuntime::start(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "start: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  events::EventStore& store = (*rt)->store();

  const auto setup0 = std::chrono::steady_clock::now();
  std::vector<std::int64_t> customers;
  {
    std::vector<domain::RegisterCustomer> batch;
    for (int i = 0; i < 1000; ++i)
      batch.push_back({fmt::format("customer{}@example.com", i), "Customer", std::nullopt, kHash});
    run_all(store, batch);
    for (int i = 0; i < 1000; ++i)
      customers.push_back(i + 1);
  }
  // The admin the HTTP half of the benchmark signs in as (analytics_bench.sh).
  auto hasher = auth::PasswordHasher::create(auth::PasswordHashCost::fast_for_tests());
  auto admin_hash =
      hasher.ok() ? hasher->hash("admin-password") : Result<std::string>(hasher.status());
  if (!admin_hash.ok()) {
    std::fprintf(stderr, "password: %s\n", admin_hash.status().ToString().c_str());
    return 1;
  }
  run(store, domain::CreateStaff{"admin@example.com", "Admin", "admin", auth::PermissionSet::all(),
                                 *admin_hash, std::nullopt});
  std::vector<std::int64_t> agents;
  for (int i = 0; i < 20; ++i) {
    agents.push_back(
        run(store,
            domain::CreateStaff{fmt::format("agent{}@example.com", i), "Agent", "agent",
                                auth::PermissionSet::all(), kHash, std::nullopt},
            domain::kAccountSequence));
  }

  // Per step: the creations' first messages (2), then the rest spread over the items.
  const double extra_per_step =
      std::max(0.0, static_cast<double>(messages) - 2.0 * static_cast<double>(steps)) /
      static_cast<double>(steps);
  std::deque<Open> recent;  // the items created in the last steps, newest last
  std::uniform_int_distribution<std::size_t> pick_customer(0, customers.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_agent(0, agents.size() - 1);
  std::uniform_int_distribution<int> pick_category(0, 4);
  std::uniform_int_distribution<int> percent(0, 99);
  double owed = 0;
  std::uint64_t appended_messages = 0;
  std::int64_t next_request = 0;
  std::int64_t next_inquiry = 0;
  Pipeline pipe(store);
  for (std::uint64_t step = 0; step < steps; ++step) {
    clock.set(kEnd - kYear + static_cast<std::int64_t>(step) * step_ms);
    const int c = pick_category(rng);
    if (step < requests) {
      const std::int64_t customer = customers[pick_customer(rng)];
      pipe.submit(domain::CreateSupportRequest{customer, "Request", kCategories[c], kPriorities[c],
                                               "Something is wrong"});
      recent.push_back({++next_request, true, customer});
      ++appended_messages;
    }
    if (step < inquiries) {
      domain::CreateSupportInquiry inquiry;
      inquiry.subject = "Question";
      inquiry.category = kCategories[c];
      inquiry.priority = kPriorities[c];
      inquiry.message = "Hello?";
      inquiry.guestEmail = "guest@example.com";
      inquiry.tokenHash = fmt::format("{:064x}", step);  // unique, as hashes are
      inquiry.tokenExpiresAt = kEnd + kYear;
      inquiry.greeting = "Hi!";
      inquiry.trackingCandidates = {domain::generate_tracking_code(),
                                    domain::generate_tracking_code()};
      pipe.submit(inquiry);
      recent.push_back({++next_inquiry, false, 0});
      appended_messages += 2;
    }
    // Messages on the open items of the last steps: staff and customers take turns.
    owed += extra_per_step;
    std::vector<domain::ReplyToSupportRequest> replies;
    std::vector<domain::PostInquiryMessage> posts;
    for (; owed >= 1.0 && !recent.empty(); owed -= 1.0) {
      const Open& item = recent[static_cast<std::size_t>(percent(rng)) % recent.size()];
      const bool staff = percent(rng) < 50;
      const std::int64_t agent = agents[pick_agent(rng)];
      if (item.request) {
        replies.push_back(
            {item.id, staff ? "admin" : "customer", staff ? agent : item.customer, "A message"});
      } else {
        posts.push_back({item.id, staff ? "admin" : "visitor",
                         staff ? std::optional(agent) : std::nullopt, "A message"});
      }
      ++appended_messages;
    }
    for (const auto& r : replies)
      pipe.submit(r);
    for (const auto& p : posts)
      pipe.submit(p);
    // An item ends 40 items after its creation (most resolve, some are rated, a few
    // reopen).
    // Both items created 8 steps ago are assigned.
    for (std::size_t back = 17; back <= 18 && recent.size() >= back; ++back) {
      const Open& item = recent[recent.size() - back];
      const std::int64_t agent = agents[pick_agent(rng)];
      if (item.request) {
        pipe.submit(domain::AssignSupportRequest{item.id, agent, true, {}});
      } else {
        pipe.submit(domain::AssignInquiry{item.id, agent, true, {}});
      }
    }
    while (recent.size() > 40) {
      const Open item = recent.front();
      recent.pop_front();
      const int roll = percent(rng);
      if (item.request) {
        pipe.submit(domain::ChangeSupportRequestStatus{item.id, "resolved", std::nullopt});
        if (roll < 30) {
          pipe.submit(domain::RateSupportRequest{item.id, item.customer, 1 + roll % 5, std::nullopt,
                                                 7LL * 86'400'000});
        } else if (roll < 35) {
          pipe.submit(domain::ReplyToSupportRequest{item.id, "customer", item.customer, "Again"});
        }
      } else {
        pipe.submit(domain::SetInquiryStatus{item.id, roll < 80 ? "resolved" : "closed"});
        if (roll < 30) {
          pipe.submit(domain::RateInquiry{item.id, "visitor", std::nullopt, 1 + roll % 5,
                                          std::nullopt, 7LL * 86'400'000});
        }
      }
    }
    if (step % 10000 == 0 && step > 0) {
      std::fprintf(stderr, "  %llu steps, %llu events\n", static_cast<unsigned long long>(step),
                   static_cast<unsigned long long>(store.head()));
    }
  }
  pipe.drain();
  const std::uint64_t head = store.head();
  std::printf("set-up: %llu requests, %llu inquiries, %llu messages, %llu events in %.1f s\n",
              static_cast<unsigned long long>(next_request),
              static_cast<unsigned long long>(next_inquiry),
              static_cast<unsigned long long>(appended_messages),
              static_cast<unsigned long long>(head), bench::seconds_since(setup0));

  const auto t0 = std::chrono::steady_clock::now();
  Status s = (*rt)->projections().rebuild("analytics");
  const double secs = bench::seconds_since(t0);
  if (!s.ok()) {
    std::fprintf(stderr, "rebuild: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("analytics rebuild: %llu events in %.2f s = %.0f events/s\n",
              static_cast<unsigned long long>(head), secs, static_cast<double>(head) / secs);
  (*rt)->stop();
  return 0;
}

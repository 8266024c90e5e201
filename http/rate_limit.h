// RateLimiter: token buckets per client address and route group, and the middleware that
// answers 429 RATE_LIMIT_EXCEEDED when one is empty.
//
// Every request a route answers draws one token from the client's global bucket and, when
// its route names a configured RouteMeta::rate_group, one from that group's bucket; it is
// refused when either is empty, and a refused request draws nothing. A bucket of a limit
// `count/seconds` holds up to `count` tokens and regains `count` tokens per `seconds`,
// evenly: a client may send `count` at once, then one every `seconds / count`.
//
// A bucket is stored as the instant it is full again (the GCRA form of a token bucket):
// one integer per limit and address. Addresses are kept in shards, each with its own
// mutex and at most its share of max_clients entries, in least-recently-seen order; when
// a shard is full, the new address replaces one of the kEvictionCandidates least recently
// seen — the oldest idle one (every bucket full again: forgetting it changes nothing),
// else the one that is full again soonest. IPv4 addresses are keyed by the whole address,
// IPv6 addresses by their /64 prefix (one subscriber usually holds a whole /64).
//
// Time comes from a docket::Clock (wall time); each shard turns it into a monotonic count,
// so a clock stepping backwards counts as no time passing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "http/service.h"

namespace docket {
class MetricsRegistry;
}  // namespace docket

namespace docket::http {

using RateLimitRule = Config::RateLimitRule;

// The route groups Docket's routes use (RouteMeta::rate_group).
namespace rate_group {
inline constexpr std::string_view kPublicCreate = "public.create";
inline constexpr std::string_view kPublicLookup = "public.lookup";
inline constexpr std::string_view kPublicTicket = "public.ticket";
inline constexpr std::string_view kSupportStats = "support.stats";
inline constexpr std::string_view kInquiryWrite = "inquiry.write";
inline constexpr std::string_view kInquiryVerify = "inquiry.verify";
inline constexpr std::string_view kLogin = "auth.login";
inline constexpr std::string_view kRegister = "auth.register";
}  // namespace rate_group

// The name of the global limit in decisions, headers and the rejection metric.
inline constexpr std::string_view kGlobalRateGroup = "global";

struct RateLimitOptions {
  bool enabled = true;             // false: every request is allowed, nothing is kept
  RateLimitRule global{1200, 60};  // every request, per address; count 0: off
  std::vector<std::pair<std::string, RateLimitRule>> groups;  // rate_group → limit
  std::uint64_t max_clients = 100'000;  // addresses kept at most (all shards together)
  std::size_t shards = 64;              // clamped to [1, max_clients]

  // DOCKET_RATE_LIMIT_*: the global limit, every group of rate_group, max_clients.
  static RateLimitOptions from_config(const Config& config);
};

// The outcome of one check, and what the RateLimit-* headers say about it.
struct RateLimitDecision {
  bool allowed = true;
  // Whether the fields below describe a bucket: the group's bucket after an allowed
  // request of a limited group, the refusing bucket after a refusal. False when only the
  // global limit applied and allowed the request, or when limits are off.
  bool report = false;
  std::size_t limit_index = 0;            // for RateLimiter::limit_name()
  std::string_view group;                 // "global" or the rate_group; points into the limiter
  std::uint64_t limit = 0;                // the bucket's size (count)
  std::uint64_t window_seconds = 0;       // the limit's seconds
  std::uint64_t remaining = 0;            // tokens left after this request
  std::uint64_t reset_seconds = 0;        // whole seconds until the bucket is full again
  std::uint64_t retry_after_seconds = 0;  // refusals: whole seconds (>= 1) until a token
};

class RateLimiter {
 public:
  // A group with count 0 or an empty name is left out; a group named twice keeps its
  // first limit. REQUIRES: `clock` outlives the limiter.
  RateLimiter(RateLimitOptions options, const Clock& clock);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool enabled() const { return enabled_; }

  // Draws a token for one request of `client_ip` (textual address; any other text is
  // keyed by its hash) to a route of `group` ("" or an unknown group: global limit only).
  // Thread-safe: takes the mutex of one shard.
  RateLimitDecision check(std::string_view client_ip, std::string_view group);

  // Addresses currently kept. Takes every shard's mutex in turn; for tests and metrics.
  std::size_t tracked_clients() const;
  // The bound on tracked_clients().
  std::uint64_t max_clients() const { return max_clients_; }

  // The limits: 0 is the global one, then the groups in option order (enabled ones only).
  std::size_t limit_count() const { return limits_.size(); }
  std::string_view limit_name(std::size_t index) const { return limits_[index].name; }

  // Least recently seen addresses looked at when a full shard takes a new one.
  static constexpr std::size_t kEvictionCandidates = 16;

 private:
  struct Limit {
    std::string name;
    RateLimitRule rule;
    bool enabled = false;
    std::int64_t interval_us = 0;  // one token: ceil(seconds / count)
    std::int64_t burst_us = 0;     // interval_us * (count - 1)
  };
  struct Shard;

  // Index of the enabled limit named `group` (never 0), or 0 when there is none.
  std::size_t group_index(std::string_view group) const;

  const Clock& clock_;
  bool enabled_;
  std::uint64_t max_clients_ = 0;
  std::uint64_t seed_ = 0;
  std::vector<Limit> limits_;
  std::size_t shard_count_ = 0;
  std::unique_ptr<Shard[]> shards_;
};

// A middleware checking every request against `limiter` with the client address of
// RequestContext::client_ip() and the route's rate_group. Allowed requests of a limited
// group get RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset and RateLimit-Policy
// on their response (through RequestContext::response_headers); refused ones end with
// 429 RATE_LIMIT_EXCEEDED, Retry-After and the refusing bucket's RateLimit-* headers,
// and count in docket_rate_limit_rejections_total{group} of `metrics` (when not null).
// The middleware shares ownership of the limiter; `metrics` must outlive it. When the
// limiter is disabled the middleware does nothing. REQUIRES: `limiter` is not null.
// Thread-safe like RateLimiter::check().
Middleware rate_limit_middleware(std::shared_ptr<RateLimiter> limiter,
                                 MetricsRegistry* metrics = nullptr);

}  // namespace docket::http

#include "http/rate_limit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "core/api_error.h"
#include "core/metrics.h"
#include "http/request_context.h"
#include "http/response.h"

namespace docket::http {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
// A clock step forward beyond the longest window refills every bucket anyway.
constexpr std::int64_t kMaxStepMs = 86'400'000;
constexpr std::uint32_t kNil = 0xFFFFFFFFu;

// A client address as 128 bits. IPv4 (also IPv4-mapped IPv6): hi 0, lo 0xFFFF'<address>.
// IPv6: hi the /64 prefix, lo 0. Other text: a hash, with the top bit of lo set.
struct ClientKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool operator==(const ClientKey&) const = default;
};

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t h) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

std::uint64_t load_be64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

ClientKey client_key(std::string_view ip) {
  char text[INET6_ADDRSTRLEN + 1];
  if (!ip.empty() && ip.size() < sizeof(text)) {
    std::memcpy(text, ip.data(), ip.size());
    text[ip.size()] = '\0';
    unsigned char bytes[16];
    if (::inet_pton(AF_INET, text, bytes) == 1) {
      return {0, 0xFFFF'0000'0000ull | load_be64(bytes) >> 32};
    }
    if (::inet_pton(AF_INET6, text, bytes) == 1) {
      const std::uint64_t hi = load_be64(bytes);
      const std::uint64_t lo = load_be64(bytes + 8);
      if (hi == 0 && (lo >> 32) == 0xFFFF) return {0, lo};  // ::ffff:a.b.c.d
      return {hi, 0};
    }
  }
  return {fnv1a(ip, 0xCBF29CE484222325ull), fnv1a(ip, 0x84222325CBF29CE4ull) | (1ull << 63)};
}

// Seeded per limiter, so clients cannot choose addresses that collide.
std::uint64_t hash_key(const ClientKey& k, std::uint64_t seed) {
  return mix(k.hi ^ seed) ^ mix(k.lo + seed);
}

std::uint64_t ceil_seconds(std::int64_t micros) {
  if (micros <= 0) return 0;
  return static_cast<std::uint64_t>((micros + kMicrosPerSecond - 1) / kMicrosPerSecond);
}

}  // namespace

RateLimitOptions RateLimitOptions::from_config(const Config& config) {
  RateLimitOptions o;
  o.enabled = config.rate_limit_enabled;
  o.global = config.rate_limit_global;
  o.groups = {
      {std::string(rate_group::kPublicCreate), config.rate_limit_public_create},
      {std::string(rate_group::kPublicLookup), config.rate_limit_public_lookup},
      {std::string(rate_group::kPublicTicket), config.rate_limit_public_ticket},
      {std::string(rate_group::kSupportStats), config.rate_limit_support_stats},
      {std::string(rate_group::kInquiryWrite), config.rate_limit_inquiry_write},
      {std::string(rate_group::kInquiryVerify), config.rate_limit_inquiry_verify},
      {std::string(rate_group::kLogin), config.rate_limit_login},
      {std::string(rate_group::kRegister), config.rate_limit_register},
  };
  o.max_clients = config.rate_limit_max_clients;
  return o;
}

// One shard: the buckets of the addresses hashing to it.
//
// `slots` holds the addresses (at most `capacity`), linked from the most to the least
// recently seen; `tats` their buckets; `index` finds a slot by address: open addressing
// with linear probing, at most half full, deletion by shifting back (no tombstones).
// Invariant: every slot has exactly one index entry and one place in the list;
// tats.size() == slots.size() * stride. Every field is guarded by `mu`.
struct alignas(64) RateLimiter::Shard {
  struct Slot {
    ClientKey key;
    std::uint32_t hash = 0;     // low half of the key's hash: its home in `index`
    std::uint32_t prev = kNil;  // towards the most recently seen
    std::uint32_t next = kNil;  // towards the least recently seen
  };
  struct IndexEntry {
    std::uint32_t hash = 0;
    std::uint32_t slot = kNil;  // kNil: empty
  };

  std::mutex mu;
  std::vector<IndexEntry> index;  // allocated on first use; size a power of two
  std::size_t index_size = 0;     // >= 2 * capacity
  std::vector<Slot> slots;
  std::vector<std::int64_t> tats;  // per slot, per limit: when the bucket is full again
  std::size_t stride = 0;
  std::size_t capacity = 0;
  std::uint32_t head = kNil;  // most recently seen
  std::uint32_t tail = kNil;  // least recently seen
  bool started = false;
  UnixMillis last_wall_ms = 0;
  std::int64_t now_us = 0;  // monotonic

  // Advances the shard's monotonic time to the wall clock reading `wall_ms`.
  std::int64_t advance(UnixMillis wall_ms) {
    if (started && wall_ms > last_wall_ms) {
      now_us += std::min<std::int64_t>(wall_ms - last_wall_ms, kMaxStepMs) * 1000;
    }
    started = true;
    last_wall_ms = wall_ms;
    return now_us;
  }

  std::size_t mask() const { return index_size - 1; }

  // The position of `key` in `index`, or of the empty entry that ends its probe sequence.
  std::size_t probe(const ClientKey& key, std::uint32_t hash) const {
    std::size_t pos = hash & mask();
    while (true) {
      const IndexEntry& e = index[pos];
      if (e.slot == kNil || (e.hash == hash && slots[e.slot].key == key)) return pos;
      pos = (pos + 1) & mask();
    }
  }

  // Empties index[pos], moving later entries of the probe run back into the hole.
  void erase_at(std::size_t pos) {
    std::size_t hole = pos;
    for (std::size_t j = (pos + 1) & mask(); index[j].slot != kNil; j = (j + 1) & mask()) {
      const std::size_t home = index[j].hash & mask();
      // Entry j stays unless its home lies cyclically outside (hole, j].
      if (((j - home) & mask()) >= ((j - hole) & mask())) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = IndexEntry{};
  }

  void unlink(std::uint32_t i) {
    Slot& s = slots[i];
    if (s.prev != kNil)
      slots[s.prev].next = s.next;
    else
      head = s.next;
    if (s.next != kNil)
      slots[s.next].prev = s.prev;
    else
      tail = s.prev;
    s.prev = s.next = kNil;
  }

  void push_front(std::uint32_t i) {
    Slot& s = slots[i];
    s.prev = kNil;
    s.next = head;
    if (head != kNil) slots[head].prev = i;
    head = i;
    if (tail == kNil) tail = i;
  }

  // When every bucket of slot `i` is full again.
  std::int64_t full_at(std::uint32_t i) const {
    const std::int64_t* t = &tats[i * stride];
    return *std::max_element(t, t + stride);
  }

  // The slot to give a new address when the shard is full: among the least recently
  // seen, the oldest idle one, else the one full again soonest (the oldest of equals).
  std::uint32_t victim(std::int64_t now) const {
    std::uint32_t best = tail;
    std::int64_t best_full_at = full_at(tail);
    std::uint32_t i = tail;
    for (std::size_t n = 0; n < kEvictionCandidates && i != kNil; ++n, i = slots[i].prev) {
      const std::int64_t f = full_at(i);
      if (f <= now) return i;
      if (f < best_full_at) {
        best = i;
        best_full_at = f;
      }
    }
    return best;
  }

  // The slot of `key`, now the most recently seen; a new one with full buckets when the
  // address was not kept.
  std::uint32_t find_or_insert(const ClientKey& key, std::uint32_t hash, std::int64_t now) {
    if (index.empty()) index.resize(index_size);
    std::size_t pos = probe(key, hash);
    if (const std::uint32_t found = index[pos].slot; found != kNil) {
      if (head != found) {
        unlink(found);
        push_front(found);
      }
      return found;
    }
    std::uint32_t i;
    if (slots.size() < capacity) {
      i = static_cast<std::uint32_t>(slots.size());
      slots.push_back({key, hash, kNil, kNil});
      tats.resize(tats.size() + stride, 0);
    } else {
      i = victim(now);
      erase_at(probe(slots[i].key, slots[i].hash));
      unlink(i);
      slots[i].key = key;
      slots[i].hash = hash;
      std::fill_n(tats.begin() + static_cast<std::ptrdiff_t>(i * stride), stride, 0);
      pos = probe(key, hash);  // the erase may have moved entries
    }
    index[pos] = IndexEntry{hash, i};
    push_front(i);
    assert(slots.size() <= capacity && 2 * slots.size() <= index_size);
    return i;
  }
};

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : clock_(clock), enabled_(options.enabled) {
  auto add_limit = [&](std::string_view name, const RateLimitRule& rule) {
    Limit l;
    l.name = std::string(name);
    l.rule = rule;
    l.enabled = rule.count > 0 && rule.seconds > 0;
    if (l.enabled) {
      const std::int64_t count = static_cast<std::int64_t>(rule.count);
      const std::int64_t window_us = static_cast<std::int64_t>(rule.seconds) * kMicrosPerSecond;
      l.interval_us = (window_us + count - 1) / count;
      l.burst_us = l.interval_us * (count - 1);
    }
    limits_.push_back(std::move(l));
  };
  add_limit(kGlobalRateGroup, options.global);
  for (const auto& [name, rule] : options.groups) {
    if (name.empty() || rule.count == 0 || group_index(name) != 0) continue;
    add_limit(name, rule);
  }

  max_clients_ = std::max<std::uint64_t>(options.max_clients, 1);
  shard_count_ =
      static_cast<std::size_t>(std::clamp<std::uint64_t>(options.shards, 1, max_clients_));
  std::random_device rd;
  seed_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  shards_ = std::make_unique<Shard[]>(shard_count_);
  for (std::size_t s = 0; s < shard_count_; ++s) {
    Shard& shard = shards_[s];
    shard.stride = limits_.size();
    // The remainder goes to the first shards, so the capacities add up to max_clients.
    shard.capacity = static_cast<std::size_t>(max_clients_ / shard_count_ +
                                              (s < max_clients_ % shard_count_ ? 1 : 0));
    assert(shard.capacity < kNil / 2);
    shard.index_size = std::bit_ceil(std::max<std::size_t>(2 * shard.capacity, 8));
    if (enabled_) {
      shard.slots.reserve(shard.capacity);
      shard.tats.reserve(shard.capacity * shard.stride);
    }
  }
}

RateLimiter::~RateLimiter() = default;

std::size_t RateLimiter::group_index(std::string_view group) const {
  if (group.empty()) return 0;
  for (std::size_t i = 1; i < limits_.size(); ++i) {
    if (limits_[i].name == group) return i;
  }
  return 0;
}

RateLimitDecision RateLimiter::check(std::string_view client_ip, std::string_view group) {
  RateLimitDecision d;
  if (!enabled_) return d;
  const std::size_t g = group_index(group);
  std::size_t checked[2];
  std::size_t n = 0;
  if (limits_[0].enabled) checked[n++] = 0;
  if (g != 0) checked[n++] = g;
  if (n == 0) return d;

  const ClientKey key = client_key(client_ip);
  const std::uint64_t h = hash_key(key, seed_);
  Shard& shard = shards_[(h >> 32) % shard_count_];
  std::lock_guard lock(shard.mu);
  const std::int64_t now = shard.advance(clock_.now_ms());
  const std::uint32_t slot = shard.find_or_insert(key, static_cast<std::uint32_t>(h), now);
  std::int64_t* tats = &shard.tats[slot * shard.stride];

  // Refused when a bucket lacks a token; the one with the longest wait is reported.
  std::int64_t worst_wait = 0;
  std::size_t refused_by = 0;
  bool refused = false;
  for (std::size_t k = 0; k < n; ++k) {
    const Limit& l = limits_[checked[k]];
    const std::int64_t wait = std::max(tats[checked[k]], now) - now - l.burst_us;
    if (wait > worst_wait) {
      worst_wait = wait;
      refused_by = checked[k];
      refused = true;
    }
  }

  const auto describe = [&](std::size_t index) {
    const Limit& l = limits_[index];
    d.report = true;
    d.limit_index = index;
    d.group = l.name;
    d.limit = l.rule.count;
    d.window_seconds = l.rule.seconds;
    const std::int64_t tat = std::max(tats[index], now);
    d.reset_seconds = ceil_seconds(tat - now);
    const std::int64_t room = now + l.burst_us + l.interval_us - tat;
    d.remaining = room > 0 ? static_cast<std::uint64_t>(room / l.interval_us) : 0;
  };

  if (refused) {
    d.allowed = false;
    describe(refused_by);
    d.remaining = 0;
    d.retry_after_seconds = std::max<std::uint64_t>(ceil_seconds(worst_wait), 1);
    return d;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = checked[k];
    tats[i] = std::max(tats[i], now) + limits_[i].interval_us;
  }
  if (g != 0) describe(g);
  return d;
}

std::size_t RateLimiter::tracked_clients() const {
  std::size_t total = 0;
  for (std::size_t s = 0; s < shard_count_; ++s) {
    std::lock_guard lock(shards_[s].mu);
    total += shards_[s].slots.size();
  }
  return total;
}

Middleware rate_limit_middleware(std::shared_ptr<RateLimiter> limiter, MetricsRegistry* metrics) {
  if (!limiter->enabled()) {
    return [](RequestContext&) -> std::optional<Response> { return std::nullopt; };
  }
  // One series per limit, created up front so a quiet limit renders as 0.
  std::vector<Counter*> rejections(limiter->limit_count(), nullptr);
  if (metrics != nullptr) {
    CounterFamily& family = metrics->counter("docket_rate_limit_rejections_total",
                                             "Requests refused with 429, by rate-limit group "
                                             "(\"global\" for the per-address limit).",
                                             {"group"});
    for (std::size_t i = 0; i < rejections.size(); ++i)
      rejections[i] = &family.labels({limiter->limit_name(i)});
  }
  return [limiter = std::move(limiter),
          rejections = std::move(rejections)](RequestContext& ctx) -> std::optional<Response> {
    const RateLimitDecision d = limiter->check(ctx.client_ip(), ctx.route().meta.rate_group);
    if (!d.report) return std::nullopt;
    std::string limit = std::to_string(d.limit);
    std::string remaining = std::to_string(d.remaining);
    std::string reset = std::to_string(d.reset_seconds);
    std::string policy = fmt::format("{};w={}", d.limit, d.window_seconds);
    if (d.allowed) {
      auto& h = ctx.response_headers;
      h.emplace_back("RateLimit-Limit", std::move(limit));
      h.emplace_back("RateLimit-Remaining", std::move(remaining));
      h.emplace_back("RateLimit-Reset", std::move(reset));
      h.emplace_back("RateLimit-Policy", std::move(policy));
      return std::nullopt;
    }
    if (Counter* c = rejections[d.limit_index]) c->inc();
    Response response = ApiError::rate_limit_exceeded(
        fmt::format("Too many requests; retry in {} seconds", d.retry_after_seconds));
    response.add_header("Retry-After", std::to_string(d.retry_after_seconds));
    response.add_header("RateLimit-Limit", limit);
    response.add_header("RateLimit-Remaining", remaining);
    response.add_header("RateLimit-Reset", reset);
    response.add_header("RateLimit-Policy", policy);
    return response;
  };
}

}  // namespace docket::http

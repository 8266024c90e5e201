#include "http/idempotency.h"

#include <algorithm>

#include "core/crypto.h"
#include "http/method.h"
#include "http/multipart.h"
#include "http/request_context.h"
#include "http/text.h"

namespace docket::http {
namespace {

constexpr std::size_t kMinKeyChars = 16;
constexpr std::size_t kMaxKeyChars = 255;

// Headers an answer keeps when it is replayed: not the rate limit of the first request.
bool replayed_header(std::string_view name) {
  return !iequals(name.substr(0, std::min<std::size_t>(name.size(), 9)), "RateLimit") &&
         !iequals(name, "Retry-After");
}

}  // namespace

std::optional<std::string> parse_idempotency_key(std::string_view header) {
  std::string_view key = header;
  if (key.size() >= 2 && key.front() == '"' && key.back() == '"')
    key = key.substr(1, key.size() - 2);
  // A Structured Field string escapes only '"' and '\'; a key holds neither.
  if (key.find_first_of("\"\\") != std::string_view::npos) return std::nullopt;
  if (key.size() < kMinKeyChars || key.size() > kMaxKeyChars) return std::nullopt;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return std::nullopt;
  }
  return std::string(key);
}

IdempotencyCache::Begun IdempotencyCache::begin(const std::string& scoped_key,
                                                const std::string& fingerprint) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  evict_locked(now);
  auto it = entries_.find(scoped_key);
  if (it == entries_.end()) {
    entries_.emplace(scoped_key, Entry{fingerprint, std::nullopt, now + ttl_});
    return {};
  }
  const Entry& entry = it->second;
  if (entry.fingerprint != fingerprint) return {Start::kMismatch, std::nullopt};
  if (!entry.answer) return {Start::kInUse, std::nullopt};
  const Stored& stored = *entry.answer;
  Response replay = Response::raw(stored.status, stored.content_type, stored.body);
  for (const auto& [name, value] : stored.headers)
    replay.add_header(name, value);
  replay.add_header("Idempotent-Replayed", "true");
  return {Start::kReplay, std::move(replay)};
}

void IdempotencyCache::finish(const std::string& scoped_key, const Response& response) {
  const bool keep = response.status() >= 200 && response.status() < 300 &&
                    response.source() == nullptr && response.error() == nullptr;
  if (!keep) return abandon(scoped_key);
  Stored stored{response.status(), std::string(response.content_type()), response.body(), {}};
  for (const auto& [name, value] : response.headers()) {
    if (replayed_header(name)) stored.headers.emplace_back(name, value);
  }
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = entries_.find(scoped_key);
  if (it == entries_.end() || it->second.answer) return;
  bytes_ += stored.body.size();
  it->second.answer = std::move(stored);
  it->second.expires = now + ttl_;
  order_.emplace_back(it->second.expires, scoped_key);
  evict_locked(now);
}

void IdempotencyCache::abandon(const std::string& scoped_key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(scoped_key);
  if (it != entries_.end() && !it->second.answer) entries_.erase(it);
}

std::size_t IdempotencyCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void IdempotencyCache::evict_locked(std::chrono::steady_clock::time_point now) {
  // order_ lists kept answers oldest first; one whose entry has gone or changed (an
  // expired key used again) is skipped.
  while (!order_.empty() &&
         (order_.front().first <= now || order_.size() > kMaxEntries || bytes_ > kMaxBytes)) {
    auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && it->second.answer && it->second.expires == order_.front().first) {
      bytes_ -= it->second.answer->body.size();
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

std::string scoped_idempotency_key(const RequestContext& ctx, std::string_view key) {
  const auth::Identity& id = ctx.identity;
  std::string scope;
  switch (id.kind) {
    case auth::Identity::kCustomer:
      scope = "customer:" + std::to_string(id.accountId);
      break;
    case auth::Identity::kStaff:
      scope = "staff:" + std::to_string(id.accountId);
      break;
    case auth::Identity::kGuest:
      scope = "guest:" + std::to_string(id.inquiryId);
      break;
    case auth::Identity::kAnonymous:
      scope = "anonymous";
      break;
  }
  scope.push_back('\n');
  scope.append(key);
  return sha256_hex(scope);
}

std::string request_fingerprint(const RequestContext& ctx) {
  const Request& request = ctx.request();
  std::string what(method_name(request.method));
  what.push_back(' ');
  what.append(request.target);
  what.push_back('\n');
  // A form's boundary is chosen afresh for every send (a browser's FormData does): the
  // same upload sent again is the same request, so the boundary is left out.
  const std::optional<std::string> boundary = multipart_boundary(request.header("Content-Type"));
  if (!boundary || boundary->empty()) {
    what.append(request.body);
    return sha256_hex(what);
  }
  std::string_view body = request.body;
  for (std::size_t at; (at = body.find(*boundary)) != std::string_view::npos;) {
    what.append(body.substr(0, at));
    what.push_back('\0');
    body.remove_prefix(at + boundary->size());
  }
  what.append(body);
  return sha256_hex(what);
}

}  // namespace docket::http

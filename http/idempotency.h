// Idempotent retries: the `Idempotency-Key` request header (IETF httpapi draft) on POST
// and PATCH (docs/http.md, "Idempotent retries"; decision 0032).
//
// Two layers keep a retry from doing the work twice:
//  - this cache, in memory, keeps each successful answer for the key's lifetime and
//    gives it back byte for byte (with `Idempotent-Replayed: true`); a retry while the
//    first request is still running is 409 IDEMPOTENCY_KEY_IN_USE, and the key with
//    another request (method, path or body) is 422 IDEMPOTENCY_KEY_MISMATCH;
//  - every command the request runs writes its outcome under the key in the log, in the
//    same durable write as its events (domain/command.h). After a restart, or once the
//    cache let the answer go, a retry is not decided again: the handler runs with the
//    first outcome and answers from the read models, or — on a route whose answer holds
//    a secret made before the command (a guest token) — 409 IDEMPOTENCY_RESPONSE_LOST.
//
// A key is scoped to its caller (the account, the guest's inquiry, or anonymous), so
// two callers' keys never meet. Only successes are kept: a refused request can be sent
// again with the same key and is decided again.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/response.h"

namespace docket::http {

class RequestContext;

// The key as the header carries it: a Structured Field string ("…") or the bare
// value, 16..255 visible ASCII characters; nullopt for anything else.
std::optional<std::string> parse_idempotency_key(std::string_view header);

class IdempotencyCache {
 public:
  // Answers kept at most, in count and in body bytes (the oldest go first).
  static constexpr std::size_t kMaxEntries = 100'000;
  static constexpr std::size_t kMaxBytes = 64u << 20;

  explicit IdempotencyCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  enum class Start { kProceed, kReplay, kInUse, kMismatch };
  struct Begun {
    Start start = Start::kProceed;
    std::optional<Response> replay;  // kReplay: the first answer, ready to send
  };
  // The request `scoped_key` (scope and key, see scoped_key()) with `fingerprint` is
  // about to run: kProceed makes it the key's owner, who must call finish() or abandon().
  Begun begin(const std::string& scoped_key, const std::string& fingerprint);
  // The owner's answer: kept when it is a success with a body in memory, else the key
  // is let go as by abandon().
  void finish(const std::string& scoped_key, const Response& response);
  void abandon(const std::string& scoped_key);

  std::size_t size() const;

 private:
  struct Stored {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  struct Entry {
    std::string fingerprint;
    std::optional<Stored> answer;  // nullopt while the owner runs
    std::chrono::steady_clock::time_point expires;
  };
  void evict_locked(std::chrono::steady_clock::time_point now);

  const std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> order_;  // kept
  std::size_t bytes_ = 0;  // guarded by mu_
};

// The key scoped to the caller: a hash of who is asking and the client's key.
std::string scoped_idempotency_key(const RequestContext& ctx, std::string_view key);
// What is being asked: a hash of method, path, query and body (a multipart body without
// its boundary, which senders choose afresh each time).
std::string request_fingerprint(const RequestContext& ctx);

}  // namespace docket::http

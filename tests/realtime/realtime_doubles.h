// Test doubles shared by the realtime tests: a Connection that records what is sent
// to it, an EventStore that forwards to a real one and counts the reads, and the read
// models' access rules in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/api_error.h"
#include "core/auth/identity.h"
#include "domain/access.h"
#include "events/event_store.h"
#include "projections/authenticator.h"
#include "realtime/connection.h"
#include "realtime/deltas.h"

namespace docket::realtime::testing {

// A connection without a network: send() records, close() refuses later sends. A
// binary message is recorded as "<binary>" followed by its bytes.
class FakeConnection final : public Connection {
 public:
  static constexpr std::string_view kBinaryMark = "<binary>";

  explicit FakeConnection(std::string id) : id_(std::move(id)) {}

  const std::string& id() const override { return id_; }
  using Connection::send;
  bool send(SharedPacket packet) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    sent_.push_back(*packet);
    return true;
  }
  bool send_binary(SharedPacket bytes) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    sent_.push_back(std::string(kBinaryMark) + *bytes);
    return true;
  }
  void close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
  }

  // Everything sent since the last take().
  std::vector<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }
  bool closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }

 private:
  const std::string id_;
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
  bool closed_ = false;
};

// Forwards to a store and counts what is read: the efficiency contracts of replay (only
// the tail after the position is read) and recovery (the log is scanned only for staff
// sessions), checked without timing anything.
class CountingStore final : public events::EventStore {
 public:
  explicit CountingStore(const events::EventStore& inner) : inner_(inner) {}

  mutable std::uint64_t events_read = 0;  // records returned by read_range / read_stream / scan
  mutable std::uint64_t ids_read = 0;     // stream index entries returned by stream_event_ids
  mutable std::uint64_t index_calls = 0;  // stream_event_ids calls
  mutable std::uint64_t scans = 0;        // scan calls

  void append_async(events::AppendRequest, events::AppendCallback done,
                    events::Acknowledge) override {
    done(Status::Unavailable("read only"));
  }
  void execute_async(events::PrepareFn, events::AppendCallback done, events::Acknowledge) override {
    done(Status::Unavailable("read only"));
  }
  std::uint64_t applied() const override { return inner_.head(); }
  void when_applied(std::uint64_t, std::function<void()> then) override { then(); }
  Result<events::AppendResult> append(events::AppendRequest) override {
    return Status::Unavailable("read only");
  }
  Result<events::AppendResult> execute(events::PrepareFn) override {
    return Status::Unavailable("read only");
  }
  std::uint64_t head() const override { return inner_.head(); }
  const std::string& log_epoch() const override { return inner_.log_epoch(); }
  Result<std::vector<events::EventRecord>> read_range(std::uint64_t from,
                                                      std::size_t limit) const override {
    auto r = inner_.read_range(from, limit);
    if (r.ok()) events_read += r->size();
    return r;
  }
  Status scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const events::EventRecord&)>& fn) const override {
    ++scans;
    return inner_.scan(from, to, [&](const events::EventRecord& e) {
      ++events_read;
      return fn(e);
    });
  }
  Result<std::vector<events::EventRecord>> read_stream(std::string_view stream,
                                                       std::uint64_t fromVersion,
                                                       std::size_t limit) const override {
    auto r = inner_.read_stream(stream, fromVersion, limit);
    if (r.ok()) events_read += r->size();
    return r;
  }
  Result<std::vector<std::uint64_t>> stream_event_ids(std::string_view stream,
                                                      std::uint64_t fromVersion,
                                                      std::size_t limit) const override {
    auto r = inner_.stream_event_ids(stream, fromVersion, limit);
    ++index_calls;
    if (r.ok()) ids_read += r->size();
    return r;
  }
  Result<std::uint64_t> stream_version(std::string_view stream) const override {
    return inner_.stream_version(stream);
  }
  Result<std::string> unique_owner(std::string_view key) const override {
    return inner_.unique_owner(key);
  }
  Result<std::uint64_t> last_id(std::string_view sequence) const override {
    return inner_.last_id(sequence);
  }
  void add_commit_observer(events::CommitObserver*) override {}
  void remove_commit_observer(events::CommitObserver*) override {}
  std::uint64_t wait_for_head(std::uint64_t after,
                              std::chrono::milliseconds timeout) const override {
    return inner_.wait_for_head(after, timeout);
  }
  Status backup(const std::string& dir) const override { return inner_.backup(dir); }
  Status scan_raw(events::LogColumn column, std::string_view start,
                  const events::RawEntryFn& fn) const override {
    return inner_.scan_raw(column, start, fn);
  }
  events::StoreStats stats() const override { return inner_.stats(); }
  std::uint64_t disk_bytes() const override { return inner_.disk_bytes(); }
  void close() override {}

 private:
  const events::EventStore& inner_;
};

// A log record as the store hands it to the feed (stream version 1, at
// 2026-11-22T10:17:30Z).
inline events::EventRecord record(std::uint64_t id, std::string_view type, std::string stream,
                                  std::string data) {
  events::EventRecord e;
  e.eventId = id;
  e.type = std::string(type);
  e.stream = std::move(stream);
  e.streamVersion = 1;
  e.occurredAt = 1'795'342'650'000;
  e.data = std::move(data);
  return e;
}

inline constexpr std::string_view kGuestToken11 = "si_guest-token-of-inquiry-11";
inline constexpr std::string_view kGuestToken12 = "si_guest-token-of-inquiry-12";

inline auth::Identity staff(std::int64_t id, auth::PermissionSet permissions) {
  return auth::Identity::staff(id, "agent", permissions);
}

// The read models, in memory: the credentials the authenticator knows, who owns which
// request and inquiry, and the room rules of docs/realtime.md over them.
struct AccessRules {
  using Outcome = projections::Authenticator::Outcome;

  std::map<std::string, auth::Identity> jwts;        // "Bearer <jwt>" -> identity
  std::map<std::string, std::int64_t> guest_tokens;  // raw token -> inquiry (valid ones)
  std::map<std::int64_t, std::int64_t> requests;     // request id -> customer
  std::map<std::int64_t, std::optional<std::int64_t>> inquiries;  // id -> customer

  AccessRules() {
    jwts["Bearer customer-7"] = auth::Identity::customer(7);
    jwts["Bearer customer-8"] = auth::Identity::customer(8);
    jwts["Bearer staff-7"] = staff(7, auth::PermissionSet::all());  // staff:7, not customer:7
    jwts["Bearer staff-all"] = staff(100, auth::PermissionSet::all());
    jwts["Bearer staff-requests"] = staff(101, {auth::Permission::kSupportRequestsRead});
    jwts["Bearer staff-inquiries"] = staff(102, {auth::Permission::kSupportInquiriesRead});
    jwts["Bearer staff-feedback"] = staff(103, {auth::Permission::kFeedbackRead});
    guest_tokens[std::string(kGuestToken11)] = 11;
    guest_tokens[std::string(kGuestToken12)] = 12;
    requests[1] = 7;
    requests[2] = 8;
    inquiries[10] = 7;
    inquiries[11] = std::nullopt;
    inquiries[12] = std::nullopt;
  }

  Outcome authenticate(std::string_view authorization) const {
    Outcome out;
    if (authorization.empty()) return out;
    const std::string header(authorization);
    if (header.starts_with("Bearer si_")) {
      auto it = guest_tokens.find(header.substr(7));
      if (it == guest_tokens.end()) {
        out.kind = Outcome::kInvalidGuestToken;
        return out;
      }
      out.kind = Outcome::kValid;
      out.identity = auth::Identity::guest(it->second);
      return out;
    }
    auto it = jwts.find(header);
    if (it == jwts.end()) {
      out.kind = Outcome::kInvalid;
      out.message = "Invalid token";
      return out;
    }
    out.kind = Outcome::kValid;
    out.identity = it->second;
    return out;
  }

  // The production rules (domain/access.h) over the maps above instead of read models.
  Status authorize(const auth::Identity& who, std::string_view guest_token,
                   const RoomRef& room) const {
    using domain::Refusal;
    const bool request = room.kind == RoomKind::kRequest;
    if (who.is_anonymous()) return domain::refuse(Refusal::kNotAuthenticated);
    if (who.is_staff()) {
      return who.has(request ? auth::Permission::kSupportRequestsRead
                             : auth::Permission::kSupportInquiriesRead)
                 ? Status::Ok()
                 : domain::refuse(Refusal::kPermissionMissing);
    }
    std::optional<Refusal> refusal;
    if (request) {
      auto it = requests.find(room.id);
      refusal = it == requests.end() ? Refusal::kSupportRequestNotFound
                                     : domain::request_participant_refusal(who, it->second);
    } else if (who.is_guest()) {
      auto it = guest_tokens.find(std::string(guest_token));
      refusal = it == guest_tokens.end()
                    ? Refusal::kInquiryTokenInvalid
                    : domain::inquiry_participant_refusal(auth::Identity::guest(it->second),
                                                          room.id, std::nullopt);
    } else {
      auto it = inquiries.find(room.id);
      refusal = it == inquiries.end()
                    ? Refusal::kInquiryNotFound
                    : domain::inquiry_participant_refusal(who, room.id, it->second);
    }
    return refusal ? domain::refuse(*refusal) : Status::Ok();
  }
};

}  // namespace docket::realtime::testing

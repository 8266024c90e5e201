// LogReader: decoded reads of the log, the stream index and the unique index.
//
// Every method that returns events takes `max_event_id` and never returns anything past
// it: the store passes its head (so readers see only durable, acknowledged events); the
// writer passes its durable head. Stream index entries are in version order and, within
// a stream, eventIds grow with versions, so a stream read stops at the first entry past
// `max_event_id`.
//
// Thread safety: every method may be called from any thread. The LogDb must outlive the
// reader.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "events/event.h"
#include "events/event_store.h"

namespace docket::events {

class LogDb;

class LogReader {
 public:
  explicit LogReader(const LogDb& db) : db_(db) {}

  // The record of `eventId`: NotFound when absent, Corruption naming the event when it
  // does not decode or holds another eventId.
  Result<EventRecord> read_event(std::uint64_t eventId) const;
  // Calls fn for from..to (inclusive) in order until it returns false. A missing record
  // in that range is Corruption naming it. REQUIRES: from >= 1.
  Status scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const EventRecord&)>& fn) const;

  Result<std::vector<std::uint64_t>> stream_event_ids(std::string_view stream,
                                                      std::uint64_t fromVersion, std::size_t limit,
                                                      std::uint64_t max_event_id) const;
  Result<std::vector<EventRecord>> read_stream(std::string_view stream, std::uint64_t fromVersion,
                                               std::size_t limit, std::uint64_t max_event_id) const;
  // The version of the last event of `stream` at or before max_event_id; 0 when none.
  Result<std::uint64_t> stream_version(std::string_view stream, std::uint64_t max_event_id) const;
  // The owner of `key`, or "" when free.
  Result<std::string> unique_owner(std::string_view key) const;

  // The last id of an id sequence (0 when none was taken).
  Result<std::uint64_t> last_id(std::string_view sequence) const;
  // A meta entry, or nullopt when absent.
  Result<std::optional<std::string>> meta(std::string_view key) const;
  // The largest eventId key in the log CF (0 when empty); Corruption if it is not BE64.
  Result<std::uint64_t> last_log_key() const;

  // The outcome kept under an idempotency key, unless it expired at or before `now`.
  Result<std::optional<IdempotentOutcome>> idempotent_outcome(std::string_view key,
                                                              UnixMillis now) const;
  // Up to `limit` expiry index entries (raw keys, events/idempotency.h) that expired at
  // or before `now`, oldest first.
  Result<std::vector<std::string>> expired_idempotency_keys(UnixMillis now,
                                                            std::size_t limit) const;

  Status scan_raw(LogColumn column, std::string_view start, const RawEntryFn& fn) const;

 private:
  const LogDb& db_;
};

}  // namespace docket::events

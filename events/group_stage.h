// GroupStage: what the commands of one group have staged so far, on top of the log.
//
// The writer validates each command of a group in order against durable state plus the
// stage: expected stream versions, unique claims (free, and not claimed earlier in the
// group unless released since), releases. A command that passes is staged whole: its
// events get the next consecutive eventIds and are encoded into the hash chain, and its
// unique changes are recorded in order. A command that fails stages nothing, so it does
// not disturb the commands after it. The writer then turns the stage into one WriteBatch.
//
// The stage is also the StagedView a PrepareFn sees.
//
// Thread safety: writer thread only. Lives for one group; the reader and cache must
// outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/lru_map.h"
#include "core/result.h"
#include "events/event.h"
#include "events/event_store.h"

namespace docket::events {

class LogReader;
class StreamVersionCache;

// The writer's snapshots of recently decided streams (durable state only).
using StreamSnapshotCache = LruMap<StreamSnapshot>;

// One change to the unique index; owner "" deletes the key.
struct UniqueChange {
  std::string key;
  std::string owner;
};

class GroupStage final : public StagedView {
 public:
  // `durable_head` and `prev_hash` describe the last durable event.
  // `sequences` caches the durable last id of id sequences, as `cache` does versions.
  GroupStage(const LogReader& reader, StreamVersionCache& cache, StreamVersionCache& sequences,
             StreamSnapshotCache& snapshots, const Clock& clock, std::uint64_t durable_head,
             std::string prev_hash,
             std::chrono::milliseconds idempotency_ttl = std::chrono::hours(24));

  // Starts the next command of the group: fixes the time now_ms() returns and that its
  // events record as occurredAt.
  void begin_command();

  // Checks `request` against durable plus staged state and stages it when it passes.
  // Conflict (expected version), AlreadyExists (unique key), or a read error; on any
  // error nothing is staged. REQUIRES: validate_append_request(request) is OK.
  Result<AppendResult> stage(const AppendRequest& request);

  // The staged events in eventId order, and the unique changes in the order to apply.
  const std::vector<EventRecord>& records() const { return records_; }
  // Moves the records out (after the group is durable); records() is empty then.
  std::vector<EventRecord> take_records() { return std::move(records_); }
  const std::vector<UniqueChange>& unique_changes() const { return unique_changes_; }
  // The outcomes to keep under the idempotency keys of the staged commands, in order.
  const std::vector<std::pair<std::string, IdempotentOutcome>>& idempotency_marks() const {
    return idempotency_marks_;
  }
  // The last id of each sequence the group took ids from.
  const std::unordered_map<std::string, std::uint64_t>& staged_ids() const { return staged_ids_; }
  // The version each touched stream will have once the group is durable.
  const std::unordered_map<std::string, std::uint64_t>& staged_versions() const {
    return staged_versions_;
  }

  // StagedView. head() is the last eventId assigned so far, staged ones included.
  std::uint64_t head() const override { return next_event_id_ - 1; }
  Result<std::uint64_t> stream_version(std::string_view stream) const override;
  Result<std::vector<EventRecord>> read_stream(std::string_view stream,
                                               std::uint64_t fromVersion) const override;
  Result<std::string> unique_owner(std::string_view key) const override;
  Result<std::uint64_t> last_id(std::string_view sequence) const override;
  UnixMillis now_ms() const override { return now_; }
  Result<std::optional<IdempotentOutcome>> idempotent_outcome(std::string_view key) const override;
  // The group's own saved snapshots first, then the writer's durable ones.
  const StreamSnapshot* snapshot(std::string_view stream) const override;
  void save_snapshot(std::string_view stream, StreamSnapshot snapshot) const override;

  // Snapshots saved during the group: the writer keeps them once the group is durable.
  std::unordered_map<std::string, StreamSnapshot>& saved_snapshots() { return saved_snapshots_; }

 private:
  // The durable version: cache, else the stream index (then cached).
  Result<std::uint64_t> durable_version(std::string_view stream) const;
  // Folds `appended` (the stream's events a command just staged, after version
  // `before`) into the stream's current snapshot when it has an advance.
  void advance_snapshot(const std::string& stream, std::uint64_t before,
                        std::span<const EventRecord> appended);

  const LogReader& reader_;
  StreamVersionCache* cache_;
  StreamVersionCache* sequences_;
  StreamSnapshotCache* snapshots_;
  mutable std::unordered_map<std::string, StreamSnapshot> saved_snapshots_;
  const Clock& clock_;
  const std::uint64_t durable_head_;

  std::uint64_t next_event_id_;
  std::string prev_hash_;  // hash of the last staged (or durable) event
  UnixMillis now_ = 0;
  std::vector<EventRecord> records_;
  std::vector<UniqueChange> unique_changes_;
  std::unordered_map<std::string, std::uint64_t> staged_versions_;
  // Indexes into records_ of each stream's staged events, in version order.
  std::unordered_map<std::string, std::vector<std::size_t>> staged_events_;
  // Staged owner of each key touched by the group; "" = released.
  std::unordered_map<std::string, std::string> staged_unique_;
  // Last id of each sequence taken by the group.
  std::unordered_map<std::string, std::uint64_t> staged_ids_;
  const std::chrono::milliseconds idempotency_ttl_;
  std::vector<std::pair<std::string, IdempotentOutcome>> idempotency_marks_;
  // Index into idempotency_marks_ by key.
  std::unordered_map<std::string, std::size_t> marked_;
};

}  // namespace docket::events

#include "events/group_stage.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

#include "events/idempotency.h"
#include "events/log_reader.h"
#include "events/stream_version_cache.h"

namespace docket::events {
namespace {

Status version_conflict(std::string_view stream, std::uint64_t expected, std::uint64_t actual) {
  if (expected == kNoStream) {
    return Status::Conflict(
        fmt::format("stream {} already exists at version {}, expected no stream", stream, actual));
  }
  return Status::Conflict(
      fmt::format("stream {} is at version {}, expected {}", stream, actual, expected));
}

template <typename Map>
const typename Map::mapped_type* find_in(const Map& map, std::string_view key) {
  auto it = map.find(std::string(key));
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

GroupStage::GroupStage(const LogReader& reader, StreamVersionCache& cache,
                       StreamVersionCache& sequences, StreamSnapshotCache& snapshots,
                       const Clock& clock, std::uint64_t durable_head, std::string prev_hash,
                       std::chrono::milliseconds idempotency_ttl)
    : reader_(reader),
      cache_(&cache),
      sequences_(&sequences),
      snapshots_(&snapshots),
      clock_(clock),
      durable_head_(durable_head),
      next_event_id_(durable_head + 1),
      prev_hash_(std::move(prev_hash)),
      idempotency_ttl_(idempotency_ttl) {}

void GroupStage::begin_command() {
  now_ = clock_.now_ms();
}

Result<std::uint64_t> GroupStage::durable_version(std::string_view stream) const {
  if (auto cached = cache_->get(stream)) return *cached;
  auto version = reader_.stream_version(stream, durable_head_);
  if (version.ok()) cache_->put(stream, *version);
  return version;
}

Result<std::uint64_t> GroupStage::stream_version(std::string_view stream) const {
  if (const auto* staged = find_in(staged_versions_, stream)) return *staged;
  return durable_version(stream);
}

Result<std::vector<EventRecord>> GroupStage::read_stream(std::string_view stream,
                                                         std::uint64_t fromVersion) const {
  auto events = reader_.read_stream(stream, fromVersion, SIZE_MAX, durable_head_);
  if (!events.ok()) return events;
  if (const auto* staged = find_in(staged_events_, stream)) {
    for (std::size_t index : *staged) {
      const EventRecord& rec = records_[index];
      if (rec.streamVersion >= fromVersion) events->push_back(rec);
    }
  }
  return events;
}

const StreamSnapshot* GroupStage::snapshot(std::string_view stream) const {
  if (const auto* saved = find_in(saved_snapshots_, stream)) return saved;
  return snapshots_->get(stream);
}

void GroupStage::save_snapshot(std::string_view stream, StreamSnapshot snapshot) const {
  saved_snapshots_.insert_or_assign(std::string(stream), std::move(snapshot));
}

Result<std::string> GroupStage::unique_owner(std::string_view key) const {
  if (const auto* staged = find_in(staged_unique_, key)) return *staged;
  return reader_.unique_owner(key);
}

Result<std::optional<IdempotentOutcome>> GroupStage::idempotent_outcome(
    std::string_view key) const {
  if (const std::size_t* at = find_in(marked_, key)) {
    return std::optional<IdempotentOutcome>(idempotency_marks_[*at].second);
  }
  return reader_.idempotent_outcome(key, now_);
}

Result<std::uint64_t> GroupStage::last_id(std::string_view sequence) const {
  if (const auto* staged = find_in(staged_ids_, sequence)) return *staged;
  if (auto cached = sequences_->get(sequence)) return *cached;
  auto last = reader_.last_id(sequence);
  if (last.ok()) sequences_->put(sequence, *last);
  return last;
}

void GroupStage::advance_snapshot(const std::string& stream, std::uint64_t before,
                                  std::span<const EventRecord> appended) {
  const StreamSnapshot* current = snapshot(stream);
  if (current == nullptr || current->advance == nullptr || current->version != before) return;
  Result<StreamSnapshot> next = current->advance(*current, appended);
  if (next.ok()) {
    saved_snapshots_.insert_or_assign(stream, std::move(next).value());
  } else {
    // The events were decided from this very state, so this is a bug in the
    // aggregate's apply(); the next decision folds from the log and reports it.
    saved_snapshots_.erase(stream);
  }
}

Result<AppendResult> GroupStage::stage(const AppendRequest& request) {
  // Check everything before staging anything: a rejected command leaves no trace.
  AppendResult result;
  result.streamVersions.reserve(request.streams.size());
  // Versions after this command's own earlier appends (a command may name a stream twice).
  std::vector<std::pair<std::string_view, std::uint64_t>> local;
  for (const StreamAppend& sa : request.streams) {
    auto it = std::find_if(local.begin(), local.end(),
                           [&](const auto& p) { return p.first == sa.stream; });
    std::uint64_t current = 0;
    if (it != local.end()) {
      current = it->second;
    } else {
      auto version = stream_version(sa.stream);
      if (!version.ok()) return version.status();
      current = *version;
    }
    if (sa.expectedVersion != kAnyVersion && sa.expectedVersion != current) {
      return version_conflict(sa.stream, sa.expectedVersion, current);
    }
    const std::uint64_t after = current + sa.events.size();
    if (it != local.end()) {
      it->second = after;
    } else {
      local.emplace_back(sa.stream, after);
    }
    result.streamVersions.push_back(after);
  }
  // Releases apply before claims, so one command can hand a key to a new owner.
  for (std::size_t i = 0; i < request.claims.size(); ++i) {
    const UniqueClaim& claim = request.claims[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (request.claims[j].key == claim.key) {
        return Status::AlreadyExists(
            fmt::format("unique key {} is claimed twice in one append", claim.key));
      }
    }
    const bool released_here = std::find(request.releases.begin(), request.releases.end(),
                                         claim.key) != request.releases.end();
    if (released_here) continue;
    auto owner = unique_owner(claim.key);
    if (!owner.ok()) return owner.status();
    if (!owner->empty()) {
      return Status::AlreadyExists(
          fmt::format("unique key {} is already taken by {}", claim.key, *owner));
    }
  }

  if (!request.idempotency.key.empty()) {
    auto earlier = idempotent_outcome(request.idempotency.key);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      return Status::AlreadyExists("the idempotency key has an outcome already");
    }
  }

  for (const IdClaim& claim : request.ids) {
    auto last = last_id(claim.sequence);
    if (!last.ok()) return last.status();
    if (claim.id != *last + 1) {
      return Status::Conflict(fmt::format("id {} of sequence {} is not the next one ({})", claim.id,
                                          claim.sequence, *last + 1));
    }
  }

  // Stage: consecutive eventIds, chained hashes.
  result.firstEventId = next_event_id_;
  for (std::size_t i = 0; i < request.streams.size(); ++i) {
    const StreamAppend& sa = request.streams[i];
    std::uint64_t version = result.streamVersions[i] - sa.events.size();
    const std::uint64_t before = version;
    const std::size_t first = records_.size();
    auto& indexes = staged_events_[sa.stream];
    for (const NewEvent& ev : sa.events) {
      ++version;
      EventRecord& rec = records_.emplace_back();
      encode_event(next_event_id_, sa.stream, version, now_, request.actor, request.meta, ev,
                   prev_hash_, rec);
      prev_hash_ = rec.hash;
      // Invariant: a stream's staged events continue its versions without a gap.
      assert(indexes.empty() || records_[indexes.back()].streamVersion + 1 == version);
      indexes.push_back(records_.size() - 1);
      ++next_event_id_;
    }
    staged_versions_[sa.stream] = version;
    advance_snapshot(sa.stream, before,
                     std::span<const EventRecord>(records_).subspan(first, sa.events.size()));
  }
  result.lastEventId = next_event_id_ - 1;
  result.occurredAt = now_;
  for (const std::string& key : request.releases) {
    staged_unique_[key] = "";
    unique_changes_.push_back({key, ""});
  }
  for (const IdClaim& claim : request.ids)
    staged_ids_[claim.sequence] = claim.id + claim.count - 1;
  for (const UniqueClaim& claim : request.claims) {
    staged_unique_[claim.key] = claim.owner;
    unique_changes_.push_back({claim.key, claim.owner});
  }
  if (!request.idempotency.key.empty()) {
    IdempotentOutcome outcome =
        idempotency::outcome_of(request, result, now_ + idempotency_ttl_.count());
    outcome.durable = false;
    marked_.emplace(request.idempotency.key, idempotency_marks_.size());
    idempotency_marks_.emplace_back(request.idempotency.key, std::move(outcome));
  }
  // Invariant: eventIds stay consecutive from the durable head.
  assert(records_.back().eventId == durable_head_ + records_.size());
  return result;
}

}  // namespace docket::events

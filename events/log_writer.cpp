#include "events/log_writer.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <iterator>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "core/log.h"
#include "events/append_validation.h"
#include "events/group_stage.h"
#include "events/head_watch.h"
#include "events/idempotency.h"
#include "events/log_db.h"
#include "events/log_format.h"
#include "events/log_reader.h"

namespace docket::events {

LogWriter::LogWriter(LogDb& db, const LogReader& reader, HeadWatch& head, const Clock& clock,
                     std::size_t max_request_bytes,
                     std::function<Status(std::size_t commands)> before_group_write,
                     std::uint64_t head_event_id, std::string prev_hash,
                     std::chrono::milliseconds idempotency_ttl)
    : db_(db),
      reader_(reader),
      head_(head),
      clock_(clock),
      max_request_bytes_(max_request_bytes),
      before_group_write_(std::move(before_group_write)),
      idempotency_ttl_(idempotency_ttl),
      durable_head_(head_event_id),
      prev_hash_(std::move(prev_hash)),
      applied_(head_event_id),
      publisher_([this] { publish_loop(); }) {}

LogWriter::~LogWriter() {
  stop_publishing();
}

void LogWriter::stop_publishing() {
  {
    std::unique_lock lock(publish_mu_);
    if (stop_publisher_ && !publisher_.joinable()) return;
    stop_publisher_ = true;
  }
  publish_cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  // Nothing will be applied any more: nobody may wait for it.
  std::multimap<std::uint64_t, std::function<void()>> waiters;
  {
    std::lock_guard lock(applied_mu_);
    applied_closed_ = true;
    waiters.swap(applied_waiters_);
  }
  for (auto& [id, then] : waiters)
    then();
}

void LogWriter::when_applied(std::uint64_t event_id, std::function<void()> then) {
  {
    std::lock_guard lock(applied_mu_);
    if (applied_.load(std::memory_order_relaxed) < event_id && !applied_closed_) {
      applied_waiters_.emplace(event_id, std::move(then));
      return;
    }
  }
  then();
}

void LogWriter::publish_loop() {
  for (;;) {
    Published group;
    {
      std::unique_lock lock(publish_mu_);
      publish_cv_.wait(lock, [&] { return !backlog_.empty() || stop_publisher_; });
      if (backlog_.empty()) return;  // stopping, and everything handed over is published
      // Every durable group waiting is published at once, in log order: the observers
      // apply them in one go (one read-model transaction instead of one per group).
      group = std::move(backlog_.front());
      backlog_.pop_front();
      while (!backlog_.empty()) {
        Published& next = backlog_.front();
        std::move(next.records.begin(), next.records.end(), std::back_inserter(group.records));
        std::move(next.commands.begin(), next.commands.end(), std::back_inserter(group.commands));
        std::move(next.outcomes.begin(), next.outcomes.end(), std::back_inserter(group.outcomes));
        backlog_.pop_front();
      }
    }
    publish_room_cv_.notify_all();
    publish(group);
  }
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void LogWriter::publish(Published& group) {
  const auto started = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(observers_mu_);
    for (CommitObserver* observer : observers_)
      observer->on_commit(group.records);
  }
  const auto observed = std::chrono::steady_clock::now();
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(applied_mu_);
    const std::uint64_t applied = group.records.back().eventId;
    applied_.store(applied, std::memory_order_release);
    auto end = applied_waiters_.upper_bound(applied);
    for (auto it = applied_waiters_.begin(); it != end; ++it)
      ready.push_back(std::move(it->second));
    applied_waiters_.erase(applied_waiters_.begin(), end);
  }
  for (std::function<void()>& then : ready)
    then();
  for (std::size_t i = 0; i < group.commands.size(); ++i) {
    // Commands acknowledged on durability completed on the writer thread.
    if (group.commands[i].done) group.commands[i].done(std::move(group.outcomes[i]));
  }
  const double completing = seconds_since(observed);
  std::lock_guard lock(stats_mu_);
  stats_.observe_seconds += std::chrono::duration<double>(observed - started).count();
  stats_.complete_seconds += completing;
}

void LogWriter::add_observer(CommitObserver* observer) {
  std::lock_guard lock(observers_mu_);
  observers_.push_back(observer);
}

void LogWriter::remove_observer(CommitObserver* observer) {
  std::lock_guard lock(observers_mu_);
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

void LogWriter::halt(const Status& why) {
  {
    std::lock_guard lock(stats_mu_);
    if (write_failure_.ok()) write_failure_ = why;
  }
  halted_.store(true, std::memory_order_release);
  stopped_.store(true, std::memory_order_release);
}

Status LogWriter::write_failure() const {
  // Asked on every command's completion: no lock while the log is writable.
  if (!stopped_.load(std::memory_order_acquire)) return Status::Ok();
  std::lock_guard lock(stats_mu_);
  return write_failure_;
}

StoreStats LogWriter::stats() const {
  std::lock_guard lock(stats_mu_);
  StoreStats out = stats_;
  out.head = head_.load();
  return out;
}

Result<AppendResult> LogWriter::stage_command(GroupStage& stage, PendingCommand& command) {
  if (!command.refused.ok()) return command.refused;
  stage.begin_command();
  if (command.prepare) {
    Result<AppendRequest> prepared = command.prepare(stage);
    if (!prepared.ok()) return prepared.status();
    command.request = std::move(prepared).value();
    Status st = validate_append_request(command.request, max_request_bytes_);
    if (!st.ok()) return st;
    normalize_request_text(command.request);
  }
  return stage.stage(command.request);
}

void LogWriter::delete_expired_outcomes(rocksdb::WriteBatch& batch) {
  const UnixMillis now = clock_.now_ms();
  if (now < next_expiry_check_) return;
  auto expired = reader_.expired_idempotency_keys(now, kExpiredPerGroup);
  if (!expired.ok()) return;  // left for a later group; reads ignore expired outcomes
  for (const std::string& entry : *expired) {
    UnixMillis expires_at = 0;
    std::string key;
    if (!idempotency::parse_expiry_key(entry, expires_at, key)) continue;
    batch.Delete(db_.idempotency(), entry);
    // A newer outcome under the same key (the old one expired, the key was used again)
    // has its own expiry entry and a later expiresAt: keep it.
    auto current = reader_.idempotent_outcome(key, 0);
    if (current.ok() && current->has_value() && (*current)->expiresAt <= expires_at) {
      batch.Delete(db_.idempotency(), idempotency::outcome_key(key));
    }
  }
  // None left: look again in a minute rather than on every group.
  if (expired->size() < kExpiredPerGroup) next_expiry_check_ = now + 60'000;
}

void LogWriter::fail_group(std::vector<PendingCommand>& group, const Status& status) {
  for (PendingCommand& command : group)
    command.done(status);
}

void LogWriter::commit_group(std::vector<PendingCommand>& group) {
  if (!failed_.ok()) {
    fail_group(group, Status::IOError("log write failed; restart required"));
    return;
  }
  if (halted_.load(std::memory_order_acquire)) {
    fail_group(group, Status::IOError("log writes stopped (a read model cannot write); restart "
                                      "required"));
    return;
  }

  const auto staging = std::chrono::steady_clock::now();
  GroupStage stage(reader_, versions_, sequences_, snapshots_, clock_, durable_head_, prev_hash_,
                   idempotency_ttl_);
  std::vector<Result<AppendResult>> outcomes;
  outcomes.reserve(group.size());
  std::uint64_t rejected = 0;
  for (PendingCommand& command : group) {
    outcomes.push_back(stage_command(stage, command));
    if (!outcomes.back().ok()) ++rejected;
  }

  const double stage_seconds = seconds_since(staging);
  const std::vector<EventRecord>& records = stage.records();
  double fsync_ms = 0;
  if (!records.empty()) {
    rocksdb::WriteBatch batch;
    for (const EventRecord& rec : records) {
      batch.Put(db_.log(), log_format::log_key(rec.eventId), rec.json);
      batch.Put(db_.streams(), log_format::stream_key(rec.stream, rec.streamVersion),
                log_format::encode_be64(rec.eventId));
    }
    for (const UniqueChange& change : stage.unique_changes()) {
      if (change.owner.empty()) {
        batch.Delete(db_.unique(), change.key);
      } else {
        batch.Put(db_.unique(), change.key, change.owner);
      }
    }
    for (const auto& [sequence, id] : stage.staged_ids()) {
      batch.Put(db_.meta(), log_format::sequence_key(sequence), log_format::encode_be64(id));
    }
    const std::uint64_t new_head = records.back().eventId;
    batch.Put(db_.meta(), log_format::kMetaHead, log_format::encode_be64(new_head));
    // Deletions first: a key used again after its outcome expired keeps the new one.
    delete_expired_outcomes(batch);
    for (const auto& [key, outcome] : stage.idempotency_marks()) {
      batch.Put(db_.idempotency(), idempotency::outcome_key(key),
                idempotency::encode_outcome(outcome));
      batch.Put(db_.idempotency(), idempotency::expiry_key(outcome.expiresAt, key), "");
    }

    const auto started = std::chrono::steady_clock::now();
    Status st = before_group_write_ ? before_group_write_(group.size()) : Status::Ok();
    if (st.ok()) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      st = from_rocks(db_.db()->Write(wo, &batch), "writing a group to the log");
    }
    if (!st.ok()) {
      failed_ = st;
      {
        std::lock_guard lock(stats_mu_);
        write_failure_ = st;
      }
      stopped_.store(true, std::memory_order_release);
      log_error("events.group_write_failed", [&](JsonWriter& w) {
        w.field("commands", static_cast<std::uint64_t>(group.size()));
        w.field("firstEventId", records.front().eventId);
        w.field("error", st.ToString());
      });
      fail_group(group, Status::IOError(fmt::format("log write failed: {}", st.message())));
      return;
    }
    fsync_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                   .count();

    // Durable: publish.
    // Invariant: the group continues the log without a gap.
    assert(records.front().eventId == durable_head_ + 1);
    durable_head_ = new_head;
    prev_hash_ = records.back().hash;
    for (const auto& [stream, version] : stage.staged_versions())
      versions_.put(stream, version);
    for (const auto& [sequence, id] : stage.staged_ids())
      sequences_.put(sequence, id);
    for (auto& [stream, snapshot] : stage.saved_snapshots())
      snapshots_.put(stream, std::move(snapshot));
    head_.publish(durable_head_);
  }

  {
    std::lock_guard lock(stats_mu_);
    if (!records.empty()) {
      ++stats_.groups;
      stats_.events_appended += records.size();
      stats_.last_group_commands = group.size();
      stats_.last_fsync_ms = fsync_ms;
    }
    stats_.commands_rejected += rejected;
    stats_.stage_seconds += stage_seconds;
    stats_.write_seconds += fsync_ms / 1000.0;
  }
  if (records.empty()) {  // nothing to observe: every command was rejected
    for (std::size_t i = 0; i < group.size(); ++i)
      group[i].done(std::move(outcomes[i]));
    return;
  }
  // Durable: the commands that asked to be told now are (their read models follow).
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i].ack != Acknowledge::kDurable) continue;
    AppendCallback done = std::move(group[i].done);
    group[i].done = nullptr;
    done(std::move(outcomes[i]));
  }
  Published published{stage.take_records(), std::move(group), std::move(outcomes)};
  group.clear();
  const auto waiting = std::chrono::steady_clock::now();
  {
    std::unique_lock lock(publish_mu_);
    publish_room_cv_.wait(lock, [&] { return backlog_.size() < kMaxPublishBacklog; });
    backlog_.push_back(std::move(published));
  }
  publish_cv_.notify_one();
  const double waited = seconds_since(waiting);
  std::lock_guard lock(stats_mu_);
  stats_.backlog_wait_seconds += waited;
}

}  // namespace docket::events

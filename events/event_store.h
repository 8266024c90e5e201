// EventStore: the durable, ordered, hash-chained event log on RocksDB.
//
// Layout (constants in events/log_format.h, prose in docs/event-log.md):
//   CF "log"     big-endian eventId           -> stored record JSON
//   CF "streams" stream '\0' BE64 version     -> BE64 eventId
//   CF "unique"  key ("tracking:INQ-8K4P2X")  -> owning stream
//   CF "meta"    "head" -> BE64 eventId, "logEpoch" -> random hex id, "formatVersion",
//                "seq:<sequence>" -> BE64 last id taken (IdClaim)
//   CF "idempotency"  idempotency key -> the outcome of the command that used it, kept
//                for StoreOptions::idempotency_ttl (not part of the hash chain)
//
// Writes: one writer thread owns every append. Callers submit commands from any
// thread; the writer drains the queue into a group, validates each command in order
// against durable state plus what earlier commands of the same group staged, writes
// the group as one RocksDB WriteBatch with sync=true (one WAL fsync), then completes
// the commands acknowledged on durability and hands the group to the publisher thread,
// which runs the commit observers (projections, realtime) and then completes the rest
// (Acknowledge).
// See docs/event-log.md "Group commit" for the state machine.
//
// Reads are thread-safe and see only durable events (up to head()).
//
// Thread safety: every public method may be called from any thread, except that
// commit observers and PrepareFn run on the writer thread and must not call
// append()/execute() synchronously (they would wait on themselves).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "events/event.h"

namespace docket::events {

// expectedVersion values besides an exact version N (the stream must be at N).
inline constexpr std::uint64_t kAnyVersion = UINT64_MAX;  // no check
inline constexpr std::uint64_t kNoStream = 0;             // the stream must not exist yet

struct StreamAppend {
  std::string stream;  // REQUIRES: non-empty, no NUL byte, at most 200 bytes
  std::uint64_t expectedVersion = kAnyVersion;
  std::vector<NewEvent> events;  // REQUIRES: non-empty
};

// A unique key claimed for a stream, e.g. {"tracking:INQ-8K4P2X", "support_inquiry-7"}.
struct UniqueClaim {
  std::string key;
  std::string owner;
};

// Takes the next ids of a serial id sequence ("account" -> 1, 2, 3, ...): the record
// ids of the API. `id` must be the sequence's last id + 1 (checked like an expected
// version, so two commands racing for one id cannot both win); the claim takes
// id .. id + count - 1 and ids stay gap-free.
struct IdClaim {
  std::string sequence;     // REQUIRES: 1..64 bytes of a-z, 0-9, '_', '.'
  std::uint64_t id = 0;     // REQUIRES: >= 1
  std::uint64_t count = 1;  // REQUIRES: 1..1,000,000
};

// A client's retry key on a command (docs/http.md, "Idempotent retries"): the command's
// outcome is written under `key` in the same batch as its events, so a retry finds it
// whether or not the first answer reached the client.
struct IdempotencyMark {
  std::string key;          // REQUIRES: 1..128 bytes; empty: the command has none
  std::string fingerprint;  // what was asked (REQUIRES: at most 128 bytes)
};

// One command's writes: all of it becomes durable, or none of it.
struct AppendRequest {
  std::vector<StreamAppend> streams;  // appended in this order; eventIds are consecutive
  std::vector<UniqueClaim> claims;    // each fails the command when already taken
  std::vector<std::string> releases;  // unique keys freed by this command
  std::vector<IdClaim> ids;           // at most one per sequence
  Actor actor;
  RequestMeta meta;
  // Fails the command (AlreadyExists) when the key has an outcome already.
  IdempotencyMark idempotency;
};

struct AppendResult {
  std::uint64_t firstEventId = 0;
  std::uint64_t lastEventId = 0;
  // The version of streams[i] after the append.
  std::vector<std::uint64_t> streamVersions;
  // The events' occurredAt (one time per command: StagedView::now_ms() of its decision).
  UnixMillis occurredAt = 0;
};

// What a command with an idempotency key committed, as kept under the key.
struct IdempotentOutcome {
  std::string fingerprint;
  AppendResult result;
  std::vector<IdClaim> ids;          // the command's id claims
  std::vector<std::string> streams;  // the streams it appended to, in order
  std::vector<std::string> types;    // the event types it appended, in order
  UnixMillis expiresAt = 0;
  // False while the command is staged in the group being decided (not durable yet).
  bool durable = true;
};

// A state folded from the events 1..version of one stream, kept by the writer across
// groups so that deciding on a long stream does not re-read it (see
// StagedView::snapshot). Opaque to the log: `state` points at a `type`.
struct StreamSnapshot {
  std::uint64_t version = 0;
  std::type_index type = typeid(void);
  std::shared_ptr<const void> state;
  // Folds the events a command appends to the stream (versions version + 1 …) into the
  // snapshot that follows them, so the next decision on the stream needs no read.
  // Null: the snapshot is left behind and the next decision reads what it missed.
  Result<StreamSnapshot> (*advance)(const StreamSnapshot& snapshot,
                                    std::span<const EventRecord> appended) = nullptr;
};

// What a PrepareFn sees: durable state plus what earlier commands of the current group
// staged. Valid only during the PrepareFn call, on the writer thread.
class StagedView {
 public:
  virtual ~StagedView() = default;
  virtual std::uint64_t head() const = 0;
  virtual Result<std::uint64_t> stream_version(std::string_view stream) const = 0;
  // Events of `stream` with streamVersion >= fromVersion, durable and staged, in order.
  virtual Result<std::vector<EventRecord>> read_stream(std::string_view stream,
                                                       std::uint64_t fromVersion) const = 0;
  // The stream owning `key`, or "" when the key is free.
  virtual Result<std::string> unique_owner(std::string_view key) const = 0;
  // The last id taken from `sequence` (0 when none was): the next one is this + 1.
  virtual Result<std::uint64_t> last_id(std::string_view sequence) const = 0;
  virtual UnixMillis now_ms() const = 0;
  // The unexpired outcome kept under an idempotency key (durable, or staged by an
  // earlier command of this group), or nullopt.
  virtual Result<std::optional<IdempotentOutcome>> idempotent_outcome(
      std::string_view /*key*/) const {
    return std::optional<IdempotentOutcome>();
  }

  // Snapshots: a PrepareFn that folds a stream may save the state it folded and, in a
  // later command, continue from it with read_stream(stream, version + 1). When a
  // command appends to a stream whose snapshot is current and has an `advance`, the
  // stage folds the appended events into it. A snapshot saved during a group is kept
  // only when the group becomes durable (its state may include that group's staged
  // events); the writer holds a bounded number, least recently used out. The default
  // view keeps none.
  virtual const StreamSnapshot* snapshot(std::string_view /*stream*/) const { return nullptr; }
  virtual void save_snapshot(std::string_view /*stream*/, StreamSnapshot /*snapshot*/) const {}
};

// Runs on the writer thread inside a group; returns the writes of one command, or an
// error that fails only that command. Used by domain commands that decide from state.
using PrepareFn = std::function<Result<AppendRequest>(const StagedView&)>;
// When a command completes (its AppendCallback runs).
enum class Acknowledge {
  // Once the group is durable and every commit observer ran for it (the read models
  // hold it): a read issued afterwards sees the command. On the publisher thread.
  kApplied,
  // As soon as the group is durable (WAL fsync), before the observers run: on the
  // writer thread. A read model may still lag; EventStore::when_applied() says when it
  // has caught up.
  kDurable,
};

// Runs once the command completes (see Acknowledge), or at once when it fails.
using AppendCallback = std::function<void(Result<AppendResult>)>;

// Sees every durable group, in log order, on the writer thread, before any of its
// commands completes. Must not block for long: it delays every writer.
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  virtual void on_commit(std::span<const EventRecord> events) = 0;
};

struct StoreOptions {
  std::string path;              // the RocksDB directory, created when missing
  const Clock* clock = nullptr;  // occurredAt source; SystemClock when null
  std::size_t max_group_commands = 1024;
  std::size_t max_group_bytes = 8u << 20;
  std::size_t block_cache_bytes = 64u << 20;
  // How long the outcome under an idempotency key is kept (AppendRequest::idempotency).
  std::chrono::milliseconds idempotency_ttl = std::chrono::hours(24);
  // Fault-injection seam for tests: called on the writer thread just before a group is
  // written; a non-OK Status fails the whole group as if the WAL write/fsync failed.
  std::function<Status(std::size_t commands)> before_group_write;
};

// The column families of the log (see events/log_format.h), for raw reads.
enum class LogColumn { kLog, kStreams, kUnique, kMeta, kIdempotency };
// Sees one raw entry; returns false to stop.
using RawEntryFn = std::function<bool(std::string_view key, std::string_view value)>;

struct StoreStats {
  std::uint64_t head = 0;
  std::uint64_t groups = 0;           // groups written since open
  std::uint64_t events_appended = 0;  // since open
  std::uint64_t commands_rejected = 0;
  std::uint64_t last_group_commands = 0;
  double last_fsync_ms = 0;  // duration of the last WriteBatch write (WAL + fsync)
  // Where the writer and publisher threads spent their time since open, in seconds.
  double stage_seconds = 0;         // writer: deciding and staging commands
  double write_seconds = 0;         // writer: WriteBatch write + fsync
  double backlog_wait_seconds = 0;  // writer: waiting for room in the publish backlog
  double observe_seconds = 0;       // publisher: commit observers (projections)
  double complete_seconds = 0;      // publisher: completing commands
};

class EventStore {
 public:
  // Opens (creating when missing) the log for reading and writing and starts the writer.
  // Fails when another process holds it open for writing.
  static Result<std::unique_ptr<EventStore>> open(const StoreOptions& options);
  // Opens an existing log read-only (no writer; append/execute fail with Unavailable).
  // Works while a server has the log open; sees the state at the time of opening.
  static Result<std::unique_ptr<EventStore>> open_read_only(const std::string& path);

  virtual ~EventStore() = default;

  // Queues a command; `done` runs on the writer thread. Never blocks on I/O.
  // A malformed request (InvalidArgument) is found here, on the caller's thread, but
  // still completes through the writer. On a closed or read-only store `done` runs
  // inline, on the caller's thread, with Unavailable.
  virtual void append_async(AppendRequest request, AppendCallback done,
                            Acknowledge ack = Acknowledge::kApplied) = 0;
  virtual void execute_async(PrepareFn prepare, AppendCallback done,
                             Acknowledge ack = Acknowledge::kApplied) = 0;
  // Blocking forms. REQUIRES: not called on the writer thread.
  virtual Result<AppendResult> append(AppendRequest request) = 0;
  virtual Result<AppendResult> execute(PrepareFn prepare) = 0;

  // The last durable eventId (0 for an empty log).
  virtual std::uint64_t head() const = 0;
  // The last eventId every commit observer has seen (the read models hold everything
  // up to it); head() when nothing waits for the observers.
  virtual std::uint64_t applied() const = 0;
  // Runs `then` once applied() >= eventId: at once on this thread when it already is,
  // else on the publisher thread right after the observers caught up (or when the store
  // closes). `then` must only hand work on. REQUIRES: eventId <= head().
  virtual void when_applied(std::uint64_t eventId, std::function<void()> then) = 0;
  // Random id (32 hex) made when the log was created; changes only with a new log.
  virtual const std::string& log_epoch() const = 0;

  // Up to `limit` events with eventId >= from, in order.
  virtual Result<std::vector<EventRecord>> read_range(std::uint64_t from,
                                                      std::size_t limit) const = 0;
  // Calls fn for each event with from <= eventId <= to (to = 0: up to head) in order,
  // until fn returns false. A record that cannot be read or decoded is an error
  // naming its eventId.
  virtual Status scan(std::uint64_t from, std::uint64_t to,
                      const std::function<bool(const EventRecord&)>& fn) const = 0;
  // Events of `stream` with fromVersion <= streamVersion, at most `limit`, in order.
  virtual Result<std::vector<EventRecord>> read_stream(std::string_view stream,
                                                       std::uint64_t fromVersion,
                                                       std::size_t limit) const = 0;
  // The eventIds of `stream` with streamVersion >= fromVersion, at most `limit`
  // (the stream index only; cheap). Used by realtime replay.
  virtual Result<std::vector<std::uint64_t>> stream_event_ids(std::string_view stream,
                                                              std::uint64_t fromVersion,
                                                              std::size_t limit) const = 0;
  // The current version of `stream` (0 when it does not exist).
  virtual Result<std::uint64_t> stream_version(std::string_view stream) const = 0;
  // The stream owning a unique key, or "" when free.
  virtual Result<std::string> unique_owner(std::string_view key) const = 0;
  // The last durable id taken from an id sequence (0 when none was).
  virtual Result<std::uint64_t> last_id(std::string_view sequence) const = 0;

  // Registers an observer. REQUIRES: called before the first append after open, and
  // the observer outlives the store (or is removed first).
  virtual void add_commit_observer(CommitObserver* observer) = 0;
  virtual void remove_commit_observer(CommitObserver* observer) = 0;

  // Blocks until head() > after or the timeout passes; returns head(). For tailers in
  // their own thread (tail = loop { wait_for_head; read_range }).
  virtual std::uint64_t wait_for_head(std::uint64_t after,
                                      std::chrono::milliseconds timeout) const = 0;

  // Writes a consistent copy of the log to `dir` (must not exist) while writes go on
  // (RocksDB checkpoint: hard links where possible).
  virtual Status backup(const std::string& dir) const = 0;

  // Calls fn(key, value) for each entry of `column` with key >= start, in key order,
  // until fn returns false. Raw bytes: nothing is decoded and nothing is filtered by
  // head, so it shows what a damaged log really holds. For verify_log and other tools;
  // everything else should use the decoded reads above.
  virtual Status scan_raw(LogColumn column, std::string_view start, const RawEntryFn& fn) const = 0;

  virtual StoreStats stats() const = 0;
  // OK while the log takes writes; after a group write failed (a full or failing disk),
  // that failure: every later command fails until the log is reopened (a restart), since
  // only recovery can tell what the failed write left in the WAL.
  virtual Status write_failure() const { return Status::Ok(); }
  // Stops the log taking writes, as a failed write does (write_failure() becomes `why`):
  // for a commit observer whose own storage failed (a read model on a full disk), so
  // that nothing more is acknowledged that the read models cannot show. Any thread.
  virtual void halt_writes(const Status& /*why*/) {}
  // Approximate bytes of the log on disk.
  virtual std::uint64_t disk_bytes() const = 0;

  // Stops accepting commands, completes every queued one, stops the writer and
  // flushes. Idempotent; the destructor calls it. Reads keep working until destruction.
  // REQUIRES: not called on the writer thread (an observer, PrepareFn or callback).
  virtual void close() = 0;
};

}  // namespace docket::events

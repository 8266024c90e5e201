#include "projections/projection_engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <future>
#include <set>
#include <system_error>

#include "core/log.h"
#include "projections/event_prefetcher.h"
#include "projections/projection_meta.h"
#include "projections/read_connection.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kShadowSuffix = ".rebuild";
// The most events a projection's file checkpoint may lag behind the log while every
// event since was of no interest to it (Projection::wants).
constexpr std::uint64_t kLazyCheckpointEvents = 10'000;

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// The same Status code with `context` in front of the message.
Status with_context(const Status& s, const std::string& context) {
  std::string msg = context + ": " + s.message();
  switch (s.code()) {
    case Status::Code::kOk:
      return s;
    case Status::Code::kNotFound:
      return Status::NotFound(msg);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(msg);
    case Status::Code::kConflict:
      return Status::Conflict(msg);
    case Status::Code::kAlreadyExists:
      return Status::AlreadyExists(msg);
    case Status::Code::kCorruption:
      return Status::Corruption(msg);
    case Status::Code::kIOError:
      return s.IsNoSpace() ? Status::NoSpace(msg) : Status::IOError(msg);
    case Status::Code::kUnavailable:
      return Status::Unavailable(msg);
    case Status::Code::kFailedPrecondition:
      return Status::FailedPrecondition(msg);
    case Status::Code::kInternal:
      return Status::Internal(msg);
    case Status::Code::kRefused:
      return Status::Refused(s.reason(), msg);
  }
  return Status::Internal(msg);
}

// Removes a database file and the files SQLite keeps beside it.
void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Status sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open directory " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync of directory " + dir + " failed");
  return Status::Ok();
}

}  // namespace

// One projection and its file.
struct ProjectionEngine::Slot {
  std::unique_ptr<Projection> projection;
  std::string name;
  int schema_version = 0;

  // The live file and its checkpoint. Used by start() before registration, then only
  // under apply_mu_ (on_commit on the publisher thread, the swap step of rebuild() on
  // the writer thread).
  std::unique_ptr<Database> db;
  std::uint64_t checkpoint = 0;
  // The checkpoint stored in the file: behind `checkpoint` while the groups since were
  // all of no interest to the projection (see apply_group).
  std::uint64_t file_checkpoint = 0;

  // The checkpointer thread's connection to the live file; guarded by
  // ProjectionEngine::checkpointer_mu_.
  std::unique_ptr<Database> checkpointer;

  // Status, guarded by ProjectionEngine::mu_.
  std::uint64_t published_checkpoint = 0;
  ProjectionState state = ProjectionState::kCatchingUp;
  std::string last_error;
  bool rebuilding = false;  // a rebuild() of this projection is running
};

ProjectionEngine::ProjectionEngine(std::string dir, events::EventStore& store,
                                   std::vector<std::unique_ptr<Projection>> projections,
                                   EngineOptions options)
    : dir_(std::move(dir)), store_(store), options_(options) {
  std::vector<std::string> names;
  for (auto& projection : projections) {
    auto slot = std::make_unique<Slot>();
    slot->name = std::string(projection->name());
    slot->schema_version = projection->schema_version();
    slot->projection = std::move(projection);
    names.push_back(slot->name);
    slots_.push_back(std::move(slot));
  }
  readers_ = ReaderSet::create(dir_, std::move(names));
}

ProjectionEngine::~ProjectionEngine() {
  stop();
}

UnixMillis ProjectionEngine::now() const {
  return options_.clock != nullptr ? options_.clock->now_ms() : SystemClock::instance().now_ms();
}

std::string ProjectionEngine::file_of(const Slot& slot) const {
  return dir_ + "/" + slot.name + ".sqlite";
}

ProjectionEngine::Slot* ProjectionEngine::find(std::string_view name) {
  for (auto& slot : slots_) {
    if (slot->name == name) return slot.get();
  }
  return nullptr;
}

void ProjectionEngine::set_state(Slot& slot, ProjectionState state, std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  slot.state = state;
  slot.last_error = std::move(error);
  slot.published_checkpoint = slot.checkpoint;
}

// ---------------------------------------------------------------------------------
// start / stop

Status ProjectionEngine::start(const ProgressFn& progress) {
  if (registered_) return Status::FailedPrecondition("projection engine already started");
  std::set<std::string_view> seen;
  for (const auto& slot : slots_) {
    if (!valid_name(slot->name)) {
      return Status::InvalidArgument("projection name must match [a-z_]+: '" + slot->name + "'");
    }
    if (!seen.insert(slot->name).second) {
      return Status::InvalidArgument("duplicate projection name: " + slot->name);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError("cannot create " + dir_ + ": " + ec.message());

  for (auto& slot : slots_) {
    // A shadow left by a process that died mid-rebuild is never trusted.
    remove_db_files(file_of(*slot) + std::string(kShadowSuffix));
    Status status = open_slot(*slot, progress);
    if (!status.ok()) {
      slot->db.reset();
      log_error("projection.start_failed", [&](JsonWriter& w) {
        w.field("projection", slot->name);
        w.field("error", status.ToString());
      });
      set_state(*slot, ProjectionState::kFailed, status.ToString());
    }
  }
  store_.add_commit_observer(this);
  registered_ = true;
  {
    std::lock_guard lock(checkpointer_mu_);
    checkpointer_stop_ = false;
  }
  checkpointer_ = std::thread([this] { run_checkpointer(); });
  return Status::Ok();
}

// Live files are written with a high wal_autocheckpoint (a backstop only): this thread
// checkpoints them every checkpoint_interval, so the copying and the fsync it ends with
// stay off the writer thread. PASSIVE never waits for readers or the writer; what it
// cannot copy yet is copied on a later pass.
void ProjectionEngine::run_checkpointer() {
  std::unique_lock lock(checkpointer_mu_);
  while (!checkpointer_cv_.wait_for(lock, options_.checkpoint_interval,
                                    [&] { return checkpointer_stop_; })) {
    for (auto& slot : slots_) {
      if (slot->checkpointer == nullptr) {
        const std::string path = file_of(*slot);
        if (!exists(path)) continue;
        DatabaseOptions options = DatabaseOptions::writer();
        options.create = false;
        Result<std::unique_ptr<Database>> db = Database::open(path, options);
        if (!db.ok()) continue;  // tried again on the next pass
        slot->checkpointer = std::move(db).value();
      }
      if (Status s = slot->checkpointer->exec("PRAGMA wal_checkpoint(PASSIVE)"); !s.ok()) {
        log_warn("projection.checkpoint_failed", [&](JsonWriter& w) {
          w.field("projection", slot->name);
          w.field("error", s.ToString());
        });
        slot->checkpointer.reset();
      }
    }
  }
  for (auto& slot : slots_)
    slot->checkpointer.reset();
}

void ProjectionEngine::stop() {
  if (!registered_) return;
  store_.remove_commit_observer(this);
  registered_ = false;
  {
    std::lock_guard lock(checkpointer_mu_);
    checkpointer_stop_ = true;
  }
  checkpointer_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  for (auto& slot : slots_) {
    // Best effort: store a lagging checkpoint so the next start replays nothing.
    if (slot->db != nullptr && slot->file_checkpoint < slot->checkpoint) {
      Result<Transaction> txn = Transaction::begin(*slot->db);
      if (txn.ok() && write_checkpoint(*slot->db, slot->checkpoint, now()).ok()) {
        (void)txn->commit();
      }
    }
    slot->db.reset();
  }
}

Status ProjectionEngine::open_slot(Slot& slot, const ProgressFn& progress) {
  const std::string path = file_of(slot);
  const std::uint64_t head = store_.head();
  std::string reason;
  slot.db.reset();
  if (exists(path)) {
    Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::writer());
    if (!db.ok()) {
      reason = "cannot open: " + db.status().ToString();
    } else if (Result<ProjectionMeta> meta = read_meta(**db); !meta.ok()) {
      reason = "no readable meta row: " + meta.status().ToString();
    } else if (meta->name != slot.name) {
      reason = "the file holds projection '" + meta->name + "'";
    } else if (meta->schemaVersion != slot.schema_version) {
      reason = "schema version " + std::to_string(meta->schemaVersion) + ", code has " +
               std::to_string(slot.schema_version);
    } else if (meta->logEpoch != store_.log_epoch()) {
      reason = "built from another log (epoch " + meta->logEpoch + ")";
    } else if (meta->checkpoint > head) {
      reason = "checkpoint " + std::to_string(meta->checkpoint) + " is ahead of the log head " +
               std::to_string(head) + " (an older log was restored)";
    } else {
      slot.db = std::move(db).value();
      slot.checkpoint = meta->checkpoint;
    }
  }
  if (slot.db == nullptr) {
    if (!reason.empty()) {
      log_warn("projection.rebuild", [&](JsonWriter& w) {
        w.field("projection", slot.name);
        w.field("reason", reason);
      });
    }
    return build_fresh(slot, progress);
  }
  set_state(slot, ProjectionState::kCatchingUp);
  Status status = catch_up(slot, *slot.db, true, slot.checkpoint, head, progress);
  if (!status.ok()) return status;
  slot.file_checkpoint = slot.checkpoint;
  set_state(slot, ProjectionState::kReady);
  return Status::Ok();
}

Status ProjectionEngine::build_fresh(Slot& slot, const ProgressFn& progress) {
  // The live file stays until install_shadow() replaces it with readers closed.
  set_state(slot, ProjectionState::kRebuilding);
  slot.db.reset();
  slot.checkpoint = 0;
  Result<std::unique_ptr<Database>> shadow = create_shadow(slot);
  if (!shadow.ok()) return shadow.status();
  std::uint64_t checkpoint = 0;
  Status status = catch_up(slot, **shadow, false, checkpoint, store_.head(), progress);
  if (status.ok()) status = seal_shadow(**shadow, checkpoint);
  if (status.ok()) status = install_shadow(slot, std::move(shadow).value(), checkpoint);
  if (!status.ok()) {
    remove_db_files(file_of(slot) + std::string(kShadowSuffix));
    return status;
  }
  set_state(slot, ProjectionState::kReady);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------
// Applying events

Status ProjectionEngine::catch_up(Slot& slot, Database& db, bool live, std::uint64_t& checkpoint,
                                  std::uint64_t to, const ProgressFn& progress) {
  if (checkpoint >= to) return Status::Ok();
  // Decoding the log (helper thread) overlaps applying it (this thread).
  EventPrefetcher log(store_, checkpoint, to);
  std::vector<events::EventRecord> chunk;
  std::size_t in_chunk = 0;
  const std::size_t batch = std::max<std::size_t>(options_.batch_events, 1);
  while (checkpoint < to) {
    const std::uint64_t batch_end = std::min<std::uint64_t>(to, checkpoint + batch);
    Result<Transaction> txn = Transaction::begin(db);
    if (!txn.ok()) return with_context(txn.status(), "projection " + slot.name);
    for (std::uint64_t next = checkpoint + 1; next <= batch_end; ++next) {
      if (in_chunk == chunk.size()) {
        if (Status s = log.next(chunk); !s.ok()) return with_context(s, "projection " + slot.name);
        if (chunk.empty()) {
          return Status::Corruption("projection " + slot.name + ": the log ended at eventId " +
                                    std::to_string(next - 1) + ", expected " + std::to_string(to));
        }
        in_chunk = 0;
      }
      const events::EventRecord& e = chunk[in_chunk++];
      if (e.eventId != next) {
        return Status::Corruption("projection " + slot.name + ": the log returned eventId " +
                                  std::to_string(e.eventId) + ", expected " + std::to_string(next));
      }
      if (Status s = slot.projection->apply(db, e); !s.ok()) {
        return with_context(s, "projection " + slot.name + ", event " + std::to_string(e.eventId) +
                                   " (" + e.type + ")");
      }
    }
    Status status = write_checkpoint(db, batch_end, now());
    if (status.ok()) status = txn->commit();
    if (!status.ok()) return with_context(status, "projection " + slot.name);
    checkpoint = batch_end;
    if (live) {
      std::lock_guard<std::mutex> lock(mu_);
      slot.published_checkpoint = checkpoint;
    }
    if (progress) progress(slot.name, checkpoint, to);
  }
  return Status::Ok();
}

Status ProjectionEngine::apply_group(Slot& slot, std::span<const events::EventRecord> events) {
  if (slot.db == nullptr) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (slot.rebuilding) {
        return Status::Unavailable("projection " + slot.name +
                                   " has no open file; a rebuild of it is running");
      }
    }
    // Opening failed earlier (or a swap could not reopen the file): start over.
    if (Status s = open_slot(slot, {}); !s.ok()) return s;
  }
  const std::uint64_t first = events.front().eventId;
  if (slot.checkpoint + 1 < first) {
    // Events this projection missed while failed: replay them from the log.
    set_state(slot, ProjectionState::kCatchingUp);
    if (Status s = catch_up(slot, *slot.db, true, slot.checkpoint, first - 1, {}); !s.ok())
      return s;
    slot.file_checkpoint = slot.checkpoint;
  }
  if (events.back().eventId <= slot.checkpoint) return Status::Ok();

  // A group with nothing for this projection costs no transaction: only the checkpoint
  // would move, and replaying ignored events after a crash changes nothing. The file's
  // checkpoint still moves at least every kLazyCheckpointEvents events, which bounds
  // the replay at start-up.
  const bool wanted = std::any_of(events.begin(), events.end(), [&](const events::EventRecord& e) {
    return e.eventId > slot.checkpoint && slot.projection->wants(e.type);
  });
  if (!wanted && events.back().eventId - slot.file_checkpoint < kLazyCheckpointEvents) {
    slot.checkpoint = events.back().eventId;
    return Status::Ok();
  }

  Result<Transaction> txn = Transaction::begin(*slot.db);
  if (!txn.ok()) return with_context(txn.status(), "projection " + slot.name);
  std::uint64_t last = slot.checkpoint;
  for (const events::EventRecord& e : events) {
    if (e.eventId <= slot.checkpoint) continue;  // applied by the catch-up above
    // Invariant: a group is gap-free and follows the checkpoint.
    assert(e.eventId == last + 1);
    if (e.eventId != last + 1) {
      return Status::Internal("projection " + slot.name + ": group jumps from eventId " +
                              std::to_string(last) + " to " + std::to_string(e.eventId));
    }
    if (Status s = slot.projection->apply(*slot.db, e); !s.ok()) {
      return with_context(s, "projection " + slot.name + ", event " + std::to_string(e.eventId) +
                                 " (" + e.type + ")");
    }
    last = e.eventId;
  }
  Status status = write_checkpoint(*slot.db, last, now());
  if (status.ok()) status = txn->commit();
  if (!status.ok()) return with_context(status, "projection " + slot.name);
  slot.checkpoint = last;
  slot.file_checkpoint = last;
  return Status::Ok();
}

void ProjectionEngine::on_commit(std::span<const events::EventRecord> events) {
  if (events.empty()) return;
  std::lock_guard apply(apply_mu_);
  for (auto& slot : slots_) {
    ProjectionState before;
    {
      std::lock_guard<std::mutex> lock(mu_);
      before = slot->state;
    }
    Status status = apply_group(*slot, events);
    if (!status.ok()) {
      log_error("projection.apply_failed", [&](JsonWriter& w) {
        w.field("projection", slot->name);
        w.field("checkpoint", slot->checkpoint);
        w.field("error", status.ToString());
      });
      set_state(*slot, ProjectionState::kFailed, status.ToString());
      // A read model that cannot write for a full disk cannot show what the log takes
      // next: the log stops taking writes until a restart (decision 0033). Other
      // failures recover on a later commit.
      if (status.IsNoSpace()) store_.halt_writes(status);
      continue;
    }
    if (before == ProjectionState::kFailed) {
      log_info("projection.recovered", [&](JsonWriter& w) {
        w.field("projection", slot->name);
        w.field("checkpoint", slot->checkpoint);
      });
    }
    set_state(*slot, ProjectionState::kReady);
  }
}

// ---------------------------------------------------------------------------------
// Shadow files and the swap

Result<std::unique_ptr<Database>> ProjectionEngine::create_shadow(Slot& slot) {
  const std::string path = file_of(slot) + std::string(kShadowSuffix);
  remove_db_files(path);
  Result<std::unique_ptr<Database>> db = Database::open(path, DatabaseOptions::bulk_load());
  if (!db.ok()) return db.status();
  Result<Transaction> txn = Transaction::begin(**db);
  if (!txn.ok()) return txn.status();
  ProjectionMeta meta{slot.name, slot.schema_version, 0, store_.log_epoch(), ""};
  Status status = create_meta_table(**db, meta, now());
  if (status.ok()) status = slot.projection->create_schema(**db);
  if (status.ok()) status = txn->commit();
  if (!status.ok()) return with_context(status, "projection " + slot.name + ": create schema");
  return db;
}

Status ProjectionEngine::seal_shadow(Database& shadow, std::uint64_t checkpoint) {
  // Leave bulk-load mode. The commit below fsyncs the file (synchronous=FULL), which
  // makes every page written without a journal durable too.
  Status status = shadow.exec("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL");
  if (!status.ok()) return status;
  Result<Transaction> txn = Transaction::begin(shadow);
  if (!txn.ok()) return txn.status();
  status = write_checkpoint(shadow, checkpoint, now());
  if (status.ok()) status = txn->commit();
  return status;
}

Status ProjectionEngine::install_shadow(Slot& slot, std::unique_ptr<Database> shadow,
                                        std::uint64_t checkpoint) {
  const std::string live = file_of(slot);
  const std::string shadow_path = shadow->path();
  shadow.reset();
  // No checkpointer connection may hold the file (nor reopen it) during the swap.
  std::lock_guard checkpointer_lock(checkpointer_mu_);
  slot.checkpointer.reset();
  return readers_->with_readers_closed([&]() -> Status {
    const bool had_live = slot.db != nullptr;
    // Closing the last connection checkpoints the WAL and removes -wal and -shm.
    slot.db.reset();
    if (had_live && (exists(live + "-wal") || exists(live + "-shm"))) {
      // Another process still has the file open; renaming a file under an open WAL
      // connection would corrupt both. Keep serving the old file.
      Result<std::unique_ptr<Database>> old = Database::open(live, DatabaseOptions::writer());
      if (old.ok()) slot.db = std::move(old).value();
      return Status::Unavailable("another process has " + live +
                                 " open; the rebuilt file was not installed");
    }
    // Left by a process that died with the file open (or none): the file they belong
    // to is being replaced.
    std::error_code ec;
    std::filesystem::remove(live + "-wal", ec);
    std::filesystem::remove(live + "-shm", ec);
    std::filesystem::rename(shadow_path, live, ec);
    if (ec) {
      Result<std::unique_ptr<Database>> old = Database::open(live, DatabaseOptions::writer());
      if (old.ok()) slot.db = std::move(old).value();
      return Status::IOError("cannot rename " + shadow_path + ": " + ec.message());
    }
    if (Status s = sync_directory(dir_); !s.ok()) return s;
    Result<std::unique_ptr<Database>> db = Database::open(live, DatabaseOptions::writer());
    if (!db.ok()) return db.status();
    slot.db = std::move(db).value();
    slot.checkpoint = checkpoint;
    slot.file_checkpoint = checkpoint;
    std::lock_guard<std::mutex> lock(mu_);
    slot.published_checkpoint = checkpoint;
    return Status::Ok();
  });
}

Status ProjectionEngine::rebuild(std::string_view name, const ProgressFn& progress) {
  Slot* slot = find(name);
  if (slot == nullptr) return Status::NotFound("no projection named " + std::string(name));
  if (!registered_) return Status::FailedPrecondition("projection engine not started");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (slot->rebuilding) {
      return Status::FailedPrecondition("projection " + slot->name + " is already rebuilding");
    }
    slot->rebuilding = true;
  }
  log_info("projection.rebuild_started", [&](JsonWriter& w) { w.field("projection", slot->name); });
  const std::string shadow_path = file_of(*slot) + std::string(kShadowSuffix);

  // Phase 1, this thread: build the shadow from the log while the old file serves.
  // Appends go on meanwhile: repeat until the shadow is within handoff_lag of the head
  // (at most kMaxRounds times, for a log that grows faster than the rebuild).
  constexpr int kMaxRounds = 8;
  std::uint64_t checkpoint = 0;
  Result<std::unique_ptr<Database>> created = create_shadow(*slot);
  Status status = created.status();
  std::unique_ptr<Database> shadow;
  if (created.ok()) shadow = std::move(created).value();
  for (int round = 0; status.ok() && round < kMaxRounds; ++round) {
    status = catch_up(*slot, *shadow, false, checkpoint, store_.head(), progress);
    if (store_.head() <= checkpoint + options_.handoff_lag) break;
  }
  if (status.ok()) status = seal_shadow(*shadow, checkpoint);

  // Phase 2, writer thread: no group commits meanwhile, and apply_mu_ keeps on_commit
  // out, so the shadow can take the last durable events and replace the live file
  // without missing or repeating one (groups still waiting for the publisher are then
  // below the new checkpoint and skipped). The command appends nothing: its PrepareFn
  // always returns an error.
  if (status.ok()) {
    struct Swap {
      bool ran = false;
      Status status;
    } swap;
    std::promise<Status> done;
    store_.execute_async(
        [&](const events::StagedView&) -> Result<events::AppendRequest> {
          swap.ran = true;
          // The publisher may still be applying an earlier group to the live file.
          std::lock_guard apply(apply_mu_);
          swap.status = catch_up(*slot, *shadow, false, checkpoint, store_.head(), {});
          if (swap.status.ok()) {
            swap.status = install_shadow(*slot, std::move(shadow), checkpoint);
          }
          if (swap.status.ok()) set_state(*slot, ProjectionState::kReady);
          return Status::FailedPrecondition("projection swap appends no events");
        },
        [&](Result<events::AppendResult> result) {
          done.set_value(result.ok() ? Status::Internal("projection swap appended events")
                                     : result.status());
        });
    Status command_status = done.get_future().get();
    status = swap.ran ? swap.status : command_status;
  }

  shadow.reset();
  remove_db_files(shadow_path);
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot->rebuilding = false;
  }
  if (!status.ok()) {
    log_error("projection.rebuild_failed", [&](JsonWriter& w) {
      w.field("projection", slot->name);
      w.field("error", status.ToString());
    });
    return status;
  }
  log_info("projection.rebuild_finished", [&](JsonWriter& w) {
    w.field("projection", slot->name);
    w.field("checkpoint", checkpoint);
  });
  return Status::Ok();
}

// ---------------------------------------------------------------------------------
// Status and readers

std::vector<ProjectionStatus> ProjectionEngine::status() const {
  const std::uint64_t head = store_.head();
  std::vector<ProjectionStatus> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& slot : slots_) {
    ProjectionStatus s;
    s.name = slot->name;
    s.schemaVersion = slot->schema_version;
    s.checkpoint = slot->published_checkpoint;
    s.head = head;
    s.lag = head > s.checkpoint ? head - s.checkpoint : 0;
    s.state = slot->rebuilding ? ProjectionState::kRebuilding : slot->state;
    s.lastError = slot->last_error;
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::unique_ptr<ReadConnection>> ProjectionEngine::open_reader() {
  return readers_->open_connection();
}

std::uint64_t ProjectionEngine::generation() const {
  return readers_->generation();
}

}  // namespace docket::projections

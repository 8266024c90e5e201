#include "realtime/sessions.h"

#include <algorithm>

#include "core/crypto.h"
#include "projections/sqlite.h"

namespace docket::realtime {

using projections::Database;
using projections::DatabaseOptions;

namespace {

constexpr int kSchemaVersion = 1;

// key: SHA-256 of the pid (hex). rooms: the room names separated by ' ' (a room name
// has no space). detached_at: Unix ms, NULL while a connection holds the session.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  key TEXT PRIMARY KEY,
  sid TEXT NOT NULL,
  principal TEXT NOT NULL,
  log_epoch TEXT NOT NULL,
  baseline_event_id INTEGER NOT NULL,
  rooms TEXT NOT NULL DEFAULT '',
  detached_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_detached_at ON sessions(detached_at)
  WHERE detached_at IS NOT NULL;
)sql";

constexpr std::size_t kPurgeEvery = 1024;

std::string key_of(std::string_view pid) {
  return sha256_hex(pid);
}

std::string join_rooms(const std::vector<std::string>& rooms) {
  std::string out;
  for (const std::string& room : rooms) {
    if (!out.empty()) out += ' ';
    out += room;
  }
  return out;
}

std::vector<std::string> split_rooms(std::string_view text) {
  std::vector<std::string> rooms;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    rooms.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return rooms;
}

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::open(const std::string& path,
                                                         SessionStoreOptions options,
                                                         const Clock& clock) {
  if (options.ttl.count() <= 0) return Status::InvalidArgument("sessions: ttl must be > 0");
  DatabaseOptions db_options = DatabaseOptions::writer();
  db_options.cache_size_kib = 2 * 1024;
  auto db = Database::open(path, db_options);
  if (!db.ok()) return db.status();
  auto version = (*db)->query_int64("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return Status::FailedPrecondition("sessions: " + path + " has schema version " +
                                      std::to_string(*version) + ", newer than this build");
  }
  if (Status s = (*db)->exec(kSchema); !s.ok()) return s;
  if (Status s = (*db)->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)); !s.ok()) {
    return s;
  }
  std::unique_ptr<SessionStore> store(new SessionStore(std::move(db).value(), options, clock));
  {
    // The process that held the attached sessions has ended.
    std::lock_guard lock(store->mu_);
    auto detach =
        store->db_->prepare("UPDATE sessions SET detached_at = ?1 WHERE detached_at IS NULL");
    if (!detach.ok()) return detach.status();
    if (Status s = detach->bind(1, clock.now_ms()); !s.ok()) return s;
    if (Status s = detach->run(); !s.ok()) return s;
  }
  if (auto purged = store->purge_expired(); !purged.ok()) return purged.status();
  return store;
}

SessionStore::SessionStore(std::unique_ptr<Database> db, SessionStoreOptions options,
                           const Clock& clock)
    : options_(options), clock_(clock), db_(std::move(db)) {}

SessionStore::~SessionStore() = default;

Status SessionStore::create(const SessionRecord& session) {
  std::lock_guard lock(mu_);
  if (++creates_ % kPurgeEvery == 0) {
    // Expired sessions are never claimed; this only keeps the file small.
    if (auto purged = purge_locked(); !purged.ok()) return purged.status();
  }
  auto insert = db_->cached(
      "INSERT INTO sessions (key, sid, principal, log_epoch, baseline_event_id, rooms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  if (Status s = (*insert)->bind_all(key_of(session.pid), session.sid, session.principal,
                                     session.log_epoch, session.baseline_event_id,
                                     join_rooms(session.rooms));
      !s.ok()) {
    return s;
  }
  return (*insert)->run();
}

Status SessionStore::exec_locked(std::string_view sql, std::string_view key,
                                 std::optional<std::int64_t> value) {
  auto stmt = db_->cached(sql);
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind(1, key); !s.ok()) return s;
  if (value) {
    if (Status s = (*stmt)->bind(2, *value); !s.ok()) return s;
  }
  return (*stmt)->run();
}

Status SessionStore::set_rooms(std::string_view pid, const std::vector<std::string>& rooms) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("UPDATE sessions SET rooms = ?2 WHERE key = ?1");
  if (!stmt.ok()) return stmt.status();
  if (Status s = (*stmt)->bind_all(key_of(pid), join_rooms(rooms)); !s.ok()) return s;
  return (*stmt)->run();
}

Status SessionStore::detach(std::string_view pid) {
  std::lock_guard lock(mu_);
  return exec_locked("UPDATE sessions SET detached_at = ?2 WHERE key = ?1", key_of(pid),
                     clock_.now_ms());
}

Status SessionStore::remove(std::string_view pid) {
  std::lock_guard lock(mu_);
  return exec_locked("DELETE FROM sessions WHERE key = ?1", key_of(pid));
}

Result<std::optional<SessionRecord>> SessionStore::claim(std::string_view pid) {
  const std::string key = key_of(pid);
  std::lock_guard lock(mu_);
  auto select = db_->cached(
      "SELECT sid, principal, log_epoch, baseline_event_id, rooms FROM sessions "
      "WHERE key = ?1 AND detached_at >= ?2");
  if (!select.ok()) return select.status();
  if (Status s = (*select)->bind_all(key, clock_.now_ms() - options_.ttl.count() * 1000); !s.ok()) {
    return s;
  }
  auto row = (*select)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SessionRecord>();
  SessionRecord session;
  session.pid = std::string(pid);
  session.sid = std::string((*select)->column_text(0));
  session.principal = std::string((*select)->column_text(1));
  session.log_epoch = std::string((*select)->column_text(2));
  session.baseline_event_id = static_cast<std::uint64_t>((*select)->column_int64(3));
  session.rooms = split_rooms((*select)->column_text(4));
  (*select)->reset();
  if (Status s = exec_locked("UPDATE sessions SET detached_at = NULL WHERE key = ?1", key);
      !s.ok()) {
    return s;
  }
  return std::optional<SessionRecord>(std::move(session));
}

Result<std::size_t> SessionStore::purge_expired() {
  std::lock_guard lock(mu_);
  return purge_locked();
}

Result<std::size_t> SessionStore::purge_locked() {
  auto purge = db_->cached("DELETE FROM sessions WHERE detached_at < ?1");
  if (!purge.ok()) return purge.status();
  if (Status s = (*purge)->bind(1, clock_.now_ms() - options_.ttl.count() * 1000); !s.ok()) {
    return s;
  }
  if (Status s = (*purge)->run(); !s.ok()) return s;
  return static_cast<std::size_t>(db_->changes());
}

Result<std::size_t> SessionStore::count() const {
  std::lock_guard lock(mu_);
  auto n = db_->query_int64("SELECT count(*) FROM sessions");
  if (!n.ok()) return n.status();
  return static_cast<std::size_t>(*n);
}

}  // namespace docket::realtime

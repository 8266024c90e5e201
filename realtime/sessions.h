// SessionStore: the Socket.IO sessions a client may recover after its connection drops,
// kept in a small SQLite file beside the log (<data>/ws-sessions.sqlite) so that a
// session outlives a server restart. docs/realtime.md ("Connection state recovery")
// is the contract; decision 0015 says why.
//
// A session is what the server must know to restore a client's state: its Socket.IO
// ids, whose it is (the principal), the message rooms it had joined, the log it was
// reading (log epoch) and the head of the log when it started (the position to replay
// from when the client saw no delta). The missed events themselves are never stored
// here: they are replayed from the log's stream index.
//
//   connected ──transport lost──> detached ──claim() within ttl──> connected
//       │                            │
//       └──client DISCONNECT,        └──ttl passed (purge) / a failed recovery
//          revocation, protocol
//          error: remove()                         ──> gone
//
// A session is "attached" (detached_at NULL) while a connection holds it. Opening the
// store detaches every attached session at the time of opening: the process that held
// them is gone (a restart or a crash), and their clients may recover from then on.
//
// The pid is a private id; only its SHA-256 is stored, and it is never logged.
//
// Thread-safe: one mutex around one connection. Writes use WAL with synchronous=NORMAL:
// they survive a crash of the process (not necessarily of the machine); a lost write
// only costs a client its recovery, never an event.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace docket::projections {
class Database;
}

namespace docket::realtime {

struct SessionRecord {
  std::string pid;                      // the private id the client sends back
  std::string sid;                      // the Socket.IO id (socket.id), kept across a recovery
  std::string principal;                // session_principal() of the identity that opened it
  std::string log_epoch;                // the log the positions refer to
  std::uint64_t baseline_event_id = 0;  // the log's head when the session started
  std::vector<std::string> rooms;       // joined message rooms, sorted
};

struct SessionStoreOptions {
  // How long a detached session may be recovered. > 0.
  std::chrono::seconds ttl{120};
};

class SessionStore {
 public:
  // Opens (creating) the file at `path`, detaches every attached session at
  // clock.now_ms() and purges the expired ones. REQUIRES: `clock` outlives the store.
  static Result<std::unique_ptr<SessionStore>> open(const std::string& path,
                                                    SessionStoreOptions options,
                                                    const Clock& clock);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  const SessionStoreOptions& options() const { return options_; }

  // Records a new attached session. AlreadyExists for a pid in use.
  Status create(const SessionRecord& session);
  // Replaces the rooms of the session (attached or not). OK when it does not exist.
  Status set_rooms(std::string_view pid, const std::vector<std::string>& rooms);
  // The connection holding the session is gone: it may be recovered until now + ttl.
  Status detach(std::string_view pid);
  // Forgets the session.
  Status remove(std::string_view pid);
  // Attaches a detached, unexpired session and answers it; nullopt when there is no
  // such session (unknown, attached to another connection, or expired). Two connections
  // claiming one pid: one gets it.
  Result<std::optional<SessionRecord>> claim(std::string_view pid);
  // Deletes the sessions detached longer than ttl ago; answers how many.
  Result<std::size_t> purge_expired();

  // Sessions stored, attached and detached (for /metrics and tests).
  Result<std::size_t> count() const;

 private:
  SessionStore(std::unique_ptr<projections::Database> db, SessionStoreOptions options,
               const Clock& clock);
  // REQUIRES: mu_ held.
  Result<std::size_t> purge_locked();
  // REQUIRES: mu_ held.
  Status exec_locked(std::string_view sql, std::string_view key,
                     std::optional<std::int64_t> value = std::nullopt);

  const SessionStoreOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::unique_ptr<projections::Database> db_;  // guarded by mu_
  std::size_t creates_ = 0;                    // guarded by mu_; purges every 1,024
};

}  // namespace docket::realtime

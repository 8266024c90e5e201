// The read side of the projections: read-only SQLite connections that see every
// projection file under its own schema name.
//
// A ReadConnection is one connection whose main database is an empty in-memory one;
// each projection file is ATTACHed read-only under its projection name, so queries
// name tables uniformly: SELECT … FROM stream_catalog.streams.
//
// Thread affinity: open one ReadConnection per IO thread. A connection is used by one
// thread at a time, through a ReadLease held only for the duration of some queries.
//
// Read-your-writes: the engine commits a group's rows before the store completes any
// command of that group, and a lease never keeps a read transaction open between
// queries, so a query started after an append completed sees that append's events.
//
// Rebuild swaps: when the engine installs a rebuilt file, ReaderSet closes every
// connection first (waiting for leases in use), swaps the file, bumps the generation;
// each connection reopens on its next lease.
// Lock order: ReaderSet::mu_ before ReadConnection::mu_.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "projections/sqlite.h"

namespace docket::projections {

class ReaderSet;

// Exclusive use of a ReadConnection's database. Move-only.
// REQUIRES: not held across anything that waits on the store's writer thread (an
// append, a command): a rebuild swap on the writer thread waits for leases to end.
class ReadLease {
 public:
  ReadLease(ReadLease&& other) noexcept
      : lock_(std::move(other.lock_)), db_(std::exchange(other.db_, nullptr)) {}
  ReadLease& operator=(ReadLease&&) = delete;
  // Rolls back a transaction the holder left open, so the next lease reads fresh data.
  ~ReadLease();

  Database& db() { return *db_; }
  Database* operator->() { return db_; }

 private:
  friend class ReadConnection;
  ReadLease(std::unique_lock<std::mutex> lock, Database* db) : lock_(std::move(lock)), db_(db) {}

  std::unique_lock<std::mutex> lock_;
  Database* db_;
};

class ReadConnection {
 public:
  // Deregisters from its ReaderSet. REQUIRES: no lease outstanding.
  ~ReadConnection();
  ReadConnection(const ReadConnection&) = delete;
  ReadConnection& operator=(const ReadConnection&) = delete;

  // Borrows the connection, reopening the files first when a rebuild swapped one
  // since the last lease. Errors come from opening or attaching a file.
  // REQUIRES: the calling thread holds no other lease of this connection.
  Result<ReadLease> lease();

  // The ReaderSet generation the open files belong to (0 when closed). Lock-free: may
  // be called while a lease is held.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  friend class ReaderSet;
  explicit ReadConnection(std::shared_ptr<ReaderSet> set) : set_(std::move(set)) {}
  // REQUIRES: mu_ held.
  Status open_locked();

  std::shared_ptr<ReaderSet> set_;
  mutable std::mutex mu_;
  std::unique_ptr<Database> db_;  // guarded by mu_; null when closed
  // Written under mu_; read without it, so generation() works while a lease is held.
  std::atomic<std::uint64_t> generation_{0};
};

// The projection files readers attach, and every ReadConnection opened on them.
// Shared (std::shared_ptr) by the engine and its connections, so a connection may
// outlive the engine. Thread-safe.
class ReaderSet : public std::enable_shared_from_this<ReaderSet> {
 public:
  // `names`: the projections, each stored as <dir>/<name>.sqlite.
  static std::shared_ptr<ReaderSet> create(std::string dir, std::vector<std::string> names);

  const std::string& dir() const { return dir_; }
  const std::vector<std::string>& names() const { return names_; }
  // Bumped by every swap.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Opens a connection now (so errors show at once). REQUIRES: every file exists.
  Result<std::unique_ptr<ReadConnection>> open_connection();

  // Waits for every lease in use to end, closes every connection, runs `swap`, bumps
  // the generation and returns swap's Status. Connections reopen on their next lease.
  // Blocks new connections and leases meanwhile.
  Status with_readers_closed(const std::function<Status()>& swap);

 private:
  friend class ReadConnection;
  ReaderSet(std::string dir, std::vector<std::string> names)
      : dir_(std::move(dir)), names_(std::move(names)) {}
  void remove(ReadConnection* connection);

  const std::string dir_;
  const std::vector<std::string> names_;
  std::atomic<std::uint64_t> generation_{1};
  std::mutex mu_;
  std::vector<ReadConnection*> connections_;  // guarded by mu_
};

// "file:<path>?mode=ro" with '%', '?' and '#' escaped, for ATTACH.
std::string read_only_uri(const std::string& path);

}  // namespace docket::projections

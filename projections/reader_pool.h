// ReaderPool: read connections for request handlers, handed out one per concurrent
// caller.
//
// lease() takes an idle connection (opening a new one when none is idle) and the
// returned PooledLease gives it back when destroyed. The pool grows to the largest
// number of simultaneous leases — in a server, the number of IO threads — and no
// further, so each IO thread in practice reuses one connection and its cached
// statements.
//
// Thread-safe. The engine must have started before the first lease and outlive the
// pool's leases; connections may outlive the engine (see read_connection.h).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "projections/read_connection.h"

namespace docket::projections {

class ProjectionEngine;
class ReaderPool;

// A ReadLease on a pooled connection. Move-only; returns the connection on destruction.
class PooledLease {
 public:
  PooledLease(PooledLease&&) noexcept = default;
  PooledLease& operator=(PooledLease&&) = delete;
  ~PooledLease();

  Database& db() { return lease_.db(); }

 private:
  friend class ReaderPool;
  PooledLease(ReaderPool* pool, std::unique_ptr<ReadConnection> connection, ReadLease lease)
      : pool_(pool), connection_(std::move(connection)), lease_(std::move(lease)) {}

  ReaderPool* pool_;
  std::unique_ptr<ReadConnection> connection_;  // declared before lease_: outlives it
  ReadLease lease_;
};

class ReaderPool {
 public:
  // REQUIRES: `engine` started and outlives every lease.
  explicit ReaderPool(ProjectionEngine& engine) : engine_(engine) {}
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // A connection for the calling thread's queries. Errors come from opening a
  // connection or reopening its files after a rebuild swap.
  // REQUIRES: the lease is not held across a command (see ReadLease).
  Result<PooledLease> lease();

 private:
  friend class PooledLease;
  void give_back(std::unique_ptr<ReadConnection> connection);

  ProjectionEngine& engine_;
  std::mutex mu_;
  std::vector<std::unique_ptr<ReadConnection>> idle_;  // guarded by mu_
};

}  // namespace docket::projections

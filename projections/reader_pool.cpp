#include "projections/reader_pool.h"

#include "projections/projection_engine.h"

namespace docket::projections {

PooledLease::~PooledLease() {
  if (!connection_) return;  // moved from
  // End the lease before the connection goes back to the pool.
  { ReadLease done = std::move(lease_); }
  pool_->give_back(std::move(connection_));
}

Result<PooledLease> ReaderPool::lease() {
  std::unique_ptr<ReadConnection> connection;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) {
    auto opened = engine_.open_reader();
    if (!opened.ok()) return opened.status();
    connection = std::move(opened).value();
  }
  auto lease = connection->lease();
  if (!lease.ok()) {
    give_back(std::move(connection));
    return lease.status();
  }
  return PooledLease(this, std::move(connection), std::move(lease).value());
}

void ReaderPool::give_back(std::unique_ptr<ReadConnection> connection) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
}

}  // namespace docket::projections

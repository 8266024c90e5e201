#include "projections/read_connection.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace docket::projections {

std::string read_only_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      uri += buf;
    } else {
      uri += c;
    }
  }
  uri += "?mode=ro";
  return uri;
}

// ---------------------------------------------------------------------------------
// ReadLease

ReadLease::~ReadLease() {
  if (db_ != nullptr && db_->in_transaction()) db_->rollback();
}

// ---------------------------------------------------------------------------------
// ReadConnection

ReadConnection::~ReadConnection() {
  set_->remove(this);
}

Status ReadConnection::open_locked() {
  db_.reset();
  generation_.store(0, std::memory_order_release);
  DatabaseOptions options = DatabaseOptions::reader();
  options.uri = true;
  // Registered connections hold mu_ here, so no swap runs while the files open.
  std::uint64_t generation = set_->generation();
  Result<std::unique_ptr<Database>> db = Database::open(":memory:", options);
  if (!db.ok()) return db.status();
  for (const std::string& name : set_->names()) {
    Result<Statement> attach = (*db)->prepare("ATTACH DATABASE ?1 AS ?2");
    if (!attach.ok()) return attach.status();
    Status status = attach->bind_all(read_only_uri(set_->dir() + "/" + name + ".sqlite"), name);
    if (status.ok()) status = attach->run();
    // Cache and memory map are per schema: the main database's settings do not reach
    // attached files. (Names are [a-z_]+, see Projection::name.)
    if (status.ok()) {
      status =
          (*db)->exec("PRAGMA " + name + ".cache_size=-" + std::to_string(options.cache_size_kib) +
                      ";PRAGMA " + name + ".mmap_size=" + std::to_string(options.mmap_bytes));
    }
    if (!status.ok()) return status;
  }
  db_ = std::move(db).value();
  generation_.store(generation, std::memory_order_release);
  return Status::Ok();
}

Result<ReadLease> ReadConnection::lease() {
  std::unique_lock<std::mutex> lock(mu_);
  if (db_ == nullptr || generation_.load(std::memory_order_relaxed) != set_->generation()) {
    if (Status s = open_locked(); !s.ok()) return s;
  }
  // Invariant: between leases no statement is left stepping, so the connection holds
  // no read transaction and the next query sees every committed group.
  assert(!db_->in_transaction());
  return ReadLease(std::move(lock), db_.get());
}

// ---------------------------------------------------------------------------------
// ReaderSet

std::shared_ptr<ReaderSet> ReaderSet::create(std::string dir, std::vector<std::string> names) {
  return std::shared_ptr<ReaderSet>(new ReaderSet(std::move(dir), std::move(names)));
}

Result<std::unique_ptr<ReadConnection>> ReaderSet::open_connection() {
  std::unique_ptr<ReadConnection> connection(new ReadConnection(shared_from_this()));
  {
    std::lock_guard<std::mutex> set_lock(mu_);
    connections_.push_back(connection.get());
  }
  {
    std::lock_guard<std::mutex> lock(connection->mu_);
    if (Status s = connection->open_locked(); !s.ok()) return s;
  }
  return connection;
}

void ReaderSet::remove(ReadConnection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(std::remove(connections_.begin(), connections_.end(), connection),
                     connections_.end());
}

Status ReaderSet::with_readers_closed(const std::function<Status()>& swap) {
  std::lock_guard<std::mutex> set_lock(mu_);
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(connections_.size());
  for (ReadConnection* connection : connections_) {
    held.emplace_back(connection->mu_);
    connection->db_.reset();
    connection->generation_.store(0, std::memory_order_release);
  }
  Status status = swap();
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return status;
}

}  // namespace docket::projections

// DataDir: where each piece of server state lives under the data directory.
//
//   <root>/log/            the event log (RocksDB)            — the source of truth
//   <root>/projections/    SQLite read models, one file each  — rebuildable from log/
//   <root>/outbox.sqlite   mail waiting for delivery
//   <root>/ws-sessions.sqlite  recoverable Socket.IO sessions (realtime/sessions.h)
//   <root>/control.sock    operator channel of a running server
//   <root>/attachments/    uploaded files by SHA-256 (core/blob_store.h); the log holds
//                          their metadata, never their bytes
//
// A backup is a copy of log/ and attachments/ (docket backup); restoring them into an
// empty data directory and starting the server rebuilds projections/.
#pragma once

#include <string>

namespace docket {

struct DataDir {
  std::string root;

  std::string log() const { return root + "/log"; }
  std::string projections() const { return root + "/projections"; }
  std::string outbox() const { return root + "/outbox.sqlite"; }
  std::string ws_sessions() const { return root + "/ws-sessions.sqlite"; }
  std::string control_socket() const { return root + "/control.sock"; }
  std::string attachments() const { return root + "/attachments"; }
  // The generated JWT signing key (when DOCKET_JWT_SECRET is not set).
  std::string jwt_secret() const { return root + "/jwt-secret"; }
};

}  // namespace docket

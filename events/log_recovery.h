// Recovery: what the store needs to know about a log when it opens it.
//
// RocksDB replays its WAL on open (point-in-time: complete WriteBatches only), so after
// a crash the column families hold exactly the groups that were written in full. Every
// group's WriteBatch also sets meta "head", so recovery checks that meta head and the
// last key of the log agree, reads the head record for the chain's prevHash, and checks
// that record's own hash. It does not scan the whole log: verify_log does.
//
// Thread safety: call before the store starts its writer; no concurrent writes.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace docket::events {

class LogDb;

struct RecoveredLog {
  std::uint64_t head = 0;
  std::string logEpoch;
  std::string prevHash;  // hash of event `head`, or kGenesisHash for an empty log
};

// Reads the state of an existing log. When `create` is true and the database holds no
// log yet, first writes the meta entries of a new, empty one (formatVersion, a fresh
// logEpoch, head 0) with one synced write. Corruption when meta and the log disagree
// or the head record is damaged; FailedPrecondition for an unknown formatVersion;
// NotFound for a database that is not a log (create == false).
Result<RecoveredLog> recover_log(LogDb& db, bool create);

// Gives a copy of a log (a backup) a logEpoch of its own, with one synced write, and
// returns it. A restored backup continues from its head while the original went on
// past it: the same eventIds come to mean other events, so a client's position in one
// (realtime sync, connection recovery) must not be taken for a position in the other.
Result<std::string> renew_log_epoch(LogDb& db);

}  // namespace docket::events

// verify_log: a full integrity check of an event log, for operators and tests.
//
// Reads every record up to the store's head (as it was when verification started) and
// checks, in log order:
//   - the key is BE64 and the eventIds run 1, 2, … head with no gap;
//   - the record decodes (events/event.h grammar) and holds the eventId of its key;
//   - prevHash equals the hash of the previous record (kGenesisHash for event 1);
//   - hash is the SHA-256 of the record's bytes before `,"hash":"`;
//   - each stream's versions run 1, 2, … n in log order;
//   - the stream index maps (stream, streamVersion) to exactly this eventId.
// Then it walks the stream index and checks that every entry up to head belongs to a
// record checked above (no stray entries). The unique index is not checked: it holds
// current owners, which no record alone determines.
//
// The first problem found stops the check; the report names that eventId and why.
// Memory: one map entry per stream (its last version).
//
// Thread safety: may run while the store appends; later events are simply not checked.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace docket::events {

class EventStore;

struct VerifyReport {
  // OK; Corruption when the log is damaged (bad_event_id and reason say where and why);
  // or the error that stopped the log from being read (IOError).
  Status status;
  std::uint64_t head = 0;            // the head that was verified
  std::uint64_t events_checked = 0;  // records that passed every check
  std::uint64_t streams_checked = 0;
  std::uint64_t index_entries_checked = 0;  // stream index entries checked
  // The first bad event, when damaged. 0 when the problem is an index entry that names
  // no readable eventId, or when reading failed.
  std::uint64_t bad_event_id = 0;
  std::string reason;  // what is wrong, e.g. "hash does not match the record"

  bool ok() const { return status.ok(); }
};

// Called every few thousand events with the number of events checked so far, and once
// at the end of the log scan; for progress displays.
using VerifyProgressFn = std::function<void(std::uint64_t events_done)>;

// Verifies `store` (see above).
VerifyReport verify_log(const EventStore& store, const VerifyProgressFn& progress = {});

}  // namespace docket::events

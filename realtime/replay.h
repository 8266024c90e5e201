// Sync replay: the message deltas of one room after a client's last known eventId, read
// from the log's stream index (not from a buffer in memory, so it works the same after a
// server restart), with gap detection.
//
// The `sync` event: the client sends {id, sinceEventId, logEpoch?} and gets the ack
// {ok: true, events: [...deltas], gapDetected, lastEventId, logEpoch} (plus gapReason when
// gapDetected). A gap means "refetch the room over REST": no events are sent with it.
//
// replay_room, with head = store.head() read once at the start of the call (events after
// it are ignored, so the answer describes one consistent prefix of the log), checks in
// this order:
//
//   "epoch"   log_epoch is given and is not store.log_epoch(): sinceEventId names a
//             position in another log.
//   "ahead"   sinceEventId > head: a position this log has not reached.
//   "window"  sinceEventId > 0 and its event (any stream's) occurred before
//             now - options.window. Strictly before: an event exactly `window` old is
//             still inside. This holds even when the room has nothing new since then.
//   "bound"   more than options.max_events message events of the room have an eventId
//             in (sinceEventId, head]: the client missed too much to replay. Exactly
//             max_events is still replayed.
//
// sinceEventId 0 means "from the beginning": only the bound can make a gap.
//
// Without a gap, `events` holds the delta (message_delta, so byte for byte the live
// delta) of every message event of the room with sinceEventId < eventId <= head, in log
// order. Only support.request_message.created / support.inquiry_message.created events
// are deltas; the stream's other events (created, status changes, assignment...) are
// skipped, and so is a message event that message_delta cannot read. Inquiry deltas
// carry the inquiry's trackingCode, read from the stream's first event
// (support.inquiry.created).
//
// lastEventId is the newest eventId the client may resume from (its next sinceEventId):
//   - when sinceEventId is a position of this log (no gap, or a "window" / "bound"
//     gap): max(sinceEventId, L), where L is the eventId of the room's last message event
//     at or below head (0 when the room has none). So with new messages it is the last
//     delta's eventId, and with nothing new it is sinceEventId itself: it never moves
//     the client's cursor backwards.
//   - after an "epoch" or "ahead" gap: L. The client refetches over REST and resumes
//     from L; messages appended between this answer and its refetch come again in the
//     next sync and are recognised by their message id.
// logEpoch is always store.log_epoch().
//
// A room whose stream does not exist has no events and no "window" or "bound" gap (the
// "epoch" and "ahead" checks are about the client's position and apply to every room);
// lastEventId is then sinceEventId (0 after an epoch/ahead gap).
//
// Cost: a binary search of the stream index for the first version after sinceEventId,
// then only the events from there on are read, from the end backwards, and no more than
// max_events + 1 message events (plus the room's other events between them) before the
// bound is decided. One more event is read for the window check and one for an inquiry's
// trackingCode. The rest of a long stream is never read.
//
// Errors: storage errors of the store's reads (IOError, Corruption), and Corruption when
// the log has no record for sinceEventId <= head.
//
// Thread safety: replay_room only reads the store; call it from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "events/event_store.h"
#include "realtime/deltas.h"

namespace docket::realtime {

struct ReplayOptions {
  // The replay bound: more missed message events than this is a gap ("bound").
  // SIZE_MAX: no bound.
  std::size_t max_events = 500;
  // A sinceEventId whose event is older than this (by its occurredAt) is a gap ("window").
  std::chrono::seconds window{86400};
};

struct ReplayOutcome {
  std::vector<std::string> events;      // delta JSON objects, in log order
  std::vector<std::uint64_t> eventIds;  // the eventId of each of `events`
  bool gapDetected = false;
  std::string gapReason;  // "epoch" | "ahead" | "window" | "bound" | "" (no gap)
  std::uint64_t lastEventId = 0;
  std::string logEpoch;
};

// The gap reasons.
inline constexpr std::string_view kGapEpoch = "epoch";
inline constexpr std::string_view kGapAhead = "ahead";
inline constexpr std::string_view kGapWindow = "window";
inline constexpr std::string_view kGapBound = "bound";

// REQUIRES nothing of the caller beyond a valid room; authorization is the caller's.
Result<ReplayOutcome> replay_room(const events::EventStore& store, const RoomRef& room,
                                  std::uint64_t since_event_id,
                                  std::optional<std::string_view> log_epoch,
                                  const ReplayOptions& options, UnixMillis now);

// ---- Connection state recovery (docs/realtime.md, "Connection state recovery").

// What a recovering session receives: its message rooms, and the staff events of the
// staff rooms its identity is in now.
struct RecoveryScope {
  std::vector<RoomRef> rooms;
  bool staff_requests = false;   // the events sent to kStaffRequestsRoom
  bool staff_inquiries = false;  // the events sent to kStaffInquiriesRoom
  // The queue-feed rooms the session is in (realtime/queue_feed.h): their events too.
  std::vector<std::string> feed_rooms;
};

// One server event to send again: its eventId, EVENT name and argument (the object the
// live feed sent, byte for byte).
struct ReplayedEvent {
  std::uint64_t eventId = 0;
  std::string name;
  std::string json;
};

// The events a session missed after `since_event_id`, in log order, up to the head
// read at the start; nullopt when they cannot all be sent: a room's replay_room would
// answer a gap (ahead, window or bound, with `options`), or the scope has staff events
// and more than `max_scan` log records follow since_event_id (the staff feed has no
// stream index: its events are found by reading the log from since_event_id on).
// Errors: the store's.
Result<std::optional<std::vector<ReplayedEvent>>> replay_session(
    const events::EventStore& store, const RecoveryScope& scope, std::uint64_t since_event_id,
    const ReplayOptions& options, std::uint64_t max_scan, UnixMillis now);

// The sync ack object: {"ok":true,"events":[...],"gapDetected":false,"lastEventId":N,
// "logEpoch":"..."}, with "gapReason" after gapDetected when there is a gap. The deltas
// are written verbatim.
std::string sync_ack_json(const ReplayOutcome& outcome);

}  // namespace docket::realtime

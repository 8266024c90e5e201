// Realtime deltas: what a websocket client receives for an event, built the same way for
// live delivery (the feed, on the publisher thread) and for replay (sync and
// recovery, from the log), so a replayed delta is byte for byte the live one.
//
//   support.request_message.created  -> room support:request:{id}:messages
//     {eventId, logEpoch, room, message: {id, senderType, senderId, message, createdAt,
//      eventId}}
//   support.inquiry_message.created  -> room support:inquiry:{id}:messages
//     the same, plus trackingCode
//
// `message` has the shape the REST routes give (createdAt is the event's time, ISO-8601).
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event.h"

namespace docket::realtime {

enum class RoomKind { kRequest, kInquiry };

struct RoomRef {
  RoomKind kind = RoomKind::kRequest;
  std::int64_t id = 0;
};

// "support:request:42:messages" / "support:inquiry:42:messages".
std::string room_name(const RoomRef& room);
// The room of a name of that shape; nullopt otherwise.
std::optional<RoomRef> parse_room_name(std::string_view name);
// The log stream whose events feed the room ("support_request-42").
std::string room_stream(const RoomRef& room);

// The server event name of a message delta: "support.request_message.created" or
// "support.inquiry_message.created".
std::string_view delta_event_name(RoomKind kind);

struct Delta {
  RoomRef room;
  std::uint64_t eventId = 0;
  std::string json;  // the delta object
};

// The delta of a message event, or nullopt for any other event (or a malformed one).
// `tracking_code` is required for inquiry messages (the event does not carry it).
std::optional<Delta> message_delta(const events::EventRecord& event, std::string_view log_epoch,
                                   std::string_view tracking_code = {});

}  // namespace docket::realtime

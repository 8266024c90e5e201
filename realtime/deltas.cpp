#include "realtime/deltas.h"

#include <charconv>

#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "projections/message_thread.h"

namespace docket::realtime {
namespace {

constexpr std::string_view kRequestPrefix = "support:request:";
constexpr std::string_view kInquiryPrefix = "support:inquiry:";
constexpr std::string_view kSuffix = ":messages";

}  // namespace

std::string room_name(const RoomRef& room) {
  std::string out(room.kind == RoomKind::kRequest ? kRequestPrefix : kInquiryPrefix);
  out += std::to_string(room.id);
  out += kSuffix;
  return out;
}

std::optional<RoomRef> parse_room_name(std::string_view name) {
  RoomRef room;
  if (name.starts_with(kRequestPrefix)) {
    room.kind = RoomKind::kRequest;
    name.remove_prefix(kRequestPrefix.size());
  } else if (name.starts_with(kInquiryPrefix)) {
    room.kind = RoomKind::kInquiry;
    name.remove_prefix(kInquiryPrefix.size());
  } else {
    return std::nullopt;
  }
  if (!name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  if (name.empty() || name.front() == '0') return std::nullopt;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), room.id);
  if (ec != std::errc() || end != name.data() + name.size() || room.id <= 0) return std::nullopt;
  return room;
}

std::string room_stream(const RoomRef& room) {
  return room.kind == RoomKind::kRequest ? domain::support_request_stream(room.id)
                                         : domain::support_inquiry_stream(room.id);
}

std::string_view delta_event_name(RoomKind kind) {
  return kind == RoomKind::kRequest ? domain::SupportRequestMessageCreated::kType
                                    : domain::InquiryMessageCreated::kType;
}

namespace {

// The message fields a delta shows, from either kind of message event.
struct MessageFields {
  std::int64_t messageId = 0;
  const std::string* senderType = nullptr;
  std::optional<std::int64_t> senderId;
  const std::string* message = nullptr;
  const std::optional<std::vector<domain::AttachmentRefRecord>>* attachments = nullptr;
};

using MessageEvent =
    events::EventSet<domain::SupportRequestMessageCreated, domain::InquiryMessageCreated>;

}  // namespace

std::optional<Delta> message_delta(const events::EventRecord& event, std::string_view log_epoch,
                                   std::string_view tracking_code) {
  if (!MessageEvent::contains(event.type)) return std::nullopt;
  auto decoded = MessageEvent::decode(event);
  if (!decoded.ok()) return std::nullopt;
  RoomRef room;
  MessageFields m;
  std::visit(events::Overloaded{
                 [&](const domain::SupportRequestMessageCreated& e) {
                   room = {RoomKind::kRequest, e.supportRequestId};
                   m = {e.messageId, &e.senderType, e.senderId, &e.message, &e.attachments};
                 },
                 [&](const domain::InquiryMessageCreated& e) {
                   room = {RoomKind::kInquiry, e.supportInquiryId};
                   m = {e.messageId, &e.senderType, e.senderId, &e.message, &e.attachments};
                 },
             },
             *decoded);
  Delta delta{room, event.eventId, {}};
  JsonWriter w;
  w.begin_object().field("eventId", event.eventId).field("logEpoch", log_epoch);
  w.field("room", room_name(room));
  if (room.kind == RoomKind::kInquiry) w.field("trackingCode", tracking_code);
  w.key("message").begin_object().field("id", m.messageId);
  w.field("senderType", *m.senderType).field("senderId", m.senderId);
  w.field("message", *m.message);
  w.field("createdAt", format_iso8601(event.occurredAt)).field("eventId", event.eventId);
  w.field_raw("attachments", projections::message_attachments_json(*m.attachments).value_or("[]"));
  w.end_object().end_object();
  delta.json = w.take();
  return delta;
}

}  // namespace docket::realtime

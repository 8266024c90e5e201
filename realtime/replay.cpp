#include "realtime/replay.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "realtime/queue_feed.h"
#include "realtime/socket_server.h"

namespace docket::realtime {
namespace {

// Events read per step while looking backwards for the room's last message.
constexpr std::size_t kLastMessageChunk = 16;

bool is_message(const events::EventRecord& e) {
  return e.type == domain::SupportRequestMessageCreated::kType ||
         e.type == domain::InquiryMessageCreated::kType;
}

// The first version of `stream` whose eventId is > since, in 1..version + 1 (version + 1:
// none). Binary search of the stream index, whose eventIds grow with versions; the last
// entry is probed first, since an up-to-date client has nothing new.
Result<std::uint64_t> first_version_after(const events::EventStore& store, std::string_view stream,
                                          std::uint64_t version, std::uint64_t since) {
  if (since == 0) return std::uint64_t{1};
  // Whether the entry at `v` is past `since` (an entry past the store's head is).
  auto after = [&](std::uint64_t v) -> Result<bool> {
    auto ids = store.stream_event_ids(stream, v, 1);
    if (!ids.ok()) return ids.status();
    return ids->empty() || ids->front() > since;
  };
  auto last = after(version);
  if (!last.ok()) return last.status();
  if (!*last) return version + 1;
  std::uint64_t lo = 1;
  std::uint64_t hi = version;  // after(hi) holds; the answer is in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    auto past = after(mid);
    if (!past.ok()) return past.status();
    if (*past) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// The eventId of the last message event of `stream` at or below `head` (0 when none),
// reading backwards from `version` a few events at a time.
Result<std::uint64_t> last_message_id(const events::EventStore& store, std::string_view stream,
                                      std::uint64_t version, std::uint64_t head) {
  std::uint64_t hi = version;
  while (hi >= 1) {
    const std::uint64_t lo = hi > kLastMessageChunk ? hi - kLastMessageChunk + 1 : 1;
    auto chunk = store.read_stream(stream, lo, static_cast<std::size_t>(hi - lo + 1));
    if (!chunk.ok()) return chunk.status();
    for (auto it = chunk->rbegin(); it != chunk->rend(); ++it) {
      if (it->eventId <= head && is_message(*it)) return it->eventId;
    }
    hi = lo - 1;
  }
  return std::uint64_t{0};
}

// The trackingCode of an inquiry stream: in its first event, support.inquiry.created.
Result<std::string> inquiry_tracking_code(const events::EventStore& store,
                                          std::string_view stream) {
  auto first = store.read_stream(stream, 1, 1);
  if (!first.ok()) return first.status();
  if (first->empty()) return Status::Corruption(fmt::format("{} has no first event", stream));
  auto created = events::decode<domain::InquiryCreated>(first->front());
  if (!created.ok()) return created.status();
  return std::move(created->trackingCode);
}

ReplayOutcome gap(ReplayOutcome out, std::string_view reason, std::uint64_t last_event_id) {
  out.events.clear();
  out.eventIds.clear();
  out.gapDetected = true;
  out.gapReason = std::string(reason);
  out.lastEventId = last_event_id;
  return out;
}

}  // namespace

Result<ReplayOutcome> replay_room(const events::EventStore& store, const RoomRef& room,
                                  std::uint64_t since_event_id,
                                  std::optional<std::string_view> log_epoch,
                                  const ReplayOptions& options, UnixMillis now) {
  ReplayOutcome out;
  out.logEpoch = store.log_epoch();
  const std::uint64_t head = store.head();
  const std::string stream = room_stream(room);
  auto version = store.stream_version(stream);
  if (!version.ok()) return version.status();

  // Positions that mean nothing in this log: the client refetches and resumes from the
  // room's last message.
  const bool other_epoch = log_epoch && *log_epoch != out.logEpoch;
  if (other_epoch || since_event_id > head) {
    auto last = last_message_id(store, stream, *version, head);
    if (!last.ok()) return last.status();
    return gap(std::move(out), other_epoch ? kGapEpoch : kGapAhead, *last);
  }
  out.lastEventId = since_event_id;
  if (*version == 0) return out;

  if (since_event_id > 0) {
    auto since = store.read_range(since_event_id, 1);
    if (!since.ok()) return since.status();
    if (since->empty() || since->front().eventId != since_event_id) {
      return Status::Corruption(
          fmt::format("the log has no event {} below its head {}", since_event_id, head));
    }
    const std::int64_t window_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options.window).count();
    if (since->front().occurredAt < now - window_ms) {
      auto last = last_message_id(store, stream, *version, head);
      if (!last.ok()) return last.status();
      return gap(std::move(out), kGapWindow, std::max(since_event_id, *last));
    }
  }

  auto first = first_version_after(store, stream, *version, since_event_id);
  if (!first.ok()) return first.status();

  // Read the events after `since` from the end backwards, each step only as many as
  // could still take the count of messages past the bound.
  std::vector<std::vector<events::EventRecord>> chunks;  // last chunk first
  const std::size_t over_bound =  // saturating: max_events may be SIZE_MAX ("no bound")
      options.max_events == SIZE_MAX ? SIZE_MAX : options.max_events + 1;
  std::size_t messages = 0;
  std::uint64_t last_message = 0;
  for (std::uint64_t hi = *version; hi >= *first;) {
    // messages <= max_events here, so at least one event is read.
    const std::uint64_t size = std::min<std::uint64_t>(hi - *first + 1, over_bound - messages);
    const std::uint64_t lo = hi - size + 1;
    auto chunk = store.read_stream(stream, lo, static_cast<std::size_t>(size));
    if (!chunk.ok()) return chunk.status();
    for (const events::EventRecord& e : *chunk) {
      if (e.eventId <= head && e.eventId > since_event_id && is_message(e)) {
        ++messages;
        last_message = std::max(last_message, e.eventId);
      }
    }
    if (messages > options.max_events) {
      return gap(std::move(out), kGapBound, std::max(since_event_id, last_message));
    }
    chunks.push_back(std::move(chunk).value());
    hi = lo - 1;
  }
  if (messages == 0) return out;

  std::string tracking_code;
  if (room.kind == RoomKind::kInquiry) {
    auto code = inquiry_tracking_code(store, stream);
    if (!code.ok()) return code.status();
    tracking_code = std::move(code).value();
  }
  out.events.reserve(messages);
  out.eventIds.reserve(messages);
  for (auto chunk = chunks.rbegin(); chunk != chunks.rend(); ++chunk) {
    for (const events::EventRecord& e : *chunk) {
      if (e.eventId > head || e.eventId <= since_event_id || !is_message(e)) continue;
      auto delta = message_delta(e, out.logEpoch, tracking_code);
      if (!delta) continue;
      out.events.push_back(std::move(delta->json));
      out.eventIds.push_back(e.eventId);
    }
  }
  out.lastEventId = std::max(since_event_id, last_message);
  return out;
}

Result<std::optional<std::vector<ReplayedEvent>>> replay_session(
    const events::EventStore& store, const RecoveryScope& scope, std::uint64_t since_event_id,
    const ReplayOptions& options, std::uint64_t max_scan, UnixMillis now) {
  using Missed = std::optional<std::vector<ReplayedEvent>>;
  const std::uint64_t head = store.head();
  if (since_event_id > head) return Missed();
  std::vector<ReplayedEvent> out;
  for (const RoomRef& room : scope.rooms) {
    auto replay = replay_room(store, room, since_event_id, std::nullopt, options, now);
    if (!replay.ok()) return replay.status();
    if (replay->gapDetected) return Missed();
    for (std::size_t i = 0; i < replay->events.size(); ++i) {
      // A room's events may be newer than `head` (appended meanwhile): they are sent
      // live to the rooms the session joins before this replay.
      if (replay->eventIds[i] > head) break;
      out.push_back({replay->eventIds[i], std::string(delta_event_name(room.kind)),
                     std::move(replay->events[i])});
    }
  }
  const bool staff = scope.staff_requests || scope.staff_inquiries;
  if (staff || !scope.feed_rooms.empty()) {
    if (head - since_event_id > max_scan) return Missed();
    const std::string& epoch = store.log_epoch();
    auto in_scope = [&](const std::vector<std::string>& rooms) {
      for (const std::string& room : rooms) {
        if (std::find(scope.feed_rooms.begin(), scope.feed_rooms.end(), room) !=
            scope.feed_rooms.end()) {
          return true;
        }
      }
      return false;
    };
    Status scanned = head == since_event_id
                         ? Status()
                         : store.scan(since_event_id + 1, head, [&](const events::EventRecord& e) {
                             const std::string_view room = staff_feed_room(e.type);
                             const bool wanted =
                                 (room == kStaffRequestsRoom && scope.staff_requests) ||
                                 (room == kStaffInquiriesRoom && scope.staff_inquiries);
                             if (wanted) {
                               if (auto payload = staff_event_payload(e, epoch)) {
                                 out.push_back({e.eventId, e.type, std::move(*payload)});
                               }
                             }
                             for (QueueFeedEvent& fe : queue_feed_events(e, epoch)) {
                               if (in_scope(fe.rooms)) {
                                 out.push_back({e.eventId, std::move(fe.name), std::move(fe.json)});
                               }
                             }
                             return true;
                           });
    if (!scanned.ok()) return scanned;
  }
  std::stable_sort(out.begin(), out.end(), [](const ReplayedEvent& a, const ReplayedEvent& b) {
    return a.eventId < b.eventId;
  });
  return Missed(std::move(out));
}

std::string sync_ack_json(const ReplayOutcome& outcome) {
  std::size_t size = 128 + outcome.logEpoch.size();
  for (const std::string& delta : outcome.events)
    size += delta.size() + 1;
  std::string buffer;
  buffer.reserve(size);
  JsonWriter w(std::move(buffer));
  w.begin_object().field("ok", true).key("events").begin_array();
  for (const std::string& delta : outcome.events)
    w.raw(delta);
  w.end_array().field("gapDetected", outcome.gapDetected);
  if (outcome.gapDetected) w.field("gapReason", outcome.gapReason);
  w.field("lastEventId", outcome.lastEventId).field("logEpoch", outcome.logEpoch);
  w.end_object();
  return w.take();
}

}  // namespace docket::realtime

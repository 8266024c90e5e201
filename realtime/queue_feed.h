// The work-queue events of the realtime namespace (seed 002 §4, docs/realtime.md "The
// queue feed"): which log events become which server events, for which rooms, with
// what payload. Everything a payload and its rooms need is in the log event itself, so
// live delivery and recovery send the same bytes to the same rooms.
//
//   support.request.created / support.inquiry.created
//       -> new-ticket            agents, admins
//   support.request.assigned / support.inquiry.assigned (to someone)
//       -> ticket-assigned       agent:{assignedAdminId}
//   support.request.assigned / support.inquiry.assigned, *.status_changed
//       -> ticket-updated        admins, agent:{assignee} (and the previous one on a
//                                reassignment), customer:{customerId}
//   support.inquiry.status_changed, support.inquiry.linked (to: "linked")
//       -> ticket-updated        guest:{supportInquiryId}, without staff or customer ids
//   agent.status_changed
//       -> agent-status-changed  admins, agent:{accountId}
//   support.request.sla_breached / support.inquiry.sla_breached
//       -> sla-breach            admins, agent:{assignedAdminId} (docs/sla.md)
//
// queue-updated is a snapshot of the queue's depth, not a log event: QueueService reports
// it after a run that changed the depth (queue_updated_json), and a staff socket gets the
// last one right after its CONNECT reply (SocketServer::publish_queue_depth).
//
// Rooms: staff are put in agent:{accountId} and, by role, agents (role agent) or admins
// (role admin) when they hold SupportRequests_READ or SupportInquiries_READ; customers
// in customer:{accountId}; a guest in guest:{inquiryId}, the inquiry its token opens. Clients
// cannot join or leave them. Payloads name items by type and id (no subject or message text). Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/identity.h"
#include "events/event.h"

namespace docket::realtime {

inline constexpr std::string_view kQueueUpdatedEvent = "queue-updated";
inline constexpr std::string_view kAgentsRoom = "agents";
inline constexpr std::string_view kAdminsRoom = "admins";
std::string agent_room(std::int64_t account_id);     // "agent:12"
std::string customer_room(std::int64_t account_id);  // "customer:12"
std::string guest_room(std::int64_t inquiry_id);     // "guest:12"

// The queue-feed rooms of an identity (empty for guests and anonymous sessions).
std::vector<std::string> queue_feed_rooms(const auth::Identity& who);
bool is_queue_feed_room(std::string_view room);

struct QueueFeedEvent {
  std::string name;                // "new-ticket", "ticket-assigned", ...
  std::vector<std::string> rooms;  // each connection in any of them receives it once
  std::string json;                // the argument object (carries eventId and logEpoch)
};

// The queue-feed events of one log event, in the order they are sent (none for most).
std::vector<QueueFeedEvent> queue_feed_events(const events::EventRecord& event,
                                              std::string_view log_epoch);

// A queue depth snapshot as of `event_id`: {eventId, logEpoch, depth, byPriority}.
struct QueueDepth {
  std::uint64_t depth = 0;
  std::vector<std::pair<std::string, std::uint64_t>> byPriority;
};
std::string queue_updated_json(const QueueDepth& depth, std::uint64_t event_id,
                               std::string_view log_epoch);

}  // namespace docket::realtime

// The Socket.IO layer of the realtime server: one namespace ("/support"), its
// authentication, rooms, client events with acks, and the live feed from the event log.
// docs/realtime.md ("Namespace and authentication", "Rooms and events") is the contract;
// this header is the code's view of it.
//
//   transport (ws_server) --on_open/on_message/on_close--> SocketServer
//   EventStore publisher  --on_commit-------------------> RealtimeFeed --> SocketServer
//                                                                  (rooms, Connection::send)
//
// SocketServer implements ConnectionHandler. The CONNECT to the namespace authenticates
// once (auth payload {token}, else the handshake's Authorization header); client events
// are authorized against the read models at each join and sync (RoomAuthorizer), so a
// revoked guest token or a changed staff permission is seen at the next join/sync. A
// revoked guest token also ends that guest's namespace session at once: the feed sees
// support.inquiry.token_revoked and the server sends DISCONNECT.
//
// RealtimeFeed is the CommitObserver (a separate object so the transport and the log can
// be wired and torn down independently): message events become deltas for their room
// (realtime/deltas.h), and request/inquiry lifecycle events go to the staff rooms.
//
// Thread safety: SocketServer's ConnectionHandler calls follow connection.h (one
// connection's calls never overlap; different connections run on different threads).
// Every other public method may be called from any thread. RealtimeFeed::on_commit runs
// on the store's publisher thread; it sends without blocking (Connection::send queues).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/auth/identity.h"
#include "core/lru_map.h"
#include "core/result.h"
#include "core/status.h"
#include "events/event_store.h"
#include "projections/authenticator.h"
#include "realtime/connection.h"
#include "realtime/deltas.h"
#include "realtime/replay.h"
#include "realtime/rooms.h"
#include "realtime/sessions.h"

namespace docket {
class MetricsRegistry;
}

namespace docket::realtime {

// ---- Names and codes (stable API: clients switch on them).

// Client events.
inline constexpr std::string_view kJoinRequestMessages = "support:join_request_messages";
inline constexpr std::string_view kLeaveRequestMessages = "support:leave_request_messages";
inline constexpr std::string_view kSyncRequestMessages = "support:sync_request_messages";
inline constexpr std::string_view kJoinInquiryMessages = "support:join_inquiry_messages";
inline constexpr std::string_view kLeaveInquiryMessages = "support:leave_inquiry_messages";
inline constexpr std::string_view kSyncInquiryMessages = "support:sync_inquiry_messages";
// {status}: the staff member's availability (seed 002 §4; realtime/queue_feed.h).
inline constexpr std::string_view kAgentStatusEvent = "agent-status";

// Staff rooms. Every staff connection holding SupportRequests_READ or
// SupportInquiries_READ is in kStaffRoom; the staff feed is sent to the per-permission
// rooms, so a staff member only receives the events of what they may read.
inline constexpr std::string_view kStaffRoom = "staff";
inline constexpr std::string_view kStaffRequestsRoom = "staff:requests";    // Requests_READ
inline constexpr std::string_view kStaffInquiriesRoom = "staff:inquiries";  // Inquiries_READ

// CONNECT_ERROR message for a bad credential (data {"errorCode": …}).
inline constexpr std::string_view kInvalidCredentialsMessage = "Invalid credentials";
inline constexpr std::string_view kInvalidNamespaceMessage = "Invalid namespace";

// errorCode values of acks and CONNECT_ERROR data besides the API's (http/api_error.h).
namespace realtime_error {
inline constexpr std::string_view kUnknownEvent = "UNKNOWN_EVENT";
}  // namespace realtime_error

// ---- Injected dependencies (the production ones are built by the server runtime; see
// realtime/room_access.h for the authorizer).

struct SocketServerOptions {
  std::string nsp = "/support";  // REQUIRES: starts with '/', no ','
};

// The client event `agent-status` {status}: sets the staff member's availability as
// PATCH /api/agents/me/status does. `done` gets the ack object ({ok:true,status} or the
// error answer); it may run on any thread, later. Unset: the event is unknown.
using AgentStatusSetter = std::function<void(const auth::Identity& who, std::string status,
                                             std::function<void(std::string ack_json)> done)>;

// Connection state recovery (docs/realtime.md, "Connection state recovery"). Without
// `sessions` the server sends no pid, appends no offset and recovers nothing.
struct SessionRecovery {
  std::shared_ptr<SessionStore> sessions;
  std::string log_epoch;                // EventStore::log_epoch()
  std::function<std::uint64_t()> head;  // EventStore::head()
  // replay_session with the server's options. May throw ApiError.
  std::function<Result<std::optional<std::vector<ReplayedEvent>>>(const RecoveryScope&,
                                                                  std::uint64_t since)>
      replay;
};

struct RealtimeAuth {
  // What projections::Authenticator::authenticate does with an Authorization header value
  // ("Bearer <jwt>", "Bearer si_…"). May throw ApiError (storage failures).
  std::function<projections::Authenticator::Outcome(std::string_view authorization)> authenticate;
};

// Whether `identity` may read `room` now: OK when allowed, a refusal
// (domain/refusal.h: who is asking, access, not found) when not, another Status when
// the read models cannot answer. `guest_token` is the raw si_… token of a guest
// connection ("" otherwise), to be checked again. May throw ApiError.
using RoomAuthorizer =
    std::function<Status(const auth::Identity&, std::string_view guest_token, const RoomRef&)>;

// The ack object of a sync, {ok:true, events:[…], gapDetected, lastEventId, logEpoch}
// (built by the replay layer), or an error Status (answered as
// api_error_from_status does). May throw ApiError.
using Replayer = std::function<Result<std::string>(const RoomRef&, std::uint64_t since_event_id,
                                                   std::optional<std::string> log_epoch)>;

// Counters for /metrics. `connected` is a gauge; the rest only grow.
struct SocketServerStats {
  std::uint64_t connections = 0;           // open transport connections (gauge)
  std::uint64_t connected = 0;             // connected to the namespace (gauge)
  std::uint64_t connects = 0;              // CONNECTs accepted
  std::uint64_t connect_errors = 0;        // CONNECT_ERRORs sent (namespace, credentials)
  std::uint64_t joins = 0;                 // joins accepted
  std::uint64_t joins_refused = 0;         // joins refused by authorization
  std::uint64_t syncs = 0;                 // syncs answered with the replay
  std::uint64_t syncs_refused = 0;         // syncs refused by authorization
  std::uint64_t invalid_events = 0;        // VALIDATION_ERROR and UNKNOWN_EVENT answers
  std::uint64_t protocol_closes = 0;       // connections closed for a protocol violation
  std::uint64_t guests_disconnected = 0;   // sessions ended by a token revocation
  std::uint64_t deltas_sent = 0;           // message deltas accepted by Connection::send
  std::uint64_t staff_events_sent = 0;     // staff feed events accepted by Connection::send
  std::uint64_t queue_events_sent = 0;     // queue feed events accepted by Connection::send
  std::uint64_t recoveries = 0;            // sessions recovered at CONNECT
  std::uint64_t recoveries_failed = 0;     // CONNECTs with a pid that got a new session
  std::uint64_t recovered_events = 0;      // events replayed to recovered sessions
  std::uint64_t session_store_errors = 0;  // failed writes of the session store
};

class SocketServer final : public ConnectionHandler {
 public:
  // REQUIRES: every function is set.
  SocketServer(SocketServerOptions options, RealtimeAuth auth, RoomAuthorizer authorizer,
               Replayer replayer, SessionRecovery recovery = {},
               AgentStatusSetter agent_status = {});
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;
  ~SocketServer() override;

  // ConnectionHandler.
  void on_open(const std::shared_ptr<Connection>& connection, const ConnectionInfo& info) override;
  void on_message(const std::shared_ptr<Connection>& connection, std::string_view packet) override;
  void on_close(const std::shared_ptr<Connection>& connection) override;
  // Connected to the namespace.
  bool has_session(const Connection& connection) override;

  const std::string& nsp() const { return options_.nsp; }
  RoomRegistry& rooms() { return rooms_; }
  const RoomRegistry& rooms() const { return rooms_; }
  SocketServerStats stats() const;
  // Registers docket_ws_* Socket.IO metrics read at scrape time. REQUIRES: the server
  // outlives every render of `registry`.
  void register_metrics(MetricsRegistry& registry) const;

  // ---- For the feed (any thread).

  // Sends the delta's EVENT (delta_event_name; arguments: the delta object, then, with
  // recovery on, its eventId as a string: the offset) to the members of its room;
  // returns how many accepted it.
  std::size_t send_delta(const Delta& delta);
  // Sends EVENT `name` with the argument `object_json` (and, with recovery on, the
  // offset `event_id` as a string) to the members of `room`.
  std::size_t send_staff_event(std::string_view room, std::string_view name,
                               std::string_view object_json, std::uint64_t event_id);
  // Sends EVENT `name` once to every connection in any of `rooms` (realtime/queue_feed.h).
  std::size_t send_feed_event(const std::vector<std::string>& rooms, std::string_view name,
                              std::string_view object_json, std::uint64_t event_id);
  // Sends queue-updated (the queue's depth, realtime/queue_feed.h) to agents and admins
  // and keeps it: a staff socket that connects to agents or admins later gets it right
  // after the CONNECT reply.
  std::size_t publish_queue_depth(std::string object_json, std::uint64_t event_id);
  // Ends the namespace session of every guest connection of inquiry `inquiry_id` (its
  // token was revoked): leaves their rooms and sends DISCONNECT; the websocket stays
  // open (the client may CONNECT again, and is refused). Returns how many.
  std::size_t disconnect_guests(std::int64_t inquiry_id);

 private:
  struct Socket;

  std::shared_ptr<Socket> find(const Connection& connection) const;
  void handle_connect(Socket& socket, std::string nsp, std::string_view auth_json);
  // Restores the session `pid` for the authenticated socket: its rooms joined again and
  // the events it missed after `offset` (a decimal eventId; the session's baseline when
  // nullopt); nullopt when it cannot be recovered (a stored session that failed a check
  // is then forgotten). REQUIRES: socket.mu held.
  std::optional<std::vector<ReplayedEvent>> recover(Socket& socket, std::string_view pid,
                                                    const std::optional<std::string>& offset);
  // The EVENT args of a live or replayed event: [object] or [object,"<eventId>"].
  std::string event_args(std::string_view object_json, std::uint64_t event_id) const;
  // Writes the socket's message rooms to its session. REQUIRES: socket.mu held.
  void save_rooms(Socket& socket);
  // Counts and logs a failed session store call.
  void session_store_failed(std::string_view what, const Status& status);
  void handle_event(Socket& socket, std::string_view name, std::string_view args,
                    std::optional<std::uint64_t> ack_id);
  // The ack object of one client event.
  std::string answer_event(Socket& socket, std::string_view name, std::string_view args);
  // OK when the socket may read `room` now, else the refusal (or read-model failure).
  // Re-authenticates a JWT identity first. REQUIRES: socket.mu held.
  Status authorize(Socket& socket, const RoomRef& room);
  // The client event agent-status: validated here, decided by agent_status_, acked when
  // it is done. REQUIRES: socket.mu held.
  void set_agent_status(Socket& socket, std::string_view args, std::optional<std::uint64_t> ack_id);
  // Puts a staff identity in (or out of) the staff rooms, and every identity in its
  // queue-feed rooms. REQUIRES: socket.mu held.
  void update_staff_rooms(Socket& socket);
  // How a namespace session ends: the transport was lost (the client may recover it) or
  // the session is over (client DISCONNECT, revocation, protocol error).
  enum class SessionEnd { kDetach, kRemove };
  // Leaves every room and the namespace. REQUIRES: socket.mu held.
  void end_session(Socket& socket, SessionEnd how);
  void protocol_close(Socket& socket, std::string_view why);

  const SocketServerOptions options_;
  const RealtimeAuth auth_;
  const RoomAuthorizer authorizer_;
  const Replayer replayer_;
  const SessionRecovery recovery_;
  const AgentStatusSetter agent_status_;
  RoomRegistry rooms_;

  std::mutex queue_depth_mu_;
  std::string queue_depth_json_;  // "" until the first report; guarded by queue_depth_mu_
  std::uint64_t queue_depth_event_id_ = 0;

  mutable std::shared_mutex sockets_mu_;
  // connection id -> its state. Guarded by sockets_mu_ (the Socket's fields by its mu).
  std::unordered_map<std::string, std::shared_ptr<Socket>> sockets_;
  // inquiry id -> ids of the guest connections of that inquiry connected to the
  // namespace. Guarded by sockets_mu_.
  std::unordered_map<std::int64_t, std::unordered_set<std::string>> guests_;

  std::atomic<std::uint64_t> connections_{0}, connected_{0}, connects_{0}, connect_errors_{0},
      joins_{0}, joins_refused_{0}, syncs_{0}, syncs_refused_{0}, invalid_events_{0},
      protocol_closes_{0}, guests_disconnected_{0}, deltas_sent_{0}, staff_events_sent_{0},
      queue_events_sent_{0}, recoveries_{0}, recoveries_failed_{0}, recovered_events_{0},
      session_store_errors_{0};
};

// ---- The live feed.

// The tracking code of an inquiry from the read model (nullopt when unknown). For
// inquiries created before the feed started. May throw.
using TrackingCodeLookup = std::function<std::optional<std::string>(std::int64_t inquiry_id)>;

struct FeedOptions {
  std::string log_epoch;                        // EventStore::log_epoch()
  std::size_t tracking_code_capacity = 10'000;  // id -> code entries kept (LRU); > 0
};

// The staff events: support.request.created, support.request.assigned,
// support.request.status_changed (to kStaffRequestsRoom) and support.inquiry.created
// (to kStaffInquiriesRoom).
bool is_staff_feed_event(std::string_view type);
// The staff room an event of the staff feed goes to (kStaffRequestsRoom or
// kStaffInquiriesRoom); "" for any other type.
std::string_view staff_feed_room(std::string_view type);
// The one argument of a staff event:
//   {"eventId":…,"logEpoch":"…","type":"…","occurredAt":"<ISO-8601>",
//    "supportRequestId"|"supportInquiryId":…,"data":{…}}
// `data` is the event's data without secrets: tokenHash, tokenExpiresAt and any key
// ending in "Hash" or "Salt" are left out. Nullopt for another type or malformed data.
std::optional<std::string> staff_event_payload(const events::EventRecord& event,
                                               std::string_view log_epoch);

class RealtimeFeed final : public events::CommitObserver {
 public:
  // REQUIRES: `server` outlives the feed; the feed is removed from the store (or the
  // store closed) before either is destroyed. `lookup` may be empty (no fallback).
  RealtimeFeed(SocketServer& server, FeedOptions options, TrackingCodeLookup lookup = {});

  // For each record, in order: learns tracking codes from support.inquiry.created,
  // sends message deltas to their rooms, the staff events to the staff rooms, and ends
  // the sessions of guests whose token support.inquiry.token_revoked revoked. Never
  // throws; a record that fails is logged and skipped. Rooms without members cost no
  // JSON work.
  void on_commit(std::span<const events::EventRecord> events) override;

  // The tracking code the feed would use for `inquiry_id` (cache, then lookup).
  std::optional<std::string> tracking_code(std::int64_t inquiry_id);
  std::size_t cached_tracking_codes() const;

 private:
  void deliver(const events::EventRecord& event);

  SocketServer& server_;
  const FeedOptions options_;
  const TrackingCodeLookup lookup_;
  mutable std::mutex codes_mu_;
  LruMap<std::string> codes_;  // std::to_string(inquiry id) -> tracking code; codes_mu_
};

}  // namespace docket::realtime

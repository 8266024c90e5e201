#include "realtime/socket_server.h"

#include <algorithm>
#include <cassert>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/api_error.h"
#include "core/crypto.h"
#include "core/json_view.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/time_format.h"
#include "domain/assignment.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "realtime/queue_feed.h"
#include "realtime/socket_io.h"

namespace docket::realtime {

namespace error_code = error_code;

// One connection's Socket.IO state.
struct SocketServer::Socket {
  // Held for each packet of the connection and by the feed when it ends a guest's
  // session, so an authorization and the room join it allows are never split by a
  // revocation. Lock order: Socket::mu, then sockets_mu_ or the registry's lock.
  std::mutex mu;
  std::shared_ptr<Connection> connection;
  std::string handshake_authorization;  // ConnectionInfo::authorization

  bool connected = false;       // to the namespace
  bool ever_connected = false;  // a CONNECT succeeded once (the connect timeout stops)
  // The server ended the namespace session (a revoked guest token): packets the client
  // sent before it saw the DISCONNECT are dropped instead of closing the connection.
  bool ended_by_server = false;
  std::string sid;
  std::string pid;  // its recoverable session ("" without recovery)
  auth::Identity identity;
  std::string credential;   // the "Bearer …" value authenticated at CONNECT; "" if none
  std::string guest_token;  // the raw si_… token of a guest; "" otherwise
};

namespace {

constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;
constexpr std::size_t kSidBytes = 15;  // 20 base64url characters, as the JS server's ids
constexpr std::size_t kMaxLogEpochBytes = 128;

constexpr std::string_view kBearer = "bearer";

// "Bearer " in any case, then the credential.
bool has_bearer_scheme(std::string_view value) {
  if (value.size() <= kBearer.size() || value[kBearer.size()] != ' ') return false;
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kBearer[i]) return false;
  }
  return true;
}

// The credential of an Authorization value: after "Bearer" and the spaces.
std::string_view credential_of(std::string_view authorization) {
  if (!has_bearer_scheme(authorization)) return authorization;
  authorization.remove_prefix(kBearer.size());
  while (!authorization.empty() && authorization.front() == ' ')
    authorization.remove_prefix(1);
  return authorization;
}

std::string ok_answer() {
  return R"({"ok":true})";
}

std::string error_answer(std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("ok", false).field("errorCode", code).field("message", message);
  w.end_object();
  return w.take();
}

std::string connect_error_data(std::string_view code) {
  JsonWriter w;
  w.begin_object().field("errorCode", code).end_object();
  return w.take();
}

// The errorCode and message of a room the caller may not read: a refusal as the REST
// routes answer it; a read-model failure as 500/503 (logged).
std::pair<std::string_view, std::string> room_refusal(const Status& status,
                                                      const auth::Identity& who,
                                                      const RoomRef& room) {
  if (const auto refusal = domain::refusal_of(status)) {
    const domain::RefusalInfo& info = domain::describe(*refusal);
    if (*refusal == domain::Refusal::kPermissionMissing && who.is_staff()) {
      const auth::Permission needed = room.kind == RoomKind::kRequest
                                          ? auth::Permission::kSupportRequestsRead
                                          : auth::Permission::kSupportInquiriesRead;
      return {info.errorCode,
              "This room needs the " + std::string(auth::permission_name(needed)) + " permission"};
    }
    return {info.errorCode, std::string(info.message)};
  }
  log_error("realtime.authorize_failed", [&](JsonWriter& w) {
    w.field("room", room_name(room)).field("error", status.ToString());
  });
  if (status.IsUnavailable()) return {error_code::kServiceUnavailable, "Service unavailable"};
  return {error_code::kInternalError, "Internal error"};
}

// Whose a session is: a recovery needs the same principal's credential again.
std::string session_principal(const auth::Identity& who) {
  if (who.is_staff()) return "staff:" + std::to_string(who.accountId);
  if (who.is_customer()) return "customer:" + std::to_string(who.accountId);
  if (who.is_guest()) return "guest:" + std::to_string(who.inquiryId);
  return "anonymous";
}

// A recovery offset: the eventId the client last received, as the decimal string the
// server sent (1 .. 2^53 - 1).
std::optional<std::uint64_t> parse_offset(std::string_view text) {
  if (text.empty() || text.size() > 16 || text.front() == '0') return std::nullopt;
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n > kMaxSafeInteger) return std::nullopt;
  return n;
}

// ---- Client events.

enum class Op { kJoin, kLeave, kSync };

struct EventSpec {
  std::string_view name;
  Op op;
  RoomKind kind;
};

constexpr EventSpec kEvents[] = {
    {kJoinRequestMessages, Op::kJoin, RoomKind::kRequest},
    {kLeaveRequestMessages, Op::kLeave, RoomKind::kRequest},
    {kSyncRequestMessages, Op::kSync, RoomKind::kRequest},
    {kJoinInquiryMessages, Op::kJoin, RoomKind::kInquiry},
    {kLeaveInquiryMessages, Op::kLeave, RoomKind::kInquiry},
    {kSyncInquiryMessages, Op::kSync, RoomKind::kInquiry},
};

const EventSpec* find_event(std::string_view name) {
  for (const EventSpec& spec : kEvents) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// An integer field in [min, 2^53 - 1]. Only JSON integers count: 1.0, "1" and 1e3
// are refused (a JavaScript client writes whole numbers without a fraction).
std::optional<std::uint64_t> safe_integer(simdjson::dom::object object, const char* key,
                                          std::uint64_t min) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::nullopt;
  std::uint64_t out = 0;
  if (value.type() == simdjson::dom::element_type::INT64) {
    const std::int64_t n = value.get_int64().value_unsafe();
    if (n < 0) return std::nullopt;
    out = static_cast<std::uint64_t>(n);
  } else if (value.type() == simdjson::dom::element_type::UINT64) {
    out = value.get_uint64().value_unsafe();
  } else {
    return std::nullopt;
  }
  if (out < min || out > kMaxSafeInteger) return std::nullopt;
  return out;
}

std::string_view id_field(RoomKind kind) {
  return kind == RoomKind::kRequest ? "supportRequestId" : "supportInquiryId";
}

std::string new_sid() {
  return base64url_encode(random_bytes(kSidBytes));
}

// An exception thrown by an injected function, as an ack's error.
std::string exception_answer(std::string_view what, const std::exception* e) {
  if (const auto* api = dynamic_cast<const ApiError*>(e)) {
    // 503: shutting down or a rebuild; expected now and then, not a bug.
    log(api->status() == 503 ? LogLevel::kWarn : LogLevel::kError, "realtime.event_failed",
        [&](JsonWriter& w) {
          w.field("event", what).field("errorCode", api->code()).field("error", api->message());
        });
    return error_answer(api->code(), api->message());
  }
  log_error("realtime.event_failed", [&](JsonWriter& w) {
    w.field("event", what).field("error", e != nullptr ? e->what() : "unknown exception");
  });
  return error_answer(error_code::kInternalError, "Internal error");
}

}  // namespace

// ---- SocketServer

SocketServer::SocketServer(SocketServerOptions options, RealtimeAuth auth,
                           RoomAuthorizer authorizer, Replayer replayer, SessionRecovery recovery,
                           AgentStatusSetter agent_status)
    : options_(std::move(options)),
      auth_(std::move(auth)),
      authorizer_(std::move(authorizer)),
      replayer_(std::move(replayer)),
      recovery_(std::move(recovery)),
      agent_status_(std::move(agent_status)) {
  assert(!options_.nsp.empty() && options_.nsp.front() == '/' &&
         options_.nsp.find(',') == std::string::npos);
  assert(auth_.authenticate && authorizer_ && replayer_);
  assert(!recovery_.sessions || (recovery_.head && recovery_.replay));
}

SocketServer::~SocketServer() = default;

SocketServerStats SocketServer::stats() const {
  SocketServerStats s;
  s.connections = connections_.load(std::memory_order_relaxed);
  s.connected = connected_.load(std::memory_order_relaxed);
  s.connects = connects_.load(std::memory_order_relaxed);
  s.connect_errors = connect_errors_.load(std::memory_order_relaxed);
  s.joins = joins_.load(std::memory_order_relaxed);
  s.joins_refused = joins_refused_.load(std::memory_order_relaxed);
  s.syncs = syncs_.load(std::memory_order_relaxed);
  s.syncs_refused = syncs_refused_.load(std::memory_order_relaxed);
  s.invalid_events = invalid_events_.load(std::memory_order_relaxed);
  s.protocol_closes = protocol_closes_.load(std::memory_order_relaxed);
  s.guests_disconnected = guests_disconnected_.load(std::memory_order_relaxed);
  s.deltas_sent = deltas_sent_.load(std::memory_order_relaxed);
  s.staff_events_sent = staff_events_sent_.load(std::memory_order_relaxed);
  s.queue_events_sent = queue_events_sent_.load(std::memory_order_relaxed);
  s.recoveries = recoveries_.load(std::memory_order_relaxed);
  s.recoveries_failed = recoveries_failed_.load(std::memory_order_relaxed);
  s.recovered_events = recovered_events_.load(std::memory_order_relaxed);
  s.session_store_errors = session_store_errors_.load(std::memory_order_relaxed);
  return s;
}

std::shared_ptr<SocketServer::Socket> SocketServer::find(const Connection& connection) const {
  std::shared_lock lock(sockets_mu_);
  auto it = sockets_.find(connection.id());
  return it == sockets_.end() ? nullptr : it->second;
}

void SocketServer::on_open(const std::shared_ptr<Connection>& connection,
                           const ConnectionInfo& info) {
  auto socket = std::make_shared<Socket>();
  socket->connection = connection;
  socket->handshake_authorization = info.authorization;
  {
    std::unique_lock lock(sockets_mu_);
    sockets_[connection->id()] = std::move(socket);
  }
  connections_.fetch_add(1, std::memory_order_relaxed);
}

void SocketServer::on_close(const std::shared_ptr<Connection>& connection) {
  std::shared_ptr<Socket> socket;
  {
    std::unique_lock lock(sockets_mu_);
    auto it = sockets_.find(connection->id());
    if (it != sockets_.end()) {
      socket = std::move(it->second);
      sockets_.erase(it);
    }
  }
  if (socket) {
    connections_.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(socket->mu);
    end_session(*socket, SessionEnd::kDetach);  // the client may recover it
  }
  rooms_.leave_all(connection->id());
}

bool SocketServer::has_session(const Connection& connection) {
  std::shared_ptr<Socket> socket = find(connection);
  if (!socket) return false;
  std::lock_guard lock(socket->mu);
  // As the reference server: the connect timeout stops at the first CONNECT, so a
  // socket that later sent DISCONNECT and idles is not closed by it.
  return socket->ever_connected;
}

void SocketServer::on_message(const std::shared_ptr<Connection>& connection,
                              std::string_view text) {
  std::shared_ptr<Socket> socket = find(*connection);
  if (!socket) return;  // not opened (or already closed): nothing to answer
  std::lock_guard lock(socket->mu);
  Socket& s = *socket;
  Result<socket_io::Packet> decoded = socket_io::decode(text);
  if (!decoded.ok()) {
    protocol_close(s, decoded.status().message());
    return;
  }
  socket_io::Packet& packet = *decoded;
  const bool ours = packet.nsp == options_.nsp;
  using socket_io::PacketType;
  switch (packet.type) {
    case PacketType::kConnect:
      if (ours && s.connected) {
        // The JavaScript server closes on a second CONNECT to a connected namespace.
        protocol_close(s, "CONNECT to a connected namespace");
        return;
      }
      handle_connect(s, std::move(packet.nsp), packet.auth());
      return;
    case PacketType::kDisconnect:
    case PacketType::kEvent:
    case PacketType::kAck:
      if (!ours || !s.connected) {
        if (ours && s.ended_by_server) return;  // sent before it saw our DISCONNECT
        protocol_close(s, "packet for a namespace that is not connected");
        return;
      }
      if (packet.type == PacketType::kDisconnect) {
        end_session(s, SessionEnd::kRemove);
      } else if (packet.type == PacketType::kEvent) {
        handle_event(s, packet.event_name, packet.args, packet.ack_id);
      }
      // ACK: the server never asks the client for one; ignored as the JS server does.
      return;
    case PacketType::kConnectError:
    case PacketType::kBinaryEvent:
    case PacketType::kBinaryAck:
      protocol_close(s, packet.is_binary() ? "binary packets are not supported"
                                           : "CONNECT_ERROR from a client");
      return;
  }
}

void SocketServer::protocol_close(Socket& s, std::string_view why) {
  protocol_closes_.fetch_add(1, std::memory_order_relaxed);
  log(LogLevel::kDebug, "realtime.protocol_error",
      [&](JsonWriter& w) { w.field("connection", s.connection->id()).field("reason", why); });
  end_session(s, SessionEnd::kRemove);
  s.connection->close();
}

void SocketServer::handle_connect(Socket& s, std::string nsp, std::string_view auth_json) {
  if (nsp != options_.nsp) {
    connect_errors_.fetch_add(1, std::memory_order_relaxed);
    s.connection->send(socket_io::connect_error(nsp, kInvalidNamespaceMessage));
    return;
  }
  auto refuse = [&](std::string_view message, std::string_view code) {
    connect_errors_.fetch_add(1, std::memory_order_relaxed);
    s.connection->send(socket_io::connect_error(nsp, message, connect_error_data(code)));
  };

  // The credential: auth.token ("<jwt>", "Bearer <jwt>", "si_…", "Bearer si_…"), else
  // the handshake's Authorization header. A null or empty token counts as absent.
  std::string authorization;
  bool from_payload = false;
  // Connection state recovery: {pid, offset} as socket.io-client adds them to the auth
  // payload. Anything but strings counts as absent, as in the JavaScript server.
  std::optional<std::string> pid;
  std::optional<std::string> offset;
  {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::object auth;
    simdjson::dom::element token;
    const bool is_object = !parser.parse(auth_json.data(), auth_json.size()).get_object().get(auth);
    if (is_object && recovery_.sessions) {
      std::string_view text;
      if (!auth["pid"].get_string().get(text) && !text.empty() && text.size() <= 64) {
        pid = std::string(text);
      }
      if (!auth["offset"].get_string().get(text)) {
        offset = std::string(text.substr(0, 32));
      }
    }
    if (is_object && !auth["token"].get(token) && !token.is_null()) {
      std::string_view text;
      if (token.get_string().get(text)) {
        refuse(kInvalidCredentialsMessage, error_code::kUnauthorized);
        return;
      }
      if (!text.empty()) {
        // One spelling for the authenticator: "Bearer " + the credential.
        authorization = "Bearer " + std::string(credential_of(text));
        from_payload = true;
      }
    }
  }
  if (!from_payload) authorization = s.handshake_authorization;

  projections::Authenticator::Outcome outcome;
  try {
    outcome = auth_.authenticate(authorization);
  } catch (const ApiError& e) {
    log_error("realtime.connect_failed", [&](JsonWriter& w) { w.field("error", e.message()); });
    refuse(e.message(), e.code());
    return;
  } catch (const std::exception& e) {
    log_error("realtime.connect_failed", [&](JsonWriter& w) { w.field("error", e.what()); });
    refuse("Internal error", error_code::kInternalError);
    return;
  }
  using Outcome = projections::Authenticator::Outcome;
  switch (outcome.kind) {
    case Outcome::kInvalid:
      refuse(kInvalidCredentialsMessage, error_code::kUnauthorized);
      return;
    case Outcome::kInvalidGuestToken:
      refuse(kInvalidCredentialsMessage, error_code::kSupportInquiryTokenInvalid);
      return;
    case Outcome::kUnavailable:
      log_error("realtime.connect_failed",
                [&](JsonWriter& w) { w.field("error", outcome.message); });
      refuse(outcome.message, error_code::kServiceUnavailable);
      return;
    case Outcome::kNone:
      s.identity = auth::Identity::anonymous();
      authorization.clear();
      break;
    case Outcome::kValid:
      s.identity = std::move(outcome.identity);
      break;
  }
  s.credential = std::move(authorization);
  s.guest_token = s.identity.is_guest() ? std::string(credential_of(s.credential)) : std::string();
  s.connected = true;
  s.ever_connected = true;
  s.ended_by_server = false;
  if (s.identity.is_guest()) {
    std::unique_lock lock(sockets_mu_);
    guests_[s.identity.inquiryId].insert(s.connection->id());
  }
  update_staff_rooms(s);
  connected_.fetch_add(1, std::memory_order_relaxed);
  connects_.fetch_add(1, std::memory_order_relaxed);

  std::optional<std::vector<ReplayedEvent>> missed;
  if (pid) {
    missed = recover(s, *pid, offset);
    if (!missed) recoveries_failed_.fetch_add(1, std::memory_order_relaxed);
  }
  if (!missed) {
    s.sid = new_sid();
    if (recovery_.sessions) {
      SessionRecord session{.pid = new_sid(),
                            .sid = s.sid,
                            .principal = session_principal(s.identity),
                            .log_epoch = recovery_.log_epoch,
                            .baseline_event_id = recovery_.head(),
                            .rooms = {}};
      if (Status created = recovery_.sessions->create(session); created.ok()) {
        s.pid = std::move(session.pid);
      } else {
        session_store_failed("create", created);  // no pid: this one cannot recover
      }
    }
  }
  s.connection->send(socket_io::connect_ok(
      options_.nsp, s.sid, s.pid.empty() ? std::nullopt : std::optional<std::string_view>(s.pid)));
  if (missed) {
    recoveries_.fetch_add(1, std::memory_order_relaxed);
    recovered_events_.fetch_add(missed->size(), std::memory_order_relaxed);
    for (const ReplayedEvent& e : *missed) {
      s.connection->send(socket_io::event(options_.nsp, e.name, event_args(e.json, e.eventId)));
    }
  }
  // The queue's depth as last reported, so a console starts from it.
  const bool team = rooms_.is_member(kAgentsRoom, s.connection->id()) ||
                    rooms_.is_member(kAdminsRoom, s.connection->id());
  if (team) {
    std::lock_guard lock(queue_depth_mu_);
    if (!queue_depth_json_.empty()) {
      s.connection->send(socket_io::event(options_.nsp, kQueueUpdatedEvent,
                                          event_args(queue_depth_json_, queue_depth_event_id_)));
    }
  }
}

std::size_t SocketServer::publish_queue_depth(std::string object_json, std::uint64_t event_id) {
  {
    std::lock_guard lock(queue_depth_mu_);
    queue_depth_json_ = object_json;
    queue_depth_event_id_ = event_id;
  }
  return send_feed_event({std::string(kAgentsRoom), std::string(kAdminsRoom)}, kQueueUpdatedEvent,
                         object_json, event_id);
}

std::optional<std::vector<ReplayedEvent>> SocketServer::recover(
    Socket& s, std::string_view pid, const std::optional<std::string>& offset_text) {
  using Missed = std::optional<std::vector<ReplayedEvent>>;
  auto claimed = recovery_.sessions->claim(pid);
  if (!claimed.ok()) {
    session_store_failed("claim", claimed.status());
    return Missed();
  }
  if (!claimed->has_value()) return Missed();  // unknown, expired or in use
  const SessionRecord& session = **claimed;
  auto give_up = [&](std::string_view why) {
    log(LogLevel::kDebug, "realtime.recovery_refused",
        [&](JsonWriter& w) { w.field("connection", s.connection->id()).field("reason", why); });
    if (Status removed = recovery_.sessions->remove(pid); !removed.ok()) {
      session_store_failed("remove", removed);
    }
    return Missed();
  };
  if (session.principal != session_principal(s.identity)) return give_up("another principal");
  if (session.log_epoch != recovery_.log_epoch) return give_up("another log epoch");
  std::optional<std::uint64_t> offset;
  if (offset_text) {
    offset = parse_offset(*offset_text);
    if (!offset) return give_up("malformed offset");
  }

  RecoveryScope scope;
  scope.staff_requests = rooms_.is_member(kStaffRequestsRoom, s.connection->id());
  scope.staff_inquiries = rooms_.is_member(kStaffInquiriesRoom, s.connection->id());
  // Staff sessions scan the log for their staff feed already; a customer's ticket-updated
  // events are sent live only (a recovering customer refetches its tickets).
  if (s.identity.is_staff()) scope.feed_rooms = queue_feed_rooms(s.identity);
  Missed missed;
  try {
    for (const std::string& name : session.rooms) {
      std::optional<RoomRef> room = parse_room_name(name);
      if (!room) return give_up("unknown room");
      // Every room as a join would be: a revoked token or a lost permission ends it. The
      // credential was authenticated by this CONNECT, so only the room rules run here.
      if (s.identity.is_anonymous() || !authorizer_(s.identity, s.guest_token, *room).ok()) {
        return give_up("room no longer allowed");
      }
      scope.rooms.push_back(*room);
    }
    // Join first: an event appended from now on is sent live, and one appended before
    // is in the replay (or both: deltas are at-least-once).
    for (const RoomRef& room : scope.rooms)
      rooms_.join(room_name(room), s.connection);
    auto replayed = recovery_.replay(scope, offset.value_or(session.baseline_event_id));
    if (!replayed.ok()) {
      log_warn("realtime.recovery_failed",
               [&](JsonWriter& w) { w.field("error", replayed.status().ToString()); });
    } else {
      missed = std::move(replayed).value();
    }
  } catch (const std::exception& e) {
    log_warn("realtime.recovery_failed", [&](JsonWriter& w) { w.field("error", e.what()); });
  }
  if (!missed) {
    for (const RoomRef& room : scope.rooms)
      rooms_.leave(room_name(room), s.connection->id());
    return give_up("missed events cannot be replayed");
  }
  s.sid = session.sid;
  s.pid = std::string(pid);
  return missed;
}

std::string SocketServer::event_args(std::string_view object_json, std::uint64_t event_id) const {
  std::string args;
  args.reserve(object_json.size() + 24);
  args.append("[").append(object_json);
  if (recovery_.sessions) args.append(",\"").append(std::to_string(event_id)).append("\"");
  args.append("]");
  return args;
}

void SocketServer::save_rooms(Socket& s) {
  if (s.pid.empty()) return;
  std::vector<std::string> rooms;
  for (std::string& room : rooms_.rooms_of(s.connection->id())) {
    if (parse_room_name(room)) rooms.push_back(std::move(room));
  }
  if (Status saved = recovery_.sessions->set_rooms(s.pid, rooms); !saved.ok()) {
    session_store_failed("rooms", saved);
  }
}

void SocketServer::session_store_failed(std::string_view what, const Status& status) {
  session_store_errors_.fetch_add(1, std::memory_order_relaxed);
  log_error("realtime.session_store_failed",
            [&](JsonWriter& w) { w.field("operation", what).field("error", status.ToString()); });
}

void SocketServer::update_staff_rooms(Socket& s) {
  const bool requests = s.identity.has(auth::Permission::kSupportRequestsRead);
  const bool inquiries = s.identity.has(auth::Permission::kSupportInquiriesRead);
  auto place = [&](std::string_view room, bool member) {
    if (member) {
      rooms_.join(room, s.connection);
    } else {
      rooms_.leave(room, s.connection->id());
    }
  };
  place(kStaffRoom, requests || inquiries);
  place(kStaffRequestsRoom, requests);
  place(kStaffInquiriesRoom, inquiries);
  // The queue feed's rooms follow the identity (a role change moves the socket).
  const std::vector<std::string> feed = queue_feed_rooms(s.identity);
  for (const std::string& room : rooms_.rooms_of(s.connection->id())) {
    if (is_queue_feed_room(room) && std::find(feed.begin(), feed.end(), room) == feed.end()) {
      rooms_.leave(room, s.connection->id());
    }
  }
  for (const std::string& room : feed)
    rooms_.join(room, s.connection);
}

void SocketServer::end_session(Socket& s, SessionEnd how) {
  if (!s.connected) return;
  rooms_.leave_all(s.connection->id());
  if (!s.pid.empty()) {
    const Status saved = how == SessionEnd::kDetach ? recovery_.sessions->detach(s.pid)
                                                    : recovery_.sessions->remove(s.pid);
    if (!saved.ok()) session_store_failed("end", saved);
  }
  if (s.identity.is_guest()) {
    std::unique_lock lock(sockets_mu_);
    auto it = guests_.find(s.identity.inquiryId);
    if (it != guests_.end()) {
      it->second.erase(s.connection->id());
      if (it->second.empty()) guests_.erase(it);
    }
  }
  s.connected = false;
  s.identity = auth::Identity::anonymous();
  s.credential.clear();
  s.guest_token.clear();
  s.sid.clear();
  s.pid.clear();
  connected_.fetch_sub(1, std::memory_order_relaxed);
}

void SocketServer::handle_event(Socket& s, std::string_view name, std::string_view args,
                                std::optional<std::uint64_t> ack_id) {
  if (name == kAgentStatusEvent && agent_status_) return set_agent_status(s, args, ack_id);
  std::string answer = answer_event(s, name, args);
  if (ack_id) s.connection->send(socket_io::ack(options_.nsp, *ack_id, "[" + answer + "]"));
}

void SocketServer::set_agent_status(Socket& s, std::string_view args,
                                    std::optional<std::uint64_t> ack_id) {
  auto reply = [connection = s.connection, nsp = options_.nsp, ack_id](std::string answer) {
    if (ack_id) connection->send(socket_io::ack(nsp, *ack_id, "[" + answer + "]"));
  };
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  simdjson::dom::object payload;
  std::string_view status;
  if (parser.parse(args.data(), args.size()).get_array().get(array) || array.size() == 0 ||
      array.at(0).get_object().get(payload) || payload["status"].get_string().get(status) ||
      !domain::parse_agent_status(status)) {
    invalid_events_.fetch_add(1, std::memory_order_relaxed);
    return reply(error_answer(error_code::kValidationError,
                              "status must be one of available, busy, away, offline"));
  }
  try {
    // The JWT again, as a join does: an expired token or a deactivated account stops here.
    if (s.identity.is_staff()) {
      auto outcome = auth_.authenticate(s.credential);
      if (outcome.kind != projections::Authenticator::Outcome::kValid) {
        return reply(error_answer(error_code::kUnauthorized, "Invalid credentials"));
      }
      s.identity = std::move(outcome.identity);
    }
    if (!s.identity.is_staff()) {
      return reply(error_answer(error_code::kForbidden, "Only staff have an agent status"));
    }
    agent_status_(s.identity, std::string(status), std::move(reply));
  } catch (const std::exception& e) {
    reply(exception_answer(kAgentStatusEvent, &e));
  }
}

Status SocketServer::authorize(Socket& s, const RoomRef& room) {
  if (s.identity.is_customer() || s.identity.is_staff()) {
    // The JWT again: an expired token, a deactivated account or a changed permission
    // applies from the next join or sync, as on the REST routes.
    projections::Authenticator::Outcome outcome = auth_.authenticate(s.credential);
    if (outcome.kind != projections::Authenticator::Outcome::kValid ||
        outcome.identity.is_guest() || outcome.identity.is_anonymous()) {
      return domain::refuse(domain::Refusal::kNotAuthenticated);
    }
    s.identity = std::move(outcome.identity);
    update_staff_rooms(s);
  }
  if (s.identity.is_anonymous()) return domain::refuse(domain::Refusal::kNotAuthenticated);
  return authorizer_(s.identity, s.guest_token, room);
}

std::string SocketServer::answer_event(Socket& s, std::string_view name, std::string_view args) {
  const EventSpec* spec = find_event(name);
  if (spec == nullptr) {
    invalid_events_.fetch_add(1, std::memory_order_relaxed);
    return error_answer(realtime_error::kUnknownEvent, "Unknown event");
  }
  auto invalid = [&](std::string_view message) {
    invalid_events_.fetch_add(1, std::memory_order_relaxed);
    return error_answer(error_code::kValidationError, message);
  };

  thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  simdjson::dom::object payload;
  if (parser.parse(args.data(), args.size()).get_array().get(array) || array.size() == 0 ||
      array.at(0).get_object().get(payload)) {
    return invalid("The payload must be an object");
  }
  const std::string key(id_field(spec->kind));
  auto id = safe_integer(payload, key.c_str(), 1);
  if (!id) return invalid(key + " must be a positive integer");
  const RoomRef room{spec->kind, static_cast<std::int64_t>(*id)};
  const std::string name_of_room = room_name(room);

  std::uint64_t since = 0;
  std::optional<std::string> log_epoch;
  if (spec->op == Op::kSync) {
    auto since_id = safe_integer(payload, "sinceEventId", 0);
    if (!since_id) return invalid("sinceEventId must be a non-negative integer");
    since = *since_id;
    simdjson::dom::element epoch;
    if (!payload["logEpoch"].get(epoch) && !epoch.is_null()) {
      std::string_view text;
      if (epoch.get_string().get(text) || text.size() > kMaxLogEpochBytes) {
        return invalid("logEpoch must be a string of at most 128 characters");
      }
      log_epoch = std::string(text);
    }
  }

  if (spec->op == Op::kLeave) {
    if (rooms_.leave(name_of_room, s.connection->id())) save_rooms(s);
    return ok_answer();
  }

  try {
    const Status allowed = authorize(s, room);
    if (!allowed.ok()) {
      (spec->op == Op::kJoin ? joins_refused_ : syncs_refused_)
          .fetch_add(1, std::memory_order_relaxed);
      const auto [code, message] = room_refusal(allowed, s.identity, room);
      return error_answer(code, message);
    }
    if (spec->op == Op::kJoin) {
      if (rooms_.join(name_of_room, s.connection)) save_rooms(s);
      joins_.fetch_add(1, std::memory_order_relaxed);
      JsonWriter w;
      w.begin_object().field("ok", true).field("room", name_of_room).end_object();
      return w.take();
    }
    Result<std::string> replay = replayer_(room, since, std::move(log_epoch));
    if (!replay.ok()) {
      const ApiError error = api_error_from_status(replay.status());
      if (error.status() >= 500) {
        log(error.status() == 503 ? LogLevel::kWarn : LogLevel::kError, "realtime.sync_failed",
            [&](JsonWriter& w) {
              w.field("room", name_of_room).field("error", replay.status().ToString());
            });
      }
      return error_answer(error.code(), error.message());
    }
    syncs_.fetch_add(1, std::memory_order_relaxed);
    return std::move(replay).value();
  } catch (const std::exception& e) {
    return exception_answer(name, &e);
  } catch (...) {
    return exception_answer(name, nullptr);
  }
}

std::size_t SocketServer::send_delta(const Delta& delta) {
  const std::string packet = socket_io::event(options_.nsp, delta_event_name(delta.room.kind),
                                              event_args(delta.json, delta.eventId));
  const std::size_t sent = rooms_.broadcast(room_name(delta.room), packet);
  deltas_sent_.fetch_add(sent, std::memory_order_relaxed);
  return sent;
}

std::size_t SocketServer::send_feed_event(const std::vector<std::string>& rooms,
                                          std::string_view name, std::string_view object_json,
                                          std::uint64_t event_id) {
  std::vector<std::shared_ptr<Connection>> targets;
  for (const std::string& room : rooms) {
    for (auto& member : rooms_.members(room)) {
      const bool seen = std::any_of(targets.begin(), targets.end(),
                                    [&](const auto& t) { return t->id() == member->id(); });
      if (!seen) targets.push_back(std::move(member));
    }
  }
  if (targets.empty()) return 0;
  const SharedPacket packet = std::make_shared<const std::string>(
      socket_io::event(options_.nsp, name, event_args(object_json, event_id)));
  std::size_t sent = 0;
  for (const auto& connection : targets) {
    if (connection->send(packet)) ++sent;
  }
  queue_events_sent_.fetch_add(sent, std::memory_order_relaxed);
  return sent;
}

std::size_t SocketServer::send_staff_event(std::string_view room, std::string_view name,
                                           std::string_view object_json, std::uint64_t event_id) {
  const std::size_t sent = rooms_.broadcast(
      room, socket_io::event(options_.nsp, name, event_args(object_json, event_id)));
  staff_events_sent_.fetch_add(sent, std::memory_order_relaxed);
  return sent;
}

std::size_t SocketServer::disconnect_guests(std::int64_t inquiry_id) {
  std::vector<std::shared_ptr<Socket>> targets;
  {
    std::shared_lock lock(sockets_mu_);
    auto it = guests_.find(inquiry_id);
    if (it == guests_.end()) return 0;
    for (const std::string& id : it->second) {
      if (auto socket = sockets_.find(id); socket != sockets_.end()) {
        targets.push_back(socket->second);
      }
    }
  }
  std::size_t ended = 0;
  for (const auto& socket : targets) {
    std::lock_guard lock(socket->mu);
    Socket& s = *socket;
    if (!s.connected || !s.identity.is_guest() || s.identity.inquiryId != inquiry_id) continue;
    end_session(s, SessionEnd::kRemove);
    s.ended_by_server = true;
    s.connection->send(socket_io::disconnect(options_.nsp));
    ++ended;
  }
  guests_disconnected_.fetch_add(ended, std::memory_order_relaxed);
  return ended;
}

void SocketServer::register_metrics(MetricsRegistry& registry) const {
  const auto stat = [this](auto field) {
    return [this, field] { return static_cast<double>(stats().*field); };
  };
  registry.counter_callback("docket_ws_connect_errors_total", "Namespace connections refused.",
                            stat(&SocketServerStats::connect_errors));
  registry.counter_callback("docket_ws_joins_refused_total", "Room joins refused.",
                            stat(&SocketServerStats::joins_refused));
  registry.counter_callback("docket_ws_deltas_sent_total", "Message deltas queued to clients.",
                            stat(&SocketServerStats::deltas_sent));
  registry.counter_callback("docket_ws_recoveries_total", "Sessions recovered at CONNECT.",
                            stat(&SocketServerStats::recoveries));
  registry.counter_callback("docket_ws_recoveries_failed_total",
                            "CONNECTs naming a session that could not be recovered (a new "
                            "session was started).",
                            stat(&SocketServerStats::recoveries_failed));
  registry.counter_callback("docket_ws_recovered_events_total",
                            "Events replayed to recovered sessions.",
                            stat(&SocketServerStats::recovered_events));
  registry.counter_callback("docket_ws_session_store_errors_total",
                            "Failed writes of the recoverable sessions file.",
                            stat(&SocketServerStats::session_store_errors));
}

// ---- The staff feed

bool is_staff_feed_event(std::string_view type) {
  return !staff_feed_room(type).empty();
}

std::string_view staff_feed_room(std::string_view type) {
  if (type == domain::SupportRequestCreated::kType ||
      type == domain::SupportRequestAssigned::kType ||
      type == domain::SupportRequestStatusChanged::kType) {
    return kStaffRequestsRoom;
  }
  if (type == domain::InquiryCreated::kType) return kStaffInquiriesRoom;
  return {};
}

namespace {

// Keys never sent to staff: the guest token's hash and expiry, and any other hash or
// salt a future event may carry (one-time code hashes and salts).
bool is_secret_key(std::string_view key) {
  return key == "tokenHash" || key == "tokenExpiresAt" || key.ends_with("Hash") ||
         key.ends_with("Salt");
}

}  // namespace

// The staff feed's events: each names its record by the id field of its aggregate.
using StaffFeedEvent =
    events::EventSet<domain::InquiryCreated, domain::SupportRequestCreated,
                     domain::SupportRequestAssigned, domain::SupportRequestStatusChanged>;

std::optional<std::string> staff_event_payload(const events::EventRecord& event,
                                               std::string_view log_epoch) {
  if (!is_staff_feed_event(event.type)) return std::nullopt;
  auto decoded = StaffFeedEvent::decode(event);
  if (!decoded.ok()) return std::nullopt;  // the caller logs malformed events
  const bool inquiry = std::holds_alternative<domain::InquiryCreated>(*decoded);
  const std::int64_t id = std::visit(
      events::Overloaded{[](const domain::InquiryCreated& e) { return e.supportInquiryId; },
                         [](const auto& e) { return e.supportRequestId; }},
      *decoded);
  // The data as stored, member by member, without secrets: what staff see follows
  // the event's own fields.
  thread_local JsonDocument document;
  auto data = document.parse(event.data);
  if (!data.ok()) return std::nullopt;
  JsonWriter w;
  w.begin_object().field("eventId", event.eventId).field("logEpoch", log_epoch);
  w.field("type", event.type).field("occurredAt", format_iso8601(event.occurredAt));
  w.field(inquiry ? "supportInquiryId" : "supportRequestId", id);
  w.key("data").begin_object();
  for (const auto& [key, value] : data->members()) {
    if (is_secret_key(key)) continue;
    w.key(key).raw(value.minified());
  }
  w.end_object().end_object();
  return w.take();
}

// ---- RealtimeFeed

RealtimeFeed::RealtimeFeed(SocketServer& server, FeedOptions options, TrackingCodeLookup lookup)
    : server_(server),
      options_(std::move(options)),
      lookup_(std::move(lookup)),
      codes_(options_.tracking_code_capacity) {}

std::size_t RealtimeFeed::cached_tracking_codes() const {
  std::lock_guard lock(codes_mu_);
  return codes_.size();
}

std::optional<std::string> RealtimeFeed::tracking_code(std::int64_t inquiry_id) {
  const std::string key = std::to_string(inquiry_id);
  {
    std::lock_guard lock(codes_mu_);
    if (const std::string* code = codes_.get(key)) return *code;
  }
  if (!lookup_) return std::nullopt;
  std::optional<std::string> code = lookup_(inquiry_id);  // the read model; no lock held
  if (code) {
    std::lock_guard lock(codes_mu_);
    codes_.put(key, *code);
  }
  return code;
}

void RealtimeFeed::on_commit(std::span<const events::EventRecord> records) {
  for (const events::EventRecord& event : records) {
    try {
      deliver(event);
      // After the event's delta or staff event, as a recovery replays them.
      for (const QueueFeedEvent& e : queue_feed_events(event, options_.log_epoch)) {
        server_.send_feed_event(e.rooms, e.name, e.json, event.eventId);
      }
    } catch (const std::exception& e) {
      log_error("realtime.feed_failed", [&](JsonWriter& w) {
        w.field("eventId", event.eventId).field("type", event.type).field("error", e.what());
      });
    } catch (...) {
      log_error("realtime.feed_failed", [&](JsonWriter& w) {
        w.field("eventId", event.eventId).field("type", event.type);
      });
    }
  }
}

// The records the feed acts on, and what it needs of each.
using FeedEvent =
    events::EventSet<domain::SupportRequestMessageCreated, domain::InquiryMessageCreated,
                     domain::InquiryCreated, domain::InquiryTokenRevoked,
                     domain::SupportRequestCreated, domain::SupportRequestAssigned,
                     domain::SupportRequestStatusChanged>;

void RealtimeFeed::deliver(const events::EventRecord& event) {
  const std::string_view type = event.type;
  if (!FeedEvent::contains(type)) return;
  auto decoded = FeedEvent::decode(event);
  if (!decoded.ok()) {
    log_warn("realtime.feed_malformed_event", [&](JsonWriter& w) {
      w.field("eventId", event.eventId).field("type", event.type);
      w.field("error", decoded.status().message());
    });
    return;
  }
  const bool request_message =
      std::holds_alternative<domain::SupportRequestMessageCreated>(*decoded);
  const bool inquiry_message = std::holds_alternative<domain::InquiryMessageCreated>(*decoded);
  const bool created = std::holds_alternative<domain::InquiryCreated>(*decoded);
  const bool revoked = std::holds_alternative<domain::InquiryTokenRevoked>(*decoded);
  const bool staff = is_staff_feed_event(type);
  const std::optional<std::int64_t> id = std::visit(
      events::Overloaded{
          [](const domain::SupportRequestMessageCreated& e) -> std::optional<std::int64_t> {
            return e.supportRequestId;
          },
          [](const domain::InquiryMessageCreated& e) -> std::optional<std::int64_t> {
            return e.supportInquiryId;
          },
          [](const domain::InquiryCreated& e) -> std::optional<std::int64_t> {
            return e.supportInquiryId;
          },
          [](const domain::InquiryTokenRevoked& e) -> std::optional<std::int64_t> {
            return e.supportInquiryId;
          },
          [](const auto&) -> std::optional<std::int64_t> { return std::nullopt; },
      },
      *decoded);
  std::optional<std::string> code;
  if (const auto* e = std::get_if<domain::InquiryCreated>(&*decoded)) code = e->trackingCode;

  if (created && id && code) {
    std::lock_guard lock(codes_mu_);
    codes_.put(std::to_string(*id), *code);
  }

  if (staff) {
    const std::string_view room = staff_feed_room(type);
    if (server_.rooms().member_count(room) == 0) return;
    if (auto payload = staff_event_payload(event, options_.log_epoch)) {
      server_.send_staff_event(room, type, *payload, event.eventId);
    }
    return;
  }
  if (!id) return;
  if (revoked) {
    server_.disconnect_guests(*id);
    return;
  }

  const RoomRef room{request_message ? RoomKind::kRequest : RoomKind::kInquiry, *id};
  if (server_.rooms().member_count(room_name(room)) == 0) return;
  std::string tracking;
  if (inquiry_message) {
    std::optional<std::string> found = tracking_code(*id);
    if (!found) {
      log_warn("realtime.tracking_code_unknown", [&](JsonWriter& w) {
        w.field("eventId", event.eventId).field("supportInquiryId", *id);
      });
    }
    tracking = found.value_or(std::string());
  }
  if (auto delta = message_delta(event, options_.log_epoch, tracking)) server_.send_delta(*delta);
}

}  // namespace docket::realtime

// The seam between the websocket transport (realtime/ws_server.h: Beast, Engine.IO
// framing, heartbeats, limits) and the Socket.IO layer (realtime/socket_server.h:
// namespaces, authentication, rooms, events and acks).
//
// The transport owns each websocket. Once the Engine.IO handshake is sent it tells the
// ConnectionHandler about the connection, passes it the text of every Engine.IO
// `message` packet (a Socket.IO packet such as `2["support:join_request_messages",…]`)
// and says when the connection ended. The Socket.IO layer answers through
// Connection::send, from any thread.
//
// No Beast or Asio here: the Socket.IO layer and its tests do not compile them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace docket::realtime {

// What both Engine.IO transports (websocket, long-polling) are configured with: the
// heartbeat and the bounds of one session and of all of them.
struct TransportOptions {
  std::chrono::milliseconds ping_interval{25'000};
  std::chrono::milliseconds ping_timeout{20'000};
  // A session without a session of the layer above (ConnectionHandler::has_session)
  // this long after it opened is closed (the JavaScript server's connectTimeout). 0:
  // never.
  std::chrono::milliseconds connect_timeout{45'000};
  // Largest message (websocket) or POST body (polling) accepted; the open packet's
  // maxPayload.
  std::size_t max_payload_bytes = 1'000'000;
  // Packets queued for one session and not yet written (the one being written
  // included): over either bound the session is closed (slow consumer).
  std::size_t max_queued_messages = 1024;
  std::size_t max_queued_bytes = 4 << 20;
  // Open sessions of the transport; more are answered 503.
  std::size_t max_connections = 10'000;
};

// A Socket.IO packet's text, immutable once made, shared by every send of it.
using SharedPacket = std::shared_ptr<const std::string>;

// One open websocket, as the Socket.IO layer sees it. Thread-safe: send() and close()
// may be called from any thread, also after the connection ended (they do nothing then).
class Connection {
 public:
  virtual ~Connection() = default;

  // The Engine.IO session id (also the Socket.IO connection's `sid`).
  virtual const std::string& id() const = 0;

  // Queues one Engine.IO `message` packet carrying `packet` (Socket.IO text; the
  // transport adds the leading '4' as it writes). Returns false when the connection is
  // gone or its send queue is over its bound — then the transport closes the connection
  // (a slow consumer never makes the server hold unbounded memory). The text is shared,
  // not copied: a room's delta is encoded once for all its members.
  virtual bool send(SharedPacket packet) = 0;
  bool send(std::string packet) {
    return send(std::make_shared<const std::string>(std::move(packet)));
  }

  // Queues one binary Engine.IO `message` carrying `bytes` (websocket: a binary frame;
  // long-polling: "b<base64>" in the payload), bounded like send(). Docket's own
  // protocol is text only; the protocol test configuration (realtime/conformance.h)
  // echoes binaries.
  virtual bool send_binary(SharedPacket bytes) = 0;

  // Closes the websocket (Engine.IO close packet, then the close frame).
  virtual void close() = 0;
};

// A long-polling session a websocket may take over (Engine.IO's upgrade). The
// websocket transport finds it by the `sid` of its handshake and drives it; the
// session stays the Connection the handler knows, so the Socket.IO layer never sees
// the switch. Thread-safe.
class UpgradeTarget {
 public:
  virtual ~UpgradeTarget() = default;
  // Whether a websocket may still take the session over: not once another one did (or
  // the session ended). A websocket naming a session that exists but is not
  // upgradable is accepted and closed at once, as the engine.io server does.
  virtual bool upgradable() const = 0;
  // A websocket handshake named the session (before the websocket is accepted); the
  // session is upgrading until websocket_closed() or the upgrade. When another
  // websocket completes the upgrade first, `websocket` is closed.
  virtual void upgrade_started(std::weak_ptr<Connection> websocket) = 0;
  // The websocket answered the client's "2probe" with "3probe": a waiting poll is ended
  // with a noop so that the client can pause polling.
  virtual void probe() = 0;
  // The client sent "5": from now on packets go out over `websocket` — those still
  // queued for polling first, in order — and the polling transport is done.
  virtual void upgrade(std::shared_ptr<Connection> websocket) = 0;
  // A message that arrived over the websocket after the upgrade. False: a binary
  // message the handler refuses (ConnectionHandler::on_binary) — a protocol error.
  virtual bool receive(std::string_view data, bool binary) = 0;
  // The websocket ended; after an upgrade, that ends the session.
  virtual void websocket_closed(const Connection& websocket, bool upgraded) = 0;
};

// The live long-polling session a websocket handshake's `sid` names, or null (no such
// session: the handshake is refused, 400 Session ID unknown).
using UpgradeLookup = std::function<std::shared_ptr<UpgradeTarget>(std::string_view sid)>;

// What the transport knows about a connection when it opens.
struct ConnectionInfo {
  std::string client_ip;
  std::string request_id;
  // The handshake's query parameters (EIO, transport, and anything the client added).
  std::vector<std::pair<std::string, std::string>> query;
  std::string authorization;  // the handshake's Authorization header, "" when absent
};

// Implemented by the Socket.IO layer. Calls for one connection never overlap and come
// in order: on_open, then on_message any number of times, then on_close once.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;

  virtual void on_open(const std::shared_ptr<Connection>& connection,
                       const ConnectionInfo& info) = 0;
  // `packet` is the Engine.IO message's text.
  virtual void on_message(const std::shared_ptr<Connection>& connection,
                          std::string_view packet) = 0;
  // A binary Engine.IO message. False refuses it: the transport closes the connection
  // as for any protocol error (Docket's protocol is text only, so that is the default).
  virtual bool on_binary(const std::shared_ptr<Connection>& /*connection*/,
                         std::string_view /*bytes*/) {
    return false;
  }
  virtual void on_close(const std::shared_ptr<Connection>& connection) = 0;

  // Whether the connection has started a session of the layer above (Socket.IO: it
  // has connected to a namespace, whether or not it left it since). The transport asks once,
  // connect_timeout after on_open, and closes a connection that has not: an open websocket that
  // never does anything holds no resources for long. Between on_open and on_close, on the
  // connection's thread like the other calls.
  virtual bool has_session(const Connection& /*connection*/) { return true; }
};

}  // namespace docket::realtime

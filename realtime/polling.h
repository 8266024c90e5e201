// PollingServer: Engine.IO v4's HTTP long-polling transport, served on the same path
// as the websocket one (the HTTP router mounts it: http/router.h Router::mount), for
// clients that start with polling — socket.io-client's default — or cannot open a
// websocket at all. Each session is one Connection (realtime/connection.h) of the same
// ConnectionHandler the websocket transport reports to, so namespaces, authentication
// at CONNECT, rooms, sync and recovery are the same.
//
// Requests (query `EIO=4&transport=polling`, checked in the engine.io server's order):
//   - GET without `sid`: the handshake. A session is made and the open packet answered
//     (`0{"sid":…,"upgrades":[],"pingInterval":…,"pingTimeout":…,"maxPayload":…}`);
//     another method is 400 {"code":2,"message":"Bad handshake method"}; at the session
//     cap, or while stopping, 503.
//   - GET with `sid`: the packets queued for the client, joined by \x1e; when none are,
//     the request waits (holding no thread) until one is queued — a ping at least every
//     pingInterval. A second GET while one waits closes the session (400).
//   - POST with `sid`: packets from the client, joined by \x1e: messages go to the
//     handler in order ("b<base64>" ones to ConnectionHandler::on_binary), "3" answers
//     the server's ping, "1" closes the session. Answered 200 "ok". An overlapping POST,
//     a client ping, a malformed packet or a binary one the handler refuses close the
//     session (400).
//   - anything else on the path: 400 with Engine.IO's error body — {"code":0,"message":
//     "Transport unknown"}, {"code":1,"message":"Session ID unknown"}, {"code":3,
//     "message":"Bad request"} or {"code":5,"message":"Unsupported protocol version"}.
//     A websocket upgrade never gets here (the HTTP server hands it to WsServer).
//
// Heartbeat and bounds: the server queues a ping every pingInterval; a session whose
// pong has not come pingTimeout later is closed — so is one whose client stopped
// polling, which never sees the ping. A waiting GET receives the close packet of a
// session that ends. A session the server closes (Connection::close(), stop(), the
// connect timeout) keeps that packet, and what was queued before it, for the client's
// next GET, at most ping_timeout longer; one that ended for a ping timeout, a protocol
// error or a full queue is gone at once (400 Session ID unknown), as in the engine.io
// server. A session with no Socket.IO session
// (ConnectionHandler::has_session) connect_timeout after its handshake is closed. The
// queue of one session is bounded like a websocket's send queue (a send over it
// closes the session: slow consumer). The session count is capped.
//
// Threads: requests arrive on any IO thread; a per-session mutex keeps the handler's
// calls for one session in order and never overlapping. A heartbeat thread sends the
// pings, enforces the timeouts and ends sessions (on_close runs there, once).
//
// Upgrade: the open packet offers "websocket". A websocket handshake naming the sid
// reaches the session through upgrade_lookup() (realtime/ws_server.h drives it): the
// probe ends a waiting GET with a noop (a GET arriving during the upgrade waits for it:
// 400 once the websocket took over, a noop 100 ms on); at "5" the messages still queued
// move to the websocket in order, later sends go there directly, the websocket's
// heartbeat takes over, and polling requests on the sid are refused (400). The session
// stays the same Connection for the handler throughout.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "http/reply.h"
#include "realtime/connection.h"

namespace docket {
class MetricsRegistry;
}

namespace docket::http {
class RequestContext;
}

namespace docket::realtime {

// The long-polling transport's settings: those the websocket transport has too
// (max_connections counts polling sessions, apart from websockets).
using PollingOptions = TransportOptions;

// Totals since construction, for metrics.
struct PollingCounters {
  std::uint64_t sessions_opened = 0;
  std::uint64_t sessions_closed = 0;
  std::uint64_t refused = 0;                 // 400/503 answers
  std::uint64_t closed_ping_timeout = 0;     // no pong within ping_timeout
  std::uint64_t closed_slow_consumer = 0;    // queue over its bound
  std::uint64_t closed_protocol_error = 0;   // overlapping requests, bad packets
  std::uint64_t closed_connect_timeout = 0;  // no Socket.IO session in time
  std::uint64_t messages_in = 0;
  std::uint64_t messages_out = 0;
};

class PollingServer {
 public:
  // REQUIRES: `handler` is not null.
  PollingServer(PollingOptions options, std::shared_ptr<ConnectionHandler> handler);
  ~PollingServer();  // stop()
  PollingServer(const PollingServer&) = delete;
  PollingServer& operator=(const PollingServer&) = delete;

  // Answers one HTTP request on the Engine.IO path (see above). A waiting GET finishes
  // on the thread ctx.post() runs work on.
  http::Reply handle(http::RequestContext& ctx);

  // For WsServer::set_upgrade_lookup: the session a websocket handshake's `sid` names,
  // while it may still be upgraded.
  UpgradeLookup upgrade_lookup() const;

  // Refuses new sessions, closes every session (waiting GETs get the close packet) and
  // returns once each on_close has returned. Idempotent. Call while the IO threads
  // still run, so the waiting GETs are answered.
  void stop();

  std::size_t session_count() const;
  PollingCounters counters() const;
  // Registers docket_ws_polling_* metrics. REQUIRES: the server outlives every render.
  void register_metrics(MetricsRegistry& registry) const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace docket::realtime

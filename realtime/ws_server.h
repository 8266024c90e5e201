// WsServer: the websocket transport of the realtime layer. It takes over connections
// the HTTP server hands it (http/upgrade.h), speaks Engine.IO v4's `websocket`
// transport over them — also as the upgrade of a long-polling session
// (realtime/polling.h) — and reports each connection to a ConnectionHandler
// (realtime/connection.h), the Socket.IO layer.
//
// Per connection, everything runs on the IO thread that accepted it (no strand; only
// the send queue has a mutex, as Connection::send comes from any thread):
//   - the upgrade request is checked first: EIO must be 4 and transport websocket;
//     otherwise the answer is HTTP 400 with the Engine.IO error body ({"code":5,
//     "message":"Unsupported protocol version"}, …) and no upgrade. A `sid` must name a
//     long-polling session the upgrade lookup knows ({"code":1,"message":"Session ID
//     unknown"} otherwise). Beyond max_connections, or once stop() has begun, the
//     answer is 503;
//   - with a `sid` (Engine.IO's upgrade): no open packet and no on_open; the client's
//     "2probe" is answered "3probe" (and the polling session told, UpgradeTarget::probe),
//     its "5" completes the upgrade (UpgradeTarget::upgrade): from then on the websocket
//     carries the polling session's packets both ways, pings included, and its end
//     ends the session. Anything else before "5", or no "5" within handshake_timeout,
//     closes the websocket (polling goes on). A session that
//     another websocket already took over (UpgradeTarget::upgradable) gets its websocket
//     accepted and closed at once; one still probing when another websocket completes
//     the upgrade is closed then;
//   - the websocket handshake (bounded by handshake_timeout), then the open packet
//     `0{"sid":…,"upgrades":[],"pingInterval":…,"pingTimeout":…,"maxPayload":…}`,
//     then ConnectionHandler::on_open;
//   - heartbeat: the server sends ping "2" every ping_interval; a client that does not
//     answer pong "3" within ping_timeout is disconnected (counted);
//   - a connection that has no session (ConnectionHandler::has_session: not connected
//     to a namespace) connect_timeout after it opened is closed (counted);
//   - "4<text>" from the client reaches on_message as <text>; Connection::send(text)
//     sends "4<text>" (one writer per connection drains a queue);
//   - a client close packet "1", Connection::close() or stop(): the websocket is closed
//     with a close handshake (the server sends "1" first when it is the one closing),
//     forced after handshake_timeout; on_close follows once;
//   - a binary frame reaches ConnectionHandler::on_binary; Connection::send_binary
//     writes one;
//   - refused, and the websocket closed with an error code (1003 unsupported data,
//     1009 too big, 1002 protocol error): a binary frame the handler refuses (Docket's
//     protocol is text only), a message over max_payload_bytes, an unparsable packet, a
//     ping from the client (in v4 only the server pings);
//   - slow consumers: the send queue (messages waiting or being written) is bounded by
//     max_queued_messages and max_queued_bytes; a send() over either bound returns false
//     and the connection is closed at once (the socket, without a close handshake, which
//     could not get through anyway).
//
// ConnectionHandler calls for one connection come from its IO thread, in order and
// never overlapping; the handler must not block (it holds up every connection on that
// thread).
//
// Lifecycle: construct, register with http::Server::add_upgrade_handler, and call
// stop() before http::Server::stop() (the IO threads the connections run on end with
// it; see upgrade.h). The destructor calls stop().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "http/upgrade.h"
#include "realtime/connection.h"

namespace docket {
class MetricsRegistry;
}

namespace docket::realtime {

// The websocket transport's settings: the heartbeat and bounds both transports share
// (realtime/connection.h; max_connections counts open websockets, handshakes in
// progress included), and the websocket handshakes' own bound.
struct WsOptions : TransportOptions {
  // The websocket opening handshake, and the closing handshake before a forced close.
  std::chrono::milliseconds handshake_timeout{10'000};
};

// Totals since construction, for metrics. Each is read atomically on its own.
struct WsCounters {
  std::uint64_t connections_opened = 0;      // handshake done, open packet sent
  std::uint64_t connections_closed = 0;      // opened connections that ended (any reason)
  std::uint64_t connections_refused = 0;     // answered 400/503 instead of upgrading
  std::uint64_t closed_ping_timeout = 0;     // no pong within ping_timeout
  std::uint64_t closed_slow_consumer = 0;    // send queue over its bound
  std::uint64_t closed_protocol_error = 0;   // binary frame, oversize or bad packet
  std::uint64_t closed_connect_timeout = 0;  // no session within connect_timeout
  std::uint64_t messages_in = 0;             // Engine.IO message packets received
  std::uint64_t messages_out = 0;            // Engine.IO message packets written
  std::uint64_t upgrades = 0;                // polling sessions upgraded ("5" received)
};

class WsServer final : public http::UpgradeHandler {
 public:
  // REQUIRES: `handler` is not null. Options are used as given (zero durations or
  // bounds make little sense but are not refused).
  WsServer(WsOptions options, std::shared_ptr<ConnectionHandler> handler);
  ~WsServer() override;
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // Where handshakes with a `sid` find the long-polling session they upgrade. Without
  // it such handshakes are refused. REQUIRES: before the first upgrade().
  void set_upgrade_lookup(UpgradeLookup lookup);

  // Called by the HTTP server on the connection's IO thread; never blocks.
  void upgrade(http::PlainStream stream, http::UpgradeContext context) override;
  void upgrade(http::TlsStream stream, http::UpgradeContext context) override;

  // Refuses new upgrades (503), closes every open connection (close packet and close
  // handshake, forced after handshake_timeout) and returns once each has ended and
  // its on_close has returned. Idempotent. Any thread but an IO thread; the IO
  // threads must still run.
  void stop();

  // Connections accepted and not yet ended (handshakes in progress included).
  std::size_t connection_count() const;
  WsCounters counters() const;
  // Registers docket_ws_* transport metrics read at scrape time. REQUIRES: the server
  // outlives every render of `registry`.
  void register_metrics(MetricsRegistry& registry) const;
  const WsOptions& options() const;

  class Impl;  // defined in ws_server.cpp, where the Beast code lives

 private:
  // Shared with the sessions: one destroyed late (its IO loop stopped before stop() was
  // called) still finds the registry it leaves.
  std::shared_ptr<Impl> impl_;
};

}  // namespace docket::realtime

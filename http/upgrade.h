// The seam through which another protocol takes over an HTTP connection.
//
// When a request carries `Connection: Upgrade` + `Upgrade: websocket`
// (beast::websocket::is_upgrade) and its path starts with a registered prefix (e.g.
// "/socket.io/"), the server stops treating the connection as HTTP and hands the stream,
// the parsed request and any bytes already read past it to the UpgradeHandler. From then
// on the handler owns the connection: the server no longer counts it against
// DOCKET_MAX_CONNECTIONS, no longer times it, and does not close it in stop() — the
// owner of the handler must close its connections before stopping the server (the IO
// threads end with Server::stop()). Requests that do not match a prefix are routed as
// ordinary HTTP.
//
// This header includes Beast/Asio; include it only in the translation units that
// implement a handler (and server.cpp).
#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request_id.h"

namespace docket::http {

// Streams as the server runs them. A websocket layer can wrap either directly
// (beast::websocket::stream<PlainStream&> / <TlsStream>) or move a PlainStream into a
// beast::tcp_stream.
using PlainStream = boost::asio::ip::tcp::socket;
using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;
using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct UpgradeContext {
  UpgradeRequest request;
  boost::beast::flat_buffer buffer;  // bytes received after the request head, if any
  std::string client_ip;             // resolved like RequestContext::client_ip()
  RequestId request_id;              // from X-Request-Id or generated
};

class UpgradeHandler {
 public:
  virtual ~UpgradeHandler() = default;

  // Called on the connection's IO thread; the stream is in blocking mode with no
  // deadline (the handler sets its own, e.g. beast::websocket timeouts). The handler
  // must not block: it starts its own coroutine on stream.get_executor() (e.g. a
  // websocket accept with context.request) and returns. The TLS variant is used when the
  // server is configured with a certificate; the handshake is already done.
  virtual void upgrade(PlainStream stream, UpgradeContext context) = 0;
  virtual void upgrade(TlsStream stream, UpgradeContext context) = 0;
};

}  // namespace docket::http

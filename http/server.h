// Server: the HTTP/1.1 transport (Boost.Beast over Asio, C++20 coroutines) in front of
// an HttpService.
//
// Threads: one acceptor thread and N IO threads, each running its own io_context; an
// accepted connection lives on one IO thread for its whole life as one coroutine, so a
// connection needs no strand and no lock. Handlers run on that thread; one that waits
// for a domain command is a coroutine that continues there once the command is durable
// (http/reply.h), so the IO thread serves other connections meanwhile.
// Timeouts are per-connection deadlines that each IO thread sweeps every tick (an
// eighth of the shortest timeout, 5–250 ms), so a timeout fires up to one tick late.
//
// Bounds (ServerOptions, from DOCKET_* variables; docs/http.md):
//   - request head ≤ max_header_bytes (else 431 PAYLOAD_TOO_LARGE), body ≤ max_body_bytes
//     per request (else 413 PAYLOAD_TOO_LARGE; known from Content-Length before the body
//     is read); both close the connection after answering;
//   - request_timeout covers a whole request (head and body) from its first byte, and
//     each response write: a slow-loris client is disconnected, others are unaffected;
//   - idle_timeout closes keep-alive connections waiting for their next request;
//   - max_requests_per_connection: the last response carries Connection: close;
//     pipelined requests are read and answered strictly one at a time, in order;
//   - max_connections: a connection beyond it is answered 503 SERVICE_UNAVAILABLE and
//     closed (with TLS it is closed without an answer: no handshake is spent on it);
//   - max_connections_per_ip: one client address holds at most this many connections
//     (trusted proxies exempt; a websocket stops counting once upgraded); more get 503;
//   - at max_connections, a connection that has completed no request within
//     header_timeout is closed to make room (the oldest first), and a client address
//     with no connection yet may use kReserveConnections more: one address hoarding idle
//     connections cannot lock out a health probe or another client.
//
// TLS (asio::ssl, TLS 1.2+) when tls_cert_file and tls_key_file are set: HTTPS only.
//
// Lifecycle: construct, add_upgrade_handler(), start() once, stop() once (the
// destructor calls it). start(), stop() and port() may be called from any thread but
// not concurrently with each other; never from an IO thread (a handler).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace docket::http {

class HttpService;
class UpgradeHandler;

// Connections beyond max_connections kept for client addresses that have none open.
inline constexpr std::size_t kReserveConnections = 16;

struct ServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port, see Server::port()
  unsigned io_threads = 0;    // 0: std::thread::hardware_concurrency()
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_ip = 64;  // 0: no cap
  std::chrono::milliseconds header_timeout{5'000};
  std::vector<std::string> trusted_proxies;  // exempt from max_connections_per_ip
  std::size_t max_requests_per_connection = 1000;
  std::string tls_cert_file;  // PEM chain; TLS when both files are set
  std::string tls_key_file;   // PEM key
  std::chrono::milliseconds shutdown_grace{10'000};
  // POST bodies to these exact paths may be larger than max_body_bytes (uploads). The
  // limit is checked against Content-Length as soon as the head is read, and on the
  // bytes of a chunked body as they arrive: a body is never buffered past its limit.
  struct BodyAllowance {
    std::string path;
    std::size_t max_bytes = 0;
  };
  std::vector<BodyAllowance> large_bodies;

  static ServerOptions from_config(const Config& config);
};

class Server {
 public:
  // REQUIRES: `service` outlives the server.
  Server(ServerOptions options, const HttpService& service);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Hands upgrade requests whose path starts with `path_prefix` to `handler` (see
  // upgrade.h). REQUIRES: before start().
  void add_upgrade_handler(std::string path_prefix, std::shared_ptr<UpgradeHandler> handler);

  // Binds, listens and starts the threads. Errors: InvalidArgument for bad options, a
  // bad route table, or unreadable TLS files; IOError when the address cannot be bound.
  Status start();

  // The bound port (the ephemeral one when options.port was 0); 0 before start().
  std::uint16_t port() const;

  // Graceful shutdown: stops accepting (new connections are refused), closes idle
  // keep-alive connections, lets requests being read or handled finish and answers them
  // with Connection: close, then closes what is left after shutdown_grace. Returns when
  // every connection has ended and the threads have exited. Idempotent.
  void stop();

  // Open HTTP connections (admitted ones; excludes upgraded connections).
  std::size_t connection_count() const;

  class Impl;  // opaque: defined in server.cpp, where the Beast code lives

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket::http

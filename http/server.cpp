#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
// GCC 12 reports a false -Wmaybe-uninitialized inside Beast's parser (boost::optional
// in content_length()) when building with sanitizers; the headers are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#pragma GCC diagnostic pop

#include "core/log.h"
#include "http/client_ip.h"
#include "http/service.h"
#include "http/text.h"
#include "http/upgrade.h"
#include "http/url.h"

namespace docket::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Bytes asked of the socket while waiting for a request's first byte.
constexpr std::size_t kReadChunk = 16 * 1024;
// Lingering close after an error answer: how long and how much unread input is
// drained so the client receives the answer rather than a reset.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 1024 * 1024;
// After the grace period, how long forced closes may take before the loops stop.
constexpr auto kForceWait = std::chrono::seconds(2);

// "Sun, 06 Nov 1994 08:49:37 GMT", formatted once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local char text[64];
  thread_local std::size_t size = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {text, size};
}

// How the body's end is marked: its length up front; chunks (a streamed body on
// HTTP/1.1); or the connection's close (a streamed body on HTTP/1.0, which has no
// chunked coding).
enum class Framing { kLength, kChunked, kClose };

Framing framing_of(const Response& r, bool http10) {
  if (r.source() == nullptr) return Framing::kLength;
  return http10 ? Framing::kClose : Framing::kChunked;
}

// The status line and headers of `r`; the body is written from r.body() (or r.source())
// directly.
void serialize_head(const Response& r, bool keep_alive, bool http10, std::string& out) {
  out.clear();
  const int status = r.status();
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  const bool bodyless = status < 200 || status == 204 || status == 304;
  if (!bodyless) {
    out += "Content-Type: ";
    out += r.content_type();
    switch (framing_of(r, http10)) {
      case Framing::kLength:
        fmt::format_to(std::back_inserter(out), "\r\nContent-Length: {}\r\n", r.body().size());
        break;
      case Framing::kChunked:
        out += "\r\nTransfer-Encoding: chunked\r\n";
        break;
      case Framing::kClose:
        out += "\r\n";
        break;
    }
  }
  if (!r.request_id().empty()) {
    out += "X-Request-Id: ";
    out += r.request_id().view();
    out += "\r\n";
  }
  out += "X-Content-Type-Options: nosniff\r\n";
  // API answers are never cached; a route that serves a file says how it may be.
  if (!r.find_header("Cache-Control")) out += "Cache-Control: no-store\r\n";
  out += "Date: ";
  out += http_date();
  out += "\r\n";
  for (const auto& [name, value] : r.headers()) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

bool sends_body(const Response& r) {
  const int status = r.status();
  return !r.omit_body() && status >= 200 && status != 204 && status != 304;
}

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  asio::ip::address address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

// ---------------------------------------------------------------------------------
// Connection: what the server knows of a session.
//
// stop() reaches every connection through the registry (any thread, via post_stop());
// the connection's IO thread checks its deadline on each sweep (see IoThread). Timeouts
// are deadlines swept periodically rather than a timer per operation: arming one is a
// store, so the per-request path has no timer to schedule and cancel.

class Connection {
 public:
  Connection(std::string peer_ip, bool rejected)
      : peer_ip_(std::move(peer_ip)), rejected_(rejected) {}
  virtual ~Connection() = default;
  // Asks the connection to end: `force` closes it now; otherwise only a connection
  // waiting idle for its next request (or draining after its last answer) is closed.
  // Thread-safe (posts to the connection's thread).
  virtual void post_stop(bool force) = 0;
  // The deadline passed: cancel pending I/O. Called on the connection's thread.
  virtual void on_deadline() = 0;

  // Touched only on the connection's thread.
  Clock::time_point deadline = Clock::time_point::max();
  std::size_t sweep_index = 0;

  // Read by the acceptor when the server is full (Server::Impl::evictable()).
  const Clock::time_point accepted_at = Clock::now();
  std::atomic<bool> requested{false};  // a whole request was read
  bool evicting = false;               // guarded by Server::Impl::mu
  bool rejected() const { return rejected_; }

 protected:
  const std::string peer_ip_;
  const bool rejected_;  // answered 503 and closed; not counted as active
};

// One IO thread: its event loop and the connections living on it.
class IoThread {
 public:
  IoThread()
      : guard(asio::make_work_guard(ioc)),
        post([this](std::function<void()> work) { asio::post(ioc, std::move(work)); }) {}

  // REQUIRES: on this thread.
  void watch(Connection* c) {
    c->sweep_index = watched.size();
    watched.push_back(c);
  }
  void unwatch(Connection* c) {
    Connection* last = watched.back();
    watched[c->sweep_index] = last;
    last->sweep_index = c->sweep_index;
    watched.pop_back();
  }

  // Every `tick`, fires the deadlines that passed.
  asio::awaitable<void> sweep(Clock::duration tick) {
    asio::steady_timer timer(ioc);
    for (;;) {
      timer.expires_after(tick);
      auto [ec] = co_await timer.async_wait(kTuple);
      if (ec) co_return;
      const Clock::time_point now = Clock::now();
      // on_deadline() only cancels I/O; it never changes `watched`.
      for (Connection* c : watched) {
        if (c->deadline <= now) {
          c->deadline = Clock::time_point::max();
          c->on_deadline();
        }
      }
    }
  }

  std::vector<Connection*> watched;  // declared before ioc: frames die with ioc
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  // Runs work on this thread: where a handler waiting for a command continues.
  const Post post;
  std::thread thread;
};

class Server::Impl {
 public:
  Impl(ServerOptions o, const HttpService& s)
      : options(std::move(o)), service(s), proxies(options.trusted_proxies) {
    largest_body = options.max_body_bytes;
    for (const ServerOptions::BodyAllowance& a : options.large_bodies)
      largest_body = std::max(largest_body, a.max_bytes);
  }

  // Registration happens on the acceptor thread; removal on the connection's thread.
  void add(const std::shared_ptr<Connection>& c, bool rejected, const std::string& ip) {
    std::lock_guard lock(mu);
    connections.emplace(c.get(), c);
    if (!rejected) {
      active.fetch_add(1, std::memory_order_relaxed);
      ++per_ip[ip];
    }
  }
  void remove(Connection* c, bool rejected, const std::string& ip) {
    std::lock_guard lock(mu);
    connections.erase(c);
    if (rejected) {
      --rejecting;
    } else {
      active.fetch_sub(1, std::memory_order_relaxed);
      auto it = per_ip.find(ip);
      if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
    }
    if (connections.empty()) drained.notify_all();
  }

  // What the acceptor does with a new connection from `ip`. REQUIRES: mu held.
  enum class Admission { kAdmit, kReject, kDrop };
  Admission admission(const std::string& ip) {
    const auto it = per_ip.find(ip);
    const std::size_t own = it == per_ip.end() ? 0 : it->second;
    const std::size_t open = active.load(std::memory_order_relaxed);
    const bool capped = options.max_connections_per_ip > 0 && !proxies.contains(ip);
    if (capped && own >= options.max_connections_per_ip) return refuse();
    if (open < options.max_connections) return Admission::kAdmit;
    // Full: a new address takes a reserved place while one is left; anyone takes the
    // place of the oldest connection that has sent no request in time, which is closed
    // (one newcomer per closing connection, so the count stays bounded).
    if (own == 0 && open < options.max_connections + kReserveConnections) {
      return Admission::kAdmit;
    }
    if (Connection* victim = evictable()) {
      victim->evicting = true;
      victim->post_stop(/*force=*/true);
      return Admission::kAdmit;
    }
    return refuse();
  }
  Admission refuse() {
    if (tls || rejecting >= options.max_connections) return Admission::kDrop;
    ++rejecting;
    return Admission::kReject;
  }
  // The oldest admitted connection that has completed no request within the header
  // timeout, or null. REQUIRES: mu held.
  Connection* evictable() {
    const Clock::time_point cutoff = Clock::now() - options.header_timeout;
    Connection* oldest = nullptr;
    for (const auto& [ptr, c] : connections) {
      if (c->rejected() || c->evicting || c->requested.load(std::memory_order_relaxed) ||
          c->accepted_at > cutoff) {
        continue;
      }
      if (oldest == nullptr || c->accepted_at < oldest->accepted_at) oldest = ptr;
    }
    return oldest;
  }

  std::vector<std::shared_ptr<Connection>> snapshot() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<Connection>> out;
    out.reserve(connections.size());
    for (auto& [ptr, c] : connections)
      out.push_back(c);
    return out;
  }

  bool wait_drained(Clock::time_point deadline) {
    std::unique_lock lock(mu);
    return drained.wait_until(lock, deadline, [&] { return connections.empty(); });
  }

  std::shared_ptr<UpgradeHandler> upgrade_for(std::string_view target) const {
    const std::string_view path = split_target(target).path;
    for (const auto& [prefix, handler] : upgrades) {
      if (path.starts_with(prefix)) return handler;
    }
    return nullptr;
  }

  asio::awaitable<void> accept_loop();

  // Runs handlers that may wait on the disk (see may_wait_on_disk). Created by start().
  template <typename Stream>
  void spawn(tcp::socket socket, IoThread& thread, bool rejected, const std::string& peer);

  const ServerOptions options;
  std::size_t largest_body = 0;  // max_body_bytes or a larger allowance
  const HttpService& service;
  std::vector<std::pair<std::string, std::shared_ptr<UpgradeHandler>>> upgrades;
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::size_t> active{0};

  TrustedProxies proxies;  // exempt from max_connections_per_ip

  std::mutex mu;  // guards connections, rejecting, per_ip, Connection::evicting
  std::condition_variable drained;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;
  std::size_t rejecting = 0;
  // Admitted (not rejected) connections per client address.
  std::unordered_map<std::string, std::size_t> per_ip;

  std::mutex lifecycle_mu;  // serialises start() and stop()
  bool started = false;
  bool stopped = false;

  // Declared last so they are destroyed first: pending coroutine frames hold
  // references to the members above. The IO threads outlive the acceptor's context,
  // whose queue may hold an accepted socket that belongs to one of them.
  std::vector<std::unique_ptr<IoThread>> io;
  asio::io_context accept_ioc{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread accept_thread;
};

// ---------------------------------------------------------------------------------
// Session: one connection, one coroutine, on one IO thread.
//
// Phases: kReading (a request or the TLS handshake is in progress), kIdle (waiting for
// the first byte of the next request), kHandling (the handler runs or the response is
// written), kClosing (the last answer is out; draining before close). stop() closes
// kIdle and kClosing connections at once; the others finish their request and answer it
// with Connection: close. Everything here is touched only on the connection's thread.
//
// The request is parsed with Beast's parser fed from the connection's buffer, so a
// request already buffered (pipelining) costs no I/O; a plain-TCP response is first
// written with one non-blocking send and only waits for the socket when that would block.

template <typename Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using Parser = bhttp::request_parser<bhttp::string_body>;

  Session(Server::Impl& server, IoThread& thread, Stream stream, std::string peer_ip, bool rejected)
      : Connection(std::move(peer_ip), rejected),
        server_(server),
        thread_(thread),
        stream_(std::move(stream)) {}

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    self->thread_.watch(self.get());
    try {
      if (self->rejected_) {
        co_await self->serve_rejected();
      } else {
        co_await self->serve();
      }
    } catch (const std::exception& e) {
      log_warn("http.connection_error", [&](JsonWriter& w) { w.field("error", e.what()); });
    }
    self->thread_.unwatch(self.get());
    if (!self->handed_over_) {
      boost::system::error_code ec;
      self->socket().close(ec);
    }
    self->server_.remove(self.get(), self->rejected_, self->peer_ip_);
  }

  void post_stop(bool force) override {
    asio::post(thread_.ioc, [self = this->shared_from_this(), force] {
      if (self->handed_over_) return;
      boost::system::error_code ec;
      if (force) {
        self->forced_ = true;
        self->socket().shutdown(tcp::socket::shutdown_both, ec);
        self->socket().cancel(ec);
      } else if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kClosing) {
        self->socket().cancel(ec);
      }
    });
  }

  void on_deadline() override {
    if (handed_over_) return;
    timed_out_ = true;
    boost::system::error_code ec;
    socket().cancel(ec);
  }

 private:
  enum class Phase { kReading, kIdle, kHandling, kClosing };

  tcp::socket& socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void arm(Clock::duration d) { deadline = Clock::now() + d; }
  void disarm() { deadline = Clock::time_point::max(); }

  asio::awaitable<void> serve() {
    const ServerOptions& o = server_.options;
    if constexpr (kTls) {
      arm(o.request_timeout);
      auto [ec] = co_await stream_.async_handshake(ssl::stream_base::server, kTuple);
      if (ec || timed_out_) co_return;
    } else {
      boost::system::error_code ec;
      socket().non_blocking(true, ec);  // for the direct send in write_buffers()
    }
    std::size_t served = 0;
    for (;;) {
      if (buffer_.size() == 0) {
        if (server_.stopping.load(std::memory_order_relaxed) || forced_) co_return;
        phase_ = Phase::kIdle;
        arm(o.idle_timeout);
      } else {
        phase_ = Phase::kReading;
        arm(o.request_timeout);
      }
      Parser parser;
      parser.eager(true);
      parser.header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
      // The largest limit until the head tells which applies (Beast checks a
      // Content-Length against it when the head completes).
      parser.body_limit(server_.largest_body);
      body_limit_ = o.max_body_bytes;
      if (auto ec = co_await read(parser, /*whole_message=*/false)) {
        co_await fail_read(ec, parser);
        co_return;
      }
      if (auto ec = apply_body_limit(parser)) {
        co_await fail_read(ec, parser);
        co_return;
      }
      const Clock::time_point received_at = Clock::now();
      if (!server_.upgrades.empty() && parser.is_done() &&
          beast::websocket::is_upgrade(parser.get())) {
        if (auto handler = server_.upgrade_for(parser.get().target())) {
          hand_over(*handler, parser.release());
          co_return;
        }
      }
      if (!parser.is_done()) {
        if (parser.get().version() >= 11 &&
            iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          if (!co_await write_buffers({asio::buffer(kContinue), asio::const_buffer()})) co_return;
          arm(o.request_timeout);
        }
        if (auto ec = co_await read(parser, /*whole_message=*/true)) {
          co_await fail_read(ec, parser);
          co_return;
        }
      }

      disarm();
      phase_ = Phase::kHandling;
      requested.store(true, std::memory_order_relaxed);
      const Request request = view(parser.get());
      // (An if, not ?:, around co_await: GCC 12 mishandles temporaries of a co_await
      // inside a conditional expression.)
      Response response;
      std::optional<Response> ready = server_.service.serve(
          request, received_at, thread_.post, [self = this->shared_from_this()](Response answer) {
            self->answered(std::move(answer));
          });
      if (ready) {
        response = std::move(*ready);
      } else {
        response = co_await wait_for_answer();
      }
      ++served;
      const bool http10 = parser.get().version() == 10;
      const bool keep_alive =
          request.keep_alive && !server_.stopping.load(std::memory_order_relaxed) && !forced_ &&
          served < o.max_requests_per_connection && framing_of(response, http10) != Framing::kClose;
      if (response.source() != nullptr) {
        if (!co_await write_streamed(response, keep_alive, http10)) co_return;
      } else if (!co_await write(response, keep_alive, http10)) {
        co_return;
      }
      if (!keep_alive) {
        co_await close_gracefully(false);
        co_return;
      }
    }
  }

  // Feeds the parser from the buffer, reading more as needed, until the head (or with
  // `whole_message` the whole request) is parsed. Returns the failure, if any.
  asio::awaitable<boost::system::error_code> read(Parser& parser, bool whole_message) {
    for (;;) {
      if (whole_message ? parser.is_done() : parser.is_header_done())
        co_return boost::system::error_code();
      if (buffer_.size() > 0) {
        boost::system::error_code ec;
        const std::size_t used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        if (!ec && used > 0) continue;
        if (ec && ec != bhttp::error::need_more) co_return ec;
      }
      if (buffer_.size() >= server_.options.max_header_bytes + kReadChunk) {
        co_return bhttp::error::buffer_overflow;
      }
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
      if (timed_out_) co_return beast::error::timeout;
      if (ec == asio::error::eof || ec == ssl::error::stream_truncated) {
        if (!parser.got_some()) co_return bhttp::error::end_of_stream;
        boost::system::error_code eof_ec;
        parser.put_eof(eof_ec);
        if (eof_ec) co_return eof_ec;
        if (!parser.is_done()) co_return bhttp::error::partial_message;
        continue;
      }
      if (ec) co_return ec;
      buffer_.commit(n);
      if (phase_ == Phase::kIdle) {  // the first byte of a request: its clock starts
        phase_ = Phase::kReading;
        arm(server_.options.request_timeout);
      }
    }
  }

  // 503 to a connection beyond max_connections (plain TCP only).
  asio::awaitable<void> serve_rejected() {
    const Response response = server_.service.reject(
        ApiError::service_unavailable("The server is at its connection limit; retry shortly"),
        nullptr, Clock::now());
    if (!co_await write(response, false, false)) co_return;
    co_await close_gracefully(true);
  }

  // The head is read: the body limit of its route (ServerOptions::large_bodies) or the
  // default. A Content-Length beyond it fails now; a chunked body counts down from it.
  boost::system::error_code apply_body_limit(Parser& parser) {
    const auto& message = parser.get();
    if (message.method() == bhttp::verb::post) {
      std::string_view path = message.target();
      path = path.substr(0, path.find('?'));
      for (const ServerOptions::BodyAllowance& a : server_.options.large_bodies) {
        if (a.path == path) body_limit_ = a.max_bytes;
      }
    }
    if (parser.is_done()) {
      if (parser.get().body().size() > body_limit_) return bhttp::error::body_limit;
      return {};
    }
    if (auto length = parser.content_length(); length && *length > body_limit_) {
      return bhttp::error::body_limit;
    }
    const std::size_t got = parser.get().body().size();
    parser.body_limit(body_limit_ > got ? body_limit_ - got : 0);
    return {};
  }

  // A request could not be read. Answers what deserves an answer, then closes.
  asio::awaitable<void> fail_read(boost::system::error_code ec, const Parser& parser) {
    std::optional<ApiError> error;
    if (ec == bhttp::error::body_limit) {
      error = ApiError::payload_too_large(
          fmt::format("The request body exceeds {} bytes", body_limit_));
    } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      error = ApiError(
          431, error_code::kPayloadTooLarge,
          fmt::format("The request head exceeds {} bytes", server_.options.max_header_bytes));
    } else if (is_http_error(ec) && ec != bhttp::error::end_of_stream &&
               ec != bhttp::error::partial_message) {
      error = ApiError::validation("Malformed HTTP request");
    }
    if (!error) co_return;  // timeout, reset, client went away: nothing to answer
    // A head cut short (a Content-Length over the limit is caught while the fields are
    // parsed) still identifies the request by the fields read so far.
    const UpgradeRequest& message = parser.get();
    const bool have_head = parser.is_header_done() || !message.target().empty();
    Request request;
    if (have_head) request = view(message);
    const Response response =
        server_.service.reject(*error, have_head ? &request : nullptr, Clock::now());
    if (!co_await write(response, false, message.version() == 10)) co_return;
    co_await close_gracefully(true);
  }

  asio::awaitable<bool> write(const Response& response, bool keep_alive, bool http10) {
    serialize_head(response, keep_alive, http10, head_);
    co_return co_await write_buffers({asio::buffer(head_), sends_body(response)
                                                               ? asio::buffer(response.body())
                                                               : asio::const_buffer()});
  }

  // Sends a streamed response: the head, then each piece the source produces as it
  // comes, so only one piece is held at a time. A source that fails ends the connection
  // without the last chunk (or, unframed, early), which the client sees as truncation.
  asio::awaitable<bool> write_streamed(const Response& response, bool keep_alive, bool http10) {
    serialize_head(response, keep_alive, http10, head_);
    if (!co_await write_buffers({asio::buffer(head_), asio::const_buffer()})) co_return false;
    if (!sends_body(response)) co_return true;
    const bool chunked = framing_of(response, http10) == Framing::kChunked;
    BodySource& source = *response.source();
    std::string piece;
    std::uint64_t bytes = 0;
    for (;;) {
      piece.clear();
      BodySource::Step step = BodySource::Step::kFailed;
      try {
        step = source.next(piece);
      } catch (const std::exception& e) {
        log_error("http.stream_failed", [&](JsonWriter& w) {
          w.field("requestId", response.request_id().view());
          w.field("error", e.what());
        });
        step = BodySource::Step::kFailed;
      }
      if (step == BodySource::Step::kFailed) co_return false;
      bytes += piece.size();
      if (!piece.empty()) {
        head_.clear();
        if (chunked) {
          fmt::format_to(std::back_inserter(head_), "{:x}\r\n", piece.size());
          piece += "\r\n";
        }
        if (!co_await write_buffers({asio::buffer(head_), asio::buffer(piece)})) co_return false;
      }
      if (step == BodySource::Step::kDone) break;
    }
    if (chunked) {
      static constexpr std::string_view kLastChunk = "0\r\n\r\n";
      if (!co_await write_buffers({asio::buffer(kLastChunk), asio::const_buffer()})) {
        co_return false;
      }
    }
    log_info("http.stream_end", [&](JsonWriter& w) {
      w.field("requestId", response.request_id().view());
      w.field("bytes", bytes);
    });
    co_return true;
  }

  // Writes both buffers. Returns false when the connection failed or timed out.
  asio::awaitable<bool> write_buffers(std::array<asio::const_buffer, 2> buffers) {
    if constexpr (!kTls) {
      // Usually the socket takes the whole response at once: no wait, no suspension.
      boost::system::error_code ec;
      const std::size_t n = socket().write_some(buffers, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
      const std::size_t first = std::min(n, buffers[0].size());
      buffers[0] += first;
      buffers[1] += n - first;
      if (buffers[0].size() + buffers[1].size() == 0) co_return true;
    }
    arm(server_.options.request_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, buffers, kTuple);
    disarm();
    co_return !ec && !timed_out_;
  }

  // Ends the connection after the last response. With `linger`, unread input is
  // drained for a bounded time so the peer reads the answer instead of a reset.
  asio::awaitable<void> close_gracefully(bool linger) {
    phase_ = Phase::kClosing;
    arm(kLingerTime);
    if constexpr (kTls) {
      (void)linger;
      auto [ec] = co_await stream_.async_shutdown(kTuple);
      (void)ec;
    } else {
      boost::system::error_code ec;
      socket().shutdown(tcp::socket::shutdown_send, ec);
      if (!linger || ec) co_return;
      std::size_t drained = 0;
      while (drained < kLingerBytes && !timed_out_) {
        buffer_.clear();
        auto [rec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        if (rec) break;
        drained += n;
      }
    }
  }

  // A handler that waited for a command answers through answered(), which runs on this
  // thread (HttpService::serve posts it here) while serve() waits in wait_for_answer().
  void answered(Response response) {
    answer_ = std::move(response);
    answer_ready_.cancel();
  }
  asio::awaitable<Response> wait_for_answer() {
    while (!answer_) {
      answer_ready_.expires_at(asio::steady_timer::time_point::max());
      co_await answer_ready_.async_wait(kTuple);
    }
    Response response = std::move(*answer_);
    answer_.reset();
    co_return response;
  }

  void hand_over(UpgradeHandler& handler, UpgradeRequest message) {
    const Request request = view(message);
    UpgradeContext context;
    context.request_id = choose_request_id(request.find_header("X-Request-Id"));
    context.client_ip = std::string(peer_ip_);
    context.request = std::move(message);
    context.buffer = std::move(buffer_);
    disarm();
    boost::system::error_code ec;
    socket().non_blocking(false, ec);
    handed_over_ = true;
    handler.upgrade(std::move(stream_), std::move(context));
  }

  // A Request viewing `message`. Valid while `message` and headers_ are unchanged.
  Request view(const UpgradeRequest& message) {
    headers_.clear();
    for (const auto& field : message)
      headers_.push_back({field.name_string(), field.value()});
    Request r;
    r.method_text = message.method_string();
    r.method = parse_method(r.method_text);
    r.target = message.target();
    const Target t = split_target(r.target);
    r.path = t.path;
    r.query = t.query;
    r.headers = headers_;
    r.body = message.body();
    r.peer_ip = peer_ip_;
    r.keep_alive = message.keep_alive();
    return r;
  }

  Server::Impl& server_;
  IoThread& thread_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string head_;
  std::vector<Header> headers_;
  Phase phase_ = Phase::kReading;
  std::size_t body_limit_ = 0;  // of the request being read
  bool forced_ = false;
  bool timed_out_ = false;
  bool handed_over_ = false;
  // The answer of a handler that waited (see answered()).
  std::optional<Response> answer_;
  asio::steady_timer answer_ready_{thread_.ioc};
};

template <typename Stream>
void Server::Impl::spawn(tcp::socket socket, IoThread& thread, bool rejected,
                         const std::string& peer) {
  std::shared_ptr<Session<Stream>> session;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    session = std::make_shared<Session<Stream>>(*this, thread, TlsStream(std::move(socket), *tls),
                                                peer, rejected);
  } else {
    session = std::make_shared<Session<Stream>>(*this, thread, std::move(socket), peer, rejected);
  }
  add(session, rejected, peer);
  asio::co_spawn(thread.ioc, Session<Stream>::run(session), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log_error("http.session_failed", [&](JsonWriter& w) { w.field("error", ex.what()); });
    } catch (...) {
      log_error("http.session_failed");
    }
  });
}

asio::awaitable<void> Server::Impl::accept_loop() {
  std::size_t next = 0;
  // accept failures are logged once per kAcceptFailureLogEvery, with how many were not.
  constexpr auto kAcceptFailureLogEvery = std::chrono::seconds(10);
  std::optional<std::chrono::steady_clock::time_point> last_failure_log;
  std::uint64_t unlogged_failures = 0;
  for (;;) {
    IoThread& thread = *io[next];
    next = (next + 1) % io.size();
    auto [ec, accepted] = co_await acceptor->async_accept(thread.ioc, kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      // Out of descriptors or buffers: back off instead of spinning on the error.
      const auto now = std::chrono::steady_clock::now();
      if (!last_failure_log || now - *last_failure_log >= kAcceptFailureLogEvery) {
        log_warn("http.accept_failed", [&](JsonWriter& w) {
          w.field("error", ec.message()).field("failuresNotLogged", unlogged_failures);
        });
        last_failure_log = now;
        unlogged_failures = 0;
      } else {
        ++unlogged_failures;
      }
      asio::steady_timer timer(accept_ioc, std::chrono::milliseconds(50));
      co_await timer.async_wait(kTuple);
      continue;
    }
    tcp::socket socket(std::move(accepted));
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    const std::string peer = peer_address(socket);
    Admission admitted = Admission::kDrop;
    {
      std::lock_guard lock(mu);
      admitted = admission(peer);
    }
    if (admitted == Admission::kDrop) {
      boost::system::error_code close_ec;
      socket.close(close_ec);
      continue;
    }
    const bool reject = admitted == Admission::kReject;
    if (tls) {
      spawn<TlsStream>(std::move(socket), thread, reject, peer);
    } else {
      spawn<PlainStream>(std::move(socket), thread, reject, peer);
    }
  }
}

// ---------------------------------------------------------------------------------

ServerOptions ServerOptions::from_config(const Config& c) {
  ServerOptions o;
  o.bind = c.bind;
  o.port = c.port;
  o.io_threads = c.io_threads;
  o.max_body_bytes = c.max_body_bytes;
  o.max_header_bytes = c.max_header_bytes;
  o.request_timeout = std::chrono::milliseconds(c.request_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.max_connections = c.max_connections;
  o.max_connections_per_ip = c.max_connections_per_ip;
  o.header_timeout = std::chrono::milliseconds(c.header_timeout_ms);
  o.trusted_proxies = c.trusted_proxies;
  o.max_requests_per_connection = c.max_requests_per_connection;
  o.tls_cert_file = c.tls_cert_file;
  o.tls_key_file = c.tls_key_file;
  o.shutdown_grace = std::chrono::milliseconds(c.shutdown_grace_ms);
  return o;
}

Server::Server(ServerOptions options, const HttpService& service)
    : impl_(std::make_unique<Impl>(std::move(options), service)) {}

Server::~Server() {
  stop();
}

void Server::add_upgrade_handler(std::string path_prefix, std::shared_ptr<UpgradeHandler> handler) {
  impl_->upgrades.emplace_back(std::move(path_prefix), std::move(handler));
}

std::uint16_t Server::port() const {
  return impl_->port.load();
}

std::size_t Server::connection_count() const {
  return impl_->active.load(std::memory_order_relaxed);
}

Status Server::start() {
  Impl& s = *impl_;
  std::lock_guard lifecycle(s.lifecycle_mu);
  if (s.started) return Status::FailedPrecondition("the server was already started");
  const ServerOptions& o = s.options;
  if (!s.service.status().ok()) return s.service.status();
  if (o.max_connections == 0 || o.max_requests_per_connection == 0 || o.max_body_bytes == 0 ||
      o.max_header_bytes == 0 || o.request_timeout.count() <= 0 || o.idle_timeout.count() <= 0) {
    return Status::InvalidArgument("server limits and timeouts must be positive");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return Status::InvalidArgument(
        "DOCKET_TLS_CERT_FILE and DOCKET_TLS_KEY_FILE must be set together");
  }
  if (!o.tls_cert_file.empty()) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
    boost::system::error_code ec;
    s.tls->use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) {
      s.tls.reset();
      return Status::InvalidArgument("cannot load TLS certificate " + o.tls_cert_file + ": " +
                                     ec.message());
    }
    s.tls->use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
    if (ec) {
      s.tls.reset();
      return Status::InvalidArgument("cannot load TLS key " + o.tls_key_file + ": " + ec.message());
    }
  }

  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(o.bind, ec);
  if (ec) return Status::InvalidArgument("not an IP address: " + o.bind);
  const tcp::endpoint endpoint(address, o.port);
  s.acceptor.emplace(s.accept_ioc);
  auto fail = [&](std::string_view what) {
    const std::string message = fmt::format("{} {}:{}: {}", what, o.bind, o.port, ec.message());
    s.acceptor.reset();
    return Status::IOError(message);
  };
  s.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  s.acceptor->bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  s.port.store(s.acceptor->local_endpoint(ec).port());

  unsigned threads = o.io_threads != 0 ? o.io_threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  // Deadlines are checked every tick: at most an eighth of the shortest timeout late.
  const auto shortest = std::min(o.request_timeout, o.idle_timeout);
  const Clock::duration tick = std::clamp<Clock::duration>(
      shortest / 8, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  auto run_loop = [](asio::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log_error("http.io_loop_exception", [&](JsonWriter& w) { w.field("error", e.what()); });
      }
    }
  };
  for (unsigned i = 0; i < threads; ++i) {
    auto& t = *s.io.emplace_back(std::make_unique<IoThread>());
    asio::co_spawn(t.ioc, t.sweep(tick), asio::detached);
    t.thread = std::thread([run_loop, &t] { run_loop(t.ioc); });
  }
  asio::co_spawn(s.accept_ioc, s.accept_loop(), [](std::exception_ptr e) {
    if (e) log_error("http.accept_loop_failed");
  });
  s.accept_thread = std::thread([run_loop, &s] { run_loop(s.accept_ioc); });
  s.started = true;
  log_info("http.listening", [&](JsonWriter& w) {
    w.field("bind", o.bind);
    w.field("port", static_cast<unsigned>(s.port.load()));
    w.field("ioThreads", threads);
    w.field("tls", s.tls.has_value());
  });
  return Status::Ok();
}

void Server::stop() {
  Impl& s = *impl_;
  std::lock_guard lifecycle(s.lifecycle_mu);
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping.store(true);

  // 1. Stop accepting. Waiting makes "stop() has begun" imply "connects are refused".
  std::promise<void> closed;
  asio::post(s.accept_ioc, [&] {
    boost::system::error_code ec;
    s.acceptor->close(ec);
    closed.set_value();
  });
  closed.get_future().wait();

  // 2. Idle keep-alive connections close now; busy ones after their current request.
  for (auto& c : s.snapshot())
    c->post_stop(false);
  const bool drained = s.wait_drained(Clock::now() + s.options.shutdown_grace);

  // 3. Past the grace period: close whatever is left.
  if (!drained) {
    log_warn("http.shutdown_forced", [&](JsonWriter& w) {
      w.field("connections", static_cast<std::uint64_t>(s.snapshot().size()));
    });
    for (auto& c : s.snapshot())
      c->post_stop(true);
    s.wait_drained(Clock::now() + kForceWait);
  }

  // 4. End the loops. Every connection has ended, so no handler waits for an answer
  // any more. The acceptor's loop ends by itself once its coroutine has seen the
  // closed acceptor. Upgraded connections, owned by their handlers, end with the IO
  // loops.
  s.accept_thread.join();
  for (auto& t : s.io) {
    t->guard.reset();
    t->ioc.stop();
  }
  for (auto& t : s.io)
    t->thread.join();
  // Sessions still registered (a forced close that never completed) are released here;
  // their frames are destroyed with the io_contexts.
  {
    std::lock_guard lock(s.mu);
    s.connections.clear();
  }
  log_info("http.stopped");
}

}  // namespace docket::http

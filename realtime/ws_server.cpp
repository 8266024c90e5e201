#include "realtime/ws_server.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
// GCC 12 reports false -Wmaybe-uninitialized warnings inside Beast (see http/server.cpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffered_read_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#pragma GCC diagnostic pop

#include "core/log.h"
#include "core/metrics.h"
#include "http/query.h"
#include "http/url.h"
#include "realtime/engine_io.h"

namespace docket::realtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Engine.IO's `message` type, written before each Socket.IO packet.
constexpr char kMessagePrefix[] = {'4'};

// The upgraded stream with the bytes the HTTP server read past the request in front of
// it: reads take those first, then go to the stream (Beast's accept(request) has no way
// to take them). When the buffer is empty a read goes straight to the stream.
template <typename Next>
class PrefixedStream : public beast::buffered_read_stream<Next, beast::flat_buffer> {
 public:
  using beast::buffered_read_stream<Next, beast::flat_buffer>::buffered_read_stream;
};

// The websocket close teardown of the stream underneath (found by argument-dependent
// lookup from websocket::stream): a TCP socket, or a TLS stream (websocket/ssl.hpp).
template <typename Next>
void teardown(beast::role_type role, PrefixedStream<Next>& stream, beast::error_code& ec) {
  using beast::teardown;
  using beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <typename Next, typename Handler>
void async_teardown(beast::role_type role, PrefixedStream<Next>& stream, Handler&& handler) {
  using beast::async_teardown;
  using beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<Handler>(handler));
}

void log_failure(std::string_view what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log_error(what, [&](JsonWriter& w) { w.field("error", ex.what()); });
  } catch (...) {
    log_error(what);
  }
}

// Why the transport ends a connection on its own.
enum class Reason {
  kServerClose,    // Connection::close() or stop(): close packet, then close handshake
  kClientClose,    // the client's close packet: close handshake
  kProtocolError,  // refused input: close handshake with an error code
  kSlowConsumer,   // send queue over its bound: closed at once
  kForce,          // stop() past its grace: closed at once
};

// An HTTP answer refusing an upgrade, in Engine.IO's error shape.
struct Refusal {
  int status = 400;
  int code = 3;  // Engine.IO error code: 0 unknown transport, 1 unknown sid, 3 bad request,
                 // 5 unsupported protocol version
  std::string_view message;
};

std::optional<Refusal> check_handshake(const http::UpgradeRequest& request,
                                       http::QueryParams& query) {
  const http::Target target = http::split_target(request.target());
  if (http::QueryParams::parse(target.query, query)) {
    return Refusal{400, 3, "Bad request"};
  }
  // The engine.io server's order: transport, then sid, then the protocol version.
  if (query.get("transport") != std::optional<std::string_view>("websocket")) {
    return Refusal{400, 0, "Transport unknown"};
  }
  if (query.get("EIO") != std::optional<std::string_view>("4")) {
    return Refusal{400, 5, "Unsupported protocol version"};
  }
  return std::nullopt;
}

std::string refusal_response(const Refusal& refusal, std::string_view request_id) {
  const std::string body =
      fmt::format(R"({{"code":{},"message":"{}"}})", refusal.code, refusal.message);
  const std::string_view reason = refusal.status == 503 ? "Service Unavailable" : "Bad Request";
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
      refusal.status, reason, body.size());
  if (!request_id.empty())
    fmt::format_to(std::back_inserter(out), "X-Request-Id: {}\r\n", request_id);
  out += "\r\n";
  out += body;
  return out;
}

class SessionBase;

// One queued websocket frame: a Socket.IO packet, written after Engine.IO's '4' (its
// text shared with the other members of a room), one of the session's own complete
// Engine.IO packets, or a binary message (a binary frame of the bytes as they are).
struct OutFrame {
  SharedPacket text;
  bool message = true;
  bool binary = false;
  std::size_t size() const { return text->size() + (message && !binary ? 1 : 0); }
};

// The Connection the handler holds, and the connection's send queue. It may outlive the
// session (the handler keeps it as long as it likes): once the session ended it is
// detached and send()/close() do nothing. mu_ guards everything; the session's writer
// takes the queued frames in batches.
class Outbox final : public Connection {
 public:
  Outbox(std::string id, std::size_t max_messages, std::size_t max_bytes)
      : id_(std::move(id)), max_messages_(max_messages), max_bytes_(max_bytes) {}

  const std::string& id() const override { return id_; }
  using Connection::send;
  bool send(SharedPacket packet) override { return send_frame({std::move(packet), true, false}); }
  bool send_binary(SharedPacket bytes) override {
    return send_frame({std::move(bytes), true, true});
  }
  void close() override;

  // The session's own frames (open, ping, close): not bounded, and still accepted
  // while the connection closes.
  void push_internal(std::string frame);
  // The writer's side: moves the queued frames into `batch` (empty when none; the
  // next push then wakes the writer).
  bool take(std::deque<OutFrame>& batch);
  void written(std::size_t bytes);
  // Refuses the handler's sends from now on.
  void stop_accepting();
  void attach(SessionBase* session);
  void detach();

 private:
  bool send_frame(OutFrame frame);
  bool push_locked(OutFrame frame);

  const std::string id_;
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  std::mutex mu_;
  SessionBase* session_ = nullptr;  // alive while set: detach() runs before it ends
  bool accepting_ = true;
  bool writer_awake_ = true;  // the writer will look at frames_ without a wake
  std::deque<OutFrame> frames_;
  std::size_t queued_messages_ = 0;  // in frames_ or being written
  std::size_t queued_bytes_ = 0;
};

// What Outbox needs of a session, from any thread.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void post_wake() = 0;
  virtual void post_close(Reason reason) = 0;
};

bool Outbox::send_frame(OutFrame frame) {
  std::lock_guard lock(mu_);
  if (session_ == nullptr || !accepting_) return false;
  if (queued_messages_ + 1 > max_messages_ || queued_bytes_ + frame.size() > max_bytes_) {
    accepting_ = false;
    session_->post_close(Reason::kSlowConsumer);
    return false;
  }
  return push_locked(std::move(frame));
}

void Outbox::close() {
  std::lock_guard lock(mu_);
  if (session_ != nullptr) session_->post_close(Reason::kServerClose);
}

void Outbox::push_internal(std::string frame) {
  std::lock_guard lock(mu_);
  if (session_ != nullptr) {
    push_locked(OutFrame{std::make_shared<const std::string>(std::move(frame)), false});
  }
}

bool Outbox::push_locked(OutFrame frame) {
  ++queued_messages_;
  queued_bytes_ += frame.size();
  frames_.push_back(std::move(frame));
  if (!writer_awake_) {
    writer_awake_ = true;
    session_->post_wake();
  }
  return true;
}

bool Outbox::take(std::deque<OutFrame>& batch) {
  std::lock_guard lock(mu_);
  batch.swap(frames_);
  if (batch.empty()) writer_awake_ = false;
  return !batch.empty();
}

void Outbox::written(std::size_t bytes) {
  std::lock_guard lock(mu_);
  if (session_ == nullptr) return;  // detached: the counts were reset
  --queued_messages_;
  queued_bytes_ -= bytes;
}

void Outbox::stop_accepting() {
  std::lock_guard lock(mu_);
  accepting_ = false;
}

void Outbox::attach(SessionBase* session) {
  std::lock_guard lock(mu_);
  session_ = session;
}

void Outbox::detach() {
  std::lock_guard lock(mu_);
  session_ = nullptr;
  accepting_ = false;
  frames_.clear();
  queued_messages_ = 0;
  queued_bytes_ = 0;
}

}  // namespace

// ---------------------------------------------------------------------------------

class WsServer::Impl : public std::enable_shared_from_this<WsServer::Impl> {
 public:
  Impl(WsOptions o, std::shared_ptr<ConnectionHandler> h) : options(o), handler(std::move(h)) {}

  template <typename Next>
  void start(Next stream, http::UpgradeContext context);

  template <typename Next>
  static asio::awaitable<void> refuse(Next stream, std::string response,
                                      std::chrono::milliseconds timeout);

  void remove(SessionBase* session) {
    std::lock_guard lock(mu);
    sessions.erase(session);
    if (sessions.empty()) drained.notify_all();
  }

  bool wait_drained(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu);
    return drained.wait_until(lock, deadline, [&] { return sessions.empty(); });
  }

  std::vector<std::shared_ptr<SessionBase>> snapshot() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<SessionBase>> out;
    out.reserve(sessions.size());
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  const WsOptions options;
  const std::shared_ptr<ConnectionHandler> handler;

  std::atomic<std::uint64_t> opened{0}, closed{0}, refused{0}, ping_timeouts{0}, slow_consumers{0},
      protocol_errors{0}, connect_timeouts{0}, messages_in{0}, messages_out{0}, upgrades{0};
  UpgradeLookup upgrade_lookup;  // set before serving

  mutable std::mutex mu;  // guards sessions, stopping
  std::condition_variable drained;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  bool stopping = false;
};

namespace {

// One websocket connection. Everything but the Outbox is touched only on the
// connection's executor (its IO thread). Three coroutines share it: run() (handshake,
// then the read loop; it calls the handler), write_loop() (the only writer) and
// ping_loop(). The session ends when run() returns; it is destroyed, and leaves the
// server's registry, once the other two and every posted call have finished.
template <typename Next>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Next>> {
 public:
  Session(std::shared_ptr<WsServer::Impl> server, Next stream, http::UpgradeContext context)
      : server_(std::move(server)),
        ws_(std::move(stream)),
        ping_timer_(ws_.get_executor()),
        wake_timer_(ws_.get_executor()),
        close_timer_(ws_.get_executor()),
        connect_timer_(ws_.get_executor()),
        request_(std::move(context.request)),
        outbox_(std::make_shared<Outbox>(engine_io::new_session_id(),
                                         server_->options.max_queued_messages,
                                         server_->options.max_queued_bytes)),
        connection_(outbox_) {
    ws_.next_layer().buffer() = std::move(context.buffer);
    info_.client_ip = std::move(context.client_ip);
    info_.request_id = std::string(context.request_id.view());
    info_.authorization = std::string(request_[beast::http::field::authorization]);
    outbox_->attach(this);
  }

  ~Session() override {
    outbox_->detach();  // already done by finish(), unless the IO loop stopped first
    server_->remove(this);
  }

  void set_query(std::vector<std::pair<std::string, std::string>> query) {
    info_.query = std::move(query);
  }
  // The long-polling session this websocket upgrades; finish() tells it the end.
  void set_target(std::shared_ptr<UpgradeTarget> target) {
    target_ = std::move(target);
    if (target_) target_->upgrade_started(connection_);
  }

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    try {
      co_await self->serve(self);
    } catch (const std::exception& e) {
      log_error("realtime.ws_session_failed", [&](JsonWriter& w) { w.field("error", e.what()); });
    }
    self->finish();
  }

  void post_wake() override {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this()] { self->wake_timer_.cancel(); });
  }

  void post_close(Reason reason) override {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), reason] { self->close_for(reason); });
  }

 private:
  using Clock = std::chrono::steady_clock;

  const WsOptions& options() const { return server_->options; }
  bool ending() const { return closing_ || aborted_ || finished_; }

  asio::awaitable<void> serve(std::shared_ptr<Session> self) {
    const WsOptions& o = options();
    ws_.set_option(websocket::stream_base::timeout{
        o.handshake_timeout, websocket::stream_base::none(), /*keep_alive_pings=*/false});
    ws_.read_message_max(o.max_payload_bytes);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "docket"); }));
    {
      auto [ec] = co_await ws_.async_accept(request_, kTuple);
      if (ec || ending()) co_return;
    }
    request_ = {};
    ws_.text(true);
    const auto executor = ws_.get_executor();
    if (target_) {  // an upgrade: the polling session's open packet was its handshake
      // The upgrade completes ("5") within handshake_timeout, or the websocket is
      // closed (the engine.io server's upgradeTimeout); polling goes on meanwhile.
      connect_timer_.expires_after(o.handshake_timeout);
      connect_timer_.async_wait([self](beast::error_code ec) {
        if (ec || self->ending() || self->upgraded_) return;
        self->close_for(Reason::kServerClose);
      });
      accepted_ = true;
      asio::co_spawn(executor, write_loop(self),
                     [](std::exception_ptr e) { log_failure("realtime.ws_writer_failed", e); });
      // Another websocket took the session over (before this handshake or during it),
      // or it ended: the close handshake.
      if (close_after_accept_ || !target_->upgradable()) close_for(Reason::kServerClose);
      info_ = {};
      co_await read_loop(self);
      co_return;
    }
    opened_ = true;
    server_->opened.fetch_add(1, std::memory_order_relaxed);
    outbox_->push_internal(engine_io::encode_open({
        .sid = outbox_->id(),
        .upgrades = {},
        .ping_interval_ms = static_cast<std::uint64_t>(o.ping_interval.count()),
        .ping_timeout_ms = static_cast<std::uint64_t>(o.ping_timeout.count()),
        .max_payload_bytes = o.max_payload_bytes,
    }));
    asio::co_spawn(executor, write_loop(self),
                   [](std::exception_ptr e) { log_failure("realtime.ws_writer_failed", e); });
    asio::co_spawn(executor, ping_loop(self),
                   [](std::exception_ptr e) { log_failure("realtime.ws_ping_failed", e); });
    call_handler([&] { server_->handler->on_open(connection_, info_); });
    info_ = {};
    if (o.connect_timeout.count() > 0) {
      connect_timer_.expires_after(o.connect_timeout);
      connect_timer_.async_wait([self](beast::error_code ec) {
        if (ec || self->ending()) return;
        bool has_session = true;
        self->call_handler(
            [&] { has_session = self->server_->handler->has_session(*self->connection_); });
        if (has_session || self->ending()) return;
        self->server_->connect_timeouts.fetch_add(1, std::memory_order_relaxed);
        self->close_for(Reason::kServerClose);
      });
    }
    co_await read_loop(self);
  }

  // Reads frames until the websocket ends; each goes to the handler (or, for an
  // upgrade, to the polling session).
  asio::awaitable<void> read_loop(std::shared_ptr<Session> self) {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, kTuple);
      if (ec) {
        if (ec == websocket::error::message_too_big && !ending()) {
          server_->protocol_errors.fetch_add(1, std::memory_order_relaxed);
        }
        co_return;
      }
      if (ending()) {  // closing: what still arrives is dropped
        buffer.clear();
        continue;
      }
      const std::string_view frame(static_cast<const char*>(buffer.data().data()), buffer.size());
      Result<engine_io::Packet> packet = engine_io::decode(
          frame, ws_.got_text() ? engine_io::FrameKind::kText : engine_io::FrameKind::kBinary);
      buffer.clear();
      if (!packet.ok()) {
        protocol_error(websocket::close_code::protocol_error);
        continue;
      }
      if (target_ && !upgraded_) {
        probe_step(self, *packet);
        continue;
      }
      switch (packet->type) {
        case engine_io::PacketType::kMessage: {
          server_->messages_in.fetch_add(1, std::memory_order_relaxed);
          bool accepted = true;
          if (target_) {
            accepted = target_->receive(packet->data, packet->binary);
          } else if (packet->binary) {
            call_handler(
                [&] { accepted = server_->handler->on_binary(connection_, packet->data); });
          } else {
            call_handler([&] { server_->handler->on_message(connection_, packet->data); });
          }
          if (!accepted) protocol_error(websocket::close_code::unknown_data);
          break;
        }
        case engine_io::PacketType::kPong:
          if (awaiting_pong_) {
            awaiting_pong_ = false;
            ping_timer_.cancel();
          }
          break;
        case engine_io::PacketType::kClose:
          close_for(Reason::kClientClose);
          break;
        case engine_io::PacketType::kPing:
          // Engine.IO v4: only the server pings ("invalid heartbeat direction").
          protocol_error(websocket::close_code::protocol_error);
          break;
        default:  // open, upgrade, noop: meaningless here, ignored like the JS server does
          break;
      }
    }
  }

  // One packet of an upgrade in progress: "2probe" is answered "3probe", "5" completes
  // the upgrade (and starts the heartbeat here); anything else is a protocol error.
  void probe_step(const std::shared_ptr<Session>& self, const engine_io::Packet& packet) {
    if (packet.type == engine_io::PacketType::kPing && packet.data == "probe") {
      outbox_->push_internal(engine_io::encode_pong("probe"));
      target_->probe();
      return;
    }
    if (packet.type == engine_io::PacketType::kUpgrade) {
      upgraded_ = true;
      connect_timer_.cancel();
      server_->upgrades.fetch_add(1, std::memory_order_relaxed);
      target_->upgrade(connection_);
      asio::co_spawn(ws_.get_executor(), ping_loop(self),
                     [](std::exception_ptr e) { log_failure("realtime.ws_ping_failed", e); });
      return;
    }
    protocol_error(websocket::close_code::protocol_error);
  }

  // Sends what is queued, in order; after a graceful close began, the close handshake.
  static asio::awaitable<void> write_loop(std::shared_ptr<Session> self) {
    std::deque<OutFrame> batch;
    for (;;) {
      if (self->aborted_ || self->finished_) co_return;
      if (!self->outbox_->take(batch)) {
        if (self->closing_) break;
        self->wake_timer_.expires_at(Clock::time_point::max());
        co_await self->wake_timer_.async_wait(kTuple);  // cancel() is the wake-up
        continue;
      }
      while (!batch.empty()) {
        const OutFrame& frame = batch.front();
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(kMessagePrefix, frame.message && !frame.binary ? 1 : 0),
            asio::buffer(*frame.text)};
        self->ws_.binary(frame.binary);
        auto [ec, n] = co_await self->ws_.async_write(buffers, kTuple);
        if (ec) {
          self->abort();
          co_return;
        }
        if (frame.message) self->server_->messages_out.fetch_add(1, std::memory_order_relaxed);
        self->outbox_->written(frame.size());
        batch.pop_front();
      }
    }
    if (self->aborted_ || self->finished_) co_return;
    auto [ec] = co_await self->ws_.async_close(self->close_reason_, kTuple);
    if (ec && !self->finished_) self->abort();
  }

  // Ping every ping_interval; no pong within ping_timeout ends the connection. The next
  // ping is due ping_interval after the pong, as in the engine.io server.
  static asio::awaitable<void> ping_loop(std::shared_ptr<Session> self) {
    const WsOptions& o = self->options();
    for (;;) {
      self->ping_timer_.expires_after(o.ping_interval);
      {
        auto [ec] = co_await self->ping_timer_.async_wait(kTuple);
        if (self->ending()) co_return;
        if (ec) continue;
      }
      self->awaiting_pong_ = true;
      self->outbox_->push_internal(engine_io::encode_ping());
      self->ping_timer_.expires_after(o.ping_timeout);
      co_await self->ping_timer_.async_wait(kTuple);  // cancelled by the pong
      if (self->ending()) co_return;
      if (self->awaiting_pong_) {
        self->server_->ping_timeouts.fetch_add(1, std::memory_order_relaxed);
        self->abort();
        co_return;
      }
    }
  }

  template <typename F>
  void call_handler(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      log_error("realtime.handler_failed", [&](JsonWriter& w) {
        w.field("sid", outbox_->id());
        w.field("error", e.what());
      });
      abort();
    }
  }

  void protocol_error(websocket::close_code code) {
    server_->protocol_errors.fetch_add(1, std::memory_order_relaxed);
    close_reason_ = websocket::close_reason(code);
    close_for(Reason::kProtocolError);
  }

  // On the executor.
  void close_for(Reason reason) {
    if (finished_ || aborted_) return;
    switch (reason) {
      case Reason::kSlowConsumer:
        if (!closing_) server_->slow_consumers.fetch_add(1, std::memory_order_relaxed);
        log_warn("realtime.slow_consumer", [&](JsonWriter& w) { w.field("sid", outbox_->id()); });
        abort();
        return;
      case Reason::kForce:
        abort();
        return;
      case Reason::kServerClose:
      case Reason::kClientClose:
      case Reason::kProtocolError:
        break;
    }
    if (closing_) return;
    if (!opened_ && !target_) {  // still in the websocket handshake: nothing to say yet
      abort();
      return;
    }
    if (target_ && !accepted_) {  // an upgrade's websocket: closed once it is accepted
      close_after_accept_ = true;
      return;
    }
    closing_ = true;
    outbox_->stop_accepting();
    // A websocket carrying a session (its own, or the polling session it upgraded) gets
    // the close packet first; one still probing only gets the close handshake.
    if (reason == Reason::kServerClose && (opened_ || upgraded_)) {
      outbox_->push_internal(engine_io::encode_close());
    }
    wake_timer_.cancel();
    ping_timer_.cancel();
    close_timer_.expires_after(options().handshake_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->abort();
    });
  }

  // Closes the socket now: every pending operation completes with an error.
  void abort() {
    if (aborted_ || finished_) return;
    aborted_ = true;
    outbox_->stop_accepting();
    close_socket();
  }

  void close_socket() {
    beast::error_code ec;
    tcp::socket& socket = beast::get_lowest_layer(ws_);
    if (socket.is_open()) {
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
    ping_timer_.cancel();
    wake_timer_.cancel();
    close_timer_.cancel();
    connect_timer_.cancel();
  }

  // run() is over: no more reads. The handler hears of it last.
  void finish() {
    finished_ = true;
    close_socket();
    outbox_->detach();
    if (opened_) {
      server_->closed.fetch_add(1, std::memory_order_relaxed);
      call_handler([&] { server_->handler->on_close(connection_); });
    }
    if (target_) target_->websocket_closed(*connection_, upgraded_);
  }

  const std::shared_ptr<WsServer::Impl> server_;
  websocket::stream<PrefixedStream<Next>> ws_;
  asio::steady_timer ping_timer_;
  asio::steady_timer wake_timer_;   // the writer waits on it; cancel() wakes it
  asio::steady_timer close_timer_;  // bounds the close handshake
  // connect_timeout after the open packet; for an upgrade, the bound on its "5"
  asio::steady_timer connect_timer_;
  http::UpgradeRequest request_;
  ConnectionInfo info_;
  const std::shared_ptr<Outbox> outbox_;
  const std::shared_ptr<Connection> connection_;  // outbox_, as the handler sees it
  // The long-polling session this websocket upgrades (a handshake with a `sid`); the
  // handler knows only that session, never connection_.
  std::shared_ptr<UpgradeTarget> target_;
  bool upgraded_ = false;            // the client's "5" arrived
  bool accepted_ = false;            // an upgrade's websocket handshake is done
  bool close_after_accept_ = false;  // close_for() came during that handshake
  websocket::close_reason close_reason_{websocket::close_code::normal};
  bool opened_ = false;    // the open packet is queued and on_open called
  bool closing_ = false;   // a close handshake is under way
  bool aborted_ = false;   // the socket is closed
  bool finished_ = false;  // run() returned
  bool awaiting_pong_ = false;
};

}  // namespace

template <typename Next>
void WsServer::Impl::start(Next stream, http::UpgradeContext context) {
  const auto executor = stream.get_executor();
  http::QueryParams query;
  std::optional<Refusal> refusal = check_handshake(context.request, query);
  std::shared_ptr<UpgradeTarget> target;
  if (!refusal) {
    if (const std::optional<std::string_view> sid = query.get("sid")) {
      if (upgrade_lookup) target = upgrade_lookup(*sid);
      if (!target) refusal = Refusal{400, 1, "Session ID unknown"};
    }
  }
  std::shared_ptr<Session<Next>> session;
  if (!refusal) {
    std::lock_guard lock(mu);
    if (stopping) {
      refusal = Refusal{503, 3, "Server shutting down"};
    } else if (sessions.size() >= options.max_connections) {
      refusal = Refusal{503, 3, "Too many connections"};
    } else {
      session = std::make_shared<Session<Next>>(shared_from_this(), std::move(stream),
                                                std::move(context));
      sessions.emplace(session.get(), session);
    }
  }
  if (refusal) {
    refused.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(executor,
                   refuse(std::move(stream), refusal_response(*refusal, context.request_id.view()),
                          options.handshake_timeout),
                   [](std::exception_ptr e) { log_failure("realtime.ws_refuse_failed", e); });
    return;
  }
  session->set_query(query.items());
  session->set_target(std::move(target));
  asio::co_spawn(executor, Session<Next>::run(session),
                 [](std::exception_ptr e) { log_failure("realtime.ws_session_failed", e); });
}

// Writes the refusal and closes, within `timeout`.
template <typename Next>
asio::awaitable<void> WsServer::Impl::refuse(Next stream, std::string response,
                                             std::chrono::milliseconds timeout) {
  auto owned = std::make_shared<Next>(std::move(stream));
  asio::steady_timer timer(owned->get_executor());
  timer.expires_after(timeout);
  timer.async_wait([owned](beast::error_code ec) {
    if (ec) return;
    beast::error_code close_ec;
    beast::get_lowest_layer(*owned).close(close_ec);
  });
  auto [ec, n] = co_await asio::async_write(*owned, asio::buffer(response), kTuple);
  if constexpr (std::is_same_v<Next, http::TlsStream>) {
    if (!ec) {
      auto [shutdown_ec] = co_await owned->async_shutdown(kTuple);
      (void)shutdown_ec;
    }
  }
  timer.cancel();
  beast::error_code close_ec;
  tcp::socket& socket = beast::get_lowest_layer(*owned);
  socket.shutdown(tcp::socket::shutdown_both, close_ec);
  socket.close(close_ec);
}

// ---------------------------------------------------------------------------------

WsServer::WsServer(WsOptions options, std::shared_ptr<ConnectionHandler> handler)
    : impl_(std::make_shared<Impl>(options, std::move(handler))) {}

WsServer::~WsServer() {
  stop();
}

void WsServer::set_upgrade_lookup(UpgradeLookup lookup) {
  impl_->upgrade_lookup = std::move(lookup);
}

void WsServer::upgrade(http::PlainStream stream, http::UpgradeContext context) {
  impl_->start(std::move(stream), std::move(context));
}

void WsServer::upgrade(http::TlsStream stream, http::UpgradeContext context) {
  impl_->start(std::move(stream), std::move(context));
}

void WsServer::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    s.stopping = true;
  }
  // Each graceful close is forced after handshake_timeout by the session itself.
  for (auto& session : s.snapshot())
    session->post_close(Reason::kServerClose);
  const auto grace = s.options.handshake_timeout + std::chrono::seconds(1);
  if (s.wait_drained(std::chrono::steady_clock::now() + grace)) return;
  for (auto& session : s.snapshot())
    session->post_close(Reason::kForce);
  if (!s.wait_drained(std::chrono::steady_clock::now() + std::chrono::seconds(2))) {
    log_error("realtime.ws_stop_incomplete", [&](JsonWriter& w) {
      w.field("connections", static_cast<std::uint64_t>(s.snapshot().size()));
    });
  }
}

std::size_t WsServer::connection_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

WsCounters WsServer::counters() const {
  const Impl& s = *impl_;
  constexpr auto r = std::memory_order_relaxed;
  return WsCounters{
      .connections_opened = s.opened.load(r),
      .connections_closed = s.closed.load(r),
      .connections_refused = s.refused.load(r),
      .closed_ping_timeout = s.ping_timeouts.load(r),
      .closed_slow_consumer = s.slow_consumers.load(r),
      .closed_protocol_error = s.protocol_errors.load(r),
      .closed_connect_timeout = s.connect_timeouts.load(r),
      .messages_in = s.messages_in.load(r),
      .messages_out = s.messages_out.load(r),
      .upgrades = s.upgrades.load(r),
  };
}

const WsOptions& WsServer::options() const {
  return impl_->options;
}

void WsServer::register_metrics(MetricsRegistry& registry) const {
  const auto transport = [this](auto field) {
    return [this, field] { return static_cast<double>(counters().*field); };
  };
  registry.gauge_callback("docket_ws_connections", "Open websocket connections.",
                          [this] { return static_cast<double>(connection_count()); });
  registry.counter_callback("docket_ws_closed_slow_consumer_total",
                            "Websockets closed because their send queue was full.",
                            transport(&WsCounters::closed_slow_consumer));
  registry.counter_callback("docket_ws_closed_ping_timeout_total",
                            "Websockets closed for a missing pong.",
                            transport(&WsCounters::closed_ping_timeout));
  registry.counter_callback("docket_ws_closed_connect_timeout_total",
                            "Websockets closed for not connecting to the namespace within "
                            "DOCKET_WS_CONNECT_TIMEOUT_MS.",
                            transport(&WsCounters::closed_connect_timeout));
  registry.counter_callback("docket_ws_upgrades_total",
                            "Long-polling sessions upgraded to a websocket.",
                            transport(&WsCounters::upgrades));
}

}  // namespace docket::realtime

#include "realtime/polling.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/log.h"
#include "core/metrics.h"
#include "http/query.h"
#include "http/request_context.h"
#include "http/response.h"
#include "realtime/engine_io.h"

namespace docket::realtime {

namespace {

using Clock = std::chrono::steady_clock;

// How long a GET that waits while a websocket upgrade is in progress may wait for the
// upgrade's "5" before it ends with a noop (the engine.io server checks every 100 ms).
constexpr auto kProbeGrace = std::chrono::milliseconds(100);

constexpr std::string_view kPayloadType = "text/plain; charset=UTF-8";

// Engine.IO's own error answer: {"code":N,"message":"…"}.
http::Response engine_error(int status, int code, std::string_view message) {
  return http::Response::raw(status, "application/json",
                             fmt::format(R"({{"code":{},"message":"{}"}})", code, message));
}

// Why a session ended.
enum class End {
  kNone,
  kClientClose,    // the client's "1"
  kServerClose,    // Connection::close() or stop()
  kPingTimeout,    // no pong in time (or the client stopped polling)
  kSlowConsumer,   // queue over its bound
  kProtocolError,  // overlapping requests, a bad packet
  kConnectTimeout,
};

// One queued packet: a Socket.IO packet (written after '4'), a binary message
// (written "b<base64>") or a bare Engine.IO one.
struct Queued {
  SharedPacket text;  // null for a bare packet
  char type = '4';
  bool binary = false;
  std::size_t size() const {
    if (!text) return 1;
    return 1 + (binary ? (text->size() + 2) / 3 * 4 : text->size());
  }
  std::string encode() const {
    if (binary) return engine_io::encode_binary_in_payload(*text);
    return text ? std::string(1, type) + *text : std::string(1, type);
  }
  // A message packet, sent on as it is over the websocket that took the session over.
  bool send_over(Connection& websocket) const {
    return binary ? websocket.send_binary(text) : websocket.send(text);
  }
};

// Whether the end of a session leaves its close packet for a later GET: when the
// server ended a healthy session, the client should hear why. After a ping timeout, a
// protocol error or a full queue the client is gone or misbehaving: only a GET
// already waiting gets the close packet, and the sid is unknown from then on.
bool keeps_close_packet(End why) {
  return why == End::kServerClose || why == End::kConnectTimeout;
}

}  // namespace

class PollingSession;

class PollingServer::Impl : public std::enable_shared_from_this<PollingServer::Impl> {
 public:
  Impl(PollingOptions o, std::shared_ptr<ConnectionHandler> h)
      : options(o), handler(std::move(h)) {}

  void start_heartbeat() {
    heartbeat_ = std::thread([self = shared_from_this()] { self->heartbeat_loop(); });
  }

  http::Reply handle(http::RequestContext& ctx);
  void stop();

  std::shared_ptr<PollingSession> find(std::string_view sid) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(std::string(sid));
    return it == sessions_.end() ? nullptr : it->second;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  // A session was marked ended: the heartbeat thread finishes it now.
  void nudge() {
    {
      std::lock_guard lock(mu_);
      nudged_ = true;
    }
    cv_.notify_all();
  }

  const PollingOptions options;
  const std::shared_ptr<ConnectionHandler> handler;

  std::atomic<std::uint64_t> opened{0}, closed{0}, refused{0}, ping_timeouts{0}, slow_consumers{0},
      protocol_errors{0}, connect_timeouts{0}, messages_in{0}, messages_out{0};

 private:
  http::Reply handshake(http::RequestContext& ctx, const http::QueryParams& query);
  static http::Reply poll(std::shared_ptr<PollingSession> session, http::RequestContext& ctx,
                          bool during_upgrade);
  http::Response receive(PollingSession& session, std::string_view body);
  void heartbeat_loop();
  void tick(Clock::time_point now);
  void finish(const std::shared_ptr<PollingSession>& session);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::shared_ptr<PollingSession>> sessions_;  // by sid
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread heartbeat_;
};

// One polling session, as the handler sees it (Connection) and as the requests use it.
class PollingSession final : public Connection,
                             public UpgradeTarget,
                             public std::enable_shared_from_this<PollingSession> {
 public:
  PollingSession(std::string id, PollingServer::Impl& server, Clock::time_point now)
      : id_(std::move(id)),
        server_(server),
        opened_at_(now),
        next_ping_(now + server.options.ping_interval) {}

  const std::string& id() const override { return id_; }
  PollingServer::Impl& server() const { return server_; }

  using Connection::send;
  bool send(SharedPacket packet) override { return enqueue({std::move(packet), '4', false}); }
  bool send_binary(SharedPacket bytes) override { return enqueue({std::move(bytes), '4', true}); }

  void close() override { end(End::kServerClose); }

  // Marks the session ended for `why` (the first reason wins). A waiting GET gets the
  // close packet; so does a later one when keeps_close_packet(why) (after an upgrade:
  // the websocket is closed). The heartbeat thread then removes the session and runs
  // on_close.
  void end(End why) {
    std::function<void()> wake;
    std::shared_ptr<Connection> websocket;
    {
      std::lock_guard lock(mu_);
      if (end_ != End::kNone) return;
      end_ = why;
      ended_at_ = Clock::now();
      websocket = websocket_;
      if (why == End::kClientClose) {
        // Nothing more goes to a client that left. A GET it sent along with its close
        // (arriving just after it) ends with a noop, like one that was waiting.
        queue_.clear();
        queued_bytes_ = 0;
        if (!waiter_ && !websocket) queue_.push_back(Queued{nullptr, '6'});
      } else if (!keeps_close_packet(why) && !waiter_) {
        queue_.clear();  // gone at once
        queued_bytes_ = 0;
      } else if (!websocket) {
        queue_.push_back(Queued{nullptr, '1'});
      }
      wake = std::exchange(waiter_, nullptr);
    }
    if (websocket && why != End::kClientClose) websocket->close();
    if (wake) wake();
    server_.nudge();
  }

 private:
  bool enqueue(Queued queued) {
    std::function<void()> wake;
    bool over = false;
    {
      std::lock_guard lock(mu_);
      if (end_ != End::kNone) return false;
      // Upgraded: straight to the websocket, under mu_ so that nothing overtakes the
      // packets upgrade() moved there.
      if (websocket_) return queued.send_over(*websocket_);
      const PollingOptions& o = server_.options;
      if (queue_.size() + 1 > o.max_queued_messages ||
          queued_bytes_ + queued.size() > o.max_queued_bytes) {
        over = true;
      } else {
        queued_bytes_ += queued.size();
        queue_.push_back(queued);
        wake = std::exchange(waiter_, nullptr);
      }
    }
    if (over) {
      end(End::kSlowConsumer);
      return false;
    }
    if (wake) wake();
    return true;
  }

 public:
  // UpgradeTarget, called from the websocket's IO thread.
  //
  // From the websocket's handshake to its end, the session is upgrading: a GET that
  // arrives meanwhile and finds nothing to take waits for the outcome — 400 once the
  // websocket took over, else a noop kProbeGrace on (see beat()). The probe ends the
  // poll in flight with a noop at once (socket.io-client waits for it before it sends
  // "5").
  void upgrade_started(std::weak_ptr<Connection> websocket) override {
    std::lock_guard lock(mu_);
    probing_.push_back(std::move(websocket));
  }
  void probe() override {
    std::function<void()> wake;
    {
      std::lock_guard lock(mu_);
      if (end_ != End::kNone || websocket_) return;
      if (waiter_) {
        queue_.push_back(Queued{nullptr, '6'});
        queued_bytes_ += 1;
        wake = std::exchange(waiter_, nullptr);
      }
    }
    if (wake) wake();
  }
  void upgrade(std::shared_ptr<Connection> websocket) override {
    std::function<void()> wake;
    std::vector<std::shared_ptr<Connection>> others;
    {
      std::lock_guard lock(mu_);
      if (end_ != End::kNone || websocket_) {
        websocket->close();
        return;
      }
      // Other websockets still probing lose: the session has its transport (the
      // engine.io server closes them likewise).
      for (const auto& weak : std::exchange(probing_, {})) {
        if (auto other = weak.lock(); other && other != websocket) others.push_back(other);
      }
      // The messages polling had not delivered go first, in order; pings and noops
      // belonged to the polling transport (the websocket pings on its own).
      for (Queued& q : queue_) {
        if (q.type == '4') q.send_over(*websocket);
      }
      queue_.clear();
      queued_bytes_ = 0;
      pong_due_.reset();
      websocket_ = std::move(websocket);
      wake = std::exchange(waiter_, nullptr);  // the last poll gets a noop
    }
    for (const auto& other : others)
      other->close();
    if (wake) wake();
  }
  bool receive(std::string_view data, bool binary) override {
    server_.messages_in.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(handler_mu);
    if (binary) return server_.handler->on_binary(shared_from_this(), data);
    server_.handler->on_message(shared_from_this(), data);
    return true;
  }
  void websocket_closed(const Connection& websocket, bool upgraded) override {
    if (upgraded) return end(End::kClientClose);
    std::lock_guard lock(mu_);  // the upgrade failed: polling goes on
    std::erase_if(probing_, [&](const std::weak_ptr<Connection>& weak) {
      const std::shared_ptr<Connection> other = weak.lock();
      return !other || other.get() == &websocket;
    });
  }
  bool upgradable() const override {
    std::lock_guard lock(mu_);
    return end_ == End::kNone && !websocket_;
  }
  bool upgraded() const {
    std::lock_guard lock(mu_);
    return websocket_ != nullptr;
  }

  End ended() const {
    std::lock_guard lock(mu_);
    return end_;
  }
  // Ended, and its last packets (the close packet above all) delivered — or no longer
  // worth waiting for: a client that has not polled for ping_timeout since the end.
  bool done(Clock::time_point now) const {
    std::lock_guard lock(mu_);
    if (end_ == End::kNone) return false;
    return queue_.empty() || websocket_ || now >= ended_at_ + server_.options.ping_timeout;
  }
  // Ended with nothing left to deliver.
  bool gone() const {
    std::lock_guard lock(mu_);
    return end_ != End::kNone && (queue_.empty() || websocket_);
  }

  // Starts a GET: false when one is already waiting (the protocol's overlap).
  // `during_upgrade`: a websocket is upgrading the session.
  bool begin_get(bool& during_upgrade) {
    std::lock_guard lock(mu_);
    if (get_open_) return false;
    get_open_ = true;
    during_upgrade = !probing_.empty();
    return true;
  }
  // Runs `wake` once there is something to answer (at once when there already is).
  void park(std::function<void()> wake) {
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() && end_ == End::kNone) {
        waiter_ = std::move(wake);
        parked_at_ = Clock::now();
        return;
      }
    }
    wake();
  }
  // The payload for the waiting GET (ends it): the queued packets, or a noop when the
  // client closed the session meanwhile.
  std::string take(std::uint64_t& messages) {
    std::vector<std::string> packets;
    {
      std::lock_guard lock(mu_);
      get_open_ = false;
      for (const Queued& q : queue_) {
        if (q.type == '4') ++messages;
        packets.push_back(q.encode());
      }
      queue_.clear();
      queued_bytes_ = 0;
      if (packets.empty()) packets.emplace_back("6");
    }
    return engine_io::encode_payload(packets);
  }

  bool begin_post() {
    std::lock_guard lock(mu_);
    if (post_open_) return false;
    post_open_ = true;
    return true;
  }
  void end_post() {
    std::lock_guard lock(mu_);
    post_open_ = false;
  }

  void pong(Clock::time_point now) {
    std::lock_guard lock(mu_);
    if (!pong_due_) return;
    pong_due_.reset();
    next_ping_ = now + server_.options.ping_interval;
  }

  // The heartbeat's work on this session at `now`.
  void beat(Clock::time_point now) {
    const PollingOptions& o = server_.options;
    std::function<void()> wake;
    bool timed_out = false;
    bool check_connect = false;
    {
      std::lock_guard lock(mu_);
      if (end_ != End::kNone) return;
      // After an upgrade the websocket pings; only the connect timeout is left here.
      if (!websocket_ && !pong_due_ && now >= next_ping_) {
        queue_.push_back(Queued{nullptr, '2'});
        queued_bytes_ += 1;
        // The pong is due ping_timeout after the ping was due, as on a timer of its own
        // (the beats come a little late) — yet never less than half of it after the
        // ping was queued, should the beats fall far behind.
        pong_due_ = std::max(next_ping_ + o.ping_timeout, now + o.ping_timeout / 2);
        wake = std::exchange(waiter_, nullptr);
      }
      if (!websocket_ && pong_due_) timed_out = now >= *pong_due_;
      // A GET that came during an upgrade which has not completed in time.
      if (!websocket_ && !probing_.empty() && waiter_ && now >= parked_at_ + kProbeGrace) {
        queue_.push_back(Queued{nullptr, '6'});
        queued_bytes_ += 1;
        wake = std::exchange(waiter_, nullptr);
      }
      if (!connect_checked_ && o.connect_timeout.count() > 0 &&
          now >= opened_at_ + o.connect_timeout) {
        connect_checked_ = true;
        check_connect = true;
      }
    }
    if (wake) wake();
    if (timed_out) return end(End::kPingTimeout);
    if (check_connect) {
      bool has_session = true;
      {
        std::lock_guard lock(handler_mu);
        has_session = server_.handler->has_session(*this);
      }
      if (!has_session) end(End::kConnectTimeout);
    }
  }

  // Serializes the handler's calls for this session.
  std::mutex handler_mu;
  bool handler_opened = false;  // guarded by handler_mu: on_open ran, on_close is due

 private:
  const std::string id_;
  PollingServer::Impl& server_;
  const Clock::time_point opened_at_;
  mutable std::mutex mu_;
  std::deque<Queued> queue_;                   // guarded by mu_
  std::size_t queued_bytes_ = 0;               // guarded by mu_
  std::function<void()> waiter_;               // guarded by mu_: the waiting GET's wake-up
  bool get_open_ = false;                      // guarded by mu_
  bool post_open_ = false;                     // guarded by mu_
  End end_ = End::kNone;                       // guarded by mu_
  Clock::time_point ended_at_;                 // guarded by mu_
  Clock::time_point next_ping_;                // guarded by mu_
  std::optional<Clock::time_point> pong_due_;  // guarded by mu_
  std::shared_ptr<Connection> websocket_;      // guarded by mu_: set by the upgrade
  bool connect_checked_ = false;               // guarded by mu_
  // Guarded by mu_: the websockets attached to upgrade the session, until they end or
  // one completes the upgrade. Not empty: the session is upgrading.
  std::vector<std::weak_ptr<Connection>> probing_;
  Clock::time_point parked_at_;  // guarded by mu_: when waiter_ was set
};

namespace {

// Suspends a GET until its session has something to send; resumes it through `post`.
class PollAwaiter {
 public:
  PollAwaiter(std::shared_ptr<PollingSession> session, http::Post post)
      : session_(std::move(session)), post_(std::move(post)) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    session_->park([post = post_, handle] { post([handle] { handle.resume(); }); });
  }
  void await_resume() const noexcept {}

 private:
  std::shared_ptr<PollingSession> session_;
  http::Post post_;
};

ConnectionInfo connection_info(const http::RequestContext& ctx, const http::QueryParams& query) {
  ConnectionInfo info;
  info.client_ip = std::string(ctx.client_ip());
  info.request_id = std::string(ctx.request_id());
  info.query = query.items();
  info.authorization = std::string(ctx.request().header("Authorization"));
  return info;
}

}  // namespace

http::Reply PollingServer::Impl::handle(http::RequestContext& ctx) {
  const http::Request& request = ctx.request();
  http::QueryParams query;
  if (http::QueryParams::parse(request.query, query)) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 3, "Bad request");
  }
  // The engine.io server's order: transport, then sid, then the handshake's checks.
  const std::optional<std::string_view> transport = query.get("transport");
  if (transport != "polling" && transport != "websocket") {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 0, "Transport unknown");
  }
  const std::optional<std::string_view> sid = query.get("sid");
  if (!sid) return handshake(ctx, query);
  std::shared_ptr<PollingSession> session = find(*sid);
  // The heartbeat's deadlines as of now (the beats come every few milliseconds, a
  // request may come between them). An ended session with nothing left to deliver is
  // gone for the client, even before the heartbeat removed it.
  if (session) session->beat(Clock::now());
  if (!session || session->gone()) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 1, "Session ID unknown");
  }
  // A plain HTTP request for the websocket transport (an upgrade never gets here), or
  // a method polling does not take.
  if (transport != "polling" ||
      (request.method != http::Method::kGet && request.method != http::Method::kPost)) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 3, "Bad request");
  }
  if (session->upgraded()) {  // the client moved to the websocket
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 3, "Bad request");
  }
  if (request.method == http::Method::kGet) {
    bool during_upgrade = false;
    if (!session->begin_get(during_upgrade)) {
      protocol_errors.fetch_add(1, std::memory_order_relaxed);
      session->end(End::kProtocolError);
      return engine_error(400, 3, "Bad request");
    }
    return poll(std::move(session), ctx, during_upgrade);
  }
  return receive(*session, request.body);
}

http::Reply PollingServer::Impl::handshake(http::RequestContext& ctx,
                                           const http::QueryParams& query) {
  if (ctx.request().method != http::Method::kGet) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 2, "Bad handshake method");
  }
  if (query.get("transport") != "polling") {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 3, "Bad request");
  }
  if (query.get("EIO") != std::optional<std::string_view>("4")) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return engine_error(400, 5, "Unsupported protocol version");
  }
  auto session = std::make_shared<PollingSession>(engine_io::new_session_id(), *this, Clock::now());
  {
    std::lock_guard lock(mu_);
    if (stopping_ || sessions_.size() >= options.max_connections) {
      refused.fetch_add(1, std::memory_order_relaxed);
      return engine_error(503, 3, stopping_ ? "Server shutting down" : "Too many sessions");
    }
    sessions_.emplace(session->id(), session);
  }
  opened.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(session->handler_mu);
    session->handler_opened = true;
    handler->on_open(session, connection_info(ctx, query));
  }
  return http::Response::raw(
      200, std::string(kPayloadType),
      engine_io::encode_open({
          .sid = session->id(),
          .upgrades = {"websocket"},
          .ping_interval_ms = static_cast<std::uint64_t>(options.ping_interval.count()),
          .ping_timeout_ms = static_cast<std::uint64_t>(options.ping_timeout.count()),
          .max_payload_bytes = options.max_payload_bytes,
      }));
}

http::Reply PollingServer::Impl::poll(std::shared_ptr<PollingSession> session,
                                      http::RequestContext& ctx, bool during_upgrade) {
  co_await PollAwaiter(session, ctx.post);
  std::uint64_t messages = 0;
  std::string payload = session->take(messages);
  PollingServer::Impl& server = session->server();
  if (during_upgrade && session->upgraded()) {  // the websocket took over meanwhile
    server.refused.fetch_add(1, std::memory_order_relaxed);
    co_return engine_error(400, 3, "Bad request");
  }
  server.messages_out.fetch_add(messages, std::memory_order_relaxed);
  co_return http::Response::raw(200, std::string(kPayloadType), std::move(payload));
}

http::Response PollingServer::Impl::receive(PollingSession& session, std::string_view body) {
  if (!session.begin_post()) {
    protocol_errors.fetch_add(1, std::memory_order_relaxed);
    session.end(End::kProtocolError);
    return engine_error(400, 3, "Bad request");
  }
  struct PostGuard {
    PollingSession& s;
    ~PostGuard() { s.end_post(); }
  } guard{session};
  if (body.size() > options.max_payload_bytes) {
    protocol_errors.fetch_add(1, std::memory_order_relaxed);
    session.end(End::kProtocolError);
    return engine_error(413, 3, "Payload too large");
  }
  auto packets = engine_io::decode_payload(body);
  if (!packets.ok()) {
    protocol_errors.fetch_add(1, std::memory_order_relaxed);
    session.end(End::kProtocolError);
    return engine_error(400, 3, "Bad request");
  }
  std::shared_ptr<Connection> connection = session.shared_from_this();
  for (const engine_io::Packet& packet : *packets) {
    if (session.ended() != End::kNone) break;
    switch (packet.type) {
      case engine_io::PacketType::kMessage: {
        messages_in.fetch_add(1, std::memory_order_relaxed);
        bool accepted = true;
        {
          std::lock_guard lock(session.handler_mu);
          if (packet.binary) {
            accepted = handler->on_binary(connection, packet.data);
          } else {
            handler->on_message(connection, packet.data);
          }
        }
        if (!accepted) {  // Docket's protocol is text only
          protocol_errors.fetch_add(1, std::memory_order_relaxed);
          session.end(End::kProtocolError);
          return engine_error(400, 3, "Bad request");
        }
        break;
      }
      case engine_io::PacketType::kPong:
        session.pong(Clock::now());
        break;
      case engine_io::PacketType::kClose:
        session.end(End::kClientClose);
        break;
      case engine_io::PacketType::kPing:  // v4: only the server pings
        protocol_errors.fetch_add(1, std::memory_order_relaxed);
        session.end(End::kProtocolError);
        return engine_error(400, 3, "Bad request");
      default:  // open, upgrade, noop: meaningless here, ignored as the JS server does
        break;
    }
  }
  return http::Response::raw(200, "text/html", "ok");
}

void PollingServer::Impl::heartbeat_loop() {
  const PollingOptions& o = options;
  // Often enough for the shortest timeout to be kept within a tenth of it.
  const auto shortest =
      std::min({o.ping_interval, o.ping_timeout,
                o.connect_timeout.count() > 0 ? o.connect_timeout : o.ping_interval});
  const auto period =
      std::clamp(shortest / 10, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, period, [&] { return stopping_ || nudged_; });
    if (stopping_) break;
    nudged_ = false;
    lock.unlock();
    tick(Clock::now());
    lock.lock();
  }
}

void PollingServer::Impl::tick(Clock::time_point now) {
  std::vector<std::shared_ptr<PollingSession>> all;
  {
    std::lock_guard lock(mu_);
    all.reserve(sessions_.size());
    for (const auto& [id, session] : sessions_)
      all.push_back(session);
  }
  for (const auto& session : all) {
    session->beat(now);
    if (session->done(now)) finish(session);
  }
}

void PollingServer::Impl::finish(const std::shared_ptr<PollingSession>& session) {
  {
    std::lock_guard lock(mu_);
    if (sessions_.erase(session->id()) == 0) return;  // finished already
  }
  switch (session->ended()) {
    case End::kPingTimeout:
      ping_timeouts.fetch_add(1, std::memory_order_relaxed);
      break;
    case End::kSlowConsumer:
      slow_consumers.fetch_add(1, std::memory_order_relaxed);
      break;
    case End::kConnectTimeout:
      connect_timeouts.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      break;
  }
  closed.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(session->handler_mu);
  if (session->handler_opened) {
    session->handler_opened = false;
    handler->on_close(session);
  }
}

void PollingServer::Impl::stop() {
  std::vector<std::shared_ptr<PollingSession>> all;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !heartbeat_.joinable()) return;
    stopping_ = true;
    for (const auto& [id, session] : sessions_)
      all.push_back(session);
  }
  cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  for (const auto& session : all) {
    session->end(End::kServerClose);
    finish(session);
  }
}

// ---------------------------------------------------------------------------------

PollingServer::PollingServer(PollingOptions options, std::shared_ptr<ConnectionHandler> handler)
    : impl_(std::make_shared<Impl>(options, std::move(handler))) {
  impl_->start_heartbeat();
}

PollingServer::~PollingServer() {
  stop();
}

http::Reply PollingServer::handle(http::RequestContext& ctx) {
  return impl_->handle(ctx);
}

UpgradeLookup PollingServer::upgrade_lookup() const {
  std::weak_ptr<Impl> weak = impl_;
  return [weak](std::string_view sid) -> std::shared_ptr<UpgradeTarget> {
    std::shared_ptr<Impl> impl = weak.lock();
    if (!impl) return nullptr;
    std::shared_ptr<PollingSession> session = impl->find(sid);
    if (!session || session->gone()) return nullptr;
    return session;
  };
}

void PollingServer::stop() {
  impl_->stop();
}

std::size_t PollingServer::session_count() const {
  return impl_->count();
}

PollingCounters PollingServer::counters() const {
  const Impl& i = *impl_;
  const auto read = [](const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  return {.sessions_opened = read(i.opened),
          .sessions_closed = read(i.closed),
          .refused = read(i.refused),
          .closed_ping_timeout = read(i.ping_timeouts),
          .closed_slow_consumer = read(i.slow_consumers),
          .closed_protocol_error = read(i.protocol_errors),
          .closed_connect_timeout = read(i.connect_timeouts),
          .messages_in = read(i.messages_in),
          .messages_out = read(i.messages_out)};
}

void PollingServer::register_metrics(MetricsRegistry& registry) const {
  std::shared_ptr<Impl> impl = impl_;
  registry.gauge_callback("docket_ws_polling_sessions", "Open Engine.IO long-polling sessions.",
                          [impl] { return static_cast<double>(impl->count()); });
  const auto counter = [&registry, impl](std::string_view name, std::string_view help,
                                         std::atomic<std::uint64_t> Impl::*field) {
    registry.counter_callback(name, help, [impl, field] {
      return static_cast<double>(((*impl).*field).load(std::memory_order_relaxed));
    });
  };
  counter("docket_ws_polling_sessions_opened_total", "Long-polling sessions opened.",
          &Impl::opened);
  counter("docket_ws_polling_sessions_closed_total",
          "Long-polling sessions that ended (any reason).", &Impl::closed);
  counter("docket_ws_polling_refused_total", "Requests on the Engine.IO path answered 400 or 503.",
          &Impl::refused);
  counter("docket_ws_polling_closed_ping_timeout_total",
          "Long-polling sessions closed for a missing pong (or a client that stopped polling).",
          &Impl::ping_timeouts);
  counter("docket_ws_polling_closed_slow_consumer_total",
          "Long-polling sessions closed because their queue was full.", &Impl::slow_consumers);
  counter("docket_ws_polling_closed_protocol_error_total",
          "Long-polling sessions closed for overlapping requests or a bad packet.",
          &Impl::protocol_errors);
  counter("docket_ws_polling_closed_connect_timeout_total",
          "Long-polling sessions closed without a Socket.IO session in time.",
          &Impl::connect_timeouts);
  counter("docket_ws_polling_messages_in_total", "Engine.IO messages received by POST.",
          &Impl::messages_in);
  counter("docket_ws_polling_messages_out_total", "Engine.IO messages answered to GETs.",
          &Impl::messages_out);
}

}  // namespace docket::realtime

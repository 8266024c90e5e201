// The websocket transport in process: an http::Server on an ephemeral port hands
// /socket.io/ upgrades to a WsServer whose ConnectionHandler records what it hears; a
// Beast websocket client (driven from the test thread) plays the Engine.IO client.
#include "realtime/ws_server.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#pragma GCC diagnostic pop

#include "tests/http/test_server.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTarget = "/socket.io/?EIO=4&transport=websocket";

// Records every call and checks connection.h's promise: per connection, on_open, then
// on_message any number of times, then on_close once, never overlapping.
class FakeHandler final : public ConnectionHandler {
 public:
  void on_open(const std::shared_ptr<Connection>& connection, const ConnectionInfo& info) override {
    enter(connection, State::kNone);
    {
      std::lock_guard lock(mu_);
      connections_.push_back(connection);
      infos_.push_back(info);
      states_[connection.get()] = State::kOpen;
    }
    leave(connection);
  }

  void on_message(const std::shared_ptr<Connection>& connection, std::string_view packet) override {
    enter(connection, State::kOpen);
    std::function<void(const std::shared_ptr<Connection>&, std::string_view)> hook;
    {
      std::lock_guard lock(mu_);
      messages_.emplace_back(packet);
      hook = on_message_hook;
    }
    if (hook) hook(connection, packet);
    leave(connection);
  }

  bool has_session(const Connection& /*connection*/) override {
    has_session_calls.fetch_add(1);
    return session.load();
  }
  // What has_session answers, and how often it was asked.
  std::atomic<bool> session{true};
  std::atomic<int> has_session_calls{0};

  void on_close(const std::shared_ptr<Connection>& connection) override {
    enter(connection, State::kOpen);
    {
      std::lock_guard lock(mu_);
      states_[connection.get()] = State::kClosed;
      ++closes_;
    }
    leave(connection);
  }

  // Waits until `pred` (called under the lock) holds.
  bool wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 2000ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, pred);
  }
  bool wait_opens(std::size_t n) {
    return wait([&] { return connections_.size() >= n; });
  }
  bool wait_closes(int n) {
    return wait([&] { return closes_ >= n; });
  }
  bool wait_messages(std::size_t n) {
    return wait([&] { return messages_.size() >= n; });
  }

  std::shared_ptr<Connection> connection(std::size_t i) {
    std::lock_guard lock(mu_);
    return connections_.at(i);
  }
  ConnectionInfo info(std::size_t i) {
    std::lock_guard lock(mu_);
    return infos_.at(i);
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::size_t opens() {
    std::lock_guard lock(mu_);
    return connections_.size();
  }
  int closes() {
    std::lock_guard lock(mu_);
    return closes_;
  }
  int violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }

  // Set before the connection opens.
  std::function<void(const std::shared_ptr<Connection>&, std::string_view)> on_message_hook;

 private:
  enum class State { kNone, kOpen, kClosed };

  void enter(const std::shared_ptr<Connection>& connection, State expected) {
    std::lock_guard lock(mu_);
    const auto it = states_.find(connection.get());
    const State state = it == states_.end() ? State::kNone : it->second;
    if (state != expected || !in_call_.insert(connection.get()).second) ++violations_;
  }
  void leave(const std::shared_ptr<Connection>& connection) {
    {
      std::lock_guard lock(mu_);
      in_call_.erase(connection.get());
    }
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::vector<ConnectionInfo> infos_;
  std::vector<std::string> messages_;
  std::map<const Connection*, State> states_;
  std::set<const Connection*> in_call_;
  int closes_ = 0;
  int violations_ = 0;
};

// A websocket client run from the test thread: one read is kept outstanding and the
// io_context runs only inside read()/send(), with deadlines. Over TCP, or over TLS
// (trusting any certificate) with Next = ssl::stream<tcp::socket>.
template <typename Next>
class BasicClient {
 public:
  static constexpr bool kTls = !std::is_same_v<Next, tcp::socket>;

  explicit BasicClient(std::uint16_t port, std::string_view target = kTarget,
                       std::optional<int> receive_buffer = std::nullopt,
                       std::string_view authorization = "")
      : ws_(make_stream()) {
    tcp::socket& socket = beast::get_lowest_layer(ws_);
    socket.open(tcp::v4());
    if (receive_buffer) socket.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error_);
    if (error_) return;
    if constexpr (kTls) {
      ws_.next_layer().handshake(ssl::stream_base::client, error_);
      if (error_) return;
    }
    const std::string auth(authorization);
    ws_.set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
      if (!auth.empty()) req.set(beast::http::field::authorization, auth);
    }));
    ws_.handshake(response_, "127.0.0.1", std::string(target), error_);
  }

  bool connected() const { return !error_; }
  const websocket::response_type& handshake_response() const { return response_; }

  // The next text message, or nullopt after `timeout` or once the connection failed.
  std::optional<std::string> read(std::chrono::milliseconds timeout = 2000ms) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      if (!inbox_.empty()) {
        std::string out = std::move(inbox_.front());
        inbox_.pop_front();
        return out;
      }
      if (failed_) return std::nullopt;
      start_read();
      if (!run_until(deadline)) return std::nullopt;
    }
  }

  // Discards messages until the connection ends; false if it is still open at `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = 2000ms) {
    const auto deadline = Clock::now() + timeout;
    while (!failed_) {
      inbox_.clear();
      start_read();
      if (!run_until(deadline)) return false;
    }
    return true;
  }

  bool send(std::string_view text, bool binary = false) {
    ws_.binary(binary);
    bool done = false;
    beast::error_code result;
    ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
      done = true;
      result = ec;
    });
    const auto deadline = Clock::now() + 2000ms;
    while (!done && Clock::now() < deadline) {
      ioc_.restart();
      ioc_.run_one_for(deadline - Clock::now());
    }
    ws_.binary(false);
    return done && !result;
  }

  bool failed() const { return failed_; }
  const beast::error_code& read_error() const { return read_error_; }
  websocket::close_reason close_reason() const { return ws_.reason(); }

 private:
  void start_read() {
    if (reading_ || failed_) return;
    reading_ = true;
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      reading_ = false;
      if (ec) {
        failed_ = true;
        read_error_ = ec;
        return;
      }
      inbox_.push_back(beast::buffers_to_string(buffer_.data()));
      buffer_.clear();
    });
  }

  // Runs handlers until the outstanding read completes. False at the deadline.
  bool run_until(Clock::time_point deadline) {
    while (reading_) {
      const auto now = Clock::now();
      if (now >= deadline) return false;
      ioc_.restart();
      ioc_.run_one_for(deadline - now);
    }
    return true;
  }

  websocket::stream<Next> make_stream() {
    if constexpr (kTls) {
      tls_.set_verify_mode(ssl::verify_none);
      return websocket::stream<Next>(ioc_, tls_);
    } else {
      return websocket::stream<Next>(ioc_);
    }
  }

  asio::io_context ioc_;
  ssl::context tls_{ssl::context::tls_client};
  websocket::stream<Next> ws_;
  websocket::response_type response_;
  beast::error_code error_;
  beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  bool reading_ = false;
  bool failed_ = false;
  beast::error_code read_error_;
};

using Client = BasicClient<tcp::socket>;
using TlsClient = BasicClient<ssl::stream<tcp::socket>>;

using docket::testing::eventually;

// Long heartbeats unless a test is about them.
WsOptions quiet_options() {
  WsOptions o;
  o.ping_interval = 10'000ms;
  o.ping_timeout = 5'000ms;
  o.max_payload_bytes = 1'000;
  o.handshake_timeout = 1'000ms;
  return o;
}

// A self-signed P-256 certificate for 127.0.0.1 as PEM files (as tests/http/tls_test.cpp).
struct SelfSigned {
  std::string cert_path;
  std::string key_path;

  explicit SelfSigned(const docket::testing::TempDir& dir)
      : cert_path(dir.sub("cert.pem")), key_path(dir.sub("key.pem")) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    REQUIRE(key);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509* x = cert.get();
    REQUIRE(X509_set_version(x, 2) == 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    REQUIRE(X509_set_pubkey(x, key.get()) == 1);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    REQUIRE(X509_set_issuer_name(x, name) == 1);
    REQUIRE(X509_sign(x, key.get(), EVP_sha256()) > 0);
    FILE* f = std::fopen(cert_path.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_path.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
  }
};

struct Fixture {
  explicit Fixture(WsOptions options = quiet_options(),
                   http::ServerOptions server_options = http::testing::test_options())
      : handler(std::make_shared<FakeHandler>()),
        ws(std::make_shared<WsServer>(options, handler)),
        ts([](http::Router&) {}, std::move(server_options)) {
    ts.server->add_upgrade_handler("/socket.io/", ws);
    port = ts.start();
  }
  ~Fixture() {
    ws->stop();
    ts.server->stop();
    CHECK(handler->violations() == 0);
  }

  // Connects and reads the open packet.
  std::unique_ptr<Client> open_client() {
    auto c = std::make_unique<Client>(port);
    REQUIRE(c->connected());
    const auto open = c->read();
    REQUIRE(open.has_value());
    REQUIRE(open->starts_with("0{"));
    return c;
  }

  std::shared_ptr<FakeHandler> handler;
  std::shared_ptr<WsServer> ws;
  http::testing::TestServer ts;
  std::uint16_t port = 0;
};

// A masked client text frame (RFC 6455 §5.2), payload < 126 bytes.
std::string client_text_frame(std::string_view payload) {
  const unsigned char key[4] = {0x12, 0x34, 0x56, 0x78};
  std::string out;
  out += static_cast<char>(0x81);
  out += static_cast<char>(0x80 | payload.size());
  for (unsigned char k : key)
    out += static_cast<char>(k);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(static_cast<unsigned char>(payload[i]) ^ key[i % 4]);
  return out;
}

}  // namespace

TEST_SUITE("realtime.integration") {
  TEST_CASE("the handshake sends the Engine.IO open packet and reports the connection") {
    Fixture f;
    Client c(f.port, "/socket.io/?EIO=4&transport=websocket&room=a%20b", std::nullopt,
             "Bearer abc");
    REQUIRE(c.connected());
    CHECK(c.handshake_response().result_int() == 101);
    const auto open = c.read();
    REQUIRE(open.has_value());
    REQUIRE(f.handler->wait_opens(1));
    const auto connection = f.handler->connection(0);
    const std::string& sid = connection->id();
    CHECK(sid.size() == 20);
    CHECK(*open == "0{\"sid\":\"" + sid +
                       "\",\"upgrades\":[],\"pingInterval\":10000,\"pingTimeout\":5000,"
                       "\"maxPayload\":1000}");
    const ConnectionInfo info = f.handler->info(0);
    CHECK(info.client_ip == "127.0.0.1");
    CHECK(!info.request_id.empty());
    CHECK(info.authorization == "Bearer abc");
    using Query = std::vector<std::pair<std::string, std::string>>;
    CHECK(info.query == Query{{"EIO", "4"}, {"transport", "websocket"}, {"room", "a b"}});
    CHECK(f.ws->connection_count() == 1);
    CHECK(f.ws->counters().connections_opened == 1);
    CHECK(f.handler->closes() == 0);
  }

  TEST_CASE("message packets reach the handler and Connection::send reaches the client") {
    Fixture f;
    f.handler->on_message_hook = [](const std::shared_ptr<Connection>& c, std::string_view p) {
      c->send("echo:" + std::string(p));
    };
    auto c = f.open_client();
    REQUIRE(c->send("4hello"));
    REQUIRE(c->send("4"));  // an empty message is a message
    CHECK(c->read() == "4echo:hello");
    CHECK(c->read() == "4echo:");
    CHECK(f.handler->messages() == std::vector<std::string>{"hello", ""});
    // From another thread, as the Socket.IO layer's feed does.
    const auto connection = f.handler->connection(0);
    std::thread([&] { CHECK(connection->send("x")); }).join();
    CHECK(c->read() == "4x");
    CHECK(f.ws->counters().messages_in == 2);
    // Counted once the write completed, which may be just after the client read it.
    CHECK(eventually([&] { return f.ws->counters().messages_out == 3; }));
  }

  TEST_CASE("bytes sent right behind the upgrade request are read as websocket frames") {
    Fixture f;
    asio::io_context ioc;
    tcp::socket raw(ioc);
    raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.port));
    const std::string request =
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: t\r\n"
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    // One write: the frames arrive with the request and the HTTP server reads them.
    asio::write(raw,
                asio::buffer(request + client_text_frame("4early") + client_text_frame("4bird")));
    std::string head;
    asio::read_until(raw, asio::dynamic_buffer(head), "\r\n\r\n");
    CHECK(head.starts_with("HTTP/1.1 101 "));
    REQUIRE(f.handler->wait_messages(2));
    CHECK(f.handler->messages() == std::vector<std::string>{"early", "bird"});
  }

  TEST_CASE("the server pings every ping_interval and a client that answers stays connected") {
    WsOptions o = quiet_options();
    o.ping_interval = 100ms;
    o.ping_timeout = 200ms;
    Fixture f(o);
    auto c = f.open_client();
    const auto opened = Clock::now();
    std::vector<Clock::time_point> pings;
    while (Clock::now() - opened < 550ms) {
      const auto m = c->read(100ms);
      if (!m) {
        REQUIRE(!c->failed());
        continue;
      }
      CHECK(*m == "2");
      pings.push_back(Clock::now());
      REQUIRE(c->send("3"));
    }
    CHECK(pings.size() >= 3);
    CHECK(pings.size() <= 6);
    if (!pings.empty()) CHECK(pings.front() - opened >= 80ms);
    for (std::size_t i = 1; i < pings.size(); ++i) {
      CHECK(pings[i] - pings[i - 1] >= 80ms);
      CHECK(pings[i] - pings[i - 1] < 300ms);
    }
    CHECK(!c->failed());
    CHECK(f.handler->closes() == 0);
    CHECK(f.ws->counters().closed_ping_timeout == 0);
    CHECK(f.ws->connection_count() == 1);
  }

  TEST_CASE("a client that does not answer the ping is closed after ping_timeout") {
    WsOptions o = quiet_options();
    o.ping_interval = 100ms;
    o.ping_timeout = 150ms;
    Fixture f(o);
    auto c = f.open_client();
    CHECK(c->read(1000ms) == "2");
    const auto pinged = Clock::now();
    CHECK(c->wait_closed(1000ms));
    const auto waited = Clock::now() - pinged;
    CHECK(waited >= 120ms);
    CHECK(waited < 600ms);
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.ws->counters().closed_ping_timeout == 1);
    // A later marker: another connection opens and goes away. By its close, a second
    // on_close for the timed-out connection would have been counted (and flagged as a
    // violation by the handler).
    f.open_client().reset();
    REQUIRE(f.handler->wait_closes(2));
    CHECK(f.handler->closes() == 2);
    CHECK(f.handler->violations() == 0);
    CHECK(!f.handler->connection(0)->send("late"));
  }

  TEST_CASE("a connection without a session connect_timeout after it opened is closed") {
    WsOptions o = quiet_options();
    o.connect_timeout = 150ms;
    Fixture f(o);
    f.handler->session = false;
    auto c = f.open_client();
    const auto opened = Clock::now();
    CHECK(c->read(1000ms) == "1");  // the server's close packet
    CHECK(c->wait_closed(1000ms));
    const auto waited = Clock::now() - opened;
    CHECK(waited >= 120ms);
    CHECK(waited < 800ms);
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.ws->counters().closed_connect_timeout == 1);
    CHECK(f.handler->has_session_calls.load() == 1);
  }

  TEST_CASE("a connection with a session outlives connect_timeout") {
    WsOptions o = quiet_options();
    o.connect_timeout = 100ms;
    Fixture f(o);
    auto c = f.open_client();
    CHECK(eventually([&] { return f.handler->has_session_calls.load() == 1; }));
    REQUIRE(c->send("4still here"));
    CHECK(eventually([&] { return f.handler->messages().size() == 1; }));
    CHECK(f.handler->closes() == 0);
    CHECK(f.ws->counters().closed_connect_timeout == 0);
  }

  TEST_CASE("a client close packet ends the connection") {
    Fixture f;
    auto c = f.open_client();
    REQUIRE(c->send("4before"));
    REQUIRE(c->send("1"));
    CHECK(c->wait_closed());
    CHECK(c->read_error() == websocket::error::closed);
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.handler->messages() == std::vector<std::string>{"before"});
    CHECK(f.ws->counters().connections_closed == 1);
    CHECK(eventually([&] { return f.ws->connection_count() == 0; }));
  }

  TEST_CASE("binary frames, oversize messages and bad packets close the connection") {
    WsOptions o = quiet_options();
    Fixture f(o);
    SUBCASE("binary frame") {
      auto c = f.open_client();
      REQUIRE(c->send("4abc", /*binary=*/true));
      CHECK(c->wait_closed());
      CHECK(c->close_reason().code == websocket::close_code::unknown_data);
    }
    SUBCASE("message over max_payload_bytes") {
      auto c = f.open_client();
      c->send("4" + std::string(o.max_payload_bytes, 'x'));
      CHECK(c->wait_closed());
      CHECK(c->close_reason().code == websocket::close_code::too_big);
    }
    SUBCASE("unknown packet type") {
      auto c = f.open_client();
      REQUIRE(c->send("abc"));
      CHECK(c->wait_closed());
      CHECK(c->close_reason().code == websocket::close_code::protocol_error);
    }
    SUBCASE("a ping from the client") {
      auto c = f.open_client();
      REQUIRE(c->send("2"));
      CHECK(c->wait_closed());
    }
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.handler->messages().empty());
    CHECK(f.ws->counters().closed_protocol_error == 1);
  }

  TEST_CASE("a slow consumer is closed once its send queue is over max_queued_bytes") {
    WsOptions o = quiet_options();
    o.max_queued_bytes = 256 * 1024;
    Fixture f(o);
    // A client that never reads, with a small receive window.
    Client c(f.port, kTarget, 4096);
    REQUIRE(c.connected());
    REQUIRE(f.handler->wait_opens(1));
    const auto connection = f.handler->connection(0);
    const std::string packet(64 * 1024, 'x');
    int accepted = 0;
    while (accepted < 2000 && connection->send(packet))
      ++accepted;
    // The queue holds at most 4 such packets; the socket buffers take some more.
    CHECK(accepted < 200);
    CHECK(!connection->send("more"));
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.ws->counters().closed_slow_consumer == 1);
    CHECK(c.wait_closed());
  }

  TEST_CASE("the queue bound counts messages too") {
    WsOptions o = quiet_options();
    o.max_queued_messages = 8;
    Fixture f(o);
    Client c(f.port, kTarget, 4096);
    REQUIRE(c.connected());
    REQUIRE(f.handler->wait_opens(1));
    const auto connection = f.handler->connection(0);
    const std::string packet(16 * 1024, 'y');
    int accepted = 0;
    while (accepted < 5000 && connection->send(packet))
      ++accepted;
    CHECK(accepted < 5000);
    REQUIRE(f.handler->wait_closes(1));
    CHECK(f.ws->counters().closed_slow_consumer == 1);
  }

  TEST_CASE("handshakes other than EIO=4 over websocket are refused with 400") {
    Fixture f;
    struct Case {
      std::string target;
      std::string code;
    };
    const std::vector<Case> cases = {
        {"/socket.io/?EIO=3&transport=websocket", "\"code\":5"},
        {"/socket.io/?transport=websocket", "\"code\":5"},
        {"/socket.io/?EIO=4&transport=polling", "\"code\":0"},
        {"/socket.io/?EIO=4", "\"code\":0"},
        {"/socket.io/?EIO=4&transport=websocket&sid=abc", "\"code\":1"},
    };
    for (const Case& k : cases) {
      CAPTURE(k.target);
      Client c(f.port, k.target);
      CHECK(!c.connected());
      CHECK(c.handshake_response().result_int() == 400);
      CHECK(c.handshake_response().body().find(k.code) != std::string::npos);
    }
    CHECK(f.ws->counters().connections_refused == cases.size());
    CHECK(f.handler->opens() == 0);
    CHECK(f.ws->connection_count() == 0);
  }

  TEST_CASE("beyond max_connections the answer is 503") {
    WsOptions o = quiet_options();
    o.max_connections = 1;
    Fixture f(o);
    auto first = f.open_client();
    {
      Client second(f.port);
      CHECK(!second.connected());
      CHECK(second.handshake_response().result_int() == 503);
    }
    REQUIRE(first->send("1"));
    CHECK(first->wait_closed());
    REQUIRE(eventually([&] { return f.ws->connection_count() == 0; }));
    auto third = f.open_client();  // the slot is free again
    CHECK(f.ws->counters().connections_refused == 1);
  }

  TEST_CASE("Connection::close sends the close packet, then closes the websocket") {
    Fixture f;
    auto c = f.open_client();
    REQUIRE(f.handler->wait_opens(1));
    const auto connection = f.handler->connection(0);
    connection->close();
    CHECK(c->read() == "1");
    CHECK(c->wait_closed());
    CHECK(c->read_error() == websocket::error::closed);
    REQUIRE(f.handler->wait_closes(1));
    CHECK(!connection->send("after"));
    connection->close();  // nothing happens
  }

  TEST_CASE("stop() closes every open connection and refuses new ones") {
    Fixture f;
    auto a = f.open_client();
    auto b = f.open_client();
    REQUIRE(f.handler->wait_opens(2));
    CHECK(f.ws->connection_count() == 2);
    const auto started = Clock::now();
    std::thread stopper([&] { f.ws->stop(); });
    // The clients answer the close handshake as they read.
    CHECK(a->read() == "1");
    CHECK(a->wait_closed());
    CHECK(b->read() == "1");
    CHECK(b->wait_closed());
    stopper.join();
    CHECK(Clock::now() - started < 900ms);  // not the forced close after handshake_timeout
    CHECK(f.ws->connection_count() == 0);
    CHECK(f.handler->closes() == 2);
    Client late(f.port);
    CHECK(!late.connected());
    CHECK(late.handshake_response().result_int() == 503);
  }

  TEST_CASE("stop() forces the close of a client that does not answer") {
    Fixture f;
    auto c = f.open_client();  // never reads again
    const auto started = Clock::now();
    f.ws->stop();
    const auto took = Clock::now() - started;
    CHECK(took < 1500ms);
    CHECK(f.ws->connection_count() == 0);
    CHECK(f.handler->closes() == 1);
  }

  TEST_CASE("the same over TLS") {
    docket::testing::TempDir dir;
    const SelfSigned cert(dir);
    http::ServerOptions server_options = http::testing::test_options();
    server_options.tls_cert_file = cert.cert_path;
    server_options.tls_key_file = cert.key_path;
    Fixture f(quiet_options(), server_options);
    f.handler->on_message_hook = [](const std::shared_ptr<Connection>& c, std::string_view p) {
      c->send("echo:" + std::string(p));
      c->close();
    };
    TlsClient c(f.port);
    REQUIRE(c.connected());
    const auto open = c.read();
    REQUIRE(open.has_value());
    CHECK(open->starts_with("0{\"sid\":"));
    REQUIRE(c.send("4hello"));
    CHECK(c.read() == "4echo:hello");
    CHECK(c.read() == "1");
    CHECK(c.wait_closed());
    CHECK(c.read_error() == websocket::error::closed);
    REQUIRE(f.handler->wait_closes(1));
    TlsClient refused(f.port, "/socket.io/?EIO=3&transport=websocket");
    CHECK(refused.handshake_response().result_int() == 400);
  }
}

}  // namespace docket::realtime

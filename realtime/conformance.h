// The handlers the official protocol test suites expect of the server under test
// (socketio/engine.io-protocol and socketio/socket.io-protocol, "test-suite/"), for the
// test configuration DOCKET_WS_ECHO only: they replace Docket's own Socket.IO layer
// (realtime/socket_server.h), so nothing of the support product is reachable through
// them. docs/realtime.md ("Protocol conformance") says which suite versions run.
//
//   EngineIoEcho  every Engine.IO message, text or binary, is sent back as it came.
//   SocketIoEcho  the namespaces "/" and "/custom": at CONNECT the server answers
//                 `0{"sid":…}` and emits "auth" with the client's auth object; the
//                 event "message" is emitted back as "message-back" with the same
//                 arguments; "message-with-ack" is acknowledged with its arguments.
//                 Binary attachments are collected and sent back after the packet
//                 that references them. Another namespace gets CONNECT_ERROR
//                 {"message":"Invalid namespace"}; a packet that does not decode, a
//                 binary message nobody announced, or a text one while attachments are
//                 awaited closes the connection. A connection has a session once it
//                 has connected to a namespace (the connect timeout stops then). What
//                 follows a CONNECT answer goes out 20 ms later, in order (see
//                 conformance.cpp: the suite needs them in separate reads).
//
// Thread safety: as ConnectionHandler requires (calls for one connection never
// overlap; the per-connection state is behind a mutex for the others).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

#include "realtime/connection.h"

namespace docket::realtime {

class EngineIoEcho final : public ConnectionHandler {
 public:
  void on_open(const std::shared_ptr<Connection>&, const ConnectionInfo&) override {}
  void on_message(const std::shared_ptr<Connection>& connection, std::string_view packet) override;
  bool on_binary(const std::shared_ptr<Connection>& connection, std::string_view bytes) override;
  void on_close(const std::shared_ptr<Connection>&) override {}
};

class SocketIoEcho final : public ConnectionHandler {
 public:
  SocketIoEcho();
  ~SocketIoEcho() override;

  void on_open(const std::shared_ptr<Connection>& connection, const ConnectionInfo& info) override;
  void on_message(const std::shared_ptr<Connection>& connection, std::string_view packet) override;
  bool on_binary(const std::shared_ptr<Connection>& connection, std::string_view bytes) override;
  void on_close(const std::shared_ptr<Connection>& connection) override;
  bool has_session(const Connection& connection) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct State;
  std::shared_ptr<State> find(const Connection& connection);
  // Releases what `state` holds after a CONNECT answer, a little later.
  void hold(const std::shared_ptr<State>& state);
  void flush_loop();

  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<State>> states_;  // by connection id

  std::mutex flush_mu_;
  std::condition_variable flush_cv_;
  std::deque<std::pair<Clock::time_point, std::weak_ptr<State>>> due_;  // in time order
  bool stopping_ = false;
  std::thread flusher_;  // last: starts once the rest is built
};

}  // namespace docket::realtime

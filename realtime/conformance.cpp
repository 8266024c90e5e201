#include "realtime/conformance.h"

#include <chrono>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "realtime/engine_io.h"
#include "realtime/socket_io.h"

namespace docket::realtime {

void EngineIoEcho::on_message(const std::shared_ptr<Connection>& connection,
                              std::string_view packet) {
  connection->send(std::string(packet));
}

bool EngineIoEcho::on_binary(const std::shared_ptr<Connection>& connection,
                             std::string_view bytes) {
  connection->send_binary(std::make_shared<const std::string>(bytes));
  return true;
}

// ---------------------------------------------------------------------------------

namespace {

bool is_echo_namespace(std::string_view nsp) {
  return nsp == "/" || nsp == "/custom";
}

// A text EVENT ("2…") or ACK ("3…") as its binary form with `attachments` frames to
// follow: "5<n>-…" or "6<n>-…" (socket.io-parser's layout: type, count, '-', the rest).
std::string as_binary(std::string_view text, std::size_t attachments) {
  const char type = text.starts_with('2') ? '5' : '6';
  return fmt::format("{}{}-{}", type, attachments, text.substr(1));
}

// The reference server writes what its "connection" handler emits in a later flush
// than the CONNECT answer (engine.io writes the next packets once the previous write
// has drained), and the suite depends on it: it awaits each message with a one-shot
// listener, so two frames read in one chunk lose the second. The echo therefore holds
// what follows a CONNECT answer for kFlushGap and then sends it, in order.
constexpr auto kFlushGap = std::chrono::milliseconds(20);

}  // namespace

struct SocketIoEcho::State {
  explicit State(std::weak_ptr<Connection> c) : connection(std::move(c)) {}

  // Sends now, or after the held packets. REQUIRES: mu held.
  void emit(std::string packet, bool binary = false) {
    if (holding) {
      held.emplace_back(std::move(packet), binary);
      return;
    }
    const std::shared_ptr<Connection> c = connection.lock();
    if (!c) return;
    if (binary) {
      c->send_binary(std::make_shared<const std::string>(std::move(packet)));
    } else {
      c->send(std::move(packet));
    }
  }
  // Sends what was held. REQUIRES: mu held.
  void release() {
    holding = false;
    for (auto& [packet, binary] : std::exchange(held, {}))
      emit(std::move(packet), binary);
  }

  // The echo of one complete packet (its attachments, if any, collected). Returns
  // whether it answered a CONNECT (what follows is then held). REQUIRES: mu held.
  bool answer(const socket_io::Packet& packet, std::vector<std::string> attachments) {
    using socket_io::PacketType;
    switch (packet.type) {
      case PacketType::kConnect:
        if (!is_echo_namespace(packet.nsp)) {
          emit(socket_io::connect_error(packet.nsp, "Invalid namespace"));
          return false;
        }
        namespaces.insert(packet.nsp);
        ever_connected = true;
        emit(socket_io::connect_ok(packet.nsp, engine_io::new_session_id()));
        holding = true;
        emit(socket_io::event(packet.nsp, "auth", fmt::format("[{}]", packet.auth())));
        return true;
      case PacketType::kDisconnect:
        namespaces.erase(packet.nsp);
        return false;
      case PacketType::kEvent:
      case PacketType::kBinaryEvent: {
        if (!namespaces.contains(packet.nsp)) return false;  // not connected: ignored
        std::string reply;
        if (packet.event_name == "message") {
          reply = socket_io::event(packet.nsp, "message-back", packet.args);
        } else if (packet.event_name == "message-with-ack" && packet.ack_id) {
          reply = socket_io::ack(packet.nsp, *packet.ack_id, packet.args);
        } else {
          return false;
        }
        if (!attachments.empty()) reply = as_binary(reply, attachments.size());
        emit(std::move(reply));
        for (std::string& bytes : attachments)
          emit(std::move(bytes), /*binary=*/true);
        return false;
      }
      default:  // acks and errors from the client: nothing asked for them
        return false;
    }
  }

  std::mutex mu;
  const std::weak_ptr<Connection> connection;
  std::set<std::string, std::less<>> namespaces;  // connected to
  bool ever_connected = false;
  // A binary packet whose attachments are still arriving.
  std::optional<socket_io::Packet> pending;
  std::vector<std::string> attachments;
  bool holding = false;
  std::vector<std::pair<std::string, bool>> held;  // packet, binary
};

SocketIoEcho::SocketIoEcho() : flusher_([this] { flush_loop(); }) {}

SocketIoEcho::~SocketIoEcho() {
  {
    std::lock_guard lock(flush_mu_);
    stopping_ = true;
  }
  flush_cv_.notify_all();
  flusher_.join();
}

void SocketIoEcho::flush_loop() {
  std::unique_lock lock(flush_mu_);
  while (!stopping_) {
    if (due_.empty()) {
      flush_cv_.wait(lock);
      continue;
    }
    const auto [when, weak] = due_.front();
    if (Clock::now() < when) {
      flush_cv_.wait_until(lock, when);
      continue;
    }
    due_.pop_front();
    lock.unlock();
    if (const std::shared_ptr<State> state = weak.lock()) {
      std::lock_guard state_lock(state->mu);
      state->release();
    }
    lock.lock();
  }
}

void SocketIoEcho::hold(const std::shared_ptr<State>& state) {
  {
    std::lock_guard lock(flush_mu_);
    due_.emplace_back(Clock::now() + kFlushGap, state);
  }
  flush_cv_.notify_all();
}

std::shared_ptr<SocketIoEcho::State> SocketIoEcho::find(const Connection& connection) {
  std::lock_guard lock(mu_);
  auto it = states_.find(connection.id());
  return it == states_.end() ? nullptr : it->second;
}

void SocketIoEcho::on_open(const std::shared_ptr<Connection>& connection, const ConnectionInfo&) {
  std::lock_guard lock(mu_);
  states_[connection->id()] = std::make_shared<State>(connection);
}

void SocketIoEcho::on_close(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu_);
  states_.erase(connection->id());
}

bool SocketIoEcho::has_session(const Connection& connection) {
  const std::shared_ptr<State> state = find(connection);
  if (!state) return false;
  std::lock_guard lock(state->mu);
  return state->ever_connected;
}

void SocketIoEcho::on_message(const std::shared_ptr<Connection>& connection,
                              std::string_view text) {
  const std::shared_ptr<State> state = find(*connection);
  if (!state) return;
  std::unique_lock lock(state->mu);
  Result<socket_io::Packet> packet = socket_io::decode(text);
  // socket.io-parser: "got plaintext data when reconstructing a packet".
  if (!packet.ok() || state->pending) {
    lock.unlock();
    connection->close();
    return;
  }
  if (packet->attachments > 0) {
    state->pending = std::move(packet).value();
    state->attachments.clear();
    return;
  }
  if (state->answer(*packet, {})) {
    lock.unlock();
    hold(state);
  }
}

bool SocketIoEcho::on_binary(const std::shared_ptr<Connection>& connection,
                             std::string_view bytes) {
  const std::shared_ptr<State> state = find(*connection);
  if (!state) return false;
  std::lock_guard lock(state->mu);
  // socket.io-parser: "got binary data when not reconstructing a packet".
  if (!state->pending) return false;
  state->attachments.emplace_back(bytes);
  if (state->attachments.size() == state->pending->attachments) {
    const socket_io::Packet packet = *std::exchange(state->pending, std::nullopt);
    state->answer(packet, std::exchange(state->attachments, {}));
  }
  return true;
}

}  // namespace docket::realtime

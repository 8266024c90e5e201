#include "realtime/engine_io.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json_writer.h"

namespace docket::realtime::engine_io {
namespace {

constexpr char kFirstType = '0';
constexpr char kLastType = '0' + static_cast<char>(PacketType::kNoop);

char type_digit(PacketType type) {
  return static_cast<char>('0' + static_cast<int>(type));
}

}  // namespace

std::string_view packet_type_name(PacketType type) {
  switch (type) {
    case PacketType::kOpen:
      return "open";
    case PacketType::kClose:
      return "close";
    case PacketType::kPing:
      return "ping";
    case PacketType::kPong:
      return "pong";
    case PacketType::kMessage:
      return "message";
    case PacketType::kUpgrade:
      return "upgrade";
    case PacketType::kNoop:
      return "noop";
  }
  return "unknown";
}

Result<Packet> decode(std::string_view frame, FrameKind kind) {
  if (kind == FrameKind::kBinary) {
    return Packet{.type = PacketType::kMessage, .data = std::string(frame), .binary = true};
  }
  if (frame.empty()) return Status::InvalidArgument("empty Engine.IO packet");
  const char c = frame.front();
  if (c == 'b') {
    return Status::InvalidArgument(
        "base64 binary packets belong to HTTP long-polling; send a binary frame");
  }
  if (c < kFirstType || c > kLastType) {
    const auto byte = static_cast<unsigned char>(c);
    return Status::InvalidArgument(
        byte >= 0x20 && byte < 0x7f
            ? fmt::format("unknown Engine.IO packet type '{}'", c)
            : fmt::format("unknown Engine.IO packet type (byte 0x{:02x})", byte));
  }
  return Packet{.type = static_cast<PacketType>(c - kFirstType),
                .data = std::string(frame.substr(1)),
                .binary = false};
}

Result<std::vector<Packet>> decode_payload(std::string_view body) {
  std::vector<Packet> packets;
  for (;;) {
    const std::size_t end = body.find(kRecordSeparator);
    const std::string_view encoded = body.substr(0, end);
    if (!encoded.empty() && encoded.front() == 'b') {
      Packet packet{.type = PacketType::kMessage, .data = {}, .binary = true};
      if (!base64_decode(encoded.substr(1), packet.data)) {
        return Status::InvalidArgument("a binary packet's base64 is malformed");
      }
      packets.push_back(std::move(packet));
      if (end == std::string_view::npos) return packets;
      body.remove_prefix(end + 1);
      continue;
    }
    auto packet = decode(encoded, FrameKind::kText);
    if (!packet.ok()) return packet.status();
    packets.push_back(std::move(packet).value());
    if (end == std::string_view::npos) return packets;
    body.remove_prefix(end + 1);
  }
}

std::string encode_payload(const std::vector<std::string>& packets) {
  std::string out;
  for (const std::string& packet : packets) {
    if (!out.empty()) out.push_back(kRecordSeparator);
    out.append(packet);
  }
  return out;
}

std::string encode_binary_in_payload(std::string_view bytes) {
  return "b" + base64_encode(bytes);
}

std::string encode_open(const OpenOptions& options) {
  JsonWriter w(std::string(1, type_digit(PacketType::kOpen)));
  w.begin_object().field("sid", options.sid).key("upgrades").begin_array();
  for (const std::string& upgrade : options.upgrades)
    w.value(upgrade);
  w.end_array()
      .field("pingInterval", options.ping_interval_ms)
      .field("pingTimeout", options.ping_timeout_ms)
      .field("maxPayload", options.max_payload_bytes)
      .end_object();
  return w.take();
}

std::string encode_text(PacketType type, std::string_view data) {
  std::string out;
  out.reserve(1 + data.size());
  out.push_back(type_digit(type));
  out.append(data);
  return out;
}

std::string encode_message(std::string_view text) {
  return encode_text(PacketType::kMessage, text);
}
std::string encode_ping() {
  return encode_text(PacketType::kPing);
}
std::string encode_pong(std::string_view data) {
  return encode_text(PacketType::kPong, data);
}
std::string encode_close() {
  return encode_text(PacketType::kClose);
}
std::string encode_noop() {
  return encode_text(PacketType::kNoop);
}

std::string new_session_id() {
  return base64url_encode(random_bytes(kSessionIdBytes));
}

}  // namespace docket::realtime::engine_io

// Socket.IO protocol v5 packets (the default socket.io-parser encoding): the codec only.
//
// A Socket.IO packet travels as the data of one Engine.IO `message` packet (so "42[…]" on
// the wire is Engine.IO "4" + Socket.IO "2[…]"). This codec handles the Socket.IO part:
//
//   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
// decode() accepts exactly what socket.io-parser 4.2.x's Decoder accepts, with the
// checks of its isPacketValid() on top (EVENT, ACK and CONNECT_ERROR must carry a
// payload) and a few bounds of our own; docs/realtime.md lists every rule and the places
// where JavaScript's loose number parsing is not copied. Encoders produce the text the
// JavaScript server sends. Binary attachments (BINARY_EVENT / BINARY_ACK) are decoded
// structurally only: the attachment frames that follow are the caller's business.
//
// Pure functions; thread-safe (decode() keeps a JSON parser per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace docket::realtime::socket_io {

// The protocol revision, built on Engine.IO v4.
inline constexpr int kProtocolVersion = 5;

// The packet type is the first character, '0' + the value.
enum class PacketType : unsigned char {
  kConnect = 0,       // client: join a namespace (optional auth object); server: accepted
  kDisconnect = 1,    // either side: leave a namespace; no payload
  kEvent = 2,         // either side: ["name", ...args], optionally with an ack id
  kAck = 3,           // either side: [...args] answering the event with the same ack id
  kConnectError = 4,  // server: joining refused, {"message": …} (a string is accepted too)
  kBinaryEvent = 5,   // an EVENT whose args reference binary attachment frames
  kBinaryAck = 6,     // an ACK whose args reference binary attachment frames
};

// The largest ack id: JavaScript numbers are exact integers up to 2^53 - 1
// (Number.MAX_SAFE_INTEGER); socket.io-parser reads ids with Number().
inline constexpr std::uint64_t kMaxAckId = (std::uint64_t{1} << 53) - 1;

struct DecodeLimits {
  // The whole packet text (without Engine.IO's "4"). Larger packets are InvalidArgument.
  std::size_t max_packet_bytes = 1'000'000;
  // The namespace, including its leading '/'.
  std::size_t max_namespace_bytes = 128;
  // socket.io-parser's Decoder option maxAttachments (default 10, "too many attachments").
  std::uint32_t max_attachments = 10;
};

// One decoded packet. The string fields own their bytes.
struct Packet {
  PacketType type = PacketType::kConnect;
  // Starts with '/', never contains ','; "/" when the packet named none.
  std::string nsp = "/";
  // 0 .. kMaxAckId when present.
  std::optional<std::uint64_t> ack_id;
  // Binary types: the number of attachment frames that follow (1 .. max_attachments).
  // 0 for the other types.
  std::uint32_t attachments = 0;
  // The JSON payload, minified (whitespace outside strings removed; numbers and escapes
  // kept as the sender wrote them). Empty when the packet carried none.
  std::string payload;
  // EVENT / BINARY_EVENT: the event name, unescaped. socket.io-parser also allows a
  // number as the first element; its JSON text is used then (e.g. "7"). Empty otherwise.
  std::string event_name;
  // EVENT / BINARY_EVENT: the payload array without its first element ("[]" when there
  // are no arguments). ACK / BINARY_ACK: the payload array. Empty otherwise.
  std::string args;

  bool is_binary() const {
    return type == PacketType::kBinaryEvent || type == PacketType::kBinaryAck;
  }
  // CONNECT: the auth object the client sent, "{}" when it sent none (what the JavaScript
  // server exposes as socket.handshake.auth). Empty for other types.
  std::string_view auth() const {
    if (type != PacketType::kConnect) return {};
    return payload.empty() ? std::string_view("{}") : std::string_view(payload);
  }
};

// "CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK".
std::string_view packet_type_name(PacketType type);

// The event names socket.io-parser refuses (RESERVED_EVENTS): connect, connect_error,
// disconnect, disconnecting, newListener, removeListener.
bool is_reserved_event_name(std::string_view name);

// Decodes the text of one Socket.IO packet (an Engine.IO message's data). Every failure
// is InvalidArgument, with socket.io-parser's wording where it has one ("unknown packet
// type", "illegal attachments", "too many attachments", "invalid payload") and
// "invalid namespace", "invalid ack id", "packet too large" for our bounds.
Result<Packet> decode(std::string_view text, const DecodeLimits& limits = {});

// ---- Encoders: the text of one packet, to be sent as engine_io::encode_message(text).
// Every `nsp` REQUIRES: starts with '/' and contains no ',' (asserted); "/" is left out
// of the text, any other namespace is written as "<nsp>,".

// CONNECT accepted: `0/support,{"sid":"…"}`, with "pid" after "sid" when given (the
// private id of connection-state recovery).
std::string connect_ok(std::string_view nsp, std::string_view sid,
                       std::optional<std::string_view> pid = std::nullopt);

// CONNECT refused: `4/support,{"message":"…"}`, with "data":<data_json> after "message"
// when given. REQUIRES: data_json is valid JSON text.
std::string connect_error(std::string_view nsp, std::string_view message,
                          std::optional<std::string_view> data_json = std::nullopt);

// EVENT: `2/support,12["name",arg1,arg2]` (ack id only when given). `args_json` is a
// JSON array of the arguments ("[]" for none). REQUIRES: args_json is a valid JSON
// array; `name` is not reserved (is_reserved_event_name; the JavaScript server throws on
// those); ack_id <= kMaxAckId.
std::string event(std::string_view nsp, std::string_view name, std::string_view args_json,
                  std::optional<std::uint64_t> ack_id = std::nullopt);

// ACK: `3/support,12[…]`. REQUIRES: args_json is a valid JSON array; id <= kMaxAckId.
std::string ack(std::string_view nsp, std::uint64_t id, std::string_view args_json);

// DISCONNECT: "1" for the main namespace, "1/support," otherwise.
std::string disconnect(std::string_view nsp);

}  // namespace docket::realtime::socket_io

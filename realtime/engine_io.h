// Engine.IO protocol v4 packets: the codec only.
//
// Engine.IO v4 ("Packet encoding / WebSocket") sends each packet in its own WebSocket
// frame:
//   text frame    <packet type digit>[<data>]       e.g. "4hello", "2", "3probe"
//   binary frame  the raw bytes of a `message` packet, with no type prefix
// HTTP long-polling ("Packet encoding / HTTP long-polling") carries several packets in
// one body, joined by the record separator \x1e; a binary message is "b<base64>".
// Docket's own protocol is text only (its handler refuses binary messages); the codec
// and the transports carry them for handlers that take them (realtime/conformance.h).
//
// Everything here is a pure function of its arguments, except new_session_id() which
// reads the CSPRNG (init_crypto() must have run). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::realtime::engine_io {

// The protocol revision; clients send it as the EIO=4 query parameter.
inline constexpr int kProtocolVersion = 4;

// The packet type is the first character of a text frame, '0' + the value.
enum class PacketType : unsigned char {
  kOpen = 0,     // server -> client, first packet: the handshake JSON
  kClose = 1,    // either side: the transport can be closed
  kPing = 2,     // server -> client heartbeat (and the client's "2probe" upgrade probe)
  kPong = 3,     // client -> server heartbeat answer (and the server's "3probe")
  kMessage = 4,  // either side: a payload for the layer above (Socket.IO)
  kUpgrade = 5,  // client -> server: the upgrade to this transport is complete
  kNoop = 6,     // server -> client: ends a pending long-polling request
};

// Whether a WebSocket frame was sent as text or as binary.
enum class FrameKind : unsigned char { kText, kBinary };

struct Packet {
  PacketType type = PacketType::kMessage;
  // Text frame: everything after the type digit (may be empty). Binary frame: the frame's
  // bytes, unchanged.
  std::string data;
  // True when the packet came in a binary frame; `type` is then always kMessage.
  bool binary = false;
};

// "open", "close", "ping", "pong", "message", "upgrade", "noop" (the names engine.io-parser
// uses).
std::string_view packet_type_name(PacketType type);

// Decodes one received WebSocket frame.
//  - A binary frame is always a `message` whose data is the frame's bytes; an empty binary
//    frame is an empty message (engine.io-parser's decodePacket maps every non-string
//    input to a message).
//  - A text frame must start with a type digit '0'..'6'; the rest is the packet's data.
//    An empty text frame or any other first character (engine.io-parser returns its
//    "parser error" packet, on which the server closes the session) is InvalidArgument.
//    "b..." is InvalidArgument too: the base64 prefix only exists in polling payloads.
// The frame size itself is bounded by the WebSocket layer (read_message_max), not here.
Result<Packet> decode(std::string_view frame, FrameKind kind);

// The record separator between the packets of a long-polling payload.
inline constexpr char kRecordSeparator = '\x1e';

// Decodes the body of a long-polling POST: one or more text packets joined by
// kRecordSeparator, each as decode() takes a text frame, or "b<base64>" for a binary
// message (RFC 4648 base64 with padding; `binary` set, `data` the decoded bytes). Any
// malformed packet is InvalidArgument (the server then closes the session).
Result<std::vector<Packet>> decode_payload(std::string_view body);

// Joins encoded packets ("4hello", "2", "bAQID", …) into one long-polling payload.
std::string encode_payload(const std::vector<std::string>& packets);

// A binary message as a long-polling payload carries it: "b" + base64(bytes).
std::string encode_binary_in_payload(std::string_view bytes);

// The handshake values the server sends in the open packet.
struct OpenOptions {
  std::string sid;                              // the session id (see new_session_id())
  std::vector<std::string> upgrades;            // empty: a WebSocket session has no upgrade
  std::uint64_t ping_interval_ms = 25'000;      // how often the server sends a ping
  std::uint64_t ping_timeout_ms = 20'000;       // how long it waits for the pong
  std::uint64_t max_payload_bytes = 1'000'000;  // largest packet the server accepts
};

// `0{"sid":"…","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`
// with the keys in that order (the engine.io server's order).
std::string encode_open(const OpenOptions& options);

// `<type digit><data>` for a text frame. REQUIRES: `data` is valid UTF-8 (a text frame).
std::string encode_text(PacketType type, std::string_view data = {});

// Shorthands for the text frames the server sends.
std::string encode_message(std::string_view text);    // "4" + text
std::string encode_ping();                            // "2"
std::string encode_pong(std::string_view data = {});  // "3" + data, e.g. "3probe"
std::string encode_close();                           // "1"
std::string encode_noop();                            // "6"
// A binary `message` is sent as a binary frame holding `bytes` as they are; there is
// nothing to encode, so no function exists for it.

// Bytes of randomness in a session id: 15 bytes are 20 base64url characters, the length
// of the ids the JavaScript server makes (base64id).
inline constexpr std::size_t kSessionIdBytes = 15;

// A fresh, unguessable session id: kSessionIdBytes from the CSPRNG as unpadded
// base64url (RFC 4648 §5), so it is safe in a query string. Also suits Socket.IO's
// per-namespace socket ids.
std::string new_session_id();

}  // namespace docket::realtime::engine_io

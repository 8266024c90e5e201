#include "realtime/socket_io.h"

#include <simdjson.h>

#include <array>
#include <cassert>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "core/json_writer.h"
#include "core/utf8.h"

namespace docket::realtime::socket_io {
namespace {

namespace dom = simdjson::dom;

// socket.io-parser's RESERVED_EVENTS.
constexpr std::array<std::string_view, 6> kReservedEvents = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};

struct ThreadParser {
  dom::parser parser;
  std::string padded;  // the payload with SIMDJSON_PADDING spare capacity, reused
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char type_digit(PacketType type) {
  return static_cast<char>('0' + static_cast<int>(type));
}

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

Status invalid_payload(std::string_view why) {
  return Status::InvalidArgument(fmt::format("invalid payload: {}", why));
}

// The placeholder check socket.io-parser makes when it reassembles a binary packet
// (binary.ts _reconstructPacket): every object with "_placeholder": true must have a
// "num" that indexes an attachment, else "illegal attachments". JavaScript would also let
// a fractional num through (and put `undefined` in its place); we require an integer.
// Depth is bounded by the parser's maximum depth.
bool placeholders_valid(dom::element element, std::uint32_t attachments) {
  switch (element.type()) {
    case dom::element_type::ARRAY: {
      const dom::array array = element.get_array().value_unsafe();
      for (dom::element child : array) {
        if (!placeholders_valid(child, attachments)) return false;
      }
      return true;
    }
    case dom::element_type::OBJECT: {
      const dom::object object = element.get_object().value_unsafe();
      bool is_placeholder = false;
      if (dom::element flag; !object["_placeholder"].get(flag) && flag.is_bool()) {
        is_placeholder = flag.get_bool().value_unsafe();
      }
      if (is_placeholder) {
        dom::element num;
        if (object["num"].get(num)) return false;
        if (num.is_int64()) {
          const std::int64_t n = num.get_int64().value_unsafe();
          return n >= 0 && static_cast<std::uint64_t>(n) < attachments;
        }
        if (num.is_uint64()) return num.get_uint64().value_unsafe() < attachments;
        if (num.is_double()) {
          const double d = num.get_double().value_unsafe();
          return d >= 0 && d < attachments && std::floor(d) == d;
        }
        return false;
      }
      for (dom::key_value_pair field : object) {
        if (!placeholders_valid(field.value, attachments)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

// Index just past the first element of `json`, a minified array whose first element is a
// string or a number. Invariant: json was validated, so the scan stays inside it.
std::size_t first_element_end(std::string_view json) {
  assert(json.size() >= 3 && json.front() == '[');
  std::size_t i = 1;
  if (json[i] == '"') {
    ++i;
    while (json[i] != '"')
      i += json[i] == '\\' ? 2 : 1;
    ++i;
  } else {
    while (json[i] != ',' && json[i] != ']')
      ++i;
  }
  assert(i < json.size() && (json[i] == ',' || json[i] == ']'));
  return i;
}

// Checks `json` against what socket.io-parser's Decoder.isPayloadValid() allows for
// `packet.type`, then fills packet.payload (minified), event_name and args.
Status parse_payload(std::string_view json, Packet& packet) {
  thread_local ThreadParser tp;
  tp.padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  tp.padded.assign(json);
  dom::element root;
  if (const simdjson::error_code error =
          tp.parser.parse(tp.padded.data(), tp.padded.size(), false).get(root)) {
    return invalid_payload(fmt::format("not JSON ({})", simdjson::error_message(error)));
  }

  switch (packet.type) {
    case PacketType::kConnect:
      // isObject(): Object.prototype.toString(value) === "[object Object]", which among
      // parsed JSON values holds for objects only (not arrays, not null).
      if (!root.is_object()) return invalid_payload("a CONNECT payload must be an object");
      break;
    case PacketType::kDisconnect:
      return invalid_payload("a DISCONNECT carries no payload");
    case PacketType::kConnectError:
      if (!root.is_object() && !root.is_string()) {
        return invalid_payload("a CONNECT_ERROR payload must be an object or a string");
      }
      break;
    case PacketType::kEvent:
    case PacketType::kBinaryEvent: {
      dom::array array;
      if (root.get_array().get(array) || array.size() == 0) {
        return invalid_payload("an EVENT payload must be a non-empty array");
      }
      const dom::element first = array.at(0).value_unsafe();
      if (first.is_string()) {
        if (is_reserved_event_name(first.get_string().value_unsafe())) {
          return invalid_payload("the event name is reserved");
        }
      } else if (!first.is_number()) {
        // typeof payload[0] === "number" is allowed too (isPayloadValid, socket.io-parser 4.2.7).
        return invalid_payload("an EVENT payload must start with the event name");
      }
      break;
    }
    case PacketType::kAck:
    case PacketType::kBinaryAck:
      if (!root.is_array()) return invalid_payload("an ACK payload must be an array");
      break;
  }
  if (packet.is_binary() && !placeholders_valid(root, packet.attachments)) {
    return Status::InvalidArgument("illegal attachments");
  }

  // Minify the text as received rather than re-serialising the DOM, so numbers and string
  // escapes stay byte for byte what the client wrote. Reads the padded copy.
  std::string minified(json.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t minified_size = 0;
  if (simdjson::minify(tp.padded.data(), json.size(), minified.data(), minified_size)) {
    return invalid_payload("not JSON");
  }
  minified.resize(minified_size);
  packet.payload = std::move(minified);

  if (packet.type == PacketType::kEvent || packet.type == PacketType::kBinaryEvent) {
    const std::string_view text = packet.payload;
    const std::size_t end = first_element_end(text);
    const dom::array array = root.get_array().value_unsafe();
    const dom::element first = array.at(0).value_unsafe();
    packet.event_name = first.is_string() ? std::string(first.get_string().value_unsafe())
                                          : std::string(text.substr(1, end - 1));
    packet.args = text[end] == ',' ? fmt::format("[{}", text.substr(end + 1)) : "[]";
  } else if (packet.type == PacketType::kAck || packet.type == PacketType::kBinaryAck) {
    packet.args = packet.payload;
  }
  return Status::Ok();
}

void append_prefix(std::string& out, PacketType type, std::string_view nsp) {
  assert(!nsp.empty() && nsp.front() == '/' && nsp.find(',') == std::string_view::npos);
  out.push_back(type_digit(type));
  if (nsp != "/") {
    out.append(nsp);
    out.push_back(',');
  }
}

// The elements of a JSON array text, without the brackets and surrounding whitespace.
std::string_view array_elements(std::string_view array_json) {
  while (!array_json.empty() && is_json_space(array_json.front()))
    array_json.remove_prefix(1);
  while (!array_json.empty() && is_json_space(array_json.back()))
    array_json.remove_suffix(1);
  assert(array_json.size() >= 2 && array_json.front() == '[' && array_json.back() == ']');
  array_json = array_json.substr(1, array_json.size() - 2);
  while (!array_json.empty() && is_json_space(array_json.front()))
    array_json.remove_prefix(1);
  while (!array_json.empty() && is_json_space(array_json.back()))
    array_json.remove_suffix(1);
  return array_json;
}

}  // namespace

std::string_view packet_type_name(PacketType type) {
  switch (type) {
    case PacketType::kConnect:
      return "CONNECT";
    case PacketType::kDisconnect:
      return "DISCONNECT";
    case PacketType::kEvent:
      return "EVENT";
    case PacketType::kAck:
      return "ACK";
    case PacketType::kConnectError:
      return "CONNECT_ERROR";
    case PacketType::kBinaryEvent:
      return "BINARY_EVENT";
    case PacketType::kBinaryAck:
      return "BINARY_ACK";
  }
  return "UNKNOWN";
}

bool is_reserved_event_name(std::string_view name) {
  for (std::string_view reserved : kReservedEvents) {
    if (name == reserved) return true;
  }
  return false;
}

// Follows socket.io-parser's Decoder.decodeString() step by step. Where JavaScript's
// Number() coercion accepts more (Number("") == 0 makes an empty packet a CONNECT, " " a
// digit, "1e1" an attachment count of 10), only plain ASCII digits are accepted here.
Result<Packet> decode(std::string_view text, const DecodeLimits& limits) {
  if (text.empty()) return Status::InvalidArgument("empty Socket.IO packet");
  if (text.size() > limits.max_packet_bytes) {
    return Status::InvalidArgument(fmt::format("packet too large: {} bytes, the limit is {}",
                                               text.size(), limits.max_packet_bytes));
  }

  // 1. The type: one digit 0..6 ("unknown packet type 9" for "999").
  const char type_char = text.front();
  if (type_char < '0' || type_char > type_digit(PacketType::kBinaryAck)) {
    const auto byte = static_cast<unsigned char>(type_char);
    return Status::InvalidArgument(byte >= 0x20 && byte < 0x7f
                                       ? fmt::format("unknown packet type {}", type_char)
                                       : fmt::format("unknown packet type (byte 0x{:02x})", byte));
  }
  Packet packet;
  packet.type = static_cast<PacketType>(type_char - '0');
  std::size_t i = 1;

  // 2. Binary types: "<count>-", count an integer in 1 .. max_attachments (4.2.7's
  //    decodeString: "Illegal attachments" for a missing '-', a non-number or n < 1,
  //    "too many attachments" above the Decoder's maxAttachments).
  if (packet.is_binary()) {
    const std::size_t dash = text.find('-', i);
    if (dash == std::string_view::npos || dash == i) {
      return Status::InvalidArgument("illegal attachments");
    }
    std::uint64_t count = 0;
    for (std::size_t j = i; j < dash; ++j) {
      if (!is_digit(text[j])) return Status::InvalidArgument("illegal attachments");
      if (count <= limits.max_attachments) count = count * 10 + (text[j] - '0');
    }
    if (count == 0) return Status::InvalidArgument("illegal attachments");
    if (count > limits.max_attachments) return Status::InvalidArgument("too many attachments");
    packet.attachments = static_cast<std::uint32_t>(count);
    i = dash + 1;
  }

  // 3. The namespace: present when the next character is '/', up to the first ',' or the
  //    end of the packet ("1/admin" and "1/admin," both name "/admin"). The comma is
  //    consumed.
  if (i < text.size() && text[i] == '/') {
    const std::size_t comma = text.find(',', i);
    const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
    const std::string_view nsp = text.substr(i, end - i);
    if (nsp.size() > limits.max_namespace_bytes) {
      return Status::InvalidArgument(
          fmt::format("invalid namespace: longer than {} bytes", limits.max_namespace_bytes));
    }
    if (utf8_length(nsp) == std::string_view::npos) {
      return Status::InvalidArgument("invalid namespace: not UTF-8");
    }
    packet.nsp = std::string(nsp);
    i = comma == std::string_view::npos ? text.size() : comma + 1;
  }

  // 4. The ack id: the run of digits that follows, if any. Anything else that follows
  //    ("abc[…]") is left to the payload step, which refuses it as socket.io-parser does.
  if (i < text.size() && is_digit(text[i])) {
    std::uint64_t id = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      const auto digit = static_cast<std::uint64_t>(text[i] - '0');
      if (id > (kMaxAckId - digit) / 10) {
        return Status::InvalidArgument("invalid ack id: larger than 2^53 - 1");
      }
      id = id * 10 + digit;
    }
    packet.ack_id = id;
  }

  // 5. The payload: the rest, JSON. socket.io-parser's decoder lets EVENT, ACK and
  //    CONNECT_ERROR go without one; its isPacketValid() and the protocol ("The payload is
  //    mandatory", v5 "Sending and receiving data" / "Acknowledgement") do not.
  const std::string_view json = text.substr(i);
  if (json.empty()) {
    switch (packet.type) {
      case PacketType::kConnect:
      case PacketType::kDisconnect:
        return packet;
      case PacketType::kEvent:
      case PacketType::kBinaryEvent:
        return invalid_payload("an EVENT needs a non-empty array");
      case PacketType::kAck:
      case PacketType::kBinaryAck:
        return invalid_payload("an ACK needs an array");
      case PacketType::kConnectError:
        return invalid_payload("a CONNECT_ERROR needs an object or a string");
    }
  }
  if (Status status = parse_payload(json, packet); !status.ok()) return status;
  return packet;
}

std::string connect_ok(std::string_view nsp, std::string_view sid,
                       std::optional<std::string_view> pid) {
  std::string out;
  append_prefix(out, PacketType::kConnect, nsp);
  JsonWriter w(std::move(out));
  w.begin_object().field("sid", sid);
  if (pid) w.field("pid", *pid);
  w.end_object();
  return w.take();
}

std::string connect_error(std::string_view nsp, std::string_view message,
                          std::optional<std::string_view> data_json) {
  std::string out;
  append_prefix(out, PacketType::kConnectError, nsp);
  JsonWriter w(std::move(out));
  w.begin_object().field("message", message);
  if (data_json) w.field_raw("data", *data_json);
  w.end_object();
  return w.take();
}

std::string event(std::string_view nsp, std::string_view name, std::string_view args_json,
                  std::optional<std::uint64_t> ack_id) {
  assert(!is_reserved_event_name(name));
  assert(!ack_id || *ack_id <= kMaxAckId);
  const std::string_view elements = array_elements(args_json);
  std::string out;
  out.reserve(nsp.size() + name.size() + elements.size() + 32);
  append_prefix(out, PacketType::kEvent, nsp);
  if (ack_id) fmt::format_to(std::back_inserter(out), "{}", *ack_id);
  out.push_back('[');
  append_json_string(out, name);
  if (!elements.empty()) {
    out.push_back(',');
    out.append(elements);
  }
  out.push_back(']');
  return out;
}

std::string ack(std::string_view nsp, std::uint64_t id, std::string_view args_json) {
  assert(id <= kMaxAckId);
  std::string out;
  out.reserve(nsp.size() + args_json.size() + 24);
  append_prefix(out, PacketType::kAck, nsp);
  fmt::format_to(std::back_inserter(out), "{}", id);
  out.append(args_json);
  return out;
}

std::string disconnect(std::string_view nsp) {
  std::string out;
  append_prefix(out, PacketType::kDisconnect, nsp);
  return out;
}

}  // namespace docket::realtime::socket_io

#include "realtime/engine_io.h"

#include <doctest/doctest.h>

#include <simdjson.h>

#include <set>
#include <string>

#include "core/crypto.h"

namespace docket::realtime::engine_io {
namespace {

Packet decode_ok(std::string_view frame, FrameKind kind = FrameKind::kText) {
  INFO("frame: ", std::string(frame));
  Result<Packet> result = decode(frame, kind);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

Status decode_error(std::string_view frame) {
  INFO("frame: ", std::string(frame));
  Result<Packet> result = decode(frame, FrameKind::kText);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  return result.status();
}

}  // namespace

TEST_SUITE("realtime") {
  TEST_CASE("Engine.IO text frames decode to their type and the data after the digit") {
    struct Case {
      std::string_view frame;
      PacketType type;
      std::string_view data;
    };
    // The frames of the protocol's sample session and heartbeat (engine.io-protocol v4).
    const Case cases[] = {
        {R"(0{"sid":"lv_VI97HAXpY6yYWAAAC"})", PacketType::kOpen,
         R"({"sid":"lv_VI97HAXpY6yYWAAAC"})"},
        {"1", PacketType::kClose, ""},
        {"2", PacketType::kPing, ""},
        {"2probe", PacketType::kPing, "probe"},
        {"3", PacketType::kPong, ""},
        {"3probe", PacketType::kPong, "probe"},
        {"4hello", PacketType::kMessage, "hello"},
        {"4", PacketType::kMessage, ""},
        {R"(42["hello"])", PacketType::kMessage, R"(2["hello"])"},
        {"4h\xC3\xA9llo \xE2\x82\xAC", PacketType::kMessage, "h\xC3\xA9llo \xE2\x82\xAC"},
        {"44", PacketType::kMessage, "4"},
        {"5", PacketType::kUpgrade, ""},
        {"6", PacketType::kNoop, ""},
    };
    for (const Case& c : cases) {
      const Packet packet = decode_ok(c.frame);
      CHECK(packet.type == c.type);
      CHECK(packet.data == c.data);
      CHECK_FALSE(packet.binary);
    }
  }

  TEST_CASE("Engine.IO binary frames are messages carrying the frame's bytes unchanged") {
    std::string bytes;
    for (int b = 0; b < 256; ++b)
      bytes.push_back(static_cast<char>(b));
    SUBCASE("every byte value, including ones that look like type digits") {
      const Packet packet = decode_ok(bytes, FrameKind::kBinary);
      CHECK(packet.type == PacketType::kMessage);
      CHECK(packet.binary);
      CHECK(packet.data == bytes);
    }
    SUBCASE("a binary frame starting with '2' is not a ping") {
      const Packet packet = decode_ok("2probe", FrameKind::kBinary);
      CHECK(packet.type == PacketType::kMessage);
      CHECK(packet.data == "2probe");
    }
    SUBCASE("the test suite's <01 02 03 04>") {
      const Packet packet = decode_ok(std::string("\x01\x02\x03\x04", 4), FrameKind::kBinary);
      CHECK(packet.data == std::string("\x01\x02\x03\x04", 4));
    }
    SUBCASE("an empty binary frame is an empty message") {
      const Packet packet = decode_ok("", FrameKind::kBinary);
      CHECK(packet.type == PacketType::kMessage);
      CHECK(packet.binary);
      CHECK(packet.data.empty());
    }
  }

  TEST_CASE("Engine.IO refuses empty text frames and unknown packet types") {
    CHECK(decode_error("").message() == "empty Engine.IO packet");
    // "abc" is the test suite's "invalid packet format" frame.
    CHECK(decode_error("abc").message() == "unknown Engine.IO packet type 'a'");
    CHECK(decode_error("7").message() == "unknown Engine.IO packet type '7'");
    CHECK(decode_error("9hello").message() == "unknown Engine.IO packet type '9'");
    CHECK(decode_error("/4hello").message() == "unknown Engine.IO packet type '/'");
    CHECK(decode_error("-1").message() == "unknown Engine.IO packet type '-'");
    CHECK(decode_error(" 4hello").message() == "unknown Engine.IO packet type ' '");
    CHECK(decode_error("\x01").message() == "unknown Engine.IO packet type (byte 0x01)");
    CHECK(decode_error("\xC3\xA9").message() == "unknown Engine.IO packet type (byte 0xc3)");
    // Long-polling's base64 binary form is not part of the WebSocket transport.
    CHECK(decode_error("bAQIDBA==").message().find("long-polling") != std::string::npos);
  }

  TEST_CASE("Engine.IO encoders write the type digit before the data") {
    CHECK(encode_message("hello") == "4hello");
    CHECK(encode_message(R"(2["foo"])") == R"(42["foo"])");
    CHECK(encode_message("") == "4");
    CHECK(encode_ping() == "2");
    CHECK(encode_pong() == "3");
    CHECK(encode_pong("probe") == "3probe");
    CHECK(encode_close() == "1");
    CHECK(encode_noop() == "6");
    CHECK(encode_text(PacketType::kUpgrade) == "5");
    CHECK(encode_text(PacketType::kOpen, "{}") == "0{}");
  }

  TEST_CASE("Engine.IO text packets survive encode_text then decode") {
    for (int t = 0; t <= 6; ++t) {
      const auto type = static_cast<PacketType>(t);
      for (std::string_view data :
           {std::string_view(""), std::string_view("probe"), std::string_view("4\xE2\x82\xAC 0")}) {
        const Packet packet = decode_ok(encode_text(type, data));
        CHECK(packet.type == type);
        CHECK(packet.data == data);
      }
    }
  }

  TEST_CASE("long-polling payloads: packets joined by the record separator") {
    auto packets = decode_payload(
        "40/support,\x1e"
        "3\x1e"
        "42[\"a\"]");
    REQUIRE(packets.ok());
    REQUIRE(packets->size() == 3);
    CHECK((*packets)[0].type == PacketType::kMessage);
    CHECK((*packets)[0].data == "0/support,");
    CHECK((*packets)[1].type == PacketType::kPong);
    CHECK((*packets)[2].data == "2[\"a\"]");
    auto one = decode_payload("1");
    REQUIRE(one.ok());
    CHECK((*one)[0].type == PacketType::kClose);
    // Empty packets, unknown types and malformed base64 are refused.
    for (std::string_view bad : {"", "4a\x1e",
                                 "\x1e"
                                 "4a",
                                 "9",
                                 "4a\x1e"
                                 "bAQI",
                                 "bAQIDBA", "bAQ=D", "b-_8=",
                                 "b\xc3\xa9"
                                 "AA=",
                                 "bAQIDBA==="}) {
      CAPTURE(std::string(bad));
      CHECK(decode_payload(bad).status().IsInvalidArgument());
    }
    // A binary message is "b" + base64 with padding, as engine.io-parser writes it.
    auto mixed = decode_payload(
        "4hello\x1e"
        "bAQIDBA==\x1e"
        "b");
    REQUIRE(mixed.ok());
    REQUIRE(mixed->size() == 3);
    CHECK_FALSE((*mixed)[0].binary);
    CHECK((*mixed)[1].binary);
    CHECK((*mixed)[1].type == PacketType::kMessage);
    CHECK((*mixed)[1].data == std::string("\x01\x02\x03\x04"));
    CHECK((*mixed)[2].binary);
    CHECK((*mixed)[2].data.empty());
    CHECK(encode_binary_in_payload(std::string("\x01\x02\x03\x04")) == "bAQIDBA==");
    CHECK(encode_binary_in_payload(std::string("\xff\xfe", 2)) == "b//4=");
    CHECK(encode_payload({"40/support,{}", "2", "6"}) ==
          "40/support,{}\x1e"
          "2\x1e"
          "6");
    CHECK(encode_payload({"1"}) == "1");
  }

  TEST_CASE("the open packet carries the handshake JSON in the JavaScript server's key order") {
    SUBCASE("defaults: a WebSocket-only session has no upgrades") {
      const std::string open = encode_open({.sid = "lv_VI97HAXpY6yYWAAAC"});
      CHECK(open == R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,)"
                    R"("pingTimeout":20000,"maxPayload":1000000})");
      const Packet packet = decode_ok(open);
      CHECK(packet.type == PacketType::kOpen);
    }
    SUBCASE("the protocol test suite's configuration") {
      const std::string open = encode_open({.sid = "abc",
                                            .upgrades = {"websocket"},
                                            .ping_interval_ms = 300,
                                            .ping_timeout_ms = 200,
                                            .max_payload_bytes = 1'000'000});
      CHECK(open ==
            R"(0{"sid":"abc","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,)"
            R"("maxPayload":1000000})");
    }
    SUBCASE("the sid is escaped and the JSON parses with exactly the five keys") {
      const std::string open = encode_open({.sid = "a\"b\\c"});
      simdjson::dom::parser parser;
      simdjson::dom::object object;
      REQUIRE(parser.parse(simdjson::padded_string(open.substr(1))).get(object) ==
              simdjson::SUCCESS);
      CHECK(object.size() == 5);
      std::string_view sid;
      REQUIRE(object["sid"].get(sid) == simdjson::SUCCESS);
      CHECK(sid == "a\"b\\c");
      CHECK(object["upgrades"].is_array());
      CHECK(object["pingInterval"].get_uint64().value() == 25'000);
      CHECK(object["pingTimeout"].get_uint64().value() == 20'000);
      CHECK(object["maxPayload"].get_uint64().value() == 1'000'000);
    }
  }

  TEST_CASE("Engine.IO packet type names are engine.io-parser's") {
    CHECK(packet_type_name(PacketType::kOpen) == "open");
    CHECK(packet_type_name(PacketType::kClose) == "close");
    CHECK(packet_type_name(PacketType::kPing) == "ping");
    CHECK(packet_type_name(PacketType::kPong) == "pong");
    CHECK(packet_type_name(PacketType::kMessage) == "message");
    CHECK(packet_type_name(PacketType::kUpgrade) == "upgrade");
    CHECK(packet_type_name(PacketType::kNoop) == "noop");
  }

  TEST_CASE("session ids are 20 base64url characters of fresh randomness") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
      const std::string sid = new_session_id();
      REQUIRE(sid.size() == 20);
      const bool base64url_alphabet = sid.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-_") == std::string::npos;
      REQUIRE_MESSAGE(base64url_alphabet, sid);
      std::string raw;
      REQUIRE(base64url_decode(sid, raw));
      REQUIRE(raw.size() == kSessionIdBytes);
      seen.insert(sid);
    }
    CHECK(seen.size() == 1000);
  }
}

}  // namespace docket::realtime::engine_io

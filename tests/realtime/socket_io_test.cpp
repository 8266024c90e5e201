#include "realtime/socket_io.h"

#include <doctest/doctest.h>

#include <string>

#include "realtime/engine_io.h"

// The cases come from the Socket.IO v5 protocol document (docs/socket.io-protocol/
// v5-current.md), its test suite (v5-test-suite/test-suite.js) and socket.io-parser's
// test/parser.js and test/buffer.js. Each was checked against socket.io-parser 4.2.7;
// where we refuse more than its Decoder does, the comment says why.

namespace docket::realtime::socket_io {
namespace {

Packet decode_ok(std::string_view text, const DecodeLimits& limits = {}) {
  INFO("packet: ", std::string(text));
  Result<Packet> result = decode(text, limits);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

std::string decode_error(std::string_view text, const DecodeLimits& limits = {}) {
  INFO("packet: ", std::string(text));
  Result<Packet> result = decode(text, limits);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().IsInvalidArgument());
  return result.status().message();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

TEST_SUITE("realtime") {
  TEST_CASE("the protocol's example packets decode field by field") {
    struct Case {
      std::string_view text;
      PacketType type;
      std::string_view nsp;
      std::optional<std::uint64_t> ack_id;
      std::uint32_t attachments;
      std::string_view payload;
    };
    const Case cases[] = {
        {"0", PacketType::kConnect, "/", {}, 0, ""},
        {R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})",
         PacketType::kConnect,
         "/admin",
         {},
         0,
         R"({"sid":"oSO0OpakMV_3jnilAAAA"})"},
        {R"(0/admin,{"token":"123"})", PacketType::kConnect, "/admin", {}, 0, R"({"token":"123"})"},
        {R"(4{"message":"Not authorized"})",
         PacketType::kConnectError,
         "/",
         {},
         0,
         R"({"message":"Not authorized"})"},
        {R"(2["foo"])", PacketType::kEvent, "/", {}, 0, R"(["foo"])"},
        {R"(2["hello",1])", PacketType::kEvent, "/", {}, 0, R"(["hello",1])"},
        {R"(2/admin,["bar"])", PacketType::kEvent, "/admin", {}, 0, R"(["bar"])"},
        {R"(2/admin,456["project:delete",123])", PacketType::kEvent, "/admin", 456, 0,
         R"(["project:delete",123])"},
        {R"(212["foo"])", PacketType::kEvent, "/", 12, 0, R"(["foo"])"},
        {R"(3/admin,13["bar"])", PacketType::kAck, "/admin", 13, 0, R"(["bar"])"},
        {"3/admin,456[]", PacketType::kAck, "/admin", 456, 0, "[]"},
        {R"(51-["baz",{"_placeholder":true,"num":0}])",
         PacketType::kBinaryEvent,
         "/",
         {},
         1,
         R"(["baz",{"_placeholder":true,"num":0}])"},
        {R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
         PacketType::kBinaryEvent,
         "/admin",
         {},
         2,
         R"(["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"},
        {R"(61-15["bar",{"_placeholder":true,"num":0}])", PacketType::kBinaryAck, "/", 15, 1,
         R"(["bar",{"_placeholder":true,"num":0}])"},
        {R"(61-/admin,1[{"_placeholder":true,"num":0}])", PacketType::kBinaryAck, "/admin", 1, 1,
         R"([{"_placeholder":true,"num":0}])"},
        {"1", PacketType::kDisconnect, "/", {}, 0, ""},
        {"1/admin,", PacketType::kDisconnect, "/admin", {}, 0, ""},
    };
    for (const Case& c : cases) {
      INFO("packet: ", std::string(c.text));
      const Packet packet = decode_ok(c.text);
      CHECK(packet.type == c.type);
      CHECK(packet.nsp == c.nsp);
      CHECK(packet.ack_id == c.ack_id);
      CHECK(packet.attachments == c.attachments);
      CHECK(packet.payload == c.payload);
      CHECK(packet.is_binary() == (c.attachments > 0));
    }
  }

  TEST_CASE("a namespace ends at the first comma or at the end of the packet") {
    // The test suite connects and disconnects with "40/custom" and "41/custom", no comma.
    CHECK(decode_ok("0/custom").nsp == "/custom");
    CHECK(decode_ok("1/custom").nsp == "/custom");
    CHECK(decode_ok("0/custom,").nsp == "/custom");
    CHECK(decode_ok("0/,").nsp == "/");
    CHECK(decode_ok("0/").nsp == "/");
    CHECK(decode_ok("0/a/b-c_d.e,").nsp == "/a/b-c_d.e");
    CHECK(decode_ok("0/caf\xC3\xA9,").nsp == "/caf\xC3\xA9");
    // Without the comma everything is namespace, as in socket.io-parser: the server then
    // refuses the unknown namespace rather than the packet.
    const Packet glued = decode_ok(R"(0/admin{"a":1})");
    CHECK(glued.nsp == R"(/admin{"a":1})");
    CHECK(glued.payload.empty());
    // Only a '/' right after the type (or the attachments' '-') opens a namespace.
    CHECK(starts_with(decode_error(R"(2admin,["a"])"), "invalid payload"));
    CHECK(starts_with(decode_error(R"(2,["a"])"), "invalid payload"));
    CHECK(starts_with(decode_error("0,"), "invalid payload"));
  }

  TEST_CASE("namespaces are bounded in length and must be UTF-8") {
    const DecodeLimits limits{.max_namespace_bytes = 8};
    CHECK(decode_ok("0/1234567,", limits).nsp == "/1234567");
    CHECK(decode_error("0/12345678,", limits) == "invalid namespace: longer than 8 bytes");
    CHECK(decode_error("0/12345678", limits) == "invalid namespace: longer than 8 bytes");
    const std::string long_nsp = "0/" + std::string(DecodeLimits{}.max_namespace_bytes, 'n');
    CHECK(starts_with(decode_error(long_nsp), "invalid namespace"));
    CHECK(decode_error("0/caf\xC3,") == "invalid namespace: not UTF-8");
    CHECK(decode_error("0/\xFF") == "invalid namespace: not UTF-8");
  }

  TEST_CASE("CONNECT takes an optional object, exposed as the handshake auth") {
    SUBCASE("no payload: auth is {}") {
      const Packet packet = decode_ok("0");
      CHECK(packet.payload.empty());
      CHECK(packet.auth() == "{}");
    }
    SUBCASE("an object is the auth, minified") {
      const Packet packet = decode_ok(R"(0/custom,{ "token" : "abc" })");
      CHECK(packet.auth() == R"({"token":"abc"})");
      CHECK(packet.event_name.empty());
      CHECK(packet.args.empty());
    }
    SUBCASE("anything but an object is refused (socket.io-parser isObject)") {
      CHECK(decode_error(R"(0/admin,"invalid")") ==
            "invalid payload: a CONNECT payload must be an object");
      CHECK(starts_with(decode_error("0[]"), "invalid payload"));
      CHECK(starts_with(decode_error("0null"), "invalid payload"));
      CHECK(starts_with(decode_error("0true"), "invalid payload"));
      CHECK(starts_with(decode_error("0{"), "invalid payload"));
    }
    SUBCASE("auth() is empty for other packet types") {
      CHECK(decode_ok(R"(2["a"])").auth().empty());
    }
  }

  TEST_CASE("DISCONNECT carries no payload") {
    CHECK(decode_ok("1/admin").payload.empty());
    CHECK(decode_error("1/admin,{}") == "invalid payload: a DISCONNECT carries no payload");
    CHECK(starts_with(decode_error("1{}"), "invalid payload"));
    CHECK(starts_with(decode_error("1[]"), "invalid payload"));
  }

  TEST_CASE("EVENT gives its name and its arguments as a JSON array") {
    SUBCASE("name and arguments") {
      const Packet packet = decode_ok(R"(2["hello",1])");
      CHECK(packet.event_name == "hello");
      CHECK(packet.args == "[1]");
    }
    SUBCASE("no arguments") {
      const Packet packet = decode_ok(R"(2["foo"])");
      CHECK(packet.event_name == "foo");
      CHECK(packet.args == "[]");
    }
    SUBCASE("the test suite's message") {
      const Packet packet = decode_ok(R"(2["message",1,"2",{"3":[true]}])");
      CHECK(packet.event_name == "message");
      CHECK(packet.args == R"([1,"2",{"3":[true]}])");
    }
    SUBCASE("the name is unescaped; the arguments keep the sender's escapes") {
      const Packet packet = decode_ok(R"(2["a\"b\\c\u00e9,]",  "x\"y" ,"\u00e9"])");
      CHECK(packet.event_name == "a\"b\\c\xC3\xA9,]");
      CHECK(packet.args == R"(["x\"y","\u00e9"])");
      CHECK(packet.payload == R"(["a\"b\\c\u00e9,]","x\"y","\u00e9"])");
    }
    SUBCASE("whitespace outside strings is removed; numbers are kept as written") {
      const Packet packet = decode_ok("2[ \"hello\" ,\n 1.50 , 1e3, { \"a\" : \"b c\" } ]\t");
      CHECK(packet.payload == R"(["hello",1.50,1e3,{"a":"b c"}])");
      CHECK(packet.args == R"([1.50,1e3,{"a":"b c"}])");
    }
    SUBCASE("a number may stand as the name (socket.io-parser isPayloadValid)") {
      const Packet packet = decode_ok(R"(2[1,"a",{}])");
      CHECK(packet.event_name == "1");
      CHECK(packet.args == R"(["a",{}])");
      CHECK(decode_ok("2[-2.5e1]").event_name == "-2.5e1");
      CHECK(decode_ok("2[7]").args == "[]");
    }
    SUBCASE("an empty name is a name") {
      CHECK(decode_ok(R"(2[""])").event_name.empty());
      CHECK(decode_ok(R"(2[""])").args == "[]");
    }
    SUBCASE("UTF-8 names") {
      CHECK(decode_ok("2[\"h\xC3\xA9llo \xE2\x82\xAC\",1]").event_name ==
            "h\xC3\xA9llo \xE2\x82\xAC");
    }
  }

  TEST_CASE("EVENT payloads that socket.io-parser refuses are refused") {
    // test/parser.js "throw an error upon parsing error" and isPacketValid().
    for (std::string_view text : {
             R"(442["some","data")",  // CONNECT_ERROR, ack id 42, unterminated array
             R"(2/admin,"invalid)",   // not JSON
             R"(2/admin,"invalid")",  // not an array
             "2/admin,{}",
             "2{}",  // the test suite's "invalid payload format"
             R"(2[{"toString":"foo"}])", R"(2[true,"foo"])", R"(2[null,"bar"])", R"(2[["a"]])",
             "2[]", R"(2["a"]x)", R"(2["a"]["b"])",
             R"(2abc["message-with-ack",1,"2",{"3":[false]}])",  // "invalid ack id"
         }) {
      INFO("packet: ", std::string(text));
      CHECK(starts_with(decode_error(text), "invalid payload"));
    }
  }

  TEST_CASE("reserved event names are refused, matching case exactly") {
    for (std::string_view name : {"connect", "connect_error", "disconnect", "disconnecting",
                                  "newListener", "removeListener"}) {
      INFO("name: ", std::string(name));
      CHECK(is_reserved_event_name(name));
      CHECK(decode_error("2[\"" + std::string(name) + "\"]") ==
            "invalid payload: the event name is reserved");
      CHECK(decode_error("51-[\"" + std::string(name) + "\"]") ==
            "invalid payload: the event name is reserved");
    }
    CHECK(starts_with(decode_error(R"(2["disconnect","123"])"), "invalid payload"));
    CHECK_FALSE(is_reserved_event_name("Connect"));
    CHECK_FALSE(is_reserved_event_name("connection"));
    CHECK(decode_ok(R"(2["Connect"])").event_name == "Connect");
    CHECK(decode_ok(R"(2["connection"])").event_name == "connection");
  }

  TEST_CASE("EVENT, ACK and CONNECT_ERROR must carry a payload") {
    // socket.io-parser's Decoder lets these through without data; its isPacketValid() and
    // the protocol ("The payload is mandatory") do not.
    CHECK(decode_error("2/admin") == "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error("2/admin,") == "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error("2") == "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error("212") == "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error(R"(2/admin["a"])") ==  // no comma: all of it is namespace
          "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error("3123") == "invalid payload: an ACK needs an array");
    CHECK(decode_error("3") == "invalid payload: an ACK needs an array");
    CHECK(decode_error("4") == "invalid payload: a CONNECT_ERROR needs an object or a string");
    CHECK(decode_error("51-") == "invalid payload: an EVENT needs a non-empty array");
    CHECK(decode_error("61-3") == "invalid payload: an ACK needs an array");
  }

  TEST_CASE("ACK takes any array") {
    SUBCASE("arguments are the whole array") {
      const Packet packet = decode_ok(R"(3456[1,"2",{"3":[false]}])");
      CHECK(packet.ack_id == 456u);
      CHECK(packet.args == R"([1,"2",{"3":[false]}])");
      CHECK(packet.event_name.empty());
    }
    SUBCASE("empty, or starting with anything") {
      CHECK(decode_ok("3/admin,456[]").args == "[]");
      CHECK(decode_ok(R"(31[null,"connect"])").args == R"([null,"connect"])");
    }
    SUBCASE("without an ack id it still decodes; matching it to an event is the caller's job") {
      CHECK_FALSE(decode_ok("3[]").ack_id.has_value());
    }
    SUBCASE("anything but an array is refused") {
      CHECK(decode_error("3/admin,456{}") == "invalid payload: an ACK payload must be an array");
      CHECK(starts_with(decode_error(R"(3/admin,456"x")"), "invalid payload"));
      CHECK(starts_with(decode_error("3/admin,abc[]"), "invalid payload"));
      CHECK(starts_with(decode_error("61-{}"), "invalid payload"));
    }
  }

  TEST_CASE("CONNECT_ERROR takes an object or a string") {
    CHECK(decode_ok(R"(4"Unauthorized")").payload == R"("Unauthorized")");
    CHECK(decode_ok(R"(4/admin,{"message":"x","data":{"a":1}})").nsp == "/admin");
    CHECK(decode_error("4[]") ==
          "invalid payload: a CONNECT_ERROR payload must be an object or a string");
    CHECK(starts_with(decode_error("41"), "invalid payload"));  // ack id 1, no payload
    CHECK(starts_with(decode_error("4/admin,1.5"), "invalid payload"));
  }

  TEST_CASE("ack ids are the digits before the payload, up to 2^53 - 1") {
    CHECK(decode_ok(R"(20["a"])").ack_id == 0u);
    CHECK(decode_ok(R"(2007["a"])").ack_id == 7u);  // Number("007") === 7
    CHECK(decode_ok(R"(29007199254740991["a"])").ack_id == kMaxAckId);
    CHECK(decode_ok(R"(2/admin,9007199254740991["a"])").ack_id == 9007199254740991u);
    // socket.io-parser would read these into an inexact double; we refuse them.
    CHECK(decode_error(R"(29007199254740992["a"])") == "invalid ack id: larger than 2^53 - 1");
    CHECK(decode_error(R"(2123456789012345678901234567890["a"])") ==
          "invalid ack id: larger than 2^53 - 1");
    CHECK(decode_error("3/admin,18446744073709551616[]") == "invalid ack id: larger than 2^53 - 1");
    CHECK_FALSE(decode_ok(R"(2["a"])").ack_id.has_value());
  }

  TEST_CASE("unknown packet types are refused") {
    CHECK(decode_error("999") == "unknown packet type 9");  // test/parser.js
    CHECK(decode_error("7") == "unknown packet type 7");
    CHECK(decode_error("abc") == "unknown packet type a");  // the test suite's "4abc"
    CHECK(decode_error("-1") == "unknown packet type -");
    CHECK(decode_error("/2[\"a\"]") == "unknown packet type /");
    CHECK(decode_error("\x01") == "unknown packet type (byte 0x01)");
    CHECK(decode_error("\xE2\x82\xAC") == "unknown packet type (byte 0xe2)");
    // JavaScript's Number("") and Number(" ") are 0, so socket.io-parser reads these as
    // CONNECT; a packet must start with its type digit here.
    CHECK(decode_error("") == "empty Socket.IO packet");
    CHECK(decode_error(" ") == "unknown packet type  ");
  }

  TEST_CASE("binary packets state an attachment count of 1 to max_attachments") {
    SUBCASE("socket.io-parser 4.2.7: Illegal attachments") {
      for (std::string_view text : {
               "5",  // test/parser.js "decodes a bad binary packet"
               "5-{}",
               R"(5-["a"])",
               R"(50-["a"])",
               R"(500-["a"])",
               R"(5a-["a"])",
               R"(5 1-["a"])",  // Number(" 1") is 1 in JavaScript; not here
               R"(51["a"])",
               R"(5["a-b"])",
               "6",
               R"(6-1["a"])",
           }) {
        INFO("packet: ", std::string(text));
        CHECK(decode_error(text) == "illegal attachments");
      }
    }
    SUBCASE("above the limit: too many attachments") {
      CHECK(decode_error(R"(511-["a"])") == "too many attachments");
      CHECK(decode_error(R"(599999999999999999999999-["a"])") == "too many attachments");
      CHECK(decode_error("61000-[]") == "too many attachments");
      CHECK(decode_ok(R"(510-["a"])").attachments == 10);
      const DecodeLimits two{.max_attachments = 2};
      CHECK(decode_ok(R"(52-["a"])", two).attachments == 2);
      CHECK(decode_error(R"(53-["a"])", two) == "too many attachments");
    }
    SUBCASE("the test suite's binary packets") {
      const Packet event = decode_ok(
          R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
      CHECK(event.type == PacketType::kBinaryEvent);
      CHECK(event.attachments == 2);
      CHECK(event.event_name == "message");
      CHECK(event.args == R"([{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
      const Packet with_ack = decode_ok(
          R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
      CHECK(with_ack.ack_id == 789u);
      const Packet binary_ack =
          decode_ok(R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
      CHECK(binary_ack.type == PacketType::kBinaryAck);
      CHECK(binary_ack.ack_id == 789u);
      CHECK(binary_ack.args == R"([{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    }
    SUBCASE("binary payloads are checked like EVENT and ACK payloads") {
      CHECK(starts_with(decode_error("51-{}"), "invalid payload"));
      CHECK(starts_with(decode_error(R"(51-["connect"])"), "invalid payload"));
      CHECK(starts_with(decode_error("51-[]"), "invalid payload"));
    }
  }

  TEST_CASE("binary placeholders must point at one of the attachments") {
    SUBCASE("test/buffer.js: a string num and an out-of-bound num") {
      CHECK(decode_error(R"(51-["hello",{"_placeholder":true,"num":"splice"}])") ==
            "illegal attachments");
      CHECK(decode_error(R"(51-["hello",{"_placeholder":true,"num":1}])") == "illegal attachments");
    }
    SUBCASE("negative, fractional or missing num") {
      CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":-1}])") == "illegal attachments");
      CHECK(decode_error(R"(52-["a",{"_placeholder":true,"num":0.5}])") == "illegal attachments");
      CHECK(decode_error(R"(51-["a",{"_placeholder":true}])") == "illegal attachments");
      CHECK(decode_error(R"(61-[{"x":[{"_placeholder":true,"num":3}]}])") == "illegal attachments");
    }
    SUBCASE("nested placeholders and look-alikes") {
      CHECK(decode_ok(R"(51-["a",{"b":["c",{"_placeholder":true,"num":0}]}])").attachments == 1);
      CHECK(decode_ok(R"(52-["a",{"_placeholder":true,"num":1.0}])").attachments == 2);
      // Not a placeholder: "_placeholder" is not the boolean true.
      CHECK(decode_ok(R"(51-["a",{"_placeholder":false,"num":9}])").attachments == 1);
      CHECK(decode_ok(R"(51-["a",{"_placeholder":"true","num":9}])").attachments == 1);
    }
    SUBCASE("plain EVENTs are not reassembled, so their look-alikes are just objects") {
      CHECK(decode_ok(R"(2["a",{"_placeholder":true,"num":9}])").args ==
            R"([{"_placeholder":true,"num":9}])");
    }
  }

  TEST_CASE("packets above max_packet_bytes are refused before parsing") {
    const DecodeLimits limits{.max_packet_bytes = 16};
    const std::string fits = R"(2["0123456789a"])";  // 16 bytes
    REQUIRE(fits.size() == 16);
    CHECK(decode_ok(fits, limits).event_name == "0123456789a");
    CHECK(decode_error(R"(2["0123456789ab"])", limits) ==
          "packet too large: 17 bytes, the limit is 16");
    CHECK(starts_with(decode_error("9" + std::string(20, 'x'), limits), "packet too large"));
  }

  TEST_CASE("payload JSON is checked strictly") {
    CHECK(starts_with(decode_error(R"(2["a",])"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error(R"(2['a'])"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error("2[\"a\xFF\"]"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error("2[\"a\x01\"]"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error(R"(2["a",NaN])"), "invalid payload: not JSON"));
    CHECK(decode_ok(R"(2["a",null,true,false,-0,{"":[]}])").args ==
          R"([null,true,false,-0,{"":[]}])");
    CHECK(decode_ok(R"(2["a",18446744073709551615,-9223372036854775808])").args ==
          "[18446744073709551615,-9223372036854775808]");
    CHECK(decode_ok(R"(2["\ud83d\ude00"])").event_name == "\xF0\x9F\x98\x80");
  }

  TEST_CASE("JSON that JSON.parse takes but simdjson cannot hold is refused") {
    // Known differences from socket.io-parser (JSON.parse rounds huge integers to doubles,
    // turns 1e400 into Infinity and keeps lone UTF-16 surrogates); docs/realtime.md lists
    // them.
    CHECK(starts_with(decode_error(R"(2["a",123456789012345678901234567890])"),
                      "invalid payload: not JSON"));
    CHECK(starts_with(decode_error(R"(2["a",-9223372036854775809])"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error(R"(2["a",1e400])"), "invalid payload: not JSON"));
    CHECK(starts_with(decode_error(R"(2["\ud800"])"), "invalid payload: not JSON"));
  }

  TEST_CASE("connect_ok answers a CONNECT with the socket id") {
    CHECK(connect_ok("/", "wZX3oN0bSVIhsaknAAAI") == R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})");
    CHECK(connect_ok("/support", "abc") == R"(0/support,{"sid":"abc"})");
    CHECK(connect_ok("/support", "abc", "xyz") == R"(0/support,{"sid":"abc","pid":"xyz"})");
    CHECK(connect_ok("/", "a\"b") == R"(0{"sid":"a\"b"})");
    // On the wire, inside an Engine.IO message: the test suite expects "40/custom,{…}".
    CHECK(engine_io::encode_message(connect_ok("/custom", "s")) == R"(40/custom,{"sid":"s"})");
  }

  TEST_CASE("connect_error refuses a CONNECT with a message and optional data") {
    CHECK(connect_error("/support", "Not authorized") ==
          R"(4/support,{"message":"Not authorized"})");
    CHECK(connect_error("/", "Not authorized") == R"(4{"message":"Not authorized"})");
    CHECK(connect_error("/support", "Forbidden", R"({"code":"forbidden"})") ==
          R"(4/support,{"message":"Forbidden","data":{"code":"forbidden"}})");
    CHECK(connect_error("/", "say \"no\"\n") == R"(4{"message":"say \"no\"\n"})");
    // The test suite's answer to "40/random".
    const Packet request = decode_ok("0/random");
    CHECK(engine_io::encode_message(connect_error(request.nsp, "Invalid namespace")) ==
          R"(44/random,{"message":"Invalid namespace"})");
  }

  TEST_CASE("event writes the name before the arguments") {
    CHECK(event("/", "hello", "[1]") == R"(2["hello",1])");
    CHECK(event("/", "foo", "[]") == R"(2["foo"])");
    CHECK(event("/", "foo", " [ ] ") == R"(2["foo"])");
    CHECK(event("/admin", "project:delete", "[123]", 456) ==
          R"(2/admin,456["project:delete",123])");
    CHECK(event("/", "foo", "[]", 12) == R"(212["foo"])");
    CHECK(event("/", "foo", "[]", 0) == R"(20["foo"])");
    CHECK(event("/", "a\"b\\", R"([{"x":[1,2]},"y"])") == R"(2["a\"b\\",{"x":[1,2]},"y"])");
    CHECK(event("/", "hey", R"( ["Jude"] )") == R"(2["hey","Jude"])");
    CHECK(event("/", "e", "[1]", kMaxAckId) == R"(29007199254740991["e",1])");
  }

  TEST_CASE("ack and disconnect") {
    CHECK(ack("/admin", 456, "[]") == "3/admin,456[]");
    CHECK(ack("/", 456, R"([1,"2",{"3":[false]}])") == R"(3456[1,"2",{"3":[false]}])");
    CHECK(ack("/admin", 13, R"(["bar"])") == R"(3/admin,13["bar"])");
    CHECK(ack("/", 0, "[]") == "30[]");
    CHECK(disconnect("/") == "1");
    CHECK(disconnect("/admin") == "1/admin,");
  }

  TEST_CASE("encoded packets decode back to what was encoded") {
    // No SUBCASE inside the loop: doctest would enter each only on the first pass.
    for (std::string_view nsp : {std::string_view("/"), std::string_view("/support")}) {
      INFO("nsp: ", std::string(nsp));

      const Packet connect = decode_ok(connect_ok(nsp, "sid-1", "pid-2"));
      CHECK(connect.type == PacketType::kConnect);
      CHECK(connect.nsp == nsp);
      CHECK(connect.auth() == R"({"sid":"sid-1","pid":"pid-2"})");

      const Packet refused = decode_ok(connect_error(nsp, "Not authorized", "[1]"));
      CHECK(refused.type == PacketType::kConnectError);
      CHECK(refused.nsp == nsp);
      CHECK(refused.payload == R"({"message":"Not authorized","data":[1]})");

      for (std::optional<std::uint64_t> id :
           {std::optional<std::uint64_t>(), std::optional<std::uint64_t>(0),
            std::optional<std::uint64_t>(kMaxAckId)}) {
        const Packet packet = decode_ok(event(nsp, "message:new", R"([{"body":"hi"},2])", id));
        CHECK(packet.type == PacketType::kEvent);
        CHECK(packet.nsp == nsp);
        CHECK(packet.ack_id == id);
        CHECK(packet.event_name == "message:new");
        CHECK(packet.args == R"([{"body":"hi"},2])");
      }
      const Packet bare = decode_ok(event(nsp, "ping", "[]"));
      CHECK(bare.event_name == "ping");
      CHECK(bare.args == "[]");

      const Packet answer = decode_ok(ack(nsp, 77, R"([null,"ok"])"));
      CHECK(answer.type == PacketType::kAck);
      CHECK(answer.nsp == nsp);
      CHECK(answer.ack_id == 77u);
      CHECK(answer.args == R"([null,"ok"])");

      const Packet leave = decode_ok(disconnect(nsp));
      CHECK(leave.type == PacketType::kDisconnect);
      CHECK(leave.nsp == nsp);
    }
  }

  TEST_CASE("the protocol test suite's exchanges, through both layers") {
    // Each client frame is decoded by Engine.IO, then Socket.IO; the answer is built with
    // the encoders and must be byte for byte what the test suite expects.
    auto socket_io_packet = [](std::string_view frame) {
      Result<engine_io::Packet> message = engine_io::decode(frame, engine_io::FrameKind::kText);
      REQUIRE(message.ok());
      REQUIRE(message->type == engine_io::PacketType::kMessage);
      return decode_ok(message->data);
    };
    auto auth_event = [](const Packet& connect) {
      return engine_io::encode_message(
          event(connect.nsp, "auth", "[" + std::string(connect.auth()) + "]"));
    };
    CHECK(auth_event(socket_io_packet("40")) == R"(42["auth",{}])");
    CHECK(auth_event(socket_io_packet(R"(40{"token":"123"})")) == R"(42["auth",{"token":"123"}])");
    CHECK(auth_event(socket_io_packet("40/custom,")) == R"(42/custom,["auth",{}])");
    CHECK(auth_event(socket_io_packet(R"(40/custom,{"token":"abc"})")) ==
          R"(42/custom,["auth",{"token":"abc"}])");

    const Packet message = socket_io_packet(R"(42["message",1,"2",{"3":[true]}])");
    CHECK(engine_io::encode_message(event(message.nsp, "message-back", message.args)) ==
          R"(42["message-back",1,"2",{"3":[true]}])");

    const Packet with_ack = socket_io_packet(R"(42456["message-with-ack",1,"2",{"3":[false]}])");
    REQUIRE(with_ack.ack_id.has_value());
    CHECK(engine_io::encode_message(ack(with_ack.nsp, *with_ack.ack_id, with_ack.args)) ==
          R"(43456[1,"2",{"3":[false]}])");

    CHECK(socket_io_packet("41").type == PacketType::kDisconnect);
    CHECK(socket_io_packet("41/custom").nsp == "/custom");

    // "should close the connection upon invalid format": each of these fails to decode.
    for (std::string_view frame :
         {std::string_view("4abc"), std::string_view("42{}"),
          std::string_view(R"(42abc["message-with-ack",1,"2",{"3":[false]}])")}) {
      Result<engine_io::Packet> outer = engine_io::decode(frame, engine_io::FrameKind::kText);
      REQUIRE(outer.ok());
      CHECK_FALSE(decode(outer->data).ok());
    }
  }

  TEST_CASE("Socket.IO packet type names") {
    CHECK(packet_type_name(PacketType::kConnect) == "CONNECT");
    CHECK(packet_type_name(PacketType::kDisconnect) == "DISCONNECT");
    CHECK(packet_type_name(PacketType::kEvent) == "EVENT");
    CHECK(packet_type_name(PacketType::kAck) == "ACK");
    CHECK(packet_type_name(PacketType::kConnectError) == "CONNECT_ERROR");
    CHECK(packet_type_name(PacketType::kBinaryEvent) == "BINARY_EVENT");
    CHECK(packet_type_name(PacketType::kBinaryAck) == "BINARY_ACK");
  }
}

}  // namespace docket::realtime::socket_io

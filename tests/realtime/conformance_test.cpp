// The echo handlers of the protocol test configuration, driven as a transport would
// drive them; the official suites run against the binary in tests/e2e/conformance.test.js.
#include "realtime/conformance.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/realtime/realtime_doubles.h"
#include "tests/support/test_support.h"

namespace docket::realtime {
namespace {

using testing::FakeConnection;

// What the connection was sent until it has `count` packets (the echo sends what
// follows a CONNECT answer a little later); fails after a few seconds.
std::vector<std::string> take_n(FakeConnection& c, std::size_t count) {
  std::vector<std::string> all;
  docket::testing::eventually([&] {
    for (std::string& p : c.take())
      all.push_back(std::move(p));
    return all.size() >= count;
  });
  return all;
}

std::string binary(std::string_view bytes) {
  return std::string(FakeConnection::kBinaryMark) + std::string(bytes);
}

// The sid of a CONNECT answer such as `0/custom,{"sid":"…"}`.
std::string connect_sid(std::string_view answer, std::string_view prefix) {
  REQUIRE(answer.starts_with(prefix));
  std::string_view rest = answer.substr(prefix.size());
  REQUIRE(rest.starts_with(R"({"sid":")"));
  REQUIRE(rest.ends_with(R"("})"));
  return std::string(rest.substr(8, rest.size() - 10));
}

TEST_SUITE("realtime conformance handlers") {
  TEST_CASE("the Engine.IO echo sends every message back as it came, text or binary") {
    EngineIoEcho echo;
    auto c = std::make_shared<FakeConnection>("e1");
    echo.on_open(c, {});
    echo.on_message(c, "hello");
    CHECK(echo.on_binary(c, std::string("\x01\x02\x03\x04", 4)));
    CHECK(c->take() == std::vector<std::string>{"hello", binary("\x01\x02\x03\x04")});
    CHECK(echo.has_session(*c));
    echo.on_close(c);
  }

  TEST_CASE("the Socket.IO echo: namespaces, auth, message-back, acks") {
    SocketIoEcho echo;
    auto c = std::make_shared<FakeConnection>("s1");
    echo.on_open(c, {});
    CHECK_FALSE(echo.has_session(*c));

    echo.on_message(c, R"(0{"token":"123"})");
    auto sent = take_n(*c, 2);  // the "auth" event comes in a later write
    CHECK(connect_sid(sent[0], "0").size() == 20);
    CHECK(sent[1] == R"(2["auth",{"token":"123"}])");
    CHECK(echo.has_session(*c));

    echo.on_message(c, "0/custom,");
    sent = take_n(*c, 2);
    REQUIRE(sent.size() == 2);
    connect_sid(sent[0], "0/custom,");
    CHECK(sent[1] == R"(2/custom,["auth",{}])");

    echo.on_message(c, "0/random");
    CHECK(c->take() == std::vector<std::string>{R"(4/random,{"message":"Invalid namespace"})"});

    echo.on_message(c, R"(2["message",1,"2",{"3":[true]}])");
    CHECK(c->take() == std::vector<std::string>{R"(2["message-back",1,"2",{"3":[true]}])"});
    echo.on_message(c, R"(2456["message-with-ack",1,"2",{"3":[false]}])");
    CHECK(c->take() == std::vector<std::string>{R"(3456[1,"2",{"3":[false]}])"});
    // Another event, or the ack event without an ack id, gets nothing.
    echo.on_message(c, R"(2["other"])");
    echo.on_message(c, R"(2["message-with-ack",1])");
    CHECK(c->take().empty());

    // After DISCONNECT the namespace's events are ignored; the session stays.
    echo.on_message(c, "1/custom,");
    echo.on_message(c, R"(2/custom,["message","x"])");
    CHECK(c->take().empty());
    echo.on_message(c, "1");
    echo.on_message(c, R"(2["message","x"])");
    CHECK(c->take().empty());
    CHECK(echo.has_session(*c));
    CHECK_FALSE(c->closed());
    echo.on_close(c);
  }

  TEST_CASE("the Socket.IO echo keeps the order of what follows a CONNECT answer") {
    SocketIoEcho echo;
    auto c = std::make_shared<FakeConnection>("s5");
    echo.on_open(c, {});
    echo.on_message(c, "0");
    echo.on_message(c, R"(2["message","early"])");
    const auto sent = take_n(*c, 3);
    REQUIRE(sent.size() == 3);
    CHECK(sent[0].starts_with(R"(0{"sid":")"));
    CHECK(sent[1] == R"(2["auth",{}])");
    CHECK(sent[2] == R"(2["message-back","early"])");
    echo.on_close(c);
  }

  TEST_CASE("the Socket.IO echo sends binary attachments back after the packet") {
    SocketIoEcho echo;
    auto c = std::make_shared<FakeConnection>("s2");
    echo.on_open(c, {});
    echo.on_message(c, "0");
    take_n(*c, 2);
    const std::string placeholders =
        R"({"_placeholder":true,"num":0},{"_placeholder":true,"num":1})";
    echo.on_message(c, "52-[\"message\"," + placeholders + "]");
    CHECK(c->take().empty());  // waiting for the attachments
    CHECK(echo.on_binary(c, "\x01\x02\x03"));
    CHECK(c->take().empty());
    CHECK(echo.on_binary(c, "\x04\x05\x06"));
    CHECK(c->take() == std::vector<std::string>{"52-[\"message-back\"," + placeholders + "]",
                                                binary("\x01\x02\x03"), binary("\x04\x05\x06")});

    echo.on_message(c, "52-789[\"message-with-ack\"," + placeholders + "]");
    CHECK(echo.on_binary(c, "\x01"));
    CHECK(echo.on_binary(c, "\x02"));
    CHECK(c->take() ==
          std::vector<std::string>{"62-789[" + placeholders + "]", binary("\x01"), binary("\x02")});
    CHECK_FALSE(c->closed());
  }

  TEST_CASE("the Socket.IO echo closes the connection on what socket.io-parser refuses") {
    SocketIoEcho echo;
    for (std::string_view bad :
         {"abc", "2{}", R"(2abc["message-with-ack",1])", "51-[\"message\"]\n<text>"}) {
      CAPTURE(std::string(bad));
      auto c = std::make_shared<FakeConnection>("s3");
      echo.on_open(c, {});
      echo.on_message(c, "0");
      take_n(*c, 2);
      const std::size_t nl = bad.find('\n');
      if (nl == std::string_view::npos) {
        echo.on_message(c, bad);
      } else {  // a text packet while an attachment is awaited
        echo.on_message(c, bad.substr(0, nl));
        CHECK_FALSE(c->closed());
        echo.on_message(c, bad.substr(nl + 1));
      }
      CHECK(c->closed());
      echo.on_close(c);
    }
    // A binary message nobody announced is refused (the transport closes).
    auto c = std::make_shared<FakeConnection>("s4");
    echo.on_open(c, {});
    CHECK_FALSE(echo.on_binary(c, "\x01"));
    echo.on_close(c);
  }
}

}  // namespace
}  // namespace docket::realtime

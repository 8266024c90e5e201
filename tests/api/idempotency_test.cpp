// Idempotent retries over real HTTP (docs/http.md, "Idempotent retries"): a retry with
// the same Idempotency-Key gets the first answer again and appends nothing; the key with
// another body is 422; keys are scoped to their caller; and after a restart, when the
// kept answer is gone, the outcome in the log still stops a second append.
#include <doctest/doctest.h>

#include <string>

#include "events/event_store.h"
#include "tests/api/api_fixture.h"

namespace docket::api_testing {
namespace {

constexpr std::string_view kInquiries = "/api/support-inquiries";

std::string key_header(std::string_view key) {
  return "Idempotency-Key: " + std::string(key) + "\r\n";
}

struct Guest {
  std::int64_t id = 0;
  std::string token;
};

Guest open_guest(ApiServer& s) {
  auto r = s.call("POST", kInquiries, R"({"subject":"Printer","message":"It jams"})");
  REQUIRE_MESSAGE(r.status == 201, r.raw.body);
  return {r.data_int("id"), r.data_string("inquiryAccessToken")};
}

std::string messages_path(const Guest& g) {
  return std::string(kInquiries) + "/" + std::to_string(g.id) + "/messages";
}

std::size_t message_count(ApiServer& s, const Guest& g) {
  auto list = s.call("GET", messages_path(g), {}, g.token);
  REQUIRE_MESSAGE(list.status == 200, list.raw.body);
  return list.json["data"].get_array().value().size();
}

std::uint64_t head(ApiServer& s) {
  return s.runtime().store().head();
}

}  // namespace

TEST_SUITE("api") {
  TEST_CASE("a retry with the same Idempotency-Key gets the first answer and appends nothing") {
    ApiServer server;
    const Guest guest = open_guest(server);
    const std::string key = key_header("0b6f5d2e-4c1a-4f7e-9a55-3c2d1e0f9a01");
    const std::string path = messages_path(guest);
    const std::size_t opened_with = message_count(server, guest);

    auto first = server.call("POST", path, R"({"message":"Any news?"})", guest.token, key);
    REQUIRE_MESSAGE(first.status == 201, first.raw.body);
    CHECK_FALSE(first.raw.has_header("Idempotent-Replayed"));
    const std::uint64_t after_first = head(server);

    auto retry = server.call("POST", path, R"({"message":"Any news?"})", guest.token, key);
    CHECK(retry.status == 201);
    CHECK(retry.raw.body == first.raw.body);
    CHECK(retry.raw.header("Idempotent-Replayed") == "true");
    CHECK(retry.raw.header("X-Docket-Event-Id") == first.raw.header("X-Docket-Event-Id"));
    CHECK(head(server) == after_first);
    CHECK(message_count(server, guest) == opened_with + 1);

    SUBCASE("the same key with another body is 422 and changes nothing") {
      auto other = server.call("POST", path, R"({"message":"Hello?"})", guest.token, key);
      CHECK(other.status == 422);
      CHECK(other.error_code() == "IDEMPOTENCY_KEY_MISMATCH");
      CHECK(head(server) == after_first);
    }
    SUBCASE("another key is another request") {
      auto second = server.call("POST", path, R"({"message":"Any news?"})", guest.token,
                                key_header("0b6f5d2e-4c1a-4f7e-9a55-3c2d1e0f9a02"));
      CHECK(second.status == 201);
      CHECK(second.data_int("id") != first.data_int("id"));
      CHECK(message_count(server, guest) == opened_with + 2);
    }
    SUBCASE("a key is scoped to its caller") {
      const Guest other = open_guest(server);
      auto theirs =
          server.call("POST", messages_path(other), R"({"message":"Any news?"})", other.token, key);
      CHECK(theirs.status == 201);
      CHECK_FALSE(theirs.raw.has_header("Idempotent-Replayed"));
      CHECK(message_count(server, other) == opened_with + 1);
    }
    SUBCASE("a Structured Field string is the same key") {
      auto quoted = server.call("POST", path, R"({"message":"Any news?"})", guest.token,
                                key_header("\"0b6f5d2e-4c1a-4f7e-9a55-3c2d1e0f9a01\""));
      CHECK(quoted.status == 201);
      CHECK(quoted.raw.header("Idempotent-Replayed") == "true");
    }
    SUBCASE("a malformed key is refused before anything runs") {
      for (std::string_view bad :
           {"short", "\"unterminated-but-long-enough", "has space inside it"}) {
        CAPTURE(bad);
        auto refused =
            server.call("POST", path, R"({"message":"x"})", guest.token, key_header(bad));
        CHECK(refused.status == 400);
        CHECK(refused.error_code() == "VALIDATION_ERROR");
      }
      CHECK(head(server) == after_first);
    }
  }

  TEST_CASE("a refused request is not kept: its retry is decided again") {
    ApiServer server;
    const Guest guest = open_guest(server);
    const std::string key = key_header("refused-then-fine-0001");
    auto empty = server.call("POST", messages_path(guest), R"({"message":""})", guest.token, key);
    CHECK(empty.status == 400);
    auto again = server.call("POST", messages_path(guest), R"({"message":""})", guest.token, key);
    CHECK(again.status == 400);
    CHECK_FALSE(again.raw.has_header("Idempotent-Replayed"));
  }

  TEST_CASE("after a restart the log's outcome stops a second append") {
    testing::TempDir dir;
    const std::string key = key_header("restart-key-000000000001");
    Guest guest;
    std::string first_body;
    std::string first_event;
    std::string open_key_body;
    std::uint64_t head_before = 0;
    std::size_t messages_before = 0;
    {
      ApiServer server(dir.path());
      guest = open_guest(server);
      auto first = server.call("POST", messages_path(guest), R"({"message":"Still broken"})",
                               guest.token, key);
      REQUIRE_MESSAGE(first.status == 201, first.raw.body);
      first_body = first.raw.body;
      first_event = first.raw.header("X-Docket-Event-Id");
      auto opened = server.call("POST", kInquiries, R"({"subject":"Again","message":"Hi"})", {},
                                key_header("open-inquiry-key-0000001"));
      REQUIRE(opened.status == 201);
      open_key_body = opened.raw.body;
      head_before = head(server);
      messages_before = message_count(server, guest);
      server.stop();
    }
    ApiServer server(dir.path());
    // The answer was kept in memory only; the handler answers again from the first
    // command's outcome, so the message is the same one and nothing is appended.
    auto retry = server.call("POST", messages_path(guest), R"({"message":"Still broken"})",
                             guest.token, key);
    CHECK(retry.status == 201);
    CHECK(retry.raw.header("X-Docket-Event-Id") == first_event);
    CHECK(retry.raw.body == first_body);
    CHECK(head(server) == head_before);
    CHECK(message_count(server, guest) == messages_before);

    auto other =
        server.call("POST", messages_path(guest), R"({"message":"Changed"})", guest.token, key);
    CHECK(other.status == 422);
    CHECK(other.error_code() == "IDEMPOTENCY_KEY_MISMATCH");

    // Opening an inquiry answers with a guest token made for that request: it cannot be
    // answered again, and a second inquiry is not opened either.
    auto reopened = server.call("POST", kInquiries, R"({"subject":"Again","message":"Hi"})", {},
                                key_header("open-inquiry-key-0000001"));
    CHECK(reopened.status == 409);
    CHECK(reopened.error_code() == "IDEMPOTENCY_RESPONSE_LOST");
    CHECK(head(server) == head_before);
  }
}

}  // namespace docket::api_testing

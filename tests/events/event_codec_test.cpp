// encode_event / decode_event / check_event_hash: the record text and its hash.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/crypto.h"
#include "core/time_format.h"
#include "events/event.h"

namespace docket::events {
namespace {

EventRecord encode_sample(std::uint64_t id = 7, std::string_view prev = kGenesisHash) {
  Actor actor{"staff", 42};
  RequestMeta meta{"req-1", "203.0.113.7", "curl/8.0"};
  NewEvent ev{"support.inquiry.created", 2,
              "{ \"subject\": \"Printer \\\"HQ\\\" offline\",\n \"n\": [1, 2.5e3] }"};
  EventRecord out;
  encode_event(id, "support_inquiry-3", 4, 1795225824123, actor, meta, ev, prev, out);
  return out;
}

// The worked example of docs/event-log.md: its inputs, and the record they produce.
EventRecord encode_docs_example() {
  Actor actor{"guest", 1};
  RequestMeta meta{"req-5f1c2a", "203.0.113.7", ""};
  NewEvent ev{"support.inquiry.created", 1,
              R"({"inquiryId": 1, "trackingCode": "INQ-8K4P2X", "subject": "Printer offline",
                  "channel": "web"})"};
  EventRecord out;
  encode_event(1, "support_inquiry-1", 1, *parse_iso8601("2026-11-22T01:50:24.123Z"), actor, meta,
               ev, kGenesisHash, out);
  return out;
}

}  // namespace

TEST_SUITE("events") {
  TEST_CASE("encode writes the documented compact layout with keys in order") {
    const EventRecord rec = encode_sample();
    const std::string expected_prefix =
        R"({"eventId":7,"type":"support.inquiry.created","version":2,"stream":"support_inquiry-3",)"
        R"("streamVersion":4,"occurredAt":"2026-11-21T01:50:24.123Z",)"
        R"("actor":{"type":"staff","id":42},)"
        R"("meta":{"requestId":"req-1","ip":"203.0.113.7","userAgent":"curl/8.0"},)"
        R"("data":{"subject":"Printer \"HQ\" offline","n":[1,2.5e3]},)"
        R"("prevHash":"0000000000000000000000000000000000000000000000000000000000000000")";
    CHECK(rec.json.substr(0, expected_prefix.size()) == expected_prefix);
    CHECK(rec.json == expected_prefix + R"(,"hash":")" + rec.hash + R"("})");
    CHECK(rec.hash == sha256_hex(expected_prefix));
    CHECK(rec.data == R"({"subject":"Printer \"HQ\" offline","n":[1,2.5e3]})");
  }

  TEST_CASE("decode returns every field of an encoded record") {
    const EventRecord rec = encode_sample(9, std::string(64, 'a'));
    auto decoded = decode_event(rec.json);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    CHECK(decoded->eventId == 9);
    CHECK(decoded->type == "support.inquiry.created");
    CHECK(decoded->version == 2);
    CHECK(decoded->stream == "support_inquiry-3");
    CHECK(decoded->streamVersion == 4);
    CHECK(decoded->occurredAt == 1795225824123);
    CHECK(decoded->actor.type == "staff");
    CHECK(decoded->actor.id == 42);
    CHECK(decoded->meta.requestId == "req-1");
    CHECK(decoded->meta.ip == "203.0.113.7");
    CHECK(decoded->meta.userAgent == "curl/8.0");
    CHECK(decoded->data == rec.data);
    CHECK(decoded->prevHash == std::string(64, 'a'));
    CHECK(decoded->hash == rec.hash);
    CHECK(decoded->json == rec.json);
    CHECK(check_event_hash(*decoded));
  }

  TEST_CASE("empty meta strings and a missing actor id are written as null") {
    EventRecord rec;
    encode_event(1, "s-1", 1, 0, Actor::system(), RequestMeta{}, NewEvent{"t.x", 1, "{}"},
                 kGenesisHash, rec);
    CHECK(rec.json.find(R"("actor":{"type":"system","id":null})") != std::string::npos);
    CHECK(rec.json.find(R"("meta":{"requestId":null,"ip":null,"userAgent":null})") !=
          std::string::npos);
    auto decoded = decode_event(rec.json);
    REQUIRE(decoded.ok());
    CHECK_FALSE(decoded->actor.id.has_value());
    CHECK(decoded->meta.requestId.empty());
    CHECK(decoded->data == "{}");
  }

  TEST_CASE("every single-byte change to a record is detected") {
    const EventRecord rec = encode_sample();
    for (unsigned char mask : {0x01, 0x20, 0x80}) {
      for (std::size_t i = 0; i < rec.json.size(); ++i) {
        std::string tampered = rec.json;
        tampered[i] = static_cast<char>(tampered[i] ^ mask);
        auto decoded = decode_event(tampered);
        const bool detected = !decoded.ok() || !check_event_hash(*decoded);
        CHECK_MESSAGE(detected, "offset ", i, " mask ", int(mask));
        if (!decoded.ok()) CHECK(decoded.status().IsCorruption());
      }
    }
  }

  TEST_CASE("truncated records do not decode") {
    const EventRecord rec = encode_sample();
    for (std::size_t len = 0; len < rec.json.size(); len += 7) {
      CHECK_FALSE(decode_event(std::string_view(rec.json).substr(0, len)).ok());
    }
    CHECK_FALSE(decode_event(rec.json.substr(0, rec.json.size() - 1)).ok());
  }

  TEST_CASE("decode rejects records that are not in canonical form") {
    const EventRecord rec = encode_sample();
    std::string json = rec.json;
    SUBCASE("keys out of order") {
      std::string swapped = R"({"type":"t","eventId":7)" + json.substr(json.find(",\"version\""));
      CHECK(decode_event(swapped).status().IsCorruption());
    }
    SUBCASE("a missing key") {
      const auto at = json.find(",\"version\":2");
      std::string missing =
          json.substr(0, at) + json.substr(at + std::string(",\"version\":2").size());
      CHECK(decode_event(missing).status().IsCorruption());
    }
    SUBCASE("an extra key") {
      std::string extra = json;
      extra.insert(extra.find(",\"data\""), R"(,"extra":1)");
      CHECK(decode_event(extra).status().IsCorruption());
    }
    SUBCASE("bytes after the record") {
      CHECK_FALSE(decode_event(json + " ").ok());
      CHECK_FALSE(decode_event(json + json).ok());
    }
    SUBCASE("upper-case hex hash") {
      std::string upper = json;
      for (std::size_t i = upper.size() - 66; i < upper.size() - 2; ++i) {
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
      }
      if (upper != json) CHECK(decode_event(upper).status().IsCorruption());
    }
    SUBCASE("data that is not an object") {
      std::string array = json;
      const auto at = array.find("\"data\":") + 7;
      const auto end = array.find(",\"prevHash\"");
      array.replace(at, end - at, "[1,2]");
      CHECK(decode_event(array).status().IsCorruption());
    }
    SUBCASE("not JSON at all") {
      CHECK(decode_event("hello").status().IsCorruption());
    }
  }

  TEST_CASE("check_event_hash fails when the hash field does not match the bytes") {
    EventRecord rec = encode_sample();
    CHECK(check_event_hash(rec));
    rec.hash[0] = rec.hash[0] == '0' ? '1' : '0';
    CHECK_FALSE(check_event_hash(rec));
  }

  TEST_CASE("the worked example in docs/event-log.md is what the encoder produces") {
    const EventRecord rec = encode_docs_example();
    std::ifstream in(std::string(DOCKET_SOURCE_DIR) + "/docs/event-log.md");
    REQUIRE(in.good());
    std::stringstream doc;
    doc << in.rdbuf();
    CHECK_MESSAGE(doc.str().find(rec.json) != std::string::npos, rec.json);
    CHECK_MESSAGE(doc.str().find(rec.hash) != std::string::npos, rec.hash);
    auto decoded = decode_event(rec.json);
    REQUIRE(decoded.ok());
    CHECK(check_event_hash(*decoded));
  }
}

}  // namespace docket::events

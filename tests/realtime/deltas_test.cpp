#include "realtime/deltas.h"

#include <doctest/doctest.h>

namespace docket::realtime {

TEST_SUITE("realtime") {
  TEST_CASE("room names and the streams behind them") {
    CHECK(room_name({RoomKind::kRequest, 42}) == "support:request:42:messages");
    CHECK(room_name({RoomKind::kInquiry, 7}) == "support:inquiry:7:messages");
    auto room = parse_room_name("support:inquiry:7:messages");
    REQUIRE(room);
    CHECK(room->kind == RoomKind::kInquiry);
    CHECK(room->id == 7);
    CHECK(room_stream(*room) == "support_inquiry-7");
    CHECK(room_stream({RoomKind::kRequest, 42}) == "support_request-42");
    for (const char* bad : {"support:request:0:messages", "support:request:042:messages",
                            "support:request:-1:messages", "support:request:4x:messages",
                            "support:request::messages", "support:request:42", "staff",
                            "support:ticket:1:messages", "support:request:42:messages "}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_room_name(bad));
    }
    CHECK(delta_event_name(RoomKind::kRequest) == "support.request_message.created");
    CHECK(delta_event_name(RoomKind::kInquiry) == "support.inquiry_message.created");
  }

  TEST_CASE("a message event's delta has the REST message shape") {
    events::EventRecord e;
    e.eventId = 1234;
    e.type = "support.request_message.created";
    e.occurredAt = 1'795'000'000'123;
    e.data = R"({"supportRequestId":42,"messageId":9,"senderType":"admin","senderId":3,)"
             R"("message":"On its way \"today\""})";
    auto delta = message_delta(e, "epoch-1");
    REQUIRE(delta);
    CHECK(delta->room.kind == RoomKind::kRequest);
    CHECK(delta->room.id == 42);
    CHECK(delta->eventId == 1234);
    CHECK(delta->json ==
          R"({"eventId":1234,"logEpoch":"epoch-1","room":"support:request:42:messages",)"
          R"("message":{"id":9,"senderType":"admin","senderId":3,)"
          R"("message":"On its way \"today\"","createdAt":"2026-11-18T11:06:40.123Z",)"
          R"("eventId":1234,"attachments":[]}})");

    e.type = "support.inquiry_message.created";
    e.data = R"({"supportInquiryId":5,"messageId":2,"senderType":"visitor","senderId":null,)"
             R"("message":"hi"})";
    auto inquiry = message_delta(e, "epoch-1", "INQ-8K4P2X");
    REQUIRE(inquiry);
    CHECK(inquiry->room.kind == RoomKind::kInquiry);
    CHECK(inquiry->json ==
          R"({"eventId":1234,"logEpoch":"epoch-1","room":"support:inquiry:5:messages",)"
          R"("trackingCode":"INQ-8K4P2X","message":{"id":2,"senderType":"visitor",)"
          R"("senderId":null,"message":"hi","createdAt":"2026-11-18T11:06:40.123Z",)"
          R"("eventId":1234,"attachments":[]}})");
  }

  TEST_CASE("other and malformed events have no delta") {
    events::EventRecord e;
    e.eventId = 1;
    e.type = "support.request.status_changed";
    e.data = R"({"supportRequestId":42,"from":"open","to":"closed"})";
    CHECK_FALSE(message_delta(e, "x"));
    e.type = "support.request_message.created";
    e.data = R"({"messageId":9})";  // no request id
    CHECK_FALSE(message_delta(e, "x"));
    e.data = "not json";
    CHECK_FALSE(message_delta(e, "x"));
  }
}

}  // namespace docket::realtime

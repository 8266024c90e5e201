// Typed event payloads (events/payload.h): one declaration gives the writer's JSON and
// the reader's strict decode; a stored older version is upcast to today's struct.
#include "events/payload.h"

#include <doctest/doctest.h>

namespace docket::events {
namespace {

struct Origin {
  std::int64_t messageId = 0;
  std::string at;
  static constexpr auto fields() {
    return std::tuple{field("messageId", &Origin::messageId), field("at", &Origin::at)};
  }
};

struct NoteAdded {
  static constexpr std::string_view kType = "test.note.added";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t noteId = 0;
  std::string text;
  bool pinned = false;
  std::optional<std::int64_t> authorId;
  std::vector<std::string> tags;
  RawJson extra;
  std::optional<Origin> copiedFrom;
  static constexpr auto fields() {
    using E = NoteAdded;
    return std::tuple{
        field("noteId", &E::noteId),        field("text", &E::text), field("pinned", &E::pinned),
        field("authorId", &E::authorId),    field("tags", &E::tags), field("extra", &E::extra),
        field("copiedFrom", &E::copiedFrom)};
  }
};

struct NoteRemoved {
  static constexpr std::string_view kType = "test.note.removed";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t noteId = 0;
  static constexpr auto fields() { return std::tuple{field("noteId", &NoteRemoved::noteId)}; }
};

// Version 1 of an event whose payload later changed: `title` became `subject`, and a
// required `priority` was added.
struct TicketOpenedV1 {
  static constexpr std::string_view kType = "test.ticket.opened";
  static constexpr std::uint32_t kVersion = 1;
  std::int64_t ticketId = 0;
  std::string title;
  static constexpr auto fields() {
    return std::tuple{field("ticketId", &TicketOpenedV1::ticketId),
                      field("title", &TicketOpenedV1::title)};
  }
};

struct TicketOpened {
  static constexpr std::string_view kType = "test.ticket.opened";
  static constexpr std::uint32_t kVersion = 2;
  std::int64_t ticketId = 0;
  std::string subject;
  std::string priority;
  static constexpr auto fields() {
    return std::tuple{field("ticketId", &TicketOpened::ticketId),
                      field("subject", &TicketOpened::subject),
                      field("priority", &TicketOpened::priority)};
  }
  using Previous = TicketOpenedV1;
  static TicketOpened upcast(TicketOpenedV1 old) {
    return {old.ticketId, std::move(old.title), "medium"};
  }
};

EventRecord stored(std::string type, std::uint32_t version, std::string data) {
  EventRecord r;
  r.eventId = 12;
  r.type = std::move(type);
  r.version = version;
  r.stream = "note-3";
  r.data = std::move(data);
  return r;
}

EventRecord stored(const NewEvent& e) {
  return stored(e.type, e.version, e.data);
}

}  // namespace

TEST_SUITE("events") {
  TEST_CASE("payloads encode their fields in declaration order and decode back") {
    NoteAdded note{7,
                   "Call back",
                   true,
                   std::nullopt,
                   {"vip", "phone"},
                   RawJson{R"({"a":[1]})"},
                   Origin{3, "2026-11-22T10:17:30.000Z"}};
    const NewEvent e = to_new_event(note);
    CHECK(e.type == "test.note.added");
    CHECK(e.version == 1);
    CHECK(e.data ==
          R"({"noteId":7,"text":"Call back","pinned":true,"authorId":null,"tags":["vip","phone"],)"
          R"("extra":{"a":[1]},"copiedFrom":{"messageId":3,"at":"2026-11-22T10:17:30.000Z"}})");
    auto back = decode<NoteAdded>(stored(e));
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(back->noteId == 7);
    CHECK(back->text == "Call back");
    CHECK(back->pinned);
    CHECK_FALSE(back->authorId.has_value());
    CHECK(back->tags == std::vector<std::string>{"vip", "phone"});
    CHECK(back->extra.text == R"({"a":[1]})");
    REQUIRE(back->copiedFrom.has_value());
    CHECK(back->copiedFrom->messageId == 3);
  }

  TEST_CASE("a missing or mistyped field is Corruption naming the event and the field") {
    const auto failure = [](std::string data) {
      auto r = decode<NoteAdded>(stored("test.note.added", 1, std::move(data)));
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().IsCorruption());
      return r.status().message();
    };
    const std::string base = R"("pinned":false,"tags":[],"extra":null)";
    CHECK(failure(R"({"text":"x",)" + base + "}") ==
          "event 12 (test.note.added) of note-3: field noteId is missing");
    CHECK(failure(R"({"noteId":"7","text":"x",)" + base + "}") ==
          "event 12 (test.note.added) of note-3: field noteId is string, not an integer");
    CHECK(failure(R"({"noteId":7,"text":null,)" + base + "}") ==
          "event 12 (test.note.added) of note-3: field text is null, not a string");
    CHECK(failure(R"({"noteId":7.5,"text":"x",)" + base + "}")
              .ends_with("is number, not an integer"));
    CHECK(failure(R"({"noteId":7,"text":"x","pinned":false,"tags":["a",2],"extra":null})")
              .ends_with("field tags[1] is integer, not a string"));
    CHECK(failure(R"({"noteId":7,"text":"x",)" + base + R"(,"copiedFrom":{"at":"t"}})")
              .ends_with("field copiedFrom.messageId is missing"));
    CHECK(failure(R"({"noteId":7,"text":"x",)" + base + R"(,"authorId":"me"})")
              .ends_with("field authorId is string, not an integer"));
    CHECK(failure("[1]").ends_with("data is not a JSON object"));
  }

  TEST_CASE("optional fields may be absent or null; unknown members are ignored") {
    auto r = decode<NoteAdded>(
        stored("test.note.added", 1,
               R"({"noteId":7,"text":"x","pinned":false,"tags":[],"extra":null,"addedLater":1})"));
    REQUIRE(r.ok());
    CHECK_FALSE(r->authorId.has_value());
    CHECK_FALSE(r->copiedFrom.has_value());
    CHECK(r->extra.text == "null");
  }

  TEST_CASE("decoding refuses another type, a newer version, and an old one nobody upcasts") {
    CHECK(decode<NoteRemoved>(stored("test.note.added", 1, "{}")).status().IsCorruption());
    auto newer = decode<NoteRemoved>(stored("test.note.removed", 2, R"({"noteId":1})"));
    CHECK(newer.status().IsCorruption());
    CHECK(newer.status().message().find("schema version 2") != std::string::npos);
    CHECK(decode<NoteRemoved>(stored("test.note.removed", 0, R"({"noteId":1})"))
              .status()
              .IsCorruption());
  }

  TEST_CASE("a version-1 record is upcast to today's struct; today's reads directly") {
    auto old = decode<TicketOpened>(
        stored("test.ticket.opened", 1, R"({"ticketId":4,"title":"Printer on fire"})"));
    REQUIRE_MESSAGE(old.ok(), old.status().ToString());
    CHECK(old->ticketId == 4);
    CHECK(old->subject == "Printer on fire");
    CHECK(old->priority == "medium");
    const NewEvent today = to_new_event(TicketOpened{5, "Paper jam", "low"});
    CHECK(today.version == 2);
    auto current = decode<TicketOpened>(stored(today));
    REQUIRE(current.ok());
    CHECK(current->priority == "low");
    // A version-1 record is read by version 1's rules: its fields must be there.
    auto broken = decode<TicketOpened>(stored("test.ticket.opened", 1, R"({"ticketId":4})"));
    CHECK(broken.status().message().ends_with("field title is missing"));
    CHECK(decode<TicketOpened>(stored("test.ticket.opened", 3, "{}")).status().IsCorruption());
  }

  TEST_CASE("event sets decode into a variant by type") {
    using NoteEvent = EventSet<NoteAdded, NoteRemoved>;
    CHECK(NoteEvent::contains("test.note.removed"));
    CHECK_FALSE(NoteEvent::contains("test.note.edited"));
    auto removed = NoteEvent::decode(stored(to_new_event(NoteRemoved{9})));
    REQUIRE(removed.ok());
    CHECK(std::get<NoteRemoved>(*removed).noteId == 9);
    CHECK(NoteEvent::decode(stored("test.note.edited", 1, "{}")).status().IsCorruption());
    CHECK(NoteEvent::decode(stored("test.note.removed", 1, "{}")).status().IsCorruption());
  }
}

}  // namespace docket::events

// The event envelope: what one entry of the log holds.
//
// Every state change in Docket is an event. The log stores each event as one line of
// compact JSON (see docs/event-log.md for the grammar and a worked example):
//
//   {"eventId":1,"type":"account.registered","version":1,"stream":"account-1",
//    "streamVersion":1,"occurredAt":"2026-11-22T01:50:24.123Z",
//    "actor":{"type":"system","id":null},"meta":{"requestId":"…","ip":"…","userAgent":"…"},
//    "data":{…},"prevHash":"<64 hex>","hash":"<64 hex>"}
//
// `hash` is the SHA-256 of every byte before `,"hash":` (so it covers prevHash and
// chains the log); `prevHash` of event 1 is 64 zeros.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace docket::events {

// Who caused an event. type: "system", "customer", "staff", "guest", "anonymous".
// id: the account id (customer, staff), the inquiry id (guest), or none.
struct Actor {
  std::string type = "system";
  std::optional<std::int64_t> id;

  static Actor system() { return Actor{}; }
};

// Where the command that caused an event came from. Empty strings are written as null.
// Never holds a secret: no tokens, no codes, no passwords.
struct RequestMeta {
  std::string requestId;
  std::string ip;
  std::string userAgent;
};

// An event a command wants to append; the store fills in the rest of the envelope.
struct NewEvent {
  std::string type;           // "support.inquiry.created"
  std::uint32_t version = 1;  // schema version of `data`
  std::string data = "{}";    // REQUIRES: a JSON object, compact or not
};

// One stored event, as read back from the log.
struct EventRecord {
  std::uint64_t eventId = 0;
  std::string type;
  std::uint32_t version = 1;
  std::string stream;
  std::uint64_t streamVersion = 0;
  UnixMillis occurredAt = 0;
  Actor actor;
  RequestMeta meta;
  std::string data;      // the JSON object text, exactly as stored
  std::string prevHash;  // 64 lower-case hex characters
  std::string hash;      // 64 lower-case hex characters
  std::string json;      // the whole stored record, exactly as stored
};

// The prevHash of event 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Serialises an event for the log and computes its hash. `out.json` holds the stored
// text; the other fields of `out` are set from the arguments.
// REQUIRES: ev.data is a valid JSON object (checked by the store before this call).
void encode_event(std::uint64_t eventId, std::string_view stream, std::uint64_t streamVersion,
                  UnixMillis occurredAt, const Actor& actor, const RequestMeta& meta,
                  const NewEvent& ev, std::string_view prevHash, EventRecord& out);

// Parses a stored record. Corruption when the text is not a well-formed record.
// Does not check the hash; see check_event_hash.
Result<EventRecord> decode_event(std::string_view json);

// True when record.hash is the SHA-256 of the stored bytes before `,"hash":`.
bool check_event_hash(const EventRecord& record);

}  // namespace docket::events

// The event log's on-disk layout: column family names, key encodings and meta keys.
//
// docs/event-log.md describes the same format in prose, with a grammar and a worked
// example. Changing anything here changes the format: bump kFormatVersion.
//
//   CF "log"     BE64(eventId)                      -> record JSON (events/event.h)
//   CF "streams" stream '\0' BE64(streamVersion)    -> BE64(eventId)
//   CF "unique"  key                                -> owning stream
//   CF "meta"    "head"          -> BE64(last durable eventId)
//                "logEpoch"      -> 32 lower-case hex characters, made at creation
//                "formatVersion" -> decimal text, kFormatVersion
//                "seq:" sequence -> BE64(last id taken from the sequence)
//   CF "idempotency" "k" key -> outcome JSON; "x" BE64(expiresAt) key -> ""
//                (events/idempotency.h; outside the hash chain)
//
// BE64 is an unsigned 64-bit integer in big-endian byte order, so the byte order of keys
// is their numeric order. Stream names hold no NUL byte, so the '\0' separator keeps
// every stream's keys together and ordered by version.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace docket::events::log_format {

inline constexpr std::string_view kLogColumn = "log";
inline constexpr std::string_view kStreamsColumn = "streams";
inline constexpr std::string_view kUniqueColumn = "unique";
inline constexpr std::string_view kMetaColumn = "meta";
// Outcomes under idempotency keys (events/idempotency.h); absent from logs written
// before it existed, which read as holding none.
inline constexpr std::string_view kIdempotencyColumn = "idempotency";

inline constexpr std::string_view kMetaHead = "head";
inline constexpr std::string_view kMetaLogEpoch = "logEpoch";
inline constexpr std::string_view kMetaFormatVersion = "formatVersion";
inline constexpr std::string_view kFormatVersion = "1";
// Prefix of the meta key holding an id sequence's last id.
inline constexpr std::string_view kMetaSequencePrefix = "seq:";
inline constexpr std::size_t kMaxSequenceBytes = 64;

// Bytes of random data behind the 32 hex characters of logEpoch.
inline constexpr std::size_t kLogEpochBytes = 16;
// Limits on names a request may use (checked before a command is queued).
inline constexpr std::size_t kMaxStreamBytes = 200;
inline constexpr std::size_t kMaxUniqueKeyBytes = 512;
inline constexpr std::size_t kMaxEventTypeBytes = 128;

// Appends BE64(v) to `out`.
inline void append_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

inline std::string encode_be64(std::uint64_t v) {
  std::string out;
  out.reserve(8);
  append_be64(out, v);
  return out;
}

// Reads BE64 from exactly 8 bytes; false for any other length.
inline bool decode_be64(std::string_view bytes, std::uint64_t& v) {
  if (bytes.size() != 8) return false;
  v = 0;
  for (char c : bytes)
    v = (v << 8) | static_cast<unsigned char>(c);
  return true;
}

// Meta key of id sequence `sequence`.
inline std::string sequence_key(std::string_view sequence) {
  std::string out(kMetaSequencePrefix);
  out.append(sequence);
  return out;
}

// Key of event `eventId` in the log CF.
inline std::string log_key(std::uint64_t eventId) {
  return encode_be64(eventId);
}

// stream '\0': every key of `stream` in the streams CF starts with this.
inline std::string stream_prefix(std::string_view stream) {
  std::string out;
  out.reserve(stream.size() + 9);
  out.append(stream);
  out.push_back('\0');
  return out;
}

// Key of (stream, version) in the streams CF.
inline std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string out = stream_prefix(stream);
  append_be64(out, version);
  return out;
}

// The first key after every key of `stream` (an exclusive upper bound).
inline std::string stream_upper_bound(std::string_view stream) {
  std::string out(stream);
  out.push_back('\x01');
  return out;
}

// Splits a streams CF key; false when it is not stream '\0' BE64.
inline bool parse_stream_key(std::string_view key, std::string_view& stream,
                             std::uint64_t& version) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  stream = key.substr(0, key.size() - 9);
  return decode_be64(key.substr(key.size() - 8), version);
}

}  // namespace docket::events::log_format

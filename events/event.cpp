#include "events/event.h"

#include <array>
#include <cassert>
#include <iterator>
#include <limits>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/time_format.h"

namespace docket::events {
namespace {

namespace od = simdjson::ondemand;

// The keys of a record, in the only order a record may have them.
constexpr std::array<std::string_view, 11> kRecordKeys = {
    "eventId", "type", "version", "stream",   "streamVersion", "occurredAt",
    "actor",   "meta", "data",    "prevHash", "hash"};
constexpr std::array<std::string_view, 2> kActorKeys = {"type", "id"};
constexpr std::array<std::string_view, 3> kMetaKeys = {"requestId", "ip", "userAgent"};

// A record ends with `,"hash":"` <64 hex> `"}`; the hash covers every byte before it.
constexpr std::string_view kHashMarker = ",\"hash\":\"";
constexpr std::size_t kHashHexChars = 64;
constexpr std::size_t kTrailerChars = kHashMarker.size() + kHashHexChars + 2;

bool is_lower_hex64(std::string_view s) {
  if (s.size() != kHashHexChars) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The byte offset where `,"hash":"` starts, or npos when the trailer is malformed.
std::size_t hash_marker_offset(std::string_view json) {
  if (json.size() < kTrailerChars + 2) return std::string_view::npos;
  const std::size_t at = json.size() - kTrailerChars;
  if (json.substr(at, kHashMarker.size()) != kHashMarker) return std::string_view::npos;
  if (json.substr(json.size() - 2) != "\"}") return std::string_view::npos;
  return at;
}

Status malformed(std::string_view what) {
  return Status::Corruption(fmt::format("malformed event record: {}", what));
}

Status json_error(std::string_view where, simdjson::error_code e) {
  return malformed(fmt::format("{}: {}", where, simdjson::error_message(e)));
}

void append_nullable_string(std::string& out, const std::string& s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

Status read_string(od::value& v, std::string_view key, std::string& out) {
  std::string_view s;
  if (auto e = v.get_string().get(s)) return json_error(key, e);
  out.assign(s);
  return Status::Ok();
}

// null reads as "" (the encoder writes "" as null).
Status read_nullable_string(od::value& v, std::string_view key, std::string& out) {
  bool is_null = false;
  if (auto e = v.is_null().get(is_null)) return json_error(key, e);
  if (is_null) {
    out.clear();
    return Status::Ok();
  }
  return read_string(v, key, out);
}

Status read_u64(od::value& v, std::string_view key, std::uint64_t& out) {
  if (auto e = v.get_uint64().get(out)) return json_error(key, e);
  return Status::Ok();
}

// Iterates an object whose keys must be exactly `keys`, in order.
// V is an ondemand value or the document itself.
template <typename V, std::size_t N, typename Fn>
Status read_fixed_object(V& v, std::string_view what, const std::array<std::string_view, N>& keys,
                         Fn&& on_field) {
  od::object obj;
  if (auto e = v.get_object().get(obj)) return json_error(what, e);
  std::size_t index = 0;
  for (auto field_result : obj) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return json_error(what, e);
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return json_error(what, e);
    if (index >= N || key != keys[index]) {
      return malformed(fmt::format("{}: unexpected key \"{}\"", what, key));
    }
    Status st = on_field(index, field.value());
    if (!st.ok()) return st;
    ++index;
  }
  if (index != N) return malformed(fmt::format("{}: missing key \"{}\"", what, keys[index]));
  return Status::Ok();
}

Status read_actor(od::value& v, Actor& actor) {
  return read_fixed_object(v, "actor", kActorKeys, [&](std::size_t i, od::value field) {
    if (i == 0) return read_string(field, "actor.type", actor.type);
    bool is_null = false;
    if (auto e = field.is_null().get(is_null)) return json_error("actor.id", e);
    if (is_null) {
      actor.id.reset();
      return Status::Ok();
    }
    std::int64_t id = 0;
    if (auto e = field.get_int64().get(id)) return json_error("actor.id", e);
    actor.id = id;
    return Status::Ok();
  });
}

Status read_meta(od::value& v, RequestMeta& meta) {
  return read_fixed_object(v, "meta", kMetaKeys, [&](std::size_t i, od::value field) {
    std::string& out = i == 0 ? meta.requestId : i == 1 ? meta.ip : meta.userAgent;
    return read_nullable_string(field, kMetaKeys[i], out);
  });
}

Status read_record_field(std::size_t index, od::value v, EventRecord& rec) {
  switch (index) {
    case 0: {
      Status st = read_u64(v, "eventId", rec.eventId);
      if (st.ok() && rec.eventId == 0) return malformed("eventId is 0");
      return st;
    }
    case 1:
      return read_string(v, "type", rec.type);
    case 2: {
      std::uint64_t version = 0;
      Status st = read_u64(v, "version", version);
      if (!st.ok()) return st;
      if (version > std::numeric_limits<std::uint32_t>::max()) {
        return malformed("version out of range");
      }
      rec.version = static_cast<std::uint32_t>(version);
      return Status::Ok();
    }
    case 3:
      return read_string(v, "stream", rec.stream);
    case 4: {
      Status st = read_u64(v, "streamVersion", rec.streamVersion);
      if (st.ok() && rec.streamVersion == 0) return malformed("streamVersion is 0");
      return st;
    }
    case 5: {
      std::string text;
      Status st = read_string(v, "occurredAt", text);
      if (!st.ok()) return st;
      const auto ms = parse_iso8601(text);
      if (!ms) return malformed(fmt::format("occurredAt \"{}\" is not a timestamp", text));
      rec.occurredAt = *ms;
      return Status::Ok();
    }
    case 6:
      return read_actor(v, rec.actor);
    case 7:
      return read_meta(v, rec.meta);
    case 8: {
      od::object data;
      if (auto e = v.get_object().get(data)) return json_error("data", e);
      std::string_view raw;
      if (auto e = data.raw_json().get(raw)) return json_error("data", e);
      rec.data.assign(raw);
      return Status::Ok();
    }
    case 9: {
      Status st = read_string(v, "prevHash", rec.prevHash);
      if (st.ok() && !is_lower_hex64(rec.prevHash)) return malformed("prevHash is not 64 hex");
      return st;
    }
    case 10: {
      Status st = read_string(v, "hash", rec.hash);
      if (st.ok() && !is_lower_hex64(rec.hash)) return malformed("hash is not 64 hex");
      return st;
    }
    default:
      return malformed("too many keys");
  }
}

}  // namespace

void encode_event(std::uint64_t eventId, std::string_view stream, std::uint64_t streamVersion,
                  UnixMillis occurredAt, const Actor& actor, const RequestMeta& meta,
                  const NewEvent& ev, std::string_view prevHash, EventRecord& out) {
  assert(is_lower_hex64(prevHash));
  std::string& j = out.json;
  j.clear();
  j.reserve(320 + ev.type.size() + stream.size() + ev.data.size() + meta.requestId.size() +
            meta.ip.size() + meta.userAgent.size());
  auto it = std::back_inserter(j);
  fmt::format_to(it, "{{\"eventId\":{},\"type\":", eventId);
  append_json_string(j, ev.type);
  fmt::format_to(it, ",\"version\":{},\"stream\":", ev.version);
  append_json_string(j, stream);
  fmt::format_to(it, ",\"streamVersion\":{},\"occurredAt\":\"", streamVersion);
  append_iso8601(j, occurredAt);
  j += "\",\"actor\":{\"type\":";
  append_json_string(j, actor.type);
  j += ",\"id\":";
  if (actor.id) {
    fmt::format_to(it, "{}", *actor.id);
  } else {
    j += "null";
  }
  j += "},\"meta\":{\"requestId\":";
  append_nullable_string(j, meta.requestId);
  j += ",\"ip\":";
  append_nullable_string(j, meta.ip);
  j += ",\"userAgent\":";
  append_nullable_string(j, meta.userAgent);
  j += "},\"data\":";
  const std::size_t data_at = j.size();
  j.resize(data_at + ev.data.size());
  std::size_t data_len = 0;
  const auto minified =
      simdjson::minify(ev.data.data(), ev.data.size(), j.data() + data_at, data_len);
  // REQUIRES says ev.data is valid JSON; minify only fails on unterminated strings.
  assert(minified == simdjson::SUCCESS);
  if (minified != simdjson::SUCCESS) {
    j.resize(data_at);
    j.append(ev.data);
    data_len = ev.data.size();
  } else {
    j.resize(data_at + data_len);
  }
  out.data.assign(j, data_at, data_len);
  j += ",\"prevHash\":\"";
  j.append(prevHash);
  j += '"';
  out.hash = sha256_hex(j);
  j += kHashMarker;
  j += out.hash;
  j += "\"}";
  // Invariant: the hash covers exactly the bytes before the trailer.
  assert(hash_marker_offset(j) == j.size() - kTrailerChars);

  out.eventId = eventId;
  out.type = ev.type;
  out.version = ev.version;
  out.stream.assign(stream);
  out.streamVersion = streamVersion;
  out.occurredAt = occurredAt;
  out.actor = actor;
  out.meta = meta;
  out.prevHash.assign(prevHash);
}

Result<EventRecord> decode_event(std::string_view json) {
  if (hash_marker_offset(json) == std::string_view::npos) {
    return malformed("record does not end with ,\"hash\":\"<64 hex>\"}");
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; parse from a padded copy.
  thread_local od::parser parser;
  thread_local std::string scratch;
  scratch.assign(json);
  scratch.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (auto e = parser.iterate(scratch.data(), scratch.size(), scratch.capacity()).get(doc)) {
    return json_error("record", e);
  }
  EventRecord rec;
  Status st = read_fixed_object(doc, "record", kRecordKeys, [&](std::size_t i, od::value v) {
    return read_record_field(i, std::move(v), rec);
  });
  if (!st.ok()) return st;
  // After the root object the iterator must be past the last token.
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    return malformed("bytes after the record");
  }
  // Invariant: the parsed hash is the one in the fixed-position trailer.
  if (json.substr(json.size() - kHashHexChars - 2, kHashHexChars) != rec.hash) {
    return malformed("hash is not the last field");
  }
  rec.json.assign(json);
  return rec;
}

bool check_event_hash(const EventRecord& record) {
  const std::string_view json = record.json;
  const std::size_t at = hash_marker_offset(json);
  if (at == std::string_view::npos) return false;
  if (json.substr(json.size() - kHashHexChars - 2, kHashHexChars) != record.hash) return false;
  return sha256_hex(json.substr(0, at)) == record.hash;
}

}  // namespace docket::events

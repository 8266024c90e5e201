#include "events/idempotency.h"

#include "core/json_view.h"
#include "core/json_writer.h"
#include "events/log_format.h"

namespace docket::events::idempotency {
namespace {

Status corrupt(std::string_view what) {
  return Status::Corruption(std::string("idempotency outcome: ") + std::string(what));
}

std::optional<std::uint64_t> unsigned_of(const std::optional<JsonView>& v) {
  if (!v) return std::nullopt;
  auto n = v->int64();
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

}  // namespace

std::string outcome_key(std::string_view key) {
  std::string out = "k";
  out.append(key);
  return out;
}

std::string expiry_key(UnixMillis expires_at, std::string_view key) {
  std::string out = "x";
  log_format::append_be64(out, static_cast<std::uint64_t>(std::max<UnixMillis>(expires_at, 0)));
  out.append(key);
  return out;
}

bool parse_expiry_key(std::string_view entry, UnixMillis& expires_at, std::string& key) {
  if (entry.size() < 9 || entry.front() != 'x') return false;
  std::uint64_t at = 0;
  if (!log_format::decode_be64(entry.substr(1, 8), at)) return false;
  expires_at = static_cast<UnixMillis>(at);
  key.assign(entry.substr(9));
  return true;
}

std::string encode_outcome(const IdempotentOutcome& o) {
  JsonWriter w;
  w.begin_object();
  w.field("fingerprint", o.fingerprint);
  w.field("firstEventId", o.result.firstEventId);
  w.field("lastEventId", o.result.lastEventId);
  w.field("occurredAt", static_cast<std::int64_t>(o.result.occurredAt));
  w.key("streamVersions").begin_array();
  for (std::uint64_t v : o.result.streamVersions)
    w.value(v);
  w.end_array();
  w.key("ids").begin_array();
  for (const IdClaim& id : o.ids) {
    w.begin_object();
    w.field("sequence", id.sequence);
    w.field("id", id.id);
    w.field("count", id.count);
    w.end_object();
  }
  w.end_array();
  w.key("streams").begin_array();
  for (const std::string& stream : o.streams)
    w.value(stream);
  w.end_array();
  w.key("types").begin_array();
  for (const std::string& type : o.types)
    w.value(type);
  w.end_array();
  w.field("expiresAt", static_cast<std::int64_t>(o.expiresAt));
  w.end_object();
  return w.take();
}

Result<IdempotentOutcome> decode_outcome(std::string_view json) {
  JsonDocument doc;
  auto root = doc.parse(json);
  if (!root.ok()) return corrupt(root.status().message());
  IdempotentOutcome o;
  auto fingerprint = root->member("fingerprint");
  auto fingerprint_text = fingerprint ? fingerprint->string() : std::nullopt;
  auto first = unsigned_of(root->member("firstEventId"));
  auto last = unsigned_of(root->member("lastEventId"));
  auto occurred = root->member("occurredAt");
  auto expires = root->member("expiresAt");
  auto occurred_ms = occurred ? occurred->int64() : std::nullopt;
  auto expires_ms = expires ? expires->int64() : std::nullopt;
  if (!fingerprint_text || !first || !last || !occurred_ms || !expires_ms) {
    return corrupt("a field is missing");
  }
  o.fingerprint = std::string(*fingerprint_text);
  o.result.firstEventId = *first;
  o.result.lastEventId = *last;
  o.result.occurredAt = *occurred_ms;
  o.expiresAt = *expires_ms;
  if (auto versions = root->member("streamVersions")) {
    for (const JsonView& v : versions->elements()) {
      auto n = unsigned_of(v);
      if (!n) return corrupt("a stream version is not a count");
      o.result.streamVersions.push_back(*n);
    }
  }
  if (auto ids = root->member("ids")) {
    for (const JsonView& v : ids->elements()) {
      auto sequence = v.member("sequence");
      auto sequence_text = sequence ? sequence->string() : std::nullopt;
      auto id = unsigned_of(v.member("id"));
      auto count = unsigned_of(v.member("count"));
      if (!sequence_text || !id || !count) return corrupt("an id claim is malformed");
      o.ids.push_back({std::string(*sequence_text), *id, *count});
    }
  }
  if (auto streams = root->member("streams")) {
    for (const JsonView& v : streams->elements()) {
      auto stream = v.string();
      if (!stream) return corrupt("a stream name is not a string");
      o.streams.emplace_back(*stream);
    }
  }
  if (auto types = root->member("types")) {
    for (const JsonView& v : types->elements()) {
      auto type = v.string();
      if (!type) return corrupt("an event type is not a string");
      o.types.emplace_back(*type);
    }
  }
  return o;
}

IdempotentOutcome outcome_of(const AppendRequest& request, const AppendResult& result,
                             UnixMillis expires_at) {
  IdempotentOutcome o;
  o.fingerprint = request.idempotency.fingerprint;
  o.result = result;
  o.ids = request.ids;
  for (const StreamAppend& stream : request.streams) {
    o.streams.push_back(stream.stream);
    for (const NewEvent& event : stream.events)
      o.types.push_back(event.type);
  }
  o.expiresAt = expires_at;
  return o;
}

}  // namespace docket::events::idempotency

#include "events/append_validation.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json_writer.h"
#include "events/idempotency.h"
#include "events/log_format.h"

namespace docket::events {
namespace {

// Fixed cost of one record besides its variable-length fields (keys, numbers, hashes).
constexpr std::size_t kRecordOverheadBytes = 320;

bool is_event_type_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Status validate_event_type(std::string_view type) {
  if (type.empty() || type.size() > log_format::kMaxEventTypeBytes) {
    return Status::InvalidArgument(
        fmt::format("event type must be 1..{} bytes", log_format::kMaxEventTypeBytes));
  }
  for (char c : type) {
    if (!is_event_type_char(c)) {
      return Status::InvalidArgument(
          fmt::format("event type \"{}\" may hold only letters, digits, '.', '_', '-'", type));
    }
  }
  return Status::Ok();
}

Status validate_actor_type(std::string_view type) {
  if (type.empty() || type.size() > 32) {
    return Status::InvalidArgument("actor type must be 1..32 bytes");
  }
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) {
      return Status::InvalidArgument(
          fmt::format("actor type \"{}\" may hold only a-z and '_'", type));
    }
  }
  return Status::Ok();
}

Status validate_data(std::string_view stream, std::string_view type, std::string_view data) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto e = parser.parse(data.data(), data.size(), true).get(root)) {
    return Status::InvalidArgument(fmt::format("data of {} event in stream {} is not JSON: {}",
                                               type, stream, simdjson::error_message(e)));
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    return Status::InvalidArgument(
        fmt::format("data of {} event in stream {} is not a JSON object", type, stream));
  }
  return Status::Ok();
}

void replace_invalid_utf8(std::string& s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return;
  // append_json_string writes U+FFFD for every invalid byte; parse the result back.
  std::string quoted;
  append_json_string(quoted, s);
  thread_local simdjson::dom::parser parser;
  std::string_view clean;
  if (parser.parse(quoted.data(), quoted.size(), true).get_string().get(clean) ==
      simdjson::SUCCESS) {
    s.assign(clean);
  } else {
    s.clear();
  }
}

}  // namespace

Status validate_stream_name(std::string_view stream) {
  if (stream.empty() || stream.size() > log_format::kMaxStreamBytes) {
    return Status::InvalidArgument(
        fmt::format("stream name must be 1..{} bytes", log_format::kMaxStreamBytes));
  }
  for (char c : stream) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      return Status::InvalidArgument("stream name must not hold control characters");
    }
  }
  if (!simdjson::validate_utf8(stream.data(), stream.size())) {
    return Status::InvalidArgument("stream name is not valid UTF-8");
  }
  return Status::Ok();
}

Status validate_append_request(const AppendRequest& request, std::size_t max_bytes) {
  if (request.streams.empty()) return Status::InvalidArgument("append names no stream");
  for (const StreamAppend& sa : request.streams) {
    Status st = validate_stream_name(sa.stream);
    if (!st.ok()) return st;
    if (sa.events.empty()) {
      return Status::InvalidArgument(fmt::format("append to stream {} has no events", sa.stream));
    }
    for (const NewEvent& ev : sa.events) {
      st = validate_event_type(ev.type);
      if (!st.ok()) return st;
      if (ev.version == 0) {
        return Status::InvalidArgument(fmt::format("event {} has schema version 0", ev.type));
      }
      st = validate_data(sa.stream, ev.type, ev.data);
      if (!st.ok()) return st;
    }
  }
  for (const UniqueClaim& claim : request.claims) {
    if (claim.key.empty() || claim.key.size() > log_format::kMaxUniqueKeyBytes) {
      return Status::InvalidArgument(
          fmt::format("unique key must be 1..{} bytes", log_format::kMaxUniqueKeyBytes));
    }
    Status st = validate_stream_name(claim.owner);
    if (!st.ok()) {
      return Status::InvalidArgument(
          fmt::format("owner of unique key {}: {}", claim.key, st.message()));
    }
  }
  if (request.idempotency.key.size() > idempotency::kMaxKeyBytes ||
      request.idempotency.fingerprint.size() > idempotency::kMaxFingerprintBytes) {
    return Status::InvalidArgument(
        fmt::format("idempotency key and fingerprint must be at most {} and {} bytes",
                    idempotency::kMaxKeyBytes, idempotency::kMaxFingerprintBytes));
  }
  for (const std::string& key : request.releases) {
    if (key.empty() || key.size() > log_format::kMaxUniqueKeyBytes) {
      return Status::InvalidArgument(
          fmt::format("released unique key must be 1..{} bytes", log_format::kMaxUniqueKeyBytes));
    }
  }
  for (std::size_t i = 0; i < request.ids.size(); ++i) {
    const IdClaim& claim = request.ids[i];
    if (claim.sequence.empty() || claim.sequence.size() > log_format::kMaxSequenceBytes) {
      return Status::InvalidArgument(
          fmt::format("id sequence name must be 1..{} bytes", log_format::kMaxSequenceBytes));
    }
    for (char c : claim.sequence) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
        return Status::InvalidArgument(
            fmt::format("id sequence \"{}\" may hold only a-z, 0-9, '_' and '.'", claim.sequence));
      }
    }
    if (claim.id == 0) {
      return Status::InvalidArgument(fmt::format("id 0 of sequence {}", claim.sequence));
    }
    if (claim.count == 0 || claim.count > 1'000'000) {
      return Status::InvalidArgument(
          fmt::format("sequence {}: a claim takes 1 to 1,000,000 ids", claim.sequence));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (request.ids[j].sequence == claim.sequence) {
        return Status::InvalidArgument(
            fmt::format("sequence {} is claimed twice in one append", claim.sequence));
      }
    }
  }
  Status st = validate_actor_type(request.actor.type);
  if (!st.ok()) return st;
  const std::size_t bytes = approximate_bytes(request);
  if (bytes > max_bytes) {
    return Status::InvalidArgument(
        fmt::format("append of about {} bytes exceeds the limit of {}", bytes, max_bytes));
  }
  return Status::Ok();
}

void normalize_request_text(AppendRequest& request) {
  replace_invalid_utf8(request.meta.requestId);
  replace_invalid_utf8(request.meta.ip);
  replace_invalid_utf8(request.meta.userAgent);
}

std::size_t approximate_bytes(const AppendRequest& request) {
  const std::size_t meta_bytes =
      request.meta.requestId.size() + request.meta.ip.size() + request.meta.userAgent.size();
  std::size_t total = 0;
  for (const StreamAppend& sa : request.streams) {
    for (const NewEvent& ev : sa.events) {
      // The record, plus the stream index entry.
      total += kRecordOverheadBytes + ev.type.size() + ev.data.size() + meta_bytes +
               2 * sa.stream.size() + 32;
    }
  }
  for (const UniqueClaim& claim : request.claims)
    total += claim.key.size() + claim.owner.size();
  for (const std::string& key : request.releases)
    total += key.size();
  return total;
}

}  // namespace docket::events

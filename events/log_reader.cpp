#include "events/log_reader.h"

#include <algorithm>
#include <cassert>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <rocksdb/db.h>

#include "events/idempotency.h"
#include "events/log_db.h"
#include "events/log_format.h"

namespace docket::events {
namespace {

Result<EventRecord> decode_stored(std::uint64_t eventId, std::string_view value) {
  auto decoded = decode_event(value);
  if (!decoded.ok()) {
    return Status::Corruption(fmt::format("event {}: {}", eventId, decoded.status().message()));
  }
  if (decoded->eventId != eventId) {
    return Status::Corruption(
        fmt::format("event {}: record holds eventId {}", eventId, decoded->eventId));
  }
  return decoded;
}

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

}  // namespace

Result<EventRecord> LogReader::read_event(std::uint64_t eventId) const {
  rocksdb::PinnableSlice value;
  const auto s =
      db_.db()->Get(rocksdb::ReadOptions(), db_.log(), log_format::log_key(eventId), &value);
  if (s.IsNotFound()) return Status::NotFound(fmt::format("event {} is not in the log", eventId));
  if (!s.ok()) return from_rocks(s, fmt::format("reading event {}", eventId));
  return decode_stored(eventId, view(value));
}

Status LogReader::scan(std::uint64_t from, std::uint64_t to,
                       const std::function<bool(const EventRecord&)>& fn) const {
  assert(from >= 1);
  if (from > to) return Status::Ok();
  const std::string upper = to == UINT64_MAX ? std::string(9, '\xff') : log_format::log_key(to + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(ro, db_.log()));
  std::uint64_t expected = from;
  for (it->Seek(log_format::log_key(from)); it->Valid(); it->Next()) {
    std::uint64_t id = 0;
    if (!log_format::decode_be64(view(it->key()), id)) {
      return Status::Corruption(fmt::format("event {}: malformed log key", expected));
    }
    if (id != expected) return Status::Corruption(fmt::format("event {} is missing", expected));
    auto rec = decode_stored(id, view(it->value()));
    if (!rec.ok()) return rec.status();
    if (!fn(*rec)) return Status::Ok();
    ++expected;
  }
  if (!it->status().ok()) return from_rocks(it->status(), "scanning the log");
  if (expected <= to && to != UINT64_MAX) {
    return Status::Corruption(fmt::format("event {} is missing", expected));
  }
  return Status::Ok();
}

Result<std::vector<std::uint64_t>> LogReader::stream_event_ids(std::string_view stream,
                                                               std::uint64_t fromVersion,
                                                               std::size_t limit,
                                                               std::uint64_t max_event_id) const {
  std::vector<std::uint64_t> ids;
  if (limit == 0) return ids;
  const std::string upper = log_format::stream_upper_bound(stream);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(ro, db_.streams()));
  for (it->Seek(log_format::stream_key(stream, std::max<std::uint64_t>(fromVersion, 1)));
       it->Valid() && ids.size() < limit; it->Next()) {
    std::uint64_t id = 0;
    if (!log_format::decode_be64(view(it->value()), id)) {
      return Status::Corruption(fmt::format("stream index entry of {} is not an eventId", stream));
    }
    if (id > max_event_id) break;
    ids.push_back(id);
  }
  if (!it->status().ok()) return from_rocks(it->status(), "reading the stream index");
  return ids;
}

Result<std::vector<EventRecord>> LogReader::read_stream(std::string_view stream,
                                                        std::uint64_t fromVersion,
                                                        std::size_t limit,
                                                        std::uint64_t max_event_id) const {
  auto ids = stream_event_ids(stream, fromVersion, limit, max_event_id);
  if (!ids.ok()) return ids.status();
  std::vector<EventRecord> events;
  events.reserve(ids->size());
  // One batched lookup per chunk of the stream (ids ascend, so keys are sorted): a
  // long stream read cold costs a few block reads, not one Get per event.
  constexpr std::size_t kChunk = 256;
  std::vector<std::string> keys;
  std::vector<rocksdb::Slice> slices;
  std::vector<rocksdb::PinnableSlice> values(std::min(kChunk, ids->size()));
  std::vector<rocksdb::Status> statuses(values.size());
  for (std::size_t at = 0; at < ids->size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, ids->size() - at);
    keys.clear();
    slices.clear();
    for (std::size_t i = 0; i < n; ++i)
      keys.push_back(log_format::log_key((*ids)[at + i]));
    for (const std::string& key : keys)
      slices.emplace_back(key);
    for (rocksdb::PinnableSlice& value : values)
      value.Reset();
    db_.db()->MultiGet(rocksdb::ReadOptions(), db_.log(), n, slices.data(), values.data(),
                       statuses.data(), /*sorted_input=*/true);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t id = (*ids)[at + i];
      if (statuses[i].IsNotFound()) {
        return Status::Corruption(
            fmt::format("stream index of {} points to event {}, which is missing", stream, id));
      }
      if (!statuses[i].ok()) return from_rocks(statuses[i], fmt::format("reading event {}", id));
      auto rec = decode_stored(id, view(values[i]));
      if (!rec.ok()) return rec.status();
      if (rec->stream != stream) {
        return Status::Corruption(fmt::format("stream index of {} points to event {} of stream {}",
                                              stream, id, rec->stream));
      }
      events.push_back(std::move(rec).value());
    }
  }
  return events;
}

Result<std::uint64_t> LogReader::stream_version(std::string_view stream,
                                                std::uint64_t max_event_id) const {
  const std::string prefix = log_format::stream_prefix(stream);
  rocksdb::Slice lower_slice(prefix);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(ro, db_.streams()));
  for (it->SeekForPrev(log_format::stream_key(stream, UINT64_MAX)); it->Valid(); it->Prev()) {
    std::string_view key_stream;
    std::uint64_t version = 0;
    std::uint64_t id = 0;
    if (!log_format::parse_stream_key(view(it->key()), key_stream, version) ||
        key_stream != stream || !log_format::decode_be64(view(it->value()), id)) {
      return Status::Corruption(fmt::format("malformed stream index entry for {}", stream));
    }
    if (id <= max_event_id) return version;
  }
  if (!it->status().ok()) return from_rocks(it->status(), "reading the stream index");
  return std::uint64_t{0};
}

Result<std::string> LogReader::unique_owner(std::string_view key) const {
  std::string owner;
  const auto s = db_.db()->Get(rocksdb::ReadOptions(), db_.unique(), key, &owner);
  if (s.IsNotFound()) return std::string();
  if (!s.ok()) return from_rocks(s, "reading the unique index");
  return owner;
}

Result<std::uint64_t> LogReader::last_id(std::string_view sequence) const {
  auto value = meta(log_format::sequence_key(sequence));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::uint64_t{0};
  std::uint64_t id = 0;
  if (!log_format::decode_be64(**value, id)) {
    return Status::Corruption(fmt::format("meta seq:{} is not a BE64 value", sequence));
  }
  return id;
}

Result<std::optional<std::string>> LogReader::meta(std::string_view key) const {
  std::string value;
  const auto s = db_.db()->Get(rocksdb::ReadOptions(), db_.meta(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return from_rocks(s, fmt::format("reading meta {}", key));
  return std::optional<std::string>(std::move(value));
}

Result<std::uint64_t> LogReader::last_log_key() const {
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(rocksdb::ReadOptions(), db_.log()));
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return from_rocks(it->status(), "reading the last log key");
    return std::uint64_t{0};
  }
  std::uint64_t id = 0;
  if (!log_format::decode_be64(view(it->key()), id)) {
    return Status::Corruption("the last log key is not a BE64 eventId");
  }
  return id;
}

Result<std::optional<IdempotentOutcome>> LogReader::idempotent_outcome(std::string_view key,
                                                                       UnixMillis now) const {
  if (db_.idempotency() == nullptr) return std::optional<IdempotentOutcome>();
  std::string value;
  const auto s = db_.db()->Get(rocksdb::ReadOptions(), db_.idempotency(),
                               idempotency::outcome_key(key), &value);
  if (s.IsNotFound()) return std::optional<IdempotentOutcome>();
  if (!s.ok()) return from_rocks(s, "reading an idempotency key");
  auto outcome = idempotency::decode_outcome(value);
  if (!outcome.ok()) return outcome.status();
  if (outcome->expiresAt <= now) return std::optional<IdempotentOutcome>();
  return std::optional<IdempotentOutcome>(std::move(outcome).value());
}

Result<std::vector<std::string>> LogReader::expired_idempotency_keys(UnixMillis now,
                                                                     std::size_t limit) const {
  std::vector<std::string> keys;
  if (db_.idempotency() == nullptr) return keys;
  Status st = scan_raw(LogColumn::kIdempotency, "x", [&](std::string_view entry, std::string_view) {
    UnixMillis expires_at = 0;
    std::string key;
    if (!idempotency::parse_expiry_key(entry, expires_at, key) || expires_at > now) return false;
    keys.push_back(std::string(entry));
    return keys.size() < limit;
  });
  if (!st.ok()) return st;
  return keys;
}

Status LogReader::scan_raw(LogColumn column, std::string_view start, const RawEntryFn& fn) const {
  if (db_.column(column) == nullptr) return Status::Ok();  // absent from an old log
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_.db()->NewIterator(ro, db_.column(column)));
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
    if (!fn(view(it->key()), view(it->value()))) return Status::Ok();
  }
  return from_rocks(it->status(), "scanning the log");
}

}  // namespace docket::events

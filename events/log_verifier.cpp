#include "events/log_verifier.h"

#include <unordered_map>

#include <fmt/format.h>

#include "core/crypto.h"
#include "events/append_validation.h"
#include "events/event.h"
#include "events/event_store.h"
#include "events/log_format.h"

namespace docket::events {
namespace {

constexpr std::uint64_t kProgressEvery = 4096;

std::string hex_of(std::string_view bytes) {
  return to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

class Verifier {
 public:
  Verifier(const EventStore& store, const VerifyProgressFn& progress)
      : store_(store), progress_(progress) {
    report_.head = store.head();
  }

  VerifyReport run() {
    Status st = store_.scan_raw(
        LogColumn::kLog, "",
        [&](std::string_view key, std::string_view value) { return check_record(key, value); });
    if (!st.ok()) return read_failed(st);
    if (!read_error_.ok()) return read_failed(read_error_);
    if (report_.ok() && next_ - 1 != report_.head) {
      fail(next_, fmt::format("event {} is missing (the log ends at event {}, head is {})", next_,
                              next_ - 1, report_.head));
    }
    if (progress_) progress_(report_.events_checked);
    if (!report_.ok()) return report_;

    st =
        store_.scan_raw(LogColumn::kStreams, "", [&](std::string_view key, std::string_view value) {
          return check_index_entry(key, value);
        });
    if (!st.ok()) return read_failed(st);
    report_.streams_checked = last_version_.size();
    return report_;
  }

 private:
  bool fail(std::uint64_t eventId, std::string reason) {
    report_.bad_event_id = eventId;
    report_.reason = std::move(reason);
    report_.status = Status::Corruption(
        eventId ? fmt::format("event {}: {}", eventId, report_.reason) : report_.reason);
    return false;
  }

  VerifyReport read_failed(const Status& st) {
    report_.status = st;
    report_.bad_event_id = 0;
    report_.reason = st.message();
    return report_;
  }

  bool check_record(std::string_view key, std::string_view value) {
    std::uint64_t id = 0;
    if (!log_format::decode_be64(key, id)) {
      return fail(next_, fmt::format("malformed log key {}", hex_of(key)));
    }
    if (id > report_.head) return false;  // appended after verification started
    if (id != next_) {
      return fail(next_,
                  fmt::format("event {} is missing (the next record is event {})", next_, id));
    }
    auto rec = decode_event(value);
    if (!rec.ok()) return fail(id, rec.status().message());
    if (rec->eventId != id) {
      return fail(id, fmt::format("record holds eventId {}", rec->eventId));
    }
    if (rec->prevHash != prev_hash_) {
      return fail(id, fmt::format("prevHash {} does not match the hash of the previous event",
                                  rec->prevHash));
    }
    if (!check_event_hash(*rec)) return fail(id, "hash does not match the record");
    if (Status st = validate_stream_name(rec->stream); !st.ok()) {
      return fail(id, st.message());
    }
    std::uint64_t& last = last_version_[rec->stream];
    if (rec->streamVersion != last + 1) {
      return fail(id, fmt::format("stream {} has version {} after version {} (expected {})",
                                  rec->stream, rec->streamVersion, last, last + 1));
    }
    last = rec->streamVersion;
    if (!check_index_points_here(*rec)) return false;
    prev_hash_ = rec->hash;
    ++next_;
    ++report_.events_checked;
    if (progress_ && report_.events_checked % kProgressEvery == 0) {
      progress_(report_.events_checked);
    }
    return true;
  }

  // The stream index must hold exactly (stream, version) -> rec.eventId.
  bool check_index_points_here(const EventRecord& rec) {
    const std::string key = log_format::stream_key(rec.stream, rec.streamVersion);
    bool found = false;
    std::uint64_t indexed = 0;
    bool well_formed = true;
    Status st =
        store_.scan_raw(LogColumn::kStreams, key, [&](std::string_view k, std::string_view v) {
          found = k == key;
          well_formed = log_format::decode_be64(v, indexed);
          return false;
        });
    if (!st.ok()) {
      read_error_ = st;
      return false;
    }
    if (!found) {
      return fail(rec.eventId, fmt::format("stream index has no entry for ({}, {})", rec.stream,
                                           rec.streamVersion));
    }
    if (!well_formed) {
      return fail(rec.eventId, fmt::format("stream index entry ({}, {}) is not an eventId",
                                           rec.stream, rec.streamVersion));
    }
    if (indexed != rec.eventId) {
      return fail(rec.eventId, fmt::format("stream index maps ({}, {}) to event {}", rec.stream,
                                           rec.streamVersion, indexed));
    }
    return true;
  }

  bool check_index_entry(std::string_view key, std::string_view value) {
    std::string_view stream;
    std::uint64_t version = 0;
    std::uint64_t id = 0;
    const bool id_ok = log_format::decode_be64(value, id);
    if (!log_format::parse_stream_key(key, stream, version) || !id_ok) {
      return fail(id_ok ? id : 0,
                  fmt::format("malformed stream index entry {} -> {}", hex_of(key), hex_of(value)));
    }
    if (id > report_.head) return true;  // appended after verification started
    ++report_.index_entries_checked;
    auto it = last_version_.find(std::string(stream));
    if (it == last_version_.end() || version > it->second) {
      return fail(id, fmt::format("stream index entry ({}, {}) points to event {}, but the log "
                                  "has no such stream version",
                                  stream, version, id));
    }
    return true;
  }

  const EventStore& store_;
  const VerifyProgressFn& progress_;
  VerifyReport report_;
  Status read_error_;
  std::uint64_t next_ = 1;
  std::string prev_hash_{kGenesisHash};
  std::unordered_map<std::string, std::uint64_t> last_version_;
};

}  // namespace

VerifyReport verify_log(const EventStore& store, const VerifyProgressFn& progress) {
  return Verifier(store, progress).run();
}

}  // namespace docket::events

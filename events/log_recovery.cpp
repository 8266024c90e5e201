#include "events/log_recovery.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "core/crypto.h"
#include "events/event.h"
#include "events/log_db.h"
#include "events/log_format.h"
#include "events/log_reader.h"

namespace docket::events {
namespace {

std::string new_log_epoch() {
  return to_hex(
      reinterpret_cast<const std::uint8_t*>(random_bytes(log_format::kLogEpochBytes).data()),
      log_format::kLogEpochBytes);
}

Status create_meta(LogDb& db, RecoveredLog& out) {
  out.logEpoch = new_log_epoch();
  rocksdb::WriteBatch batch;
  batch.Put(db.meta(), log_format::kMetaFormatVersion, log_format::kFormatVersion);
  batch.Put(db.meta(), log_format::kMetaLogEpoch, out.logEpoch);
  batch.Put(db.meta(), log_format::kMetaHead, log_format::encode_be64(0));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return from_rocks(db.db()->Write(wo, &batch), "creating the event log");
}

}  // namespace

Result<std::string> renew_log_epoch(LogDb& db) {
  std::string epoch = new_log_epoch();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  Status st = from_rocks(db.db()->Put(wo, db.meta(), log_format::kMetaLogEpoch, epoch),
                         "giving the copy a logEpoch");
  if (!st.ok()) return st;
  return epoch;
}

Result<RecoveredLog> recover_log(LogDb& db, bool create) {
  const LogReader reader(db);
  RecoveredLog out;
  auto epoch = reader.meta(log_format::kMetaLogEpoch);
  if (!epoch.ok()) return epoch.status();
  auto head_bytes = reader.meta(log_format::kMetaHead);
  if (!head_bytes.ok()) return head_bytes.status();
  auto format = reader.meta(log_format::kMetaFormatVersion);
  if (!format.ok()) return format.status();
  auto last = reader.last_log_key();
  if (!last.ok()) return last.status();

  if (!epoch->has_value() && !head_bytes->has_value() && *last == 0) {
    if (!create) return Status::NotFound(fmt::format("{} holds no event log", db.path()));
    Status st = create_meta(db, out);
    if (!st.ok()) return st;
    out.prevHash = std::string(kGenesisHash);
    return out;
  }
  if (!format->has_value() || **format != log_format::kFormatVersion) {
    return Status::FailedPrecondition(
        fmt::format("event log at {} has format version \"{}\"; this build reads \"{}\"", db.path(),
                    format->value_or(""), log_format::kFormatVersion));
  }
  if (!epoch->has_value() || (*epoch)->size() != 2 * log_format::kLogEpochBytes) {
    return Status::Corruption("meta logEpoch is missing or malformed");
  }
  out.logEpoch = **epoch;
  if (!head_bytes->has_value() || !log_format::decode_be64(**head_bytes, out.head)) {
    return Status::Corruption("meta head is missing or malformed");
  }
  if (out.head != *last) {
    return Status::Corruption(
        fmt::format("meta head is {} but the last record in the log is event {}", out.head, *last));
  }
  if (out.head == 0) {
    out.prevHash = std::string(kGenesisHash);
    return out;
  }
  auto rec = reader.read_event(out.head);
  if (!rec.ok()) return rec.status();
  if (!check_event_hash(*rec)) {
    return Status::Corruption(fmt::format("event {} (head) fails its hash check", out.head));
  }
  out.prevHash = rec->hash;
  return out;
}

}  // namespace docket::events

#include "scheduler/attachment_cleanup.h"

#include "domain/attachment.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "events/event_store.h"
#include "projections/attachment_query.h"
#include "projections/reader_pool.h"

namespace docket::scheduler {

Result<AttachmentCleanupOutcome> clean_attachments(
    events::EventStore& store, projections::ReaderPool& readers, const BlobStore& blobs,
    UnixMillis now, UnixMillis orphan_ms, std::chrono::seconds blob_grace, std::size_t batch) {
  AttachmentCleanupOutcome outcome;
  const UnixMillis before = now - orphan_ms;
  const domain::CommandMeta meta;  // the system
  std::vector<std::string> ids;
  {
    auto lease = readers.lease();
    if (!lease.ok()) return lease.status();
    auto found = projections::AttachmentQuery(lease->db()).orphans(before, batch);
    if (!found.ok()) return found.status();
    ids = std::move(found).value();
  }
  for (const std::string& id : ids) {
    auto executed = domain::execute(store, domain::ExpireOrphanAttachment{id, before}, meta);
    const auto refusal = domain::refusal_of(executed.status());
    if (executed.ok()) {
      ++outcome.expired;
    } else if (refusal == domain::Refusal::kAttachmentNotExpired ||
               refusal == domain::Refusal::kAttachmentNotFound) {
      ++outcome.skipped;
    } else {
      return executed.status();
    }
  }
  // Files: what the read model no longer references (it catches up with the deletions
  // above by the next run at the latest).
  auto names = blobs.list();
  if (!names.ok()) return names.status();
  auto lease = readers.lease();
  if (!lease.ok()) return lease.status();
  projections::AttachmentQuery query(lease->db());
  for (const std::string& name : *names) {
    auto used = query.referenced(name);
    if (!used.ok()) return used.status();
    if (*used) continue;
    const auto age = blobs.age_seconds(name);
    if (!age || *age < blob_grace.count()) continue;
    if (Status s = blobs.remove(name); !s.ok()) return s;
    ++outcome.blobsRemoved;
  }
  return outcome;
}

}  // namespace docket::scheduler

// The attachment sweep (docs/attachments.md): uploads never attached within
// DOCKET_ATTACHMENT_ORPHAN_HOURS are deleted (attachment.deleted, reason "orphan"), and
// files no live attachment references any more — deleted ones, expired orphans, and a
// file whose upload never reached the log — are removed once they have not been
// written or uploaded again for `blob_grace` (so a file an upload in flight is about to
// reference is left alone). Run by a CronJob on DOCKET_ATTACHMENT_CLEANUP_CRON.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/blob_store.h"
#include "core/clock.h"
#include "core/result.h"

namespace docket::events {
class EventStore;
}
namespace docket::projections {
class ReaderPool;
}

namespace docket::scheduler {

struct AttachmentCleanupOutcome {
  std::uint64_t expired = 0;       // orphans deleted now
  std::uint64_t skipped = 0;       // attached or deleted meanwhile
  std::uint64_t blobsRemoved = 0;  // files removed
};

// Expires the orphans uploaded before `now - orphan_ms` (by the log's clock) and removes
// unreferenced files older than `blob_grace` (by the file system's clock).
Result<AttachmentCleanupOutcome> clean_attachments(
    events::EventStore& store, projections::ReaderPool& readers, const BlobStore& blobs,
    UnixMillis now, UnixMillis orphan_ms, std::chrono::seconds blob_grace = std::chrono::hours(1),
    std::size_t batch = 500);

}  // namespace docket::scheduler

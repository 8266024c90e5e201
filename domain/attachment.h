// The attachment aggregate (docs/attachments.md): one uploaded file's metadata. Stream
// `attachment-<id>`, ids random ("att_" and 26 base-32 characters, unguessable: the id
// is not a secret, access is checked on every download). Events:
// domain/attachment_events.h.
//
// An attachment is uploaded, then attached once — to a message of a support request or
// inquiry, or to the first message of the item a journey creates — by whoever uploaded
// it (an anonymous upload by any guest holding its id). It may be deleted: by staff, or
// as an orphan never attached in time.
//
// Pure: folding and the decisions read only the StagedView they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "domain/attachment_events.h"
#include "domain/command_meta.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::size_t kMaxAttachmentsPerMessage = 10;
inline constexpr std::size_t kMaxAttachmentFileName = 255;

std::string attachment_stream(std::string_view id);
// "att_" and 26 characters of [a-z2-7] from a CSPRNG.
std::string generate_attachment_id();
bool valid_attachment_id(std::string_view id);

// Who uploads or posts: kind "customer" / "staff" / "guest" / "anonymous" and the id
// (account, or the guest's inquiry; none when anonymous).
struct Uploader {
  std::string kind;
  std::optional<std::int64_t> id;
};

struct AttachmentPlacement {
  std::string kind;  // "support_request" / "support_inquiry"
  std::int64_t itemId = 0;
  std::optional<std::int64_t> messageId;
};

struct Attachment {
  std::string id;
  std::string sha256;
  std::int64_t size = 0;
  std::string contentType;
  std::string fileName;
  Uploader uploader;
  UnixMillis createdAt = 0;
  std::optional<AttachmentPlacement> attached;
  bool deleted = false;
  std::uint64_t version = 0;
};

Status apply(Attachment& a, const AttachmentEvent::Variant& event,
             const events::EventRecord& record);
Result<Attachment> load_attachment(const events::StagedView& view, std::string_view id);

// Whether `poster` may attach an upload of `uploader`: the same customer, staff member
// or guest inquiry; an anonymous upload by an anonymous or guest poster.
bool may_attach(const Uploader& uploader, const Uploader& poster);

// For the item decisions: attaches `ids` (at most kMaxAttachmentsPerMessage, no
// repeats) to a message — attachment.attached on each attachment's stream, in `streams`
// for the decision to add to its request last (after its own streams) — and returns
// what the message event records of them. Refused kAttachmentReferenceInvalid
// (unknown, deleted, someone else's) or kAttachmentAlreadyAttached.
struct AttachedUploads {
  std::vector<AttachmentRefRecord> refs;
  std::vector<events::StreamAppend> streams;
};
Result<AttachedUploads> attach_uploads(const events::StagedView& view,
                                       const std::vector<std::string>& ids, const Uploader& poster,
                                       const AttachmentPlacement& placement);
// The refs as a message event keeps them (none when there are none).
std::optional<std::vector<AttachmentRefRecord>> message_attachments(const AttachedUploads& a);
// Adds the attachment streams of `a` to `req` (last: references into req stay valid
// until then).
void add_attachment_streams(events::AppendRequest& req, AttachedUploads&& a);

// Commands. Refusals: kAttachmentNotFound, kAttachmentNotExpired (the orphan sweep
// skips it: attached, deleted, or not old enough).
struct RecordAttachmentUpload {
  static constexpr std::string_view kName = "attachment.upload";
  AttachmentUploaded upload;  // REQUIRES: a fresh id; the blob is stored already
};
struct DeleteAttachment {
  static constexpr std::string_view kName = "attachment.delete";
  std::string attachmentId;
  std::int64_t byStaffId = 0;
};
struct ExpireOrphanAttachment {
  static constexpr std::string_view kName = "attachment.expire";
  std::string attachmentId;
  UnixMillis uploadedBefore = 0;  // only an upload older than this expires
};

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RecordAttachmentUpload& c, const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view, const DeleteAttachment& c,
                                     const CommandMeta& meta);
Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ExpireOrphanAttachment& c, const CommandMeta& meta);

}  // namespace docket::domain

// The events of attachments (stream `attachment-<id>`; docs/attachments.md): an upload's
// metadata — never its bytes, which live in the blob store by SHA-256 — where it was
// attached, and its deletion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "events/payload.h"

namespace docket::domain {

// uploaderKind: "customer" / "staff" (uploaderId: the account), "guest" (uploaderId:
// the inquiry the guest token grants) or "anonymous" (no id: a visitor without a token,
// answering a journey before anything exists).
struct AttachmentUploaded {
  static constexpr std::string_view kType = "attachment.uploaded";
  static constexpr std::uint32_t kVersion = 1;
  std::string attachmentId;
  std::string sha256;
  std::int64_t size = 0;
  std::string contentType;  // from the bytes (sniffed), never from the client
  std::string fileName;
  std::string uploaderKind;
  std::optional<std::int64_t> uploaderId;
  static constexpr auto fields() {
    using E = AttachmentUploaded;
    return std::tuple{events::field("attachmentId", &E::attachmentId),
                      events::field("sha256", &E::sha256),
                      events::field("size", &E::size),
                      events::field("contentType", &E::contentType),
                      events::field("fileName", &E::fileName),
                      events::field("uploaderKind", &E::uploaderKind),
                      events::field("uploaderId", &E::uploaderId)};
  }
};

// kind: "support_request" / "support_inquiry"; messageId: the message it came with.
struct AttachmentAttached {
  static constexpr std::string_view kType = "attachment.attached";
  static constexpr std::uint32_t kVersion = 1;
  std::string attachmentId;
  std::string kind;
  std::int64_t itemId = 0;
  std::optional<std::int64_t> messageId;
  static constexpr auto fields() {
    using E = AttachmentAttached;
    return std::tuple{events::field("attachmentId", &E::attachmentId),
                      events::field("kind", &E::kind), events::field("itemId", &E::itemId),
                      events::field("messageId", &E::messageId)};
  }
};

// reason: "staff" (byStaffId removed it from its message) or "orphan" (never attached
// within DOCKET_ATTACHMENT_ORPHAN_HOURS). The blob goes when nothing else references it.
struct AttachmentDeleted {
  static constexpr std::string_view kType = "attachment.deleted";
  static constexpr std::uint32_t kVersion = 1;
  std::string attachmentId;
  std::string reason;
  std::optional<std::int64_t> byStaffId;
  static constexpr auto fields() {
    using E = AttachmentDeleted;
    return std::tuple{events::field("attachmentId", &E::attachmentId),
                      events::field("reason", &E::reason),
                      events::field("byStaffId", &E::byStaffId)};
  }
};

using AttachmentEvent = events::EventSet<AttachmentUploaded, AttachmentAttached, AttachmentDeleted>;

// An attachment as a message event carries it.
struct AttachmentRefRecord {
  std::string attachmentId;
  std::string fileName;
  std::string contentType;
  std::int64_t size = 0;
  static constexpr auto fields() {
    using E = AttachmentRefRecord;
    return std::tuple{
        events::field("attachmentId", &E::attachmentId), events::field("fileName", &E::fileName),
        events::field("contentType", &E::contentType), events::field("size", &E::size)};
  }
};

}  // namespace docket::domain

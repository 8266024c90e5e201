#include "domain/attachment.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/crypto.h"
#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/stream_snapshot.h"

namespace docket::domain {
namespace {

constexpr std::string_view kIdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kIdChars = 26;

}  // namespace

std::string attachment_stream(std::string_view id) {
  return fmt::format("attachment-{}", id);
}

std::string generate_attachment_id() {
  const std::string random = random_bytes(kIdChars);
  std::string id = "att_";
  for (unsigned char b : random)
    id += kIdAlphabet[b % kIdAlphabet.size()];  // 256 is a multiple of 32: no bias
  return id;
}

bool valid_attachment_id(std::string_view id) {
  if (id.size() != 4 + kIdChars || !id.starts_with("att_")) return false;
  return std::all_of(id.begin() + 4, id.end(),
                     [](char c) { return kIdAlphabet.find(c) != std::string_view::npos; });
}

Status apply(Attachment& a, const AttachmentEvent::Variant& event,
             const events::EventRecord& record) {
  if (Status s = check_creation_order(std::holds_alternative<AttachmentUploaded>(event), a.version,
                                      record, "attachment");
      !s.ok()) {
    return s;
  }
  std::visit(events::Overloaded{
                 [&](const AttachmentUploaded& e) {
                   a.id = e.attachmentId;
                   a.sha256 = e.sha256;
                   a.size = e.size;
                   a.contentType = e.contentType;
                   a.fileName = e.fileName;
                   a.uploader = {e.uploaderKind, e.uploaderId};
                   a.createdAt = record.occurredAt;
                 },
                 [&](const AttachmentAttached& e) {
                   a.attached = AttachmentPlacement{e.kind, e.itemId, e.messageId};
                 },
                 [&](const AttachmentDeleted&) { a.deleted = true; },
             },
             event);
  return Status::Ok();
}

Result<Attachment> load_attachment(const events::StagedView& view, std::string_view id) {
  if (!valid_attachment_id(id)) return refuse(Refusal::kAttachmentNotFound);
  return load_with_snapshot<AttachmentEvent, Attachment>(view, attachment_stream(id),
                                                         Refusal::kAttachmentNotFound);
}

bool may_attach(const Uploader& uploader, const Uploader& poster) {
  if (uploader.kind == "anonymous") return poster.kind == "anonymous" || poster.kind == "guest";
  return uploader.kind == poster.kind && uploader.id == poster.id;
}

Result<AttachedUploads> attach_uploads(const events::StagedView& view,
                                       const std::vector<std::string>& ids, const Uploader& poster,
                                       const AttachmentPlacement& placement) {
  AttachedUploads out;
  if (ids.size() > kMaxAttachmentsPerMessage) {
    return refuse(Refusal::kAttachmentReferenceInvalid,
                  fmt::format("At most {} attachments per message", kMaxAttachmentsPerMessage));
  }
  std::set<std::string_view> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) {
      return refuse(Refusal::kAttachmentReferenceInvalid,
                    fmt::format("Attachment {} is listed twice", id));
    }
    auto a = load_attachment(view, id);
    if (!a.ok() && refusal_of(a.status()) != Refusal::kAttachmentNotFound) return a.status();
    if (!a.ok() || a->deleted || !may_attach(a->uploader, poster)) {
      return refuse(Refusal::kAttachmentReferenceInvalid,
                    fmt::format("Attachment {} is not an upload of yours", id));
    }
    if (a->attached) {
      return refuse(Refusal::kAttachmentAlreadyAttached,
                    fmt::format("Attachment {} is attached to another message", id));
    }
    events::StreamAppend stream{attachment_stream(id), a->version, {}};
    stream.events.push_back(events::to_new_event(
        AttachmentAttached{id, placement.kind, placement.itemId, placement.messageId}));
    out.streams.push_back(std::move(stream));
    out.refs.push_back({a->id, a->fileName, a->contentType, a->size});
  }
  return out;
}

std::optional<std::vector<AttachmentRefRecord>> message_attachments(const AttachedUploads& a) {
  if (a.refs.empty()) return std::nullopt;
  return a.refs;
}

void add_attachment_streams(events::AppendRequest& req, AttachedUploads&& a) {
  for (events::StreamAppend& s : a.streams)
    req.streams.push_back(std::move(s));
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const RecordAttachmentUpload& c, const CommandMeta& meta) {
  auto req = start_append(meta);
  add_event(open_stream(req, attachment_stream(c.upload.attachmentId), events::kNoStream),
            c.upload);
  (void)view;
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view, const DeleteAttachment& c,
                                     const CommandMeta& meta) {
  auto a = load_attachment(view, c.attachmentId);
  if (!a.ok()) return a.status();
  if (a->deleted) return refuse(Refusal::kAttachmentNotFound);
  auto req = start_append(meta);
  add_event(open_stream(req, attachment_stream(c.attachmentId), a->version),
            AttachmentDeleted{c.attachmentId, "staff", c.byStaffId});
  return req;
}

Result<events::AppendRequest> decide(const events::StagedView& view,
                                     const ExpireOrphanAttachment& c, const CommandMeta& meta) {
  auto a = load_attachment(view, c.attachmentId);
  if (!a.ok()) return a.status();
  if (a->deleted || a->attached || a->createdAt >= c.uploadedBefore) {
    return refuse(Refusal::kAttachmentNotExpired);
  }
  auto req = start_append(meta);
  add_event(open_stream(req, attachment_stream(c.attachmentId), a->version),
            AttachmentDeleted{c.attachmentId, "orphan", std::nullopt});
  return req;
}

}  // namespace docket::domain

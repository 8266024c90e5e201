// Attachment routes (docs/attachments.md): POST /api/attachments (multipart/form-data
// with one `file` part, or the raw file as the body), GET /api/attachments/{id} for
// those who may read the conversation it is attached to (or its uploader before), and
// DELETE /api/admin/attachments/{id} for staff. Files are recognised by their bytes,
// stripped of metadata, and stored once per content in the blob store; the log keeps
// their metadata.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/blob_store.h"
#include "core/media.h"
#include "core/raw_json.h"
#include "http/api_context.h"
#include "http/contract.h"
#include "http/router.h"

namespace docket::http {

struct AttachmentOptions {
  const BlobStore* blobs = nullptr;  // REQUIRES: set; outlives the router
  std::size_t max_bytes = 5 * 1024 * 1024;
  std::vector<MediaType> types = {MediaType::kPng, MediaType::kJpeg, MediaType::kGif,
                                  MediaType::kWebp};
};

// The largest request body an upload may have: the file and the multipart framing.
std::size_t upload_body_limit(std::size_t max_file_bytes);

// Removes the blob of `sha256` when no live attachment references it any more (after a
// deletion) and nothing put it in the last minute. Errors are logged, never raised: a
// leftover blob is removed by the next sweep (scheduler/attachment_cleanup.h).
void release_blob(ApiContext& api, const BlobStore& blobs, const std::string& sha256);

// The `attachments` of a message as the API shows them ([{id, fileName, contentType,
// size, url}]), read before the message is posted (an upload's metadata never changes;
// the command checks the ids again). Unknown ids are left out.
RawJson message_attachments_view(ApiContext& api, const std::vector<std::string>& ids);

// The attachmentIds member of a message body (at most 10).
FieldRule attachment_ids_rule();
inline constexpr std::string_view kMessageAttachmentsSchema =
    R"({"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},)"
    R"("fileName":{"type":"string"},"contentType":{"type":"string"},"size":)"
    R"({"type":"integer"},"url":{"type":"string"}}}})";

// REQUIRES: `api` and `options.blobs` outlive the router.
void add_attachment_routes(Router& router, ApiContext& api, AttachmentOptions options);

}  // namespace docket::http

#include "http/attachment_routes.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/time_format.h"
#include "core/utf8.h"
#include "domain/attachment.h"
#include "http/command.h"
#include "http/endpoint.h"
#include "http/multipart.h"
#include "http/query.h"
#include "http/rate_limit.h"
#include "http/route_kit.h"
#include "projections/attachment_query.h"
#include "projections/message_thread.h"
#include "projections/reader_pool.h"
#include "projections/support_inquiry_query.h"
#include "projections/support_request_query.h"

namespace docket::http {
namespace {

using auth::Permission;
using domain::Refusal;
using projections::AttachmentRow;

constexpr std::string_view kTag = "Attachments";
constexpr std::size_t kMultipartOverhead = 16 * 1024;

ApiError type_not_allowed(std::string message) {
  return ApiError(415, error_code::kAttachmentTypeNotAllowed, std::move(message));
}

// Who is calling, as an uploader or poster.
domain::Uploader uploader_of(const auth::Identity& who) {
  if (who.is_customer()) return {"customer", who.accountId};
  if (who.is_staff()) return {"staff", who.accountId};
  if (who.is_guest()) return {"guest", who.inquiryId};
  return {"anonymous", std::nullopt};
}

std::string_view extension_of(MediaType type) {
  switch (type) {
    case MediaType::kPng:
      return "png";
    case MediaType::kJpeg:
      return "jpg";
    case MediaType::kGif:
      return "gif";
    case MediaType::kWebp:
      return "webp";
    case MediaType::kPdf:
      return "pdf";
    case MediaType::kUnknown:
      break;
  }
  return "bin";
}

// The name to keep: the last path segment of what the client sent, without control
// characters or quotes, at most kMaxAttachmentFileName bytes of whole code points;
// "upload.<ext>" when nothing is left.
std::string clean_file_name(std::string_view sent, MediaType type) {
  if (auto slash = sent.find_last_of("/\\"); slash != std::string_view::npos) {
    sent.remove_prefix(slash + 1);
  }
  std::string out;
  for (std::size_t i = 0; i < sent.size();) {
    const std::size_t len = utf8_sequence_length(sent, i);
    if (len == 0) {
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(sent[i]);
    const std::string_view cp = sent.substr(i, len);
    // Controls (C0, DEL, C1) and the bidirectional overrides and isolates that make
    // "exe.png" of "gnp.exe" (U+202A - U+202E, U+2066 - U+2069).
    const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(sent[i + 1]) < 0xA0;
    const bool bidi = len == 3 && ((cp >= "\xE2\x80\xAA" && cp <= "\xE2\x80\xAE") ||
                                   (cp >= "\xE2\x81\xA6" && cp <= "\xE2\x81\xA9"));
    if ((len == 1 && (c < 0x20 || c == 0x7f || c == '"')) || c1 || bidi) {
      i += len;
      continue;
    }
    if (out.size() + len > domain::kMaxAttachmentFileName) break;
    out.append(sent.substr(i, len));
    i += len;
  }
  while (!out.empty() && (out.front() == ' ' || out.front() == '.'))
    out.erase(out.begin());
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  if (out.empty()) out = fmt::format("upload.{}", extension_of(type));
  return out;
}

// `disposition; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC
// 6266): a name with non-ASCII characters survives, and the header stays ASCII.
std::string content_disposition(std::string_view disposition, std::string_view name) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : name) {
    ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  return fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}", disposition, ascii, encoded);
}

struct Uploaded {
  std::string id;
  std::string fileName;
  std::string contentType;
  std::int64_t size = 0;
  std::string sha256;
  std::string url;
};

const Shape<Uploaded>& uploaded_shape() {
  static const Shape<Uploaded> shape = [] {
    Shape<Uploaded> s;
    s.field("id", &Uploaded::id, {.pattern = "^att_[a-z2-7]{26}$"})
        .field("fileName", &Uploaded::fileName)
        .field("contentType", &Uploaded::contentType,
               {.description = "From the file's bytes, never from what the client declared"})
        .field("size", &Uploaded::size, {.description = "Bytes stored, after metadata removal"})
        .field("sha256", &Uploaded::sha256)
        .field("url", &Uploaded::url);
    return s;
  }();
  return shape;
}

struct Deleted {
  std::string id;
  bool deleted = true;
};

const Shape<Deleted>& deleted_shape() {
  static const Shape<Deleted> shape = [] {
    Shape<Deleted> s;
    s.field("id", &Deleted::id).field("deleted", &Deleted::deleted);
    return s;
  }();
  return shape;
}

// The file of an upload request: one multipart part named `file`, or the whole body.
struct FileInput {
  std::string_view bytes;
  std::string fileName;
};

FileInput file_of(const RequestContext& ctx) {
  const Request& request = ctx.request();
  const std::string_view content_type = request.header("Content-Type");
  FileInput in;
  if (auto boundary = multipart_boundary(content_type)) {
    auto parts = parse_multipart(request.body, *boundary, {.max_parts = 8});
    if (!parts.ok()) throw ApiError::validation(std::string(parts.status().message()));
    const MultipartPart* file = nullptr;
    for (const MultipartPart& p : *parts) {
      if (p.name != "file") continue;
      if (file) throw ApiError::validation("Send one part named file");
      file = &p;
    }
    if (!file) throw ApiError::validation("The form has no part named file");
    in.bytes = file->body;
    in.fileName = std::string(file->filename.value_or(""));
    return in;
  }
  if (content_type.size() >= 10 && strncasecmp(content_type.data(), "multipart/", 10) == 0) {
    throw ApiError::validation("A multipart body needs multipart/form-data with a boundary");
  }
  in.bytes = request.body;
  QueryParams params;
  if (auto err = QueryParams::parse(request.query, params)) throw *err;
  in.fileName = std::string(params.get("fileName").value_or(""));
  return in;
}

AttachmentRow find_row(ApiContext& api, std::string_view id);

Reply upload(ApiContext& api, const AttachmentOptions& options, RequestContext& ctx) {
  FileInput in = file_of(ctx);
  if (in.bytes.empty()) throw ApiError::validation("The file is empty");
  if (in.bytes.size() > options.max_bytes) {
    throw ApiError::payload_too_large(
        fmt::format("An attachment has at most {} bytes", options.max_bytes));
  }
  const MediaType type = sniff_media_type(in.bytes);
  if (std::find(options.types.begin(), options.types.end(), type) == options.types.end()) {
    std::vector<std::string_view> names;
    for (MediaType t : options.types)
      names.push_back(media_type_name(t));
    throw type_not_allowed(fmt::format("Attachments are {} files (recognised by their content)",
                                       fmt::join(names, ", ")));
  }
  auto stripped = strip_metadata(in.bytes, type);
  if (!stripped.ok() || sniff_media_type(*stripped) != type) {
    throw type_not_allowed(
        fmt::format("The file is not a well-formed {} file", media_type_name(type)));
  }
  const std::string sha = sha256_hex(*stripped);
  if (auto put = options.blobs->put(sha, *stripped); !put.ok()) {
    throw unexpected(put.status(), "storing an attachment");
  }
  domain::RecordAttachmentUpload command;
  const domain::Uploader who = uploader_of(ctx.identity);
  command.upload = {domain::generate_attachment_id(),
                    sha,
                    static_cast<std::int64_t>(stripped->size()),
                    std::string(media_type_name(type)),
                    clean_file_name(in.fileName, type),
                    who.kind,
                    who.id};
  const auto executed = co_await commit(api, ctx, command);
  if (executed.replayed) {
    // A retry (Idempotency-Key) of an upload recorded before: answer with that one, not
    // the id made for this attempt.
    const std::string_view prefix = "attachment-";
    const std::string& stream = executed.streams.at(0);
    const AttachmentRow first =
        find_row(api, std::string_view(stream).substr(std::min(prefix.size(), stream.size())));
    co_return answer(uploaded_shape(),
                     Uploaded{first.id, first.fileName, first.contentType, first.size, first.sha256,
                              "/api/attachments/" + first.id},
                     201);
  }
  const domain::AttachmentUploaded& u = command.upload;
  co_return answer(uploaded_shape(),
                   Uploaded{u.attachmentId, u.fileName, u.contentType, u.size, u.sha256,
                            "/api/attachments/" + u.attachmentId},
                   201);
}

AttachmentRow find_row(ApiContext& api, std::string_view id) {
  if (!domain::valid_attachment_id(id)) throw refusal_error(Refusal::kAttachmentNotFound);
  auto lease = read_lease(api);
  auto row = projections::AttachmentQuery(lease.db()).find(id);
  if (!row.ok()) throw unexpected(row.status(), "reading an attachment");
  if (!*row || (*row)->deleted) throw refusal_error(Refusal::kAttachmentNotFound);
  return std::move(**row);
}

// Whether the caller may read the conversation the attachment is in (or, before it is
// attached, uploaded it). Anonymous uploads are readable only once attached.
void check_read_access(ApiContext& api, const RequestContext& ctx, const AttachmentRow& row) {
  const auth::Identity& who = ctx.identity;
  if (!row.kind) {
    const domain::Uploader me = uploader_of(who);
    if (me.kind != "anonymous" && me.kind == row.uploaderKind && me.id == row.uploaderId) return;
    throw refusal_error(Refusal::kAttachmentNotFound);
  }
  const bool request = *row.kind == "support_request";
  if (who.is_staff()) {
    if (who.has(request ? Permission::kSupportRequestsRead : Permission::kSupportInquiriesRead)) {
      return;
    }
    throw ApiError::forbidden();
  }
  if (who.is_guest() && !request && who.inquiryId == *row.itemId) return;
  if (who.is_customer()) {
    auto lease = read_lease(api);
    std::optional<std::int64_t> owner;
    if (request) {
      auto found = projections::SupportRequestQuery(lease.db()).customer_of(*row.itemId);
      if (found.ok()) owner = *found;
    } else {
      auto found = projections::SupportInquiryQuery(lease.db()).customer_of(*row.itemId);
      if (found.ok()) owner = *found;
    }
    if (owner == who.accountId) return;
  }
  throw refusal_error(Refusal::kAttachmentNotFound);
}

Response download(ApiContext& api, const AttachmentOptions& options, RequestContext& ctx) {
  const AttachmentRow row = find_row(api, ctx.param("attachment"));
  check_read_access(api, ctx, row);
  const std::string etag = "\"" + row.sha256 + "\"";
  if (etag_matches(ctx.request().header("If-None-Match"), etag)) {
    Response not_modified = Response::raw(304, row.contentType, "");
    not_modified.add_header("ETag", etag);
    not_modified.add_header("Cache-Control", "private, max-age=3600");
    return not_modified;
  }
  auto bytes = options.blobs->read(row.sha256);
  if (!bytes.ok()) throw unexpected(bytes.status(), "reading an attachment's file");
  Response r = Response::raw(200, row.contentType, std::move(*bytes));
  const bool image = row.contentType.starts_with("image/");
  r.add_header("Content-Disposition",
               content_disposition(image ? "inline" : "attachment", row.fileName));
  r.add_header("Content-Security-Policy", "default-src 'none'; sandbox");
  r.add_header("Cache-Control", "private, max-age=3600");
  r.add_header("ETag", etag);
  return r;
}

Reply remove(ApiContext& api, const AttachmentOptions& options, RequestContext& ctx) {
  const AttachmentRow row = find_row(api, ctx.param("attachment"));
  const bool may = !row.kind ? ctx.identity.has(Permission::kSupportRequestsUpdate) ||
                                   ctx.identity.has(Permission::kSupportInquiriesUpdate)
                   : *row.kind == "support_request"
                       ? ctx.identity.has(Permission::kSupportRequestsUpdate)
                       : ctx.identity.has(Permission::kSupportInquiriesUpdate);
  if (!may) throw ApiError::forbidden();
  const domain::DeleteAttachment command{row.id, ctx.identity.accountId};
  co_await commit(api, ctx, command);
  release_blob(api, *options.blobs, row.sha256);
  co_return answer(deleted_shape(), Deleted{row.id, true});
}

constexpr std::string_view kUploadBody =
    R"({"required":true,"description":"The file: a multipart/form-data form with one part )"
    R"(named file (as browsers' FormData sends it), or the file itself as the body with )"
    R"(?fileName=. Its type is recognised from its bytes; metadata (EXIF, GPS, comments) )"
    R"(is removed before it is stored.","content":{"multipart/form-data":{"schema":)"
    R"({"type":"object","required":["file"],"properties":{"file":{"type":"string",)"
    R"("format":"binary"}}}},"image/png":{"schema":{"type":"string","format":"binary"}},)"
    R"("image/jpeg":{"schema":{"type":"string","format":"binary"}},"image/gif":{"schema":)"
    R"({"type":"string","format":"binary"}},"image/webp":{"schema":{"type":"string",)"
    R"("format":"binary"}},"application/octet-stream":{"schema":{"type":"string",)"
    R"("format":"binary"}}}})";

constexpr std::string_view kFileContent =
    R"({"image/png":{"schema":{"type":"string","format":"binary"}},)"
    R"("image/jpeg":{"schema":{"type":"string","format":"binary"}},)"
    R"("image/gif":{"schema":{"type":"string","format":"binary"}},)"
    R"("image/webp":{"schema":{"type":"string","format":"binary"}},)"
    R"("application/pdf":{"schema":{"type":"string","format":"binary"}}})";

}  // namespace

std::size_t upload_body_limit(std::size_t max_file_bytes) {
  return max_file_bytes + kMultipartOverhead;
}

RawJson message_attachments_view(ApiContext& api, const std::vector<std::string>& ids) {
  if (ids.empty()) return RawJson{"[]"};
  std::vector<domain::AttachmentRefRecord> refs;
  auto lease = read_lease(api);
  projections::AttachmentQuery query(lease.db());
  for (const std::string& id : ids) {
    auto row = query.find(id);
    if (!row.ok()) throw unexpected(row.status(), "reading an attachment");
    if (*row) refs.push_back({(*row)->id, (*row)->fileName, (*row)->contentType, (*row)->size});
  }
  return RawJson{projections::message_attachments_json(refs).value_or("[]")};
}

FieldRule attachment_ids_rule() {
  return TextList("attachmentIds")
      .items(domain::kMaxAttachmentsPerMessage)
      .length(1, 64)
      .describe("Ids of files you uploaded (POST /api/attachments) and have not attached yet");
}

void release_blob(ApiContext& api, const BlobStore& blobs, const std::string& sha256) {
  auto lease = api.readers.lease();
  if (!lease.ok()) return;
  auto used = projections::AttachmentQuery(lease->db()).referenced(sha256);
  if (!used.ok() || *used) return;
  // An upload of the same bytes in the last minute may be about to reference it: the
  // sweep removes it later instead.
  if (auto age = blobs.age_seconds(sha256); !age || *age < 60) return;
  if (Status s = blobs.remove(sha256); !s.ok()) {
    log_warn("attachments.blob_remove_failed",
             [&](JsonWriter& w) { w.field("error", s.ToString()); });
  }
}

void add_attachment_routes(Router& router, ApiContext& api, AttachmentOptions options) {
  auto opts = std::make_shared<const AttachmentOptions>(std::move(options));

  RouteMeta upload_meta = route_meta(
      "attachments.upload", kTag,
      "Upload a file (customers, guests with their token, staff, and visitors "
      "answering a journey)",
      Access::kOptional,
      {{413, error_code::kPayloadTooLarge}, {415, error_code::kAttachmentTypeNotAllowed}});
  upload_meta.rate_group = std::string(rate_group::kInquiryWrite);
  upload_meta.raw_body_doc = std::string(kUploadBody);
  upload_meta.response = schema_of(uploaded_shape());
  upload_meta.success_status = 201;
  upload_meta.blocking = true;  // hashing and fsync
  router.post(
      "/api/attachments", [&api, opts](RequestContext& ctx) { return upload(api, *opts, ctx); },
      std::move(upload_meta));

  RouteMeta get_meta = route_meta(
      "attachments.get", kTag,
      "Download a file: for those who may read its conversation (its uploader until it is "
      "attached)",
      Access::kOptional, {{404, error_code::kAttachmentNotFound}});
  get_meta.raw_response_content = std::string(kFileContent);
  get_meta.blocking = true;  // reads the file
  router.get(
      "/api/attachments/{attachment}",
      [&api, opts](RequestContext& ctx) -> Reply { return download(api, *opts, ctx); },
      std::move(get_meta));

  RouteMeta delete_meta = route_meta(
      "admin.attachments.delete", "Attachments",
      "Delete an attachment (SupportRequests_UPDATE or SupportInquiries_UPDATE, by where it "
      "is); its file goes when nothing else references the same bytes",
      Access::kStaff, {{404, error_code::kAttachmentNotFound}});
  delete_meta.response = schema_of(deleted_shape());
  delete_meta.any_permission = {Permission::kSupportRequestsUpdate,
                                Permission::kSupportInquiriesUpdate};
  router.del(
      "/api/admin/attachments/{attachment}",
      [&api, opts](RequestContext& ctx) { return remove(api, *opts, ctx); },
      std::move(delete_meta));
}

}  // namespace docket::http

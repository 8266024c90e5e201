#include "projections/attachments.h"

#include "domain/attachment_events.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {

bool AttachmentsProjection::wants(std::string_view type) const {
  return domain::AttachmentEvent::contains(type);
}

Status AttachmentsProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE attachments(id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, "
      "content_type TEXT NOT NULL, file_name TEXT NOT NULL, uploader_kind TEXT NOT NULL, "
      "uploader_id INTEGER, created_ms INTEGER NOT NULL, kind TEXT, item_id INTEGER, "
      "message_id INTEGER, deleted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
      "CREATE INDEX attachments_by_sha ON attachments(sha256) WHERE deleted = 0;"
      "CREATE INDEX attachments_unattached ON attachments(created_ms) "
      "WHERE kind IS NULL AND deleted = 0;");
}

Status AttachmentsProjection::apply(Database& db, const events::EventRecord& event) {
  if (!domain::AttachmentEvent::contains(event.type)) return Status::Ok();
  auto decoded = domain::AttachmentEvent::decode(event);
  if (!decoded.ok()) return decoded.status();
  return std::visit(
      events::Overloaded{
          [&](const domain::AttachmentUploaded& e) {
            return run_sql(db,
                           "INSERT OR IGNORE INTO attachments(id, sha256, size, content_type, "
                           "file_name, uploader_kind, uploader_id, created_ms) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           e.attachmentId, e.sha256, e.size, e.contentType, e.fileName,
                           e.uploaderKind, e.uploaderId, event.occurredAt);
          },
          [&](const domain::AttachmentAttached& e) {
            return run_sql(db,
                           "UPDATE attachments SET kind = ?2, item_id = ?3, message_id = ?4 "
                           "WHERE id = ?1",
                           e.attachmentId, e.kind, e.itemId, e.messageId);
          },
          [&](const domain::AttachmentDeleted& e) {
            return run_sql(db, "UPDATE attachments SET deleted = 1 WHERE id = ?1", e.attachmentId);
          },
      },
      *decoded);
}

}  // namespace docket::projections

#include "projections/attachment_query.h"

#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

AttachmentRow read_row(const Statement& st) {
  AttachmentRow r;
  r.id = std::string(st.column_text(0));
  r.sha256 = std::string(st.column_text(1));
  r.size = st.column_int64(2);
  r.contentType = std::string(st.column_text(3));
  r.fileName = std::string(st.column_text(4));
  r.uploaderKind = std::string(st.column_text(5));
  r.uploaderId = st.column_optional_int64(6);
  r.createdMs = st.column_int64(7);
  r.kind = st.column_optional_text(8);
  r.itemId = st.column_optional_int64(9);
  r.messageId = st.column_optional_int64(10);
  r.deleted = st.column_int64(11) != 0;
  return r;
}

}  // namespace

Result<std::optional<AttachmentRow>> AttachmentQuery::find(std::string_view id) {
  Result<CachedStatement> st = db_.cached(
      "SELECT id, sha256, size, content_type, file_name, uploader_kind, uploader_id, created_ms, "
      "kind, item_id, message_id, deleted FROM attachments.attachments WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(std::string(id)); !s.ok()) return s;
  auto rows = read_rows<AttachmentRow>(**st, read_row);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<AttachmentRow>{};
  return std::optional<AttachmentRow>(std::move(rows->front()));
}

Result<std::vector<std::string>> AttachmentQuery::orphans(std::int64_t before_ms,
                                                          std::size_t limit) {
  Result<CachedStatement> st = db_.cached(
      "SELECT id FROM attachments.attachments WHERE kind IS NULL AND deleted = 0 AND "
      "created_ms < ?1 ORDER BY created_ms LIMIT ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(before_ms, static_cast<std::int64_t>(limit)); !s.ok()) return s;
  return read_rows<std::string>(**st,
                                [](const Statement& s) { return std::string(s.column_text(0)); });
}

Result<bool> AttachmentQuery::referenced(std::string_view sha256) {
  Result<CachedStatement> st =
      db_.cached("SELECT 1 FROM attachments.attachments WHERE sha256 = ?1 AND deleted = 0 LIMIT 1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(std::string(sha256)); !s.ok()) return s;
  auto rows = read_rows<int>(**st, [](const Statement&) { return 1; });
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

}  // namespace docket::projections

#include "projections/message_thread.h"

#include "core/json_writer.h"

namespace docket::projections {

Status read_messages(Database& db, std::string_view sql, std::int64_t parent,
                     std::vector<MessageRow>& out) {
  Result<CachedStatement> messages = db.cached(std::string(sql));
  if (!messages.ok()) return messages.status();
  if (Status s = (*messages)->bind(1, parent); !s.ok()) return s;
  for (;;) {
    Result<bool> more = (*messages)->step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    const Statement& st = **messages;
    MessageRow row{st.column_int64(0),
                   std::string(st.column_text(1)),
                   st.column_optional_int64(2),
                   std::string(st.column_text(3)),
                   std::string(st.column_text(4)),
                   static_cast<std::uint64_t>(st.column_int64(5))};
    if (!st.column_is_null(6)) row.attachments.text = std::string(st.column_text(6));
    out.push_back(std::move(row));
  }
  return Status::Ok();
}

std::optional<std::string> message_attachments_json(
    const std::optional<std::vector<domain::AttachmentRefRecord>>& refs) {
  if (!refs || refs->empty()) return std::nullopt;
  JsonWriter w;
  w.begin_array();
  for (const domain::AttachmentRefRecord& a : *refs) {
    w.begin_object()
        .field("id", a.attachmentId)
        .field("fileName", a.fileName)
        .field("contentType", a.contentType)
        .field("size", a.size)
        .field("url", "/api/attachments/" + a.attachmentId)
        .end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace docket::projections

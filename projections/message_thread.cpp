#include "projections/message_thread.h"

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
    out.push_back({st.column_int64(0), std::string(st.column_text(1)), st.column_optional_int64(2),
                   std::string(st.column_text(3)), std::string(st.column_text(4)),
                   static_cast<std::uint64_t>(st.column_int64(5))});
  }
  return Status::Ok();
}

}  // namespace docket::projections

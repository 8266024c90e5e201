// The message threads of the read models (support requests and support inquiries):
// one row type and one loader for "a record with its messages".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "domain/attachment_events.h"
#include "projections/message_row.h"
#include "projections/sqlite.h"

namespace docket::projections {

// Reads a thread: `sql` selects (id, sender_type, sender_id, message, created_at,
// event_id, attachments) of one parent bound as ?1, in order.
Status read_messages(Database& db, std::string_view sql, std::int64_t parent,
                     std::vector<MessageRow>& out);

// What a message's `attachments` column keeps of its attachments: the JSON array the
// API shows, [{id, fileName, contentType, size, url}]; none without attachments.
std::optional<std::string> message_attachments_json(
    const std::optional<std::vector<domain::AttachmentRefRecord>>& refs);

// The record that `row_sql` selects (binding `binds` as ?1, ?2, ...) read by
// `read_row`, with its `messages` member filled by `messages_sql` (parent ?1 = the
// first bind), both in one read transaction so they agree. NotFound (`what`) when no
// row matches.
template <typename Row, typename ReadRow, typename... Binds>
Result<Row> find_with_messages(Database& db, const std::string& row_sql, ReadRow&& read_row,
                               std::string_view messages_sql, std::string_view what,
                               std::int64_t id, const Binds&... binds) {
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status();
  Row row;
  {
    Result<CachedStatement> select = db.cached(row_sql);
    if (!select.ok()) return select.status();
    if (Status s = (*select)->bind_all(id, binds...); !s.ok()) return s;
    Result<bool> found = (*select)->step();
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound(std::string("no such ") + std::string(what));
    row = read_row(**select);
  }
  if (Status s = read_messages(db, messages_sql, id, row.messages); !s.ok()) return s;
  if (Status s = txn->commit(); !s.ok()) return s;
  return row;
}

}  // namespace docket::projections

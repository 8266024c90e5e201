#include "projections/export_query.h"

#include <string_view>
#include <type_traits>
#include <utility>

#include "core/csv.h"
#include "core/json_writer.h"
#include "core/time_format.h"

namespace docket::projections {
namespace {

constexpr std::int64_t kItemBatch = 512;
constexpr std::int64_t kMessageBatch = 256;

// Row-value keyset on the items' primary key; the range test reads each row once.
constexpr std::string_view kItemsSql =
    "SELECT i.kind, i.id, i.created_ms, i.channel, i.category, i.priority, i.journey, "
    "i.status, i.assignee, i.first_assigned_ms, i.first_response_ms, i.fr_met, i.res_met, "
    "i.nr_met, coalesce(r.ticket_number, q.tracking_code), r.resolved_ms, q.closed_at, "
    "coalesce(r.satisfaction_rating, q.satisfaction_rating), q.ticket_number "
    "FROM analytics.items i "
    "LEFT JOIN support_requests.requests r ON i.kind = 'support_request' AND r.id = i.id "
    "LEFT JOIN support_inquiries.inquiries q ON i.kind = 'support_inquiry' AND q.id = i.id "
    "WHERE (i.kind, i.id) > (?1, ?2) AND i.created_ms >= ?3 AND i.created_ms < ?4 "
    "ORDER BY i.kind, i.id LIMIT ?5";

constexpr std::string_view kItemColumns[] = {"kind",
                                             "id",
                                             "reference",
                                             "ticketNumber",
                                             "createdAt",
                                             "channel",
                                             "category",
                                             "priority",
                                             "journey",
                                             "status",
                                             "assigneeId",
                                             "firstAssignedAt",
                                             "firstResponseAt",
                                             "firstResponseSeconds",
                                             "resolvedAt",
                                             "firstResponseSla",
                                             "resolutionSla",
                                             "nextResponseSla",
                                             "satisfactionRating"};

std::optional<std::string> iso(const Statement& st, int col) {
  if (st.column_is_null(col)) return std::nullopt;
  return format_iso8601(st.column_int64(col));
}

// Seconds from creation to the first response, or nullopt.
std::optional<double> seconds_between(const Statement& st, int from_col, int to_col) {
  if (st.column_is_null(to_col)) return std::nullopt;
  return static_cast<double>(st.column_int64(to_col) - st.column_int64(from_col)) / 1000.0;
}

// The value, or an empty cell.
template <typename T>
void csv_optional(CsvWriter& csv, const std::optional<T>& v) {
  if (!v) {
    csv.empty();
  } else if constexpr (std::is_same_v<T, std::string>) {
    csv.text(*v);
  } else {
    csv.number(*v);
  }
}

// One item row as CSV or a JSON line. Columns as in kItemsSql.
void write_item(const Statement& st, ExportFormat format, std::string& out) {
  const std::string_view kind = st.column_text(0);
  const std::optional<std::string> reference = st.column_optional_text(14);
  const std::optional<std::string> ticket_number =
      kind == "support_request" ? reference : st.column_optional_text(18);
  const std::optional<std::string> resolved_at =
      st.column_is_null(15) ? st.column_optional_text(16) : iso(st, 15);
  const std::optional<std::string> journey =
      st.column_text(6).empty() ? std::nullopt : std::optional<std::string>(st.column_text(6));
  if (format == ExportFormat::kCsv) {
    CsvWriter csv{std::move(out)};
    csv.text(kind).number(st.column_int64(1));
    csv_optional(csv, reference);
    csv_optional(csv, ticket_number);
    csv.text(format_iso8601(st.column_int64(2)));
    csv.text(st.column_text(3)).text(st.column_text(4)).text(st.column_text(5));
    csv_optional(csv, journey);
    csv.text(st.column_text(7));
    csv_optional(csv, st.column_optional_int64(8));
    csv_optional(csv, iso(st, 9));
    csv_optional(csv, iso(st, 10));
    csv_optional(csv, seconds_between(st, 2, 10));
    csv_optional(csv, resolved_at);
    csv_optional(csv, st.column_optional_text(11));
    csv_optional(csv, st.column_optional_text(12));
    csv_optional(csv, st.column_optional_text(13));
    csv_optional(csv, st.column_optional_int64(17));
    csv.end_row();
    out = csv.take();
    return;
  }
  JsonWriter w{std::move(out)};
  w.begin_object()
      .field("kind", kind)
      .field("id", st.column_int64(1))
      .field("reference", reference)
      .field("ticketNumber", ticket_number)
      .field("createdAt", format_iso8601(st.column_int64(2)))
      .field("channel", st.column_text(3))
      .field("category", st.column_text(4))
      .field("priority", st.column_text(5))
      .field("journey", journey)
      .field("status", st.column_text(7))
      .field("assigneeId", st.column_optional_int64(8))
      .field("firstAssignedAt", iso(st, 9))
      .field("firstResponseAt", iso(st, 10))
      .field("firstResponseSeconds", seconds_between(st, 2, 10))
      .field("resolvedAt", resolved_at)
      .field("firstResponseSla", st.column_optional_text(11))
      .field("resolutionSla", st.column_optional_text(12))
      .field("nextResponseSla", st.column_optional_text(13))
      .field("satisfactionRating", st.column_optional_int64(17))
      .end_object();
  out = w.take();
  out.push_back('\n');
}

// ---- conversations --------------------------------------------------------------------

// The next conversation after ?1 created in [?2, ?3). The id keyset visits each row once.
constexpr std::string_view kNextRequestSql =
    "SELECT id, ticket_number, subject, category, priority, status, customer_id, "
    "assigned_admin_id, source, journey, created_at, updated_at, first_response_at, "
    "resolved_at, resolution_note, metadata, satisfaction_rating, satisfaction_comment, "
    "satisfaction_at FROM support_requests.requests "
    "WHERE id > ?1 AND created_ms >= ?2 AND created_ms < ?3 ORDER BY id LIMIT 1";
constexpr std::string_view kNextInquirySql =
    "SELECT id, tracking_code, subject, category, priority, status, customer_id, "
    "assigned_admin_id, source, journey, created_at, updated_at, ticket_number, "
    "support_request_id, guest_name, guest_email, guest_phone, email_verified, closed_at, "
    "satisfaction_rating, satisfaction_comment, satisfaction_at FROM support_inquiries.inquiries "
    "WHERE id > ?1 AND created_ms >= ?2 AND created_ms < ?3 ORDER BY id LIMIT 1";
constexpr std::string_view kRequestMessagesSql =
    "SELECT id, sender_type, sender_id, message, created_at, event_id, attachments "
    "FROM support_requests.messages WHERE request_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
constexpr std::string_view kInquiryMessagesSql =
    "SELECT id, sender_type, sender_id, message, created_at, event_id, attachments "
    "FROM support_inquiries.inquiry_messages WHERE inquiry_id = ?1 AND id > ?2 ORDER BY id "
    "LIMIT ?3";

constexpr std::string_view kMessageColumns[] = {
    "conversationType", "conversationId", "reference", "subject", "messageId",  "senderType",
    "senderId",         "createdAt",      "message",   "eventId", "attachments"};

// {rating, comment, ratedAt} from three columns, or null.
void write_satisfaction(JsonWriter& w, const Statement& st, int col) {
  w.key("satisfaction");
  if (st.column_is_null(col)) {
    w.null();
    return;
  }
  w.begin_object()
      .field("rating", st.column_int64(col))
      .field("comment", st.column_optional_text(col + 1))
      .field("ratedAt", st.column_optional_text(col + 2))
      .end_object();
}

// The conversation's fields up to its open messages array.
void open_request_line(const Statement& st, JsonWriter& w) {
  w.begin_object()
      .field("type", "support_request")
      .field("id", st.column_int64(0))
      .field("ticketNumber", st.column_text(1))
      .field("subject", st.column_text(2))
      .field("category", st.column_text(3))
      .field("priority", st.column_text(4))
      .field("status", st.column_text(5))
      .field("customerId", st.column_int64(6))
      .field("assignedAdminId", st.column_optional_int64(7))
      .field("source", st.column_optional_text(8))
      .field("journey", st.column_optional_text(9))
      .field("createdAt", st.column_text(10))
      .field("updatedAt", st.column_text(11))
      .field("firstResponseAt", st.column_optional_text(12))
      .field("resolvedAt", st.column_optional_text(13))
      .field("resolutionNote", st.column_optional_text(14));
  if (st.column_is_null(15)) {
    w.key("metadata").null();
  } else {
    w.field_raw("metadata", st.column_text(15));
  }
  write_satisfaction(w, st, 16);
  w.key("messages").begin_array();
}

void open_inquiry_line(const Statement& st, JsonWriter& w) {
  w.begin_object()
      .field("type", "support_inquiry")
      .field("id", st.column_int64(0))
      .field("trackingCode", st.column_text(1))
      .field("subject", st.column_text(2))
      .field("category", st.column_optional_text(3))
      .field("priority", st.column_text(4))
      .field("status", st.column_text(5))
      .field("customerId", st.column_optional_int64(6))
      .field("assignedAdminId", st.column_optional_int64(7))
      .field("source", st.column_optional_text(8))
      .field("journey", st.column_optional_text(9))
      .field("createdAt", st.column_text(10))
      .field("updatedAt", st.column_text(11))
      .field("ticketNumber", st.column_optional_text(12))
      .field("supportRequestId", st.column_optional_int64(13))
      .field("guestName", st.column_optional_text(14))
      .field("guestEmail", st.column_optional_text(15))
      .field("guestPhone", st.column_optional_text(16))
      .field("emailVerified", st.column_int64(17) != 0)
      .field("closedAt", st.column_optional_text(18));
  write_satisfaction(w, st, 19);
  w.key("messages").begin_array();
}

}  // namespace

Result<bool> ItemsExport::next(Database& db, std::string& out, std::size_t budget) {
  if (!started_) {
    started_ = true;
    if (format_ == ExportFormat::kCsv) {
      CsvWriter csv{std::move(out)};
      for (std::string_view column : kItemColumns)
        csv.text(column);
      csv.end_row();
      out = csv.take();
    }
  }
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status();
  Result<CachedStatement> select = db.cached(kItemsSql);
  if (!select.ok()) return select.status();
  while (out.size() < budget) {
    Statement& st = **select;
    if (Status s = st.bind_all(last_kind_, last_id_, range_.from_ms, range_.to_ms, kItemBatch);
        !s.ok()) {
      return s;
    }
    std::int64_t n = 0;
    for (;;) {
      Result<bool> row = st.step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      write_item(st, format_, out);
      last_kind_ = std::string(st.column_text(0));
      last_id_ = st.column_int64(1);
      ++n;
    }
    st.reset();
    rows_ += n;
    if (n < kItemBatch) return true;
  }
  return false;
}

Result<bool> ConversationsExport::open_next(Database& db, std::string& out) {
  const bool requests = phase_ == Phase::kRequests;
  Result<CachedStatement> select = db.cached(requests ? kNextRequestSql : kNextInquirySql);
  if (!select.ok()) return select.status();
  Statement& st = **select;
  if (Status s = st.bind_all(last_id_, range_.from_ms, range_.to_ms); !s.ok()) return s;
  Result<bool> row = st.step();
  if (!row.ok()) return row.status();
  if (!*row) return false;
  last_id_ = st.column_int64(0);
  reference_ = std::string(st.column_text(1));
  subject_ = std::string(st.column_text(2));
  if (format_ == ExportFormat::kJsonLines) {
    JsonWriter w{std::move(out)};
    if (requests) {
      open_request_line(st, w);
    } else {
      open_inquiry_line(st, w);
    }
    out = w.take();
  }
  open_ = true;
  last_message_ = 0;
  written_in_conversation_ = 0;
  ++conversations_;
  return true;
}

Status ConversationsExport::continue_messages(Database& db, std::string& out) {
  const bool requests = phase_ == Phase::kRequests;
  Result<CachedStatement> select = db.cached(requests ? kRequestMessagesSql : kInquiryMessagesSql);
  if (!select.ok()) return select.status();
  Statement& st = **select;
  if (Status s = st.bind_all(last_id_, last_message_, kMessageBatch); !s.ok()) return s;
  std::int64_t n = 0;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ++n;
    last_message_ = st.column_int64(0);
    const std::string_view attachments = st.column_is_null(6) ? "[]" : st.column_text(6);
    if (format_ == ExportFormat::kJsonLines) {
      if (written_in_conversation_ > 0) out.push_back(',');
      JsonWriter w{std::move(out)};
      w.begin_object()
          .field("id", st.column_int64(0))
          .field("senderType", st.column_text(1))
          .field("senderId", st.column_optional_int64(2))
          .field("message", st.column_text(3))
          .field("createdAt", st.column_text(4))
          .field("eventId", st.column_int64(5))
          .field_raw("attachments", attachments)
          .end_object();
      out = w.take();
    } else {
      CsvWriter csv{std::move(out)};
      csv.text(requests ? "support_request" : "support_inquiry")
          .number(last_id_)
          .text(reference_)
          .text(subject_)
          .number(st.column_int64(0))
          .text(st.column_text(1));
      csv_optional(csv, st.column_optional_int64(2));
      csv.text(st.column_text(4)).text(st.column_text(3)).number(st.column_int64(5));
      csv.text(attachments).end_row();
      out = csv.take();
    }
    ++written_in_conversation_;
  }
  messages_ += n;
  if (n < kMessageBatch) {
    if (format_ == ExportFormat::kJsonLines) out += "]}\n";
    open_ = false;
  }
  return Status::Ok();
}

Result<bool> ConversationsExport::next(Database& db, std::string& out, std::size_t budget) {
  if (!started_) {
    started_ = true;
    if (format_ == ExportFormat::kCsv) {
      CsvWriter csv{std::move(out)};
      for (std::string_view column : kMessageColumns)
        csv.text(column);
      csv.end_row();
      out = csv.take();
    }
  }
  Result<Transaction> txn = Transaction::begin(db);
  if (!txn.ok()) return txn.status();
  while (out.size() < budget && phase_ != Phase::kDone) {
    if (open_) {
      if (Status s = continue_messages(db, out); !s.ok()) return s;
      continue;
    }
    Result<bool> opened = open_next(db, out);
    if (!opened.ok()) return opened.status();
    if (!*opened) {
      phase_ = phase_ == Phase::kRequests ? Phase::kInquiries : Phase::kDone;
      last_id_ = 0;
    }
  }
  return phase_ == Phase::kDone;
}

}  // namespace docket::projections

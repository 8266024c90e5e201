#include "projections/support_inquiry_query.h"

#include <algorithm>

#include "core/time_format.h"
#include "core/utf8.h"
#include "projections/like_pattern.h"
#include "projections/message_thread.h"
#include "projections/sql_filter.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, tracking_code, subject, category, status, customer_id, assigned_admin_id, "
    "support_request_id, guest_name, guest_email, guest_phone, email_verified, created_at, "
    "updated_at, closed_at, message_count, journey, priority, ticket_number, source, "
    "satisfaction_rating, satisfaction_comment, satisfaction_at";

SupportInquiryRow read_row(const Statement& st) {
  SupportInquiryRow r;
  r.id = st.column_int64(0);
  r.trackingCode = std::string(st.column_text(1));
  r.subject = std::string(st.column_text(2));
  r.category = st.column_optional_text(3);
  r.status = std::string(st.column_text(4));
  r.customerId = st.column_optional_int64(5);
  r.assignedAdminId = st.column_optional_int64(6);
  r.supportRequestId = st.column_optional_int64(7);
  r.guestName = st.column_optional_text(8);
  r.guestEmail = st.column_optional_text(9);
  r.guestPhone = st.column_optional_text(10);
  r.emailVerified = st.column_int64(11) != 0;
  r.createdAt = std::string(st.column_text(12));
  r.updatedAt = std::string(st.column_text(13));
  r.closedAt = st.column_optional_text(14);
  r.messageCount = st.column_int64(15);
  r.journey.text = st.column_is_null(16) ? "null" : std::string(st.column_text(16));
  r.priority = std::string(st.column_text(17));
  r.ticketNumber = st.column_optional_text(18);
  r.source = st.column_optional_text(19);
  r.satisfaction = read_satisfaction(st, 20);
  return r;
}

}  // namespace

Status SupportInquiryQuery::attach_sla(std::vector<SupportInquiryRow*> rows) {
  std::vector<std::int64_t> ids;
  for (const SupportInquiryRow* row : rows)
    ids.push_back(row->id);
  auto clocks = SlaQuery(db_).items("support_inquiry", ids);
  if (!clocks.ok()) return clocks.status();
  for (SupportInquiryRow* row : rows) {
    if (auto it = clocks->find(row->id); it != clocks->end()) row->slaClock = std::move(it->second);
  }
  return Status::Ok();
}

Result<SupportInquiryRow> SupportInquiryQuery::find(std::int64_t id) {
  auto row = find_with_messages<SupportInquiryRow>(
      db_, "SELECT " + std::string(kColumns) + " FROM support_inquiries.inquiries WHERE id = ?1",
      read_row,
      "SELECT id, sender_type, sender_id, message, created_at, event_id, attachments "
      "FROM support_inquiries.inquiry_messages WHERE inquiry_id = ?1 ORDER BY id",
      "support inquiry", id);
  if (row.ok()) {
    if (Status s = attach_sla({&*row}); !s.ok()) return s;
  }
  return row;
}

Result<std::optional<std::int64_t>> SupportInquiryQuery::token_inquiry(std::string_view token_hash,
                                                                       UnixMillis now) {
  Result<CachedStatement> st = db_.cached(
      "SELECT inquiry_id FROM support_inquiries.support_inquiry_tokens WHERE token_hash = ?1 "
      "AND revoked_at_ms IS NULL AND (expires_at_ms IS NULL OR expires_at_ms > ?2)");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(token_hash, now); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  std::optional<std::int64_t> out;
  if (*row) out = (*st)->column_int64(0);
  (*st)->reset();
  return out;
}

Result<std::optional<std::int64_t>> SupportInquiryQuery::customer_of(std::int64_t id) {
  Result<CachedStatement> st =
      db_.cached("SELECT customer_id FROM support_inquiries.inquiries WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such support inquiry");
  std::optional<std::int64_t> customer = (*st)->column_optional_int64(0);
  (*st)->reset();
  return customer;
}

Result<SupportInquiryPage> SupportInquiryQuery::list(const SupportInquiryListRequest& r) {
  if (r.page == 0) return Status::InvalidArgument("page starts at 1");
  if (r.pageSize == 0 || r.pageSize > kMaxSupportInquiryPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and 100");
  }
  if (r.sortBy != "createdAt" && r.sortBy != "updatedAt" && r.sortBy != "dueAt") {
    return Status::InvalidArgument("unknown sortBy");
  }
  const bool by_update = r.sortBy == "updatedAt";
  const bool by_due = r.sortBy == "dueAt";
  SqlFilter filter;
  filter.equals("customer_id", r.customerId);
  filter.equals("status", r.status);
  filter.equals("category", r.category);
  filter.equals("assigned_admin_id", r.assignedAdminId);
  filter.equals("support_request_id", r.supportRequestId);
  if (r.unassigned) filter.condition("assigned_admin_id IS NULL");
  if (r.slaStatus) {
    auto sla = sla_filter("support_inquiry", "inquiries.id", *r.slaStatus, r.nowMs);
    if (!sla) return Status::InvalidArgument("unknown slaStatus");
    filter.condition(sla->first,
                     std::vector<SqlFilter::Value>(sla->second.begin(), sla->second.end()));
  }
  std::string from = " FROM support_inquiries.inquiries";
  bool indexed_search = false;
  // A search sorted by creation (= id) with no other filter needs nothing from the rows
  // but the page's: the index's rowids are the ids, so no row is read per match.
  const bool index_only = !by_update && !by_due && !r.customerId && !r.status && !r.category &&
                          !r.assignedAdminId && !r.supportRequestId && !r.unassigned &&
                          !r.slaStatus;
  if (r.search) {
    if (utf8_length(*r.search) >= 3) {
      from = index_only ? " FROM support_inquiries.inquiry_search"
                        : " FROM support_inquiries.inquiry_search CROSS JOIN "
                          "support_inquiries.inquiries ON inquiries.id = inquiry_search.rowid";
      filter.condition("inquiry_search MATCH ?", fts5_substring_query(*r.search));
      indexed_search = true;
    } else {  // too short for the trigram index: a scan
      const std::string like = like_pattern(*r.search);
      filter.condition(
          "(tracking_code LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR guest_email LIKE ? "
          "ESCAPE '\\' OR guest_name LIKE ? ESCAPE '\\' OR guest_phone LIKE ? ESCAPE '\\' OR "
          "ticket_number LIKE ? ESCAPE '\\')",
          {like, like, like, like, like, like});
    }
  }
  from += filter.where();

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  SupportInquiryPage page;
  // Matching ids with their sort key, in one pass: the total and the page come from
  // them, then the page's rows are read by id (as for support requests: the matches
  // of a search are few; a plain filter walks an index).
  struct Match {
    std::int64_t id;
    std::string updated;
  };
  std::vector<Match> matches;
  const std::uint64_t first = static_cast<std::uint64_t>(r.page - 1) * r.pageSize;
  if (indexed_search) {
    Result<CachedStatement> select =
        db_.cached(index_only ? "SELECT inquiry_search.rowid, NULL" + from
                   : by_due   ? "SELECT inquiries.id, printf('%020d', " +
                                  sla_due_order("support_inquiry", "inquiries.id") + ")" + from
                            : "SELECT inquiries.id, inquiries.updated_at" + from);
    if (!select.ok()) return select.status();
    if (Status s = filter.bind(**select); !s.ok()) return s;
    for (;;) {
      Result<bool> row = (*select)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      matches.push_back({(*select)->column_int64(0), by_update || by_due
                                                         ? std::string((*select)->column_text(1))
                                                         : std::string()});
    }
    std::sort(matches.begin(), matches.end(), [&](const Match& a, const Match& b) {
      const bool keyed = (by_update || by_due) && a.updated != b.updated;
      const bool less = keyed ? a.updated < b.updated : a.id < b.id;
      const bool greater = keyed ? a.updated > b.updated : a.id > b.id;
      return r.ascending ? less : greater;
    });
    page.total = matches.size();
    if (first < matches.size()) {
      matches.erase(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(first));
    } else {
      matches.clear();
    }
    if (matches.size() > r.pageSize) matches.resize(r.pageSize);
  } else {
    Result<CachedStatement> count = db_.cached("SELECT count(*)" + from);
    if (!count.ok()) return count.status();
    if (Status s = filter.bind(**count); !s.ok()) return s;
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
    (*count)->reset();
    const char* direction = r.ascending ? " ASC" : " DESC";
    const int limit = filter.next_parameter();
    Result<CachedStatement> select = db_.cached(
        "SELECT id" + from + " ORDER BY " +
        (by_update ? std::string("updated_at")
         : by_due  ? sla_due_order("support_inquiry", "inquiries.id")
                   : std::string("id")) +
        direction + (by_update || by_due ? ", id" + std::string(direction) : std::string()) +
        " LIMIT ?" + std::to_string(limit) + " OFFSET ?" + std::to_string(limit + 1));
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status s = filter.bind(st);
    if (s.ok()) s = st.bind(limit, static_cast<std::int64_t>(r.pageSize));
    if (s.ok()) s = st.bind(limit + 1, static_cast<std::int64_t>(first));
    if (!s.ok()) return s;
    for (;;) {
      Result<bool> more = st.step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      matches.push_back({st.column_int64(0), {}});
    }
  }
  Result<CachedStatement> fetch = db_.cached("SELECT " + std::string(kColumns) +
                                             " FROM support_inquiries.inquiries WHERE id = ?1");
  if (!fetch.ok()) return fetch.status();
  for (const Match& m : matches) {
    Statement& st = **fetch;
    if (Status s = st.bind(1, m.id); !s.ok()) return s;
    Result<bool> row = st.step();
    if (!row.ok()) return row.status();
    if (*row) page.items.push_back(read_row(st));
    st.reset();
  }
  std::vector<SupportInquiryRow*> rows;
  for (SupportInquiryRow& row : page.items)
    rows.push_back(&row);
  if (Status s = attach_sla(std::move(rows)); !s.ok()) return s;
  if (Status s = txn->commit(); !s.ok()) return s;
  return page;
}

Result<std::vector<std::int64_t>> SupportInquiryQuery::inactive_since(UnixMillis cutoff,
                                                                      std::size_t limit) {
  Result<CachedStatement> st = db_.cached(
      "SELECT id FROM support_inquiries.inquiries WHERE status IN ('open', 'active', "
      "'waiting', 'resolved') AND updated_at < ?1 ORDER BY updated_at LIMIT ?2");
  if (!st.ok()) return st.status();
  // updated_at is fixed-width ISO-8601 with milliseconds: text order is time order.
  if (Status s = (*st)->bind_all(format_iso8601(cutoff), static_cast<std::int64_t>(limit));
      !s.ok()) {
    return s;
  }
  std::vector<std::int64_t> ids;
  for (;;) {
    Result<bool> row = (*st)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back((*st)->column_int64(0));
  }
  return ids;
}

}  // namespace docket::projections

#include "projections/support_request_query.h"

#include <algorithm>
#include <vector>

#include "core/utf8.h"
#include "projections/like_pattern.h"
#include "projections/message_thread.h"
#include "projections/sql_filter.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kColumns =
    "id, ticket_number, customer_id, subject, category, priority, status, assigned_admin_id, "
    "resolution_note, metadata, created_at, updated_at, first_response_at, resolved_at, "
    "message_count, journey, source, satisfaction_rating, satisfaction_comment, "
    "satisfaction_at";

SupportRequestRow read_row(const Statement& st) {
  SupportRequestRow r;
  r.id = st.column_int64(0);
  r.ticketNumber = std::string(st.column_text(1));
  r.customerId = st.column_int64(2);
  r.subject = std::string(st.column_text(3));
  r.category = std::string(st.column_text(4));
  r.priority = std::string(st.column_text(5));
  r.status = std::string(st.column_text(6));
  r.assignedAdminId = st.column_optional_int64(7);
  r.resolutionNote = st.column_optional_text(8);
  r.metadata.text = st.column_is_null(9) ? "null" : std::string(st.column_text(9));
  r.createdAt = std::string(st.column_text(10));
  r.updatedAt = std::string(st.column_text(11));
  r.firstResponseAt = st.column_optional_text(12);
  r.resolvedAt = st.column_optional_text(13);
  r.messageCount = st.column_int64(14);
  r.journey.text = st.column_is_null(15) ? "null" : std::string(st.column_text(15));
  r.source = st.column_optional_text(16);
  r.satisfaction = read_satisfaction(st, 17);
  return r;
}

}  // namespace

Status SupportRequestQuery::attach_sla(std::vector<SupportRequestRow*> rows) {
  std::vector<std::int64_t> ids;
  for (const SupportRequestRow* row : rows)
    ids.push_back(row->id);
  auto clocks = SlaQuery(db_).items("support_request", ids);
  if (!clocks.ok()) return clocks.status();
  for (SupportRequestRow* row : rows) {
    if (auto it = clocks->find(row->id); it != clocks->end()) row->slaClock = std::move(it->second);
  }
  return Status::Ok();
}

Result<SupportRequestRow> SupportRequestQuery::find(std::int64_t id,
                                                    std::optional<std::int64_t> customer_id) {
  auto row = find_with_messages<SupportRequestRow>(
      db_,
      "SELECT " + std::string(kColumns) +
          " FROM support_requests.requests WHERE id = ?1 AND (?2 IS NULL OR customer_id = ?2)",
      read_row,
      "SELECT id, sender_type, sender_id, message, created_at, event_id, attachments "
      "FROM support_requests.messages WHERE request_id = ?1 ORDER BY id",
      "support request", id, customer_id);
  if (row.ok()) {
    if (Status s = attach_sla({&*row}); !s.ok()) return s;
  }
  return row;
}

Result<SupportRequestRow> SupportRequestQuery::find_without_messages(
    std::int64_t id, std::optional<std::int64_t> customer_id) {
  Result<CachedStatement> st = db_.cached(
      "SELECT " + std::string(kColumns) +
      " FROM support_requests.requests WHERE id = ?1 AND (?2 IS NULL OR customer_id = ?2)");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(id, customer_id); !s.ok()) return s;
  Result<bool> found = (*st)->step();
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("no such support request");
  SupportRequestRow row = read_row(**st);
  (*st)->reset();
  if (Status s = attach_sla({&row}); !s.ok()) return s;
  return row;
}

Result<std::int64_t> SupportRequestQuery::customer_of(std::int64_t id) {
  Result<CachedStatement> st =
      db_.cached("SELECT customer_id FROM support_requests.requests WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind(1, id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such support request");
  const std::int64_t customer = (*st)->column_int64(0);
  (*st)->reset();
  return customer;
}

Status SupportRequestQuery::attach_page_sla(SupportRequestPage& page) {
  std::vector<SupportRequestRow*> rows;
  for (SupportRequestRow& row : page.items)
    rows.push_back(&row);
  return attach_sla(std::move(rows));
}

Result<SupportRequestPage> SupportRequestQuery::list(const SupportRequestListRequest& r) {
  if (r.page == 0) return Status::InvalidArgument("page starts at 1");
  if (r.pageSize == 0 || r.pageSize > kMaxSupportRequestPageSize) {
    return Status::InvalidArgument("pageSize must be between 1 and 100");
  }
  std::string order;
  if (r.sortBy == "createdAt") {
    order = "id";
  } else if (r.sortBy == "updatedAt") {
    order = "updated_at";
  } else if (r.sortBy == "priority") {
    order = "priority_rank";
  } else if (r.sortBy == "dueAt") {
    order = sla_due_order("support_request", "requests.id");
  } else {
    return Status::InvalidArgument("unknown sortBy");
  }
  const char* direction = r.ascending ? " ASC" : " DESC";
  SqlFilter filter;
  filter.equals("customer_id", r.customerId);
  filter.equals("status", r.status);
  filter.equals("category", r.category);
  filter.equals("priority", r.priority);
  filter.equals("assigned_admin_id", r.assignedAdminId);
  if (r.unassigned) filter.condition("assigned_admin_id IS NULL");
  if (r.slaStatus) {
    auto sla = sla_filter("support_request", "requests.id", *r.slaStatus, r.nowMs);
    if (!sla) return Status::InvalidArgument("unknown slaStatus");
    filter.condition(sla->first,
                     std::vector<SqlFilter::Value>(sla->second.begin(), sla->second.end()));
  }
  std::string from = " FROM support_requests.requests";
  bool indexed_search = false;
  if (r.search) {
    if (utf8_length(*r.search) >= 3) {
      // The trigram index drives: its matches are few next to a status's rows, so
      // the join starts from it (CROSS JOIN fixes the order) and checks the other
      // filters on each match.
      // Sorted by creation (= id) with no other filter, the index alone gives the
      // matches: its rowids are the ids, and only the page's rows are read.
      const bool index_only = order == "id" && !r.customerId && !r.status && !r.category &&
                              !r.priority && !r.assignedAdminId && !r.unassigned && !r.slaStatus;
      from = index_only ? " FROM support_requests.requests_search"
                        : " FROM support_requests.requests_search CROSS JOIN "
                          "support_requests.requests ON requests.id = requests_search.rowid";
      filter.condition("requests_search MATCH ?", fts5_substring_query(*r.search));
      indexed_search = true;
    } else {  // too short for the trigram index: a scan
      filter.condition("(subject LIKE ? ESCAPE '\\' OR ticket_number LIKE ? ESCAPE '\\')",
                       {like_pattern(*r.search), like_pattern(*r.search)});
    }
  }
  from += filter.where();

  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  SupportRequestPage page;
  if (indexed_search) {
    if (Status s = search_page(r, order, from, filter, page); !s.ok()) return s;
    if (Status s = attach_page_sla(page); !s.ok()) return s;
    if (Status s = txn->commit(); !s.ok()) return s;
    return page;
  }
  {
    // The status tabs of the admin inbox (no filter but the status) read the kept
    // counts; every other combination counts its rows.
    const bool by_status_only = !r.customerId && !r.category && !r.priority && !r.assignedAdminId &&
                                !r.unassigned && !r.search && !r.slaStatus;
    std::string count_sql = "SELECT count(*)" + from;
    if (by_status_only) {
      count_sql = r.status ? "SELECT coalesce((SELECT n FROM support_requests.status_counts "
                             "WHERE status = ?1), 0)"
                           : "SELECT coalesce(sum(n), 0) FROM support_requests.status_counts";
    }
    Result<CachedStatement> count = db_.cached(count_sql);
    if (!count.ok()) return count.status();
    if (Status s = filter.bind(**count); !s.ok()) return s;
    Result<bool> row = (*count)->step();
    if (!row.ok()) return row.status();
    page.total = *row ? static_cast<std::uint64_t>((*count)->column_int64(0)) : 0;
  }
  {
    const int limit = filter.next_parameter();
    Result<CachedStatement> select =
        db_.cached("SELECT " + std::string(kColumns) + from + " ORDER BY " + order + direction +
                   (order == "id" ? "" : ", id" + std::string(direction)) + " LIMIT ?" +
                   std::to_string(limit) + " OFFSET ?" + std::to_string(limit + 1));
    if (!select.ok()) return select.status();
    Statement& st = **select;
    Status s = filter.bind(st);
    if (s.ok()) s = st.bind(limit, static_cast<std::int64_t>(r.pageSize));
    if (s.ok()) s = st.bind(limit + 1, static_cast<std::int64_t>(r.page - 1) * r.pageSize);
    if (!s.ok()) return s;
    for (;;) {
      Result<bool> row = st.step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(read_row(st));
    }
  }
  if (Status s = attach_page_sla(page); !s.ok()) return s;
  if (Status s = txn->commit(); !s.ok()) return s;
  return page;
}

// A search through the trigram index matches a few thousand requests at most in
// practice. One pass reads every match's id and sort key (checking the other filters
// on each), which gives the total; the page is cut from them in memory and its rows
// read by id. Counting and paging in SQL would walk the matches twice, and a sort
// order the index does not give would sort them all in SQLite anyway.
Status SupportRequestQuery::search_page(const SupportRequestListRequest& r,
                                        const std::string& order, const std::string& from,
                                        const SqlFilter& filter, SupportRequestPage& page) {
  struct Match {
    std::int64_t id;
    std::int64_t rank;    // priority_rank or the next deadline, when sorting by them
    std::string updated;  // updated_at when sorting by it (ISO-8601 sorts as text)
  };
  std::vector<Match> matches;
  {
    const bool index_only = from.find(" JOIN ") == std::string::npos;
    Result<CachedStatement> select = db_.cached(
        index_only ? "SELECT requests_search.rowid, 0, NULL" + from
                   : "SELECT requests.id, " +
                         (order == "updated_at" || order == "id" ? std::string("0") : order) +
                         ", requests.updated_at" + from);
    if (!select.ok()) return select.status();
    if (Status s = filter.bind(**select); !s.ok()) return s;
    for (;;) {
      Result<bool> row = (*select)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      const Statement& st = **select;
      matches.push_back({st.column_int64(0), st.column_int64(1),
                         order == "updated_at" ? std::string(st.column_text(2)) : std::string()});
    }
  }
  auto less = [&](const Match& a, const Match& b) {
    if (order == "updated_at" && a.updated != b.updated) return a.updated < b.updated;
    if (order != "updated_at" && order != "id" && a.rank != b.rank) return a.rank < b.rank;
    return a.id < b.id;
  };
  std::sort(matches.begin(), matches.end(),
            [&](const Match& a, const Match& b) { return r.ascending ? less(a, b) : less(b, a); });
  page.total = matches.size();
  const std::size_t first = static_cast<std::size_t>(r.page - 1) * r.pageSize;
  Result<CachedStatement> fetch = db_.cached("SELECT " + std::string(kColumns) +
                                             " FROM support_requests.requests WHERE id = ?1");
  if (!fetch.ok()) return fetch.status();
  for (std::size_t i = first; i < matches.size() && i < first + r.pageSize; ++i) {
    Statement& st = **fetch;
    if (Status s = st.bind(1, matches[i].id); !s.ok()) return s;
    Result<bool> row = st.step();
    if (!row.ok()) return row.status();
    if (*row) page.items.push_back(read_row(st));
    st.reset();
  }
  return Status::Ok();
}

}  // namespace docket::projections

#include "projections/stats_query.h"

#include <cmath>

#include "domain/support_inquiry.h"
#include "domain/support_request.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::string_view kRange =
    "(?1 IS NULL OR created_at >= ?1) AND (?2 IS NULL OR created_at < ?2)";

// Runs `sql` with the range bound and calls `row` for each result row.
template <typename RowFn>
Status each_row(Database& db, const std::string& sql, const std::optional<std::string>& from,
                const std::optional<std::string>& to, RowFn&& row) {
  Result<CachedStatement> st = db.cached(sql);
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(from, to); !s.ok()) return s;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    row(**st);
  }
}

std::optional<double> optional_double(const Statement& st, int col) {
  if (st.column_is_null(col)) return std::nullopt;
  return st.column_double(col);
}

}  // namespace

Result<SupportStats> StatsQuery::compute(const std::optional<std::string>& from,
                                         const std::optional<std::string>& to) {
  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  SupportStats out;
  const std::string range(kRange);
  const std::string requests = " FROM support_requests.requests WHERE " + range;

  for (std::string_view status : domain::kRequestStatuses)
    out.byStatus.emplace_back(status, 0);
  Status s = each_row(db_, "SELECT status, count(*)" + requests + " GROUP BY status", from, to,
                      [&](const Statement& st) {
                        for (auto& [name, n] : out.byStatus)
                          if (name == st.column_text(0)) n = st.column_int64(1);
                      });
  if (!s.ok()) return s;
  for (const auto& [name, n] : out.byStatus)
    out.total += n;
  for (std::string_view priority : domain::kPriorities)
    out.byPriority.emplace_back(priority, 0);
  s = each_row(db_, "SELECT priority, count(*)" + requests + " GROUP BY priority", from, to,
               [&](const Statement& st) {
                 for (auto& [name, n] : out.byPriority)
                   if (name == st.column_text(0)) n = st.column_int64(1);
               });
  if (!s.ok()) return s;
  s = each_row(
      db_,
      "SELECT category, count(*) AS n" + requests + " GROUP BY category ORDER BY n DESC, category",
      from, to, [&](const Statement& st) {
        out.byCategory.emplace_back(std::string(st.column_text(0)), st.column_int64(1));
      });
  if (!s.ok()) return s;

  s = each_row(db_,
               "SELECT count(*), avg(first_response_ms - created_ms) / 1000.0" + requests +
                   " AND first_response_ms IS NOT NULL",
               from, to, [&](const Statement& st) {
                 out.responded = static_cast<std::uint64_t>(st.column_int64(0));
                 out.firstResponseAvgSeconds = optional_double(st, 1);
               });
  if (!s.ok()) return s;
  if (out.responded > 0) {
    // Nearest rank: the ceil(0.9 n)-th smallest.
    const auto rank =
        static_cast<std::int64_t>(std::ceil(0.9 * static_cast<double>(out.responded)));
    Result<CachedStatement> p90 =
        db_.cached("SELECT (first_response_ms - created_ms) / 1000.0" + requests +
                   " AND first_response_ms IS NOT NULL ORDER BY first_response_ms - created_ms "
                   "LIMIT 1 OFFSET ?3");
    if (!p90.ok()) return p90.status();
    if (Status b = (*p90)->bind_all(from, to, rank - 1); !b.ok()) return b;
    Result<bool> row = (*p90)->step();
    if (!row.ok()) return row.status();
    if (*row) out.firstResponseP90Seconds = (*p90)->column_double(0);
  }
  s = each_row(db_,
               "SELECT count(*), avg(resolved_ms - created_ms) / 1000.0" + requests +
                   " AND resolved_ms IS NOT NULL",
               from, to, [&](const Statement& st) {
                 out.resolved = static_cast<std::uint64_t>(st.column_int64(0));
                 out.resolutionAvgSeconds = optional_double(st, 1);
               });
  if (!s.ok()) return s;
  s = each_row(db_,
               "SELECT substr(resolved_at, 1, 10) AS day, count(*)" + requests +
                   " AND resolved_at IS NOT NULL GROUP BY day ORDER BY day",
               from, to, [&](const Statement& st) {
                 out.resolvedPerDay.emplace_back(std::string(st.column_text(0)),
                                                 st.column_int64(1));
               });
  if (!s.ok()) return s;

  const std::string feedback = " FROM feedback.feedback WHERE " + range;
  out.feedbackByStatus = {{"new", 0}, {"reviewed", 0}};
  s = each_row(db_, "SELECT status, count(*)" + feedback + " GROUP BY status", from, to,
               [&](const Statement& st) {
                 for (auto& [name, n] : out.feedbackByStatus)
                   if (name == st.column_text(0)) n = st.column_int64(1);
               });
  if (!s.ok()) return s;
  for (const auto& [name, n] : out.feedbackByStatus)
    out.feedbackTotal += n;
  s = each_row(db_, "SELECT avg(rating)" + feedback + " AND rating IS NOT NULL", from, to,
               [&](const Statement& st) { out.feedbackAverageRating = optional_double(st, 0); });
  if (!s.ok()) return s;
  if (Status c = txn->commit(); !c.ok()) return c;
  return out;
}

Result<InquiryStats> StatsQuery::inquiries(const std::optional<std::string>& from,
                                           const std::optional<std::string>& to) {
  Result<Transaction> txn = Transaction::begin(db_);
  if (!txn.ok()) return txn.status();
  InquiryStats out;
  const std::string inquiries = " FROM support_inquiries.inquiries WHERE " + std::string(kRange);
  auto count_into = [](std::vector<std::pair<std::string, std::uint64_t>>& counts) {
    return [&counts](const Statement& st) {
      for (auto& [name, n] : counts)
        if (name == st.column_text(0)) n = st.column_int64(1);
    };
  };
  for (std::string_view status : domain::kInquiryStatuses)
    out.byStatus.emplace_back(status, 0);
  Status s = each_row(db_, "SELECT status, count(*)" + inquiries + " GROUP BY status", from, to,
                      count_into(out.byStatus));
  if (!s.ok()) return s;
  for (const auto& [name, n] : out.byStatus)
    out.total += n;
  for (std::string_view priority : domain::kPriorities)
    out.byPriority.emplace_back(priority, 0);
  s = each_row(db_, "SELECT priority, count(*)" + inquiries + " GROUP BY priority", from, to,
               count_into(out.byPriority));
  if (!s.ok()) return s;
  s = each_row(
      db_,
      "SELECT coalesce(category, ''), count(*) AS n" + inquiries + " GROUP BY 1 ORDER BY n DESC, 1",
      from, to, [&](const Statement& st) {
        out.byCategory.emplace_back(std::string(st.column_text(0)), st.column_int64(1));
      });
  if (!s.ok()) return s;
  // The first staff message's time, per inquiry (messages are keyed by inquiry).
  s = each_row(db_,
               "SELECT count(d), avg(d) FROM (SELECT (julianday((SELECT min(m.created_at) FROM "
               "support_inquiries.inquiry_messages m WHERE m.inquiry_id = inquiries.id AND "
               "m.sender_type = 'admin')) - julianday(created_at)) * 86400.0 AS d" +
                   inquiries + ")",
               from, to, [&](const Statement& st) {
                 out.responded = static_cast<std::uint64_t>(st.column_int64(0));
                 out.firstResponseAvgSeconds = optional_double(st, 1);
               });
  if (!s.ok()) return s;
  if (Status c = txn->commit(); !c.ok()) return c;
  return out;
}

}  // namespace docket::projections

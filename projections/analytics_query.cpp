#include "projections/analytics_query.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "projections/analytics.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::int64_t kQuarterMs = 900'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t floor_to(std::int64_t v, std::int64_t unit) {
  const std::int64_t q = v / unit - ((v % unit != 0 && v < 0) ? 1 : 0);
  return q * unit;
}

std::int64_t ceil_to(std::int64_t v, std::int64_t unit) {
  const std::int64_t f = floor_to(v, unit);
  return f == v ? v : f + unit;
}

// One hourly row: the cumulative figures at 0, 15, 30, 45 and 60 minutes.
struct HourRow {
  std::string key;
  std::int64_t hourStart = 0;
  AnalyticsSum at[5];

  // The part of the hour in [from, to) (quarter-hour instants).
  AnalyticsSum part(std::int64_t from, std::int64_t to) const {
    const auto quarter = [&](std::int64_t t) {
      return static_cast<int>(std::clamp<std::int64_t>((t - hourStart) / kQuarterMs, 0, 4));
    };
    const int s = quarter(from);
    const int e = quarter(to);
    if (e <= s) return {};
    return {at[e].n - at[s].n, at[e].total - at[s].total};
  }
};

template <typename RowFn>
Status each_hour(Database& db, std::string_view metric, std::string_view dim,
                 std::optional<std::string_view> key, std::int64_t from, std::int64_t to,
                 RowFn&& row) {
  Result<CachedStatement> st = db.cached(
      "SELECT key, hour, n, total, n15, t15, n30, t30, n45, t45 FROM analytics.hourly "
      "WHERE metric = ?1 AND dim = ?2 AND hour >= ?3 AND hour < ?4 AND (?5 IS NULL OR key = ?5) "
      "ORDER BY hour");
  if (!st.ok()) return st.status();
  std::optional<std::string> k;
  if (key) k = std::string(*key);
  if (Status s = (*st)->bind_all(metric, dim, floor_to(from, kHourMs) / kHourMs,
                                 ceil_to(to, kHourMs) / kHourMs, k);
      !s.ok()) {
    return s;
  }
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    const Statement& r = **st;
    HourRow h;
    h.key = std::string(r.column_text(0));
    h.hourStart = r.column_int64(1) * kHourMs;
    h.at[1] = {r.column_int64(4), r.column_double(5)};
    h.at[2] = {r.column_int64(6), r.column_double(7)};
    h.at[3] = {r.column_int64(8), r.column_double(9)};
    h.at[4] = {r.column_int64(2), r.column_double(3)};
    row(h);
  }
}

}  // namespace

Status AnalyticsQuery::add_rows(std::string_view table, std::string_view column,
                                std::string_view metric, std::string_view dim, std::int64_t from,
                                std::int64_t to, std::map<std::string, AnalyticsSum>& out) {
  if (to <= from) return Status::Ok();
  // `table` and `column` are names written in code, never input.
  Result<CachedStatement> st = db_.cached(
      fmt::format("SELECT key, n, total FROM analytics.{0} WHERE metric = ?1 AND dim = ?2 AND "
                  "{1} >= ?3 AND {1} < ?4",
                  table, column));
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(metric, dim, from, to); !s.ok()) return s;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    out[std::string((*st)->column_text(0))] +=
        AnalyticsSum{(*st)->column_int64(1), (*st)->column_double(2)};
  }
}

Status AnalyticsQuery::add_hours(std::string_view metric, std::string_view dim, std::int64_t from,
                                 std::int64_t to, std::map<std::string, AnalyticsSum>& out) {
  if (to <= from) return Status::Ok();
  return each_hour(db_, metric, dim, std::nullopt, from, to,
                   [&](const HourRow& h) { out[h.key] += h.part(from, to); });
}

Result<std::map<std::string, AnalyticsSum>> AnalyticsQuery::sums(std::string_view metric,
                                                                 std::string_view dim,
                                                                 std::int64_t from,
                                                                 std::int64_t to) {
  from = floor_to(from, kQuarterMs);
  to = floor_to(to, kQuarterMs);
  std::map<std::string, AnalyticsSum> out;
  if (to <= from) return out;
  const std::int64_t first_day = ceil_to(from, kDayMs);
  const std::int64_t last_day = floor_to(to, kDayMs);
  if (first_day >= last_day) {
    if (Status s = add_hours(metric, dim, from, to, out); !s.ok()) return s;
  } else {
    if (Status s = add_hours(metric, dim, from, first_day, out); !s.ok()) return s;
    if (Status s = add_hours(metric, dim, last_day, to, out); !s.ok()) return s;
    // Whole months from the monthly rows, the days around them from the daily rows.
    const std::int64_t d1 = first_day / kDayMs;
    const std::int64_t d2 = last_day / kDayMs;
    std::int64_t m1 = month_of_day(d1);
    if (first_day_of_month(m1) < d1) ++m1;
    const std::int64_t m2 = month_of_day(d2);  // d2's month is not whole before d2
    Status s;
    if (m1 < m2) {
      s = add_rows("monthly", "month", metric, dim, m1, m2, out);
      if (s.ok()) s = add_rows("daily", "day", metric, dim, d1, first_day_of_month(m1), out);
      if (s.ok()) s = add_rows("daily", "day", metric, dim, first_day_of_month(m2), d2, out);
    } else {
      s = add_rows("daily", "day", metric, dim, d1, d2, out);
    }
    if (!s.ok()) return s;
  }
  // Keys whose edges cancelled out (a part of nothing) are not worth a row.
  std::erase_if(out, [](const auto& kv) { return kv.second.n == 0; });
  return out;
}

Result<AnalyticsSum> AnalyticsQuery::total(std::string_view metric, std::int64_t from,
                                           std::int64_t to) {
  auto all = sums(metric, "all", from, to);
  if (!all.ok()) return all.status();
  auto it = all->find("");
  return it == all->end() ? AnalyticsSum{} : it->second;
}

Result<std::vector<AnalyticsSum>> AnalyticsQuery::series(std::string_view metric,
                                                         std::span<const std::int64_t> edges) {
  std::vector<std::int64_t> cut(edges.begin(), edges.end());
  for (std::int64_t& e : cut)
    e = floor_to(e, kQuarterMs);
  std::vector<AnalyticsSum> out(cut.size() - 1);
  Status s = each_hour(
      db_, metric, "all", std::string_view(), cut.front(), cut.back(), [&](const HourRow& h) {
        const std::int64_t end = h.hourStart + kHourMs;
        // The first bucket that ends after the hour starts.
        auto it = std::upper_bound(cut.begin(), cut.end(), h.hourStart);
        std::size_t i = it == cut.begin() ? 0 : static_cast<std::size_t>(it - cut.begin()) - 1;
        for (; i + 1 < cut.size() && cut[i] < end; ++i)
          out[i] += h.part(std::max(cut[i], h.hourStart), std::min(cut[i + 1], end));
      });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<std::optional<double>>> AnalyticsQuery::percentiles(std::string_view metric,
                                                                       std::int64_t from,
                                                                       std::int64_t to,
                                                                       std::span<const double> ps) {
  auto bins = sums(std::string(metric) + "_hist", "all", from, to);
  if (!bins.ok()) return bins.status();
  std::int64_t count = 0;
  for (const auto& [bin, sum] : *bins)
    count += sum.n;
  std::vector<std::optional<double>> out;
  for (double p : ps) {
    if (count == 0) {
      out.emplace_back();
      continue;
    }
    const auto rank = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(p * static_cast<double>(count))));
    std::int64_t seen = 0;
    for (const auto& [bin, sum] : *bins) {  // keys sort in bin order
      seen += sum.n;
      if (seen >= rank) {
        out.emplace_back(duration_bin_value(bin));
        break;
      }
    }
  }
  return out;
}

Result<std::int64_t> AnalyticsQuery::backlog() {
  Result<CachedStatement> st =
      db_.cached("SELECT count(*) FROM analytics.items INDEXED BY items_open WHERE open = 1");
  if (!st.ok()) return st.status();
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  const std::int64_t n = (*st)->column_int64(0);
  (*st)->reset();
  return n;
}

Result<std::map<std::int64_t, std::int64_t>> AnalyticsQuery::open_by_agent() {
  Result<CachedStatement> st = db_.cached(
      "SELECT assignee, count(*) FROM analytics.items INDEXED BY items_open "
      "WHERE open = 1 AND assignee IS NOT NULL GROUP BY assignee");
  if (!st.ok()) return st.status();
  std::map<std::int64_t, std::int64_t> out;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) return out;
    out[(*st)->column_int64(0)] = (*st)->column_int64(1);
  }
}

Result<std::vector<std::int64_t>> AnalyticsQuery::depth_at(std::span<const std::int64_t> instants) {
  std::vector<std::int64_t> out;
  out.reserve(instants.size());
  Result<CachedStatement> st =
      db_.cached("SELECT last FROM analytics.depth WHERE hour < ?1 ORDER BY hour DESC LIMIT 1");
  if (!st.ok()) return st.status();
  for (std::int64_t t : instants) {
    if (Status s = (*st)->bind_all(floor_to(t, kHourMs) / kHourMs); !s.ok()) return s;
    Result<bool> row = (*st)->step();
    if (!row.ok()) return row.status();
    out.push_back(*row ? (*st)->column_int64(0) : 0);
    (*st)->reset();
  }
  return out;
}

Result<std::vector<AnalyticsStaff>> AnalyticsQuery::staff() {
  Result<CachedStatement> st = db_.cached(
      "SELECT id, name, email, active FROM accounts.accounts WHERE role != 'customer' "
      "ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<AnalyticsStaff> out;
  for (;;) {
    Result<bool> more = (*st)->step();
    if (!more.ok()) return more.status();
    if (!*more) return out;
    out.push_back({(*st)->column_int64(0), std::string((*st)->column_text(1)),
                   std::string((*st)->column_text(2)), (*st)->column_int64(3) != 0});
  }
}

}  // namespace docket::projections

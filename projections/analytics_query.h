// AnalyticsQuery: reads the analytics projection's aggregates (projections/analytics.h)
// for the reports of docs/analytics.md.
//
// Ranges are half-open instants [from, to) in milliseconds. They are cut at quarter
// hours (an edge inside one is taken at the quarter hour before it), which is where
// every time zone's midnight falls today. A range's whole UTC months are read from the
// monthly rows, its other whole UTC days from the daily rows, its edges from the hourly
// rows and their quarter-hour columns, so a report over 90 days reads a few dozen rows
// per metric and key instead of every item.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket::projections {

class Database;

// How often a metric counted, and the sum of its values (seconds, ratings).
struct AnalyticsSum {
  std::int64_t n = 0;
  double total = 0;
  AnalyticsSum& operator+=(const AnalyticsSum& o) {
    n += o.n;
    total += o.total;
    return *this;
  }
};

// A staff account, for the agents report.
struct AnalyticsStaff {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  bool active = true;
};

// Borrows `db`: a ReadLease's database with the analytics read model attached (and the
// accounts read model, for staff()).
class AnalyticsQuery {
 public:
  explicit AnalyticsQuery(Database& db) : db_(db) {}

  // Per key of `dim`: the metric over [from, to).
  Result<std::map<std::string, AnalyticsSum>> sums(std::string_view metric, std::string_view dim,
                                                   std::int64_t from, std::int64_t to);
  // dim "all": one figure.
  Result<AnalyticsSum> total(std::string_view metric, std::int64_t from, std::int64_t to);
  // The metric (dim "all") in each bucket [edges[i], edges[i + 1]).
  // REQUIRES: edges ascending, at least two.
  Result<std::vector<AnalyticsSum>> series(std::string_view metric,
                                           std::span<const std::int64_t> edges);
  // The nearest-rank percentiles `ps` (each 0 < p <= 1) of a duration histogram
  // (`<metric>_hist`) over [from, to), each its bin's middle value; nullopt when nothing
  // was counted. One read of the histogram for all of them.
  Result<std::vector<std::optional<double>>> percentiles(std::string_view metric, std::int64_t from,
                                                         std::int64_t to,
                                                         std::span<const double> ps);
  // Open items now, and per assignee (staff id) the open items assigned.
  Result<std::int64_t> backlog();
  Result<std::map<std::int64_t, std::int64_t>> open_by_agent();
  // The waiting queue's depth at each instant: its depth when the last whole UTC hour
  // before it ended (0 before anything waited).
  Result<std::vector<std::int64_t>> depth_at(std::span<const std::int64_t> instants);
  // Every staff account, by id.
  Result<std::vector<AnalyticsStaff>> staff();

 private:
  Status add_rows(std::string_view table, std::string_view column, std::string_view metric,
                  std::string_view dim, std::int64_t from, std::int64_t to,
                  std::map<std::string, AnalyticsSum>& out);
  Status add_hours(std::string_view metric, std::string_view dim, std::int64_t from,
                   std::int64_t to, std::map<std::string, AnalyticsSum>& out);
  Database& db_;
};

}  // namespace docket::projections

// The "analytics" projection: counters and sums per hour and per day × dimension, kept
// incrementally from the items' events, so the reports of docs/analytics.md read
// aggregates instead of scanning requests (queries: projections/analytics_query.h).
//
//   items(kind, id, created_ms, channel, category, priority, journey, status, assignee,
//         first_response_ms, first_assigned_ms, resolved_once, open, waiting,
//         calendar_id, calendar_version, has_clock, fr_met, res_met, nr_met)
//     -- what the next event of an item needs: its dimensions, whether it was answered,
//        assigned and resolved before, and its SLA calendar (for business time)
//   hourly(metric, dim, key, hour, n, total, n15, t15, n30, t30, n45, t45)
//     -- per UTC hour; n/total over the whole hour, nXX/tXX over its first XX minutes,
//        so a range can start or end on any quarter hour (every time zone's midnight)
//   daily(metric, dim, key, day, n, total)   -- per UTC day, for the whole days of a range
//   monthly(metric, dim, key, month, n, total) -- per UTC month (year * 12 + month - 1),
//                                               for the whole months of a range
//   depth(hour, last, high)                  -- the waiting queue's depth when each hour
//                                               ended (last) and its highest in the hour
//   calendars(id, version, type, data)       -- SLA calendar versions (business time)
//   state(key, value)                        -- 'waiting': the queue depth now
//
// dim is "all" (key ""), "kind", "channel" (request | inquiry | form | journey),
// "category", "priority", "journey" (a journey id) or "agent" (a staff account id).
// Metrics, and when they count (n = 1 each; total as said):
//   created                at creation
//   resolved               entering resolved or closed from an open status (not spam or
//                          linked); by the assignee at that moment
//   reopened               leaving resolved or closed for an open status
//   frt_wall, frt_business first staff reply: total = seconds since creation, wall and
//                          in the SLA calendar's business time; by the replying agent
//   res_wall, res_business the first resolution: total = seconds since creation
//   *_hist                 the same times' log-spaced bins (key = bin), for percentiles
//   sla_met_<target>,      a target met in time / breached; target firstResponse,
//   sla_breached_<target>  resolution or nextResponse
//   csat, csat_positive    a rating (total = the rating) / a rating of 4 or 5
//   assigned_auto,         an assignment by the queue / by staff (manual or take)
//   assigned_manual
//   queue_wait, queue_wait_hist  first assignment: total = seconds waited since creation
//   queue_wait_band        the same wait's band (key: one of kWaitBands)
#pragma once

#include <string>
#include <string_view>

#include "projections/projection.h"

namespace docket::projections {

// Stateless apart from a cache of parsed calendar versions (immutable facts of the log).
class AnalyticsProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "analytics";
  // 2: monthly; 3: items_open covers (open, assignee)
  static constexpr int kSchemaVersion = 3;

  std::string_view name() const override { return kName; }
  int schema_version() const override { return kSchemaVersion; }
  Status create_schema(Database& db) override;
  Status apply(Database& db, const events::EventRecord& event) override;
  bool wants(std::string_view type) const override;
};

// The log-spaced bin of a duration (bins grow by 10 %) and the value that stands for it
// (the bin's geometric middle); bin keys sort as text in numeric order.
std::string duration_bin(double seconds);
double duration_bin_value(std::string_view bin);

// A UTC day (days since 1970-01-01) to its month (year * 12 + month - 1), and a month to
// its first day.
std::int64_t month_of_day(std::int64_t day);
std::int64_t first_day_of_month(std::int64_t month);

// The bands of the waiting-time distribution, shortest first, and a wait's band.
inline constexpr std::string_view kWaitBands[] = {"<1m",  "1-5m",  "5-15m", "15-60m",
                                                  "1-4h", "4-24h", ">=24h"};
std::string_view wait_band(double seconds);

}  // namespace docket::projections

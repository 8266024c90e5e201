#include "projections/analytics.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <date/date.h>
#include <fmt/format.h>

#include "domain/business_time.h"
#include "domain/sla.h"
#include "domain/sla_events.h"
#include "domain/support_inquiry_events.h"
#include "domain/support_request_events.h"
#include "projections/sql_run.h"
#include "projections/sqlite.h"

namespace docket::projections {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::string_view kRequest = "support_request";
constexpr std::string_view kInquiry = "support_inquiry";
constexpr double kBinRatio = 1.1;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// ---- counters ---------------------------------------------------------------------------

// Adds one occurrence (n + 1, total + value) at `at_ms` to the hour and the day.
Status add(Database& db, std::string_view metric, std::string_view dim, std::string_view key,
           std::int64_t at_ms, double value) {
  const std::int64_t hour = floor_div(at_ms, kHourMs);
  const std::int64_t minute = (at_ms - hour * kHourMs) / 60'000;
  const int q15 = minute < 15 ? 1 : 0;
  const int q30 = minute < 30 ? 1 : 0;
  const int q45 = minute < 45 ? 1 : 0;
  Status s =
      run_sql(db,
              "INSERT INTO hourly(metric, dim, key, hour, n, total, n15, t15, n30, t30, "
              "n45, t45) VALUES(?1, ?2, ?3, ?4, 1, ?5, ?6, ?6 * ?5, ?7, ?7 * ?5, ?8, ?8 * ?5) "
              "ON CONFLICT(metric, dim, hour, key) DO UPDATE SET n = n + 1, "
              "total = total + excluded.total, n15 = n15 + excluded.n15, "
              "t15 = t15 + excluded.t15, n30 = n30 + excluded.n30, "
              "t30 = t30 + excluded.t30, n45 = n45 + excluded.n45, "
              "t45 = t45 + excluded.t45",
              metric, dim, key, hour, value, q15, q30, q45);
  if (!s.ok()) return s;
  const std::int64_t day = floor_div(at_ms, kDayMs);
  s = run_sql(db,
              "INSERT INTO daily(metric, dim, key, day, n, total) VALUES(?1, ?2, ?3, ?4, 1, ?5) "
              "ON CONFLICT(metric, dim, day, key) DO UPDATE SET n = n + 1, "
              "total = total + excluded.total",
              metric, dim, key, day, value);
  if (!s.ok()) return s;
  return run_sql(db,
                 "INSERT INTO monthly(metric, dim, key, month, n, total) "
                 "VALUES(?1, ?2, ?3, ?4, 1, ?5) ON CONFLICT(metric, dim, month, key) DO UPDATE "
                 "SET n = n + 1, total = total + excluded.total",
                 metric, dim, key, month_of_day(day), value);
}

// What an item is counted by.
struct Item {
  std::string kind;
  std::int64_t id = 0;
  std::int64_t createdMs = 0;
  std::string channel;
  std::string category;
  std::string priority;
  std::string journey;  // "" when no journey created it
  std::string status;
  std::optional<std::int64_t> assignee;
  std::optional<std::int64_t> firstResponseMs;
  std::optional<std::int64_t> firstAssignedMs;
  bool resolvedOnce = false;
  bool waiting = false;
  std::optional<std::int64_t> calendarId;
  std::int64_t calendarVersion = 0;
  bool hasClock = false;
  std::optional<std::string> frMet, resMet, nrMet;
};

// Which dimensions a metric is counted under.
struct Dims {
  bool kind = true;
  bool channel = false;
  bool category = false;
  bool priority = false;
  bool journey = false;
  std::optional<std::int64_t> agent;
};

Status add_dims(Database& db, std::string_view metric, const Item& item, const Dims& dims,
                std::int64_t at_ms, double value = 0) {
  Status s = add(db, metric, "all", "", at_ms, value);
  if (s.ok() && dims.kind) s = add(db, metric, "kind", item.kind, at_ms, value);
  if (s.ok() && dims.channel) s = add(db, metric, "channel", item.channel, at_ms, value);
  if (s.ok() && dims.category) s = add(db, metric, "category", item.category, at_ms, value);
  if (s.ok() && dims.priority) s = add(db, metric, "priority", item.priority, at_ms, value);
  if (s.ok() && dims.journey && !item.journey.empty())
    s = add(db, metric, "journey", item.journey, at_ms, value);
  if (s.ok() && dims.agent) s = add(db, metric, "agent", std::to_string(*dims.agent), at_ms, value);
  return s;
}

// A duration: its sum under the dimensions and its bin in the histogram.
Status add_duration(Database& db, std::string_view metric, const Item& item, const Dims& dims,
                    std::int64_t at_ms, double seconds) {
  Status s = add_dims(db, metric, item, dims, at_ms, seconds);
  if (!s.ok()) return s;
  return add(db, std::string(metric) + "_hist", "all", duration_bin(seconds), at_ms, 0);
}

// ---- items ------------------------------------------------------------------------------

Result<std::optional<Item>> load(Database& db, std::string_view kind, std::int64_t id) {
  Result<CachedStatement> st = db.cached(
      "SELECT created_ms, channel, category, priority, journey, status, assignee, "
      "first_response_ms, first_assigned_ms, resolved_once, waiting, calendar_id, "
      "calendar_version, has_clock, fr_met, res_met, nr_met FROM items WHERE kind = ?1 AND "
      "id = ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(kind, id); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Item>{};
  const Statement& r = **st;
  Item i;
  i.kind = std::string(kind);
  i.id = id;
  i.createdMs = r.column_int64(0);
  i.channel = std::string(r.column_text(1));
  i.category = std::string(r.column_text(2));
  i.priority = std::string(r.column_text(3));
  i.journey = std::string(r.column_text(4));
  i.status = std::string(r.column_text(5));
  i.assignee = r.column_optional_int64(6);
  i.firstResponseMs = r.column_optional_int64(7);
  i.firstAssignedMs = r.column_optional_int64(8);
  i.resolvedOnce = r.column_int64(9) != 0;
  i.waiting = r.column_int64(10) != 0;
  i.calendarId = r.column_optional_int64(11);
  i.calendarVersion = r.column_optional_int64(12).value_or(0);
  i.hasClock = r.column_int64(13) != 0;
  i.frMet = r.column_optional_text(14);
  i.resMet = r.column_optional_text(15);
  i.nrMet = r.column_optional_text(16);
  (*st)->reset();
  return std::optional<Item>(std::move(i));
}

bool is_open(std::string_view kind, std::string_view status) {
  if (kind == kRequest) return status == "open" || status == "in_progress";
  return status == "open" || status == "active" || status == "waiting";
}

Status save(Database& db, const Item& i) {
  return run_sql(
      db,
      "INSERT INTO items(kind, id, created_ms, channel, category, priority, journey, status, "
      "assignee, first_response_ms, first_assigned_ms, resolved_once, open, waiting, "
      "calendar_id, calendar_version, has_clock, fr_met, res_met, nr_met) VALUES(?1, ?2, ?3, "
      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) "
      "ON CONFLICT(kind, id) DO UPDATE SET priority = excluded.priority, status = "
      "excluded.status, assignee = excluded.assignee, first_response_ms = "
      "excluded.first_response_ms, first_assigned_ms = excluded.first_assigned_ms, "
      "resolved_once = excluded.resolved_once, open = excluded.open, waiting = "
      "excluded.waiting, calendar_id = excluded.calendar_id, calendar_version = "
      "excluded.calendar_version, has_clock = excluded.has_clock, fr_met = excluded.fr_met, "
      "res_met = excluded.res_met, nr_met = excluded.nr_met",
      i.kind, i.id, i.createdMs, i.channel, i.category, i.priority, i.journey, i.status, i.assignee,
      i.firstResponseMs, i.firstAssignedMs, i.resolvedOnce ? 1 : 0,
      is_open(i.kind, i.status) ? 1 : 0, i.waiting ? 1 : 0, i.calendarId, i.calendarVersion,
      i.hasClock ? 1 : 0, i.frMet, i.resMet, i.nrMet);
}

// Keeps `waiting` (open and unassigned) and the queue depth per hour in step.
Status update_waiting(Database& db, Item& i, std::int64_t at_ms) {
  const bool now = is_open(i.kind, i.status) && !i.assignee;
  if (now == i.waiting) return Status::Ok();
  i.waiting = now;
  Status s = run_sql(db,
                     "INSERT INTO state(key, value) VALUES('waiting', ?1) ON CONFLICT(key) DO "
                     "UPDATE SET value = value + excluded.value",
                     now ? 1 : -1);
  if (!s.ok()) return s;
  return run_sql(db,
                 "INSERT INTO depth(hour, last, high) SELECT ?1, value, value FROM state WHERE "
                 "key = 'waiting' ON CONFLICT(hour) DO UPDATE SET last = excluded.last, "
                 "high = max(high, excluded.last)",
                 floor_div(at_ms, kHourMs));
}

// ---- business time ----------------------------------------------------------------------

// Parsed calendar versions. A version never changes once logged, so the cache holds
// facts of the log, not state of a rebuild.
std::mutex calendar_mutex;
std::map<std::pair<std::int64_t, std::int64_t>, domain::BusinessCalendar> calendar_cache;

Result<std::optional<domain::BusinessCalendar>> calendar_of(Database& db, std::int64_t id,
                                                            std::int64_t version) {
  {
    std::lock_guard lock(calendar_mutex);
    auto it = calendar_cache.find({id, version});
    if (it != calendar_cache.end()) return std::optional(it->second);
  }
  Result<CachedStatement> st =
      db.cached("SELECT type, data FROM calendars WHERE id = ?1 AND version = ?2");
  if (!st.ok()) return st.status();
  if (Status s = (*st)->bind_all(id, version); !s.ok()) return s;
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<domain::BusinessCalendar>{};
  events::EventRecord record;
  record.type = std::string((*st)->column_text(0));
  record.data = std::string((*st)->column_text(1));
  (*st)->reset();
  domain::SlaCalendarRecord calendar;
  if (record.type == domain::SlaCalendarCreated::kType) {
    auto e = events::decode<domain::SlaCalendarCreated>(record);
    if (!e.ok()) return e.status();
    calendar = e->calendar;
  } else {
    auto e = events::decode<domain::SlaCalendarUpdated>(record);
    if (!e.ok()) return e.status();
    calendar = e->calendar;
  }
  auto parsed = domain::business_calendar_of(calendar);
  if (!parsed.ok()) return parsed.status();
  std::lock_guard lock(calendar_mutex);
  calendar_cache.emplace(std::pair{id, version}, *parsed);
  return std::optional(std::move(parsed).value());
}

// Seconds of business time from `from` to `to` by the item's SLA calendar; wall time for
// a 24x7 clock, no clock, or a calendar the log does not hold.
Result<double> business_seconds(Database& db, const Item& i, std::int64_t from, std::int64_t to) {
  if (!i.hasClock || !i.calendarId) return static_cast<double>(to - from) / 1000.0;
  auto calendar = calendar_of(db, *i.calendarId, i.calendarVersion);
  if (!calendar.ok()) return calendar.status();
  if (!*calendar) return static_cast<double>(to - from) / 1000.0;
  auto ms = domain::business_time_between(**calendar, from, to);
  if (!ms.ok()) return ms.status();
  return static_cast<double>(*ms) / 1000.0;
}

// ---- the item events --------------------------------------------------------------------

Status created(Database& db, Item i, const events::EventRecord& record) {
  i.createdMs = record.occurredAt;
  i.status = "open";
  Status s = add_dims(db, "created", i,
                      {.channel = true, .category = true, .priority = true, .journey = true},
                      record.occurredAt);
  if (s.ok()) s = update_waiting(db, i, record.occurredAt);
  if (s.ok()) s = save(db, i);
  return s;
}

Status staff_reply(Database& db, Item& i, std::optional<std::int64_t> sender, std::int64_t at) {
  if (i.firstResponseMs) return Status::Ok();
  i.firstResponseMs = at;
  const Dims dims{.channel = true, .category = true, .priority = true, .agent = sender};
  Status s =
      add_duration(db, "frt_wall", i, dims, at, static_cast<double>(at - i.createdMs) / 1000);
  if (!s.ok()) return s;
  auto business = business_seconds(db, i, i.createdMs, at);
  if (!business.ok()) return business.status();
  s = add_duration(db, "frt_business", i, dims, at, *business);
  return s.ok() ? save(db, i) : s;
}

Status status_change(Database& db, Item& i, const std::string& to, std::int64_t at) {
  const bool was_open = is_open(i.kind, i.status);
  const bool resolves = was_open && (to == "resolved" || to == "closed");
  // resolved and closed are not open statuses: leaving one for an open status reopens.
  const bool reopens = (i.status == "resolved" || i.status == "closed") && is_open(i.kind, to);
  i.status = to;
  Status s;
  if (resolves) {
    s = add_dims(
        db, "resolved", i,
        {.channel = true, .category = true, .priority = true, .journey = true, .agent = i.assignee},
        at);
    if (s.ok() && !i.resolvedOnce) {
      i.resolvedOnce = true;
      const Dims dims{.channel = true, .category = true, .priority = true, .agent = i.assignee};
      s = add_duration(db, "res_wall", i, dims, at, static_cast<double>(at - i.createdMs) / 1000);
      if (s.ok()) {
        auto business = business_seconds(db, i, i.createdMs, at);
        if (!business.ok()) return business.status();
        s = add_duration(db, "res_business", i, dims, at, *business);
      }
    }
  }
  if (s.ok() && reopens) s = add_dims(db, "reopened", i, {}, at);
  if (s.ok()) s = update_waiting(db, i, at);
  return s.ok() ? save(db, i) : s;
}

Status assignment(Database& db, Item& i, std::optional<std::int64_t> to,
                  const std::optional<std::string>& reason, std::int64_t at) {
  i.assignee = to;
  Status s;
  if (to) {
    const std::string_view how =
        reason.value_or("manual") == "auto" ? "assigned_auto" : "assigned_manual";
    s = add_dims(db, how, i, {.kind = false, .agent = to}, at);
    if (s.ok() && !i.firstAssignedMs) {
      i.firstAssignedMs = at;
      const double waited = static_cast<double>(at - i.createdMs) / 1000;
      s = add_duration(db, "queue_wait", i, {.kind = true}, at, waited);
      if (s.ok()) s = add(db, "queue_wait_band", "all", wait_band(waited), at, 0);
    }
  }
  if (s.ok()) s = update_waiting(db, i, at);
  return s.ok() ? save(db, i) : s;
}

// An SLA clock after a change: its calendar, and each target met in time once.
Status sla_updated(Database& db, Item& i, const domain::SlaClockRecord& clock, std::int64_t at) {
  i.hasClock = true;
  i.calendarId = clock.calendarId;
  i.calendarVersion = clock.calendarVersion;
  Status s;
  auto met = [&](const domain::SlaTargetClockRecord& t, std::optional<std::string>& seen,
                 std::string_view target) {
    if (!s.ok() || !t.metAt || t.breachedAt || t.metAt == seen) return;
    seen = t.metAt;
    s = add_dims(db, fmt::format("sla_met_{}", target), i, {.priority = true, .agent = i.assignee},
                 at);
  };
  met(clock.firstResponse, i.frMet, "firstResponse");
  met(clock.resolution, i.resMet, "resolution");
  if (clock.nextResponse) met(*clock.nextResponse, i.nrMet, "nextResponse");
  return s.ok() ? save(db, i) : s;
}

Status breached(Database& db, const Item& i, const std::string& target, std::int64_t at) {
  return add_dims(db, "sla_breached_" + target, i, {.priority = true, .agent = i.assignee}, at);
}

Status rated(Database& db, const Item& i, std::int64_t rating, std::int64_t at) {
  const Dims dims{.channel = true, .agent = i.assignee};
  Status s = add_dims(db, "csat", i, dims, at, static_cast<double>(rating));
  if (s.ok() && rating >= 4) s = add_dims(db, "csat_positive", i, dims, at);
  return s;
}

std::string channel_of(const std::optional<std::string>& source, bool journey,
                       std::string_view plain) {
  if (source == "form") return "form";
  if (journey) return "journey";
  return std::string(plain);
}

std::string journey_of(const std::optional<domain::JourneyRunRecord>& journey) {
  return journey ? std::to_string(journey->journeyId) : std::string();
}

template <typename Handle>
Status with_item(Database& db, std::string_view kind, std::int64_t id, Handle&& handle) {
  auto item = load(db, kind, id);
  if (!item.ok()) return item.status();
  if (!*item) return Status::Ok();  // created before the log's analytics begin: none
  return handle(**item);
}

Status apply_request(Database& db, const domain::SupportRequestEvent::Variant& event,
                     const events::EventRecord& record) {
  const std::int64_t at = record.occurredAt;
  return std::visit(events::Overloaded{
                        [&](const domain::SupportRequestCreated& e) {
                          Item i;
                          i.kind = std::string(kRequest);
                          i.id = e.supportRequestId;
                          i.channel = channel_of(e.source, e.journey.has_value(), "request");
                          i.category = e.category;
                          i.priority = e.priority;
                          i.journey = journey_of(e.journey);
                          return created(db, std::move(i), record);
                        },
                        [&](const domain::SupportRequestMessageCreated& e) {
                          if (e.senderType != "admin" || e.copiedFrom) return Status::Ok();
                          return with_item(db, kRequest, e.supportRequestId, [&](Item& i) {
                            return staff_reply(db, i, e.senderId, at);
                          });
                        },
                        [&](const domain::SupportRequestStatusChanged& e) {
                          return with_item(db, kRequest, e.supportRequestId,
                                           [&](Item& i) { return status_change(db, i, e.to, at); });
                        },
                        [&](const domain::SupportRequestAssigned& e) {
                          return with_item(db, kRequest, e.supportRequestId, [&](Item& i) {
                            return assignment(db, i, e.assignedAdminId, e.reason, at);
                          });
                        },
                        [&](const domain::SupportRequestPriorityChanged& e) {
                          return with_item(db, kRequest, e.supportRequestId, [&](Item& i) {
                            i.priority = e.to;
                            return save(db, i);
                          });
                        },
                        [&](const domain::SupportRequestSlaUpdated& e) {
                          return with_item(db, kRequest, e.supportRequestId,
                                           [&](Item& i) { return sla_updated(db, i, e.sla, at); });
                        },
                        [&](const domain::SupportRequestSlaBreached& e) {
                          return with_item(db, kRequest, e.supportRequestId,
                                           [&](Item& i) { return breached(db, i, e.target, at); });
                        },
                        [&](const domain::SupportRequestSatisfactionRated& e) {
                          return with_item(db, kRequest, e.supportRequestId,
                                           [&](Item& i) { return rated(db, i, e.rating, at); });
                        },
                    },
                    event);
}

Status apply_inquiry(Database& db, const domain::SupportInquiryEvent::Variant& event,
                     const events::EventRecord& record) {
  const std::int64_t at = record.occurredAt;
  return std::visit(events::Overloaded{
                        [&](const domain::InquiryCreated& e) {
                          Item i;
                          i.kind = std::string(kInquiry);
                          i.id = e.supportInquiryId;
                          i.channel = channel_of(e.source, e.journey.has_value(), "inquiry");
                          i.category = e.category.value_or("");
                          i.priority = e.priority.value_or("medium");
                          i.journey = journey_of(e.journey);
                          return created(db, std::move(i), record);
                        },
                        [&](const domain::InquiryMessageCreated& e) {
                          if (e.senderType != "admin") return Status::Ok();
                          return with_item(db, kInquiry, e.supportInquiryId, [&](Item& i) {
                            return staff_reply(db, i, e.senderId, at);
                          });
                        },
                        [&](const domain::InquiryStatusChanged& e) {
                          return with_item(db, kInquiry, e.supportInquiryId,
                                           [&](Item& i) { return status_change(db, i, e.to, at); });
                        },
                        [&](const domain::InquiryLinked& e) {
                          return with_item(db, kInquiry, e.supportInquiryId, [&](Item& i) {
                            return status_change(db, i, "linked", at);
                          });
                        },
                        [&](const domain::InquiryAssigned& e) {
                          return with_item(db, kInquiry, e.supportInquiryId, [&](Item& i) {
                            return assignment(db, i, e.assignedAdminId, e.reason, at);
                          });
                        },
                        [&](const domain::InquiryPriorityChanged& e) {
                          return with_item(db, kInquiry, e.supportInquiryId, [&](Item& i) {
                            i.priority = e.to;
                            return save(db, i);
                          });
                        },
                        [&](const domain::InquirySlaUpdated& e) {
                          return with_item(db, kInquiry, e.supportInquiryId,
                                           [&](Item& i) { return sla_updated(db, i, e.sla, at); });
                        },
                        [&](const domain::InquirySlaBreached& e) {
                          return with_item(db, kInquiry, e.supportInquiryId,
                                           [&](Item& i) { return breached(db, i, e.target, at); });
                        },
                        [&](const domain::InquirySatisfactionRated& e) {
                          return with_item(db, kInquiry, e.supportInquiryId,
                                           [&](Item& i) { return rated(db, i, e.rating, at); });
                        },
                        // Contact data, verification and tokens change no figure.
                        [&](const auto&) { return Status::Ok(); },
                    },
                    event);
}

}  // namespace

std::string duration_bin(double seconds) {
  if (!(seconds >= 1.0)) return "000";
  const int bin = 1 + static_cast<int>(std::floor(std::log(seconds) / std::log(kBinRatio)));
  return fmt::format("{:03}", std::min(bin, 999));
}

std::int64_t month_of_day(std::int64_t day) {
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  return static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) -
         1;
}

std::int64_t first_day_of_month(std::int64_t month) {
  const date::year_month_day ymd{date::year{static_cast<int>(month / 12)},
                                 date::month{static_cast<unsigned>(month % 12 + 1)}, date::day{1}};
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::string_view wait_band(double seconds) {
  constexpr double kLimits[] = {60, 300, 900, 3600, 14'400, 86'400};
  for (std::size_t i = 0; i < std::size(kLimits); ++i) {
    if (seconds < kLimits[i]) return kWaitBands[i];
  }
  return kWaitBands[std::size(kWaitBands) - 1];
}

double duration_bin_value(std::string_view bin) {
  int b = 0;
  for (char c : bin)
    b = b * 10 + (c - '0');
  if (b == 0) return 0.0;
  // Bin b holds [ratio^(b-1), ratio^b): its geometric middle.
  return std::pow(kBinRatio, static_cast<double>(b) - 0.5);
}

Status AnalyticsProjection::create_schema(Database& db) {
  return db.exec(
      "CREATE TABLE items(kind TEXT NOT NULL, id INTEGER NOT NULL, created_ms INTEGER NOT NULL, "
      "channel TEXT NOT NULL, category TEXT NOT NULL, priority TEXT NOT NULL, "
      "journey TEXT NOT NULL, status TEXT NOT NULL, assignee INTEGER, first_response_ms INTEGER, "
      "first_assigned_ms INTEGER, resolved_once INTEGER NOT NULL, open INTEGER NOT NULL, "
      "waiting INTEGER NOT NULL, calendar_id INTEGER, calendar_version INTEGER, "
      "has_clock INTEGER NOT NULL, fr_met TEXT, res_met TEXT, nr_met TEXT, "
      "PRIMARY KEY(kind, id)) WITHOUT ROWID;"
      // The backlog and each agent's load now, counted from the index alone.
      "CREATE INDEX items_open ON items(open, assignee);"
      "CREATE TABLE hourly(metric TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, "
      "hour INTEGER NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL, n15 INTEGER NOT NULL, "
      "t15 REAL NOT NULL, n30 INTEGER NOT NULL, t30 REAL NOT NULL, n45 INTEGER NOT NULL, "
      "t45 REAL NOT NULL, PRIMARY KEY(metric, dim, hour, key)) WITHOUT ROWID;"
      "CREATE TABLE monthly(metric TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, "
      "month INTEGER NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL, "
      "PRIMARY KEY(metric, dim, month, key)) WITHOUT ROWID;"
      "CREATE TABLE daily(metric TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, "
      "day INTEGER NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL, "
      "PRIMARY KEY(metric, dim, day, key)) WITHOUT ROWID;"
      "CREATE TABLE depth(hour INTEGER PRIMARY KEY, last INTEGER NOT NULL, high INTEGER NOT NULL);"
      "CREATE TABLE calendars(id INTEGER NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, "
      "data TEXT NOT NULL, PRIMARY KEY(id, version)) WITHOUT ROWID;"
      "CREATE TABLE state(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;");
}

bool AnalyticsProjection::wants(std::string_view type) const {
  return domain::SupportRequestEvent::contains(type) ||
         domain::SupportInquiryEvent::contains(type) || type == domain::SlaCalendarCreated::kType ||
         type == domain::SlaCalendarUpdated::kType;
}

Status AnalyticsProjection::apply(Database& db, const events::EventRecord& event) {
  if (event.type == domain::SlaCalendarCreated::kType ||
      event.type == domain::SlaCalendarUpdated::kType) {
    std::int64_t version = 1;
    std::int64_t id = 0;
    if (event.type == domain::SlaCalendarCreated::kType) {
      auto e = events::decode<domain::SlaCalendarCreated>(event);
      if (!e.ok()) return e.status();
      id = e->calendarId;
    } else {
      auto e = events::decode<domain::SlaCalendarUpdated>(event);
      if (!e.ok()) return e.status();
      id = e->calendarId;
      version = e->calendarVersion;
    }
    return run_sql(db,
                   "INSERT OR REPLACE INTO calendars(id, version, type, data) "
                   "VALUES(?1, ?2, ?3, ?4)",
                   id, version, event.type, event.data);
  }
  if (auto s = apply_as<domain::SupportRequestEvent>(
          event, [&](const auto& e) { return apply_request(db, e, event); })) {
    return *s;
  }
  return apply_as<domain::SupportInquiryEvent>(
             event, [&](const auto& e) { return apply_inquiry(db, e, event); })
      .value_or(Status::Ok());
}

}  // namespace docket::projections

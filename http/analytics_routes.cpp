#include "http/analytics_routes.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <type_traits>
#include <utility>

#include <date/tz.h>
#include <fmt/format.h>

#include "core/csv.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "domain/shift.h"
#include "http/endpoint.h"
#include "http/report_range.h"
#include "http/route_kit.h"
#include "http/validation.h"
#include "projections/analytics.h"
#include "projections/analytics_query.h"
#include "projections/reader_pool.h"

namespace docket::http {
namespace {

using projections::AnalyticsQuery;
using projections::AnalyticsSum;

constexpr std::string_view kTag = "Analytics (Admin)";
constexpr int kMaxDays = 731;
constexpr std::string_view kTargets[] = {"firstResponse", "resolution", "nextResponse"};
constexpr std::string_view kChannels[] = {"request", "inquiry", "form", "journey"};

// ---- the range --------------------------------------------------------------------------

struct RangeQuery {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> tz;
  std::optional<std::string> format;
  std::optional<std::string> groupBy;  // volume and trend only
};

enum class Grouping { kNone, kVolume, kTime };

std::shared_ptr<const QueryContract<RangeQuery>> range_contract(Grouping grouping) {
  auto q = std::make_shared<QueryContract<RangeQuery>>();
  add_range_params(*q);
  q->param(OneOf("format", {"json", "csv"})
               .defaults_to("json")
               .describe("csv: RFC 4180, UTF-8, a header row; formula-like text cells are prefixed "
                         "with an apostrophe"),
           &RangeQuery::format);
  if (grouping == Grouping::kVolume) {
    q->param(OneOf("groupBy", {"day", "week", "category", "priority", "channel", "journey"})
                 .defaults_to("day"),
             &RangeQuery::groupBy);
  } else if (grouping == Grouping::kTime) {
    q->param(OneOf("groupBy", {"day", "week"}).defaults_to("day"), &RangeQuery::groupBy);
  }
  return q;
}

using Range = ReportRange;

Range range_of(const ApiContext& api, const RangeQuery& q) {
  return report_range(api, RangeParams{q.from, q.to, q.tz}, kMaxDays);
}

// ---- figures ----------------------------------------------------------------------------

std::optional<double> rounded(std::optional<double> v, double unit = 0.1) {
  if (!v) return v;
  return std::round(*v / unit) * unit;
}

std::optional<double> mean(const AnalyticsSum& s) {
  if (s.n == 0) return std::nullopt;
  return rounded(s.total / static_cast<double>(s.n));
}

std::optional<double> percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return std::nullopt;
  return rounded(100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::optional<double> average_rating(const AnalyticsSum& csat) {
  return csat.n ? rounded(csat.total / static_cast<double>(csat.n), 0.01) : std::optional<double>();
}

// "sla": {met, breached, compliancePercent}, of the trend's buckets and the agents.
void write_sla_block(JsonWriter& w, std::int64_t met, std::int64_t breached) {
  w.key("sla")
      .begin_object()
      .field("met", met)
      .field("breached", breached)
      .field("compliancePercent", percent(met, met + breached))
      .end_object();
}

// "csat": {count, averageRating, csatPercent}, likewise.
void write_csat_block(JsonWriter& w, const AnalyticsSum& csat, std::int64_t positive) {
  w.key("csat")
      .begin_object()
      .field("count", csat.n)
      .field("averageRating", average_rating(csat))
      .field("csatPercent", percent(positive, csat.n))
      .end_object();
}

template <typename T>
T need(Result<T> r, std::string_view what) {
  if (!r.ok()) throw unexpected(r.status(), what);
  return std::move(r).value();
}

// Durations of one kind over the range: count, mean, p50, p90.
struct Times {
  std::int64_t count = 0;
  std::optional<double> avg, p50, p90;
};

Times times(AnalyticsQuery& q, std::string_view metric, const Range& r) {
  const AnalyticsSum sum = need(q.total(metric, r.start(), r.end()), "reading analytics");
  Times t{sum.n, mean(sum), std::nullopt, std::nullopt};
  constexpr double kPs[] = {0.5, 0.9};
  const auto p = need(q.percentiles(metric, r.start(), r.end(), kPs), "reading analytics");
  t.p50 = rounded(p[0]);
  t.p90 = rounded(p[1]);
  return t;
}

void write_times(JsonWriter& w, const Times& t) {
  w.begin_object()
      .field("avgSeconds", t.avg)
      .field("p50Seconds", t.p50)
      .field("p90Seconds", t.p90)
      .end_object();
}

std::int64_t count(AnalyticsQuery& q, std::string_view metric, const Range& r) {
  return need(q.total(metric, r.start(), r.end()), "reading analytics").n;
}

constexpr std::string_view kNumber = R"({"type":["number","null"]})";
constexpr std::string_view kTimesSchema =
    R"({"type":"object","properties":{"avgSeconds":{"type":["number","null"]},)"
    R"("p50Seconds":{"type":["number","null"]},"p90Seconds":{"type":["number","null"]}}})";

std::string range_schema_fields() {
  return R"("from":{"type":"string","format":"date"},"to":{"type":"string","format":"date"},)"
         R"("tz":{"type":"string"},"start":{"type":"string","format":"date-time"},)"
         R"("end":{"type":"string","format":"date-time"})";
}

void write_range(JsonWriter& w, const Range& r) {
  w.field("from", r.from).field("to", r.to).field("tz", r.tz);
  w.field("start", format_iso8601(r.start())).field("end", format_iso8601(r.end()));
}

Response csv_response(CsvWriter& csv, std::string_view report, const Range& r) {
  Response out = Response::raw(200, "text/csv; charset=utf-8", csv.take());
  out.add_header("Content-Disposition",
                 fmt::format("attachment; filename=\"{}-{}-{}.csv\"", report, r.from, r.to));
  return out;
}

// ---- overview ---------------------------------------------------------------------------

struct Overview {
  std::int64_t created = 0, resolved = 0, reopened = 0, backlog = 0;
  std::int64_t responded = 0, resolvedFirst = 0;
  Times frtWall, frtBusiness, resWall, resBusiness;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> sla;  // met, breached
  AnalyticsSum csat;
  std::int64_t csatPositive = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> channels;  // created, resolved
};

Overview overview_of(AnalyticsQuery& q, const Range& r) {
  Overview o;
  o.created = count(q, "created", r);
  o.resolved = count(q, "resolved", r);
  o.reopened = count(q, "reopened", r);
  o.backlog = need(q.backlog(), "reading the backlog");
  o.frtWall = times(q, "frt_wall", r);
  o.frtBusiness = times(q, "frt_business", r);
  o.resWall = times(q, "res_wall", r);
  o.resBusiness = times(q, "res_business", r);
  for (std::string_view target : kTargets) {
    o.sla[std::string(target)] = {count(q, fmt::format("sla_met_{}", target), r),
                                  count(q, fmt::format("sla_breached_{}", target), r)};
  }
  o.csat = need(q.total("csat", r.start(), r.end()), "reading analytics");
  o.csatPositive = count(q, "csat_positive", r);
  auto created = need(q.sums("created", "channel", r.start(), r.end()), "reading analytics");
  auto resolved = need(q.sums("resolved", "channel", r.start(), r.end()), "reading analytics");
  for (std::string_view channel : kChannels) {
    const std::string c(channel);
    o.channels[c] = {created[c].n, resolved[c].n};
  }
  return o;
}

Response overview(ApiContext& api, RangeQuery query) {
  const Range r = range_of(api, query);
  auto lease = read_lease(api);
  AnalyticsQuery q(lease.db());
  const Overview o = overview_of(q, r);
  const std::optional<double> csat_avg = average_rating(o.csat);
  if (query.format == "csv") {
    CsvWriter csv;
    csv.text("metric").text("value").end_row();
    auto row = [&](std::string_view name, auto value) {
      csv.text(name);
      if constexpr (std::is_same_v<decltype(value), std::optional<double>>) {
        if (value) {
          csv.number(*value);
        } else {
          csv.empty();
        }
      } else {
        csv.number(static_cast<std::int64_t>(value));
      }
      csv.end_row();
    };
    row("created", o.created);
    row("resolved", o.resolved);
    row("reopened", o.reopened);
    row("backlog", o.backlog);
    const std::pair<std::string_view, const Times*> all_times[] = {
        {"firstResponse.wall", &o.frtWall},
        {"firstResponse.business", &o.frtBusiness},
        {"resolution.wall", &o.resWall},
        {"resolution.business", &o.resBusiness}};
    for (const auto& [name, t] : all_times) {
      row(fmt::format("{}.count", name), t->count);
      row(fmt::format("{}.avgSeconds", name), t->avg);
      row(fmt::format("{}.p50Seconds", name), t->p50);
      row(fmt::format("{}.p90Seconds", name), t->p90);
    }
    for (const auto& [target, mb] : o.sla) {
      row(fmt::format("sla.{}.met", target), mb.first);
      row(fmt::format("sla.{}.breached", target), mb.second);
      row(fmt::format("sla.{}.compliancePercent", target), percent(mb.first, mb.first + mb.second));
    }
    row("csat.count", o.csat.n);
    row("csat.averageRating", csat_avg);
    row("csat.csatPercent", percent(o.csatPositive, o.csat.n));
    for (const auto& [channel, cr] : o.channels) {
      row(fmt::format("byChannel.{}.created", channel), cr.first);
      row(fmt::format("byChannel.{}.resolved", channel), cr.second);
    }
    return csv_response(csv, "overview", r);
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    write_range(w, r);
    w.field("created", o.created)
        .field("resolved", o.resolved)
        .field("reopened", o.reopened)
        .field("backlog", o.backlog);
    w.key("firstResponse").begin_object().field("count", o.frtWall.count).key("wall");
    write_times(w, o.frtWall);
    w.key("business");
    write_times(w, o.frtBusiness);
    w.end_object();
    w.key("resolution").begin_object().field("count", o.resWall.count).key("wall");
    write_times(w, o.resWall);
    w.key("business");
    write_times(w, o.resBusiness);
    w.end_object();
    w.key("sla").begin_object();
    for (const auto& [target, mb] : o.sla) {
      w.key(target)
          .begin_object()
          .field("met", mb.first)
          .field("breached", mb.second)
          .field("compliancePercent", percent(mb.first, mb.first + mb.second))
          .end_object();
    }
    w.end_object();
    w.key("csat")
        .begin_object()
        .field("count", o.csat.n)
        .field("positive", o.csatPositive)
        .field("averageRating", csat_avg)
        .field("csatPercent", percent(o.csatPositive, o.csat.n))
        .end_object();
    w.key("byChannel").begin_object();
    for (const auto& [channel, cr] : o.channels) {
      w.key(channel)
          .begin_object()
          .field("created", cr.first)
          .field("resolved", cr.second)
          .end_object();
    }
    w.end_object().end_object();
  });
}

std::string overview_schema() {
  const std::string times =
      fmt::format(R"({{"type":"object","properties":{{"count":{{"type":"integer"}},"wall":{0},)"
                  R"("business":{0}}}}})",
                  kTimesSchema);
  const std::string compliance =
      R"({"type":"object","properties":{"met":{"type":"integer"},"breached":{"type":"integer"},)"
      R"("compliancePercent":{"type":["number","null"]}}})";
  const std::string counts = R"({"type":"object","properties":{"created":{"type":"integer"},)"
                             R"("resolved":{"type":"integer"}}})";
  return fmt::format(
      R"({{"type":"object","properties":{{{0},"created":{{"type":"integer"}},)"
      R"("resolved":{{"type":"integer"}},"reopened":{{"type":"integer"}},)"
      R"("backlog":{{"type":"integer","description":"Open items now"}},)"
      R"("firstResponse":{1},"resolution":{1},"sla":{{"type":"object","properties":{{)"
      R"("firstResponse":{2},"resolution":{2},"nextResponse":{2}}}}},)"
      R"("csat":{{"type":"object","properties":{{"count":{{"type":"integer"}},)"
      R"("positive":{{"type":"integer"}},"averageRating":{4},"csatPercent":{4}}}}},)"
      R"("byChannel":{{"type":"object","properties":{{"request":{3},"inquiry":{3},)"
      R"("form":{3},"journey":{3}}}}}}}}})",
      range_schema_fields(), times, compliance, counts, kNumber);
}

// ---- volume -----------------------------------------------------------------------------

struct VolumeRow {
  std::string bucket;
  std::int64_t created = 0;
  std::int64_t resolved = 0;
};

// The range cut into local days or weeks (a week starts on Monday; the first one at the
// range's start): each bucket's label and the instants bounding them (one more edge).
struct TimeBuckets {
  std::vector<std::string> labels;
  std::vector<std::int64_t> edges;
};

TimeBuckets time_buckets(const Range& r, std::string_view by) {
  TimeBuckets b;
  for (std::size_t i = 0; i + 1 < r.days.size(); ++i) {
    const bool starts = by == "day" || i == 0 || date::weekday(r.days[i]) == date::Monday;
    if (!starts) continue;
    b.edges.push_back(r.edges[i]);
    b.labels.push_back(format_day(r.days[i]));
  }
  b.edges.push_back(r.end());
  return b;
}

std::vector<VolumeRow> volume_rows(AnalyticsQuery& q, const Range& r, const std::string& by) {
  std::vector<VolumeRow> rows;
  if (by == "day" || by == "week") {
    const TimeBuckets b = time_buckets(r, by);
    auto created = need(q.series("created", b.edges), "reading analytics");
    auto resolved = need(q.series("resolved", b.edges), "reading analytics");
    for (std::size_t i = 0; i < b.labels.size(); ++i)
      rows.push_back({b.labels[i], created[i].n, resolved[i].n});
    return rows;
  }
  auto created = need(q.sums("created", by, r.start(), r.end()), "reading analytics");
  auto resolved = need(q.sums("resolved", by, r.start(), r.end()), "reading analytics");
  std::map<std::string, VolumeRow> keyed;
  for (const auto& [key, s] : created)
    keyed[key].created = s.n;
  for (const auto& [key, s] : resolved)
    keyed[key].resolved = s.n;
  for (auto& [key, row] : keyed) {
    row.bucket = key;
    rows.push_back(row);
  }
  return rows;
}

Response volume(ApiContext& api, RangeQuery query) {
  const Range r = range_of(api, query);
  const std::string by = query.groupBy.value_or("day");
  auto lease = read_lease(api);
  AnalyticsQuery q(lease.db());
  const std::vector<VolumeRow> rows = volume_rows(q, r, by);
  if (query.format == "csv") {
    CsvWriter csv;
    csv.text(by).text("created").text("resolved").end_row();
    for (const VolumeRow& row : rows)
      csv.text(row.bucket).number(row.created).number(row.resolved).end_row();
    return csv_response(csv, "volume", r);
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    write_range(w, r);
    w.field("groupBy", by).key("buckets").begin_array();
    for (const VolumeRow& row : rows) {
      w.begin_object()
          .field("bucket", row.bucket)
          .field("created", row.created)
          .field("resolved", row.resolved)
          .end_object();
    }
    w.end_array().end_object();
  });
}

std::string volume_schema() {
  return fmt::format(
      R"({{"type":"object","properties":{{{},"groupBy":{{"type":"string"}},)"
      R"("buckets":{{"type":"array","items":{{"type":"object","properties":{{)"
      R"("bucket":{{"type":"string","description":"A local date for day, and for week the )"
      R"(first day of the week in the range (weeks start on Monday); else the key: a )"
      R"(category, priority, channel or journey id, '' for inquiries without a category"}},)"
      R"("created":{{"type":"integer"}},"resolved":{{"type":"integer"}}}}}}}}}}}})",
      range_schema_fields());
}

// ---- trend ------------------------------------------------------------------------------

// Per local day or week: volume, mean business-time response and resolution, SLA
// compliance (all targets together) and CSAT.
struct TrendRow {
  std::string bucket;
  std::int64_t created = 0, resolved = 0;
  AnalyticsSum frt, res;
  std::int64_t slaMet = 0, slaBreached = 0;
  AnalyticsSum csat;
  std::int64_t csatPositive = 0;
};

std::vector<TrendRow> trend_rows(AnalyticsQuery& q, const Range& r, std::string_view by) {
  const TimeBuckets b = time_buckets(r, by);
  auto series = [&](std::string_view metric) {
    return need(q.series(metric, b.edges), "reading analytics");
  };
  const auto created = series("created"), resolved = series("resolved");
  const auto frt = series("frt_business"), res = series("res_business");
  const auto csat = series("csat"), positive = series("csat_positive");
  std::vector<TrendRow> rows(b.labels.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = {b.labels[i], created[i].n, resolved[i].n, frt[i], res[i], 0,
               0,           csat[i],      positive[i].n};
  }
  for (std::string_view target : kTargets) {
    const auto met = series(fmt::format("sla_met_{}", target));
    const auto breached = series(fmt::format("sla_breached_{}", target));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      rows[i].slaMet += met[i].n;
      rows[i].slaBreached += breached[i].n;
    }
  }
  return rows;
}

Response trend(ApiContext& api, RangeQuery query) {
  const Range r = range_of(api, query);
  const std::string by = query.groupBy.value_or("day");
  auto lease = read_lease(api);
  AnalyticsQuery q(lease.db());
  const std::vector<TrendRow> rows = trend_rows(q, r, by);
  if (query.format == "csv") {
    CsvWriter csv;
    for (std::string_view h :
         {std::string_view(by), std::string_view("created"), std::string_view("resolved"),
          std::string_view("firstResponseAvgSeconds"), std::string_view("resolutionAvgSeconds"),
          std::string_view("slaMet"), std::string_view("slaBreached"),
          std::string_view("slaCompliancePercent"), std::string_view("csatCount"),
          std::string_view("csatAverageRating"), std::string_view("csatPercent")}) {
      csv.text(h);
    }
    csv.end_row();
    auto opt = [&](std::optional<double> v) {
      if (v) {
        csv.number(*v);
      } else {
        csv.empty();
      }
    };
    for (const TrendRow& row : rows) {
      csv.text(row.bucket).number(row.created).number(row.resolved);
      opt(mean(row.frt));
      opt(mean(row.res));
      csv.number(row.slaMet).number(row.slaBreached);
      opt(percent(row.slaMet, row.slaMet + row.slaBreached));
      csv.number(row.csat.n);
      opt(average_rating(row.csat));
      opt(percent(row.csatPositive, row.csat.n));
      csv.end_row();
    }
    return csv_response(csv, "trend", r);
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    write_range(w, r);
    w.field("groupBy", by).key("buckets").begin_array();
    for (const TrendRow& row : rows) {
      w.begin_object()
          .field("bucket", row.bucket)
          .field("created", row.created)
          .field("resolved", row.resolved);
      w.key("firstResponse")
          .begin_object()
          .field("count", row.frt.n)
          .field("avgSeconds", mean(row.frt))
          .end_object();
      w.key("resolution")
          .begin_object()
          .field("count", row.res.n)
          .field("avgSeconds", mean(row.res))
          .end_object();
      write_sla_block(w, row.slaMet, row.slaBreached);
      write_csat_block(w, row.csat, row.csatPositive);
      w.end_object();
    }
    w.end_array().end_object();
  });
}

std::string trend_schema() {
  return fmt::format(
      R"({{"type":"object","properties":{{{0},"groupBy":{{"type":"string"}},)"
      R"("buckets":{{"type":"array","items":{{"type":"object","properties":{{)"
      R"("bucket":{{"type":"string","description":"A local date; for week the first day of )"
      R"(the week in the range; weeks start on Monday"}},)"
      R"("created":{{"type":"integer"}},"resolved":{{"type":"integer"}},)"
      R"("firstResponse":{{"type":"object","description":"First responses made in the )"
      R"(bucket; business time","properties":{{"count":{{"type":"integer"}},"avgSeconds":{1}}}}},)"
      R"("resolution":{{"type":"object","description":"Resolutions in the bucket; business )"
      R"(time","properties":{{"count":{{"type":"integer"}},"avgSeconds":{1}}}}},)"
      R"("sla":{{"type":"object","description":"Targets met or breached in the bucket, all )"
      R"(targets together","properties":{{"met":{{"type":"integer"}},"breached":)"
      R"({{"type":"integer"}},"compliancePercent":{1}}}}},)"
      R"("csat":{{"type":"object","properties":{{"count":{{"type":"integer"}},)"
      R"("averageRating":{1},"csatPercent":{1}}}}}}}}}}}}}}})",
      range_schema_fields(), kNumber);
}

// ---- agents -----------------------------------------------------------------------------

struct AgentFigures {
  projections::AnalyticsStaff staff;
  std::int64_t assignedAuto = 0, assignedManual = 0, resolved = 0, openNow = 0;
  AnalyticsSum frtWall, frtBusiness, resWall;
  std::int64_t slaMet = 0, slaBreached = 0;
  AnalyticsSum csat;
  std::int64_t csatPositive = 0;
};

std::vector<AgentFigures> agent_figures(AnalyticsQuery& q, const Range& r) {
  auto per = [&](std::string_view metric) {
    return need(q.sums(metric, "agent", r.start(), r.end()), "reading analytics");
  };
  const auto auto_ = per("assigned_auto");
  const auto manual = per("assigned_manual");
  const auto resolved = per("resolved");
  const auto frt_wall = per("frt_wall");
  const auto frt_business = per("frt_business");
  const auto res_wall = per("res_wall");
  const auto csat = per("csat");
  const auto positive = per("csat_positive");
  std::map<std::string, AnalyticsSum> met, breached;
  for (std::string_view target : kTargets) {
    for (const auto& [k, s] : per(fmt::format("sla_met_{}", target)))
      met[k] += s;
    for (const auto& [k, s] : per(fmt::format("sla_breached_{}", target)))
      breached[k] += s;
  }
  const auto load = need(q.open_by_agent(), "reading agent load");
  auto find = [](const std::map<std::string, AnalyticsSum>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? AnalyticsSum{} : it->second;
  };
  std::vector<AgentFigures> out;
  for (const projections::AnalyticsStaff& s : need(q.staff(), "reading staff")) {
    const std::string k = std::to_string(s.id);
    AgentFigures a;
    a.staff = s;
    a.assignedAuto = find(auto_, k).n;
    a.assignedManual = find(manual, k).n;
    a.resolved = find(resolved, k).n;
    a.frtWall = find(frt_wall, k);
    a.frtBusiness = find(frt_business, k);
    a.resWall = find(res_wall, k);
    a.slaMet = find(met, k).n;
    a.slaBreached = find(breached, k).n;
    a.csat = find(csat, k);
    a.csatPositive = find(positive, k).n;
    auto l = load.find(s.id);
    a.openNow = l == load.end() ? 0 : l->second;
    // Deactivated staff appear only with something to show.
    const bool any = a.assignedAuto + a.assignedManual + a.resolved + a.frtWall.n + a.csat.n +
                         a.openNow + a.slaMet + a.slaBreached >
                     0;
    if (s.active || any) out.push_back(std::move(a));
  }
  return out;
}

Response agents(ApiContext& api, RangeQuery query) {
  const Range r = range_of(api, query);
  auto lease = read_lease(api);
  AnalyticsQuery q(lease.db());
  const std::vector<AgentFigures> rows = agent_figures(q, r);
  if (query.format == "csv") {
    CsvWriter csv;
    for (std::string_view h :
         {"agentId", "name", "email", "assignedAuto", "assignedManual", "resolved",
          "firstResponseCount", "firstResponseAvgSeconds", "firstResponseAvgBusinessSeconds",
          "resolutionCount", "resolutionAvgSeconds", "slaMet", "slaBreached",
          "slaCompliancePercent", "csatCount", "csatAverageRating", "csatPercent", "openNow"})
      csv.text(h);
    csv.end_row();
    auto opt = [&](std::optional<double> v) -> CsvWriter& {
      return v ? csv.number(*v) : csv.empty();
    };
    for (const AgentFigures& a : rows) {
      csv.number(a.staff.id).text(a.staff.name).text(a.staff.email);
      csv.number(a.assignedAuto).number(a.assignedManual).number(a.resolved);
      csv.number(a.frtWall.n);
      opt(mean(a.frtWall));
      opt(mean(a.frtBusiness));
      csv.number(a.resWall.n);
      opt(mean(a.resWall));
      csv.number(a.slaMet).number(a.slaBreached);
      opt(percent(a.slaMet, a.slaMet + a.slaBreached));
      csv.number(a.csat.n);
      opt(average_rating(a.csat));
      opt(percent(a.csatPositive, a.csat.n));
      csv.number(a.openNow).end_row();
    }
    return csv_response(csv, "agents", r);
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    write_range(w, r);
    w.key("agents").begin_array();
    for (const AgentFigures& a : rows) {
      w.begin_object()
          .field("agentId", a.staff.id)
          .field("name", a.staff.name)
          .field("email", a.staff.email)
          .field("active", a.staff.active);
      w.key("assigned")
          .begin_object()
          .field("auto", a.assignedAuto)
          .field("manual", a.assignedManual)
          .end_object();
      w.field("resolved", a.resolved);
      w.key("firstResponse")
          .begin_object()
          .field("count", a.frtWall.n)
          .field("avgSeconds", mean(a.frtWall))
          .field("avgBusinessSeconds", mean(a.frtBusiness))
          .end_object();
      w.key("resolution")
          .begin_object()
          .field("count", a.resWall.n)
          .field("avgSeconds", mean(a.resWall))
          .end_object();
      write_sla_block(w, a.slaMet, a.slaBreached);
      write_csat_block(w, a.csat, a.csatPositive);
      w.field("openNow", a.openNow).end_object();
    }
    w.end_array().end_object();
  });
}

std::string agents_schema() {
  return fmt::format(
      R"({{"type":"object","properties":{{{0},"agents":{{"type":"array","items":{{)"
      R"("type":"object","properties":{{"agentId":{{"type":"integer"}},)"
      R"("name":{{"type":"string"}},"email":{{"type":"string"}},"active":{{"type":"boolean"}},)"
      R"("assigned":{{"type":"object","properties":{{"auto":{{"type":"integer"}},)"
      R"("manual":{{"type":"integer"}}}}}},"resolved":{{"type":"integer"}},)"
      R"("firstResponse":{{"type":"object","properties":{{"count":{{"type":"integer"}},)"
      R"("avgSeconds":{1},"avgBusinessSeconds":{1}}}}},)"
      R"("resolution":{{"type":"object","properties":{{"count":{{"type":"integer"}},)"
      R"("avgSeconds":{1}}}}},"sla":{{"type":"object","properties":{{)"
      R"("met":{{"type":"integer"}},"breached":{{"type":"integer"}},"compliancePercent":{1}}}}},)"
      R"("csat":{{"type":"object","properties":{{"count":{{"type":"integer"}},)"
      R"("averageRating":{1},"csatPercent":{1}}}}},"openNow":{{"type":"integer"}}}}}}}}}}}})",
      range_schema_fields(), kNumber);
}

// ---- queue ------------------------------------------------------------------------------

Response queue(ApiContext& api, RangeQuery query) {
  const Range r = range_of(api, query);
  auto lease = read_lease(api);
  AnalyticsQuery q(lease.db());
  const Times wait = times(q, "queue_wait", r);
  auto bands = need(q.sums("queue_wait_band", "all", r.start(), r.end()), "reading analytics");
  // Hourly samples up to a week, daily beyond.
  const bool hourly = r.days.size() <= 8;
  std::vector<std::int64_t> at;
  if (hourly) {
    for (std::int64_t t = r.start(); t <= r.end(); t += 3'600'000)
      at.push_back(t);
  } else {
    at = r.edges;
  }
  const std::vector<std::int64_t> depth = need(q.depth_at(at), "reading queue depth");
  if (query.format == "csv") {
    CsvWriter csv;
    csv.text("at").text("depth").end_row();
    for (std::size_t i = 0; i < at.size(); ++i)
      csv.text(format_iso8601(at[i])).number(depth[i]).end_row();
    return csv_response(csv, "queue", r);
  }
  return Response::ok([&](JsonWriter& w) {
    w.begin_object();
    write_range(w, r);
    w.key("waiting").begin_object().field("count", wait.count);
    w.field("avgSeconds", wait.avg).field("p50Seconds", wait.p50).field("p90Seconds", wait.p90);
    w.key("distribution").begin_array();
    for (std::string_view band : projections::kWaitBands) {
      auto it = bands.find(std::string(band));
      w.begin_object()
          .field("band", band)
          .field("count", it == bands.end() ? std::int64_t{0} : it->second.n)
          .end_object();
    }
    w.end_array().end_object();
    w.field("depthInterval", hourly ? "hour" : "day");
    w.key("depth").begin_array();
    for (std::size_t i = 0; i < at.size(); ++i)
      w.begin_object().field("at", format_iso8601(at[i])).field("depth", depth[i]).end_object();
    w.end_array().end_object();
  });
}

std::string queue_schema() {
  return fmt::format(
      R"({{"type":"object","properties":{{{0},"waiting":{{"type":"object","properties":{{)"
      R"("count":{{"type":"integer"}},"avgSeconds":{1},"p50Seconds":{1},"p90Seconds":{1},)"
      R"("distribution":{{"type":"array","items":{{"type":"object","properties":{{)"
      R"("band":{{"type":"string"}},"count":{{"type":"integer"}}}}}}}}}}}},)"
      R"("depthInterval":{{"type":"string","enum":["hour","day"]}},)"
      R"("depth":{{"type":"array","items":{{"type":"object","properties":{{)"
      R"("at":{{"type":"string","format":"date-time"}},"depth":{{"type":"integer"}}}}}}}}}}}})",
      range_schema_fields(), kNumber);
}

RouteMeta report_meta(std::string name, std::string summary, std::string schema) {
  RouteMeta meta =
      staff_route_meta(std::move(name), kTag, std::move(summary), auth::Permission::kAnalyticsRead);
  meta.response = std::make_shared<SchemaText>(std::move(schema));
  meta.csv_alternative = true;
  return meta;
}

}  // namespace

void add_analytics_routes(Router& router, ApiContext& api) {
  const std::string base = "/api/admin/analytics";
  add_route(router, Method::kGet, base + "/overview",
            report_meta("admin.analytics.overview",
                        "Created, resolved, reopened, backlog, response and resolution times, "
                        "SLA compliance, CSAT and channels over local days",
                        overview_schema()),
            range_contract(Grouping::kNone),
            [&api](RequestContext&, RangeQuery q) { return overview(api, std::move(q)); });
  add_route(router, Method::kGet, base + "/volume",
            report_meta("admin.analytics.volume",
                        "Created and resolved per day, week, category, priority, channel or "
                        "journey",
                        volume_schema()),
            range_contract(Grouping::kVolume),
            [&api](RequestContext&, RangeQuery q) { return volume(api, std::move(q)); });
  add_route(router, Method::kGet, base + "/trend",
            report_meta("admin.analytics.trend",
                        "Per day or week: created, resolved, mean business-time response and "
                        "resolution, SLA compliance and CSAT",
                        trend_schema()),
            range_contract(Grouping::kTime),
            [&api](RequestContext&, RangeQuery q) { return trend(api, std::move(q)); });
  add_route(router, Method::kGet, base + "/agents",
            report_meta("admin.analytics.agents",
                        "Per agent: assignments, resolutions, response and resolution times, "
                        "SLA compliance, CSAT and open items now",
                        agents_schema()),
            range_contract(Grouping::kNone),
            [&api](RequestContext&, RangeQuery q) { return agents(api, std::move(q)); });
  add_route(router, Method::kGet, base + "/queue",
            report_meta("admin.analytics.queue",
                        "Waiting times until the first assignment, and the queue's depth over "
                        "time",
                        queue_schema()),
            range_contract(Grouping::kNone),
            [&api](RequestContext&, RangeQuery q) { return queue(api, std::move(q)); });
}

}  // namespace docket::http

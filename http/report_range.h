// The range of local days that analytics reports and exports cover: `from` and `to`
// (YYYY-MM-DD, both included; default the last 30 days up to today) counted in `tz` (an
// IANA zone; default UTC). Each day runs from one local midnight to the next, so a day
// across a DST change has 23 or 25 hours (docs/analytics.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "http/api_context.h"
#include "http/contract.h"
#include "http/validation.h"

namespace docket::http {

struct ReportRange {
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, included
  std::string tz;
  std::vector<date::local_days> days;  // every day, and the day after the last
  std::vector<std::int64_t> edges;     // their midnights, UTC milliseconds
  std::int64_t start() const { return edges.front(); }
  std::int64_t end() const { return edges.back(); }
};

struct RangeParams {
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> tz;
};

// The range the parameters name; throws 400 VALIDATION_ERROR (field from, to or tz) for a
// malformed date, an unknown zone, from after to, or more than `max_days` days.
ReportRange report_range(const ApiContext& api, const RangeParams& params, int max_days);

// "YYYY-MM-DD".
std::string format_day(date::local_days day);

// Declares from, to and tz on a query whose type has those three members.
template <typename Q>
void add_range_params(QueryContract<Q>& q) {
  q.param(Text("from").length(10, 10).chars("0-9-").describe(
              "First local day, YYYY-MM-DD (default: 29 days before `to`)"),
          &Q::from)
      .param(Text("to").length(10, 10).chars("0-9-").describe(
                 "Last local day, included, YYYY-MM-DD (default: today in `tz`)"),
             &Q::to)
      .param(
          Text("tz").length(1, 64).describe("IANA time zone the days are counted in (default UTC)"),
          &Q::tz);
}

}  // namespace docket::http

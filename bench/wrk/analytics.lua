-- One analytics report (DOCKET_BENCH_REPORT: overview, volume, trend, agents or queue; with
-- DOCKET_BENCH_QUERY appended, e.g. "&groupBy=category") for a random 90-day range in
-- America/New_York within the benchmark's year, as staff (DOCKET_BENCH_TOKEN).
local token, report, extra
function init(args)
  token = os.getenv("DOCKET_BENCH_TOKEN")
  report = os.getenv("DOCKET_BENCH_REPORT")
  extra = os.getenv("DOCKET_BENCH_QUERY") or ""
  math.randomseed(os.time() + math.random(1000000))
end

-- 2025-12-01 plus `days`, as YYYY-MM-DD (noon UTC: no date-line surprises).
local function day(days)
  return os.date("!%Y-%m-%d", 1764590400 + days * 86400)
end

function request()
  local first = math.random(0, 365 - 90)
  local path = "/api/admin/analytics/" .. report .. "?from=" .. day(first) .. "&to=" ..
      day(first + 89) .. "&tz=America/New_York" .. extra
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

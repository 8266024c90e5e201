#!/usr/bin/env bash
# Analytics on a year of support traffic: the analytics projection's rebuild and each
# report over HTTP.
#
#   bench/analytics_bench.sh [BUILD_DIR] [DURATION]     e.g. bench/analytics_bench.sh build 10s
#
# 1. BUILD_DIR/bench/bench_analytics writes 100,000 requests, 100,000 inquiries and
#    1,000,000 messages over a year through the write path and rebuilds the analytics
#    projection from event 1 (events/s).
# 2. The server serves that data directory; for each report (overview, volume by day,
#    volume by category, trend by day, agents, queue) 4 concurrent connections
#    (wrk -t2 -c4) ask for random 90-day ranges in America/New_York (bench/wrk/analytics.lua). Printed:
#    requests/s and p50/p99 latency per report.
# 3. Streamed exports with curl: the items CSV and the conversations CSV (one row per
#    message, about 1.1 million rows) over the whole year and over one month. Printed:
#    rows (counted by Python's csv module), bytes, rows/s, and the server's anonymous
#    memory (RssAnon) and peak resident size (VmHWM) before and after each export.
set -euo pipefail
build=${1:-build}
duration=${2:-10s}
port=${DOCKET_BENCH_PORT:-18095}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== set-up and rebuild: $build/bench/bench_analytics --dir <tmp>"
"$build/bench/bench_analytics" --dir "$tmp/data"
# The set-up's mail (a notice per staff reply) is not what is measured: the server starts
# with a fresh outbox, whose relay begins at the head of the log.
rm -rf "$tmp/data/outbox.sqlite" "$tmp/data/outbox.sqlite-wal" "$tmp/data/outbox.sqlite-shm" \
  "$tmp/data/mail"

# The default SLA policy was seeded by the set-up (8,000 hours: nothing breaches).
DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_QUEUE_ENABLED=false \
  "$build/cli/docket" serve --data-dir "$tmp/data" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 1 1200); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server is not ready" >&2; exit 1; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"admin-password"}' | json '["data"]["token"]')
export DOCKET_BENCH_TOKEN="$token"

# One sample answer, to show what is measured.
curl -fs -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/admin/analytics/overview?from=2026-06-01&to=2026-08-29&tz=America/New_York" |
  python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print('sample overview (2026-06-01..08-29, New York): created %d, resolved %d, reopened %d, backlog %d, first response avg %.0f s, p90 %.0f s, CSAT %s%%' % (d['created'], d['resolved'], d['reopened'], d['backlog'], d['firstResponse']['wall']['avgSeconds'], d['firstResponse']['wall']['p90Seconds'], d['csat']['csatPercent']))"

run_report() {  # label, report, extra query
  local out
  out=$(DOCKET_BENCH_REPORT=$2 DOCKET_BENCH_QUERY=${3:-} wrk --latency -t2 -c4 -d"$duration" \
    -s "$root/bench/wrk/analytics.lua" "http://127.0.0.1:$port")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
  echo "$1: $rps requests/s, p50 $p50, p99 $p99 ${errors}"
}
echo "== reports: wrk -t2 -c4 -d$duration, random 90-day ranges in America/New_York"
run_report "overview" overview
run_report "volume by day" volume
run_report "volume by category" volume "&groupBy=category"
run_report "trend by day" trend
run_report "agents" agents
run_report "queue" queue

memory() { awk '/^RssAnon|^VmHWM/ {printf "%s %s kB  ", $1, $2}' "/proc/$pid/status"; }
export_rate() {  # label, path and query
  local before start end rows bytes
  before=$(memory)
  start=$(date +%s.%N)
  curl -fs -H "Authorization: Bearer $token" -o "$tmp/export.csv" "http://127.0.0.1:$port$2"
  end=$(date +%s.%N)
  rows=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))) - 1)" "$tmp/export.csv")
  bytes=$(stat -c %s "$tmp/export.csv")
  python3 -c "import sys; r,b,s=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[4])-float(sys.argv[3]); print('%s: %d rows, %d bytes in %.2f s = %d rows/s' % (sys.argv[5], r, b, s, r / s))" \
    "$rows" "$bytes" "$start" "$end" "$1"
  echo "  server before: $before"
  echo "  server after:  $(memory)"
  rm -f "$tmp/export.csv"
}
echo "== streamed exports: curl, one client"
export_rate "conversations, one month, CSV" "/api/admin/export/conversations?from=2026-06-01&to=2026-06-30&format=csv"
export_rate "conversations, the year, CSV" "/api/admin/export/conversations?from=2025-12-01&to=2026-11-30&format=csv"
export_rate "analytics items, the year, CSV" "/api/admin/analytics/items?from=2025-12-01&to=2026-11-30"

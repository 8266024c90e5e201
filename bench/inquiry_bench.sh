#!/usr/bin/env bash
# Support inquiries under load, on a seeded log (the inquiry issue's targets):
#   1. seed: guests open 100,000 inquiries (subject, first message, name, e-mail, phone)
#      and add 0-2 visitor messages each over HTTP (bench_inquiry_seed, 64 connections)
#      — skipped when DATA already holds a seed;
#   2. guest messages (durable appends) with the inquiry's access token, 64 connections;
#   3. the admin list searched for a 4-character e-mail fragment, at 4 and 64
#      connections: selective "fjor" (@fjordpost.no, 1 inquiry in 1,000), medium "oste"
#      (@posteo.de, 1 in 50) and broad "gmai" (@gmail.com, 1 in 4).
#
#   bench/inquiry_bench.sh [BUILD_DIR] [DURATION] [DATA]   e.g. bench/inquiry_bench.sh build 10s
#
# DOCKET_BENCH_SEED_ARGS adds bench_inquiry_seed flags (a smaller seed: "--inquiries
# 2000"). DATA defaults to a temporary directory removed at the end; pass a directory to
# keep the seed between runs (the seeder's output is kept in DATA/seed.txt). A kept seed
# ages: the inactive-close job closes inquiries idle for SUPPORT_INQUIRIES_INACTIVE_CLOSE_DAYS
# (7), and closed inquiries refuse messages. wrk (-t1 --latency) and the server share
# the machine.
set -euo pipefail
build=${1:-build}
duration=${2:-10s}
port=${DOCKET_BENCH_PORT:-18093}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n "${3:-}" ]]; then
  data=$3
  mkdir -p "$data"
  cleanup() { :; }
else
  data=$(mktemp -d)
  cleanup() { rm -rf "$data"; }
fi
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; cleanup' EXIT

DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
  DOCKET_BOOTSTRAP_ADMIN_EMAIL=bench-admin@example.com \
  DOCKET_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password \
  "$build/cli/docket" serve --data-dir "$data/server" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 1 1800); do  # a read model rebuilding after a schema change delays start
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

if [[ ! -s "$data/pairs.txt" ]]; then
  echo "== seed"
  "$build/bench/bench_inquiry_seed" --port "$port" --out "$data/pairs.txt.part" \
    ${DOCKET_BENCH_SEED_ARGS:-} | tee "$data/seed.txt"
  mv "$data/pairs.txt.part" "$data/pairs.txt"
else
  echo "== seed (reused): $(cat "$data/seed.txt" 2>/dev/null | tr '\n' ' ')"
fi
echo "== data directory: $(du -sh "$data/server" | cut -f1)"

admin=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench-admin@example.com","password":"bench-admin-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')

export DOCKET_BENCH_PAIRS="$data/pairs.txt" DOCKET_BENCH_WRK_DIR="$here/wrk"
export DOCKET_BENCH_ADMIN_TOKEN="$admin"
summary() { grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'; }
fragments=(fjor oste gmai)
for fragment in "${fragments[@]}"; do
  curl -fs -H "Authorization: Bearer $admin" \
    "http://127.0.0.1:$port/api/admin/support-inquiries?search=$fragment&pageSize=1" |
    python3 -c 'import json,sys; print("== search='"$fragment"' matches:", json.load(sys.stdin)["pagination"]["total"])'
done

# A server that just started has cold caches (the writer's stream snapshots, RocksDB's
# block cache, SQLite's pages); a running one is warm. Each kind of load is measured
# after a warm-up of the same load for the same duration.
if [[ "${DOCKET_BENCH_WARMUP:-1}" == 1 ]]; then
  echo "== warm-up (not measured)"
  wrk -t1 -c64 -d"$duration" -s "$here/wrk/inquiry_message.lua" "http://127.0.0.1:$port" >/dev/null
  wrk -t1 -c4 -d"$duration" -s "$here/wrk/inquiry_search.lua" "http://127.0.0.1:$port" \
    -- gmai >/dev/null
fi

echo "== POST /api/support-inquiries/{id}/messages (guest message, 64 connections)"
wrk -t1 -c64 -d"$duration" --latency -s "$here/wrk/inquiry_message.lua" \
  "http://127.0.0.1:$port" | summary
# The admin search at 4 connections (a few agents searching at once, where latency is
# close to one query's service time) and at 64 (as the write phase).
for connections in 4 64; do
  for fragment in "${fragments[@]}"; do
    echo "== GET /api/admin/support-inquiries?search=$fragment&pageSize=20 ($connections connections)"
    wrk -t1 -c"$connections" -d"$duration" --latency -s "$here/wrk/inquiry_search.lua" \
      "http://127.0.0.1:$port" -- "$fragment" | summary
  done
done
echo "== server RSS: $(ps -o rss= -p "$pid") KiB"
echo "== data directory: $(du -sh "$data/server" | cut -f1)"

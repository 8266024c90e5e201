#!/usr/bin/env bash
# Support requests under load, on a seeded log (issue 4's targets):
#   1. seed: 1,000 customers open 100,000 support requests and write 1,000,000 messages
#      over HTTP (bench_support_seed, 64 connections) — skipped when DATA already holds
#      a seed;
#   2. customer replies (durable appends) from 64 connections;
#   3. request detail with the full history from 64 connections;
#   4. an admin list: status filter + subject search, 64 and 4 connections.
#
#   bench/support_bench.sh [BUILD_DIR] [DURATION] [DATA]   e.g. bench/support_bench.sh build 10s
#
# DOCKET_BENCH_SEED_ARGS adds bench_support_seed flags (a smaller seed: "--customers 100
# --requests 1000"). DATA defaults to a temporary directory removed at the end; pass a directory to keep
# the seed between runs. wrk (-t1 -c64 --latency) and the server share the machine.
set -euo pipefail
build=${1:-build}
duration=${2:-10s}
port=${DOCKET_BENCH_PORT:-18092}
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
  "$build/bench/bench_support_seed" --port "$port" --out "$data/pairs.txt.part" ${DOCKET_BENCH_SEED_ARGS:-}
  mv "$data/pairs.txt.part" "$data/pairs.txt"
fi
echo "== data directory: $(du -sh "$data/server" | cut -f1)"

admin=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"bench-admin@example.com","password":"bench-admin-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')

export DOCKET_BENCH_PAIRS="$data/pairs.txt" DOCKET_BENCH_WRK_DIR="$here/wrk"
summary() { grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'; }

# A server that just started has cold caches (the writer's stream snapshots, RocksDB's
# block cache, SQLite's pages); a running one is warm. Each phase is measured after
# a warm-up of the same load for the same duration.
if [[ "${DOCKET_BENCH_WARMUP:-1}" == 1 ]]; then
  echo "== warm-up (not measured)"
  wrk -t1 -c64 -d"$duration" -s "$here/wrk/support_reply.lua" "http://127.0.0.1:$port" >/dev/null
  wrk -t1 -c64 -d"$duration" -s "$here/wrk/support_detail.lua" "http://127.0.0.1:$port" >/dev/null
fi

echo "== POST /api/mobile/support-requests/{id}/messages (customer reply)"
wrk -t1 -c64 -d"$duration" --latency -s "$here/wrk/support_reply.lua" "http://127.0.0.1:$port" | summary
echo "== GET /api/mobile/support-requests/{id} (detail)"
wrk -t1 -c64 -d"$duration" --latency -s "$here/wrk/support_detail.lua" "http://127.0.0.1:$port" | summary
# The admin list at 64 connections (as the other phases) and at 4 (a few agents
# searching at once, where latency is close to one query's service time).
for connections in 64 4; do
  for query in 'status=open' 'status=open&search=voucher' 'status=open&search=SUP-2026-00004' \
    'status=in_progress&search=refund'; do
    echo "== GET /api/admin/support-requests?$query ($connections connections)"
    wrk -t1 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $admin" \
      "http://127.0.0.1:$port/api/admin/support-requests?$query" | summary
  done
done
echo "== server RSS: $(ps -o rss= -p "$pid") KiB"
curl -fs -H "Authorization: Bearer $admin" \
  "http://127.0.0.1:$port/api/admin/support-requests?status=open&search=voucher&pageSize=1" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("voucher matches:", d.get("pagination", d.get("meta")))'

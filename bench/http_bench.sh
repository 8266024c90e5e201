#!/usr/bin/env bash
# HTTP throughput of the built server under wrk: GET /api/support/health and
# GET /api/auth/me (JWT verification + account lookup in the accounts read model).
#
#   bench/http_bench.sh [BINARY] [DURATION]      e.g. bench/http_bench.sh build/cli/docket 5s
#
# Starts `docket serve` on a temporary data directory (rate limits off, access log to
# /dev/null), registers one customer, runs `wrk -t1 -c64 --latency` against each route
# twice and prints wrk's summary. wrk and the server share the machine's cores.
set -euo pipefail
binary=${1:-build/cli/docket}
duration=${2:-5s}
port=${DOCKET_BENCH_PORT:-18091}
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
  "$binary" serve --data-dir "$data" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/register" \
  -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password","name":"Bench"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')

for route in /api/support/health /api/auth/me; do
  for run in 1 2; do
    echo "== GET $route (run $run)"
    wrk -t1 -c64 -d"$duration" --latency -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$port$route" | grep -E 'Requests/sec|  50%|  99%|Non-2xx'
  done
done

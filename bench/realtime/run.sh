#!/usr/bin/env bash
# Socket.IO (realtime) benchmarks of docket serve, with node socket.io-client processes
# on the same machine (bench/realtime/*.mjs; each script's header says how it measures):
#   1. connections: 5,000 sockets (customer JWT, 10 per support-request room) over 4
#      client processes; the server's RSS (VmRSS) before connecting and once all have
#      joined, and the RSS a connection costs (connections.mjs);
#   2. fan-out at a set rate: 200 rooms × 10 subscribers, customer replies POSTed at
#      2,000 messages/s (open loop, keep-alive, bounded in flight) for DURATION after a
#      3 s warm-up; deliveries expected/delivered/missing/duplicate and the latency from
#      the POST's answer to each subscriber's receipt, p50/p90/p99/max (fanout.mjs);
#      then the same with staff replies, each of which also e-mails the customer;
#   3. fan-out throughput: the same rooms posted to by 64 closed-loop posters as fast as
#      answers come, deliveries/s, against docket and then against the reference Node
#      socket.io server (node_server.mjs: the same broadcast with no auth, storage or log);
#      the ratio docket/node of deliveries/s and of server CPU per delivery closes the run;
#   4. long-polling: 1,000 clients on polling only (100 rooms × 10), each receiving 2
#      messages/s (200 customer replies/s), delivery p99 and the server's RSS; then 1,000
#      clients with socket.io-client's default transports connecting all at once
#      (polling, then the upgrade to websocket), replies posted as soon as every client
#      has joined (no warm-up): every delivery checked, the upgrades counted.
#
#   bench/realtime/run.sh [BUILD_DIR] [DURATION]   e.g. bench/realtime/run.sh build 10s
#
# Sizes: DOCKET_BENCH_CONNECTIONS (5000), DOCKET_BENCH_ROOMS (200),
# DOCKET_BENCH_SUBSCRIBERS (10 per room), DOCKET_BENCH_RATE (2000 messages/s),
# DOCKET_BENCH_CONCURRENCY (64 closed-loop posters), DOCKET_BENCH_PROCESSES (4 client
# processes), DOCKET_BENCH_WARMUP (3 s); ports DOCKET_BENCH_PORT (18094) and
# DOCKET_BENCH_NODE_PORT (18095). DOCKET_BENCH_STEPS picks the steps (default 1234; e.g.
# 4 runs the long-polling step alone). The data directory is temporary and removed at the end.
# Each fan-out run opens fresh rooms. A staff reply queues a notification mail (outbox),
# which the default mail transport writes as an .eml file: part of that run's cost.
# A long-polling client holds one HTTP connection while its GET waits and another while
# it posts: the server's HTTP connection cap (DOCKET_MAX_CONNECTIONS, 1,000 by default)
# is raised to 8,000 for the polling runs.
# Every socket takes a file descriptor in a client process and one in the server: the
# limit is raised to 65536 (or the hard limit, with a warning). The clients, the poster
# and the server share the machine's cores: the cpu_s lines tell which one was busy.
set -euo pipefail
build=${1:-build}
duration=${2:-10}
duration=${duration%s}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${DOCKET_BENCH_PORT:-18094}
node_port=${DOCKET_BENCH_NODE_PORT:-18095}
connections=${DOCKET_BENCH_CONNECTIONS:-5000}
rooms=${DOCKET_BENCH_ROOMS:-200}
subscribers=${DOCKET_BENCH_SUBSCRIBERS:-10}
rate=${DOCKET_BENCH_RATE:-2000}
concurrency=${DOCKET_BENCH_CONCURRENCY:-64}
processes=${DOCKET_BENCH_PROCESSES:-4}
warmup=${DOCKET_BENCH_WARMUP:-3}
steps=${DOCKET_BENCH_STEPS:-1234}
step() { [[ $steps == *"$1"* ]]; }

if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)"
  echo "== warning: ulimit -n 65536 refused; the file-descriptor limit is the hard limit $(ulimit -n)"
fi
sockets=$((connections > rooms * subscribers ? connections : rooms * subscribers))
if (($(ulimit -n) < sockets + 1000)); then
  echo "== warning: ulimit -n $(ulimit -n) is below $((sockets + 1000)) (sockets + margin): expect EMFILE"
fi

if [[ ! -d "$here/node_modules" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
fi

data=$(mktemp -d)
pid=
node_pid=
cleanup() {
  for p in $node_pid $pid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$data"
}
trap cleanup EXIT

# Polls GET /healthz on port $1 until it answers 200 (at most 3 minutes: a read model
# rebuilding delays the start).
wait_ready() {
  for _ in $(seq 1 1800); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $1 did not become ready" >&2
  return 1
}

DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
  DOCKET_BOOTSTRAP_ADMIN_EMAIL=bench-admin@example.com \
  DOCKET_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password \
  DOCKET_WS_MAX_CONNECTIONS=$((sockets + 1000 > 20000 ? sockets + 1000 : 20000)) \
  DOCKET_MAX_CONNECTIONS=8000 \
  "$build/cli/docket" serve --data-dir "$data/server" --port "$port" 2>"$data/docket.log" &
pid=$!
wait_ready "$port"
base=http://127.0.0.1:$port
echo "== fd limit $(ulimit -n); docket pid $pid; ${duration}s windows after ${warmup}s warm-up"

if step 1; then
echo "== connections: $connections sockets, 10 per room, $processes client processes"
node "$here/connections.mjs" --base "$base" --server-pid "$pid" --connections "$connections" \
  --processes "$processes" || true
fi

if step 2; then
for poster in customer staff; do
  echo "== fan-out docket: $rooms rooms × $subscribers subscribers, $rate messages/s, $poster replies"
  node "$here/fanout.mjs" --target docket --poster "$poster" --base "$base" --server-pid "$pid" \
    --rooms "$rooms" --subscribers "$subscribers" --processes "$processes" --rate "$rate" \
    --duration "$duration" --warmup "$warmup" || true
done
fi

if step 3; then
echo "== fan-out docket: $rooms rooms × $subscribers subscribers, $concurrency posters, closed loop"
node "$here/fanout.mjs" --target docket --base "$base" --server-pid "$pid" --rooms "$rooms" \
  --subscribers "$subscribers" --processes "$processes" --rate max --concurrency "$concurrency" \
  --duration "$duration" --warmup "$warmup" | tee "$data/docket_max.txt" || true

node "$here/node_server.mjs" --port "$node_port" >/dev/null &
node_pid=$!
wait_ready "$node_port"
echo "== fan-out node socket.io: $rooms rooms × $subscribers subscribers, $concurrency posters, closed loop"
node "$here/fanout.mjs" --target node --base "http://127.0.0.1:$node_port" --server-pid "$node_pid" \
  --rooms "$rooms" --subscribers "$subscribers" --processes "$processes" --rate max \
  --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" | tee "$data/node_max.txt" || true
fi

if step 4; then
echo "== long-polling: 100 rooms × 10 subscribers on polling only, 200 messages/s"
node "$here/fanout.mjs" --target docket --transports polling --base "$base" --server-pid "$pid" \
  --rooms 100 --subscribers 10 --processes "$processes" --rate 200 \
  --duration "$duration" --warmup "$warmup" || true
echo "   server rss_mb: $(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")"
echo "== upgrade: 1,000 default clients connecting at once, 200 messages/s from the start"
node "$here/fanout.mjs" --target docket --transports default --connect-concurrency 1000 \
  --base "$base" --server-pid "$pid" --rooms 100 --subscribers 10 --processes "$processes" \
  --rate 200 --duration "$duration" --warmup 0 || true
echo "   $(curl -fs "$base/metrics" | grep -E '^docket_ws_upgrades_total ')"
fi

rate_of() { sed -n 's/^deliveries_per_s: //p' "$1"; }
# Server CPU seconds per 1,000 deliveries in the window.
cpu_of() {
  awk '/^cpu_s:/ { split($2, a, "="); cpu = a[2] } /^deliveries: / { for (i = 1; i <= NF; i++) if ($i ~ /^delivered=/) { split($i, b, "="); n = b[2] } }
       END { if (n > 0) printf "%.4f", cpu / n * 1000 }' "$1"
}
docket_rate=$(rate_of "$data/docket_max.txt" 2>/dev/null || true)
node_rate=$(rate_of "$data/node_max.txt" 2>/dev/null || true)
if [[ -n "$docket_rate" && -n "$node_rate" ]]; then
  echo "ratio_docket_over_node: $(awk -v d="$docket_rate" -v n="$node_rate" 'BEGIN { printf "%.2f", d / n }') (deliveries/s $docket_rate / $node_rate)"
  docket_cpu=$(cpu_of "$data/docket_max.txt")
  node_cpu=$(cpu_of "$data/node_max.txt")
  echo "server_cpu_ms_per_delivery: docket=$docket_cpu node=$node_cpu ratio_docket_over_node=$(awk -v d="$docket_cpu" -v n="$node_cpu" 'BEGIN { printf "%.2f", d / n }')"
fi

# What the server logged above info level (errors, refused connections, slow consumers).
echo "== docket log: $(grep -c '"level":"warn"' "$data/docket.log" || true) warn, $(grep -c '"level":"error"' "$data/docket.log" || true) error lines"
grep -E '"level":"(warn|error)"' "$data/docket.log" | grep -o '"msg":"[^"]*"' | sort | uniq -c | sort -rn | head -5 || true

#!/usr/bin/env bash
# Disk bytes Docket writes per guest message post: a fresh server with 1,000 inquiries,
# `wrk -t1 -c64` posting messages for DURATION, the server's /proc/<pid>/io write_bytes
# (everything it wrote: the log's WAL and tables, the read models' WAL and checkpoints,
# the outbox) before and after, divided by the posts wrk completed.
#
#   bench/post_write_bytes.sh [BUILD_DIR] [DURATION]   e.g. bench/post_write_bytes.sh build 10s
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${2:-10s}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${DOCKET_BENCH_PORT:-18094}
data=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$data"
}
trap cleanup EXIT
DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
  "$build/cli/docket" serve --data-dir "$data/server" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
"$build/bench/bench_inquiry_seed" --port "$port" --inquiries 1000 --max-messages 0 \
  --out "$data/pairs.txt" >/dev/null
export DOCKET_BENCH_PAIRS="$data/pairs.txt" DOCKET_BENCH_WRK_DIR="$here/wrk"
written() { awk '/^write_bytes/ {print $2}' "/proc/$pid/io"; }
before=$(written)
out=$(wrk -t1 -c64 -d"$duration" -s "$here/wrk/inquiry_message.lua" "http://127.0.0.1:$port")
sleep 1  # the checkpointer's last pass
after=$(written)
posts=$(awk '/requests in/ {print $1}' <<<"$out")
echo "posts=$posts write_bytes=$((after - before)) bytes_per_post=$(((after - before) / posts))"
du -sh "$data/server/log" "$data/server/projections" | sed 's/^/  /'

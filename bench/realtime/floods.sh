#!/usr/bin/env bash
# Websocket abuse against docket serve with its default limits (bench/realtime/floods.mjs
# says what is measured): 5,000 sockets that never send CONNECT, then one socket sending
# 10,000 join/leave packets a second for 10 s.
#
#   bench/realtime/floods.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
shift || true
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
port=${DOCKET_BENCH_PORT:-18096}
data=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
(cd "$here" && npm ci --no-audit --no-fund >/dev/null)

DOCKET_PASSWORD_HASH_COST=minimal \
  DOCKET_BOOTSTRAP_ADMIN_EMAIL=bench-admin@example.com \
  DOCKET_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password \
  "$root/$build/cli/docket" serve --data-dir "$data/server" --port "$port" 2>"$data/docket.log" &
pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
node "$here/floods.mjs" --base "http://127.0.0.1:$port" --server-pid "$pid" "$@"

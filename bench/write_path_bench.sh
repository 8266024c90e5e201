#!/usr/bin/env bash
# The write path against its peer (a PostgreSQL event table), in one run:
#
#   1. PostgreSQL 15 (Debian's, in a throw-away cluster): an event-store append —
#      INSERT … SELECT max(version)+1 for one of 1,000 streams, unique (stream, version),
#      synchronous commit — from 32 pgbench clients. Appended rows per second are
#      counted in the table afterwards (a lost version race inserts nothing).
#   2. Docket, guest messages (POST /api/support-inquiries/{id}/messages) from 64 wrk
#      connections spread over 1,000 inquiries of a log seeded with 100,000 inquiries.
#   3. The same on a fresh log holding only those 1,000 inquiries.
#   4. Staff replies (POST /api/admin/support-requests/{id}/messages) to 1,000 support
#      requests whose threads hold 200 messages each; prints the answer's size.
#
# Each Docket phase runs a warm-up of the same load first. Prints req/s, p50 and p99
# per phase and the ratio to the PostgreSQL rate. wrk (-t1) and the server share the
# machine, as the PostgreSQL server and pgbench do.
#
#   bench/write_path_bench.sh [BUILD_DIR] [DURATION] [DATA]
#     e.g. bench/write_path_bench.sh build-rel 10s /var/tmp/docket-wpb
#
# DATA keeps the seeds between runs (seeding 100,000 inquiries takes minutes); by
# default a temporary directory is used and removed. DOCKET_BENCH_PHASES selects phases
# (default "pg seeded fresh replies"). Needs postgresql, wrk, curl and python3.
set -euo pipefail
build=${1:-build}
duration=${2:-10s}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "$build" && pwd)
port=${DOCKET_BENCH_PORT:-18094}
phases=${DOCKET_BENCH_PHASES:-"pg seeded fresh replies"}
if [[ -n "${3:-}" ]]; then
  data=$3
  mkdir -p "$data"
  remove_data=0
else
  data=$(mktemp -d)
  remove_data=1
fi
pid=""
pg_dir=""
cleanup() {
  [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  [[ -n "$pg_dir" ]] && { "$pg_bin/pg_ctl" -D "$pg_dir/db" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
  [[ "$remove_data" == 1 ]] && rm -rf "$data"
  true
}
trap cleanup EXIT
seconds=${duration%s}
summary() { grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors' || true; }
rate_of() { awk '/Requests\/sec/ {print $2}' "$1"; }
export DOCKET_BENCH_WRK_DIR="$here/wrk"

# ---- PostgreSQL -----------------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_rate=""
if [[ " $phases " == *" pg "* ]]; then
  pg_dir=$(mktemp -d)
  chmod 755 "$pg_dir"
  as_pg=()
  if [[ $(id -u) == 0 ]]; then  # initdb refuses root: run the cluster as nobody
    chown nobody "$pg_dir"
    as_pg=(runuser -u nobody --)
  fi
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/db" -U bench >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/db" -l "$pg_dir/log" -w \
    -o "-k $pg_dir -p 5439 -c listen_addresses='' -c synchronous_commit=on -c fsync=on -c max_connections=64" \
    start >/dev/null
  psql=("${as_pg[@]}" psql -h "$pg_dir" -p 5439 -U bench -d postgres -qAt)
  "${psql[@]}" -c "CREATE TABLE events (
      id bigserial PRIMARY KEY, stream text NOT NULL, version integer NOT NULL,
      type text NOT NULL, payload jsonb NOT NULL, occurred_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream, version))"
  cat >"$pg_dir/append.sql" <<'SQL'
\set s random(1, 1000)
INSERT INTO events (stream, version, type, payload)
SELECT 'support_inquiry-' || :s, coalesce(max(version), 0) + 1, 'support_inquiry.message_posted',
       '{"inquiryId": 1, "messageId": 1, "senderType": "visitor", "message": "Hello again, is there any news on my inquiry?"}'
FROM events WHERE stream = 'support_inquiry-' || :s
ON CONFLICT (stream, version) DO NOTHING;
SQL
  chmod 644 "$pg_dir/append.sql"
  echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'): event append, 32 pgbench clients, ${duration} warm-up + ${duration}"
  "${as_pg[@]}" pgbench -h "$pg_dir" -p 5439 -U bench -n -c32 -j1 -T "$seconds" -f "$pg_dir/append.sql" postgres >/dev/null 2>&1
  before=$("${psql[@]}" -c "SELECT count(*) FROM events")
  "${as_pg[@]}" pgbench -h "$pg_dir" -p 5439 -U bench -n -c32 -j1 -T "$seconds" -f "$pg_dir/append.sql" postgres \
    >"$pg_dir/pgbench.txt" 2>&1
  after=$("${psql[@]}" -c "SELECT count(*) FROM events")
  grep -E "latency average|tps =" "$pg_dir/pgbench.txt" | sed 's/^/   /'
  pg_rate=$(python3 -c "print(round(($after - $before) / $seconds))")
  echo "   appended rows: $((after - before)) in ${seconds} s = ${pg_rate}/s"
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/db" -m fast stop >/dev/null
  rm -rf "$pg_dir"
  pg_dir=""
fi

ratio() {  # rate
  if [[ -n "$pg_rate" ]]; then
    python3 -c "print('   ratio to PostgreSQL: %.2fx' % ($1 / $pg_rate))"
  fi
}

# ---- Docket ---------------------------------------------------------------------------
start_server() {  # data directory
  DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
    DOCKET_BOOTSTRAP_ADMIN_EMAIL=bench-admin@example.com \
    DOCKET_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password \
    "$build/cli/docket" serve --data-dir "$1" --port "$port" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 3000); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "server did not start" >&2
  return 1
}
stop_server() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}
admin_token() {
  curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench-admin@example.com","password":"bench-admin-password"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])'
}
measure() {  # name script pairs
  export DOCKET_BENCH_PAIRS="$3"
  wrk -t1 -c64 -d"$duration" -s "$here/wrk/$2" "http://127.0.0.1:$port" >/dev/null
  wrk -t1 -c64 -d"$duration" --latency -s "$here/wrk/$2" "http://127.0.0.1:$port" >"$data/$1.wrk"
  summary <"$data/$1.wrk" | sed 's/^/   /'
  ratio "$(rate_of "$data/$1.wrk")"
}

if [[ " $phases " == *" seeded "* ]]; then
  start_server "$data/seeded/server"
  if [[ ! -s "$data/seeded/pairs.txt" ]]; then
    echo "== seeding 100,000 inquiries"
    "$build/bench/bench_inquiry_seed" --port "$port" --out "$data/seeded/pairs.txt.part" |
      sed 's/^/   /'
    mv "$data/seeded/pairs.txt.part" "$data/seeded/pairs.txt"
  fi
  shuf -n 1000 --random-source=<(yes) "$data/seeded/pairs.txt" >"$data/seeded/hot.txt"
  echo "== guest messages, 64 connections, 1,000 of 100,000 inquiries ($(du -sh "$data/seeded/server" | cut -f1) on disk)"
  measure seeded inquiry_message.lua "$data/seeded/hot.txt"
  stop_server
fi

if [[ " $phases " == *" fresh "* ]]; then
  rm -rf "$data/fresh"
  mkdir -p "$data/fresh"
  start_server "$data/fresh/server"
  "$build/bench/bench_inquiry_seed" --port "$port" --inquiries 1000 --max-messages 0 \
    --out "$data/fresh/pairs.txt" >/dev/null
  echo "== guest messages, 64 connections, 1,000 inquiries of a fresh log"
  measure fresh inquiry_message.lua "$data/fresh/pairs.txt"
  stop_server
fi

if [[ " $phases " == *" replies "* ]]; then
  start_server "$data/replies/server"
  if [[ ! -s "$data/replies/pairs.txt" ]]; then
    echo "== seeding 1,000 support requests with 200-message threads"
    "$build/bench/bench_support_seed" --port "$port" --customers 100 --requests 1000 \
      --messages-per-request 199 --out "$data/replies/pairs.txt.part" | sed 's/^/   /'
    mv "$data/replies/pairs.txt.part" "$data/replies/pairs.txt"
  fi
  DOCKET_BENCH_ADMIN_TOKEN=$(admin_token)
  export DOCKET_BENCH_ADMIN_TOKEN
  id=$(head -1 "$data/replies/pairs.txt" | cut -d' ' -f2)
  bytes=$(curl -fs -X POST "http://127.0.0.1:$port/api/admin/support-requests/$id/messages" \
    -H "Authorization: Bearer $DOCKET_BENCH_ADMIN_TOKEN" -H 'content-type: application/json' \
    -d '{"message":"Size probe."}' | wc -c)
  echo "== staff replies, 64 connections, 1,000 requests with 200+ messages (answer: $bytes bytes)"
  measure replies staff_reply.lua "$data/replies/pairs.txt"
  stop_server
fi

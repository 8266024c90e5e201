#!/usr/bin/env bash
# Attachment uploads and journey submits through HTTP on loopback, with nginx as the
# peer for uploads.
#
#   bench/intake_bench.sh [BINARY] [DURATION]     e.g. bench/intake_bench.sh build/cli/docket 10s
#
# Uploads: 16 concurrent connections (wrk -t2 -c16) POST a 1 MiB PNG whose pixel data
# differs per request (bench/wrk/upload.lua), so each is sniffed, stripped, hashed,
# written (temp file, fsync, rename, directory fsync) and recorded as an event. Prints
# requests/s, MiB/s, p50/p99 latency and the server's resident memory before, after and
# at its peak. The peer: nginx (Debian's nginx-light, installed when missing) storing the
# same bodies as files with WebDAV PUT (no fsync), same wrk settings; the script prints
# the ratio. Journey submits: 32 connections POST /api/journeys/1/submit, each walking a
# three-question journey and creating a support request.
set -euo pipefail
binary=${1:-build/cli/docket}
duration=${2:-10s}
port=${DOCKET_BENCH_PORT:-18093}
nginx_port=$((port + 1))
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
pid=
nginx_pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

python3 - "$tmp/photo.png" <<'PY'
import os, struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
ihdr = struct.pack(">IIBBBBB", 1024, 256, 8, 2, 0, 0, 0)
size = 1024 * 1024
idat = os.urandom(size - 8 - 25 - 34 - 12 - 12)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", b"Comment\0bench-metadata") + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
file_bytes=$(stat -c %s "$tmp/photo.png")

DOCKET_RATE_LIMIT_ENABLED=false DOCKET_MAX_CONNECTIONS_PER_IP=0 DOCKET_PASSWORD_HASH_COST=minimal \
  DOCKET_BOOTSTRAP_ADMIN_EMAIL=admin@example.com DOCKET_BOOTSTRAP_ADMIN_PASSWORD=admin-password \
  DOCKET_QUEUE_ENABLED=false \
  "$binary" serve --data-dir "$tmp/data" --port "$port" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password","name":"Bench"}' | json '["data"]["token"]')
admin=$(curl -fs -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"admin-password"}' | json '["data"]["token"]')

rss() { awk -v k="$1:" '$1 == k {print $2 / 1024 " MiB"}' "/proc/$pid/status"; }
wrk_run() {  # label, wrk args...
  local label=$1
  shift
  local out
  out=$(wrk --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
  echo "$label: $rps requests/s, p50 $p50, p99 $p99 ${errors}"
  last_rps=$rps
}

echo "== uploads: 1 MiB PNG ($file_bytes bytes), wrk -t2 -c16 -d$duration"
echo "server memory before: VmRSS $(rss VmRSS)"
export DOCKET_BENCH_FILE="$tmp/photo.png" DOCKET_BENCH_TOKEN="$token"
DOCKET_BENCH_PATH=/api/attachments wrk_run "docket" -t2 -c16 -d"$duration" \
  -s "$root/bench/wrk/upload.lua" "http://127.0.0.1:$port"
docket_rps=$last_rps
python3 -c "print('docket: %.1f MiB/s' % ($docket_rps * $file_bytes / 1048576))"
echo "server memory after: VmRSS $(rss VmRSS), peak VmHWM $(rss VmHWM)"
echo "files stored: $(find "$tmp/data/attachments" -path "$tmp/data/attachments/tmp" -prune -o -type f -print | wc -l)"

if ! command -v nginx >/dev/null; then
  apt-get install -y -q nginx-light >/dev/null 2>&1 || true
fi
if command -v nginx >/dev/null; then
  mkdir -p "$tmp/nginx/www/up" "$tmp/nginx/body"
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 2;
user root;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
daemon off;
events {}
http {
  access_log off;
  client_max_body_size 8m;
  client_body_temp_path $tmp/nginx/body;
  server {
    listen 127.0.0.1:$nginx_port;
    location /up/ { root $tmp/nginx/www; dav_methods PUT; }
  }
}
CONF
  nginx -c "$tmp/nginx/nginx.conf" &
  nginx_pid=$!
  sleep 0.5
  DOCKET_BENCH_PATH=/up/ DOCKET_BENCH_METHOD=PUT wrk_run "nginx (WebDAV PUT)" -t2 -c16 \
    -d"$duration" -s "$root/bench/wrk/upload.lua" "http://127.0.0.1:$nginx_port"
  nginx_rps=$last_rps
  python3 -c "print('nginx: %.1f MiB/s; docket / nginx = %.2f' % ($nginx_rps * $file_bytes / 1048576, $docket_rps / $nginx_rps))"
  kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=
else
  echo "nginx: not available (apt-get install nginx-light failed); no ratio"
fi

echo "== journey submits: wrk -t2 -c32 -d$duration"
journey=$(curl -fs -X POST "http://127.0.0.1:$port/api/admin/journeys" -H "authorization: Bearer $admin" \
  -H 'content-type: application/json' -d '{"name":"Order help","channel":"any"}' | json '["data"]["id"]')
curl -fs -X POST "http://127.0.0.1:$port/api/admin/journeys/$journey/versions" \
  -H "authorization: Bearer $admin" -H 'content-type: application/json' -d '{"publish":true,"definition":
  {"startNode":"topic","nodes":{
   "topic":{"type":"question","questionType":"single_choice","question":"Topic?",
            "options":[{"label":"Damaged item","value":"damaged"},{"label":"Billing","value":"billing"}],
            "nextNodeMap":{"billing":"bill"},"next":"details"},
   "details":{"type":"question","questionType":"text","question":"What happened?","next":"photo"},
   "photo":{"type":"question","questionType":"image_upload","question":"Photo?","required":false,"next":"route"},
   "route":{"type":"condition","branches":[{"when":{"node":"details","contains":"broken"},"next":"urgent"}],"else":"normal"},
   "urgent":{"type":"end","create":"support_request","category":"technical","priority":"urgent","subject":"Damaged: {{details}}"},
   "normal":{"type":"end","create":"support_request","category":"general"},
   "bill":{"type":"end","create":"support_inquiry","category":"billing"}}}}' >/dev/null
wrk_run "journey submit" -t2 -c32 -d"$duration" -s "$root/bench/wrk/journey_submit.lua" \
  "http://127.0.0.1:$port"

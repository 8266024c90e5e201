#!/usr/bin/env bash
# Installs the Debian 12 packages Docket builds, tests and benchmarks with (and the
# browser the console's tests drive).
# Idempotent: installs only what is missing; does nothing when all is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git zlib1g-dev
  libboost1.81-dev librocksdb-dev libsimdjson-dev libfmt-dev libssl-dev
  doctest-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev
  libhowardhinnant-date-dev tzdata
  python3 python3-jwt python3-croniter python3-aiosmtpd wrk
  clang libclang-rt-14-dev
  chromium fonts-dejavu-core
)
# Node.js 20+ may come from another source that bundles npm; add Debian's only
# when no node is on the PATH at all.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian packages aiusage needs, only those that are missing.
# Usage: scripts/deps.sh [build|test|bench]
set -euo pipefail
want=(build-essential cmake pkg-config libsqlite3-dev libjansson-dev libxxhash-dev
      libcurl4-openssl-dev libmicrohttpd-dev libcsv-dev libarchive-dev libpq-dev tzdata)
# Commands that may already come from elsewhere (e.g. a newer Node.js):
# only installed from Debian when the command is missing.
cmds=(npm) # npm ci installs the dashboard's chart library (web/package-lock.json)
case "${1:-build}" in
  # postgresql-15: the tests start a throw-away server (scripts/pg-test.sh)
  test)  want+=(libcmocka-dev clang libclang-rt-14-dev postgresql-15 chromium python3-jsonschema); cmds+=(python3) ;;
  bench) want+=(time wrk); cmds+=(python3) ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
for c in "${cmds[@]}"; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
install_e2e() { # browser tests: playwright-core pinned by tests/e2e/package-lock.json
  if [ "${1:-build}" = test ]; then "$(dirname "$0")/../tests/e2e/setup.sh"; fi
}
if [ ${#missing[@]} -eq 0 ]; then install_e2e "${1:-build}"; exit 0; fi
echo "aiusage: installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_e2e "${1:-build}"

#!/usr/bin/env bash
# Installs the browser tests' npm dependency (playwright-core, pinned by
# tests/e2e/package-lock.json) with `npm ci`, only when node_modules is
# missing or older than the lock file. The browser is Debian's chromium
# (scripts/deps.sh test installs it); playwright never downloads one.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.aiu-npm-ci.stamp
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then
  exit 0
fi
echo "aiusage: npm ci in tests/e2e (playwright-core)" >&2
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"

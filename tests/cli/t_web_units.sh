#!/usr/bin/env bash
# The dashboard's pure JavaScript modules (formatting, chart buckets) under
# Node, without a browser: tests/e2e/units.mjs.
source "$(dirname "$0")/lib.sh"
if AIU_WEB_SRC="$AIU_SRC/web/src" node "$AIU_SRC/tests/e2e/units.mjs"; then
  ok "dashboard JS units"
else
  fail "dashboard JS units"
fi
finish

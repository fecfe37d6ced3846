#!/usr/bin/env bash
# A pull killed with SIGKILL at random moments and run again converges to the
# same totals as an uninterrupted pull: each page's rows and its checkpoint
# commit together, and a re-fetched day replaces what was stored.
. "$(dirname "$0")/lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-KILLSECRET-$RANDOM"
FPID=""
trap '[ -n "$FPID" ] && kill $FPID 2>/dev/null; cleanup' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY" AIUSAGE_TODAY=2026-03-31
DB=$(db "$T/org.db")   # a SQLite path, or a fresh PostgreSQL database

# slow answers and small pages, so a pull takes a few seconds and dies mid-page
python3 "$FAKE" --key "$KEY" --idle 300 --slow-ms 25 --report-page-max 5 --cc-page-max 4 > "$T/port" &
for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT FPID < "$T/port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT"

# the schema first, so each kill lands in a pull and not in the first open
"$AIU_BIN" org --db "$DB" --json > /dev/null
runs() { dbq "$DB" "SELECT count(*) FROM org_pull_runs" 2>/dev/null || true; }
kills=0
# each delay counts from the moment the pull's run row is committed (not from
# its start: on a busy machine a fixed delay may end before the pull began)
for delay in 0.2 0.9 1.6 0.5 1.2; do
  before=$(runs)
  "$AIU_BIN" pull anthropic --db "$DB" --backfill-days 90 >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 600); do   # at most about 30 s
    n=$(runs)
    [ "${n:-0}" -gt "${before:-0}" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills+1)); fi
  wait "$pid" 2>/dev/null || true
  grep -q TESTSECRET "$T/err" "$T/out" && fail "key printed"
done
echo "# $kills of 5 pulls killed mid-way"
check "at least three pulls were killed mid-way" test "$kills" -ge 3
if [ "$AIU_TEST_BACKEND" != pg ]; then # PostgreSQL has no integrity_check (its WAL keeps it consistent)
  check "the store is consistent after the kills" [ "$(dbq "$DB" 'PRAGMA integrity_check')" = ok ]
fi
# on both: no Claude Code child row outlived its record (a half-written page)
check "no orphan Claude Code tool or model rows after the kills" [ "$(dbq "$DB" "SELECT
  (SELECT count(*) FROM anth_cc_tools t WHERE NOT EXISTS (SELECT 1 FROM anth_cc c WHERE c.day = t.day
    AND c.actor_type = t.actor_type AND c.actor = t.actor AND c.terminal_type = t.terminal_type
    AND c.is_remote = t.is_remote)) +
  (SELECT count(*) FROM anth_cc_models t WHERE NOT EXISTS (SELECT 1 FROM anth_cc c WHERE c.day = t.day
    AND c.actor_type = t.actor_type AND c.actor = t.actor AND c.terminal_type = t.terminal_type
    AND c.is_remote = t.is_remote))")" = 0 ]
check "killed runs stay visible as 'running' (interrupted) runs" \
  [ "$(dbq "$DB" "SELECT count(*) FROM org_pull_runs WHERE status = 'running'")" -ge 3 ]
check "a final pull completes" "$AIU_BIN" pull anthropic --db "$DB" --backfill-days 90
"$AIU_BIN" org --json --db "$DB" --since 2026-01-01 --until 2026-03-31 > "$T/org.json"
python3 "$FAKE" --expect --since 2026-01-01 --until 2026-03-31 > "$T/expect.json"
check "totals after kills equal the fixture to the cent" python3 - "$T/org.json" "$T/expect.json" <<'EOF'
import json, sys
from decimal import Decimal as D
o, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = (D(o["bill"]["totalCents"]) == D(e["cost_cents"])
      and o["tokens"]["uncachedInput"] == e["tokens"]["uncached_input"]
      and o["tokens"]["cacheWrite1h"] == e["tokens"]["cw1h"]
      and o["claudeCode"]["records"] == e["claude_code"]["records"]
      and o["claudeCode"]["sessions"] == e["claude_code"]["sessions"]
      and D(o["claudeCode"]["estimatedCostCents"]) == D(e["claude_code"]["est_cents"]))
if not ok:
    print(o["bill"]["totalCents"], e["cost_cents"], o["claudeCode"]["records"], e["claude_code"]["records"])
sys.exit(0 if ok else 1)
EOF
# an uninterrupted pull into a fresh store gives byte-identical org tables
CLEAN=$(db "$T/clean.db")
"$AIU_BIN" pull anthropic --db "$CLEAN" --backfill-days 90 >/dev/null 2>&1
for t in anth_usage anth_cost anth_cc anth_cc_tools anth_cc_models; do
  ord="1,2,3,4,5,6,7,8"; [ "$t" = anth_cc_tools ] || ord="$ord,9"   # covers every primary key
  dbq "$DB" "SELECT * FROM $t ORDER BY $ord" > "$T/a.$t"
  dbq "$CLEAN" "SELECT * FROM $t ORDER BY $ord" > "$T/b.$t"
  check "$t identical to an uninterrupted pull" cmp -s "$T/a.$t" "$T/b.$t"
done
finish

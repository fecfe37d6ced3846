#!/usr/bin/env bash
# `aiusage serve` runs the configured pulls on a schedule (ingest/pull_sched.c):
# against the fake Admin API with a 1-second interval, /api/org/freshness
# shows the recorded runs and the bill equals the fixture; when the vendor
# goes away the failing runs show up as lastFailure and the earlier data is
# kept; no key configured = no scheduled pulls; a bad --pull-interval is an
# error naming it.
# aiu-test: sqlite-only (the organisation tables exist on SQLite only)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-SCHED-$RANDOM$RANDOM"
FPID=""
trap 'if [ -n "$SRV_PID" ]; then kill -TERM "$SRV_PID" 2>/dev/null || true; fi; [ -n "$FPID" ] && kill $FPID 2>/dev/null; rm -rf "$T"' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=10 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY" AIUSAGE_TODAY=2026-03-10
DB="$T/org.db"
mkdir -p "$XDG_CONFIG_HOME/aiusage"
printf '[pull]\nbackfill_days = 5\n' > "$XDG_CONFIG_HOME/aiusage/config.ini"
python3 "$FAKE" --key "$KEY" --idle 120 > "$T/port" &
for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT FPID < "$T/port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT"

fresh() { curl -s "${SRV_URL}api/org/freshness?dateFrom=2026-03-06&dateTo=2026-03-10" > "$T/f.json"; }
# wait_for PYEXPR: polls freshness until the expression over d (its data) holds (20 s max)
wait_for() {
  for _ in $(seq 100); do
    fresh && python3 -c "import json,sys; d=json.load(open('$T/f.json'))['data']; sys.exit(0 if ($1) else 1)" 2>/dev/null && return 0
    sleep 0.2
  done
  cat "$T/f.json" >&2; return 1
}
bill_ok() {
  curl -s "${SRV_URL}api/org/overview?dateFrom=2026-03-06&dateTo=2026-03-10" > "$T/o.json"
  python3 "$FAKE" --expect --since 2026-03-06 --until 2026-03-10 > "$T/e.json"
  python3 -c "
import json,sys
from decimal import Decimal as D
o=json.load(open('$T/o.json'))['data']; e=json.load(open('$T/e.json'))
sys.exit(0 if D(o['billCents'])==D(e['cost_cents']) and D(e['cost_cents'])>0 else 1)"
}

check "server with --pull-interval 1s starts" start_server --db "$DB" --listen 127.0.0.1:0 --no-watch --pull-interval 1s
check "freshness shows at least two scheduled runs, the last ok" \
  wait_for "len(d['runs'])>=2 and d['runs'][0]['status']=='ok' and d['schedule']=={'enabled':True,'intervalSeconds':1}"
check "...and a last successful pull for anthropic" wait_for "d['sources'][0]['lastSuccess'] is not None"
check "the scheduled pulls stored the backfill window: bill equals the fixture" bill_ok
check "runs never overlap (one 'running' at most, older ones finished)" \
  wait_for "all(r['finishedAt'] for r in d['runs'][1:])"
kill "$FPID"; wait "$FPID" 2>/dev/null || true; FPID=""
check "the vendor gone: a failing run shows up as lastFailure" \
  wait_for "d['sources'][0]['lastFailure'] is not None and d['sources'][0]['lastFailure']['status'] in ('error','partial') and d['sources'][0]['lastFailure']['error']!=''"
check "...and the earlier data is kept (bill still equals the fixture)" bill_ok
check "the server stops cleanly" stop_server
check "the admin key never appears in the server's output" bash -c "! grep -q -- '$KEY' '$T/serve.out' '$T/serve.err'"

# A slow vendor: stopping the server does not wait for the round (bounded).
python3 "$FAKE" --key "$KEY" --idle 60 --slow-ms 3000 > "$T/port2" &
FPID=$!
for _ in $(seq 300); do [ -s "$T/port2" ] && break; sleep 0.1; done
read -r PORT2 _ < "$T/port2"
ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT2" start_server --db "$T/slow.db" --listen 127.0.0.1:0 --no-watch --pull-interval hourly
sleep 1
S0=$(date +%s)
check "stopping during a slow scheduled pull is prompt" stop_server
check "...within a few seconds" [ $(( $(date +%s) - S0 )) -le 8 ]
check "...and says the round was abandoned" grep -q "abandoned" "$T/serve.err"
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null || true; FPID=""

DB2="$T/nokey.db"
unset ANTHROPIC_ADMIN_KEY
check "without a key the server starts" start_server --db "$DB2" --listen 127.0.0.1:0 --no-watch
sleep 1.5
check "...and schedules nothing" wait_for "d['runs']==[] and d['schedule']['enabled']==False"
check "the server stops cleanly" stop_server
check "a bad --pull-interval is refused" bash -c "! '$AIU_BIN' serve --db '$DB2' --listen 127.0.0.1:0 --pull-interval 5x --exit-after-ms 100 2>'$T/e' >/dev/null"
check "...naming it" grep -q "pull schedule '5x'" "$T/e"
finish

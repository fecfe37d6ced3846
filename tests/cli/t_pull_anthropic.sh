#!/usr/bin/env bash
# aiusage pull anthropic against the fake Admin API (tests/fake/fake_anthropic.py):
# totals to the cent against figures the fake computes independently from its
# fixture, every page (server-side page caps), re-pulls that add nothing,
# checkpoints, ETags, 429/5xx retries, malformed bodies, and the admin key
# never appearing in any output.
. "$(dirname "$0")/lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-TESTSECRET-$RANDOM$RANDOM"
FPID=""
trap '[ -n "$FPID" ] && kill $FPID 2>/dev/null; cleanup' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY"
LOG="$T/all-output.log"   # every stdout/stderr of aiusage, grepped for the key at the end
DB=$(db "$T/org.db")   # a SQLite path, or a fresh PostgreSQL database

start_fake() { # start_fake [fake options...]: sets ANTHROPIC_BASE_URL and FPID
  stop_fake
  rm -f "$T/port"
  python3 "$FAKE" --key "$KEY" --idle 120 "$@" > "$T/port" &
  for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
  read -r PORT FPID < "$T/port"
  export ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT"
}
stop_fake() { if [ -n "$FPID" ]; then kill "$FPID" 2>/dev/null || true; wait "$FPID" 2>/dev/null || true; FPID=""; fi; }
pull() { "$AIU_BIN" pull anthropic --db "$DB" "$@" >"$T/out" 2>"$T/err"; local rc=$?; cat "$T/out" "$T/err" >> "$LOG"; return $rc; }
org_json() { "$AIU_BIN" org --json --db "$DB" --since "$1" --until "$2" > "$T/org.json" 2>>"$LOG"; }
expect() { python3 "$FAKE" --expect --since "$1" --until "$2" > "$T/expect.json"; }
# same_totals FROM TO: the store's figures equal the fixture's, exactly
same_totals() {
  org_json "$1" "$2" && expect "$1" "$2" && python3 - "$T/org.json" "$T/expect.json" <<'EOF'
import json, sys
from decimal import Decimal as D
o, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
def eq(name, a, b):
    if a != b: bad.append("%s: store %r != fixture %r" % (name, a, b))
eq("bill cents", D(o["bill"]["totalCents"]), D(e["cost_cents"]))
ws = {(w["key"] or "default"): D(w["cents"]) for w in o["bill"]["byWorkspace"]}
eq("by workspace", ws, {k: D(v) for k, v in e["cost_by_workspace_cents"].items()})
t = o["tokens"]
eq("tokens", {"uncached_input": t["uncachedInput"], "output": t["output"], "cache_read": t["cacheRead"],
              "cw5m": t["cacheWrite5m"], "cw1h": t["cacheWrite1h"], "web_search": t["webSearchRequests"]}, e["tokens"])
c, x = o["claudeCode"], e["claude_code"]
eq("cc", (c["records"], c["remoteRecords"], c["sessions"], c["linesAdded"], c["commits"], c["pullRequests"], c["toolAccepted"]),
   (x["records"], x["remote_records"], x["sessions"], x["lines_added"], x["commits"], x["prs"], x["tool_accepted"]))
eq("cc estimate", D(c["estimatedCostCents"]), D(x["est_cents"]))
# the estimate is never part of the bill; people + unattributed = the bill
eq("allocation sums to the bill", sum(D(p["billCents"]) for p in o["people"]) + D(o["unattributed"]["billCents"]),
   D(o["bill"]["totalCents"]))
for b in bad: print("  " + b)
sys.exit(1 if bad else 0)
EOF
}

# 1. A quarter, with small server pages so every report needs many pages.
start_fake --report-page-max 7 --cc-page-max 3 --list-page-max 2
check "pull of a quarter succeeds" pull --since 2026-01-01 --until 2026-03-31
check "summary line names the rows" grep -q "^pull anthropic 2026-01-01..2026-03-31: .* usage rows, .* cost rows" "$T/out"
check "quarter totals equal the fixture to the cent (every page fetched)" same_totals 2026-01-01 2026-03-31
check "January alone equals the fixture" same_totals 2026-01-01 2026-01-31
check "the Default workspace is a workspace, not a total" \
  python3 -c "import json,sys; d=json.load(open('$T/org.json')); w=[x for x in d['bill']['byWorkspace'] if x['key']=='']; sys.exit(0 if len(w)==1 and w[0]['label']=='Default' and len(d['bill']['byWorkspace'])==3 else 1)"

# 2. Re-pulling an overlapping window adds nothing.
dbq "$DB" "SELECT count(*), sum(amount_nano) FROM anth_cost" > "$T/before"
check "overlapping re-pull succeeds" pull --since 2026-02-15 --until 2026-04-15
check "quarter totals unchanged after the overlapping re-pull" same_totals 2026-01-01 2026-03-31
check "union window equals the fixture" same_totals 2026-01-01 2026-04-15
check "re-pulling the same window twice changes nothing" pull --since 2026-01-01 --until 2026-04-15
dbq "$DB" "SELECT count(*), sum(amount_nano) FROM anth_cost" > "$T/after1"
pull --since 2026-01-01 --until 2026-04-15 || true
dbq "$DB" "SELECT count(*), sum(amount_nano) FROM anth_cost" > "$T/after2"
check "row count and sum identical across identical pulls" cmp -s "$T/after1" "$T/after2"

# 3. ETags: the lists fit one page now, so a second pull gets 304s.
start_fake
pull --since 2026-04-01 --until 2026-04-02 || true
check "second pull gets 304 for users, workspaces and api keys" pull --since 2026-04-01 --until 2026-04-02
check "...and stores nothing from them" grep -q " 0 users, 0 workspaces, 0 api keys" "$T/out"

# 4. Checkpoints: a first run backfills --backfill-days; later runs fetch from the last day.
DB=$(db "$T/org2.db")   # a fresh store
export AIUSAGE_TODAY=2026-03-31
check "first run without a window backfills 90 days" pull --backfill-days 90
check "...from 2026-01-01 to today" grep -q "^pull anthropic 2026-01-01..2026-03-31" "$T/out"
check "backfill totals equal the fixture" same_totals 2026-01-01 2026-03-31
export AIUSAGE_TODAY=2026-04-10
check "a later run succeeds" pull
check "...fetching only from the last pulled day" grep -q "^pull anthropic 2026-03-31..2026-04-10" "$T/out"
check "...with few requests (no re-backfill)" python3 -c "
import re,sys; m=re.search(r'; (\d+) requests', open('$T/out').read()); sys.exit(0 if m and int(m.group(1)) < 25 else 1)"
check "totals after the incremental run equal the fixture" same_totals 2026-01-01 2026-04-10
unset AIUSAGE_TODAY

# 5. 429 (with and without retry-after) and 5xx are retried; the figures stay exact.
DB=$(db "$T/org3.db")   # a fresh store
start_fake --fail-429-every 5 --fail-5xx-every 7 --report-page-max 10
check "pull through 429s and 5xxs succeeds" pull --since 2026-02-01 --until 2026-02-28
check "...and retried" python3 -c "
import re,sys; m=re.search(r'; \d+ requests, (\d+) retries', open('$T/out').read()); sys.exit(0 if m and int(m.group(1)) > 5 else 1)"
check "totals exact despite retries" same_totals 2026-02-01 2026-02-28

# 6. Malformed data: named errors, the rest stored, and a later pull converges.
DB=$(db "$T/org4.db")   # a fresh store
start_fake --bad-day 2026-01-10 --malformed-once
if pull --since 2026-01-01 --until 2026-01-20; then fail "pull with malformed data exits non-zero"; else ok "pull with malformed data exits non-zero"; fi
check "malformed amount named by endpoint, day, row and field" \
  grep -q "cost_report: day 2026-01-10, data\[[0-9]*\].results\[0\]: field 'amount': '12.3.4' is not a decimal amount" "$T/err"
check "record without an actor named" grep -q "usage_report/claude_code: data\[0\] day 2026-01-10: field 'actor" "$T/err"
check "a body that is not JSON named by endpoint" grep -q "usage_report/messages: response is not JSON" "$T/err"
org_json 2026-01-11 2026-01-20
check "cost of the days after the bad one is complete" python3 -c "
import json,sys,subprocess
from decimal import Decimal as D
o=json.load(open('$T/org.json')); e=json.loads(subprocess.check_output(['python3','$FAKE','--expect','--since','2026-01-11','--until','2026-01-20']))
sys.exit(0 if D(o['bill']['totalCents'])==D(e['cost_cents']) else 1)"
check "the failed run is recorded as partial with its first error" \
  python3 -c "import json,sys; r=json.load(open('$T/org.json'))['pullRuns'][0]; sys.exit(0 if r['status']=='partial' and r['error'] else 1)"
start_fake
check "a pull from the checkpoints after the vendor is fixed succeeds" env AIUSAGE_TODAY=2026-01-20 "$AIU_BIN" pull anthropic --db "$DB"
check "...and converges to the fixture" same_totals 2026-01-01 2026-01-20

# 7. A wrong key: clear error, no secret anywhere.
ANTHROPIC_ADMIN_KEY="sk-ant-admin01-WRONGSECRET-xyz" "$AIU_BIN" pull anthropic --db "$DB" --since 2026-01-01 --until 2026-01-02 >"$T/out" 2>"$T/err" || true
cat "$T/out" "$T/err" >> "$LOG"
check "a rejected key gives HTTP 401 authentication_error naming the endpoint" grep -q "GET /v1/organizations/users: HTTP 401 authentication_error" "$T/err"
check "the wrong key is not printed" bash -c "! grep -q WRONGSECRET '$T/err' '$T/out'"
env -u ANTHROPIC_ADMIN_KEY "$AIU_BIN" pull anthropic --db "$DB" >"$T/out" 2>"$T/err" || true
check "no key: says where to put it" grep -q "no Anthropic admin key: set ANTHROPIC_ADMIN_KEY or \[anthropic\] admin_key" "$T/err"
"$AIU_BIN" pull nosuch --db "$DB" >"$T/out" 2>"$T/err" && rc=0 || rc=$?
check "unknown source rejected, listing the sources" bash -c "[ $rc -ne 0 ] && grep -q \"unknown source 'nosuch' (sources: all, anthropic\" '$T/err'"

# 8. The key from a config file works the same, and is never echoed.
mkdir -p "$XDG_CONFIG_HOME/aiusage"
printf '[anthropic]\nadmin_key = %s\nbase_url = %s\n' "$KEY" "$ANTHROPIC_BASE_URL" > "$XDG_CONFIG_HOME/aiusage/config.ini"
chmod 644 "$XDG_CONFIG_HOME/aiusage/config.ini"
env -u ANTHROPIC_ADMIN_KEY -u ANTHROPIC_BASE_URL "$AIU_BIN" pull anthropic --db "$DB" \
  --since 2026-01-01 --until 2026-01-03 >"$T/out" 2>"$T/err" && rc=0 || rc=$?
cat "$T/out" "$T/err" >> "$LOG"
check "key and base URL from the config file" test "$rc" -eq 0
check "a world-readable config holding a key is warned about" grep -q "holds an API key and other users can read it" "$T/err"
chmod 600 "$XDG_CONFIG_HOME/aiusage/config.ini"
env -u ANTHROPIC_ADMIN_KEY -u ANTHROPIC_BASE_URL "$AIU_BIN" pull anthropic --db "$DB" \
  --since 2026-01-01 --until 2026-01-03 >"$T/out" 2>"$T/err" || true
cat "$T/out" "$T/err" >> "$LOG"
check "...and not once it is private" bash -c "! grep -q 'other users can read it' '$T/err'"
"$AIU_BIN" org --db "$DB" >> "$LOG" 2>&1
"$AIU_BIN" org --json --db "$DB" >> "$LOG" 2>&1
check "the admin key never appears in any output" bash -c "! grep -q TESTSECRET '$LOG'"
check "the admin key is not stored in the database" bash -c "! grep -q TESTSECRET '$DB'"
stop_fake
finish

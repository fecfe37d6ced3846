#!/usr/bin/env bash
# `aiusage pull cursor` against the fake Cursor API (tests/fake/fake_cursor.py):
# totals to the cent against the fake's own dataset, 30-day windows, every
# page, checkpoints (a second run fetches only what is new, via JSON pages),
# re-pulling an overlapping window adds nothing, 429/5xx are retried,
# malformed bodies and bad rows are named and do not lose other data, a
# SIGKILLed pull converges on re-run, and the key never appears in output.
source "$(dirname "$0")/lib.sh"
KEY="key_$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
FAKE="$AIU_SRC/tests/fake/fake_cursor.py"
PIDS=()
NOW_MS=$(( $(date +%s) * 1000 - 300000 ))   # every fake serves the same dataset
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; cleanup' EXIT

start_fake() { # start_fake NAME [args...]: sets PORT; dataset in $T/NAME.json, log in $T/NAME.log
  local name=$1; shift
  python3 "$FAKE" --key "$KEY" --dump "$T/$name.json" --log "$T/$name.log" --rate-window 3 --idle 60 --now-ms "$NOW_MS" "$@" > "$T/$name.port" &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$T/$name.port" ] && break; sleep 0.1; done
  read -r PORT _ < "$T/$name.port"
}
pull() { # pull DB PORT [args...]: stdout+stderr into $T/out.txt (appended to $T/all.txt)
  local db=$1 port=$2; shift 2
  local rc=0
  CURSOR_API_KEY="$KEY" CURSOR_BASE_URL="http://127.0.0.1:$port" aiu pull cursor --db "$db" "$@" > "$T/out.txt" 2>&1 || rc=$?
  cat "$T/out.txt" >> "$T/all.txt"
  return $rc
}
# totals DB: what the store holds, exactly (integers only)
totals() { python3 - "$1" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
q = lambda s: c.execute(s).fetchone()
print("events", *q("select count(*), coalesce(sum(cost_nusd),0), sum(input+output+cache_write+cache_read), sum(requests_e4) from cursor_events"))
print("daily", *q("select count(*), sum(accepted_lines_added), sum(tabs_accepted), sum(usage_based_reqs) from cursor_daily"))
print("commits", *q("select count(*), sum(lines_added), sum(tab_added) from cursor_commits"))
print("changes", *q("select count(*), sum(lines_added) from cursor_changes"))
print("spend", *q("select count(*), coalesce(sum(cents),0) from cursor_spend_daily"))
print("members", *q("select count(*) from cursor_members"))
PY
}
# expect DUMP: the same figures computed from the fake's dataset (Decimal, no floats)
expect() { python3 - "$1" <<'PY'
import json, sys
from decimal import Decimal
d = json.load(open(sys.argv[1]))
ev = d["events"]
cents = sum(Decimal(str(e["tokenUsage"]["totalCents"])) for e in ev if "tokenUsage" in e)
tok = sum(sum(e["tokenUsage"][k] for k in ("inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens")) for e in ev if "tokenUsage" in e)
req = sum(Decimal(str(e["requestsCosts"])) * 10000 for e in ev)
print("events", len(ev), int(cents * 10**7), tok, int(req))
dl = d["daily"]
print("daily", len(dl), sum(r["acceptedLinesAdded"] for r in dl), sum(r["totalTabsAccepted"] for r in dl), sum(r["usageBasedReqs"] for r in dl))
cm = d["commits"]
print("commits", len(cm), sum(r["totalLinesAdded"] for r in cm), sum(r["tabLinesAdded"] for r in cm))
ch = d["changes"]
print("changes", len(ch), sum(r["totalLinesAdded"] for r in ch))
print("spend", len(d["spend"]), sum(d["spend"].values()))
print("members", len(d["users"]))
PY
}

# --- first pull: backfill everything, totals to the cent
start_fake main --code-page-size 10
P_MAIN=$PORT
DB=$(db "$T/a.db")   # SQLite path or PostgreSQL URL
check "first pull succeeds" pull "$DB" "$P_MAIN" --backfill-days 120
EXP=$(expect "$T/main.json")
check "totals to the cent match the fake's dataset" [ "$(totals "$DB")" = "$EXP" ]
[ "$(totals "$DB")" = "$EXP" ] || { echo "got:"; totals "$DB"; echo "want:"; echo "$EXP"; }
check "the summary states the events' token cost exactly" grep -Eq 'events \([0-9]+ new, \$[0-9]+\.[0-9]{9} token cost\)' "$T/out.txt"
check "every daily/events request asks for at most 30 days" python3 - "$T/main.log" <<'PY'
import json, sys
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] in ("/teams/daily-usage-data", "/teams/filtered-usage-events"):
        b = json.loads(r["body"]); n += 1
        assert b["endDate"] - b["startDate"] <= 30 * 86400000, b
assert n >= 8, n
PY
check "events were fetched page after page" python3 - "$T/main.log" <<'PY'
import json, sys
pages = [json.loads(json.loads(l)["body"]).get("page") for l in open(sys.argv[1]) if '"/teams/filtered-usage-events"' in l]
assert max(pages) >= 3, pages
PY
check "emails are case-folded" python3 -c "
import storeq,sys; c=storeq.connect('$DB')
for t in ('cursor_events','cursor_daily','cursor_members','cursor_commits','cursor_spend_daily'):
    assert c.execute('select count(*) from %s where email != lower(email)' % t).fetchone()[0] == 0, t
assert c.execute('select count(distinct email) from cursor_daily').fetchone()[0] == 6"
check "first spend reading is labelled cycle_to_date" python3 -c "
import storeq; c=storeq.connect('$DB')
assert {r[0] for r in c.execute('select label from cursor_spend_daily')} == {'cycle_to_date'}"

# --- second pull: checkpoints, JSON pages, nothing added
: > "$T/main.log"
check "second pull succeeds" pull "$DB" "$P_MAIN"
check "second pull adds no rows" grep -q 'events (0 new' "$T/out.txt"
check "second pull keeps the totals" [ "$(totals "$DB")" = "$EXP" ]
check "second pull fetches only recent windows" python3 - "$T/main.log" <<'PY'
import json, sys, time
now = time.time() * 1000
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] == "/teams/daily-usage-data":
        assert now - json.loads(r["body"])["startDate"] < 4 * 86400000, r
PY
check "second pull uses the paged JSON commits endpoint" grep -q '"/analytics/ai-code/commits"' "$T/main.log"
check "JSON commits are read to the last page" python3 - "$T/main.log" <<'PY'
import json, sys
p = [int(json.loads(l)["query"]["page"]) for l in open(sys.argv[1]) if '"/analytics/ai-code/commits"' in l]
assert p == list(range(1, len(p) + 1)) and len(p) >= 2, p
PY

# --- third pull the same day: the JSON pages come back 304 Not Modified
: > "$T/main.log"
check "third pull succeeds" pull "$DB" "$P_MAIN"
check "unchanged JSON pages are not fetched again (If-None-Match, 304)" grep -Eq 'requests \([1-9][0-9]* not modified\)' "$T/out.txt"
check "If-None-Match carries the stored ETag" python3 - "$T/main.log" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if '"/analytics/ai-code/' in l]
assert r and all(x["inm"] and x["inm"].startswith('"') for x in r), r
PY
check "a 304 keeps the totals" [ "$(totals "$DB")" = "$EXP" ]

# --- overlapping window re-pulled explicitly
check "overlapping --since pull succeeds" pull "$DB" "$P_MAIN" --since "$(date -u -d '45 days ago' +%F)"
check "overlapping re-pull adds nothing" [ "$(totals "$DB")" = "$EXP" ]

# --- 429 with and without retry-after, 5xx: retried, same totals
start_fake flaky --faults "/teams/filtered-usage-events:429@2,/teams/daily-usage-data:500@1,/analytics/ai-code/commits.csv:429ra@1,/teams/spend:503@1"
DB2=$(db "$T/b.db")   # SQLite path or PostgreSQL URL
check "pull through 429/5xx succeeds" pull "$DB2" "$PORT" --backfill-days 120
check "retries are counted" grep -Eq ' [1-9][0-9]* retries' "$T/out.txt"
check "totals after retries match" [ "$(totals "$DB2")" = "$(expect "$T/flaky.json")" ]

# --- the 30-day limit is real: the fake rejects longer windows
check "fake rejects a 31-day window" python3 - "$PORT" "$KEY" <<'PY'
import base64, json, sys, urllib.request, urllib.error
rq = urllib.request.Request("http://127.0.0.1:%s/teams/daily-usage-data" % sys.argv[1],
    data=json.dumps({"startDate": 0, "endDate": 31 * 86400000}).encode(), method="POST",
    headers={"Authorization": "Basic " + base64.b64encode((sys.argv[2] + ":").encode()).decode()})
try:
    urllib.request.urlopen(rq); sys.exit(1)
except urllib.error.HTTPError as e:
    assert e.code == 400
PY

# --- malformed body and bad rows: named, the rest kept, a re-run converges
start_fake broken --faults "/teams/filtered-usage-events:malformed@3,/teams/daily-usage-data:badrow@1,/analytics/ai-code/commits.csv:badrow@2"
DB3=$(db "$T/c.db")   # SQLite path or PostgreSQL URL
if pull "$DB3" "$PORT" --backfill-days 120; then fail "a malformed body fails the pull"; else ok "a malformed body fails the pull"; fi
check "the malformed page is named" grep -q 'cursor events: cursor /teams/filtered-usage-events: malformed JSON' "$T/out.txt"
check "a bad daily row names row and field" grep -Eq 'daily-usage-data: row 1 \([^)]*\): field totalAccepts' "$T/out.txt"
check "a bad CSV row names the line" grep -Eq 'commits.csv: line [0-9]+ \(record 2\): field totalLinesAdded' "$T/out.txt"
check "other streams are stored" python3 -c "
import storeq; c=storeq.connect('$DB3')
assert c.execute('select count(*) from cursor_changes').fetchone()[0] > 0
assert c.execute('select count(*) from cursor_members').fetchone()[0] == 6"
# skipped bad rows do not hold the checkpoint back: re-pull their window with --since
check "re-run against a healthy server converges" pull "$DB3" "$P_MAIN" --since "$(date -u -d '110 days ago' +%F)"
check "converged totals match" [ "$(totals "$DB3")" = "$EXP" ]

# --- SIGKILL mid-pull, then re-run: converges, no duplicates
start_fake slow --delay 0.15
DB4=$(db "$T/d.db")   # SQLite path or PostgreSQL URL
aiu daily --db "$DB4" --no-sync > /dev/null   # the schema first: the kill lands in the pull
CURSOR_API_KEY="$KEY" CURSOR_BASE_URL="http://127.0.0.1:$PORT" "$AIU_BIN" pull cursor --db "$DB4" --backfill-days 120 > "$T/killed.txt" 2>&1 &
VICTIM=$!
# kill it once its first rows are committed (not after a fixed delay: a busy
# machine may not have committed anything yet), at most after 30 s
for _ in $(seq 150); do
  n=$(dbq "$DB4" "select (select count(*) from cursor_events) + (select count(*) from cursor_daily)" 2>/dev/null || true)
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.2
done
if kill -9 "$VICTIM" 2>/dev/null; then ok "the pull was killed mid-way"; else fail "the pull was killed mid-way"; fi
wait "$VICTIM" 2>/dev/null || true
check "the killed pull stored part of the data" python3 -c "
import storeq; c=storeq.connect('$DB4')
n = c.execute('select count(*) from cursor_events').fetchone()[0] + c.execute('select count(*) from cursor_daily').fetchone()[0]
assert n > 0, n"
check "re-run after SIGKILL succeeds" pull "$DB4" "$PORT" --backfill-days 120
check "re-run after SIGKILL converges to the full totals" [ "$(totals "$DB4")" = "$(expect "$T/slow.json")" ]

# --- auth failure and secrets
if CURSOR_API_KEY="key_wrong$KEY" CURSOR_BASE_URL="http://127.0.0.1:$P_MAIN" aiu pull cursor --db "$T/e.db" > "$T/out.txt" 2>&1; then
  fail "a wrong key fails"; else ok "a wrong key fails"; fi
cat "$T/out.txt" >> "$T/all.txt"
check "the 401 is reported" grep -q '401' "$T/out.txt"
check "a refused key stops the pull after the first stream" grep -q 'other streams not tried' "$T/out.txt"
check "the key never appears in any output" bash -c "[ -s '$T/all.txt' ] && ! grep -qF '${KEY#key_}' '$T/all.txt'"
if CURSOR_API_KEY= aiu pull cursor --db "$T/f.db" > "$T/out.txt" 2>&1; then fail "no key fails"; else ok "no key fails"; fi
check "no key names the variable" grep -q 'CURSOR_API_KEY' "$T/out.txt"
finish

#!/usr/bin/env bash
# /api/org/... with all three organisation sources: Anthropic (fake Admin
# API), Cursor (fake Cursor API: members, daily usage, usage events, AI code
# tracking commits) pulled by the real `aiusage pull`, and a claude.ai
# audit-log CSV imported by `aiusage import claude-ai`. Checks against
# independent computations from the fakes' datasets: the Cursor bill (usage
# events) per month next to the Anthropic bill (never mixed with estimates),
# seat charges from [seats], Cursor and claude.ai daily active people, Cursor
# accepted lines / tab accept rate and the AI share of committed lines.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
FA="$AIU_SRC/tests/fake/fake_anthropic.py"
FC="$AIU_SRC/tests/fake/fake_cursor.py"
AKEY="sk-ant-admin01-ORGC-$RANDOM$RANDOM"
CKEY="key_orgc$RANDOM$RANDOM"
PIDS=()
trap 'if [ -n "$SRV_PID" ]; then kill -TERM "$SRV_PID" 2>/dev/null || true; fi; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; cleanup' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 AIUSAGE_TODAY=2026-04-10
DB=$(db "$T/org.db")   # SQLite path or PostgreSQL URL
NOW_MS=$(python3 -c "import datetime; print(int(datetime.datetime(2026,4,10,12,tzinfo=datetime.timezone.utc).timestamp()*1000))")
python3 "$FA" --key "$AKEY" --idle 120 > "$T/a.port" &
PIDS+=($!)
python3 "$FC" --key "$CKEY" --idle 120 --days 60 --now-ms "$NOW_MS" --dump "$T/cursor.json" --rate-window 1 > "$T/c.port" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/a.port" ] && [ -s "$T/c.port" ] && break; sleep 0.1; done
read -r APORT _ < "$T/a.port"
read -r CPORT _ < "$T/c.port"
export ANTHROPIC_ADMIN_KEY="$AKEY" ANTHROPIC_BASE_URL="http://127.0.0.1:$APORT"
export CURSOR_API_KEY="$CKEY" CURSOR_BASE_URL="http://127.0.0.1:$CPORT"
mkdir -p "$XDG_CONFIG_HOME/aiusage"
printf '[seats]\ncursor = 4000\nclaude_ai = 3000\n' > "$XDG_CONFIG_HOME/aiusage/config.ini"

quiet() { "$@" > "$T/out" 2>&1 || { cat "$T/out"; return 1; }; }
check "anthropic pull succeeds" quiet "$AIU_BIN" pull anthropic --db "$DB" --since 2026-02-01 --until 2026-04-10
check "cursor pull succeeds" quiet "$AIU_BIN" pull cursor --db "$DB" --since 2026-02-01 --until 2026-04-10
python3 - "$T/cai.csv" <<'PY'
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address",
            "device_id", "user_agent", "client_platform"])
people = [("Ana O'Neil", "Ana@Corp.Example"), ("Zed", "zed@corp.example"), ("Yan", "YAN@corp.example")]
for i in range(90):
    name, email = people[i % 3]
    day = 1 + (i * 7) % 28
    actor = "{'name': %r, 'uuid': 'u-%d', 'metadata': {'email_address': '%s'}}" % (name, i % 3, email)
    w.writerow(["2026-03-%02dT10:%02d:00Z" % (day, i % 60), actor, "conversation_created", "{}",
                "{'type': 'chat_conversation', 'uuid': 'c-%d'}" % i, "10.0.0.1", "d", "None", "web"])
PY
check "claude.ai export imported" quiet "$AIU_BIN" import claude-ai "$T/cai.csv" --db "$DB"
check "server starts (scheduled pulls off: the store is fixed)" start_server --db "$DB" --listen 127.0.0.1:0 --no-watch --pull-interval off
if python3 - "$SRV_URL" "$AIU_SRC/data/openapi.json" "$AIU_SRC/tests/cli" "$AIU_SRC/tests/fake" "$T/cursor.json" "$T/cai.csv" > "$T/c.txt" 2>&1 <<'PY'
import csv, datetime as dt, json, sys
from decimal import Decimal as D
sys.path.insert(0, sys.argv[3]); sys.path.insert(0, sys.argv[4])
import api_check
from api_check import Api, check
import fake_anthropic as F
api = Api(sys.argv[1], sys.argv[2])
cur = json.load(open(sys.argv[5]))
FROM, TO = dt.date(2026, 3, 1), dt.date(2026, 4, 10)
Q = "?dateFrom=%s&dateTo=%s" % (FROM, TO)
def day_of(ms): return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).date()
def inwin(d): return FROM <= d <= TO
def nano(c): return int(D(c) * 10 ** 7)
def cents(n):
    s = "%s%d.%07d" % ("-" if n < 0 else "", abs(n) // 10 ** 7, abs(n) % 10 ** 7)
    s = s.rstrip("0")
    return s + "0" if s.endswith(".") else s
# Cursor bill: usage events that are chargeable (kind "Usage-based" when not sent), tokenUsage.totalCents
cb = {}
for e in cur["events"]:
    d = day_of(int(e["timestamp"]))
    if inwin(d) and e["kind"].lower().startswith("usage") and "tokenUsage" in e:
        m = d.strftime("%Y-%m")
        cb[m] = cb.get(m, 0) + nano(str(D(str(e["tokenUsage"]["totalCents"]))))
ab = {}
for d in F.days(FROM, TO):
    for c in F.cost_rows(d):
        ab[d.strftime("%Y-%m")] = ab.get(d.strftime("%Y-%m"), 0) + nano(c["amount"])
ov, _ = api_check.ok_and_valid(api, "/api/org/overview", "/api/org/overview" + Q, "overview")
if ov:
    got = {(m["month"], m["tool"]): m["billCents"] for m in ov["byMonth"]}
    want = {(k, "claude_api"): cents(v) for k, v in ab.items()}
    want.update({(k, "cursor"): cents(v) for k, v in cb.items()})
    check(got == want, "overview: Anthropic and Cursor bills per month equal the fakes' datasets",
          sorted(set(got.items()) ^ set(want.items())))
    check(nano(ov["billCents"]) == sum(ab.values()) + sum(cb.values()), "overview: bill = Anthropic + Cursor")
    seats = {s["tool"]: s for s in ov["seats"]}
    nmem = len(cur["users"])
    check(seats["cursor"]["seats"] == nmem and seats["cursor"]["months"] == 2 and
          nano(seats["cursor"]["seatCents"]) == nmem * 4000 * 2 * 10 ** 7,
          "overview: Cursor seats = members x [seats] cursor x months", seats.get("cursor"))
    check(seats["claude_ai"]["seats"] == 3 and nano(seats["claude_ai"]["seatCents"]) == 3 * 3000 * 2 * 10 ** 7,
          "overview: claude.ai seats = users in the export x [seats] claude_ai", seats.get("claude_ai"))
    check(nano(ov["totalCents"]) == nano(ov["billCents"]) + nano(ov["seatCents"]) and
          nano(ov["seatCents"]) == nano(seats["cursor"]["seatCents"]) + nano(seats["claude_ai"]["seatCents"]),
          "overview: total = bill + seats (estimates apart)")
ad, _ = api_check.ok_and_valid(api, "/api/org/adoption", "/api/org/adoption" + Q, "adoption")
if ad:
    want = {}
    for r in cur["daily"]:
        d = day_of(r["date"])
        if inwin(d) and r["isActive"]:
            want.setdefault(d.isoformat(), set()).add(r["email"].lower())
    got = {x["date"]: x["activeUsers"] for x in ad["daily"] if x["tool"] == "cursor"}
    check(got == {k: len(v) for k, v in want.items()}, "adoption: Cursor daily active people equal the dataset")
    cai = {}
    rows = list(csv.reader(open(sys.argv[6])))[1:]
    for r in rows:
        email = r[1].split("'email_address': '")[1].split("'")[0].lower()
        cai.setdefault(r[0][:10], set()).add(email)
    got = {x["date"]: x["activeUsers"] for x in ad["daily"] if x["tool"] == "claude_ai"}
    check(got == {k: len(v) for k, v in cai.items()}, "adoption: claude.ai daily active people equal the export")
    st = {s["tool"]: s for s in ad["seats"]}
    check(st["cursor"]["seats"] == len(cur["users"]) and st["cursor"]["seatPriceCents"] == "4000.0",
          "adoption: Cursor seats and price", st.get("cursor"))
pr, _ = api_check.ok_and_valid(api, "/api/org/productivity", "/api/org/productivity" + Q, "productivity")
if pr:
    dl = [r for r in cur["daily"] if inwin(day_of(r["date"]))]
    acc, shown, tacc = (sum(r[k] for r in dl) for k in ("acceptedLinesAdded", "totalTabsShown", "totalTabsAccepted"))
    c = pr["cursor"]
    check(c and c["acceptedLines"] == acc and c["tabsShown"] == shown and c["tabsAccepted"] == tacc and
          abs(c["tabAcceptRate"] - tacc / shown) < 1e-4, "productivity: Cursor accepted lines and tab accept rate", c)
    cm = [x for x in cur["commits"] if inwin(day_of(x["_ts"]))]
    tot, ai = sum(x["totalLinesAdded"] for x in cm), sum(x["tabLinesAdded"] + x["composerLinesAdded"] for x in cm)
    k = pr["commits"]
    check(k and k["totalLinesAdded"] == tot and k["aiLinesAdded"] == ai, "productivity: AI share of committed lines", (k, tot, ai))
cu, _ = api_check.ok_and_valid(api, "/api/org/overview", "/api/org/overview" + Q + "&tool=cursor", "overview tool=cursor")
check(cu and [t["tool"] for t in cu["byTool"]] == ["cursor"] and nano(cu["billCents"]) == sum(cb.values()),
      "overview: tool=cursor shows only the Cursor bill")
sys.exit(1 if api_check.FAILS else 0)
PY
then rc=0; else rc=1; fi
sed 's/^/  /' "$T/c.txt"
check "every check over the three sources passes" test $rc = 0
check "the server stops cleanly" stop_server
check "no key appears in the server's output" bash -c "! grep -q -e '$AKEY' -e '$CKEY' '$T/serve.out' '$T/serve.err'"
finish

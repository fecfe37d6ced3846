#!/usr/bin/env bash
# /api/org/... with all three organisation sources: Anthropic (fake Admin
# API), Cursor (fake Cursor API: members, daily usage, usage events, AI code
# tracking commits) pulled by the real `aiusage pull`, and a claude.ai
# audit-log CSV imported by `aiusage import claude-ai`. Checks against
# independent computations from the fakes' datasets: the Cursor bill (usage
# events) per month next to the Anthropic bill (never mixed with estimates),
# seat charges from [seats], Cursor and claude.ai daily active people, Cursor
# accepted lines / tab accept rate and the AI share of committed lines; per
# person and per team (people.csv): the Cursor bill to the cent, Cursor
# active days / accepted lines / seats and claude.ai events / active days
# (JSON, person page, CSV) and per person and day (the person's daily series:
# Cursor bill, active flag and lines, claude.ai events, adding up to the
# person's totals; its CSV); freshness rows for all three sources (last
# success, a partial claude.ai import as last failure, last data day, gaps),
# found even when 21 newer runs push them out of the 20 runs listed.
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
for _ in $(seq 300); do [ -s "$T/a.port" ] && [ -s "$T/c.port" ] && break; sleep 0.1; done
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
head -1 "$T/cai.csv" > "$T/bad.csv"
echo 'not-a-date,"{}",conversation_created,{},{},x,d,None,web' >> "$T/bad.csv"
bad_import() { ! "$AIU_BIN" import claude-ai "$T/bad.csv" --db "$DB" > "$T/out" 2>&1; }
check "an export with a bad row is reported (exit 1), recorded as a partial run" bad_import
check "claude.ai export imported" quiet "$AIU_BIN" import claude-ai "$T/cai.csv" --db "$DB"
# 21 later runs push the import out of the 20 runs listed; freshness still finds it
many_pulls() { for _ in $(seq 21); do "$AIU_BIN" pull anthropic --db "$DB" --since 2026-04-09 --until 2026-04-09 > /dev/null 2>&1 || return 1; done; }
check "21 more Anthropic pulls (one day each)" many_pulls
# teams: the first three Cursor members (one in upper case) and zed (claude.ai) form "Alpha"
python3 - "$T/cursor.json" "$T/people.csv" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))["users"]
rows = ["email,name,team,key names"] + ["%s,,Alpha," % (x["email"].upper() if i == 0 else x["email"])
                                        for i, x in enumerate(u[:3])] + ["zed@corp.example,,Alpha,"]
open(sys.argv[2], "w").write("\n".join(rows) + "\n")
PY
check "people.csv (teams) imported" quiet "$AIU_BIN" org --db "$DB" --people "$T/people.csv" --json
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
# Per person / team: Cursor bill (usage events) and activity, claude.ai activity
pc, cai_p = {}, {}
for e in cur["events"]:
    d = day_of(int(e["timestamp"]))
    if inwin(d) and e["kind"].lower().startswith("usage") and "tokenUsage" in e:
        em = e["userEmail"].lower()
        pc.setdefault(em, {"bill": 0, "days": set(), "acc": 0})["bill"] += nano(str(D(str(e["tokenUsage"]["totalCents"]))))
for r in cur["daily"]:
    d = day_of(r["date"])
    if inwin(d):
        x = pc.setdefault(r["email"].lower(), {"bill": 0, "days": set(), "acc": 0})
        x["acc"] += r["acceptedLinesAdded"]
        if r["isActive"]:
            x["days"].add(d)
for r in list(csv.reader(open(sys.argv[6])))[1:]:
    em = r[1].split("'email_address': '")[1].split("'")[0].lower()
    x = cai_p.setdefault(em, {"events": 0, "days": set()})
    x["events"] += 1
    x["days"].add(r[0][:10])
members = {u["email"].lower() for u in cur["users"] if not u["isRemoved"]}
pe, _ = api_check.ok_and_valid(api, "/api/org/people", "/api/org/people" + Q, "people")
if pe:
    rows = {p["email"]: p for p in pe["people"]}
    got = {k: (v["cursor"]["billCents"], v["cursor"]["activeDays"], v["cursor"]["acceptedLines"])
           for k, v in rows.items() if k in pc}
    want = {k: (cents(v["bill"]), len(v["days"]), v["acc"]) for k, v in pc.items()}
    check(got == want, "people: each person's Cursor bill (to the cent), active days and accepted lines equal the dataset",
          sorted(set(got.items()) ^ set(want.items()))[:6])
    check(len(pc) > 3 and sum(v["bill"] for v in pc.values()) == sum(cb.values()),
          "people: the Cursor bill per person adds up to the Cursor bill of the window")
    check({k for k, v in rows.items() if v["cursor"]["seat"]} == members, "people: Cursor seat holders = the members")
    got = {k: (v["claudeAi"]["events"], v["claudeAi"]["activeDays"]) for k, v in rows.items() if v["claudeAi"]["events"]}
    want = {k: (v["events"], len(v["days"])) for k, v in cai_p.items()}
    check(got == want, "people: claude.ai events and active days per person equal the export", (got, want))
    check(all(v["cursor"]["billCents"] == "0.0" and v["claudeAi"]["events"] == 0 and v["cursor"]["activeDays"] == 0
              for k, v in rows.items() if k not in pc and k not in cai_p),
          "people: people without Cursor / claude.ai activity show zeros")
    ppl = [k for k in sorted(pc) if pc[k]["bill"] and k != "ana@corp.example"][:1] + ["ana@corp.example", "zed@corp.example"]
    # per person and day, every source (the daily series of /api/org/people/{email})
    pcd, caid = {}, {}
    def cday(em, d):
        return pcd.setdefault((em, d.isoformat()), {"billCents": 0, "active": False, "acceptedLines": 0, "linesAdded": 0})
    for e in cur["events"]:
        d = day_of(int(e["timestamp"]))
        if inwin(d):
            x = cday(e["userEmail"].lower(), d)
            if e["kind"].lower().startswith("usage") and "tokenUsage" in e:
                x["billCents"] += nano(str(D(str(e["tokenUsage"]["totalCents"]))))
    for r in cur["daily"]:
        d = day_of(r["date"])
        if inwin(d):
            x = cday(r["email"].lower(), d)
            x["active"] = x["active"] or bool(r["isActive"])
            x["acceptedLines"] += r["acceptedLinesAdded"]
            x["linesAdded"] += r["totalLinesAdded"]
    for c in cur["commits"]:
        if inwin(day_of(c["_ts"])):
            cday(c["userEmail"].lower(), day_of(c["_ts"]))
    for r in list(csv.reader(open(sys.argv[6])))[1:]:
        k = (r[1].split("'email_address': '")[1].split("'")[0].lower(), r[0][:10])
        caid[k] = caid.get(k, 0) + 1
    for em in ppl:
        one, _ = api_check.ok_and_valid(api, "/api/org/people/{email}", "/api/org/people/%s%s" % (em, Q), "person " + em)
        check(one and one["person"] == rows.get(em), "person %s: the page's figures equal the people row" % em)
        if not one:
            continue
        dl = one["daily"]
        got = {x["date"]: dict(x["cursor"], billCents=nano(x["cursor"]["billCents"])) for x in dl if x["cursor"]}
        want = {d: v for (e, d), v in pcd.items() if e == em}
        check(got == want, "person %s: daily Cursor bill (to the cent), active flag, accepted and added lines equal the dataset" % em,
              sorted(set(got) ^ set(want))[:4] or [(k, got[k], want.get(k)) for k in sorted(got) if got[k] != want.get(k)][:3])
        got = {x["date"]: x["claudeAi"]["events"] for x in dl if x["claudeAi"]}
        want = {d: n for (e, d), n in caid.items() if e == em}
        check(got == want, "person %s: daily claude.ai events equal the export" % em, (got, want))
        check(all(("cursor" in x["sources"]) == (x["cursor"] is not None) and
                  ("claude_ai" in x["sources"]) == (x["claudeAi"] is not None) and
                  ("anthropic" in x["sources"]) == (x["claudeCode"] is not None or nano(x["billCents"]) != 0 or x["tokens"] != 0)
                  for x in dl) and [x["date"] for x in dl] == sorted({x["date"] for x in dl}) and all(x["sources"] for x in dl),
              "person %s: each day lists its sources, one row a day, oldest first" % em)
        pr_ = one["person"]
        cs = [x["cursor"] for x in dl if x["cursor"]]
        check(sum(nano(x["billCents"]) for x in dl) == nano(pr_["billCents"]) and
              sum(x["tokens"] for x in dl) == pr_["tokens"] and
              sum(nano(c["billCents"]) for c in cs) == nano(pr_["cursor"]["billCents"]) and
              sum(c["active"] for c in cs) == pr_["cursor"]["activeDays"] and
              sum(c["acceptedLines"] for c in cs) == pr_["cursor"]["acceptedLines"] and
              sum(x["claudeAi"]["events"] for x in dl if x["claudeAi"]) == pr_["claudeAi"]["events"] and
              sum(1 for x in dl if x["claudeAi"] and x["claudeAi"]["events"]) == pr_["claudeAi"]["activeDays"] and
              all(x["claudeCode"] is None or x["claudeCode"]["isEstimate"] is True for x in dl),
              "person %s: the daily series adds up to the person's totals, source by source" % em)
        st, h, raw = api.req("/api/org/people/%s%s&format=csv" % (em, Q))
        crow = list(csv.DictReader(raw.decode().splitlines()))
        def csv_of(x):
            c, a, cc = x["cursor"] or {}, x["claudeAi"] or {}, x["claudeCode"] or {}
            s = lambda v: "" if v is None else str(v)
            return {"date": x["date"], "sources": ";".join(x["sources"]), "billCents": x["billCents"],
                    "tokens": str(x["tokens"]), "ccSessions": s(cc.get("sessions")),
                    "ccLinesAdded": s(cc.get("linesAdded")), "ccCommits": s(cc.get("commits")),
                    "ccEstimatedCostCents": s(cc.get("estimatedCostCents")),
                    "cursorBillCents": s(c.get("billCents")),
                    "cursorActive": "" if not c else str(int(c["active"])),
                    "cursorAcceptedLines": s(c.get("acceptedLines")), "cursorLinesAdded": s(c.get("linesAdded")),
                    "claudeAiEvents": s(a.get("events"))}
        check(st == 200 and crow == [csv_of(x) for x in dl],
              "person %s: the daily CSV has the same rows, every source (empty cells where a source has no row)" % em,
              (crow[:1], [csv_of(x) for x in dl][:1]))
    st, h, raw = api.req("/api/org/people" + Q + "&format=csv")
    crow = list(csv.DictReader(raw.decode().splitlines()))
    byem = {r["email"]: r for r in crow}
    check(st == 200 and all(byem.get(k, {}).get("cursorBillCents") == cents(v["bill"]) and
                            byem[k]["cursorActiveDays"] == str(len(v["days"])) and
                            byem[k]["cursorAcceptedLines"] == str(v["acc"]) for k, v in pc.items()) and
          all(byem.get(k, {}).get("claudeAiEvents") == str(v["events"]) and
              byem[k]["claudeAiActiveDays"] == str(len(v["days"])) for k, v in cai_p.items()),
          "people CSV: Cursor and claude.ai columns equal the dataset")
tm, _ = api_check.ok_and_valid(api, "/api/org/teams", "/api/org/teams" + Q, "teams")
if tm and pe:
    alpha = {u["email"].lower() for u in cur["users"][:3]} | {"zed@corp.example"}
    ta = {x["team"]: x for x in tm["teams"]}.get("Alpha") or {"cursor": {}, "claudeAi": {}}
    z = {"bill": 0, "days": set(), "acc": 0}
    ca = ta["cursor"]
    check(ta.get("people") == 4 and
          nano(ca.get("billCents", "0")) == sum(pc.get(k, z)["bill"] for k in alpha) and
          ca.get("activeDays") == sum(len(pc.get(k, z)["days"]) for k in alpha) and
          ca.get("acceptedLines") == sum(pc.get(k, z)["acc"] for k in alpha) and
          ca.get("seats") == len(alpha & members) and
          ta["claudeAi"].get("events") == sum(cai_p[k]["events"] for k in alpha if k in cai_p) and
          ta["claudeAi"].get("activeDays") == sum(len(cai_p[k]["days"]) for k in alpha if k in cai_p),
          "teams: team Alpha's Cursor bill (to the cent), seats, activity and claude.ai activity", ta)
    check({p["email"] for p in pe["people"] if p["team"] == "Alpha"} == alpha, "people: Alpha's members", alpha)
if tm:
    t = lambda f: sum(f(x) for x in tm["teams"])
    check(t(lambda x: nano(x["cursor"]["billCents"])) == sum(cb.values()) and
          t(lambda x: x["cursor"]["seats"]) == len(members) and
          t(lambda x: x["cursor"]["acceptedLines"]) == sum(v["acc"] for v in pc.values()) and
          t(lambda x: x["cursor"]["activeDays"]) == sum(len(v["days"]) for v in pc.values()) and
          t(lambda x: x["claudeAi"]["events"]) == 90 and
          t(lambda x: x["claudeAi"]["activeDays"]) == sum(len(v["days"]) for v in cai_p.values()),
          "teams: Cursor bill, seats, activity and claude.ai activity sum to the datasets", tm["teams"])
fr, _ = api_check.ok_and_valid(api, "/api/org/freshness", "/api/org/freshness" + Q, "freshness")
if fr:
    src = {x["source"]: x for x in fr["sources"]}
    check(len(fr["runs"]) == 20 and all(r["source"] == "anthropic" for r in fr["runs"]),
          "freshness: the 20 newest runs are listed (all Anthropic here)", [r["source"] for r in fr["runs"]])
    check(sorted(src) == ["anthropic", "claude_ai", "cursor"], "freshness: a row for each of the three sources", sorted(src))
    for name, rows_min in (("anthropic", 1), ("cursor", 1), ("claude_ai", 90)):
        x = src.get(name) or {}
        lr = x.get("lastRun") or {}
        check(x.get("lastSuccess") and lr.get("status") == "ok" and lr.get("source") == name and
              lr.get("rows", 0) >= rows_min and
              (x.get("lastFailure") is None if name != "claude_ai" else
               x.get("lastFailure", {}).get("status") == "partial" and "1 bad rows" in x["lastFailure"]["error"]),
              "freshness: %s has its last successful run" % name, x)
    cdays = sorted(day_of(r["date"]) for r in cur["daily"] if inwin(day_of(r["date"])))
    c = src.get("cursor") or {}
    check(c.get("lastDataDay") == cdays[-1].isoformat() and c.get("gaps") == [],
          "freshness: Cursor last data day and no gaps", (c.get("lastDataDay"), c.get("gaps")))
    a = src.get("claude_ai") or {}
    have = sorted({dt.date.fromisoformat(k) for k in cai})
    want_gaps, g = [], None
    d = FROM
    while d <= dt.date(2026, 4, 9):
        if d not in have and g is None:
            g = d
        if d in have and g is not None:
            want_gaps.append({"from": g.isoformat(), "to": (d - dt.timedelta(1)).isoformat()}); g = None
        d += dt.timedelta(1)
    if g is not None:
        want_gaps.append({"from": g.isoformat(), "to": "2026-04-09"})
    check(a.get("lastDataDay") == have[-1].isoformat() and a.get("gaps") == want_gaps,
          "freshness: claude.ai last data day and gaps (days without events)", (a.get("lastDataDay"), a.get("gaps")))
sys.exit(1 if api_check.FAILS else 0)
PY
then rc=0; else rc=1; fi
sed 's/^/  /' "$T/c.txt"
check "every check over the three sources passes" test $rc = 0
check "the server stops cleanly" stop_server
check "no key appears in the server's output" bash -c "! grep -q -e '$AKEY' -e '$CKEY' '$T/serve.out' '$T/serve.err'"
finish

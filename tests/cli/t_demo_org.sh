#!/usr/bin/env bash
# `aiusage demo --org` (newcomer check): fills the organisation demo into the
# demo database through the store ops the pulls use; `serve --demo` then
# answers every /api/org/ page with data (schema-valid, people in three
# teams, attributed and unattributed spend, adoption, productivity, cost by
# workspace including Default, a successful run in freshness), the bill
# allocation sums to the bill, Cursor and claude.ai show in adoption (seats,
# an idle seat, daily actives), productivity (lines, tabs, AI share of
# commits), the overview bill and the runs, and re-running the demo adds
# nothing.
# aiu-test: sqlite-only (the demo database is a SQLite file)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
export AIUSAGE_TODAY=2026-03-31
check "demo --org succeeds" bash -c "'$AIU_BIN' demo --org > '$T/demo.out' 2>&1"
check "...and says what it filled" grep -q "^Organisation demo: 12 people" "$T/demo.out"
check "serve --demo starts" start_server --demo --listen 127.0.0.1:0 --no-watch
pages() {
  python3 - "$SRV_URL" "$AIU_SRC/data/openapi.json" "$AIU_SRC/tests/cli" "$1" <<'EOF2'
import sys
sys.path.insert(0, sys.argv[3])
import api_check
from api_check import Api, check
api = Api(sys.argv[1], sys.argv[2])
Q = "?dateFrom=2026-02-01&dateTo=2026-03-31"
d = {}
for ep in ("overview", "people", "teams", "adoption", "productivity", "cost", "freshness"):
    d[ep], _ = api_check.ok_and_valid(api, "/api/org/" + ep, "/api/org/" + ep + Q, ep)
p, _ = api_check.ok_and_valid(api, "/api/org/people/{email}", "/api/org/people/Ana.Lopez@demo.example" + Q, "person")
from decimal import Decimal as D
import json
bill = D(d["overview"]["billCents"])
bytool = {x["tool"]: D(x["billCents"]) for x in d["overview"]["byTool"]}
api_bill = bytool.get("claude_api", D(0))  # people, teams and cost allocate the Anthropic bill
check(bill > 0 and len({x["month"] for x in d["overview"]["byMonth"]}) == 2, "overview: a bill in both months")
check(len(d["people"]["people"]) == 12 and D(d["people"]["unattributed"]["billCents"]) > 0,
      "people: 12 people and unattributed spend")
check(sum(D(x["billCents"]) for x in d["people"]["people"]) + D(d["people"]["unattributed"]["billCents"]) == api_bill,
      "people: shares + unattributed = the bill")
check(sorted(t["team"] for t in d["teams"]["teams"]) == ["Core", "Platform", "Research"], "teams: three teams")
check(len(d["adoption"]["daily"]) > 50 and d["adoption"]["seats"], "adoption: daily actives and seats")
check(d["productivity"]["claudeCode"]["linesAdded"] > 0, "productivity: Claude Code lines")
check([w["name"] for w in d["cost"]["byWorkspace"] if w["workspaceId"] == ""] == ["Default"] and
      sum(D(w["billCents"]) for w in d["cost"]["byWorkspace"]) == api_bill, "cost: workspaces incl. Default sum to the bill")
check(d["freshness"]["sources"][0]["lastSuccess"] is not None, "freshness: a successful run")
# Cursor and claude.ai (demo_org_tools.c)
seats = {x["tool"]: x for x in d["adoption"]["seats"]}
check("cursor" in seats and seats["cursor"]["seats"] == 8 and
      seats["cursor"]["idleSeats"] == ["kim.ross@demo.example"], "adoption: Cursor seats (removed member left out) with an idle seat")
check("claude_ai" in seats and seats["claude_ai"]["active"] == 8, "adoption: claude.ai users")
dtools = {x["tool"] for x in d["adoption"]["daily"]}
check({"cursor", "claude_ai"} <= dtools, "adoption: daily actives for Cursor and claude.ai")
cur, com = d["productivity"]["cursor"], d["productivity"]["commits"]
check(cur is not None and 0 < cur["acceptedLines"] <= cur["suggestedLines"] and
      0 < cur["tabsAccepted"] <= cur["tabsShown"], "productivity: Cursor lines and tabs")
check(com is not None and 0 < com["aiLinesAdded"] <= com["totalLinesAdded"], "productivity: AI share of commits")
check(bytool.get("cursor", 0) > 0 and bytool.get("claude_api", 0) > 0 and sum(bytool.values()) == bill,
      "overview: Cursor and Anthropic bills sum to the bill")
runs = {x["source"] for x in d["freshness"]["runs"]}
check({"anthropic", "cursor", "claude_ai"} <= runs, "freshness: runs for all three sources")
tot = [str(bill), str(bytool.get("cursor")), json.dumps(cur, sort_keys=True), json.dumps(com, sort_keys=True),
       json.dumps(sorted((x["tool"], x["seats"], x["active"]) for x in d["adoption"]["seats"]))]
check(p and p["daily"] and p["keys"][0]["via"] == "creator", "person page: daily figures and keys")
open(sys.argv[4], "w").write("\n".join(tot) + "\n")
sys.exit(1 if api_check.FAILS else 0)
EOF2
}
if pages "$T/bill1" > "$T/p1.txt" 2>&1; then rc=0; else rc=1; fi
sed 's/^/  /' "$T/p1.txt"
check "every org page has data" test $rc = 0
check "the server stops cleanly" stop_server
check "demo --org again succeeds" bash -c "'$AIU_BIN' demo --org > /dev/null 2>&1"
check "serve --demo starts again" start_server --demo --listen 127.0.0.1:0 --no-watch
pages "$T/bill2" > "$T/p2.txt" 2>&1 || true
check "re-running the demo adds nothing (same bill, Cursor and claude.ai totals)" cmp -s "$T/bill1" "$T/bill2"
check "the server stops cleanly" stop_server
finish

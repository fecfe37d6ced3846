#!/usr/bin/env bash
# The reporting views (migration 6, docs/VIEWS.md) against the CLI's own
# figures on one store filled from every source: the fake Anthropic Admin
# API, the fake Cursor API, a claude.ai export and the Claude Code corpus.
# Totals must agree exactly (integer nano-dollars, tokens, counts), the bill
# and the estimates must stay apart (no row is both), and nothing is counted
# twice.
# Runs on both backends (pg_cli_t_views: the PostgreSQL views of step 6).
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$T/v.db"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000
start() { # start NAME SCRIPT ARGS...: sets PORT
  local name=$1 script=$2; shift 2
  python3 "$AIU_SRC/tests/fake/$script" "$@" > "$T/$name.port" &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$T/$name.port" ] && break; sleep 0.1; done
  read -r PORT _ < "$T/$name.port"
}

AKEY="sk-ant-admin01-VIEWS-$RANDOM$RANDOM"
start anth fake_anthropic.py --key "$AKEY" --idle 60
ANTHROPIC_ADMIN_KEY="$AKEY" ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" \
  check "pull anthropic" aiu pull anthropic --db "$DB" --since 2026-01-01 --until 2026-02-28 -q
CKEY="key_views_$RANDOM$RANDOM"
start cur fake_cursor.py --key "$CKEY" --dump "$T/cursor.json" --idle 60 --rate-window 1 \
  --now-ms $(( $(date +%s) * 1000 - 300000 ))
CURSOR_API_KEY="$CKEY" CURSOR_BASE_URL="http://127.0.0.1:$PORT" \
  check "pull cursor" aiu pull cursor --db "$DB" --backfill-days 120 -q
python3 - "$T/cai.csv" <<'PY'
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address",
            "device_id", "user_agent", "client_platform"])
people = ["ana@corp.example", "bob@corp.example", "chen@corp.example"]
for i in range(90):
    w.writerow(["2026-01-%02dT10:%02d:00Z" % (1 + i % 28, i % 60),
                "{'name': 'P%d', 'uuid': 'u-%d', 'metadata': {'email_address': '%s'}}" % (i % 3, i % 3, people[i % 3]),
                ["conversation_created", "file_uploaded", "project_created"][i % 3], "{}",
                "{'type': 'chat_conversation', 'uuid': 'c-%d'}" % i, "", "", "", ["web", "ios", ""][i % 3]])
PY
check "import claude.ai" aiu import claude-ai "$T/cai.csv" --db "$DB" -q
if aiu daily --json --tz UTC --db "$DB" --claude-dir "$CC_CORPUS" -o asc > "$T/daily.json"; then
  ok "sync the Claude Code corpus"; else fail "sync the Claude Code corpus"; fi
aiu session --json --tz UTC --no-sync --db "$DB" > "$T/session.json"
aiu org --json --db "$DB" --since 2026-01-01 --until 2026-02-28 > "$T/org.json"

python3 - "$(db "$DB")" "$T" <<'PY' > "$T/checks.txt"
import json, storeq, sys
from decimal import Decimal as D
db, t = sys.argv[1], sys.argv[2]
c = storeq.connect(db)
q = lambda s, *a: c.execute(s, a).fetchone()
org = json.load(open(t + "/org.json"))
daily = json.load(open(t + "/daily.json"))
sess = json.load(open(t + "/session.json"))
cur = json.load(open(t + "/cursor.json"))
def eq(name, a, b):
    print(("ok" if a == b else "FAIL") + " %s: view %r cli %r" % (name, a, b))
# bill vs estimate kept apart
eq("every cost row is bill xor estimate", q("select count(*) from v_daily_cost where not ((is_estimate = 0 and cost_kind = 'bill') or (is_estimate = 1 and cost_kind = 'estimate'))")[0], 0)
bill = q("select sum(cost_nano) from v_daily_cost where tool = 'anthropic_api' and is_estimate = 0")[0]
eq("anthropic bill (cents)", D(bill) / 10**7, D(org["bill"]["totalCents"]))
by_model = {r[0]: D(r[1]) / 10**7 for r in c.execute("select model, sum(cost_nano) from v_daily_cost where tool = 'anthropic_api' group by model")}
cli_model = {}
for m in org["bill"]["byModel"]:   # the CLI names model-less lines by cost type: "(web_search)"
    k = "" if m["key"].startswith("(") else m["key"]
    cli_model[k] = cli_model.get(k, 0) + D(m["cents"])
eq("anthropic bill by model", {k: v for k, v in by_model.items() if v}, {k: v for k, v in cli_model.items() if v})
est = q("select sum(cost_nano) from v_daily_cost where tool = 'claude_code' and is_estimate = 1")[0]
eq("claude code estimate (cents)", D(est) / 10**7, D(org["claudeCode"]["estimatedCostCents"]))
eq("claude code estimate never billed", q("select count(*) from v_daily_cost where tool = 'claude_code' and is_estimate = 0")[0], 0)
cc = org["claudeCode"]
eq("claude code org lines/sessions/commits/prs/accepted/rejected",
   q("select sum(lines_added), sum(lines_removed), sum(sessions), sum(commits), sum(pull_requests), sum(edits_accepted), sum(edits_rejected), count(*) from v_claude_code_org_daily"),
   (cc["linesAdded"], cc["linesRemoved"], cc["sessions"], cc["commits"], cc["pullRequests"], cc["toolAccepted"], cc["toolRejected"], cc["records"]))
eq("claude code org est = cost view est", q("select sum(est_cost_nano) from v_claude_code_org_daily")[0], est)
# Cursor: bill (spend) and estimate (token cost) against the fake's dataset
eq("cursor spend (cents)", q("select sum(cost_nano) from v_daily_cost where tool = 'cursor' and is_estimate = 0")[0], sum(cur["spend"].values()) * 10**7)
ev_cents = sum(D(str(e["tokenUsage"]["totalCents"])) for e in cur["events"] if "tokenUsage" in e)
eq("cursor token cost estimate (nano)", q("select sum(cost_nano) from v_daily_cost where tool = 'cursor' and is_estimate = 1")[0], int(ev_cents * 10**7))
dl = cur["daily"]
eq("cursor daily rows/accepted lines/tabs accepted",
   q("select count(*), sum(accepted_lines_added), sum(tabs_accepted) from v_cursor_daily_activity"),
   (len(dl), sum(r["acceptedLinesAdded"] for r in dl), sum(r["totalTabsAccepted"] for r in dl)))
cm = [r for r in cur["commits"]]
eq("commits: count, lines, ai lines",
   q("select sum(commits), sum(lines_added), sum(tab_lines_added), sum(composer_lines_added) from v_ai_share_of_commits"),
   (q("select count(*) from cursor_commits where commit_ts > 0")[0], sum(r["totalLinesAdded"] for r in cm),
    sum(r["tabLinesAdded"] for r in cm), sum(r["composerLinesAdded"] for r in cm)))
eq("ai + other lines = all lines", q("select sum(ai_lines_added + other_lines_added) - sum(lines_added) from v_ai_share_of_commits")[0], 0)
# claude.ai
eq("claude.ai events and people", q("select sum(events), count(distinct person) from v_claude_ai_activity"), (90, 3))
eq("claude.ai events by platform", dict(c.execute("select client_platform, sum(events) from v_claude_ai_activity group by 1").fetchall()), {"web": 30, "ios": 30, "": 30})
# local Claude Code: the CLI's daily and session reports (UTC days)
tot = daily["totals"]
eq("claude code local totals", q("select sum(requests), sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_read_tokens), sum(total_tokens) from v_claude_code_daily"),
   (tot["requests"], tot["inputTokens"], tot["outputTokens"], tot["cacheCreationTokens"], tot["cacheReadTokens"], tot["totalTokens"]))
per_day = {r[0]: r[1] for r in c.execute("select day, sum(total_tokens) from v_claude_code_daily group by day")}
eq("claude code local tokens per day", per_day, {d["date"]: d["totalTokens"] for d in daily["daily"]})
vs = {r[0]: (r[1], r[2]) for r in c.execute("select session, total_tokens, requests from v_claude_code_sessions where requests > 0")}
eq("claude code sessions", vs, {s["sessionId"]: (s["totalTokens"], s["requests"]) for s in sess["sessions"]})
# people and teams
eq("v_people = org_people", q("select count(*) from v_people")[0], q("select count(*) from org_people")[0])
eq("team joins do not multiply rows", q("select count(*) from v_daily_cost")[0],
   q("select (select count(*) from (select day, model from anth_cost group by day, model) a) + (select count(*) from (select to_day, email from cursor_spend_daily group by 1, 2) b) + (select count(*) from (select day, case when actor_type = 'user' then actor else '' end, model from anth_cc_models group by 1, 2, 3) c) + (select count(*) from (select ts / 86400000, email, coalesce(model, '') from cursor_events group by 1, 2, 3) d)")[0])
PY
# The Metabase cards' SQL runs on these views: provision a fake Metabase,
# then run every card with its filters unset and set (as Metabase
# substitutes them), and compare two cards with the CLI's figures.
MBPW="pw-$RANDOM$RANDOM"
start mb fake_metabase.py --password "$MBPW" --idle 60
check "provision the fake Metabase" aiu metabase provision --db "$DB" --metabase-url "http://127.0.0.1:$PORT" \
  --metabase-user admin@example.com --metabase-password "$MBPW" -q
python3 - "http://127.0.0.1:$PORT/__state" "$(db "$DB")" "$T/org.json" <<'PY' >> "$T/checks.txt"
import json, re, storeq, sys, urllib.request
from decimal import Decimal as D
st = json.load(urllib.request.urlopen(sys.argv[1]))
c = storeq.connect(sys.argv[2])
org = json.load(open(sys.argv[3]))
vals = {"start_date": "'2026-01-01'", "end_date": "'2026-01-31'", "person": "'ana@corp.example'",
        "team": "'eng'", "budget_usd": "10000"}
def render(q, fill):
    q = re.sub(r"\[\[(.*?)\]\]", (lambda m: m.group(1)) if fill else "", q)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: vals[m.group(1)], q)
bad, results = [], {}
for card in st["cards"].values():
    q = card["dataset_query"]["native"]["query"]
    for fill in (False, True):
        try:
            rows = c.execute(render(q, fill)).fetchall()
            if not fill:
                results[card["name"]] = rows
        except Exception as e:   # sqlite3.Error, or psql's error on PostgreSQL
            bad.append("%s (filters %s): %s" % (card["name"], "set" if fill else "unset", e))
print(("ok" if not bad and len(st["cards"]) == 21 else "FAIL") + " all %d card queries run with filters unset and set: %s" % (len(st["cards"]), bad))
bill = D(org["bill"]["totalCents"]) / 100
cursor = D(c.execute("select sum(cents) from cursor_spend_daily").fetchone()[0]) / 100
got = D(str(results["Billed spend (USD)"][0][0]))
print(("ok" if got == round(bill + cursor, 2) else "FAIL") + " card 'Billed spend' = org bill + Cursor spend: %s vs %s" % (got, round(bill + cursor, 2)))
tok = results["Claude Code tokens"][0][0]
print(("ok" if tok == json.load(open(sys.argv[3].replace("org.json", "daily.json")))["totals"]["totalTokens"] else "FAIL") + " card 'Claude Code tokens' = daily totals: %s" % tok)
PY
while read -r status rest; do
  if [ "$status" = ok ]; then ok "$rest"; else fail "$rest"; fi
done < "$T/checks.txt"
check "the checks ran" test "$(wc -l < "$T/checks.txt")" -eq 22
finish

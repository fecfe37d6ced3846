#!/usr/bin/env bash
# The newcomer path: `aiusage run` with no Claude Code data says so and
# offers the demo; the demo fills its own database and every report works;
# then run serves the dashboard on that store and prints its URL.
# (--exit-after-ms is a test hook: the server stops by itself after N ms.)
source "$(dirname "$0")/lib.sh"
SRV=
trap 'if [ -n "$SRV" ]; then kill -TERM "$SRV" 2>/dev/null || true; fi; cleanup' EXIT
aiu run < /dev/null > "$T/run.txt"
check "run without data says so" grep -q "No Claude Code transcripts found" "$T/run.txt"
check "run without data offers the demo" grep -q "aiusage demo" "$T/run.txt"
no_default_store() { ! default_store_exists; }
check "run without data creates no default database" no_default_store
check "run without data (declined) serves nothing" bash -c "! grep -q 'serving http' '$T/run.txt'"

# wait_url FILE: waits for the "serving" line, prints the URL
wait_url() {
  for _ in $(seq 1 600); do
    if grep -q '^aiusage: serving ' "$1"; then sed -n 's/^aiusage: serving //p' "$1"; return 0; fi
    sleep 0.05
  done
  return 1
}
overview() { python3 -c "import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + 'api/analytics/overview', timeout=10))['data']['$2'])" "$1"; }

# The demo always fills its own SQLite file (demo.db) by design, so this part
# tests SQLite on both backends: the PostgreSQL guard is lifted for it only.
demo_aiu() { env -u AIU_TEST_REQUIRE_PG "$AIU_BIN" "$@"; }
env -u AIU_TEST_REQUIRE_PG "$AIU_BIN" run --yes --listen 127.0.0.1:0 --exit-after-ms 20000 < /dev/null > "$T/run2.txt" &
SRV=$!
URL=$(wait_url "$T/run2.txt") || true
check "run --yes loads the demo" grep -q "Demo database:" "$T/run2.txt"
check "run --yes shows the daily report" grep -q "Claude Code usage - daily" "$T/run2.txt"
check "run --yes then serves and prints the URL" [ -n "$URL" ]
check "the dashboard serves the demo store" [ "$(overview "$URL" totalSessions)" -gt 10 ]
kill -TERM "$SRV"; rc=0; wait "$SRV" || rc=$?; SRV=
check "run stops cleanly on SIGTERM" [ "$rc" = 0 ]

demo_aiu daily --demo --json > "$T/d.json"
check "demo has thousands of requests" [ "$(jget "$T/d.json" "d['totals']['requests'] > 3000")" = True ]
check "demo has several models" [ "$(jget "$T/d.json" "len({m['modelName'] for r in d['daily'] for m in r['modelBreakdowns']}) >= 3")" = True ]
check "demo models are all priced" [ "$(jget "$T/d.json" "len(d['unpricedModels'])")" = 0 ]
demo_aiu blocks --demo --active --json > "$T/b.json"
check "demo has an active 5-hour block" [ "$(jget "$T/b.json" "sum(1 for b in d['blocks'] if b['isActive'])")" = 1 ]
check "active block has a burn rate and projection" [ "$(jget "$T/b.json" "d['blocks'][0]['burnRate'] is not None and d['blocks'][0]['projection'] is not None")" = True ]
for cmd in weekly monthly session projects models tools; do
  check "demo $cmd report renders" demo_aiu "$cmd" --demo --no-sync > /dev/null
done
demo_aiu session --demo --json > "$T/s.json"
check "subagent files join their parent session" [ "$(jget "$T/s.json" "all(not s['sessionId'].startswith('agent-') for s in d['sessions'])")" = True ]
# with data present, run syncs, reports, then serves
mkdir -p "$HOME/.claude"
cp -r "$XDG_DATA_HOME/aiusage/demo/claude/projects" "$HOME/.claude/"
aiu run --listen 127.0.0.1:0 --exit-after-ms 300 < /dev/null > "$T/run3.txt"
check "run with data syncs" grep -q "^synced" "$T/run3.txt"
check "run with data prints the daily table" grep -q "Total" "$T/run3.txt"
check "run with data serves the dashboard" grep -qE '^aiusage: serving http://127\.0\.0\.1:[0-9]+/$' "$T/run3.txt"
check "run with data served its own store" default_store_exists
finish

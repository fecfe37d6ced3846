#!/usr/bin/env bash
# The newcomer path: `aiusage run` with no Claude Code data says so and
# offers the demo; the demo fills its own database and every report works.
source "$(dirname "$0")/lib.sh"
aiu run < /dev/null > "$T/run.txt"
check "run without data says so" grep -q "No Claude Code transcripts found" "$T/run.txt"
check "run without data offers the demo" grep -q "aiusage demo" "$T/run.txt"
no_default_store() { ! default_store_exists; }
check "run without data creates no default database" no_default_store
aiu run --yes < /dev/null > "$T/run2.txt"
check "run --yes loads the demo" grep -q "Demo database:" "$T/run2.txt"
check "run --yes shows the daily report" grep -q "Claude Code usage - daily" "$T/run2.txt"
aiu daily --demo --json > "$T/d.json"
check "demo has thousands of requests" [ "$(jget "$T/d.json" "d['totals']['requests'] > 3000")" = True ]
check "demo has several models" [ "$(jget "$T/d.json" "len({m['modelName'] for r in d['daily'] for m in r['modelBreakdowns']}) >= 3")" = True ]
check "demo models are all priced" [ "$(jget "$T/d.json" "len(d['unpricedModels'])")" = 0 ]
aiu blocks --demo --active --json > "$T/b.json"
check "demo has an active 5-hour block" [ "$(jget "$T/b.json" "sum(1 for b in d['blocks'] if b['isActive'])")" = 1 ]
check "active block has a burn rate and projection" [ "$(jget "$T/b.json" "d['blocks'][0]['burnRate'] is not None and d['blocks'][0]['projection'] is not None")" = True ]
for cmd in weekly monthly session projects models tools; do
  check "demo $cmd report renders" aiu "$cmd" --demo --no-sync > /dev/null
done
aiu session --demo --json > "$T/s.json"
check "subagent files join their parent session" [ "$(jget "$T/s.json" "all(not s['sessionId'].startswith('agent-') for s in d['sessions'])")" = True ]
# with data present, run syncs and reports
mkdir -p "$HOME/.claude"
cp -r "$XDG_DATA_HOME/aiusage/demo/claude/projects" "$HOME/.claude/"
aiu run < /dev/null > "$T/run3.txt"
check "run with data syncs" grep -q "^synced" "$T/run3.txt"
check "run with data prints the daily table" grep -q "Total" "$T/run3.txt"
finish

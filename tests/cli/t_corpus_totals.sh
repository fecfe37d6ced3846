#!/usr/bin/env bash
# Totals on the real corpus equal the reference figures of shared/corpus/README.md,
# and every day x model row equals an independent computation (tests/oracle).
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$T/a.db"
aiu sync --db "$DB" --claude-dir "$CC_CORPUS" > "$T/sync.txt"
check "sync prints a one-line summary" grep -qE '^synced [0-9]+ files from 1 dir' "$T/sync.txt"
aiu daily --db "$DB" --claude-dir "$CC_CORPUS" --json --tz UTC > "$T/daily.json"
check "input tokens = 19,146"        [ "$(jget "$T/daily.json" "d['totals']['inputTokens']")" = 19146 ]
check "output tokens = 209,078"      [ "$(jget "$T/daily.json" "d['totals']['outputTokens']")" = 209078 ]
check "cache write = 2,163,161"      [ "$(jget "$T/daily.json" "d['totals']['cacheCreationTokens']")" = 2163161 ]
check "cache read = 40,676,330"      [ "$(jget "$T/daily.json" "d['totals']['cacheReadTokens']")" = 40676330 ]
check "931 usage records"            [ "$(jget "$T/daily.json" "d['totals']['requests']")" = 931 ]
check "no unpriced models"           [ "$(jget "$T/daily.json" "len(d['unpricedModels'])")" = 0 ]

for zone in UTC America/New_York Asia/Kolkata Pacific/Chatham; do
  python3 "$AIU_SRC/tests/oracle/cc_oracle.py" "$CC_CORPUS/projects" "$zone" > "$T/oracle.json"
  aiu daily --db "$DB" --no-sync --json --tz "$zone" > "$T/d.json"
  python3 - "$T/oracle.json" "$T/d.json" > "$T/cmp.txt" <<'PY' && ok "day x model rows equal the oracle in $zone" || { cat "$T/cmp.txt"; fail "day x model rows in $zone"; }
import json, sys
o = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
mine = {}
for row in d["daily"]:
    for m in row["modelBreakdowns"]:
        mine[(row["date"], m["modelName"])] = (m["requests"], m["inputTokens"], m["outputTokens"],
            m["cacheCreation5mTokens"], m["cacheCreation1hTokens"], m["cacheReadTokens"])
ref = {}
for day, models in o["days"].items():
    for model, r in models.items():
        ref[(day, model)] = (r["records"], r["input"], r["output"], r["cache_write_5m"],
                             r["cache_write_1h"], r["cache_read"])
bad = [(k, mine.get(k), ref.get(k)) for k in sorted(set(mine) | set(ref)) if mine.get(k) != ref.get(k)]
for b in bad: print("mismatch", b)
sys.exit(1 if bad else 0)
PY
done

# Every report runs and its totals agree with daily.
for cmd in weekly monthly session projects models; do
  aiu "$cmd" --db "$DB" --no-sync --json --tz UTC > "$T/$cmd.json"
  check "$cmd totals equal daily totals" [ "$(jget "$T/$cmd.json" "d['totals']['totalCost']")" = "$(jget "$T/daily.json" "d['totals']['totalCost']")" ]
done
aiu blocks --db "$DB" --no-sync --json > "$T/blocks.json"
check "blocks requests sum to 931" [ "$(jget "$T/blocks.json" "sum(b['entries'] for b in d['blocks'])")" = 931 ]
aiu tools --db "$DB" --no-sync --json > "$T/tools.json"
check "tool counts are non-empty" [ "$(jget "$T/tools.json" "d['totalCalls'] > 0")" = True ]
aiu daily --db "$DB" --no-sync --csv --tz UTC > "$T/daily.csv"
check "csv has a header and one row per day" [ "$(wc -l < "$T/daily.csv")" = "$(( $(jget "$T/daily.json" "len(d['daily'])") + 1 ))" ]
finish

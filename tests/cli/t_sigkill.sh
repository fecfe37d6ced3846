#!/usr/bin/env bash
# A sync killed with SIGKILL at random moments, then re-run, always ends
# with exactly the totals of an uninterrupted sync.
source "$(dirname "$0")/lib.sh"
GEN=$AIU_SRC/../shared/bench/gen_claude_corpus.py
if [ ! -f "$GEN" ]; then echo "1..0 # SKIP no generator"; exit 0; fi
python3 "$GEN" "$T/claude/projects" $((48 << 20)) 40 7 > /dev/null
totals() { aiu daily --db "$1" --no-sync --json --tz UTC \
  | python3 -c "import json,sys; t=json.load(sys.stdin)['totals']; print(t['requests'], t['inputTokens'], t['outputTokens'], t['cacheCreationTokens'], t['cacheReadTokens'], t['totalCost'])"; }
aiu sync --db "$T/ref.db" --claude-dir "$T/claude" --quiet
REF=$(totals "$T/ref.db")
echo "# reference: $REF"
runs=${SIGKILL_RUNS:-8}
for i in $(seq 1 "$runs"); do
  DB="$T/k$i.db"
  # kill after a random delay, up to three times, then finish normally
  for k in 1 2 3; do
    aiu sync --db "$DB" --claude-dir "$T/claude" --quiet --commit-bytes $((1 << 20)) 2>/dev/null &
    pid=$!
    sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  aiu sync --db "$DB" --claude-dir "$T/claude" --quiet
  check "run $i: totals after kills equal the reference" [ "$(totals "$DB")" = "$REF" ]
done
finish

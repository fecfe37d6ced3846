#!/usr/bin/env bash
# A sync killed with SIGKILL at random moments, then re-run, always ends
# with exactly the totals of an uninterrupted sync. Two syncs at once take
# turns and also end exact.
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
  DBU=$(db "$DB")   # a file path, or a fresh PostgreSQL database (created here, not in the background)
  # kill after a random delay, up to three times, then let a sync finish
  for k in 1 2 3; do
    # the binary itself in the background, so $! is its pid (not a subshell's)
    "$AIU_BIN" sync --db "$DBU" --claude-dir "$T/claude" --quiet --commit-bytes $((1 << 20)) 2>/dev/null &
    pid=$!
    sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if kill -0 "$pid" 2>/dev/null; then fail "run $i: sync $pid survived SIGKILL"; fi
  done
  aiu sync --db "$DB" --claude-dir "$T/claude" --quiet
  check "run $i: totals after kills equal the reference" [ "$(totals "$DB")" = "$REF" ]
  # a killed first sync had dropped the secondary indexes (SQLite builds
  # them at its end); the completing sync restores them
  if [ "$AIU_TEST_BACKEND" = sqlite ]; then
    check "run $i: the usage and messages indexes exist after the kills" [ "$(dbq "$DB" \
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('usage_session_ts', 'messages_session_ts')")" = 2 ]
  fi
done

DB="$T/both.db"
DBU=$(db "$DB")
"$AIU_BIN" sync --db "$DBU" --claude-dir "$T/claude" --quiet & p1=$!
"$AIU_BIN" sync --db "$DBU" --claude-dir "$T/claude" --quiet & p2=$!
r1=0; r2=0
wait "$p1" || r1=$?
wait "$p2" || r2=$?
check "concurrent syncs both succeed" [ "$r1$r2" = 00 ]
check "concurrent syncs give exact totals" [ "$(totals "$DB")" = "$REF" ]
# a report while a sync holds the lock shows stored data instead of failing
DBU=$(db "$T/busy.db")
"$AIU_BIN" sync --db "$DBU" --claude-dir "$T/claude" --quiet & p3=$!
sleep 0.2
check "a report during a sync still answers" aiu daily --db "$T/busy.db" --claude-dir "$T/claude" --json --quiet
wait "$p3" || true
finish

#!/usr/bin/env bash
# The same transcripts give byte-identical reports on SQLite and on
# PostgreSQL: every report, JSON and CSV, several zones, filters and
# breakdowns, after a one-shot sync and after an incremental one. Runs as
# pg_cli_t_backends (it needs both); the SQLite-only run skips.
source "$(dirname "$0")/lib.sh"
need_corpus
if [ "$AIU_TEST_BACKEND" != pg ]; then echo "1..0 # SKIP compares SQLite with PostgreSQL: see pg_cli_t_backends"; exit 0; fi
SQ="$T/s.db"              # a real SQLite file: passed to the binary directly
sqlite_bin() { env -u AIU_TEST_REQUIRE_PG "$AIU_BIN" "$@"; }   # SQLite on purpose, on both runs
PG=$(db "$T/p.db")
sqlite_bin sync --db "$SQ" --claude-dir "$CC_CORPUS" --quiet
"$AIU_BIN" sync --db "$PG" --claude-dir "$CC_CORPUS" --quiet
compare() { # compare LABEL ARGS...: the same report from both stores
  local label=$1; shift
  sqlite_bin "$@" --db "$SQ" --no-sync > "$T/a.out" 2>&1 || true
  "$AIU_BIN" "$@" --db "$PG" --no-sync > "$T/b.out" 2>&1 || true
  if [ -s "$T/a.out" ] && cmp -s "$T/a.out" "$T/b.out"; then ok "$label"; else fail "$label"; diff "$T/a.out" "$T/b.out" | head -5; fi
}
for cmd in daily weekly monthly session projects models tools; do
  compare "$cmd --json identical" "$cmd" --json --tz UTC
done
compare "blocks --json identical" blocks --json
for zone in America/New_York Asia/Kolkata Pacific/Chatham; do
  compare "daily --json in $zone identical" daily --json --tz "$zone"
done
compare "daily --breakdown table identical" daily --breakdown --tz UTC
compare "monthly --csv identical" monthly --csv --tz UTC
compare "project filter identical" daily --json --tz UTC --project JSSoundRecorder
compare "date range identical" daily --json --tz UTC --since 2025-09-01 --until 2025-09-30
compare "session table identical" session --tz UTC
# incremental: half of every transcript first, then the rest, plus a bad line
W="$T/c/projects"
mkdir -p "$W"
cp -r "$CC_CORPUS/projects/." "$W/"
for f in "$W"/*/*.jsonl; do
  cp "$f" "$f.full"
  head -n $(( $(wc -l < "$f") / 2 )) "$f.full" > "$f"
done
SQ="$T/s2.db"
PG=$(db "$T/p2.db")
sqlite_bin sync --db "$SQ" --claude-dir "$T/c" --quiet
"$AIU_BIN" sync --db "$PG" --claude-dir "$T/c" --quiet
for f in "$W"/*/*.jsonl; do mv "$f.full" "$f"; done
echo '{"type":"assistant", broken' >> "$(ls "$W"/*/*.jsonl | head -1)"
sqlite_bin sync --db "$SQ" --claude-dir "$T/c" > "$T/ss.txt"
"$AIU_BIN" sync --db "$PG" --claude-dir "$T/c" > "$T/ps.txt"
check "incremental sync summaries agree" sh -c "sed 's/ in [0-9.]* s//' '$T/ss.txt' > '$T/ss2'; sed 's/ in [0-9.]* s//' '$T/ps.txt' > '$T/ps2'; cmp -s '$T/ss2' '$T/ps2'"
compare "after incremental: daily --json identical" daily --json --tz UTC
compare "after incremental: session --json identical" session --json
compare "after incremental: tools --json identical" tools --json
sqlite_bin sync --db "$SQ" --claude-dir "$T/c" --errors > "$T/e1" 2>&1 || true
"$AIU_BIN" sync --db "$PG" --claude-dir "$T/c" --errors > "$T/e2" 2>&1 || true
check "malformed-line lists agree" sh -c "grep -q 'broken\|:.*: ' '$T/e1' && sed 's/ in [0-9.]* s//' '$T/e1' > '$T/e1b' && sed 's/ in [0-9.]* s//' '$T/e2' > '$T/e2b' && cmp -s '$T/e1b' '$T/e2b'"
finish

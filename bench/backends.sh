#!/usr/bin/env bash
# SQLite against PostgreSQL on the small Claude Code corpus
# (../shared/corpus/claude-code): cold sync into an empty store (PostgreSQL:
# includes creating the schema), `daily --json --no-sync`, and a warm
# `daily --json` (with its incremental sync). Median of RUNS (default 7), in
# ms; the two JSON outputs must be identical. PostgreSQL 15 runs from
# scripts/pg-test.sh with --durable (fsync on), on 127.0.0.1.
# Usage: bench/backends.sh   (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/aiusage
C=${AIU_CORPUS:-../shared/corpus}/claude-code
RUNS=${RUNS:-7}
W=$(mktemp -d)
STATE="$W/pg"
trap 'scripts/pg-test.sh stop "$STATE"; rm -rf "$W"' EXIT
scripts/pg-test.sh start "$STATE" --durable
t() { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sc=(); sd=(); sw=(); pc=(); pd=(); pw=()
for i in $(seq 1 "$RUNS"); do
  rm -f "$W"/a.db*
  sc+=("$(t "$BIN" sync --db "$W/a.db" --claude-dir "$C" --quiet)")
  sd+=("$(t "$BIN" daily --db "$W/a.db" --no-sync --json --tz UTC)")
  sw+=("$(t "$BIN" daily --db "$W/a.db" --claude-dir "$C" --json --tz UTC --quiet)")
  U=$(scripts/pg-test.sh createdb "$STATE" "aiu_bench$i")
  pc+=("$(t "$BIN" sync --db "$U" --claude-dir "$C" --quiet)")
  pd+=("$(t "$BIN" daily --db "$U" --no-sync --json --tz UTC)")
  pw+=("$(t "$BIN" daily --db "$U" --claude-dir "$C" --json --tz UTC --quiet)")
  "$BIN" daily --db "$W/a.db" --no-sync --json --tz UTC > "$W/sq.json"
  "$BIN" daily --db "$U" --no-sync --json --tz UTC > "$W/pg.json"
  cmp -s "$W/sq.json" "$W/pg.json" || { echo "run $i: daily --json differs between backends" >&2; exit 1; }
  scripts/pg-test.sh dropdb "$STATE" "aiu_bench$i"
done
echo "sqlite:     cold sync ${sc[*]} ms (median $(med "${sc[@]}")); daily --json --no-sync median $(med "${sd[@]}"); warm daily --json median $(med "${sw[@]}")"
echo "postgresql: cold sync ${pc[*]} ms (median $(med "${pc[@]}")); daily --json --no-sync median $(med "${pd[@]}"); warm daily --json median $(med "${pw[@]}")"
echo "daily --json identical on both backends in all $RUNS runs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

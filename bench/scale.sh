#!/usr/bin/env bash
# bench/scale.sh - aiusage at scale (docs/SCALING.md): builds a store of
# SCALE_ROWS deduplicated usage rows (default 10,000,000) on SQLite and on
# PostgreSQL 15 through the real ingest path, and measures
#   1. ingest rows/s of `aiusage sync` (incremental, one slice at a time)
#      and its peak RSS;
#   2. store size (file / pg_database_size, and the big tables);
#   3. the terminal reports (`--no-sync`, wall and peak RSS);
#   4. every /api/analytics/* endpoint of `aiusage serve`: first request
#      (uncached) and second (cached), plus a short wrk run if wrk is
#      installed, and the server's peak RSS (VmHWM);
#   5. a daily-per-model total computed from the raw usage rows against the
#      same total from the 15-minute rollups (plain SQL: what the rollups buy).
# Every command is printed before it runs, every figure with the load average.
#
# Workload: bench/gen_scale.py writes SCALE_SLICES slices of synthetic
# transcripts (the Claude Code JSONL shape: 40 projects, sessions, 3 models,
# 400 days, streamed requests split over several lines, resumed sessions
# repeating earlier requests, prompts, tool calls). Slice k covers the k-th
# part of the 400 days; after each slice is written, every backend syncs it
# (an incremental sync on a growing store), then the slice's transcripts are
# deleted (SCALE_KEEP_TRANSCRIPTS=1 keeps them): 10M rows are ~12 GB of
# transcripts, one 1M-row slice ~1.2 GB. Generation time is not counted.
#
# Usage: bench/scale.sh                 (after `make build`; ~40 min at 10M on 2 cores)
#   SCALE_ROWS=N          usage rows (default 10000000); SCALE_ROWS=20000 is the smoke mode
#                         tests/cli/t_scale_smoke.sh runs
#   SCALE_SLICES=K        slices (default: one per million rows, at least 2)
#   SCALE_BACKENDS="sqlite pg"   which backends (default both)
#   SCALE_DIR=D           work dir (default a mktemp dir, removed at exit unless SCALE_KEEP=1)
#   SCALE_WRK_SECONDS=S   wrk duration per endpoint (default 5; 0 = skip wrk)
#   BIN=path              the binary (default build/aiusage)
# PostgreSQL runs from scripts/pg-test.sh --durable (fsync on), on 127.0.0.1,
# and is stopped at exit. Exit status: 0 when every step worked and every
# store holds exactly the generated rows, 1 otherwise (all figures are
# still printed).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$(realpath "${BIN:-build/aiusage}")
ROWS=${SCALE_ROWS:-10000000}
SLICES=${SCALE_SLICES:-$(( ROWS / 1000000 > 2 ? ROWS / 1000000 : 2 ))}
BACKENDS=${SCALE_BACKENDS:-sqlite pg}
WRK_S=${SCALE_WRK_SECONDS:-5}
PSQL=${PSQL:-/usr/lib/postgresql/15/bin/psql}
GTIME=/usr/bin/time
if [ -n "${SCALE_DIR:-}" ]; then W=$SCALE_DIR; mkdir -p "$W"; else W=$(mktemp -d); fi
W=$(realpath "$W")
PGSTATE="$W/pgstate"
SPID=
FAILS=0
cleanup() {
  if [ -n "$SPID" ]; then kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; fi
  [ -f "$PGSTATE/url" ] && scripts/pg-test.sh stop "$PGSTATE"
  if [ "${SCALE_KEEP:-0}" != 1 ] && [ -z "${SCALE_DIR:-}" ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 143' INT TERM   # so the EXIT trap stops PostgreSQL and the server
export HOME="$W/home" XDG_DATA_HOME="$W/home/share" XDG_CONFIG_HOME="$W/home/config" TZ=UTC NO_COLOR=1
unset CLAUDE_CONFIG_DIR AIUSAGE_DB
mkdir -p "$HOME"

load() { echo "load $(cut -d' ' -f1-3 /proc/loadavg)"; }
say() { echo "$*"; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
show() { printf '$'; printf ' %q' "$@" | sed -e 's#postgres://aiu:[^@]*@#postgres://aiu:***@#g'; echo; }
# timed OUT ARGS...: prints the command, runs it under GNU time; sets
# T_WALL (s, from $EPOCHREALTIME: GNU time's %e has 10 ms resolution),
# T_RSS (KiB, GNU time %M), T_RC.
timed() {
  local out=$1; shift
  show "$@"
  local t0=$EPOCHREALTIME
  "$GTIME" -f '%M' -o "$W/time.txt" "$@" > "$out" 2> "$W/err.txt"
  T_RC=$?
  T_WALL=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b-a}')
  T_RSS=$(tail -n1 "$W/time.txt")
  if [ "$T_RC" -ne 0 ]; then sed 's/^/    /' "$W/err.txt" | tail -n 3; fi
}

for tool in python3 curl "$GTIME"; do
  command -v "$tool" > /dev/null || { echo "scale: $tool missing (scripts/deps.sh bench)"; exit 2; }
done
[ -x "$BIN" ] || { echo "scale: $BIN missing (make build)"; exit 2; }
[ "$ROWS" -ge 1000 ] && [ "$SLICES" -ge 1 ] || { echo "scale: SCALE_ROWS >= 1000 and SCALE_SLICES >= 1"; exit 2; }

say "== aiusage scale benchmark: $ROWS usage rows in $SLICES slices, backends: $BACKENDS"
say "   $(date -u +%FT%TZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $("$BIN" version), $(load)"
say "   work dir $W"

declare -A DB
for b in $BACKENDS; do
  case "$b" in
    sqlite) DB[sqlite]="$W/scale.db"; rm -f "$W"/scale.db* ;;
    pg)
      show scripts/pg-test.sh start "$PGSTATE" --durable
      scripts/pg-test.sh start "$PGSTATE" --durable || { echo "scale: cannot start PostgreSQL"; exit 2; }
      DB[pg]=$(scripts/pg-test.sh createdb "$PGSTATE" aiu_scale) || exit 2
      say "   PostgreSQL $("$PSQL" "${DB[pg]}" -XAtc 'show server_version'), fsync on, 127.0.0.1" ;;
    *) echo "scale: unknown backend $b"; exit 2 ;;
  esac
done

# ---- 1. ingest
say ""
say "== 1. ingest: generate a slice, then \`aiusage sync\` it into each store"
declare -A SUM_WALL MAX_RSS
for b in $BACKENDS; do SUM_WALL[$b]=0; MAX_RSS[$b]=0; done
TOTAL=0
TX="$W/tx"
for k in $(seq 0 $((SLICES - 1))); do
  rm -rf "$TX"
  show python3 bench/gen_scale.py "$TX" "$ROWS" "$k" "$SLICES"
  g0=$(date +%s.%N)
  gen=$(python3 bench/gen_scale.py "$TX" "$ROWS" "$k" "$SLICES") || { echo "scale: generator failed"; exit 2; }
  g1=$(date +%s.%N)
  n=$(echo "$gen" | awk '{print $2}')
  TOTAL=$((TOTAL + n))
  say "   slice $((k + 1))/$SLICES: $gen (generated in $(awk -v a="$g0" -v b="$g1" 'BEGIN{printf "%.1f", b-a}') s)"
  for b in $BACKENDS; do
    timed "$W/sync.out" "$BIN" sync --db "${DB[$b]}" --claude-dir "$TX" --quiet
    [ "$T_RC" -eq 0 ] || bad "$b sync of slice $((k + 1)) exited $T_RC"
    SUM_WALL[$b]=$(awk -v a="${SUM_WALL[$b]}" -v b="$T_WALL" 'BEGIN{print a+b}')
    [ "$T_RSS" -gt "${MAX_RSS[$b]}" ] && MAX_RSS[$b]=$T_RSS
    say "   $b slice $((k + 1)): $n rows in $T_WALL s = $(awk -v n="$n" -v t="$T_WALL" 'BEGIN{printf "%.0f", (t > 0 ? n/t : 0)}') rows/s, peak RSS $((T_RSS / 1024)) MiB, store now $TOTAL rows; $(load)"
  done
  [ "${SCALE_KEEP_TRANSCRIPTS:-0}" = 1 ] && mv "$TX" "$W/tx.$k"
done
rm -rf "$TX"

sq() { python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True); print(c.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }
pq() { "$PSQL" "$1" -XAtc "$2"; }
TABLES="usage messages sessions files rollup_usage rollup_session rollup_tools"
say ""
say "== 2. stores"
for b in $BACKENDS; do
  say "   $b ingest total: $TOTAL rows in ${SUM_WALL[$b]} s = $(awk -v n="$TOTAL" -v t="${SUM_WALL[$b]}" 'BEGIN{printf "%.0f", (t > 0 ? n/t : 0)}') rows/s; sync peak RSS (max over slices) $((MAX_RSS[$b] / 1024)) MiB; $(load) at the end"
  counts=""
  for t in $TABLES; do
    if [ "$b" = sqlite ]; then c=$(sq "${DB[$b]}" "select count(*) from $t"); else c=$(pq "${DB[$b]}" "select count(*) from $t"); fi
    counts="$counts $t=$c"
    [ "$t" = usage ] && U=$c
  done
  say "   $b rows:$counts"
  [ "${U:-x}" = "$TOTAL" ] || bad "$b holds ${U:-?} usage rows, the generator wrote $TOTAL distinct requests"
  if [ "$b" = sqlite ]; then
    say "   sqlite size: $(du -cb "${DB[$b]}"* | tail -n1 | cut -f1) bytes ($(du -ch "${DB[$b]}"* | tail -n1 | cut -f1)) for ${DB[$b]}*"
    if python3 -c 'import sqlite3; sqlite3.connect(":memory:").execute("select * from dbstat limit 1")' 2> /dev/null; then
      for t in usage messages rollup_usage rollup_session; do
        say "     $t (with its indexes): $(sq "${DB[$b]}" "select sum(pgsize) from dbstat where name='$t' or name in (select name from sqlite_master where tbl_name='$t')") bytes"
      done
    fi
  else
    say "   pg size: $(pq "${DB[$b]}" 'select pg_database_size(current_database())') bytes ($(pq "${DB[$b]}" 'select pg_size_pretty(pg_database_size(current_database()))'))"
    for t in usage messages rollup_usage rollup_session; do
      say "     $t (with its indexes and TOAST): $(pq "${DB[$b]}" "select pg_total_relation_size('$t')") bytes"
    done
  fi
done

# ---- 3. terminal reports
say ""
say "== 3. terminal reports (--no-sync, from the rollups)"
for b in $BACKENDS; do
  for r in "daily --json" "weekly --json" "monthly --json" "session --json" "blocks --json" "projects --json" "models --json" "tools --json" "daily --breakdown"; do
    # shellcheck disable=SC2086
    timed "$W/rep_${b}_${r%% *}.out" "$BIN" $r --db "${DB[$b]}" --no-sync --tz UTC
    [ "$T_RC" -eq 0 ] || bad "$b $r exited $T_RC"
    say "   $b $r: $T_WALL s, peak RSS $((T_RSS / 1024)) MiB, $(wc -c < "$W/rep_${b}_${r%% *}.out") bytes; $(load)"
  done
done
set -- $BACKENDS
if [ $# -eq 2 ]; then
  if cmp -s "$W/rep_sqlite_daily.out" "$W/rep_pg_daily.out" && cmp -s "$W/rep_sqlite_session.out" "$W/rep_pg_session.out"; then
    say "   daily --json and session --json identical on both backends"
  else
    bad "daily/session --json differ between the backends"
  fi
fi

# ---- 4. the HTTP API
say ""
say "== 4. aiusage serve: /api/analytics/* first (uncached) and second (cached) request"
EPS="overview daily-usage model-distribution tool-usage projects sessions sessions?sort=cost overview?tz=America/New_York daily-usage?dateFrom=2026-01-01&dateTo=2026-03-31"
for b in $BACKENDS; do
  show "$BIN" serve --db "${DB[$b]}" --listen 127.0.0.1:0 --no-watch --sync-interval 0
  "$BIN" serve --db "${DB[$b]}" --listen 127.0.0.1:0 --no-watch --sync-interval 0 > "$W/serve.out" 2> "$W/serve.err" &
  SPID=$!
  URL=
  for _ in $(seq 1 600); do
    URL=$(sed -n 's/^aiusage: serving //p' "$W/serve.out")
    [ -n "$URL" ] && break
    kill -0 "$SPID" 2> /dev/null || break
    sleep 0.05
  done
  if [ -z "$URL" ]; then
    wait "$SPID"; rc=$?; SPID=
    bad "$b: serve did not start (exit $rc): $(tail -n 2 "$W/serve.err")"
    continue
  fi
  say "   $b server $URL (pid $SPID); $(load)"
  for ep in $EPS; do
    for pass in first cached; do
      res=$(curl -s -o "$W/body" -w '%{http_code} %{time_total}' "${URL}api/analytics/$ep")
      code=${res%% *}
      [ "$code" = 200 ] || bad "$b /api/analytics/$ep: HTTP $code"
      if ! kill -0 "$SPID" 2> /dev/null; then
        wait "$SPID"; rc=$?; SPID=
        bad "$b: the server died (exit $rc) during /api/analytics/$ep; its stderr:"
        tail -n 30 "$W/serve.err" | sed 's/^/    /'
        break 2
      fi
      say "   $b /api/analytics/$ep $pass: $(awk -v s="${res#* }" 'BEGIN{printf "%.1f", s*1000}') ms, HTTP $code, $(wc -c < "$W/body") bytes; $(load)"
      [ "$ep" = sessions ] && [ "$pass" = first ] && SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["sessions"][0]["id"])' "$W/body" 2> /dev/null)
    done
  done
  [ -n "$SPID" ] || continue   # the server died: reported above
  if [ -n "${SID:-}" ]; then
    res=$(curl -s -o "$W/body" -w '%{http_code} %{time_total}' "${URL}api/analytics/sessions/$SID")
    say "   $b /api/analytics/sessions/<id> (first listed session; its transcript is deleted, so numbers only): $(awk -v s="${res#* }" 'BEGIN{printf "%.1f", s*1000}') ms, HTTP ${res%% *}, $(wc -c < "$W/body") bytes; $(load)"
  fi
  if [ "$WRK_S" != 0 ] && command -v wrk > /dev/null; then
    for ep in overview daily-usage; do
      show wrk -t2 -c16 -d"${WRK_S}s" --latency "${URL}api/analytics/$ep"
      wrk -t2 -c16 -d"${WRK_S}s" --latency "${URL}api/analytics/$ep" > "$W/wrk.txt" 2>&1
      say "   $b wrk $ep: $(awk '/^Requests\/sec/ {print $2}' "$W/wrk.txt") req/s, p50 $(awk '$1=="50%" {print $2}' "$W/wrk.txt"), p99 $(awk '$1=="99%" {print $2}' "$W/wrk.txt")$(grep -E 'Non-2xx|Socket errors' "$W/wrk.txt" | tr -s ' ' | sed 's/^/, /'); $(load)"
    done
  fi
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SPID/status")
  say "   $b serve peak RSS (VmHWM) $((hwm / 1024)) MiB"
  kill -TERM "$SPID"; wait "$SPID"; SPID=
done

# ---- 5. what the rollups buy
say ""
say "== 5. daily totals per model from the raw usage rows against the 15-minute rollups (plain SQL, no aiusage)"
RAW='SELECT ts / 86400000 AS day, model_id, count(*), sum(input), sum(output), sum(cw5m + cw1h), sum(cache_read) FROM usage GROUP BY 1, 2'
ROLL='SELECT bucket / 96 AS day, model_id, sum(n), sum(input), sum(output), sum(cw5m + cw1h), sum(cache_read) FROM rollup_usage GROUP BY 1, 2'
declare -A SHA
for b in $BACKENDS; do
  for q in raw rollup; do
    if [ "$q" = raw ]; then sql=$RAW; else sql=$ROLL; fi
    if [ "$b" = sqlite ]; then
      show sqlite3-python "${DB[$b]}" "$sql"
      r=$(python3 -c 'import sqlite3,sys,time,hashlib; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True); t=time.perf_counter(); rows=sorted(c.execute(sys.argv[2]).fetchall()); ms=(time.perf_counter()-t)*1000; print("%.1f ms, %d groups, sha %s" % (ms, len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12]))' "${DB[$b]}" "$sql")
    else
      show psql DB -c "$sql"
      r=$(python3 -c '
import subprocess,sys,time,hashlib
t=time.perf_counter()
out=subprocess.run([sys.argv[1], sys.argv[2], "-XAt", "-F", ",", "-c", sys.argv[3]], check=True, capture_output=True, text=True).stdout
ms=(time.perf_counter()-t)*1000
rows=sorted(tuple(int(x) for x in l.split(",")) for l in out.splitlines())
print("%.1f ms (psql process included), %d groups, sha %s" % (ms, len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:12]))' "$PSQL" "${DB[$b]}" "$sql")
    fi
    say "   $b $q: $r; $(load)"
    SHA[$b.$q]=${r##*sha }
  done
done
shas=$(for k in "${!SHA[@]}"; do echo "${SHA[$k]}"; done | sort -u | wc -l)
if [ "$shas" -eq 1 ]; then say "   raw and rollup totals identical (same sha) on every backend"; else bad "raw and rollup totals differ"; fi

say ""
say "== scale: $FAILS failure(s); $(date -u +%FT%TZ); $(load)"
[ "$FAILS" -eq 0 ]

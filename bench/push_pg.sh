#!/usr/bin/env bash
# bench/push_pg.sh - team-server push throughput on PostgreSQL
# (docs/SCALING.md): one machine's store of PUSH_ROWS requests (a
# bench/gen_scale.py slice synced into a local SQLite store) is pushed with
# `aiusage push` to `aiusage serve --db postgres://...` (POST
# /api/ingest/usage in batches of 500, each applied through cc_apply like a
# sync), first into an empty server store, then again (every record a
# duplicate). Prints every command, the wall time, rows/s and the load.
#
# Usage: bench/push_pg.sh             (after `make build`)
#   PUSH_ROWS=N   requests (default 200000)
#   BIN=path      the binary (default build/aiusage)
#   PUSH_DIR=D    work dir (default a mktemp dir, removed at exit)
# PostgreSQL: scripts/pg-test.sh start --durable (fsync on), on 127.0.0.1,
# stopped at exit with the server.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-build/aiusage}")
ROWS=${PUSH_ROWS:-200000}
if [ -n "${PUSH_DIR:-}" ]; then W=$PUSH_DIR; mkdir -p "$W"; else W=$(mktemp -d); fi
W=$(realpath "$W")
SPID=
cleanup() {
  if [ -n "$SPID" ]; then kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; fi
  [ -f "$W/pgstate/url" ] && scripts/pg-test.sh stop "$W/pgstate"
  [ -z "${PUSH_DIR:-}" ] && rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 143' INT TERM
export HOME="$W/home" XDG_DATA_HOME="$W/home/share" XDG_CONFIG_HOME="$W/home/config" TZ=UTC NO_COLOR=1
unset CLAUDE_CONFIG_DIR AIUSAGE_DB
mkdir -p "$HOME"
show() { echo "+ $*"; }
load() { cut -d' ' -f1 /proc/loadavg; }

show python3 bench/gen_scale.py "$W/slice" "$ROWS" 0 1
python3 bench/gen_scale.py "$W/slice" "$ROWS" 0 1 >/dev/null || exit 1
show "$BIN" sync --db "$W/machine.db" --claude-dir "$W/slice" -q
"$BIN" sync --db "$W/machine.db" --claude-dir "$W/slice" -q || exit 1
rm -rf "$W/slice"
scripts/pg-test.sh start "$W/pgstate" --durable >/dev/null || exit 1
URL=$(scripts/pg-test.sh createdb "$W/pgstate" push) || exit 1
TOK=$("$BIN" token create --db "$URL" --role ingest --person bench@example.com) || exit 1
show "$BIN" serve --db postgres://... --listen 127.0.0.1:0 --no-watch --sync-interval 0
"$BIN" serve --db "$URL" --listen 127.0.0.1:0 --no-watch --sync-interval 0 > "$W/serve.out" 2> "$W/serve.err" &
SPID=$!
for _ in $(seq 1 200); do
  grep -q '^aiusage: serving ' "$W/serve.out" && break
  kill -0 "$SPID" 2>/dev/null || break
  sleep 0.05
done
SRV=$(sed -n 's/^aiusage: serving //p' "$W/serve.out")
[ -n "$SRV" ] || { echo "serve did not start: $(tail -n 2 "$W/serve.err")"; exit 1; }
rc=0
for run in "first push (empty server store)" "push again to another URL (all duplicates)"; do
  [ "$run" = "${run#push again}" ] || SRV="http://localhost:${SRV##*:}" # new checkpoint: resend all
  show "$BIN" push --db machine.db --server "$SRV" --token aiu_... --no-sync --json
  l0=$(load)
  t0=$EPOCHREALTIME
  "$BIN" push --db "$W/machine.db" --server "$SRV" --token "$TOK" --no-sync --json > "$W/push.json" 2> "$W/push.err" || rc=1
  t1=$EPOCHREALTIME
  python3 - "$W/push.json" "$t0" "$t1" "$l0" "$(load)" "$run" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = float(sys.argv[3]) - float(sys.argv[2])
print(f"{sys.argv[6]}: sent {d['sent']} in {d['batches']} batches, new {d['new']},"
      f" duplicate {d['duplicate']}: {s:.2f} s = {d['sent'] / s:,.0f} rows/s"
      f" (load {sys.argv[4]} -> {sys.argv[5]})")
EOF
done
exit $rc

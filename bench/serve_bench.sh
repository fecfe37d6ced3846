#!/usr/bin/env bash
# bench/serve_bench.sh - load targets of `aiusage serve` (docs/ARCHITECTURE.md, "HTTP"):
#   1. builds a store of >= 1M messages with `aiusage demo --messages N`
#      (N assistant requests, default 1,000,000; prompts come on top)
#   2. first-request (uncached) latency of every analytics endpoint
#   3. wrk on overview and daily-usage: p99 < 20 ms and >= 5,000 req/s each
#   4. 100 connections for 30 s over both: zero errors, server peak RSS < 100 MiB
# Prints PASS/FAIL per target; exits 1 if any failed. Needs wrk
# (scripts/deps.sh bench). Uses a temp dir (about 3 GB of demo transcripts
# for 1M requests, removed at exit).
# Usage: bench/serve_bench.sh [BIN]   (default build/aiusage; MESSAGES=N to change the size;
#        STORE=path/to/demo.db reuses a store built earlier instead of generating one)
set -euo pipefail
BIN=$(realpath "${1:-build/aiusage}")
N=${MESSAGES:-1000000}
W=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$W"; }
trap cleanup EXIT
export HOME="$W/home" XDG_DATA_HOME="$W/share" TZ=UTC NO_COLOR=1
mkdir -p "$HOME"
command -v wrk >/dev/null || { echo "serve_bench: wrk missing (scripts/deps.sh bench)"; exit 1; }
FAILS=0
verdict() { # verdict NAME OK(0/1) DETAIL
  if [ "$2" = 1 ]; then echo "PASS  $1  ($3)"; else echo "FAIL  $1  ($3)"; FAILS=$((FAILS+1)); fi
}

if [ -n "${STORE:-}" ]; then
  DB=$(realpath "$STORE")
  echo "== store: $DB (reused)"
else
  echo "== store: aiusage demo --messages $N"
  t0=$(date +%s.%N)
  "$BIN" demo --messages "$N" -q > /dev/null
  t1=$(date +%s.%N)
  DB="$XDG_DATA_HOME/aiusage/demo.db"
  printf 'generated and synced in %.1f s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
fi
python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
u = c.execute("select count(*) from usage").fetchone()[0]
m = c.execute("select count(*) from messages").fetchone()[0]
s = c.execute("select count(*) from sessions").fetchone()[0]
r = c.execute("select count(*) from rollup_usage").fetchone()[0]
print("requests %d + prompts %d = %d messages, %d sessions, %d rollup rows" % (u, m, u + m, s, r))
PY
echo "store size $(du -h "$DB" | cut -f1)"
rm -rf "$XDG_DATA_HOME/aiusage/demo"   # transcripts are not needed for these endpoints

"$BIN" serve --db "$DB" --listen 127.0.0.1:0 > "$W/serve.out" 2> "$W/serve.err" &
PID=$!
for _ in $(seq 1 400); do grep -q '^aiusage: serving ' "$W/serve.out" && break; sleep 0.05; done
URL=$(sed -n 's/^aiusage: serving //p' "$W/serve.out")
[ -n "$URL" ] || { echo "server did not start"; cat "$W/serve.err"; exit 1; }
echo "== server $URL (pid $PID)"

echo "== first-request (uncached) latency"
python3 - "$URL" <<'PY'
import json, sys, time, urllib.request
base = sys.argv[1]
sid = None
for ep in ("overview", "daily-usage", "model-distribution", "tool-usage", "projects", "sessions",
           "sessions?sort=cost", "session-detail"):
    path = "api/analytics/" + ep
    if ep == "session-detail":
        path = "api/analytics/sessions/" + sid
    t = time.perf_counter()
    body = urllib.request.urlopen(base + path, timeout=120).read()
    ms = (time.perf_counter() - t) * 1000
    if ep == "sessions":
        sid = json.loads(body)["data"]["sessions"][0]["id"]
    t = time.perf_counter()
    urllib.request.urlopen(base + path, timeout=120).read()
    ms2 = (time.perf_counter() - t) * 1000
    print("  %-40s first %8.1f ms   second %6.2f ms   %7d bytes" % ("/" + path.split("?")[0] + ("?sort=cost" if "?" in ep else ""), ms, ms2, len(body)))
PY

run_wrk() { # run_wrk NAME CONNS SECS PATH...
  local name=$1 c=$2 d=$3; shift 3
  local lua="$W/paths.lua"
  { echo "local paths = {"; for p in "$@"; do echo "  \"/$p\","; done; echo "}"
    echo 'local i = 0'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'; } > "$lua"
  wrk -t2 -c"$c" -d"${d}s" --latency -s "$lua" "${URL%/}" > "$W/wrk_$name.txt" 2>&1 || true
}
p99_ms() { # p99 from wrk --latency output, in ms
  awk '$1=="99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 }; print v }' "$1"
}
rps() { awk '/^Requests\/sec/ { print $2 }' "$1"; }

load() { echo "  (machine load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; other work on the machine shows in the tail)"; }
for ep in overview daily-usage; do
  run_wrk "$ep" 16 10 "api/analytics/$ep"
  p=$(p99_ms "$W/wrk_$ep.txt"); r=$(rps "$W/wrk_$ep.txt")
  echo "== wrk -t2 -c16 -d10s $ep"; load; grep -E 'Latency|Req/Sec|requests in|Requests/sec|Non-2xx|Socket errors|  (50|90|99)%' "$W/wrk_$ep.txt" | sed 's/^/  /'
  verdict "$ep p99 < 20 ms" "$(awk -v p="$p" 'BEGIN{print (p != "" && p < 20) ? 1 : 0}')" "p99 ${p} ms"
  verdict "$ep >= 5000 req/s" "$(awk -v r="$r" 'BEGIN{print (r != "" && r >= 5000) ? 1 : 0}')" "${r} req/s"
done

run_wrk soak 100 30 api/analytics/overview api/analytics/daily-usage "api/analytics/overview?tz=Europe/Paris" \
  "api/analytics/daily-usage?dateFrom=2025-01-01" api/analytics/model-distribution api/analytics/tool-usage
echo "== wrk -t2 -c100 -d30s (6 URLs)"; load; grep -E 'Latency|requests in|Requests/sec|Non-2xx|Socket errors|  (50|90|99)%' "$W/wrk_soak.txt" | sed 's/^/  /'
errs=$(grep -E 'Non-2xx|Socket errors' "$W/wrk_soak.txt" || true)
total=$(awk '/requests in/ { print $1 }' "$W/wrk_soak.txt")
verdict "100 connections x 30 s: zero errors" "$([ -z "$errs" ] && [ -n "$total" ] && echo 1 || echo 0)" "${total:-0} requests${errs:+; $errs}"
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$PID/status")
verdict "server peak RSS < 100 MiB" "$([ "$hwm" -lt $((100 * 1024)) ] && echo 1 || echo 0)" "VmHWM $((hwm / 1024)) MiB"
kill -TERM "$PID"; wait "$PID"; PID=
echo "serve_bench: $FAILS target(s) failed"
[ "$FAILS" -eq 0 ]

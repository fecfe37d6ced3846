# Helpers for tests that run `aiusage serve` (sourced after lib.sh).
# start_server ARGS...: starts the server in the background on the args given
# (add --listen 127.0.0.1:0 for a free port), waits for its one stdout line
# and sets SRV_PID and SRV_URL ("http://127.0.0.1:PORT/"). The EXIT trap
# stops it, so no server outlives the test.
SRV_PID=
SRV_URL=
trap 'if [ -n "$SRV_PID" ]; then kill -TERM "$SRV_PID" 2>/dev/null || true; fi; cleanup' EXIT

start_server() {
  : > "$T/serve.out"
  db_args "$@"   # --db PATH -> the backend under test (not via aiu(): $! must be the server)
  "$AIU_BIN" serve "${AIU_ARGS[@]}" > "$T/serve.out" 2> "$T/serve.err" &
  SRV_PID=$!
  for _ in $(seq 1 200); do
    if grep -q '^aiusage: serving ' "$T/serve.out"; then break; fi
    if ! kill -0 "$SRV_PID" 2>/dev/null; then break; fi
    sleep 0.05
  done
  SRV_URL=$(sed -n 's/^aiusage: serving //p' "$T/serve.out")
  [ -n "$SRV_URL" ]
}

# stop_server: SIGTERM, then wait; returns the server's exit status.
stop_server() {
  local rc=0
  kill -TERM "$SRV_PID" 2>/dev/null || true
  wait "$SRV_PID" || rc=$?
  SRV_PID=
  return $rc
}

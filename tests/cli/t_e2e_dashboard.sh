#!/usr/bin/env bash
# Browser tests of the dashboard: a store built from a copy of the corpus
# (one project held back, so the Sync page has work to do), `aiusage serve`
# on a free loopback port, then tests/e2e/dashboard.mjs drives Debian's
# chromium through playwright-core. A second server with a token checks the
# login. Screenshots go to $AIU_BUILD_DIR/e2e-screenshots.
source "$(dirname "$0")/lib.sh"
need_corpus
CHROMIUM=${AIU_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "not ok - $CHROMIUM missing: run scripts/deps.sh test (installs Debian's chromium)"; exit 1
fi
"$AIU_SRC/tests/e2e/setup.sh" # npm ci of playwright-core when missing or stale

# $T/complete = the corpus + one synthetic session whose prompt is over the
# 64 KiB content cap (the corpus has none), so the "truncated" flag shows.
COMPLETE="$T/complete"
mkdir -p "$COMPLETE"
cp -r "$CC_CORPUS/projects" "$COMPLETE/"
mkdir -p "$COMPLETE/projects/-tmp-e2e-long-prompt"
python3 - "$COMPLETE/projects/-tmp-e2e-long-prompt/7e57c0de-0000-4000-8000-00000000e2e1.jsonl" <<'PY'
import json, sys
sid = "7e57c0de-0000-4000-8000-00000000e2e1"
base = {"isSidechain": False, "userType": "external", "cwd": "/tmp/e2e/long-prompt",
        "sessionId": sid, "version": "2.0.0", "gitBranch": "main"}
text = "".join(f"line {i:05d}: the quick brown fox jumps over the lazy dog\n" for i in range(1400))  # ~85 KB
user = dict(base, parentUuid=None, type="user", uuid="7e57c0de-0000-4000-8000-0000000000a1",
            timestamp="2025-06-20T10:00:00.000Z", message={"role": "user", "content": text})
asst = dict(base, parentUuid=user["uuid"], type="assistant", uuid="7e57c0de-0000-4000-8000-0000000000a2",
            timestamp="2025-06-20T10:00:09.000Z", requestId="req_e2e_long_prompt_1",
            message={"id": "msg_e2e_long_prompt_1", "type": "message", "role": "assistant",
                     "model": "claude-sonnet-4-5-20250929",
                     "content": [{"type": "text", "text": "That is a long prompt."},
                                 {"type": "tool_use", "id": "toolu_e2e_1", "name": "Read", "input": {"file_path": "/tmp/x"}}],
                     "usage": {"input_tokens": 21000, "output_tokens": 12,
                               "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}})
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(user) + "\n" + json.dumps(asst) + "\n")
PY
# the totals the dashboard must reach once everything is synced
FULL="$T/full.db"
aiu daily --db "$FULL" --claude-dir "$COMPLETE" --json --tz UTC > "$T/full.json"

CL="$T/claude"; HOLD="$T/held"
mkdir -p "$CL" "$HOLD"
cp -r "$COMPLETE/projects" "$CL/"
held=-Users-chip-dev-ai-music
mv "$CL/projects/$held" "$HOLD/"
DB="$T/a.db"
aiu sync --db "$DB" --claude-dir "$CL" > "$T/sync.txt"
check "initial sync of the corpus copy" grep -qE '^synced [0-9]+ files' "$T/sync.txt"

PIDS=()
stop_servers() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'stop_servers; cleanup' EXIT   # lib.sh's cleanup drops the test databases

# start_server VAR LOG ARGS...: starts `aiusage serve` in the background (a
# child of this shell, so cleanup can stop it) and sets VAR to its base URL.
start_server() {
  local var=$1 log=$2 pid i url
  shift 2
  db_args "$@"
  "$AIU_BIN" serve --listen 127.0.0.1:0 "${AIU_ARGS[@]}" > "$log" 2>&1 & # not via aiu(): $! must be the server
  pid=$!
  PIDS+=("$pid")
  for i in $(seq 1 300); do
    if url=$(grep -oE 'serving http://127\.0\.0\.1:[0-9]+/' "$log" 2>/dev/null | head -1); then
      printf -v "$var" '%s' "${url#serving }"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$log" >&2; return 1
}

# no watcher and no interval: only the Sync page's button syncs the held-back project
URL=""
start_server URL "$T/serve.log" --db "$DB" --claude-dir "$CL" --no-watch --sync-interval 0
check "serve prints its URL" [ -n "$URL" ]
TOKEN_DB="$T/tok.db"
aiu sync --db "$TOKEN_DB" --claude-dir "$CL" -q   # the same data (works on both backends)
TOKEN=e2e-$RANDOM-$RANDOM-secret
URL_TOKEN=""
export AIUSAGE_TOKEN=$TOKEN # in the environment, not on the command line
start_server URL_TOKEN "$T/serve-token.log" --db "$TOKEN_DB" --claude-dir "$CL" --no-watch --sync-interval 0
unset AIUSAGE_TOKEN

# the embedded files are web/src byte for byte, with a SHA-256-prefix ETag
for f in index.html app.css js/app.js js/pages/sync.js favicon.svg; do
  curl -fsS -D "$T/h.txt" -o "$T/body" "${URL}$f"
  etag=$(tr -d '\r' < "$T/h.txt" | sed -n 's/^[Ee][Tt]ag: "\(.*\)"$/\1/p')
  check "/$f is web/src/$f" cmp -s "$T/body" "$AIU_SRC/web/src/$f"
  check "/$f ETag is its SHA-256 prefix" [ "$etag" = "$(sha256sum "$T/body" | cut -c1-20)" ]
done
curl -fsS -o "$T/chart.js" "${URL}vendor/chart.umd.min.js"
check "the chart library is served without its source-map comment" bash -c "! grep -q sourceMappingURL '$T/chart.js' && grep -q 'Chart.js v4' '$T/chart.js'"
check "/ is index.html" bash -c "curl -fsS '${URL}' | cmp -s - '$AIU_SRC/web/src/index.html'"

SHOTS="${AIU_BUILD_DIR:-$T}/e2e-screenshots"
mkdir -p "$SHOTS"
if AIU_URL=$URL AIU_URL_TOKEN=$URL_TOKEN AIU_TOKEN=$TOKEN AIU_SHOTS=$SHOTS \
   AIU_HOLD_SRC="$HOLD/$held" AIU_HOLD_DST="$CL/projects/$held" AIU_FULL_JSON="$T/full.json" \
   AIU_CHROMIUM=$CHROMIUM AIU_WEB_SRC="$AIU_SRC/web/src" \
   node "$AIU_SRC/tests/e2e/dashboard.mjs"; then
  ok "browser tests (screenshots in $SHOTS)"
else
  fail "browser tests (screenshots in $SHOTS; server log follows)"
  tail -50 "$T/serve.log"
fi
check "the token is never logged" bash -c "! grep -q '$TOKEN' '$T/serve-token.log'"
# both servers stop cleanly after the browser session (under ASan: no leaks)
for p in "${PIDS[@]}"; do
  kill -TERM "$p"
  if wait "$p"; then ok "server $p exits 0 on SIGTERM"; else fail "server $p exit status $? on SIGTERM"; fi
done
PIDS=()
finish
